package view

import (
	"strconv"
	"strings"

	"comite/internal/model"
)

// YearFigures is one year of the observatory's trends: what its
// publication says of the supported and identified victims.
type YearFigures struct {
	Year        int
	Supported   *int
	Identified  *int
	Respondents int
	Source      string
}

// Trends reads the year's headline figures out of each publication, in
// year order.
func Trends(pubs []model.Publication) []YearFigures {
	out := make([]YearFigures, 0, len(pubs))
	for _, p := range pubs {
		y := YearFigures{Year: p.Year, Respondents: p.Respondents, Source: p.Source}
		if v, ok := p.Cell("victims", model.VarSupported); ok {
			y.Supported = &v
		}
		if v, ok := p.Cell("victims", model.VarIdentified); ok {
			y.Identified = &v
		}
		out = append(out, y)
	}
	return out
}

// trend chart geometry, in SVG user units.
const (
	trendLeft   = 56
	trendWidth  = 540
	trendTop    = 12
	trendHeight = 200
)

// trendBar is one year's bar of the trend chart.
type trendBar struct {
	X, Y, Width, Height int
	Label, Value        string
}

func trendMax(years []YearFigures) int {
	m := 1
	for _, y := range years {
		if y.Supported != nil {
			m = max(m, *y.Supported)
		}
	}
	// a round top for the scale: the next thousand.
	return (m + 999) / 1000 * 1000
}

func trendBars(years []YearFigures) []trendBar {
	if len(years) == 0 {
		return nil
	}
	top := trendMax(years)
	step := trendWidth / len(years)
	var out []trendBar
	for i, y := range years {
		b := trendBar{X: trendLeft + i*step + step/6, Width: step * 2 / 3, Label: strconv.Itoa(y.Year), Value: "non publié"}
		if y.Supported != nil {
			b.Height = *y.Supported * trendHeight / top
			b.Value = model.FormatCount(*y.Supported)
		}
		b.Y = trendTop + trendHeight - b.Height
		out = append(out, b)
	}
	return out
}

// trendTicks are the scale's values: quarters of the top.
func trendTicks(years []YearFigures) []trendBar {
	top := trendMax(years)
	var out []trendBar
	for i := 0; i <= 4; i++ {
		v := top * i / 4
		out = append(out, trendBar{Y: trendTop + trendHeight - v*trendHeight/top, Value: model.FormatCount(v)})
	}
	return out
}

// trendSummary describes the chart in words for its <desc>.
func trendSummary(years []YearFigures) string {
	var parts []string
	for _, y := range years {
		v := "non publié"
		if y.Supported != nil {
			v = model.FormatCount(*y.Supported)
		}
		parts = append(parts, strconv.Itoa(y.Year)+" : "+v)
	}
	return "Victimes accompagnées par les associations répondantes, par année de données. " + strings.Join(parts, " ; ") + "."
}

func countOrDash(n *int) string {
	if n == nil {
		return "–"
	}
	return model.FormatCount(*n)
}
