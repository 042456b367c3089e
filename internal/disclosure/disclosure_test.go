package disclosure

import (
	"errors"
	"testing"
)

// row builds a one-way table: parts then their total, the last cell.
func row(values ...int) Problem {
	var p Problem
	total := 0
	var parts []int
	for i, v := range values {
		p.Cells = append(p.Cells, Cell{Label: string(rune('a' + i)), Value: v, Contributors: 5})
		parts = append(parts, i)
		total += v
	}
	p.Cells = append(p.Cells, Cell{Label: "total", Value: total, Contributors: 10})
	p.Relations = []Relation{{Total: len(values), Parts: parts}}
	return p
}

func TestSingleSuppressedCellPullsASecond(t *testing.T) {
	p := row(2, 30, 40, 50)
	r, err := Suppress(p)
	if err != nil {
		t.Fatal(err)
	}
	if r.Status[0] != Primary || r.Mark[0] != MarkFew {
		t.Fatalf("cell a: got %v %q, want primary « < 5 »", r.Status[0], r.Mark[0])
	}
	if r.Status[1] != Secondary || r.Status[2] != Published || r.Status[3] != Published || r.Status[4] != Published {
		t.Fatalf("got %v, want the smallest other part (b) suppressed and nothing else", r.Status)
	}
	// Alone, the cell is worked out from the total.
	alone := p.primary()
	var unsafe *UnsafeError
	if err := Check(p, alone); !errors.As(err, &unsafe) || len(unsafe.Exposed) != 1 || unsafe.Exposed[0].Cell != 0 {
		t.Fatalf("Check of the primary pattern alone: got %v, want cell a exposed", err)
	}
}
