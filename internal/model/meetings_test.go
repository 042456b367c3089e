package model

import (
	"testing"
	"time"
)

func TestMeetingTransitions(t *testing.T) {
	allowed := map[[2]MeetingStatus]bool{
		{MeetingPlanned, MeetingAgendaPublished}:      true,
		{MeetingPlanned, MeetingHeld}:                 true,
		{MeetingAgendaPublished, MeetingHeld}:         true,
		{MeetingHeld, MeetingMinutesDraft}:            true,
		{MeetingMinutesDraft, MeetingMinutesApproved}: true,
		{MeetingPlanned, MeetingPostponed}:            true,
		{MeetingPlanned, MeetingCancelled}:            true,
		{MeetingAgendaPublished, MeetingPostponed}:    true,
		{MeetingAgendaPublished, MeetingCancelled}:    true,
		{MeetingPostponed, MeetingPlanned}:            true,
		{MeetingPostponed, MeetingCancelled}:          true,
	}
	all := []MeetingStatus{MeetingPlanned, MeetingAgendaPublished, MeetingHeld, MeetingMinutesDraft,
		MeetingMinutesApproved, MeetingPostponed, MeetingCancelled, "unknown"}
	for _, from := range all {
		for _, to := range all {
			if got := from.CanBecome(to); got != allowed[[2]MeetingStatus{from, to}] {
				t.Errorf("%s → %s: got %v", from, to, got)
			}
		}
	}
}

func TestSummarizeCountsBodies(t *testing.T) {
	yes, no := true, false
	attendees := []Attendee{
		{PersonID: 1, BodyID: 1, Category: CategoryAssociation, SeatRole: SeatTitulaire, Answer: AnswerRepresented, Present: &no},
		{PersonID: 2, BodyID: 1, Category: CategoryAssociation, SeatRole: SeatSuppleant, Answer: AnswerAttending, Present: &yes},
		{PersonID: 3, BodyID: 2, Category: CategoryInstitution, SeatRole: SeatTitulaire, Answer: AnswerExcused, Present: &no},
		{PersonID: 4, BodyID: 2, Category: CategoryInstitution, SeatRole: SeatSuppleant, Answer: AnswerExcused, Present: &no},
		{PersonID: 5, BodyID: 3, Category: CategoryInstitution, SeatRole: SeatTitulaire, Answer: AnswerNone, Present: &yes},
		{PersonID: 6, Answer: AnswerAttending, Present: &yes}, // a guest
	}
	s := Summarize(attendees, 2)
	if s.Invited != 6 || s.Attending != 2 || s.Excused != 2 || s.Represented != 1 || s.NoAnswer != 1 {
		t.Errorf("answers: %+v", s)
	}
	if !s.Recorded || s.PeoplePresent != 3 || s.BodiesPresent != 2 || !s.QuorumReached() {
		t.Errorf("presence: recorded %v, %d people, %d bodies, quorum %v", s.Recorded, s.PeoplePresent, s.BodiesPresent, s.QuorumReached())
	}
	if len(s.Guests) != 1 || len(s.ByBody) != 3 {
		t.Errorf("%d guests, %d bodies", len(s.Guests), len(s.ByBody))
	}
	// Institutions first, in the model's order; the excused body counts as excused, the silent one as no answer.
	if len(s.ByCategory) != 2 || s.ByCategory[0].Category != CategoryInstitution || s.ByCategory[0].Excused != 1 ||
		s.ByCategory[0].NoAnswer != 1 || s.ByCategory[1].Expected != 1 {
		t.Errorf("by category: %+v", s.ByCategory)
	}
	if Summarize(attendees, 3).QuorumReached() {
		t.Error("2 bodies present reach a quorum of 3")
	}
}

func TestAttendanceRatePercent(t *testing.T) {
	for _, tt := range []struct{ held, attended, want int }{{3, 2, 67}, {0, 0, 0}, {8, 1, 13}, {4, 4, 100}} {
		if got := (AttendanceRate{Held: tt.held, Attended: tt.attended}).Percent(); got != tt.want {
			t.Errorf("%d of %d: got %d %%, want %d %%", tt.attended, tt.held, got, tt.want)
		}
	}
}

func TestMeetingCanMove(t *testing.T) {
	start := time.Date(2027, 1, 21, 14, 0, 0, 0, time.UTC)
	before, after := start.Add(-time.Hour), start.Add(time.Minute)
	for _, tt := range []struct {
		from, to MeetingStatus
		now      time.Time
		want     bool
	}{
		{MeetingPlanned, MeetingAgendaPublished, before, true},
		{MeetingPlanned, MeetingAgendaPublished, after, false},
		{MeetingAgendaPublished, MeetingHeld, before, false},
		{MeetingAgendaPublished, MeetingHeld, start, true},
		{MeetingPlanned, MeetingHeld, after, true},
		{MeetingAgendaPublished, MeetingCancelled, before, true},
		{MeetingHeld, MeetingMinutesDraft, after, true},
		{MeetingHeld, MeetingCancelled, after, false},
	} {
		m := Meeting{Status: tt.from, StartsAt: start}
		if got := m.CanMove(tt.to, tt.now); got != tt.want {
			t.Errorf("%s → %s at %s: got %v, want %v", tt.from, tt.to, tt.now.Format(time.Kitchen), got, tt.want)
		}
	}
}
