package disclosure

// Republish builds the problem of a year published again (late returns,
// corrected returns) from four problems with the same cells and relations
// (same index, same meaning):
//
//   - next: the year now;
//   - before: the year as the previous publication counted it, and shown,
//     what that publication showed (its Result);
//   - added and removed: the counts, now and then, of the returns that
//     came or changed since (removed is all zeros when returns were only
//     added), with the associations behind them as Contributors.
//
// The problem holds next's cells first, at the same indexes, so the first
// len(next.Cells) entries of its Result are the new publication. Then come,
// for every cell, its earlier value (Fixed where it was shown, Hidden with
// its mark where not), its added and removed counts (Hidden, never shown),
// and the relation next = before + added − removed; and the earlier, added
// and removed tables' own relations, which an attacker knows too. A
// sensitive added or removed count (the two victims of the association
// that answered late; the figures an association withdrew) is then
// protected like any cell, and nothing shown before is contradicted.
func Republish(next, before Problem, shown Result, added, removed Problem) (Problem, error) {
	n := len(next.Cells)
	for _, q := range []Problem{before, added, removed} {
		if len(q.Cells) != n || len(q.Relations) != len(next.Relations) {
			return Problem{}, invalid("republish: the four problems must have the same cells and relations")
		}
	}
	if err := before.validateResult(shown); err != nil {
		return Problem{}, err
	}
	p := Problem{Cells: append([]Cell(nil), next.Cells...), Relations: append([]Relation(nil), next.Relations...)}
	for i, c := range before.Cells {
		c.Label = "publication précédente · " + c.Label
		if shown.Status[i] == Published {
			c.Fixed, c.Hidden, c.ShownBefore = true, false, ""
		} else if !c.Hidden {
			c.Hidden, c.ShownBefore = true, shown.Mark[i]
		}
		p.Cells = append(p.Cells, c)
	}
	for _, part := range []struct {
		label string
		cells []Cell
	}{{"retours ajoutés · ", added.Cells}, {"retours retirés · ", removed.Cells}} {
		for _, c := range part.cells {
			c.Label = part.label + c.Label
			c.Fixed, c.Hidden, c.ShownBefore = false, true, ""
			p.Cells = append(p.Cells, c)
		}
	}
	shift := func(cells []int, by int) []int {
		out := make([]int, len(cells))
		for k, j := range cells {
			out[k] = j + by
		}
		return out
	}
	for block := 1; block <= 3; block++ {
		for _, rel := range next.Relations {
			p.Relations = append(p.Relations, Relation{Total: rel.Total + block*n,
				Parts: shift(rel.Parts, block*n), Less: shift(rel.Less, block*n)})
		}
	}
	for i := range n {
		p.Relations = append(p.Relations, Relation{Total: i, Parts: []int{n + i, 2*n + i}, Less: []int{3*n + i}})
	}
	return p, p.validate()
}
