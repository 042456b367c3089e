package server

import (
	"errors"
	"net/http"
	"slices"
	"strconv"
	"time"

	"comite/internal/access"
	"comite/internal/model"
	"comite/internal/store"
	"comite/web/view"
)

const meetingsPageSize = 20

// day is the meeting's date in Paris, the day its seats are read on.
func day(m model.Meeting) time.Time {
	t := m.StartsAt.In(view.Paris)
	return time.Date(t.Year(), t.Month(), t.Day(), 0, 0, 0, 0, time.UTC)
}

func (s *Server) meetings(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	v := viewerOf(ctx)
	q := r.URL.Query()
	p := view.MeetingsPage{Base: s.base(r, "Réunions"), Manage: access.CanManageMeetings(v), Year: q.Get("year")}
	p.Nav = "meetings"
	now := s.now()
	year, err := strconv.Atoi(p.Year)
	if err != nil || year < 1900 || year > 3000 {
		year, p.Year = 0, ""
	}
	page, err := pageNumber(q)
	if err != nil {
		return err
	}
	// Upcoming meetings are few: all of them, on the first page only. The
	// public sees those the secretariat opened.
	if page == 1 {
		upcoming, _, err := s.store.MeetingList(ctx, store.MeetingFilter{Upcoming: true, Now: now, Year: year, Limit: 100})
		if err != nil {
			return err
		}
		for _, m := range upcoming {
			if access.CanSeeMeeting(v, m, now) {
				p.Upcoming = append(p.Upcoming, m)
			} else if m.Status.Announced() {
				// The public is told that members' meetings are
				// coming, not when nor what: « aucune réunion »
				// would be untrue.
				p.MembersOnly++
			}
		}
	}
	past, total, err := s.store.MeetingList(ctx, store.MeetingFilter{Now: now, Year: year, Limit: meetingsPageSize, Offset: (page - 1) * meetingsPageSize})
	if err != nil {
		return err
	}
	p.Past, p.PastTotal, p.Page = past, total, page
	p.More = page*meetingsPageSize < total
	if p.Years, err = s.store.MeetingYears(ctx); err != nil {
		return err
	}
	if p.Manage {
		if p.OpenActions, err = s.store.OpenActions(ctx); err != nil {
			return err
		}
	}
	if page > 1 {
		p.Title = "Réunions – page " + strconv.Itoa(page)
	}
	p.Today = now
	s.render(w, r, http.StatusOK, view.Meetings(p))
	return nil
}

// presence tells what the viewer's relation to a held meeting is: whether
// the viewer or the viewer's body was present, and whether the body held a
// seat that day.
func presence(v access.Viewer, attendees []model.Attendee) (attended, bodySeated bool) {
	for _, a := range attendees {
		if v.PersonID != 0 && a.PersonID == v.PersonID && a.WasPresent() {
			attended = true
		}
		if v.BodyID != 0 && a.BodyID == v.BodyID && a.SeatRole != "" {
			bodySeated = true
			if a.WasPresent() {
				attended = true
			}
		}
	}
	return attended, bodySeated
}

func (s *Server) meeting(w http.ResponseWriter, r *http.Request) error {
	m, err := s.meetingFor(r)
	if err != nil {
		return err
	}
	p, err := s.meetingPage(r, m)
	if err != nil {
		return err
	}
	s.render(w, r, http.StatusOK, view.Meeting(p))
	return nil
}

// meetingPage gathers what the meeting page shows to this viewer; handlers
// that show it again with a form's errors change the form afterwards.
func (s *Server) meetingPage(r *http.Request, m model.Meeting) (view.MeetingPage, error) {
	ctx := r.Context()
	v := viewerOf(ctx)
	now := s.now()
	p := view.MeetingPage{Base: s.base(r, m.Title), Meeting: m, Now: now,
		Details: access.CanSeeMeetingDetails(v, m), ShowAgenda: access.CanSeeAgenda(v, m), ShowDocuments: access.CanSeeMeetingDocuments(v, m),
		Names: access.CanSeeAttendees(v), Manage: access.CanManageMeetings(v),
		ItemForm: view.NewForm(), DecisionForm: view.NewForm(), RemarkForm: view.NewForm(), DissentForm: view.NewForm()}
	p.Nav = "meetings"
	var err error
	if m.MinutesAdoptedAt != 0 {
		// Only a held meeting is cited: approvals recorded before that rule
		// may name a meeting that was cancelled since.
		if adopted, err := s.store.Meeting(ctx, m.MinutesAdoptedAt); err == nil && adopted.Status.Held() {
			p.AdoptedAt = &adopted
		}
	}
	if p.ShowDocuments {
		if p.Documents, err = s.store.MeetingDocuments(ctx, access.DocumentReader(v), m.ID, 200); err != nil {
			return p, err
		}
	}
	attendees, err := s.store.Attendees(ctx, m.ID, day(m))
	if err != nil {
		return p, err
	}
	attended, bodySeated := presence(v, attendees)
	if p.ShowAgenda {
		if err := s.fillAgenda(r, &p); err != nil {
			return p, err
		}
	}
	if p.Details {
		if err := s.fillDetails(r, &p, attendees); err != nil {
			return p, err
		}
	}
	if p.Names {
		p.Attendees = attendees
		for _, a := range attendees {
			if v.PersonID != 0 && a.PersonID == v.PersonID {
				p.Invitation = &view.Invitation{Answer: a.Answer, CanAnswer: access.CanAnswerInvitation(v, m, true, now)}
			}
		}
	}
	if access.CanSeeMinutes(v, m, attended) {
		p.MinutesHTML = m.MinutesHTML
	}
	if access.CanSeeRemarks(v, m, attended) {
		if p.Remarks, err = s.store.Remarks(ctx, m.ID); err != nil {
			return p, err
		}
	}
	p.CanRemark = access.CanRemarkOnMinutes(v, m, attended)
	p.CanDissent = access.CanAnnexDissent(v, m, bodySeated)
	if access.CanSeeDissents(v, m, attended, bodySeated) {
		if p.Dissents, err = s.store.Dissents(ctx, m.ID); err != nil {
			return p, err
		}
		for _, d := range p.Dissents {
			if d.BodyID == v.BodyID && p.CanDissent {
				p.DissentForm.Values[view.DissentField.Name] = d.Text
			}
		}
	}
	if p.Manage {
		if err := s.fillManagement(r, &p); err != nil {
			return p, err
		}
	}
	return p, nil
}

// fillDetails adds the attendance counts, the decisions and the measures
// of the actions decided.
func (s *Server) fillDetails(r *http.Request, p *view.MeetingPage, attendees []model.Attendee) error {
	ctx := r.Context()
	m := p.Meeting
	mandate, err := s.store.MandateOn(ctx, day(m))
	if err != nil && !isNotFound(err) {
		return err
	}
	p.Attendance = model.Summarize(attendees, mandate.Quorum)
	if p.Decisions, err = s.store.Decisions(ctx, m.ID); err != nil {
		return err
	}
	p.ActionMeasures, err = s.store.MeasuresOfActions(ctx, m.ID)
	return err
}

// fillAgenda reads the agenda with each item's documents.
func (s *Server) fillAgenda(r *http.Request, p *view.MeetingPage) error {
	ctx := r.Context()
	v := viewerOf(ctx)
	items, err := s.store.AgendaItems(ctx, p.Meeting.ID)
	if err != nil {
		return err
	}
	ids := make([]int64, len(items))
	for i, it := range items {
		ids[i] = it.ID
	}
	docs, err := s.store.AttachedDocuments(ctx, access.DocumentReader(v), "agenda_item", ids)
	if err != nil {
		return err
	}
	measures, err := s.store.MeasuresOfAgenda(ctx, p.Meeting.ID)
	if err != nil {
		return err
	}
	drafts, err := s.draftTextsOnAgenda(ctx, items)
	if err != nil {
		return err
	}
	for i, it := range items {
		p.Agenda = append(p.Agenda, view.AgendaEntry{Item: it, Documents: docs[it.ID], Measures: measures[it.ID], DraftTexts: drafts[it.ID],
			First: i == 0, Last: i == len(items)-1})
	}
	return nil
}

// fillManagement adds what only the secretariat sees: the possible status
// changes, the follow-up of open actions proposed for this meeting's
// agenda, and the choices of its forms.
func (s *Server) fillManagement(r *http.Request, p *view.MeetingPage) error {
	ctx := r.Context()
	m := p.Meeting
	for _, to := range []model.MeetingStatus{model.MeetingAgendaPublished, model.MeetingHeld, model.MeetingMinutesDraft, model.MeetingMinutesApproved,
		model.MeetingPlanned, model.MeetingPostponed, model.MeetingCancelled} {
		if m.CanMove(to, s.now()) {
			p.Transitions = append(p.Transitions, to)
		}
	}
	if m.Status.Announced() {
		// Open actions are proposed to the next meeting to come until closed.
		next, err := s.store.NextMeetingAfter(ctx, s.now())
		if err != nil && !isNotFound(err) {
			return err
		}
		if err == nil && next.ID == m.ID {
			actions, err := s.store.OpenActions(ctx)
			if err != nil {
				return err
			}
			for _, a := range actions {
				if !slices.ContainsFunc(p.Agenda, func(e view.AgendaEntry) bool { return e.Item.ActionID == a.ID }) {
					p.Proposed = append(p.Proposed, a)
				}
			}
		}
	}
	p.ItemOptions = []view.Option{{Value: "", Label: "Aucun point en particulier"}}
	for _, e := range p.Agenda {
		p.ItemOptions = append(p.ItemOptions, view.Option{Value: formatID(e.Item.ID), Label: strconv.Itoa(e.Item.Position) + ". " + e.Item.Title})
	}
	bodies, err := s.store.Bodies(ctx)
	if err != nil {
		return err
	}
	p.BodyOptions = bodyOptions(bodies, "Choisir l'organisme chargé de l'action")
	p.MeasureOptions, err = s.measureOptions(ctx)
	return err
}

func isNotFound(err error) bool { return err != nil && errors.Is(err, model.ErrNotFound) }
