package view

import (
	"slices"
	"strings"

	"comite/internal/model"
)

// AxisCount is how many measures of one axis are in each status.
type AxisCount struct {
	Axis   model.Axis
	Counts map[model.MeasureStatus]int
	Total  int
}

// CountByAxis counts the measures per status for each axis, in axis order;
// measures without an axis get a last row of their own.
func CountByAxis(axes []model.Axis, measures []model.Measure) []AxisCount {
	rows := make([]AxisCount, len(axes))
	index := map[int64]int{}
	for i, a := range axes {
		rows[i] = AxisCount{Axis: a, Counts: map[model.MeasureStatus]int{}}
		index[a.ID] = i
	}
	for _, m := range measures {
		i, ok := index[m.AxisID]
		if !ok {
			i, ok = index[0]
			if !ok {
				rows = append(rows, AxisCount{Axis: model.Axis{Title: "Hors axe"}, Counts: map[model.MeasureStatus]int{}})
				i = len(rows) - 1
				index[0] = i
			}
		}
		rows[i].Counts[m.Status]++
		rows[i].Total++
	}
	return rows
}

// statusColours meet a 3:1 contrast against white, as non-text graphics must.
var statusColours = map[model.MeasureStatus]string{
	model.MeasureNotStarted: "#6b7580",
	model.MeasureInProgress: "#1d5fa8",
	model.MeasureDelayed:    "#b8430b",
	model.MeasureDone:       "#1e7b3c",
	model.MeasureAbandoned:  "#5b2a86",
}

// chart geometry, in SVG user units.
const (
	chartLabel = 80
	chartBar   = 480
	chartRow   = 30
	chartTop   = 10
)

// chartSegment is one coloured part of an axis's bar.
type chartSegment struct {
	X, Width int
	Colour   string
	Count    int
	Status   model.MeasureStatus
}

func chartMax(rows []AxisCount) int {
	m := 1
	for _, r := range rows {
		m = max(m, r.Total)
	}
	return m
}

func segments(r AxisCount, most int) []chartSegment {
	var out []chartSegment
	x := chartLabel
	for _, st := range model.MeasureStatuses {
		n := r.Counts[st]
		if n == 0 {
			continue
		}
		w := n * chartBar / most
		out = append(out, chartSegment{X: x, Width: w, Colour: statusColours[st], Count: n, Status: st})
		x += w
	}
	return out
}

func chartHeight(rows []AxisCount) int { return chartTop*2 + chartRow*len(rows) }

func axisLabel(a model.Axis) string {
	if a.Number == 0 {
		return a.Title
	}
	return "Axe " + itoa(a.Number)
}

// chartSummary is the chart in one sentence, for its description.
func chartSummary(rows []AxisCount) string {
	totals := map[model.MeasureStatus]int{}
	n := 0
	for _, r := range rows {
		for st, c := range r.Counts {
			totals[st] += c
			n += c
		}
	}
	var parts []string
	for _, st := range model.MeasureStatuses {
		if totals[st] > 0 {
			parts = append(parts, strings.ToLower(st.Label())+" : "+itoa(totals[st]))
		}
	}
	return itoa(n) + " mesures réparties sur " + itoa(len(rows)) + " axes ; " + strings.Join(parts, ", ") + ". Détail par axe dans le tableau ci-dessous."
}

// SortOptions sorts options by label, as a French reader expects for names.
func SortOptions(opts []Option) {
	slices.SortFunc(opts, func(a, b Option) int { return strings.Compare(strings.ToLower(a.Label), strings.ToLower(b.Label)) })
}
