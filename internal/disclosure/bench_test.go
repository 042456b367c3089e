package disclosure

import (
	"fmt"
	"math/rand/v2"
	"testing"
)

// year is a realistic year of the observatory, 2 000 cells: the survey's
// variables crossed by form of exploitation and by sex, minor or region of
// origin, with all their margins (the three-way tables share their
// two-way margins and the grand total), 44 associations of very unequal
// sizes and about 4 600 victims (the 2024 edition had 44 associations and
// 4 823 victims supported, domain facts section 4).
func year() (survey, []victim) {
	nat := variable{name: "nationalité"}
	for k := range 30 { // a few large nationalities, a long tail
		nat.levels = append(nat.levels, fmt.Sprintf("N%02d", k))
		nat.weights = append(nat.weights, 100/float64((k+1)*(k+1))+0.3)
	}
	sv := survey{
		vars: []variable{form, sex, age, region, nat, place, plainte, mna, network, housing},
		tables: [][]int{
			{0, 1, 2}, // form × sex × minor
			{0, 1, 3}, // form × sex × region of origin
			{0, 2, 3}, // form × minor × region of origin
			{0, 1, 4}, // form × sex × nationality
			{0, 2, 4}, // form × minor × nationality
			{0, 1, 5}, // form × sex × exploited in France
			{0, 1, 6}, // form × sex × complaint
			{0, 2, 6}, // form × minor × complaint
			{0, 2, 7}, // form × minor × potential MNA
			{0, 1, 8}, // form × sex × network
			{0, 1, 9}, // form × sex × housed by the exploiter
			{0, 3, 5}, // form × region of origin × exploited in France
			{0, 4, 6}, // form × nationality × complaint
			{0, 3, 7}, // form × region of origin × potential MNA
			{0, 3, 8}, // form × region of origin × network
			{0, 2, 5}, // form × minor × exploited in France
			{0, 2, 8}, // form × minor × network
			{0, 2, 9}, // form × minor × housed by the exploiter
		},
	}
	rng := rand.New(rand.NewPCG(2024, 17))
	return sv, sv.victims(rng, 44, 110)
}

// BenchmarkSuppressYear is the running time of a year's publication:
// Suppress, which ends with Check.
func BenchmarkSuppressYear(b *testing.B) {
	sv, victims := year()
	p := sv.problem(sv.layout(), victims)
	var r Result
	for b.Loop() {
		var err error
		if r, err = Suppress(p); err != nil {
			b.Fatal(err)
		}
	}
	reportPattern(b, p, r)
}

// BenchmarkCheckYear is the exact check alone.
func BenchmarkCheckYear(b *testing.B) {
	sv, victims := year()
	p := sv.problem(sv.layout(), victims)
	r, err := Suppress(p)
	if err != nil {
		b.Fatal(err)
	}
	for b.Loop() {
		if err := Check(p, r); err != nil {
			b.Fatal(err)
		}
	}
}

func reportPattern(b *testing.B, p Problem, r Result) {
	var primary, secondary, unmarked int
	for i, st := range r.Status {
		switch st {
		case Primary:
			primary++
			if p.Cells[i].Mark() == MarkFew && r.Mark[i] == MarkSecret {
				unmarked++
			}
		case Secondary:
			secondary++
		}
	}
	b.ReportMetric(float64(len(p.Cells)), "cells")
	b.ReportMetric(float64(len(p.Relations)), "relations")
	b.ReportMetric(float64(primary), "primary")
	b.ReportMetric(float64(unmarked), "s-for-<5")
	b.ReportMetric(float64(secondary), "secondary")
}
