package server

import (
	"errors"
	"net/http"
	"net/url"
	"time"

	"comite/internal/export"
	"comite/internal/model"
	"comite/internal/store"
)

// Members' pages are larger by default than the other lists: the whole
// committee (titulaires and suppléants) fits in one, as before pages.
const membersDefaultLimit = apiMaxLimit

// apiMembers is a page of /api/v1/members: the Popolo document of the
// page's seats (a post and a membership each, and the bodies and people
// they name), and the address of the next page.
type apiMembers struct {
	export.PopoloMembers
	Next *string `json:"next"`
}

// errBadDay answers a malformed ?date= on the members API.
var errBadDay = &paramError{"invalid_date", badDayMessage}

// membersAPI serves the published member list on ?date= (today by default)
// as JSON shaped on Popolo, a page of seats at a time. A page takes three
// queries: the mandate, the seats with their holders, the bodies.
func (s *Server) membersAPI(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	day, ok := parseDay(r.URL.Query().Get("date"), s.now())
	if !ok {
		return errBadDay
	}
	var after *store.SeatKey
	limit, err := readPage(r, "members", membersDefaultLimit, &after)
	if err != nil {
		return err
	}
	l := memberList{day: day}
	var next *store.SeatKey
	m, err := s.store.MandateOn(ctx, day)
	switch {
	case errors.Is(err, model.ErrNotFound):
	case err != nil:
		return err
	default:
		l.mandate = &m
		if l.seats, next, err = s.store.SeatsOnPage(ctx, m.ID, day, after, limit); err != nil {
			return err
		}
		// Bodies are read after the seats: a body with seats cannot be
		// deleted, so every body the seats name is there.
		bodies, err := s.store.Bodies(ctx)
		if err != nil {
			return err
		}
		l.bodies = make(map[int64]model.Body, len(bodies))
		for _, b := range bodies {
			l.bodies[b.ID] = b
		}
	}
	// The next page is of the same day, even when it is read after midnight.
	filters := url.Values{"date": {day.Format(time.DateOnly)}}
	out := apiMembers{PopoloMembers: popoloMembers(l),
		Next: s.nextLink("/api/v1/members", filters, "members", limit, next, next == nil)}
	return writeAPI(w, http.StatusOK, out)
}
