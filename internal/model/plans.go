package model

import (
	"slices"
	"time"
)

// MeasureStatus is where a measure's implementation stands.
type MeasureStatus string

// Measure statuses.
const (
	MeasureNotStarted MeasureStatus = "not_started"
	MeasureInProgress MeasureStatus = "in_progress"
	MeasureDone       MeasureStatus = "done"
	MeasureDelayed    MeasureStatus = "delayed"
	MeasureAbandoned  MeasureStatus = "abandoned"
)

// MeasureStatuses are the statuses in the order pages and charts show them.
var MeasureStatuses = []MeasureStatus{MeasureNotStarted, MeasureInProgress, MeasureDelayed, MeasureDone, MeasureAbandoned}

// Valid reports whether s is a known status.
func (s MeasureStatus) Valid() bool { return slices.Contains(MeasureStatuses, s) }

// Label is the status as shown to users.
func (s MeasureStatus) Label() string {
	switch s {
	case MeasureNotStarted:
		return "Non engagée"
	case MeasureInProgress:
		return "En cours"
	case MeasureDone:
		return "Réalisée"
	case MeasureDelayed:
		return "En retard"
	case MeasureAbandoned:
		return "Abandonnée"
	}
	return string(s)
}

// Plan is a national plan: the one the committee follows, or another plan
// that touches the same people.
type Plan struct {
	ID           int64
	Slug         string
	Title        string
	ShortTitle   string
	Followed     bool
	Period       string
	Owner        string
	PresentedOn  *time.Time
	Description  string
	SourceURL    string
	Illustrative bool

	// Consultation settings: the body categories whose members may
	// comment on the measures, whether the public reads the comments, and
	// whether each comment waits for the secretariat's approval.
	CommentCategories []Category
	CommentsPublic    bool
	Premoderation     bool
}

// AllowsCategory reports whether members of bodies of category c may
// comment on the plan's measures.
func (p Plan) AllowsCategory(c Category) bool {
	return c != "" && slices.Contains(p.CommentCategories, c)
}

// Name is the plan's short title, or its title.
func (p Plan) Name() string {
	if p.ShortTitle != "" {
		return p.ShortTitle
	}
	return p.Title
}

// Axis is one axis of a plan.
type Axis struct {
	ID           int64
	PlanID       int64
	Number       int
	Title        string
	Illustrative bool
}

// BodyRef names a body in a list.
type BodyRef struct {
	ID   int64
	Name string
}

// Measure is one measure of a plan.
type Measure struct {
	ID           int64
	PlanID       int64
	PlanName     string
	AxisID       int64
	AxisNumber   int
	AxisTitle    string
	Number       string
	Title        string
	Description  string
	Status       MeasureStatus
	Progress     int
	SourceURL    string
	Illustrative bool
	// Observatory marks the measure that the observatory answers: its page
	// links to /observatory.
	Observatory bool
	Pilots      []BodyRef
	Partners    []BodyRef
	UpdatedAt   time.Time
}

// Label is the measure's number and title, as lists show it.
func (m Measure) Label() string {
	if m.Number == "" {
		return m.Title
	}
	return m.Number + ". " + m.Title
}

// PilotedBy reports whether the body pilots the measure.
func (m Measure) PilotedBy(bodyID int64) bool {
	return bodyID != 0 && slices.ContainsFunc(m.Pilots, func(b BodyRef) bool { return b.ID == bodyID })
}

// Indicator measures a measure's progress against a target.
type Indicator struct {
	ID        int64
	MeasureID int64
	Label     string
	Target    string
	Current   string
	UpdatedAt time.Time
}

// UpdateState is where an implementation update stands.
type UpdateState string

// Update states.
const (
	UpdatePending   UpdateState = "pending"
	UpdatePublished UpdateState = "published"
	UpdateReturned  UpdateState = "returned"
)

// Label is the state as shown to users.
func (s UpdateState) Label() string {
	switch s {
	case UpdatePending:
		return "En attente de validation"
	case UpdatePublished:
		return "Publiée"
	case UpdateReturned:
		return "Renvoyée au pilote"
	}
	return string(s)
}

// MeasureUpdate is a dated step of a measure's implementation.
type MeasureUpdate struct {
	ID              int64
	MeasureID       int64
	CampaignID      int64
	AuthorID        int64
	AuthorName      string
	BodyID          int64
	BodyName        string
	State           UpdateState
	Status          MeasureStatus
	Progress        int
	Text            string
	IndicatorValues map[string]string
	HappenedOn      time.Time
	CreatedAt       time.Time
	ReviewedByName  string
	ReviewedAt      *time.Time
	ReviewRemark    string
	Illustrative    bool
}

// Strength is how firmly a monitoring body recommends.
type Strength string

// Strengths of GRETA's recommendations.
const (
	StrengthUrges     Strength = "urges"
	StrengthConsiders Strength = "considers"
)

// Label is the strength as shown to users.
func (s Strength) Label() string {
	switch s {
	case StrengthUrges:
		return "exhorte"
	case StrengthConsiders:
		return "considère"
	}
	return string(s)
}

// MeasureRef names a measure in a list.
type MeasureRef struct {
	ID       int64
	Number   string
	Title    string
	PlanID   int64
	PlanName string
	Followed bool
}

// Label is the measure's number and title.
func (m MeasureRef) Label() string {
	if m.Number == "" {
		return m.Title
	}
	return m.Number + ". " + m.Title
}

// Recommendation is one recommendation of a monitoring body.
type Recommendation struct {
	ID           int64
	Source       string
	Round        int
	Paragraph    string
	Theme        string
	Text         string
	Strength     Strength
	SourceURL    string
	Illustrative bool
	Measures     []MeasureRef
}

// Campaign asks every pilot of a plan for an update by a date.
type Campaign struct {
	ID      int64
	PlanID  int64
	Title   string
	OpensOn time.Time
	DueOn   time.Time
}

// MeasureDiscussion is a meeting where a measure was on the agenda or the
// subject of an action.
type MeasureDiscussion struct {
	MeetingID    int64
	MeetingTitle string
	StartsAt     time.Time
	What         string
}

// PlanGlance is the followed plan at a glance, for the home page: how many
// measures it has, how many are done, under way or late, and their mean
// progress.
type PlanGlance struct {
	PlanID                              int64
	Name                                string
	Measures, Done, InProgress, Delayed int
	Progress                            int
}
