package disclosure

// Suppress applies the primary rules, then chooses the secondary
// suppressions, and returns a result that Check accepts, or an error when
// no pattern protects every sensitive cell (a cell pinned by cells
// published before).
func Suppress(p Problem) (Result, error) {
	if err := p.validate(); err != nil {
		return Result{}, err
	}
	r := p.primary()
	// First version: no relation may hold a single suppressed cell.
	for changed := true; changed; {
		changed = false
		for _, rel := range p.Relations {
			cells := rel.cells()
			count, best := 0, -1
			for _, j := range cells {
				if r.Status[j] != Published {
					count++
				} else if !p.Cells[j].Fixed && (best < 0 || p.Cells[j].Value < p.Cells[best].Value) {
					best = j
				}
			}
			if count == 1 && best >= 0 {
				r.Status[best], r.Mark[best] = Secondary, MarkSecret
				changed = true
			}
		}
	}
	if err := Check(p, r); err != nil {
		return Result{}, err
	}
	return r, nil
}
