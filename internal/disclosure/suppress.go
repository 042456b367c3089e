package disclosure

import (
	"cmp"
	"errors"
	"fmt"
	"math"
	"slices"
	"strings"
)

// Suppress applies the primary rules, then chooses the secondary
// suppressions, and returns a result that Check has accepted. It fails when
// some sensitive cell cannot be protected whatever is suppressed (a cell
// pinned by cells published before), naming it.
//
// The method is the one of Fischetti and Salazar's heuristic, as τ-ARGUS
// and sdcTable use it: for each sensitive cell and each direction, a
// linear programme looks for the cheapest change of the table that moves
// the cell to the end of its protection range while every relation still
// holds, fixed cells stay put, marks stay true and nothing goes below zero;
// every published cell that this change moves is suppressed. Once that
// change exists with only suppressed cells moving, an attacker cannot rule
// out the moved value, and suppressing more never takes it back, so the
// cells can be handled one after the other. Moving a cell costs, per unit,
// its value plus one (small cells are suppressed first; a cell already
// suppressed costs nothing), and a grand total (a total that is no part)
// a thousand times more. The programmes are local: first the suppressed
// cells around the sensitive one, then the cells one, two, three relations
// away, then all.
func Suppress(p Problem) (Result, error) {
	if err := p.validate(); err != nil {
		return Result{}, err
	}
	s := newSuppressor(p)
	var sensitive []int
	for i, st := range s.r.Status {
		if st == Primary {
			sensitive = append(sensitive, i)
		}
	}
	// The widest ranges first: their changes are the largest, and the
	// cells they suppress often protect the smaller ones.
	slices.SortStableFunc(sensitive, func(a, b int) int {
		la, ha := p.Cells[a].Range()
		lb, hb := p.Cells[b].Range()
		return cmp.Compare(hb-lb, ha-la)
	})
	var stuck []string
	for _, i := range sensitive {
		low, high := p.Cells[i].Range()
		for _, target := range []int{high, low} {
			if !s.protect(i, target, 0) {
				stuck = append(stuck, fmt.Sprintf("%s (to %d)", p.Cells[i].Label, target))
			}
		}
	}
	if stuck != nil {
		return Result{}, fmt.Errorf("disclosure: cannot protect %s: published before, the cells around them pin them", strings.Join(stuck, ", "))
	}
	// Check has the last word. The search is in floating point, so a
	// cell it protected by a hair can fail the exact test: protect it
	// again with a wider neighbourhood.
	for round := 1; ; round++ {
		err := Check(p, s.r)
		var unsafe *UnsafeError
		if !errors.As(err, &unsafe) || round > 3 {
			if err != nil {
				return Result{}, err
			}
			return s.r, nil
		}
		for _, x := range unsafe.Exposed {
			s.protect(x.Cell, x.High, round)
			s.protect(x.Cell, x.Low, round)
		}
	}
}

type suppressor struct {
	p      Problem
	r      Result
	relsOf [][]int // the relations each cell is in
	cost   []float64
}

func newSuppressor(p Problem) *suppressor {
	s := &suppressor{p: p, r: p.primary(), relsOf: make([][]int, len(p.Cells)), cost: make([]float64, len(p.Cells))}
	isPart := make([]bool, len(p.Cells))
	for k, rel := range p.Relations {
		for _, j := range rel.cells() {
			s.relsOf[j] = append(s.relsOf[j], k)
		}
		for _, j := range rel.Parts {
			isPart[j] = true
		}
	}
	for j, c := range p.Cells {
		s.cost[j] = 1 + float64(c.Value)
		if !isPart[j] && len(s.relsOf[j]) > 0 {
			s.cost[j] *= 1000
		}
	}
	return s
}

// suppressed says whether the attacker does not see cell j.
func (s *suppressor) suppressed(j int) bool { return s.r.Status[j] != Published }

// protect makes sure cell i can be worth target for the attacker,
// suppressing what it must. It starts with a neighbourhood of the given
// size: 0 is the suppressed cells linked to i, k the cells k relations
// away, 4 all cells.
func (s *suppressor) protect(i, target, from int) bool {
	delta := float64(target - s.p.Cells[i].Value)
	if delta == 0 {
		return true
	}
	for k := from; k <= 4; k++ {
		vars := s.neighbourhood(i, k)
		if d, unmark, ok := s.change(i, delta, vars); ok {
			for v, j := range vars {
				if math.Abs(d[v]) > 1e-7 && !s.suppressed(j) {
					s.r.Status[j], s.r.Mark[j] = Secondary, MarkSecret
				}
				if unmark[v] {
					s.r.Mark[j] = MarkSecret
				}
			}
			return true
		}
	}
	return false
}

// neighbourhood returns the cells that may move with cell i (i excluded).
func (s *suppressor) neighbourhood(i, k int) []int {
	in := make(map[int]bool)
	in[i] = true
	// The suppressed cells linked to i through suppressed cells.
	queue := []int{i}
	for len(queue) > 0 {
		j := queue[0]
		queue = queue[1:]
		for _, rel := range s.relsOf[j] {
			for _, l := range s.p.Relations[rel].cells() {
				if !in[l] && s.suppressed(l) {
					in[l] = true
					queue = append(queue, l)
				}
			}
		}
	}
	if k >= 4 {
		for j, c := range s.p.Cells {
			if !c.Fixed {
				in[j] = true
			}
		}
	} else {
		ring := []int{i}
		seen := map[int]bool{i: true}
		for range k {
			var next []int
			for _, j := range ring {
				for _, rel := range s.relsOf[j] {
					for _, l := range s.p.Relations[rel].cells() {
						if !seen[l] && !s.p.Cells[l].Fixed {
							seen[l] = true
							in[l] = true
							next = append(next, l)
						}
					}
				}
			}
			ring = next
		}
	}
	delete(in, i)
	// A cell alone in a relation (besides i) cannot move: drop it, and
	// what its departure leaves alone in turn.
	for changed := true; changed; {
		changed = false
		for j := range in {
			for _, rel := range s.relsOf[j] {
				movers := 0
				for _, l := range s.p.Relations[rel].cells() {
					if l == i || in[l] {
						movers++
					}
				}
				if movers == 1 {
					delete(in, j)
					changed = true
					break
				}
			}
		}
	}
	vars := make([]int, 0, len(in))
	for j := range in {
		vars = append(vars, j)
	}
	slices.Sort(vars)
	return vars
}

// markCost is what showing « s » instead of « < 5 » costs, per unit of
// change: about as much as suppressing a cell of 9.
const markCost = 10

// column is one variable of the programme: a move of a cell up (sign +1)
// or down (sign −1); a move that takes a « < 5 » cell out of 1 to 4 costs
// its mark.
type column struct {
	v        int
	sign     float64
	unmarked bool
}

// change finds the cheapest change d of the cells vars, with cell i moved
// by delta and every other cell fixed, that keeps the relations and
// non-negativity and, unless a mark is dropped, the « < 5 » marks. It also
// returns which cells' « < 5 » it dropped.
func (s *suppressor) change(i int, delta float64, vars []int) (d []float64, unmark []bool, ok bool) {
	pos := make(map[int]int, len(vars))
	for v, j := range vars {
		pos[j] = v
	}
	var cols []column
	var c, u []float64
	add := func(v int, sign, bound, cost float64, unmarked bool) {
		cols = append(cols, column{v, sign, unmarked})
		u = append(u, bound)
		c = append(c, cost)
	}
	inf := math.Inf(1)
	for v, j := range vars {
		x := float64(s.p.Cells[j].Value)
		cost := s.cost[j]
		if s.suppressed(j) {
			cost = 0
		}
		switch {
		case s.p.boundedByMark(s.r, j) && s.p.Cells[j].Hidden: // shown before: it stays so
			add(v, +1, float64(MinVictims-1)-x, cost, false)
			add(v, -1, x-1, cost, false)
		case s.p.boundedByMark(s.r, j):
			add(v, +1, float64(MinVictims-1)-x, cost, false)
			add(v, -1, x-1, cost, false)
			add(v, +1, inf, cost+markCost, true)
			add(v, -1, 1, cost+markCost, true)
		default:
			add(v, +1, inf, cost, false)
			add(v, -1, x, cost, false)
		}
	}
	byVar := make([][]int, len(vars))
	for k, col := range cols {
		byVar[col.v] = append(byVar[col.v], k)
	}
	var a [][]float64
	var b []float64
	seen := make(map[int]bool)
	relations := slices.Clone(s.relsOf[i])
	for _, j := range vars {
		relations = append(relations, s.relsOf[j]...)
	}
	for _, k := range relations {
		if seen[k] {
			continue
		}
		seen[k] = true
		row := make([]float64, len(cols))
		rhs := 0.0
		for place, l := range s.p.Relations[k].cells() {
			coef := -1.0
			if place == 0 {
				coef = 1
			}
			if l == i {
				rhs -= coef * delta
			} else if v, ok := pos[l]; ok {
				for _, col := range byVar[v] {
					row[col] += coef * cols[col].sign
				}
			}
		}
		a = append(a, row)
		b = append(b, rhs)
	}
	x, ok := solveLP(a, b, c, u)
	if !ok {
		return nil, nil, false
	}
	d = make([]float64, len(vars))
	unmark = make([]bool, len(vars))
	for k, col := range cols {
		d[col.v] += col.sign * x[k]
		if col.unmarked && x[k] > 1e-7 {
			unmark[col.v] = true
		}
	}
	return d, unmark, true
}
