package model

import (
	"strconv"
	"strings"
	"time"
)

// NewsArticle is an article of the secretariat. It is a draft while
// PublishedAt is nil, scheduled while PublishedAt is in the future, and
// visible (to the public or to members, per Visibility) from then on.
type NewsArticle struct {
	ID      int64
	Slug    string
	Title   string
	Summary string
	// Body is the markdown typed by the secretariat; BodyHTML is its
	// sanitised rendering, made when saved, in which [[lien:N]] tokens are
	// still text.
	Body        string
	BodyHTML    string
	Visibility  Visibility
	PublishedAt *time.Time
	// SlugFrozen is set once the article has been visible: its address
	// no longer follows its title.
	SlugFrozen   bool
	Notify       bool
	MailedAt     *time.Time
	Version      int
	Illustrative bool
	CreatedBy    int64
	CreatedAt    time.Time
	UpdatedAt    time.Time
}

// PublishedBy reports whether the article is visible (to its audience) at t.
func (a NewsArticle) PublishedBy(t time.Time) bool {
	return a.PublishedAt != nil && !a.PublishedAt.After(t)
}

// Scheduled reports whether the article has a publication date after t.
func (a NewsArticle) Scheduled(t time.Time) bool {
	return a.PublishedAt != nil && a.PublishedAt.After(t)
}

// Shown is the date an article is shown with: its publication date, or
// its last change while it is a draft.
func (a NewsArticle) Shown() time.Time {
	if a.PublishedAt != nil {
		return *a.PublishedAt
	}
	return a.UpdatedAt
}

// NewsVisibilities are the audiences an article may have: a document may
// be for the secretariat alone, an article is always for readers.
var NewsVisibilities = []Visibility{VisibilityPublic, VisibilityMembers}

// LinkTarget is what an article's internal link points to.
type LinkTarget string

// The kinds of targets of an internal link.
const (
	LinkMeeting  LinkTarget = "meeting"
	LinkMandate  LinkTarget = "mandate"
	LinkMeasure  LinkTarget = "measure"
	LinkDocument LinkTarget = "document"
)

// LinkTargets lists the kinds in the order the picker offers them.
var LinkTargets = []LinkTarget{LinkMeeting, LinkMandate, LinkMeasure, LinkDocument}

// Valid reports whether t is a known kind of target.
func (t LinkTarget) Valid() bool {
	return t == LinkMeeting || t == LinkMandate || t == LinkMeasure || t == LinkDocument
}

// Label names the kind of target for readers.
func (t LinkTarget) Label() string {
	switch t {
	case LinkMeeting:
		return "Réunion"
	case LinkMandate:
		return "Mandature et arrêté de nomination"
	case LinkMeasure:
		return "Mesure du plan"
	case LinkDocument:
		return "Document"
	}
	return string(t)
}

// NewsLink is an internal link of an article, read with its target's live
// title so that a renamed target shows its new title.
type NewsLink struct {
	ArticleID  int64
	Position   int
	TargetType LinkTarget
	TargetID   int64
	// Title is the target's current title: the meeting's title, the
	// mandate's label, the measure's number and title, the document's title.
	Title string
	// Reference completes a mandate's title with its Journal officiel
	// reference, and a measure's with its plan.
	Reference string
	// At is the date of a meeting or a document among the link picker's
	// candidates, written by the page as every date is.
	At *time.Time
	// Meeting, Document: what the access policy needs to decide whether
	// the reader may follow the link.
	Meeting  *Meeting
	Document *Document
	// ELIURL is the Légifrance address of a mandate's arrêté, if known.
	ELIURL string
}

// Path is the portal address of the link's target.
func (l NewsLink) Path() string {
	switch l.TargetType {
	case LinkMeeting:
		return "/meetings/" + strconv.FormatInt(l.TargetID, 10)
	case LinkMandate:
		return "/mandates/" + strconv.FormatInt(l.TargetID, 10)
	case LinkMeasure:
		return "/measures/" + strconv.FormatInt(l.TargetID, 10)
	case LinkDocument:
		return "/documents/" + strconv.FormatInt(l.TargetID, 10)
	}
	return "/"
}

// Token is what the author types in the body to place the link there.
func (l NewsLink) Token() string { return "[[lien:" + strconv.Itoa(l.Position) + "]]" }

// JOReference writes a mandate's Journal officiel reference as readers
// expect it: "Arrêté du … – JORF n° … – NOR …", leaving out what is unknown.
func JOReference(m Mandate) string {
	var parts []string
	if m.JOTitle != "" {
		parts = append(parts, m.JOTitle)
	}
	if m.JORF != "" {
		parts = append(parts, "JORF "+m.JORF)
	}
	if m.JOTextNumber != "" {
		parts = append(parts, "texte n° "+m.JOTextNumber)
	}
	if m.NOR != "" {
		parts = append(parts, "NOR "+m.NOR)
	}
	return strings.Join(parts, " – ")
}
