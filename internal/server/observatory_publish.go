package server

import (
	"errors"
	"fmt"
	"strconv"

	"comite/internal/disclosure"
	"comite/internal/model"
)

// errUnsafePublication is returned when the suppressed tables of a year
// fail the disclosure check: nothing is published.
var errUnsafePublication = errors.New("observatory: the suppressed tables fail the disclosure check")

// buildPublication turns the submitted returns of a year into its
// published tables: every cell is a sum over the returns, with the number
// of associations behind it; the breakdowns all share the year's total of
// supported victims; the cells of the previous publication of the same
// year (a correction) are fixed where they did not change, since readers
// already have them, and those it suppressed stay hidden. The
// disclosure package then suppresses, and checks that no suppressed cell
// can be worked out; a failed check publishes nothing.
func buildPublication(year int, returns []model.Counts, previous *model.Publication) (*model.Publication, error) {
	cells, rels := model.YearTables(returns)
	p := disclosure.Problem{Cells: make([]disclosure.Cell, len(cells))}
	for i, c := range cells {
		p.Cells[i] = disclosure.Cell{Label: strconv.Itoa(year) + " · " + c.Table + " · " + c.Key, Value: c.Value,
			Contributors: c.Contributors, Largest: c.Largest}
		if previous != nil {
			if v, ok := previous.Cell(c.Table, c.Key); ok && v == c.Value {
				p.Cells[i].Fixed = true
			} else if mark, shown := previous.Mark(c.Table, c.Key); shown {
				p.Cells[i].Hidden, p.Cells[i].ShownBefore = true, mark
			}
		}
	}
	for _, r := range rels {
		p.Relations = append(p.Relations, disclosure.Relation{Total: r.Total, Parts: r.Parts})
	}
	// Suppress returns only what the exact Check accepts.
	res, err := disclosure.Suppress(p)
	if err != nil {
		return nil, fmt.Errorf("%w: %w", errUnsafePublication, err)
	}
	pub := &model.Publication{Year: year, Respondents: len(returns)}
	for i, c := range cells {
		if len(pub.Tables) == 0 || pub.Tables[len(pub.Tables)-1].Key != c.Table {
			pub.Tables = append(pub.Tables, model.PublishedTable{Key: c.Table, Title: model.GroupTitle(c.Table), Unit: "victimes"})
		}
		cell := model.PublishedCell{Key: c.Key, Label: c.Label}
		if res.Status[i] == disclosure.Published {
			v := c.Value
			cell.Value = &v
		} else {
			cell.Mark = res.Mark[i]
			if cell.Mark == "" {
				cell.Mark = "s"
			}
		}
		t := &pub.Tables[len(pub.Tables)-1]
		t.Cells = append(t.Cells, cell)
	}
	return pub, nil
}

// fedCells lists, for an association, the published cells its figures
// feed: those where its count is not zero.
func fedCells(c model.Counts) []model.StatCell {
	cells, _ := model.YearTables([]model.Counts{c})
	var out []model.StatCell
	for _, cell := range cells {
		if cell.Value > 0 {
			out = append(out, cell)
		}
	}
	return out
}
