package server

import (
	"net/http"
	"strconv"

	"comite/internal/access"
	"comite/internal/model"
	"comite/internal/store"
	"comite/web/view"
)

// pathID reads the numeric {id} of the route; anything else is a 404.
func pathID(r *http.Request) (int64, error) {
	id, err := strconv.ParseInt(r.PathValue("id"), 10, 64)
	if err != nil || id < 1 {
		return 0, model.ErrNotFound
	}
	return id, nil
}

func (s *Server) meetings(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	now := s.now()
	upcoming, err := s.store.MeetingsAfter(ctx, now, 50)
	if err != nil {
		return err
	}
	past, err := s.store.MeetingsBefore(ctx, now, 200)
	if err != nil {
		return err
	}
	p := view.MeetingsPage{Base: s.base(r, "Réunions"), Upcoming: upcoming, Past: past}
	p.Nav = "meetings"
	s.render(w, r, http.StatusOK, view.Meetings(p))
	return nil
}

func (s *Server) meeting(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r)
	if err != nil {
		return err
	}
	m, err := s.store.Meeting(r.Context(), id)
	if err != nil {
		return err
	}
	if !access.CanSeeMeeting(viewerOf(r.Context()), m) {
		return model.ErrForbidden
	}
	p := view.MeetingPage{Base: s.base(r, m.Title), Meeting: m}
	p.Nav = "meetings"
	if p.Documents, _, err = s.store.Documents(r.Context(), store.DocumentFilter{Levels: access.VisibleLevels(viewerOf(r.Context())),
		TargetType: "meeting", TargetID: m.ID, Limit: 200}); err != nil {
		return err
	}
	s.render(w, r, http.StatusOK, view.Meeting(p))
	return nil
}
