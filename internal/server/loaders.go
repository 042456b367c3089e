package server

import (
	"context"
	"fmt"
	"net/http"

	"comite/internal/access"
	"comite/internal/model"
)

// meetingFor loads the meeting of the route and checks that the viewer may
// see it.
func (s *Server) meetingFor(r *http.Request) (model.Meeting, error) {
	id, err := pathID(r)
	if err != nil {
		return model.Meeting{}, err
	}
	m, err := s.store.Meeting(r.Context(), id)
	if err != nil {
		return m, err
	}
	if !access.CanSeeMeeting(viewerOf(r.Context()), m, s.now()) {
		return m, model.ErrForbidden
	}
	return m, nil
}

// managedMeeting loads the meeting of the route for the secretariat.
func (s *Server) managedMeeting(r *http.Request) (model.Meeting, error) {
	if !access.CanManageMeetings(viewerOf(r.Context())) {
		return model.Meeting{}, model.ErrForbidden
	}
	return s.meetingFor(r)
}

// agendaItemFor loads the {item} of the meeting's agenda.
func (s *Server) agendaItemFor(r *http.Request, m model.Meeting) (model.AgendaItem, error) {
	id, err := pathInt(r, "item")
	if err != nil {
		return model.AgendaItem{}, err
	}
	it, err := s.store.AgendaItem(r.Context(), id)
	if err != nil {
		return it, err
	}
	if it.MeetingID != m.ID {
		return it, model.ErrNotFound
	}
	return it, nil
}

// planFromPath reads the plan of the URL.
func (s *Server) planFromPath(r *http.Request) (model.Plan, error) {
	id, err := pathID(r)
	if err != nil {
		return model.Plan{}, err
	}
	return s.store.Plan(r.Context(), id)
}

// axisFromPath reads the axis of the URL and its plan.
func (s *Server) axisFromPath(r *http.Request) (model.Axis, model.Plan, error) {
	id, err := pathID(r)
	if err != nil {
		return model.Axis{}, model.Plan{}, err
	}
	a, err := s.store.Axis(r.Context(), id)
	if err != nil {
		return a, model.Plan{}, err
	}
	pl, err := s.store.Plan(r.Context(), a.PlanID)
	return a, pl, err
}

// measureFromPath reads the measure of the URL and its plan.
func (s *Server) measureFromPath(r *http.Request) (model.Measure, model.Plan, error) {
	id, err := pathID(r)
	if err != nil {
		return model.Measure{}, model.Plan{}, err
	}
	m, err := s.store.Measure(r.Context(), id)
	if err != nil {
		return m, model.Plan{}, err
	}
	pl, err := s.store.Plan(r.Context(), m.PlanID)
	return m, pl, err
}

// indicatorFromPath reads the measure of the URL and its indicator.
func (s *Server) indicatorFromPath(r *http.Request) (model.Measure, model.Indicator, error) {
	m, _, err := s.measureFromPath(r)
	if err != nil {
		return m, model.Indicator{}, err
	}
	id, err := pathInt(r, "indicator")
	if err != nil {
		return m, model.Indicator{}, err
	}
	is, err := s.store.Indicators(r.Context(), m.ID)
	if err != nil {
		return m, model.Indicator{}, err
	}
	for _, i := range is {
		if i.ID == id {
			return m, i, nil
		}
	}
	return m, model.Indicator{}, fmt.Errorf("indicator %d of measure %d: %w", id, m.ID, model.ErrNotFound)
}

// commentFor loads the comment named in the path with its measure and
// plan, and checks that the viewer may see it.
func (s *Server) commentFor(r *http.Request) (model.Comment, model.Measure, model.Plan, error) {
	id, err := pathID(r)
	if err != nil {
		return model.Comment{}, model.Measure{}, model.Plan{}, err
	}
	return s.commentByID(r.Context(), viewerOf(r.Context()), id)
}

// commentByID loads comment id with its measure and plan, for a viewer v
// who may see it: ErrNotFound otherwise.
func (s *Server) commentByID(ctx context.Context, v access.Viewer, id int64) (model.Comment, model.Measure, model.Plan, error) {
	c, err := s.store.Comment(ctx, id)
	if err != nil {
		return c, model.Measure{}, model.Plan{}, err
	}
	m, err := s.store.Measure(ctx, c.MeasureID)
	if err != nil {
		return c, m, model.Plan{}, err
	}
	pl, err := s.store.Plan(ctx, m.PlanID)
	if err != nil {
		return c, m, pl, err
	}
	if !access.CanSeeComment(v, pl, c) {
		return c, m, pl, model.ErrNotFound
	}
	return c, m, pl, nil
}

// documentFor loads the document of the URL and checks the viewer may see
// it. A document whose very existence is private answers 404.
func (s *Server) documentFor(r *http.Request) (model.Document, error) {
	id, err := pathID(r)
	if err != nil {
		return model.Document{}, err
	}
	d, err := s.store.Document(r.Context(), id)
	if err != nil {
		return d, err
	}
	v := viewerOf(r.Context())
	if !access.CanSeeDocument(v, d, s.now()) {
		if access.DocumentExistenceIsPrivate(d, s.now()) {
			return d, model.ErrNotFound
		}
		return d, model.ErrForbidden
	}
	return d, nil
}

// agendaMeeting loads the meeting of the route for an agenda change, which
// is possible until the meeting is held.
func (s *Server) agendaMeeting(r *http.Request) (model.Meeting, error) {
	m, err := s.managedMeeting(r)
	if err != nil {
		return m, err
	}
	if !m.Status.Announced() {
		return m, &redirectError{location: fmt.Sprintf("/meetings/%d", m.ID),
			flash: "L'ordre du jour ne peut plus être modifié : la réunion est au statut « " + m.Status.Label() + " »."}
	}
	return m, nil
}

// updateFromPath reads the {update} of the measure of the URL.
func (s *Server) updateFromPath(r *http.Request) (model.MeasureUpdate, model.Measure, error) {
	measureID, err := pathID(r)
	if err != nil {
		return model.MeasureUpdate{}, model.Measure{}, err
	}
	updateID, err := pathInt(r, "update")
	if err != nil {
		return model.MeasureUpdate{}, model.Measure{}, err
	}
	u, err := s.store.MeasureUpdate(r.Context(), updateID)
	if err != nil {
		return u, model.Measure{}, err
	}
	if u.MeasureID != measureID {
		return u, model.Measure{}, model.ErrNotFound
	}
	m, err := s.store.Measure(r.Context(), measureID)
	return u, m, err
}

// meetingWithPresence loads the meeting of the route, which the viewer may
// see, with the viewer's relation to it (see presence).
func (s *Server) meetingWithPresence(r *http.Request) (m model.Meeting, attended, bodySeated bool, err error) {
	if m, err = s.meetingFor(r); err != nil {
		return m, false, false, err
	}
	attendees, err := s.store.Attendees(r.Context(), m.ID, day(m))
	if err != nil {
		return m, false, false, err
	}
	attended, bodySeated = presence(viewerOf(r.Context()), attendees)
	return m, attended, bodySeated, nil
}

// agendaItemToChange loads the meeting of the route, whose agenda may
// still change (agendaMeeting), and the {item} of its agenda.
func (s *Server) agendaItemToChange(r *http.Request) (model.Meeting, model.AgendaItem, error) {
	m, err := s.agendaMeeting(r)
	if err != nil {
		return m, model.AgendaItem{}, err
	}
	it, err := s.agendaItemFor(r, m)
	return m, it, err
}
