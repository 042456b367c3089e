package disclosure

import (
	"fmt"
	"math/big"
	"strings"
)

// Interval is what an attacker can know of a suppressed cell: every value
// from Low to High is possible given the published figures, the relations,
// the marks and non-negativity (over the reals). High is nil when the cell
// is unbounded above.
type Interval struct {
	Low, High *big.Rat
}

func (iv Interval) String() string {
	if iv.High == nil {
		return fmt.Sprintf("[%s, +∞)", iv.Low.RatString())
	}
	return fmt.Sprintf("[%s, %s]", iv.Low.RatString(), iv.High.RatString())
}

// Exposure is a sensitive cell whose interval does not cover its range.
type Exposure struct {
	Cell      int
	Label     string
	Interval  Interval
	Low, High int // the protection range it should cover
}

// UnsafeError is Check's answer when a sensitive cell can be worked out too
// closely: nothing of that result may be published.
type UnsafeError struct {
	Exposed []Exposure
}

func (e *UnsafeError) Error() string {
	var b strings.Builder
	fmt.Fprintf(&b, "disclosure: %d sensitive cells can be worked out:", len(e.Exposed))
	for _, x := range e.Exposed {
		fmt.Fprintf(&b, " %s is within %s, needs [%d, %d];", x.Label, x.Interval, x.Low, x.High)
	}
	return strings.TrimSuffix(b.String(), ";")
}

// Check proves that a result may be published: it validates the result
// against the problem's rules (every sensitive cell suppressed with its
// mark, fixed cells shown, hidden ones not), then, for every sensitive cell,
// solves the attacker's two linear programmes exactly in rational
// arithmetic: the least and the greatest value the cell can take given the
// published values, the relations, non-negativity and the « < 5 » marks
// (which say 1 to 4). The interval must cover the cell's Range. It returns
// an *UnsafeError naming every cell that fails, or an error wrapping
// ErrInvalid.
//
// Integrality is relaxed to the reals. For one- and two-way tables with
// their margins the constraints are totally unimodular, so the bounds are
// integers and the relaxation changes nothing; in other linked tables an
// attacker who also uses integrality can occasionally be a little tighter.
func Check(p Problem, r Result) error {
	if err := p.validate(); err != nil {
		return err
	}
	if err := p.validateResult(r); err != nil {
		return err
	}
	var exposed []Exposure
	for _, comp := range attackerLPs(p, r) {
		lp, err := comp.solver()
		if err != nil {
			return err
		}
		for v, i := range comp.cells {
			if i < 0 || r.Status[i] != Primary {
				continue
			}
			low, high := p.Cells[i].Range()
			shift := int64(comp.low[v])
			lowTarget := new(big.Rat).SetInt64(int64(low) - shift)
			highTarget := new(big.Rat).SetInt64(int64(high) - shift)
			hi, unbounded := lp.optimize(v, +1, highTarget)
			lo, _ := lp.optimize(v, -1, lowTarget)
			if (unbounded || hi.Cmp(highTarget) >= 0) && lo.Cmp(lowTarget) <= 0 {
				continue
			}
			exposed = append(exposed, Exposure{Cell: i, Label: p.Cells[i].Label,
				Interval: lp.interval(v, shift), Low: low, High: high})
		}
	}
	if exposed != nil {
		return &UnsafeError{Exposed: exposed}
	}
	return nil
}

// Intervals returns, for each cell, the exact interval an attacker can
// deduce: a single point for a published cell.
func Intervals(p Problem, r Result) ([]Interval, error) {
	if err := p.validate(); err != nil {
		return nil, err
	}
	if err := p.validateResult(r); err != nil {
		return nil, err
	}
	out := make([]Interval, len(p.Cells))
	for i, c := range p.Cells {
		v := new(big.Rat).SetInt64(int64(c.Value))
		out[i] = Interval{Low: v, High: v}
	}
	for _, comp := range attackerLPs(p, r) {
		lp, err := comp.solver()
		if err != nil {
			return nil, err
		}
		for v, i := range comp.cells {
			if i >= 0 {
				out[i] = lp.interval(v, int64(comp.low[v]))
			}
		}
	}
	return out, nil
}

// component is the attacker's problem over one connected group of
// suppressed cells: variables y ≥ 0 with rows Σ coef·y = rhs. Variable v
// stands for cell cells[v] minus low[v]; slack variables have cell -1.
type component struct {
	cells []int
	low   []int
	rows  []sparseRow
}

type sparseRow struct {
	cols  []int
	coefs []int64
	rhs   int64
}

// attackerLPs splits the attacker's knowledge into independent components:
// relations link suppressed cells, published ones are constants.
func attackerLPs(p Problem, r Result) []*component {
	n := len(p.Cells)
	hidden := func(i int) bool { return r.Status[i] != Published }
	parent := make([]int, n)
	for i := range parent {
		parent[i] = i
	}
	find := func(i int) int {
		for parent[i] != i {
			parent[i] = parent[parent[i]]
			i = parent[i]
		}
		return i
	}
	for _, rel := range p.Relations {
		first := -1
		for _, j := range rel.cells() {
			if !hidden(j) {
				continue
			}
			if first < 0 {
				first = j
			} else {
				parent[find(j)] = find(first)
			}
		}
	}
	comps := map[int]*component{}
	var order []*component
	varOf := make([]int, n)
	for i := range n {
		if !hidden(i) {
			continue
		}
		root := find(i)
		c := comps[root]
		if c == nil {
			c = &component{}
			comps[root] = c
			order = append(order, c)
		}
		varOf[i] = len(c.cells)
		c.cells = append(c.cells, i)
		low := 0
		if p.boundedByMark(r, i) {
			low = 1
		}
		c.low = append(c.low, low)
	}
	// The « < 5 » bounds: y = 1 + y', y' + slack = 3.
	for _, c := range order {
		for v := range len(c.cells) {
			if c.low[v] == 1 {
				s := len(c.cells)
				c.cells = append(c.cells, -1)
				c.low = append(c.low, 0)
				c.rows = append(c.rows, sparseRow{cols: []int{v, s}, coefs: []int64{1, 1}, rhs: MinVictims - 2})
			}
		}
	}
	for _, rel := range p.Relations {
		var row sparseRow
		var c *component
		for k, j := range rel.cells() {
			coef := rel.coef(k)
			if !hidden(j) {
				row.rhs -= coef * int64(p.Cells[j].Value)
				continue
			}
			c = comps[find(j)]
			v := varOf[j]
			row.cols = append(row.cols, v)
			row.coefs = append(row.coefs, coef)
			row.rhs -= coef * int64(c.low[v])
		}
		if c != nil {
			c.rows = append(c.rows, row)
		}
	}
	return order
}

// cells returns the relation's total, its parts, then the cells it
// subtracts; coef gives each one's coefficient in total − parts + less = 0.
func (rel Relation) cells() []int {
	return append(append([]int{rel.Total}, rel.Parts...), rel.Less...)
}

func (rel Relation) coef(k int) int64 {
	if k == 0 || k > len(rel.Parts) {
		return 1
	}
	return -1
}

func (c *component) solver() (*ratLP, error) {
	lp := newRatLP(len(c.cells), c.rows)
	if lp == nil {
		return nil, fmt.Errorf("disclosure: the published values contradict the relations")
	}
	return lp, nil
}

// ratLP is a simplex tableau in exact rational arithmetic over y ≥ 0,
// A·y = b, with Bland's rule (it cannot cycle).
type ratLP struct {
	n     int
	t     [][]num // rows × (n+1); the last column is the right-hand side
	basis []int   // basic variable of each row; -1 for an artificial
	rowOf []int   // row of each basic variable, -1 when nonbasic
}

var minusOne = num{n: -1, d: 1}

// newRatLP finds a first feasible basis (phase one with implicit
// artificial variables, whose columns are never needed again), and drops
// redundant rows. It returns nil when the rows have no solution y ≥ 0.
func newRatLP(n int, rows []sparseRow) *ratLP {
	m := len(rows)
	lp := &ratLP{n: n, t: make([][]num, m+1), basis: make([]int, m), rowOf: make([]int, n)}
	for j := range lp.rowOf {
		lp.rowOf[j] = -1
	}
	for i := range lp.t {
		lp.t[i] = make([]num, n+1)
		for j := range lp.t[i] {
			lp.t[i][j].d = 1
		}
	}
	obj := lp.t[m] // phase one: the sum of artificials is obj[n] − Σ obj[j]·y_j
	for i, row := range rows {
		sign := int64(1)
		if row.rhs < 0 {
			sign = -1
		}
		for k, j := range row.cols {
			lp.t[i][j].setInt(sign * row.coefs[k])
		}
		lp.t[i][n].setInt(sign * row.rhs)
		lp.basis[i] = -1
		for j := range n + 1 {
			obj[j].mulSub(&minusOne, &lp.t[i][j])
		}
	}
	for {
		q := -1
		for j := range n {
			if lp.rowOf[j] < 0 && obj[j].sign() > 0 {
				q = j
				break
			}
		}
		if q < 0 {
			break
		}
		r := lp.ratio(q)
		if r < 0 { // cannot happen: the sum of artificials is bounded below
			break
		}
		lp.pivot(r, q)
	}
	if obj[n].sign() != 0 {
		return nil
	}
	lp.t = lp.t[:m]
	// Artificials left in the basis are at zero: swap in any variable of
	// their row, or drop the row, which the others imply.
	for i := 0; i < len(lp.t); i++ {
		if lp.basis[i] >= 0 {
			continue
		}
		q := -1
		for j := range n {
			if lp.rowOf[j] < 0 && lp.t[i][j].sign() != 0 {
				q = j
				break
			}
		}
		if q >= 0 {
			lp.pivot(i, q)
			continue
		}
		last := len(lp.t) - 1
		lp.t[i], lp.t[last] = lp.t[last], lp.t[i]
		lp.basis[i], lp.basis[last] = lp.basis[last], lp.basis[i]
		if lp.basis[i] >= 0 {
			lp.rowOf[lp.basis[i]] = i
		}
		lp.t, lp.basis = lp.t[:last], lp.basis[:last]
		i--
	}
	return lp
}

// ratio returns the leaving row for entering column q (Bland's tie-break),
// or -1 when q can grow without limit.
func (lp *ratLP) ratio(q int) int {
	best := -1
	var bestRatio num
	for i := range lp.basis {
		a := &lp.t[i][q]
		if a.sign() <= 0 {
			continue
		}
		r := quo(&lp.t[i][lp.n], a)
		if best < 0 {
			best, bestRatio = i, r
			continue
		}
		switch c := r.cmp(&bestRatio); {
		case c < 0, c == 0 && lp.basis[i] < lp.basis[best]:
			best, bestRatio = i, r
		}
	}
	return best
}

func (lp *ratLP) pivot(r, q int) {
	row := lp.t[r]
	var inv num
	inv.inv(&row[q])
	nz := make([]int, 0, 16)
	for j := range row {
		if row[j].sign() != 0 {
			row[j].mul(&inv)
			nz = append(nz, j)
		}
	}
	var f num
	for i := range lp.t {
		if i == r || lp.t[i][q].sign() == 0 {
			continue
		}
		f.set(&lp.t[i][q])
		ti := lp.t[i]
		for _, j := range nz {
			ti[j].mulSub(&f, &row[j])
		}
	}
	if r < len(lp.basis) {
		if old := lp.basis[r]; old >= 0 {
			lp.rowOf[old] = -1
		}
		lp.basis[r] = q
		lp.rowOf[q] = r
	}
}

// optimize moves y_v up (sign +1) or down (sign -1) until it is optimal or
// passes stop (when stop is not nil), and returns its value; unbounded
// reports that y_v can grow without limit. The basis stays feasible, so
// the next call starts from it.
func (lp *ratLP) optimize(v, sign int, stop *big.Rat) (value *big.Rat, unbounded bool) {
	var limit num
	if stop != nil {
		limit.fromRat(stop)
	}
	zero := num{d: 1}
	for {
		r := lp.rowOf[v]
		cur := &zero
		if r >= 0 {
			cur = &lp.t[r][lp.n]
		}
		if stop != nil && sign*cur.cmp(&limit) >= 0 {
			return cur.rat(), false
		}
		// The objective sign·y_v rises with y_j when its reduced cost is
		// positive: 1 for y_v itself, −t[r][j] through the basic y_v.
		q := -1
		if r < 0 {
			if sign < 0 { // nonbasic: already at zero
				return cur.rat(), false
			}
			q = v
		} else {
			for j := range lp.n {
				if lp.rowOf[j] < 0 && sign*lp.t[r][j].sign() < 0 {
					q = j
					break
				}
			}
		}
		if q < 0 {
			return cur.rat(), false
		}
		leave := lp.ratio(q)
		if leave < 0 {
			return nil, true
		}
		lp.pivot(leave, q)
	}
}

// interval solves both programmes of variable v to the end.
func (lp *ratLP) interval(v int, shift int64) Interval {
	s := new(big.Rat).SetInt64(shift)
	lo, _ := lp.optimize(v, -1, nil)
	iv := Interval{Low: lo.Add(lo, s)}
	if hi, unbounded := lp.optimize(v, +1, nil); !unbounded {
		iv.High = hi.Add(hi, s)
	}
	return iv
}
