package disclosure

import (
	"errors"
	"slices"
	"strings"
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

// table2x2 is a two-way table with its margins: inner cells 0..3 (row-major),
// row totals 4, 5, column totals 6, 7, grand total 8.
func table2x2(a, b, c, d int) Problem {
	cell := func(label string, v int) Cell { return Cell{Label: label, Value: v, Contributors: 5} }
	return Problem{
		Cells: []Cell{cell("a", a), cell("b", b), cell("c", c), cell("d", d),
			cell("a+b", a+b), cell("c+d", c+d), cell("a+c", a+c), cell("b+d", b+d), cell("total", a+b+c+d)},
		Relations: []Relation{
			{Total: 4, Parts: []int{0, 1}}, {Total: 5, Parts: []int{2, 3}},
			{Total: 6, Parts: []int{0, 2}}, {Total: 7, Parts: []int{1, 3}},
			{Total: 8, Parts: []int{4, 5}}, {Total: 8, Parts: []int{6, 7}},
		},
	}
}

func TestTwoWayTableSuppressesTheRectangle(t *testing.T) {
	p := table2x2(2, 30, 40, 50)
	r, err := Suppress(p)
	if err != nil {
		t.Fatal(err)
	}
	want := []Status{Primary, Secondary, Secondary, Secondary, Published, Published, Published, Published, Published}
	for i := range want {
		if r.Status[i] != want[i] {
			t.Fatalf("got %v, want %v: the four inner cells, margins shown", r.Status, want)
		}
	}
	// By hand: b = 32 − a, c = 42 − a, d = 48 + a, all ≥ 0: a is 1 to 4
	// by its mark (the mark « < 5 » is shown), nothing narrower.
	iv, err := Intervals(p, r)
	if err != nil {
		t.Fatal(err)
	}
	if got := iv[0].String(); got != "[1, 4]" {
		t.Fatalf("interval of a: got %s, want [1, 4]", got)
	}
	if got := iv[3].String(); got != "[49, 52]" {
		t.Fatalf("interval of d: got %s, want [49, 52]", got)
	}
	// Shown « s » instead, a would be anywhere from 0 to 32.
	r.Mark[0] = MarkSecret
	if iv, _ = Intervals(p, r); iv[0].String() != "[0, 32]" {
		t.Fatalf("interval of a shown « s »: got %s, want [0, 32]", iv[0])
	}
}

// Two « < 5 » cells and their total 8: the marks alone make both 4.
func TestMarksCountAsKnowledge(t *testing.T) {
	p := row(4, 4)
	primary := p.primary()
	var unsafe *UnsafeError
	if err := Check(p, primary); !errors.As(err, &unsafe) || len(unsafe.Exposed) != 2 {
		t.Fatalf("Check with the total shown: got %v, want both cells exposed", err)
	}
	if got := unsafe.Exposed[0].Interval.String(); got != "[4, 4]" {
		t.Fatalf("interval: got %s, want [4, 4]", got)
	}
	r, err := Suppress(p)
	if err != nil {
		t.Fatal(err)
	}
	// Suppressing the grand total costs more than saying « s ».
	if r.Status[2] != Published || r.Mark[0] != MarkSecret || r.Mark[1] != MarkSecret {
		t.Fatalf("got %v %q, want the total shown and both cells « s »", r.Status, r.Mark)
	}
}

// A « < 5 » total of four cells shown « < 5 » makes each of them 1 by the
// marks alone: Suppress shows « s » instead.
func TestMarkGivesWayToSecret(t *testing.T) {
	p := row(1, 1, 1, 1, 30)
	p.Cells = append(p.Cells[:5], Cell{Label: "1..4", Value: 4, Contributors: 5}, p.Cells[5])
	p.Relations = []Relation{{Total: 6, Parts: []int{5, 4}}, {Total: 5, Parts: []int{0, 1, 2, 3}}}
	r, err := Suppress(p)
	if err != nil {
		t.Fatal(err)
	}
	unmarked := 0
	for i := range 6 {
		if r.Status[i] == Published && i < 4 {
			t.Fatalf("cell %d published: %v", i, r.Status)
		}
		if p.Cells[i].Mark() == MarkFew && r.Mark[i] == MarkSecret {
			unmarked++
		}
	}
	if unmarked == 0 {
		t.Fatalf("got marks %q, want some « < 5 » shown « s »", r.Mark)
	}
}

func TestFewAssociations(t *testing.T) {
	p := row(40, 30, 50)
	p.Cells[0].Contributors = 2
	p.Cells[1].Largest = 27 // one association holds 90 %
	r, err := Suppress(p)
	if err != nil {
		t.Fatal(err)
	}
	if r.Mark[0] != MarkSecret || r.Mark[1] != MarkSecret || r.Status[0] != Primary || r.Status[1] != Primary {
		t.Fatalf("got %v %q, want a and b primary « s »", r.Status, r.Mark)
	}
	// a = 40 must be uncertain by 20 % of 40 = 8 both ways; b by 20 % of
	// 27 rounded up, 6.
	if low, high := p.Cells[0].Range(); low != 32 || high != 48 {
		t.Fatalf("range of a: got [%d, %d], want [32, 48]", low, high)
	}
	if low, high := p.Cells[1].Range(); low != 24 || high != 36 {
		t.Fatalf("range of b: got [%d, %d], want [24, 36]", low, high)
	}
	// They protect each other: a + b = 70 leaves each anywhere in [0, 70].
	if r.Status[2] != Published {
		t.Fatalf("got %v, want c shown", r.Status)
	}
	if iv, _ := Intervals(p, r); iv[0].String() != "[0, 70]" {
		t.Fatalf("interval of a: got %s, want [0, 70]", iv[0])
	}
}

func TestZeroIsShown(t *testing.T) {
	p := row(0, 30, 40)
	r, err := Suppress(p)
	if err != nil {
		t.Fatal(err)
	}
	for i, st := range r.Status {
		if st != Published {
			t.Fatalf("cell %d: got %v, want every cell shown", i, st)
		}
	}
}

// The previous publication showed a = 10, b = 20 and their total 30. One
// association answers late with 2 victims in a. Showing the new a = 12
// would tell its 2 victims by difference.
func TestDifferencingWithThePreviousPublication(t *testing.T) {
	p := Problem{Cells: []Cell{
		{Label: "a", Value: 12, Contributors: 4}, {Label: "b", Value: 20, Contributors: 4}, {Label: "total", Value: 32, Contributors: 5},
		{Label: "avant a", Value: 10, Fixed: true}, {Label: "avant b", Value: 20, Fixed: true}, {Label: "avant total", Value: 30, Fixed: true},
		{Label: "ajout a", Value: 2, Contributors: 1, Hidden: true}, {Label: "ajout b", Value: 0, Hidden: true}, {Label: "ajout total", Value: 2, Contributors: 1, Hidden: true},
	}, Relations: []Relation{
		{Total: 2, Parts: []int{0, 1}}, {Total: 5, Parts: []int{3, 4}}, {Total: 8, Parts: []int{6, 7}},
		{Total: 0, Parts: []int{3, 6}}, {Total: 1, Parts: []int{4, 7}}, {Total: 2, Parts: []int{5, 8}},
	}}
	naive := p.primary()
	var unsafe *UnsafeError
	if err := Check(p, naive); !errors.As(err, &unsafe) || unsafe.Exposed[0].Label != "ajout a" {
		t.Fatalf("Check of the new figures all shown: got %v, want « ajout a » exposed", err)
	}
	r, err := Suppress(p)
	if err != nil {
		t.Fatal(err)
	}
	if r.Status[0] == Published || r.Status[2] == Published {
		t.Fatalf("got %v, want a and the total suppressed", r.Status)
	}
	// A cell whose neighbours were all shown before cannot be protected.
	pinned := Problem{Cells: []Cell{
		{Label: "total", Value: 30, Fixed: true}, {Label: "a", Value: 3, Contributors: 1}, {Label: "b", Value: 27, Fixed: true},
	}, Relations: []Relation{{Total: 0, Parts: []int{1, 2}}}}
	if _, err := Suppress(pinned); err == nil || !strings.Contains(err.Error(), "cannot protect a") {
		t.Fatalf("Suppress with a small cell shown before: got %v, want « cannot protect »", err)
	}
}

// An association withdraws its return (3 victims in a): the new a, 7, and
// the old one, 10, would show its 3 victims by difference.
func TestRepublishAfterAWithdrawal(t *testing.T) {
	table := func(a, b int, ca, cb int) Problem {
		p := row(a, b)
		p.Cells[0].Contributors, p.Cells[1].Contributors = ca, cb
		p.Cells[2].Contributors = max(ca, cb)
		return p
	}
	before := table(10, 20, 4, 4)
	shown, err := Suppress(before)
	if err != nil || slices.Contains(shown.Status, Secondary) {
		t.Fatalf("first publication: got %v %v, want everything shown", shown.Status, err)
	}
	next := table(7, 20, 3, 4)
	p, err := Republish(next, before, shown, table(0, 0, 0, 0), table(3, 0, 1, 0))
	if err != nil {
		t.Fatal(err)
	}
	var unsafe *UnsafeError
	if err := Check(p, p.primary()); !errors.As(err, &unsafe) || !strings.Contains(err.Error(), "retours retirés · a") {
		t.Fatalf("Check of the new figures all shown: got %v, want the withdrawn 3 exposed", err)
	}
	r, err := Suppress(p)
	if err != nil {
		t.Fatal(err)
	}
	if r.Status[0] == Published {
		t.Fatalf("got %v, want the new a suppressed", r.Status[:3])
	}
	// Nothing is contradicted: the cells shown before keep their value.
	for i := 3; i < 6; i++ {
		if !p.Cells[i].Fixed || r.Status[i] != Published {
			t.Fatalf("cell %s: got fixed %v, %v", p.Cells[i].Label, p.Cells[i].Fixed, r.Status[i])
		}
	}
}
