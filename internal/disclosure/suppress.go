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
// suppressed costs nothing), a grand total (a total that is no part) a
// thousand times more, and taking a « < 5 » cell out of 1 to 4, which
// shows it « s » instead, markCost more. The programmes are local: first
// the suppressed cells around the sensitive one, then the neighbourhoods
// below, then all cells.
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
		from := min(2*round+1, len(neighbourhoods)-1)
		for _, x := range unsafe.Exposed {
			s.protect(x.Cell, x.High, from)
			s.protect(x.Cell, x.Low, from)
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

// The neighbourhoods protect tries in turn, from the cheapest programme to
// the whole problem. Each takes the cells at most radius relations away
// from the sensitive cell, moving only from a part to the other parts of
// its relations (the hypercubes of τ-ARGUS, which leave the totals shown),
// and as much around the cells up to steps totals above or parts below it
// (the margin tables and the finer tables where a move is made up for), or
// all cells when radius is -1. The suppressed cells linked to the
// sensitive one through suppressed cells, up to linkedRadius relations
// away, come with every neighbourhood: they move for free.
const linkedRadius = 4

var neighbourhoods = []struct{ radius, steps int }{
	{0, 0}, {1, 0}, {2, 0}, {3, 0}, {1, 1}, {2, 1}, {3, 1}, {4, 2}, {4, 3}, {-1, 0},
}

// protect makes sure cell i can be worth target for the attacker,
// suppressing what it must, trying the neighbourhoods from the given one.
func (s *suppressor) protect(i, target, from int) bool {
	delta := float64(target - s.p.Cells[i].Value)
	if delta == 0 {
		return true
	}
	for k := from; k < len(neighbourhoods); k++ {
		vars := s.neighbourhood(i, k)
		d, unmark, ok := s.change(i, delta, vars, k > 0)
		if ok {
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

// siblings adds to in the cells at most radius relations away from i,
// going from a part to the other parts of its relations. Fixed cells are
// left out: they never move.
func (s *suppressor) siblings(in map[int]bool, i, radius int) {
	in[i] = true
	seen := map[int]bool{i: true} // not in: the result must not depend on the order of seeds
	ring := []int{i}
	for range radius {
		var next []int
		for _, j := range ring {
			for _, rel := range s.relsOf[j] {
				if s.p.Relations[rel].Total == j {
					continue
				}
				for _, l := range s.p.Relations[rel].Parts {
					if !seen[l] && !s.p.Cells[l].Fixed {
						seen[l], in[l] = true, true
						next = append(next, l)
					}
				}
			}
		}
		ring = next
	}
}

// neighbourhood returns the cells that may move with cell i (i excluded).
func (s *suppressor) neighbourhood(i, k int) []int {
	nb := neighbourhoods[k]
	in := map[int]bool{i: true}
	if nb.radius < 0 {
		for j, c := range s.p.Cells {
			if !c.Fixed {
				in[j] = true
			}
		}
	} else {
		seeds := map[int]bool{i: true}
		level := []int{i}
		for range nb.steps {
			var next []int
			for _, j := range level {
				for _, rel := range s.relsOf[j] {
					for _, l := range s.p.Relations[rel].cells() {
						// A part's total, or a total's parts.
						if (l == s.p.Relations[rel].Total) != (j == s.p.Relations[rel].Total) && !seeds[l] && !s.p.Cells[l].Fixed {
							seeds[l] = true
							next = append(next, l)
						}
					}
				}
			}
			level = next
		}
		for j := range seeds {
			s.siblings(in, j, nb.radius)
		}
	}
	// The suppressed cells linked to i through suppressed cells, up to
	// a few relations away.
	ring := []int{i}
	linked := map[int]bool{i: true}
	for range linkedRadius {
		var next []int
		for _, j := range ring {
			for _, rel := range s.relsOf[j] {
				for _, l := range s.p.Relations[rel].cells() {
					if !linked[l] && s.suppressed(l) {
						linked[l], in[l] = true, true
						next = append(next, l)
					}
				}
			}
		}
		ring = next
	}
	delete(in, i)
	// A cell alone in a relation (besides i) cannot move: drop it, and
	// what its departure leaves alone in turn.
	movers := map[int]int{}
	for j := range in {
		for _, rel := range s.relsOf[j] {
			movers[rel]++
		}
	}
	for _, rel := range s.relsOf[i] {
		movers[rel]++
	}
	var alone []int
	for j := range in {
		for _, rel := range s.relsOf[j] {
			if movers[rel] == 1 {
				alone = append(alone, j)
				break
			}
		}
	}
	for len(alone) > 0 {
		j := alone[len(alone)-1]
		alone = alone[:len(alone)-1]
		if !in[j] {
			continue
		}
		delete(in, j)
		for _, rel := range s.relsOf[j] {
			movers[rel]--
			if movers[rel] == 1 {
				for _, l := range s.p.Relations[rel].cells() {
					if in[l] {
						alone = append(alone, l)
					}
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
// non-negativity and, unless a mark is dropped (when unmarking is
// allowed), the « < 5 » marks. It also returns which cells' « < 5 » it
// dropped.
func (s *suppressor) change(i int, delta float64, vars []int, unmarking bool) (d []float64, unmark []bool, ok bool) {
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
		case s.p.boundedByMark(s.r, j):
			add(v, +1, float64(MinVictims-1)-x, cost, false)
			add(v, -1, x-1, cost, false)
			// A mark shown before stays shown: only a new one may go.
			if unmarking && !s.p.Cells[j].Hidden {
				add(v, +1, inf, cost+markCost, true)
				add(v, -1, 1, cost+markCost, true)
			}
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
			coef := float64(s.p.Relations[k].coef(place))
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
