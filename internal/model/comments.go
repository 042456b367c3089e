package model

import (
	"time"
)

// CommentState is where a comment stands in pre-moderation.
type CommentState string

// Comment states. Without pre-moderation a comment is published at once.
const (
	CommentPending   CommentState = "pending"
	CommentPublished CommentState = "published"
	CommentRejected  CommentState = "rejected"
)

// Comment limits, shown to authors and enforced by the store's checks.
const (
	CommentMaxLength = 5000
	// CommentEditWindow is how long after posting the author may edit.
	CommentEditWindow = 30 * time.Minute
	// CommentBurst comments per CommentBurstWindow and per account; one
	// more is refused until the oldest leaves the window.
	CommentBurst       = 5
	CommentBurstWindow = 10 * time.Minute
)

// Comment is a member's comment on a measure, or a reply to one.
type Comment struct {
	ID         int64
	MeasureID  int64
	ParentID   int64
	AuthorID   int64
	AuthorName string
	BodyID     int64
	BodyName   string
	Category   Category
	// Text is the markdown as typed; HTML is its sanitised rendering.
	Text         string
	HTML         string
	Official     bool
	State        CommentState
	Version      int
	EditedAt     *time.Time
	WithdrawnAt  *time.Time
	HiddenAt     *time.Time
	HiddenReason string
	Illustrative bool
	CreatedAt    time.Time
	// Replies holds the replies of a top-level comment, in the order a
	// thread shows them: the official answers first.
	Replies []Comment
	// ReplyCount counts the replies the reader may see, when Replies
	// holds only some of them (a page of threads caps them).
	ReplyCount int
	// OpenFlags counts unresolved flags; filled for the secretariat.
	OpenFlags int
}

// Withdrawn reports whether the author withdrew the comment.
func (c Comment) Withdrawn() bool { return c.WithdrawnAt != nil }

// Hidden reports whether the moderation hid the comment.
func (c Comment) Hidden() bool { return c.HiddenAt != nil }

// OpenToReplies reports whether c may receive replies: a published
// top-level comment, neither withdrawn nor hidden.
func (c Comment) OpenToReplies() bool {
	return c.ParentID == 0 && c.State == CommentPublished && !c.Withdrawn() && !c.Hidden()
}

// Editable reports whether the author may still change the text at now.
func (c Comment) Editable(now time.Time) bool {
	return !c.Withdrawn() && !c.Hidden() && c.State != CommentRejected && now.Sub(c.CreatedAt) < CommentEditWindow
}

// CommentVersion is one text a comment has had.
type CommentVersion struct {
	Version   int
	Text      string
	CreatedAt time.Time
}

// CommentFlag is a member's report of a comment to the moderation.
type CommentFlag struct {
	ID         int64
	CommentID  int64
	AccountID  int64
	FlaggedBy  string
	Reason     string
	CreatedAt  time.Time
	Resolution string
}

// ConsultationWindow is a period when a measure, or every measure of an
// axis, takes comments.
type ConsultationWindow struct {
	ID        int64
	AxisID    int64
	MeasureID int64
	OpensAt   time.Time
	ClosesAt  time.Time
}

// Consultation says whether a measure takes comments at a given time and
// why, for the notice above its thread.
type Consultation struct {
	Open bool
	// Window is the window that decides: the current one when open, else
	// the next one to open, else the last one closed. Nil when no window
	// applies (the measure is open with no end).
	Window *ConsultationWindow
	// Upcoming reports that Window is still to open.
	Upcoming bool
}

// ConsultationAt decides whether a measure takes comments at now from the
// windows that apply to it: its own if it has any, else its axis's. With
// none, it is open.
func ConsultationAt(own, axis []ConsultationWindow, now time.Time) Consultation {
	ws := own
	if len(ws) == 0 {
		ws = axis
	}
	if len(ws) == 0 {
		return Consultation{Open: true}
	}
	var next, last *ConsultationWindow
	for i := range ws {
		w := &ws[i]
		if !now.Before(w.OpensAt) && now.Before(w.ClosesAt) {
			return Consultation{Open: true, Window: w}
		}
		if w.OpensAt.After(now) && (next == nil || w.OpensAt.Before(next.OpensAt)) {
			next = w
		}
		if !w.ClosesAt.After(now) && (last == nil || w.ClosesAt.After(last.ClosesAt)) {
			last = w
		}
	}
	if next != nil {
		return Consultation{Window: next, Upcoming: true}
	}
	return Consultation{Window: last}
}

// MeasureAwaitingAnswer is a measure with comments its pilots have not
// officially answered yet. Unanswered is counted up to AwaitingCountCap
// + 1.
type MeasureAwaitingAnswer struct {
	MeasureID   int64
	Label       string
	Unanswered  int
	OldestSince time.Time
}

// CommentTotals counts what a reader sees of a measure's comments.
type CommentTotals struct {
	Comments, Threads, Official int
}

// CommentCountCap is where the counts of comments pages show stop: a count
// above it reads « plus de 1 000 », so that counting stays cheap however
// many comments a measure has.
const CommentCountCap = 1000

// AwaitingCountCap is where the moderation desk stops counting a measure's
// comments without an official answer (« plus de 100 »): each needs a look
// for its answer.
const AwaitingCountCap = 100
