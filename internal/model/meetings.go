package model

import (
	"slices"
	"time"
)

// MeetingStatus is where a meeting stands in its life.
type MeetingStatus string

// Meeting statuses, in the order a meeting goes through them; postponed and
// cancelled leave that path.
const (
	MeetingPlanned         MeetingStatus = "planned"
	MeetingAgendaPublished MeetingStatus = "agenda_published"
	MeetingHeld            MeetingStatus = "held"
	MeetingMinutesDraft    MeetingStatus = "minutes_draft"
	MeetingMinutesApproved MeetingStatus = "minutes_approved"
	MeetingPostponed       MeetingStatus = "postponed"
	MeetingCancelled       MeetingStatus = "cancelled"
)

// Label is the status as shown to users.
func (s MeetingStatus) Label() string {
	switch s {
	case MeetingPlanned:
		return "Programmée"
	case MeetingAgendaPublished:
		return "Ordre du jour publié"
	case MeetingHeld:
		return "Tenue"
	case MeetingMinutesDraft:
		return "Compte rendu en projet"
	case MeetingMinutesApproved:
		return "Compte rendu approuvé"
	case MeetingPostponed:
		return "Reportée"
	case MeetingCancelled:
		return "Annulée"
	}
	return string(s)
}

// meetingTransitions is the whole lifecycle: any move not listed is refused.
// A postponed meeting comes back as planned once it has a new date. A
// meeting recorded after it took place goes from planned to held directly.
var meetingTransitions = map[MeetingStatus][]MeetingStatus{
	MeetingPlanned:         {MeetingAgendaPublished, MeetingHeld, MeetingPostponed, MeetingCancelled},
	MeetingAgendaPublished: {MeetingHeld, MeetingPostponed, MeetingCancelled},
	MeetingPostponed:       {MeetingPlanned, MeetingCancelled},
	MeetingHeld:            {MeetingMinutesDraft},
	MeetingMinutesDraft:    {MeetingMinutesApproved},
}

// CanBecome reports whether a meeting in status s may move to t.
func (s MeetingStatus) CanBecome(t MeetingStatus) bool {
	return slices.Contains(meetingTransitions[s], t)
}

// CanMove reports whether m may move to status to at now: the move is in
// the lifecycle, and the clock allows it. Members are convened only before
// the meeting starts, and a meeting is declared held only once it has
// started, so neither move is offered out of its time.
func (m Meeting) CanMove(to MeetingStatus, now time.Time) bool {
	if !m.Status.CanBecome(to) {
		return false
	}
	switch to {
	case MeetingAgendaPublished:
		return m.StartsAt.After(now)
	case MeetingHeld:
		return !m.StartsAt.After(now)
	}
	return true
}

// Held reports whether the meeting has taken place (its attendance and
// minutes exist).
func (s MeetingStatus) Held() bool {
	return s == MeetingHeld || s == MeetingMinutesDraft || s == MeetingMinutesApproved
}

// Announced reports whether the meeting is on its way to being held: its
// agenda may still change and its invitations are current.
func (s MeetingStatus) Announced() bool {
	return s == MeetingPlanned || s == MeetingAgendaPublished
}

// Meeting is a meeting of the committee.
type Meeting struct {
	ID           int64
	Slug         string
	Title        string
	StartsAt     time.Time
	EndsAt       *time.Time
	Place        string
	VideoURL     string
	Status       MeetingStatus
	Summary      string
	Illustrative bool

	StatusReason    string
	ICSSequence     int
	InvitationsSent bool
	// PublicDetails opens time, place, agenda, attendance counts and
	// decisions to the public; PublicMinutes the approved minutes.
	PublicDetails bool
	PublicMinutes bool

	MinutesText string
	// MinutesHTML is MinutesText rendered and sanitised when saved.
	MinutesHTML       string
	MinutesVersion    int
	MinutesApprovedOn *time.Time
	// MinutesAdoptedAt is the meeting at which the minutes were adopted, 0 if none.
	MinutesAdoptedAt int64
}

// End is when the meeting ends: its end time, or two hours after its start.
func (m Meeting) End() time.Time {
	if m.EndsAt != nil {
		return *m.EndsAt
	}
	return m.StartsAt.Add(2 * time.Hour)
}

// AgendaPublished reports whether the meeting's agenda has been published:
// from « Publier l'ordre du jour » on (which sends the invitations, so a
// meeting postponed afterwards keeps its published agenda), or once held
// for a meeting recorded after it took place. Before, the agenda is a
// draft for the secretariat. store.agendaPublished is the same rule in SQL.
func (m Meeting) AgendaPublished() bool {
	return m.Status == MeetingAgendaPublished || m.Status.Held() || m.InvitationsSent
}

// AgendaItem is one point of a meeting's agenda.
type AgendaItem struct {
	ID              int64
	MeetingID       int64
	Position        int
	Title           string
	Presenter       string
	DurationMinutes int
	// ActionID is the open action this item follows up, 0 if none.
	ActionID int64
}

// Answer is what an invited person said they would do.
type Answer string

// Answers to an invitation.
const (
	AnswerNone        Answer = "none"
	AnswerAttending   Answer = "attending"
	AnswerExcused     Answer = "excused"
	AnswerRepresented Answer = "represented"
)

// Answers are the answers a member may give, in the order the form shows them.
var Answers = []Answer{AnswerAttending, AnswerExcused, AnswerRepresented}

// Valid reports whether a is a known answer.
func (a Answer) Valid() bool {
	return a == AnswerNone || slices.Contains(Answers, a)
}

// Label is the answer as shown to users.
func (a Answer) Label() string {
	switch a {
	case AnswerNone:
		return "Pas de réponse"
	case AnswerAttending:
		return "Présent"
	case AnswerExcused:
		return "Excusé"
	case AnswerRepresented:
		return "Représenté par son suppléant"
	}
	return string(a)
}

// Attendee is a person invited to a meeting, with the seat they held on the
// meeting's day (SeatRole empty when they held none).
type Attendee struct {
	PersonID   int64
	Name       string
	Email      string
	Answer     Answer
	AnsweredAt *time.Time
	// Present is nil until the secretariat records attendance.
	Present  *bool
	BodyID   int64
	BodyName string
	Category Category
	SeatRole SeatRole
}

// WasPresent reports whether the person was recorded present.
func (a Attendee) WasPresent() bool { return a.Present != nil && *a.Present }

// MinutesVersion is one saved text of a meeting's minutes.
type MinutesVersion struct {
	Version    int
	Body       string
	AuthorName string
	CreatedAt  time.Time
}

// RemarkState is where a remark on draft minutes stands.
type RemarkState string

// Remark states.
const (
	RemarkOpen         RemarkState = "open"
	RemarkAnswered     RemarkState = "answered"
	RemarkIncorporated RemarkState = "incorporated"
)

// Label is the state as shown to users.
func (s RemarkState) Label() string {
	switch s {
	case RemarkOpen:
		return "En attente de réponse"
	case RemarkAnswered:
		return "Répondu"
	case RemarkIncorporated:
		return "Intégrée au compte rendu"
	}
	return string(s)
}

// Remark is an attendee's remark on draft minutes.
type Remark struct {
	ID             int64
	MeetingID      int64
	AuthorID       int64
	AuthorName     string
	BodyName       string
	Text           string
	HTML           string // Text rendered and sanitised when saved; empty until rendered
	CreatedAt      time.Time
	State          RemarkState
	Answer         string
	AnsweredByName string
	AnsweredAt     *time.Time
}

// Dissent is a member body's dissenting position annexed to the minutes.
type Dissent struct {
	ID         int64
	MeetingID  int64
	BodyID     int64
	BodyName   string
	AuthorName string
	Text       string
	HTML       string // Text rendered and sanitised when saved; empty until rendered
	CreatedAt  time.Time
}

// Decision is one line of a meeting's relevé de décisions.
type Decision struct {
	ID              int64
	MeetingID       int64
	AgendaItemID    int64
	AgendaItemTitle string
	Text            string
	Actions         []Action
}

// Action is what a decision asks a body to do, followed until closed.
type Action struct {
	ID            int64
	DecisionID    int64
	Title         string
	OwnerBodyID   int64
	OwnerBodyName string
	DueOn         *time.Time
	ClosedOn      *time.Time
	ClosingNote   string
	// The meeting whose decision created the action.
	MeetingID       int64
	MeetingTitle    string
	MeetingStartsAt time.Time
}

// Open reports whether the action still awaits its closing.
func (a Action) Open() bool { return a.ClosedOn == nil }

// Overdue reports whether the action is open past its due date on day.
func (a Action) Overdue(day time.Time) bool {
	return a.Open() && a.DueOn != nil && a.DueOn.Before(day)
}
