package disclosure

import (
	"errors"
	"fmt"
)

// The rules. They are constants, not settings: a publication must be
// reproducible, and the methodology page states them.
const (
	// MinVictims: a cell counting 1 to MinVictims-1 victims is shown « < 5 ».
	MinVictims = 5
	// MinContributors: a cell fed by fewer associations is shown « s ».
	MinContributors = 3
	// DominancePercent: when the caller gives the largest contribution, a
	// cell where one association holds more than this share is shown « s »
	// (the (1, 85) dominance rule): the others' figures are then a small
	// remainder that the large one can work out.
	DominancePercent = 85
	// ProtectionPercent and MinProtection set the protection range of a
	// cell shown « s »: the published figures must leave it uncertain by at
	// least ProtectionPercent % of its largest contribution, and by at least
	// MinProtection, both ways (a p%-rule with p = 20).
	ProtectionPercent = 20
	MinProtection     = 3
)

// The marks shown in place of a suppressed value.
const (
	MarkFew    = "< 5" // 1 to 4 victims: the mark itself says so
	MarkSecret = "s"   // statistical secret: few associations, or secondary
)

// Cell is one published figure of a year: a count of victims.
type Cell struct {
	Label        string // names the cell in errors, e.g. "2025 · travail · mineurs"
	Value        int    // the true count, ≥ 0
	Contributors int    // associations counting at least one victim in it
	Largest      int    // the largest single association's count; 0 when not known
	// Fixed: the value was published before and stays public: it is never
	// suppressed and never sensitive now, and the attacker knows it.
	Fixed bool
	// Hidden: the cell is not shown now (a cell the previous publication
	// suppressed, or the returns added since it). It costs nothing to
	// leave unknown, and if it is sensitive it is protected like the
	// others. Its status is never Published and its mark is "".
	Hidden bool
	// ShownBefore is, for a hidden cell, the mark the previous publication
	// showed in its place: MarkFew tells the attacker that it holds 1 to
	// 4; "" (never shown) and MarkSecret tell nothing.
	ShownBefore string
}

// Relation says that the cell Total is the sum of the cells Parts, minus
// the cells Less (indexes into Problem.Cells). Less is for differences
// between publications (see Republish); tables need only Parts.
type Relation struct {
	Total int
	Parts []int
	Less  []int
}

// Problem is everything one publication shows, and how its cells add up.
type Problem struct {
	Cells     []Cell
	Relations []Relation
}

// Status says how a cell is shown.
type Status int

const (
	Published Status = iota // the value is shown
	Primary                 // sensitive itself: « < 5 » or « s »
	Secondary               // not sensitive, suppressed to protect others: « s »
)

func (s Status) String() string {
	switch s {
	case Published:
		return "published"
	case Primary:
		return "primary"
	case Secondary:
		return "secondary"
	}
	return fmt.Sprintf("Status(%d)", int(s))
}

// Result says, for each cell of the problem (same index), how it is shown
// and with which mark ("" when the value is shown).
type Result struct {
	Status []Status
	Mark   []string
}

// Mark returns the primary mark of a cell: MarkFew, MarkSecret, or "" when
// the cell may be shown as it is. A zero is shown: it says that no
// association saw a victim there, which exposes no one, and the number of
// associations does not change it. A fixed cell is already public.
//
// Suppress shows « s » instead of « < 5 » where the « < 5 » marks would give
// a cell away by themselves (a « < 5 » total of four cells shown « < 5 »
// makes each of them 1): « s » says less.
func (c Cell) Mark() string {
	switch {
	case c.Fixed || c.Value == 0:
		return ""
	case c.Value < MinVictims:
		return MarkFew
	case c.Contributors < MinContributors:
		return MarkSecret
	case c.Largest > 0 && c.Largest*100 > DominancePercent*c.Value:
		return MarkSecret
	}
	return ""
}

// Range is the protection range of a sensitive cell: the published figures,
// the relations and the marks must leave every value from Low to High
// possible.
//
// For a cell of 1 to 4 victims the range is 1 to 4: the figures and the
// marks must tell nothing more than « < 5 » says. For another sensitive
// cell it is the
// value ± max(MinProtection, ⌈ProtectionPercent % of the largest
// contribution⌉) (the value itself when the largest is not known), down to
// zero at most.
func (c Cell) Range() (low, high int) {
	switch c.Mark() {
	case MarkFew:
		return 1, MinVictims - 1
	case MarkSecret:
		largest := c.Value
		if c.Largest > 0 {
			largest = c.Largest
		}
		q := max(MinProtection, (largest*ProtectionPercent+99)/100)
		return max(0, c.Value-q), c.Value + q
	}
	return c.Value, c.Value
}

// ErrInvalid is wrapped by the errors about a malformed problem or result.
var ErrInvalid = errors.New("disclosure: invalid input")

func invalid(format string, args ...any) error {
	return fmt.Errorf("%w: "+format, append([]any{ErrInvalid}, args...)...)
}

// validate checks the problem's shape and that its values add up.
func (p Problem) validate() error {
	for i, c := range p.Cells {
		switch {
		case c.Value < 0:
			return invalid("cell %d (%s): negative value %d", i, c.Label, c.Value)
		case c.Contributors < 0 || c.Largest < 0:
			return invalid("cell %d (%s): negative contributors or largest", i, c.Label)
		case c.Value > 0 && c.Contributors == 0 && !c.Fixed:
			return invalid("cell %d (%s): %d victims from no association", i, c.Label, c.Value)
		case c.Largest > c.Value:
			return invalid("cell %d (%s): largest contribution %d above the value %d", i, c.Label, c.Largest, c.Value)
		case c.Fixed && c.Hidden:
			return invalid("cell %d (%s): both fixed and hidden", i, c.Label)
		case c.ShownBefore != "" && (!c.Hidden || c.ShownBefore != MarkFew && c.ShownBefore != MarkSecret):
			return invalid("cell %d (%s): shown before as %q", i, c.Label, c.ShownBefore)
		case c.ShownBefore == MarkFew && (c.Value < 1 || c.Value >= MinVictims):
			return invalid("cell %d (%s): shown before as « < 5 » but holds %d", i, c.Label, c.Value)
		}
	}
	n := len(p.Cells)
	for k, r := range p.Relations {
		if r.Total < 0 || r.Total >= n {
			return invalid("relation %d: total %d out of range", k, r.Total)
		}
		if len(r.Parts) == 0 {
			return invalid("relation %d: no parts", k)
		}
		seen := map[int]bool{r.Total: true}
		sum := 0
		for pos, j := range r.cells()[1:] {
			if j < 0 || j >= n {
				return invalid("relation %d: part %d out of range", k, j)
			}
			if seen[j] {
				return invalid("relation %d: cell %d (%s) appears twice", k, j, p.Cells[j].Label)
			}
			seen[j] = true
			if pos < len(r.Parts) {
				sum += p.Cells[j].Value
			} else {
				sum -= p.Cells[j].Value
			}
		}
		if sum != p.Cells[r.Total].Value {
			return invalid("relation %d: %s is %d but its parts add up to %d", k, p.Cells[r.Total].Label, p.Cells[r.Total].Value, sum)
		}
	}
	return nil
}

// validateResult checks that a result belongs to the problem and applies
// its primary rules: every sensitive cell suppressed with its mark, no
// other cell marked as sensitive, fixed cells shown, hidden ones not.
func (p Problem) validateResult(r Result) error {
	if len(r.Status) != len(p.Cells) || len(r.Mark) != len(p.Cells) {
		return invalid("result for %d cells, problem has %d", len(r.Status), len(p.Cells))
	}
	for i, c := range p.Cells {
		s, mark, want := r.Status[i], r.Mark[i], c.Mark()
		switch {
		case s < Published || s > Secondary:
			return invalid("cell %d (%s): unknown status %d", i, c.Label, int(s))
		case c.Fixed && s != Published:
			return invalid("cell %d (%s) was published before but is %s", i, c.Label, s)
		case c.Hidden && s == Published:
			return invalid("cell %d (%s) is hidden but published", i, c.Label)
		case want != "" && s != Primary:
			return invalid("cell %d (%s) is sensitive (%s) but %s", i, c.Label, want, s)
		case want == "" && s == Primary:
			return invalid("cell %d (%s) is not sensitive but marked primary", i, c.Label)
		case c.Hidden && mark != "":
			return invalid("cell %d (%s) is hidden but marked %q", i, c.Label, mark)
		case c.Hidden:
		case s == Published && mark != "",
			s == Secondary && mark != MarkSecret,
			s == Primary && mark != want && (want != MarkFew || mark != MarkSecret):
			return invalid("cell %d (%s): %s with mark %q", i, c.Label, s, mark)
		}
	}
	return nil
}

// primary returns the result with the primary suppressions only.
func (p Problem) primary() Result {
	r := Result{Status: make([]Status, len(p.Cells)), Mark: make([]string, len(p.Cells))}
	for i, c := range p.Cells {
		switch m := c.Mark(); {
		case m != "":
			r.Status[i], r.Mark[i] = Primary, m
		case c.Hidden:
			r.Status[i] = Secondary
		}
		if c.Hidden {
			r.Mark[i] = ""
		}
	}
	return r
}

// boundedByMark says whether the attacker knows that cell i, suppressed,
// holds 1 to 4: « < 5 » is shown in its place, now or before.
func (p Problem) boundedByMark(r Result, i int) bool {
	if p.Cells[i].Hidden {
		return p.Cells[i].ShownBefore == MarkFew
	}
	return r.Mark[i] == MarkFew
}
