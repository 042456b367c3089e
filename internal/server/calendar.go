package server

import (
	"fmt"
	"net/http"
	"strings"
	"time"

	"comite/internal/access"
	"comite/internal/ical"
	"comite/internal/model"
	"comite/internal/store"
	"comite/web/view"
)

// writeCalendar writes cal for v. A calendar of an account (signed in, or
// through its private token) is kept in no cache; the public's is
// revalidated like a public page (etag.go).
func (s *Server) writeCalendar(w http.ResponseWriter, v access.Viewer, cal ical.Calendar, filename string) {
	h := w.Header()
	h.Set("Content-Type", "text/calendar; charset=utf-8")
	h.Set("Content-Disposition", `inline; filename="`+filename+`"`)
	if v.SignedIn() {
		h.Set("Cache-Control", "private, no-store")
	} else {
		h.Set("Cache-Control", publicCacheControl)
	}
	w.Write(cal.Bytes())
}

// meetingICS is one meeting as an iCalendar file.
func (s *Server) meetingICS(w http.ResponseWriter, r *http.Request) error {
	m, err := s.meetingFor(r)
	if err != nil {
		return err
	}
	v := viewerOf(r.Context())
	if !access.CanSeeMeetingDetails(v, m) {
		return model.ErrForbidden
	}
	cal := ical.Calendar{Method: "PUBLISH", Events: []ical.Event{s.meetingEvent(r, m, true, access.CanSeeAttendees(v))}}
	s.writeCalendar(w, v, cal, fmt.Sprintf("reunion-%d.ics", m.ID))
	return nil
}

// meetingsICS is the feed of every meeting the viewer may see, from a year
// back. Calendar apps send no cookie: they identify with the account's
// private token in the query, which is never logged.
func (s *Server) meetingsICS(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	v := viewerOf(ctx)
	if token := r.URL.Query().Get("token"); token != "" {
		a, err := s.store.AccountByCalendarToken(ctx, hashToken(token))
		if isNotFound(err) {
			return model.ErrNotFound
		}
		if err != nil {
			return err
		}
		v = access.ViewerFor(a)
	}
	now := s.now()
	ms, err := s.store.MeetingsAfter(ctx, now.AddDate(-1, 0, 0), 500)
	if err != nil {
		return err
	}
	cal := ical.Calendar{Method: "PUBLISH", Name: "Réunions du comité de coordination"}
	for _, m := range ms {
		if !access.CanSeeMeeting(v, m, now) {
			continue
		}
		cal.Events = append(cal.Events, s.meetingEvent(r, m, access.CanSeeMeetingDetails(v, m), access.CanSeeAttendees(v)))
	}
	s.writeCalendar(w, v, cal, "reunions.ics")
	return nil
}

func (s *Server) accountPage(r *http.Request, title string, a model.Account, f *view.Form) (view.AccountPage, error) {
	p := view.AccountPage{Base: s.base(r, title), Account: a, Form: f}
	p.Nav = "account"
	var err error
	if p.HasCalendar, err = s.store.HasCalendarToken(r.Context(), a.ID); err != nil {
		return p, err
	}
	p.NewsByMail, err = s.store.NewsByMail(r.Context(), a.ID)
	return p, err
}

// createCalendarToken gives the viewer a new private feed address, shown
// once; any previous one stops working.
func (s *Server) createCalendarToken(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	v := viewerOf(ctx)
	a, err := s.store.Account(ctx, v.AccountID)
	if err != nil {
		return err
	}
	token, hash := newToken()
	err = s.store.InTx(ctx, func(tx *store.Store) error {
		if err := tx.SetCalendarToken(ctx, a.ID, hash); err != nil {
			return err
		}
		return s.record(ctx, tx, r, "calendar.token", "account", a.ID, nil, map[string]any{"created": true})
	})
	if err != nil {
		return err
	}
	p, err := s.accountPage(r, "Mon compte", a, view.NewForm())
	if err != nil {
		return err
	}
	p.CalendarURL = s.baseURL() + "/meetings.ics?token=" + token
	// The address is a secret: keep it out of caches and of the history.
	w.Header().Set("Cache-Control", "no-store")
	s.render(w, r, http.StatusOK, view.Account(p))
	return nil
}

func (s *Server) revokeCalendarToken(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	v := viewerOf(ctx)
	err := s.store.InTx(ctx, func(tx *store.Store) error {
		if err := tx.DeleteCalendarToken(ctx, v.AccountID); err != nil {
			return err
		}
		return s.record(ctx, tx, r, "calendar.revoke", "account", v.AccountID, nil, map[string]any{"revoked": true})
	})
	if err != nil {
		return err
	}
	s.redirectWithFlash(w, r, "/account#agenda", "L'adresse d'abonnement est révoquée : les agendas abonnés ne recevront plus les réunions.")
	return nil
}

// outboxCalendar is the iCalendar part of a queued mail, for the
// secretariat to check what the invitees receive.
func (s *Server) outboxCalendar(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r)
	if err != nil {
		return err
	}
	m, err := s.store.QueuedMail(r.Context(), id)
	if err != nil {
		return err
	}
	if strings.TrimSpace(m.Calendar) == "" {
		return model.ErrNotFound
	}
	w.Header().Set("Content-Type", "text/calendar; charset=utf-8")
	w.Header().Set("Content-Disposition", `attachment; filename="invitation.ics"`)
	w.Header().Set("Cache-Control", "private, no-store")
	// The mail carries the whole calendar; the secretariat's copy has its
	// tokens masked, as the outbox page has.
	http.ServeContent(w, r, "", time.Time{}, strings.NewReader(maskCalendarTokens(m.Calendar)))
	return nil
}
