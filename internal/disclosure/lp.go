package disclosure

import "math"

// floatLP minimises c·x subject to A·x = b and 0 ≤ x ≤ u (u may be +Inf):
// a dense bounded-variable primal simplex in float64. Suppress uses it to
// search; Check, in exact arithmetic, has the last word.
type floatLP struct {
	m, n    int
	t       [][]float64 // m × n: B⁻¹A over the real variables
	beta    []float64   // the values of the basic variables
	basis   []int       // basic variable of each row; -1 for an artificial
	rowOf   []int       // row of each basic variable, -1 when nonbasic
	atUpper []bool      // nonbasic variable resting at its upper bound
	u       []float64
	rc      []float64 // reduced costs
	artUp   float64   // upper bound of artificials: +Inf in phase one, then 0
}

const (
	lpEps    = 1e-9
	lpMaxRun = 50 // degenerate pivots in a row before Bland's rule takes over
)

// solveLP returns an optimal x, or ok = false when the constraints have no
// solution (or, never expected, the simplex does not finish).
func solveLP(a [][]float64, b, c, u []float64) (x []float64, ok bool) {
	m, n := len(a), len(c)
	lp := &floatLP{m: m, n: n, t: make([][]float64, m), beta: make([]float64, m),
		basis: make([]int, m), rowOf: make([]int, n), atUpper: make([]bool, n), u: u,
		rc: make([]float64, n), artUp: math.Inf(1)}
	for j := range lp.rowOf {
		lp.rowOf[j] = -1
	}
	for i := range m {
		lp.t[i] = make([]float64, n)
		copy(lp.t[i], a[i])
		lp.beta[i] = b[i]
		if b[i] < 0 {
			for j := range lp.t[i] {
				lp.t[i][j] = -lp.t[i][j]
			}
			lp.beta[i] = -b[i]
		}
		lp.basis[i] = -1
	}
	// Phase one: minimise the sum of artificials.
	for j := range n {
		s := 0.0
		for i := range m {
			s += lp.t[i][j]
		}
		lp.rc[j] = -s
	}
	if !lp.run() {
		return nil, false
	}
	infeasibility := 0.0
	for i := range m {
		if lp.basis[i] < 0 {
			infeasibility += lp.beta[i]
		}
	}
	if infeasibility > 1e-7 {
		return nil, false
	}
	lp.artUp = 0
	free := true
	for _, cj := range c {
		free = free && cj == 0
	}
	// Phase two, unless every solution costs the same.
	if free {
		return lp.solution(), true
	}
	for j := range n {
		if lp.rowOf[j] >= 0 {
			lp.rc[j] = 0
			continue
		}
		s := c[j]
		for i := range m {
			if k := lp.basis[i]; k >= 0 {
				s -= c[k] * lp.t[i][j]
			}
		}
		lp.rc[j] = s
	}
	if !lp.run() {
		return nil, false
	}
	return lp.solution(), true
}

func (lp *floatLP) solution() []float64 {
	u, n := lp.u, lp.n
	x := make([]float64, n)
	for j := range n {
		if lp.atUpper[j] {
			x[j] = u[j]
		}
	}
	for i, k := range lp.basis {
		if k >= 0 {
			x[k] = lp.beta[i]
		}
	}
	return x
}

func (lp *floatLP) upper(k int) float64 {
	if k < 0 {
		return lp.artUp
	}
	return lp.u[k]
}

// run pivots until no reduced cost improves the objective.
func (lp *floatLP) run() bool {
	degenerate := 0
	for iter := 0; iter < 50*(lp.m+lp.n)+1000; iter++ {
		q, dir := -1, 0.0
		best := 0.0
		for j := range lp.n {
			if lp.rowOf[j] >= 0 {
				continue
			}
			d := lp.rc[j]
			var gain float64
			switch {
			case !lp.atUpper[j] && d < -lpEps && lp.u[j] > lpEps:
				gain = -d
			case lp.atUpper[j] && d > lpEps:
				gain = d
			default:
				continue
			}
			if gain > best {
				q, best = j, gain
				if degenerate > lpMaxRun {
					break // Bland: the first improving column
				}
			}
		}
		if q < 0 {
			return true
		}
		dir = 1
		if lp.atUpper[q] {
			dir = -1
		}
		// Ratio test: how far can x_q move by dir before something hits a
		// bound? Ties go to the lowest basic variable (artificials first),
		// and a flip of x_q itself wins them.
		theta, leave, leaveUp := lp.u[q], -1, false
		consider := func(r float64, i int, up bool) {
			r = max(r, 0)
			if r < theta-lpEps || (r <= theta+lpEps && leave >= 0 && lp.basis[i] < lp.basis[leave]) {
				theta, leave, leaveUp = r, i, up
			}
		}
		for i := range lp.m {
			switch alpha := dir * lp.t[i][q]; {
			case alpha > lpEps:
				consider(lp.beta[i]/alpha, i, false)
			case alpha < -lpEps:
				if up := lp.upper(lp.basis[i]); !math.IsInf(up, 1) {
					consider((up-lp.beta[i])/-alpha, i, true)
				}
			}
		}
		if math.IsInf(theta, 1) {
			return false // unbounded: not expected, costs are ≥ 0
		}
		if theta < lpEps {
			degenerate++
		} else {
			degenerate = 0
		}
		for i := range lp.m {
			lp.beta[i] -= dir * theta * lp.t[i][q]
		}
		if leave < 0 { // x_q reaches its other bound
			lp.atUpper[q] = !lp.atUpper[q]
			continue
		}
		value := dir * theta
		if lp.atUpper[q] {
			value += lp.u[q]
		}
		lp.pivot(leave, q)
		old := lp.basis[leave]
		if old >= 0 {
			lp.rowOf[old] = -1
			lp.atUpper[old] = leaveUp
		}
		lp.basis[leave], lp.rowOf[q], lp.atUpper[q] = q, leave, false
		lp.beta[leave] = value
	}
	return false
}

func (lp *floatLP) pivot(r, q int) {
	row := lp.t[r]
	inv := 1 / row[q]
	nz := make([]int, 0, 32)
	for j := range row {
		if row[j] != 0 {
			row[j] *= inv
			if math.Abs(row[j]) < 1e-12 {
				row[j] = 0
				continue
			}
			nz = append(nz, j)
		}
	}
	row[q] = 1
	for i := range lp.m {
		if i == r {
			continue
		}
		f := lp.t[i][q]
		if f == 0 {
			continue
		}
		ti := lp.t[i]
		for _, j := range nz {
			ti[j] -= f * row[j]
		}
		ti[q] = 0
	}
	if f := lp.rc[q]; f != 0 {
		for _, j := range nz {
			lp.rc[j] -= f * row[j]
		}
		lp.rc[q] = 0
	}
}
