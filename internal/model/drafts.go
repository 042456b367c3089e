package model

import (
	"crypto/sha256"
	"encoding/hex"
	"slices"
	"strconv"
	"strings"
	"time"
)

// DraftText is a text the secretariat puts to the members, who comment on
// it and amend it paragraph by paragraph within a window.
type DraftText struct {
	ID             int64
	Title          string
	ContextMD      string
	ContextHTML    string
	OpensAt        time.Time
	ClosesAt       time.Time
	Categories     []Category
	Premoderation  bool
	CurrentVersion int
	AgendaItemID   int64
	Illustrative   bool
	CreatedAt      time.Time
	// Contributions counts the published contributions, for lists.
	Contributions int
}

// OpenAt reports whether the text takes contributions at now.
func (t DraftText) OpenAt(now time.Time) bool {
	return !now.Before(t.OpensAt) && now.Before(t.ClosesAt)
}

// AllowsCategory reports whether members of category c may take part.
func (t DraftText) AllowsCategory(c Category) bool { return slices.Contains(t.Categories, c) }

// TextVersion is one published version of a draft text.
type TextVersion struct {
	TextID    int64
	Version   int
	SourceMD  string
	Note      string
	Lost      []string
	CreatedAt time.Time
	Blocks    []TextBlock
}

// TextBlock is a heading (Level 1 to 6, Number 0) or a numbered paragraph
// of a version.
type TextBlock struct {
	Number int
	Level  int
	Anchor string
	Text   string
	HTML   string
}

// Heading reports whether the block is a heading rather than a paragraph.
func (b TextBlock) Heading() bool { return b.Level > 0 }

// SplitDraft cuts a markdown text into headings (lines starting with #)
// and paragraphs (blocks separated by blank lines; a list stays one
// paragraph), numbers the paragraphs and gives every block its anchor.
// HTML is left to the caller, which renders each block's markdown.
func SplitDraft(src string) []TextBlock {
	src = strings.ReplaceAll(src, "\r\n", "\n")
	var blocks []TextBlock
	var para []string
	flush := func() {
		if len(para) > 0 {
			blocks = append(blocks, TextBlock{Text: strings.Join(para, "\n")})
			para = nil
		}
	}
	for line := range strings.SplitSeq(src, "\n") {
		trimmed := strings.TrimSpace(line)
		switch {
		case trimmed == "":
			flush()
		case headingLevel(trimmed) > 0:
			flush()
			level := headingLevel(trimmed)
			if text := strings.TrimSpace(strings.Trim(trimmed[level:], "# ")); text != "" {
				blocks = append(blocks, TextBlock{Level: level, Text: text})
			}
		default:
			para = append(para, strings.TrimRight(line, " \t"))
		}
	}
	flush()
	seen := map[string]int{}
	n := 0
	for i := range blocks {
		b := &blocks[i]
		prefix := "p-"
		if b.Heading() {
			prefix = "t-"
		} else {
			n++
			b.Number = n
		}
		h := ParagraphHash(b.Text)
		seen[prefix+h]++
		b.Anchor = prefix + h
		if k := seen[prefix+h]; k > 1 {
			b.Anchor += "-" + strconv.Itoa(k)
		}
	}
	return blocks
}

// ParagraphHash is the part of an anchor that comes from a paragraph's
// text: spacing does not count, so re-flowing a paragraph keeps it.
func ParagraphHash(text string) string {
	sum := sha256.Sum256([]byte(strings.Join(strings.Fields(text), " ")))
	return hex.EncodeToString(sum[:5])
}

// JoinDraft writes blocks back as the markdown SplitDraft reads.
func JoinDraft(blocks []TextBlock) string {
	var b strings.Builder
	for i, bl := range blocks {
		if i > 0 {
			b.WriteString("\n\n")
		}
		if bl.Heading() {
			b.WriteString(strings.Repeat("#", bl.Level) + " ")
		}
		b.WriteString(bl.Text)
	}
	b.WriteString("\n")
	return b.String()
}

func headingLevel(line string) int {
	n := 0
	for n < len(line) && line[n] == '#' {
		n++
	}
	if n == 0 || n > 6 || (n < len(line) && line[n] != ' ') {
		return 0
	}
	return n
}

// ContributionKind tells a comment from an amendment.
type ContributionKind string

// Contribution kinds.
const (
	ContributionComment   ContributionKind = "comment"
	ContributionAmendment ContributionKind = "amendment"
)

// Label is the kind as the pages name it.
func (k ContributionKind) Label() string {
	if k == ContributionAmendment {
		return "Amendement"
	}
	return "Commentaire"
}

// Verdict is the secretariat's answer to a contribution.
type Verdict string

// The answers the secretariat gives; "" is not answered yet.
const (
	VerdictNone           Verdict = ""
	VerdictAccepted       Verdict = "accepted"
	VerdictPartlyAccepted Verdict = "partly_accepted"
	VerdictRejected       Verdict = "rejected"
	VerdictOutOfScope     Verdict = "out_of_scope"
)

// Verdicts lists the answers in the order forms offer them.
var Verdicts = []Verdict{VerdictAccepted, VerdictPartlyAccepted, VerdictRejected, VerdictOutOfScope}

// Valid reports whether a is one of the answers forms offer.
func (a Verdict) Valid() bool { return slices.Contains(Verdicts, a) }

// Label is the answer as the pages name it.
func (a Verdict) Label() string {
	switch a {
	case VerdictAccepted:
		return "Retenu"
	case VerdictPartlyAccepted:
		return "Retenu en partie"
	case VerdictRejected:
		return "Non retenu"
	case VerdictOutOfScope:
		return "Hors du champ du texte"
	}
	return "Sans réponse"
}

// Takes reports whether the answer takes the contribution in, wholly or in
// part: an amendment so answered goes into the next version.
func (a Verdict) Takes() bool { return a == VerdictAccepted || a == VerdictPartlyAccepted }

// Contribution is a member's comment or amendment on a paragraph.
type Contribution struct {
	ID     int64
	TextID int64
	// Version is the version it was posted on; Anchor the paragraph's.
	Version      int
	Anchor       string
	Kind         ContributionKind
	Quote        string
	Text         string
	HTML         string
	Wording      string
	AuthorID     int64
	AuthorName   string
	BodyID       int64
	BodyName     string
	Category     Category
	State        CommentState
	EditedAt     *time.Time
	WithdrawnAt  *time.Time
	HiddenAt     *time.Time
	HiddenReason string
	Verdict      Verdict
	AnswerReason string
	AnsweredAt   *time.Time
	MergedIn     int
	Illustrative bool
	CreatedAt    time.Time
	// Supporters names the bodies that support it, in order.
	Supporters []string
	// Paragraph is the text of the paragraph it was posted on, as it was,
	// and ParagraphHTML its rendering.
	Paragraph     string
	ParagraphHTML string
	Number        int
}

// Withdrawn reports whether the author withdrew it.
func (c Contribution) Withdrawn() bool { return c.WithdrawnAt != nil }

// Hidden reports whether the moderation hid it.
func (c Contribution) Hidden() bool { return c.HiddenAt != nil }

// Shown reports whether it stands in the consultation: published, neither
// withdrawn nor hidden.
func (c Contribution) Shown() bool {
	return c.State == CommentPublished && !c.Withdrawn() && !c.Hidden()
}

// Editable reports whether the author may still change it at now.
func (c Contribution) Editable(now time.Time) bool {
	return !c.Withdrawn() && !c.Hidden() && c.State != CommentRejected && c.Verdict == VerdictNone &&
		now.Sub(c.CreatedAt) < CommentEditWindow
}

// ConsultationTally counts a text's contributions for the synthesis.
type ConsultationTally struct {
	Category   Category
	Bodies     int
	Comments   int
	Amendments int
}
