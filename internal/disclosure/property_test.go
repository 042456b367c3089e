package disclosure

import (
	"errors"
	"fmt"
	"math"
	"math/rand/v2"
	"slices"
	"testing"
)

// randomVariable has 2 to 5 levels of very unequal weights, so that small
// cells are common.
func randomVariable(rng *rand.Rand, name string) variable {
	v := variable{name: name}
	for l := range 2 + rng.IntN(4) {
		v.levels = append(v.levels, fmt.Sprint(l))
		w := rng.ExpFloat64()
		v.weights = append(v.weights, w*w)
	}
	return v
}

// randomSurvey is one of the shapes a year's publication takes.
func randomSurvey(rng *rand.Rand, shape int) survey {
	a, b, c := randomVariable(rng, "A"), randomVariable(rng, "B"), randomVariable(rng, "C")
	switch shape {
	case 0: // one-way table with its total
		return survey{vars: []variable{a}, tables: [][]int{{0}}}
	case 1: // two-way table with its margins
		return survey{vars: []variable{a, b}, tables: [][]int{{0, 1}}}
	default: // several tables sharing margins and the grand total
		return survey{vars: []variable{a, b, c}, tables: [][]int{{0, 1}, {0, 2}, {2}}}
	}
}

// checkProperties verifies, independently of Suppress, what a result must
// satisfy, and returns the number of sensitive cells.
func checkProperties(t *testing.T, name string, p Problem, r Result) int {
	t.Helper()
	if err := Check(p, r); err != nil {
		t.Fatalf("%s: Check: %v", name, err)
	}
	intervals, err := Intervals(p, r)
	if err != nil {
		t.Fatalf("%s: Intervals: %v", name, err)
	}
	sensitive := 0
	for i, c := range p.Cells {
		iv := intervals[i]
		// No published cell is sensitive, and its interval is its value.
		if r.Status[i] == Published {
			if c.Mark() != "" {
				t.Fatalf("%s: cell %s is sensitive (%s) but published", name, c.Label, c.Mark())
			}
			if iv.High == nil || iv.Low.Cmp(iv.High) != 0 {
				t.Fatalf("%s: published cell %s has interval %s", name, c.Label, iv)
			}
			continue
		}
		// Every interval holds the true value: the published figures
		// agree with the relations.
		v := float64(c.Value)
		lo, _ := iv.Low.Float64()
		if lo > v || (iv.High != nil && ratFloat(iv) < v) {
			t.Fatalf("%s: cell %s = %d outside its interval %s", name, c.Label, c.Value, iv)
		}
		if r.Status[i] != Primary {
			continue
		}
		sensitive++
		low, high := c.Range()
		if lo > float64(low) || (iv.High != nil && ratFloat(iv) < float64(high)) {
			t.Fatalf("%s: sensitive cell %s = %d has interval %s, narrower than [%d, %d]", name, c.Label, c.Value, iv, low, high)
		}
	}
	return sensitive
}

func ratFloat(iv Interval) float64 {
	f, _ := iv.High.Float64()
	return f
}

// TestSuppressRandomTables: for random tables of each shape, every
// suppressed sensitive cell's exact interval covers its protection range,
// no published cell is sensitive, and the intervals hold the true values.
func TestSuppressRandomTables(t *testing.T) {
	rng := rand.New(rand.NewPCG(17, 4))
	counts := map[string]int{}
	for trial := range 120 {
		shape := trial % 3
		sv := randomSurvey(rng, shape)
		l := sv.layout()
		p := sv.problem(l, sv.victims(rng, 3+rng.IntN(8), 2+rng.IntN(15)))
		name := fmt.Sprintf("trial %d (shape %d, %d cells)", trial, shape, len(p.Cells))
		r, err := Suppress(p)
		if err != nil {
			t.Fatalf("%s: Suppress: %v", name, err)
		}
		counts[fmt.Sprint("shape ", shape, " sensitive")] += checkProperties(t, name, p, r)
		if trial%10 == 0 { // a publication can be made again
			again, _ := Suppress(p)
			if !slices.Equal(again.Status, r.Status) || !slices.Equal(again.Mark, r.Mark) {
				t.Fatalf("%s: two runs differ", name)
			}
		}
		for _, st := range r.Status {
			if st == Secondary {
				counts[fmt.Sprint("shape ", shape, " secondary")]++
			}
		}
	}
	t.Log(counts)
}

// TestSuppressRandomPreviousPublication: a first publication from the
// returns received by a date, then the year again with late returns and
// one association's corrected return: differencing the two publications
// must expose neither the late returns, nor what the correction withdrew,
// nor a cell the first one suppressed.
func TestSuppressRandomPreviousPublication(t *testing.T) {
	rng := rand.New(rand.NewPCG(17, 5))
	for trial := range 16 {
		sv := randomSurvey(rng, 1+trial%2)
		l := sv.layout()
		all := sv.victims(rng, 4+rng.IntN(5), 2+rng.IntN(8))
		// The associations with the highest numbers answered late; the
		// first one corrected its return, dropping about a third.
		late := 1 + rng.IntN(2)
		maxAssoc := all[len(all)-1].assoc
		var early, next, added, removed []victim
		for _, v := range all {
			switch {
			case v.assoc > maxAssoc-late:
				added = append(added, v)
				next = append(next, v)
			case v.assoc == 0 && rng.IntN(3) == 0:
				early = append(early, v)
				removed = append(removed, v)
			default:
				early = append(early, v)
				next = append(next, v)
			}
		}
		old := sv.problem(l, early)
		oldResult, err := Suppress(old)
		if err != nil {
			t.Fatalf("trial %d: first publication: %v", trial, err)
		}
		p, err := Republish(sv.problem(l, next), old, oldResult, sv.problem(l, added), sv.problem(l, removed))
		if err != nil {
			t.Fatal(err)
		}
		name := fmt.Sprintf("trial %d (%d cells)", trial, len(p.Cells))
		r, err := Suppress(p)
		if err != nil {
			t.Fatalf("%s: Suppress: %v", name, err)
		}
		checkProperties(t, name, p, r)
	}
}

// TestExactAndFloatAgree: the exact intervals match those of the
// floating-point simplex, two independent implementations.
func TestExactAndFloatAgree(t *testing.T) {
	rng := rand.New(rand.NewPCG(17, 6))
	for trial := range 30 {
		sv := randomSurvey(rng, trial%3)
		l := sv.layout()
		p := sv.problem(l, sv.victims(rng, 3+rng.IntN(5), 2+rng.IntN(10)))
		r, err := Suppress(p)
		if err != nil {
			t.Fatal(err)
		}
		intervals, err := Intervals(p, r)
		if err != nil {
			t.Fatal(err)
		}
		for i := range p.Cells {
			if r.Status[i] == Published {
				continue
			}
			lo, hi := floatInterval(p, r, i)
			elo, _ := intervals[i].Low.Float64()
			ehi := math.Inf(1)
			if intervals[i].High != nil {
				ehi = ratFloat(intervals[i])
			}
			if math.Abs(lo-elo) > 1e-6 || (math.IsInf(hi, 1) != math.IsInf(ehi, 1)) || (!math.IsInf(hi, 1) && math.Abs(hi-ehi) > 1e-6) {
				t.Fatalf("trial %d: cell %s: exact %s, float [%g, %g]", trial, p.Cells[i].Label, intervals[i], lo, hi)
			}
		}
	}
}

// floatInterval solves the attacker's programmes for cell i with solveLP.
func floatInterval(p Problem, r Result, i int) (lo, hi float64) {
	var comp *component
	var v int
	for _, c := range attackerLPs(p, r) {
		for k, cell := range c.cells {
			if cell == i {
				comp, v = c, k
			}
		}
	}
	n := len(comp.cells)
	a := make([][]float64, len(comp.rows))
	b := make([]float64, len(comp.rows))
	for k, row := range comp.rows {
		a[k] = make([]float64, n)
		for m, j := range row.cols {
			a[k][j] += float64(row.coefs[m])
		}
		b[k] = float64(row.rhs)
	}
	u := make([]float64, n)
	for j := range u {
		u[j] = 1e9 // stands for +∞, so that the maximum is bounded
	}
	shift := float64(comp.low[v])
	c := make([]float64, n)
	c[v] = 1
	x, _ := solveLP(a, b, c, u)
	lo = x[v] + shift
	c[v] = -1
	x, _ = solveLP(a, b, c, u)
	hi = x[v] + shift
	if hi > 1e8 {
		hi = math.Inf(1)
	}
	return lo, hi
}

// TestCheckAgreesWithIntervals: on random suppression patterns, safe or
// not, Check (which stops each programme as soon as the range is reached)
// names exactly the cells whose full exact interval misses their range.
func TestCheckAgreesWithIntervals(t *testing.T) {
	rng := rand.New(rand.NewPCG(17, 7))
	unsafeSeen := 0
	for trial := range 60 {
		sv := randomSurvey(rng, trial%3)
		p := sv.problem(sv.layout(), sv.victims(rng, 3+rng.IntN(6), 2+rng.IntN(12)))
		r := p.primary()
		for i := range p.Cells {
			switch {
			case r.Status[i] == Published && rng.IntN(3) == 0:
				r.Status[i], r.Mark[i] = Secondary, MarkSecret
			case r.Mark[i] == MarkFew && rng.IntN(3) == 0:
				r.Mark[i] = MarkSecret
			}
		}
		intervals, err := Intervals(p, r)
		if err != nil {
			t.Fatal(err)
		}
		want := map[int]bool{}
		for i, c := range p.Cells {
			if r.Status[i] != Primary {
				continue
			}
			low, high := c.Range()
			lo, _ := intervals[i].Low.Float64()
			if lo > float64(low) || (intervals[i].High != nil && ratFloat(intervals[i]) < float64(high)) {
				want[i] = true
			}
		}
		got := map[int]bool{}
		var unsafe *UnsafeError
		if err := Check(p, r); errors.As(err, &unsafe) {
			for _, x := range unsafe.Exposed {
				got[x.Cell] = true
				if x.Interval.String() != intervals[x.Cell].String() {
					t.Fatalf("trial %d: %s: Check says %s, Intervals %s", trial, x.Label, x.Interval, intervals[x.Cell])
				}
			}
		} else if err != nil {
			t.Fatal(err)
		}
		if len(got) != len(want) {
			t.Fatalf("trial %d: Check exposes %v, the intervals %v", trial, got, want)
		}
		for i := range want {
			if !got[i] {
				t.Fatalf("trial %d: Check misses %s", trial, p.Cells[i].Label)
			}
		}
		if len(want) > 0 {
			unsafeSeen++
		}
	}
	if unsafeSeen == 0 {
		t.Fatal("no unsafe pattern drawn: the test proves nothing")
	}
}
