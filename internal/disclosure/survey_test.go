package disclosure

import (
	"fmt"
	"math/rand/v2"
	"strings"
)

// This file builds problems the way the observatory does: from returns
// (victims counted by association and by category) and a list of
// published tables, each a crossing of some variables with all its margins.
// Tables that share variables share their margins, and every table shares
// the grand total.

type variable struct {
	name    string
	levels  []string
	weights []float64 // how often each level occurs
}

type survey struct {
	vars   []variable
	tables [][]int // each table crosses these variables
}

// victim is one victim counted by association assoc, with a level for each
// variable.
type victim struct {
	assoc  int
	levels []int
}

// layout is a survey's cells and relations, whatever the figures.
type layout struct {
	keys      [][]int // per cell, a level per variable, -1 for « total »
	index     map[string]int
	relations []Relation
}

func key(k []int) string { return fmt.Sprint(k) }

func (sv survey) layout() layout {
	l := layout{index: map[string]int{}}
	nv := len(sv.vars)
	add := func(k []int) {
		if _, ok := l.index[key(k)]; !ok {
			l.index[key(k)] = len(l.keys)
			l.keys = append(l.keys, k)
		}
	}
	for _, t := range sv.tables {
		// Every assignment of t's variables to a level or « total ».
		var walk func(pos int, k []int)
		walk = func(pos int, k []int) {
			if pos == len(t) {
				add(append([]int(nil), k...))
				return
			}
			v := t[pos]
			for lv := -1; lv < len(sv.vars[v].levels); lv++ {
				k[v] = lv
				walk(pos+1, k)
			}
			k[v] = -1
		}
		k := make([]int, nv)
		for i := range k {
			k[i] = -1
		}
		walk(0, k)
	}
	covered := func(k []int, extra int) bool {
	tables:
		for _, t := range sv.tables {
			for v := range nv {
				if (k[v] >= 0 || v == extra) && !containsInt(t, v) {
					continue tables
				}
			}
			return true
		}
		return false
	}
	for ci, k := range l.keys {
		for v := range nv {
			if k[v] >= 0 || !covered(k, v) {
				continue
			}
			rel := Relation{Total: ci}
			for lv := range sv.vars[v].levels {
				part := append([]int(nil), k...)
				part[v] = lv
				rel.Parts = append(rel.Parts, l.index[key(part)])
			}
			l.relations = append(l.relations, rel)
		}
	}
	return l
}

func containsInt(s []int, x int) bool {
	for _, y := range s {
		if y == x {
			return true
		}
	}
	return false
}

func (sv survey) label(k []int) string {
	var parts []string
	for v, lv := range k {
		if lv >= 0 {
			parts = append(parts, sv.vars[v].name+"="+sv.vars[v].levels[lv])
		}
	}
	if parts == nil {
		return "total"
	}
	return strings.Join(parts, " · ")
}

// problem counts the victims into the layout's cells.
func (sv survey) problem(l layout, victims []victim) Problem {
	p := Problem{Cells: make([]Cell, len(l.keys)), Relations: l.relations}
	byAssoc := make([]map[int]int, len(l.keys))
	for _, vi := range victims {
		seen := map[int]bool{}
		// The cells a victim falls in: its levels on any subset of a
		// table's variables, « total » elsewhere.
		for _, t := range sv.tables {
			for mask := 0; mask < 1<<len(t); mask++ {
				k := make([]int, len(sv.vars))
				for i := range k {
					k[i] = -1
				}
				for b, v := range t {
					if mask&(1<<b) != 0 {
						k[v] = vi.levels[v]
					}
				}
				ci := l.index[key(k)]
				if seen[ci] {
					continue
				}
				seen[ci] = true
				if byAssoc[ci] == nil {
					byAssoc[ci] = map[int]int{}
				}
				byAssoc[ci][vi.assoc]++
			}
		}
	}
	for ci, k := range l.keys {
		c := Cell{Label: sv.label(k)}
		for _, n := range byAssoc[ci] {
			c.Value += n
			c.Contributors++
			c.Largest = max(c.Largest, n)
		}
		p.Cells[ci] = c
	}
	return p
}

// victims draws associations of skewed sizes and their victims.
func (sv survey) victims(rng *rand.Rand, associations, meanSize int) []victim {
	var out []victim
	for a := range associations {
		size := 1 + int(rng.ExpFloat64()*float64(meanSize))
		for range size {
			vi := victim{assoc: a, levels: make([]int, len(sv.vars))}
			for v, vr := range sv.vars {
				vi.levels[v] = draw(rng, vr.weights)
			}
			out = append(out, vi)
		}
	}
	return out
}

func draw(rng *rand.Rand, weights []float64) int {
	total := 0.0
	for _, w := range weights {
		total += w
	}
	x := rng.Float64() * total
	for i, w := range weights {
		if x < w {
			return i
		}
		x -= w
	}
	return len(weights) - 1
}

// The observatory's variables, with weights close to the published
// national figures (domain facts, section 4).
var (
	form = variable{"forme", []string{"sexuelle", "travail", "mendicité", "criminalité", "autre"},
		[]float64{80, 13, 4, 2, 1}}
	sex     = variable{"sexe", []string{"femme", "homme"}, []float64{85, 15}}
	age     = variable{"âge", []string{"mineur", "majeur"}, []float64{16, 84}}
	region  = variable{"origine", []string{"Afrique", "Europe", "Amériques", "Asie", "France", "autre"}, []float64{60, 12, 10, 5, 11, 2}}
	place   = variable{"lieu", []string{"France", "étranger seulement"}, []float64{90, 10}}
	plainte = variable{"plainte", []string{"oui", "non"}, []float64{25, 75}}
	mna     = variable{"MNA potentiel", []string{"oui", "non"}, []float64{6, 94}}
	network = variable{"réseau", []string{"oui", "non"}, []float64{60, 40}}
	housing = variable{"hébergée par l'exploiteur", []string{"oui", "non"}, []float64{20, 80}}
)
