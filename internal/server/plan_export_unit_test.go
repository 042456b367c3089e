package server

import (
	"errors"
	"testing"

	"comite/internal/model"
)

func TestReportAxis(t *testing.T) {
	axes := []model.Axis{{ID: 1, Number: 1}, {ID: 2, Number: 2}}
	if got, axis, err := reportAxis(axes, ""); err != nil || axis != nil || len(got) != 2 {
		t.Errorf("no axis asked: got %v %v %v, want every axis", got, axis, err)
	}
	if got, axis, err := reportAxis(axes, "2"); err != nil || axis == nil || axis.Number != 2 || len(got) != 1 || got[0].ID != 2 {
		t.Errorf("axis 2: got %v %v %v", got, axis, err)
	}
	for _, q := range []string{"3", "deux", "-1"} {
		if _, _, err := reportAxis(axes, q); !errors.Is(err, model.ErrNotFound) {
			t.Errorf("axis %q: got %v, want not found", q, err)
		}
	}
}

func TestReportSections(t *testing.T) {
	axes := []model.Axis{{ID: 1}, {ID: 2}}
	ms := []model.Measure{{ID: 10, AxisID: 1, Status: model.MeasureStatuses[0]}, {ID: 11, AxisID: 2, Status: model.MeasureStatuses[0]},
		{ID: 12, AxisID: 1, Status: model.MeasureStatuses[1]}, {ID: 13, AxisID: 9, Status: model.MeasureStatuses[1]}}
	latest := map[int64]model.MeasureUpdate{12: {ID: 100}}
	evidence := map[int64][]model.Document{100: {{ID: 7}}}
	sections, counts := reportSections(axes, ms, latest, evidence)
	if len(sections) != 3 || len(sections[0].Measures) != 2 || len(sections[1].Measures) != 1 || len(sections[2].Measures) != 1 || sections[2].Axis.ID != 0 {
		t.Fatalf("sections: %+v", sections)
	}
	if rm := sections[0].Measures[1]; rm.Latest == nil || rm.Latest.ID != 100 || len(rm.Evidence) != 1 {
		t.Errorf("measure 12 without its latest update and evidence: %+v", rm)
	}
	if counts[model.MeasureStatuses[0]] != 2 || counts[model.MeasureStatuses[1]] != 2 {
		t.Errorf("counts: %v", counts)
	}
}

func TestReportRecommendations(t *testing.T) {
	recs := []model.Recommendation{
		{ID: 1, Measures: []model.MeasureRef{{ID: 10, PlanID: 5}, {ID: 20, PlanID: 6}}},
		{ID: 2, Measures: []model.MeasureRef{{ID: 11, PlanID: 5}}},
		{ID: 3},
	}
	all := reportRecommendations(recs, 5, false, []model.Measure{{ID: 10}, {ID: 11}})
	if len(all) != 3 || len(all[0].Measures) != 1 || all[0].Measures[0].ID != 10 {
		t.Errorf("whole plan: %+v, want every recommendation with the plan's measures only", all)
	}
	one := reportRecommendations(recs, 5, true, []model.Measure{{ID: 11}})
	if len(one) != 1 || one[0].Recommendation.ID != 2 {
		t.Errorf("one axis: %+v, want the recommendations its measures answer", one)
	}
}
