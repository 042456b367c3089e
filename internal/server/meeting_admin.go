package server

import (
	"errors"
	"fmt"
	"net/http"
	"time"

	"comite/internal/access"
	"comite/internal/model"
	"comite/internal/store"
	"comite/web/view"
)

func meetingFields() []view.Field {
	return []view.Field{
		{Name: "title", Label: "Titre", Kind: "text", Required: true},
		{Name: "date", Label: "Date", Kind: "date", Required: true},
		{Name: "start", Label: "Heure de début", Kind: "time", Required: true, Hint: "Heure de Paris, par exemple 14:30."},
		{Name: "end", Label: "Heure de fin", Kind: "time", Hint: "Facultative."},
		{Name: "place", Label: "Lieu", Kind: "text", Hint: "Adresse et salle. Facultatif si la réunion se tient en ligne."},
		{Name: "video_url", Label: "Lien de visioconférence", Kind: "url", Hint: "Facultatif. Visible des seuls membres."},
		{Name: "summary", Label: "Présentation", Kind: "textarea", Hint: "Facultative. Quelques lignes sur l'objet de la réunion."},
		{Name: "public_details", Label: "Rendre publics l'horaire, le lieu, l'ordre du jour, les effectifs et les décisions", Kind: "checkbox"},
		{Name: "public_minutes", Label: "Rendre public le compte rendu une fois approuvé", Kind: "checkbox"},
	}
}

func meetingForm(m model.Meeting) *view.Form {
	f := view.NewForm()
	start := m.StartsAt.In(view.Paris)
	f.Values = map[string]string{"title": m.Title, "date": start.Format(time.DateOnly), "start": start.Format("15:04"),
		"place": m.Place, "video_url": m.VideoURL, "summary": m.Summary}
	if m.EndsAt != nil {
		f.Values["end"] = m.EndsAt.In(view.Paris).Format("15:04")
	}
	if m.PublicDetails {
		f.Values["public_details"] = "1"
	}
	if m.PublicMinutes {
		f.Values["public_minutes"] = "1"
	}
	return f
}

func meetingFromForm(f *view.Form, fields []view.Field) model.Meeting {
	c := newChecker(f, fields)
	m := model.Meeting{Title: c.text("title", 300), Place: c.text("place", 300), VideoURL: c.webURL("video_url"),
		Summary: c.text("summary", 2000), PublicDetails: f.Value("public_details") == "1", PublicMinutes: f.Value("public_minutes") == "1"}
	date := c.date("date")
	if start := c.clock("start", date); start != nil {
		m.StartsAt = *start
	}
	if end := c.clock("end", date); end != nil && !m.StartsAt.IsZero() {
		if !end.After(m.StartsAt) {
			c.fail("end", "L'heure de fin doit suivre l'heure de début.")
		}
		m.EndsAt = end
	}
	return m
}

func (s *Server) editMeetingPage(r *http.Request, title, action, back string, f *view.Form) view.EditPage {
	p := view.EditPage{Base: s.base(r, title), Back: back, BackLabel: "Retour", Action: action, Form: f, Fields: meetingFields(),
		Submit: "Enregistrer"}
	p.Nav = "meetings"
	return p
}

func (s *Server) newMeeting(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	if !access.CanManageMeetings(viewerOf(ctx)) {
		return model.ErrForbidden
	}
	if r.Method == http.MethodGet {
		f := view.NewForm()
		f.Values["start"] = "14:00"
		f.Values["end"] = "17:00"
		s.render(w, r, http.StatusOK, view.Edit(s.editMeetingPage(r, "Programmer une réunion", "/meetings/new", "/meetings", f)))
		return nil
	}
	fields := meetingFields()
	f, err := readForm(r, fields)
	if err != nil {
		return err
	}
	m := meetingFromForm(f, fields)
	if !f.Valid() {
		s.render(w, r, http.StatusUnprocessableEntity, view.Edit(s.editMeetingPage(r, "Programmer une réunion", "/meetings/new", "/meetings", f)))
		return nil
	}
	location, err := s.createOnce(r, r.PostForm.Get(view.SubmissionField), func(tx *store.Store) (string, error) {
		id, err := tx.CreateMeeting(ctx, m)
		if err != nil {
			return "", err
		}
		m.ID, m.Status = id, model.MeetingPlanned
		return fmt.Sprintf("/meetings/%d", id), s.record(ctx, tx, r, "meeting.create", "meeting", id, nil, m)
	})
	if err != nil {
		return err
	}
	s.redirectWithFlash(w, r, location, "La réunion est programmée. Établissez son ordre du jour, puis publiez-le pour convoquer les membres.")
	return nil
}

func (s *Server) editMeeting(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	m, err := s.managedMeeting(r)
	if err != nil {
		return err
	}
	action, back := fmt.Sprintf("/meetings/%d/edit", m.ID), fmt.Sprintf("/meetings/%d", m.ID)
	title := "Modifier « " + m.Title + " »"
	if r.Method == http.MethodGet {
		s.render(w, r, http.StatusOK, view.Edit(s.editMeetingPage(r, title, action, back, meetingForm(m))))
		return nil
	}
	fields := meetingFields()
	f, err := readForm(r, fields)
	if err != nil {
		return err
	}
	changed := meetingFromForm(f, fields)
	if !f.Valid() {
		s.render(w, r, http.StatusUnprocessableEntity, view.Edit(s.editMeetingPage(r, title, action, back, f)))
		return nil
	}
	changed.ID = m.ID
	// Invitees get an update when what their calendar holds has changed.
	practical := !changed.StartsAt.Equal(m.StartsAt) || !equalTime(changed.EndsAt, m.EndsAt) || changed.Place != m.Place ||
		changed.VideoURL != m.VideoURL || changed.Title != m.Title
	notify := practical && m.InvitationsSent && m.Status == model.MeetingAgendaPublished
	queued := 0
	err = s.store.InTx(ctx, func(tx *store.Store) error {
		// Minutes adopted at this meeting cannot be approved before it: its
		// date cannot move past their approval. Under the meeting's lock,
		// which an approval citing it takes too.
		if _, err := tx.MeetingForUpdate(ctx, m.ID); err != nil {
			return err
		}
		adopted, err := tx.MinutesAdoptedAt(ctx, m.ID)
		if err != nil {
			return err
		}
		for _, a := range adopted {
			if a.MinutesApprovedOn != nil && a.MinutesApprovedOn.Before(day(changed)) {
				return adoptionError{"date", "Le compte rendu de la réunion « " + a.Title + " » a été approuvé le " +
					view.Date(*a.MinutesApprovedOn) + " au cours de cette réunion : sa date ne peut être postérieure au " +
					view.Date(*a.MinutesApprovedOn) + "."}
			}
		}
		if err := tx.UpdateMeeting(ctx, changed, notify); err != nil {
			return err
		}
		if err := s.record(ctx, tx, r, "meeting.update", "meeting", m.ID, m, changed); err != nil {
			return err
		}
		if !notify {
			return nil
		}
		updated, err := tx.Meeting(ctx, m.ID)
		if err != nil {
			return err
		}
		queued, _, err = s.notifyInvitees(ctx, tx, r, updated, noticeUpdate)
		return err
	})
	if ae := (adoptionError{}); errors.As(err, &ae) {
		newChecker(f, fields).fail(ae.field, ae.msg)
		s.render(w, r, http.StatusUnprocessableEntity, view.Edit(s.editMeetingPage(r, title, action, back, f)))
		return nil
	}
	if err != nil {
		return err
	}
	flash := "La réunion est modifiée."
	if notify {
		flash += " " + view.Plural(queued, "membre convoqué a reçu", "membres convoqués ont reçu") + " la mise à jour de leur invitation."
	}
	s.redirectWithFlash(w, r, back, flash)
	return nil
}

func equalTime(a, b *time.Time) bool {
	if a == nil || b == nil {
		return a == b
	}
	return a.Equal(*b)
}

func (s *Server) deleteMeeting(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	m, err := s.managedMeeting(r)
	if err != nil {
		return err
	}
	back := fmt.Sprintf("/meetings/%d", m.ID)
	if m.Status != model.MeetingPlanned || m.InvitationsSent {
		s.redirectWithFlash(w, r, back, "Une réunion déjà annoncée aux membres ne peut être supprimée : annulez-la.")
		return nil
	}
	if r.Method == http.MethodGet {
		s.render(w, r, http.StatusOK, view.Confirm(view.ConfirmPage{Base: s.base(r, "Supprimer « "+m.Title+" »"),
			Message: "La réunion et son ordre du jour seront supprimés définitivement. Les documents joints sont conservés dans la bibliothèque ; ceux qui avaient été déposés pour son ordre du jour y restent réservés au secrétariat.",
			Action:  back + "/delete", Submit: "Supprimer la réunion", Cancel: back}))
		return nil
	}
	err = s.store.InTx(ctx, func(tx *store.Store) error {
		withdrawn, err := tx.DeleteMeeting(ctx, m.ID)
		if err != nil {
			return err
		}
		var after any
		if len(withdrawn) > 0 {
			after = map[string]any{"documents_withdrawn": withdrawn}
		}
		return s.record(ctx, tx, r, "meeting.delete", "meeting", m.ID, m, after)
	})
	if errors.Is(err, model.ErrConflict) {
		s.redirectWithFlash(w, r, back, "Une réunion déjà annoncée aux membres ne peut être supprimée : annulez-la.")
		return nil
	}
	if err != nil {
		return err
	}
	s.redirectWithFlash(w, r, "/meetings", "La réunion « "+m.Title+" » a été supprimée.")
	return nil
}
