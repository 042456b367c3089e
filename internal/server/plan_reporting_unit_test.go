package server

import (
	"errors"
	"strings"
	"testing"
	"time"

	"comite/internal/access"
	"comite/internal/config"
	"comite/internal/model"
	"comite/web/view"
)

func TestReadMeasureUpdate(t *testing.T) {
	s := &Server{cfg: config.Config{}}
	indicators := []model.Indicator{{ID: 7, Label: "Agents formés", Current: "120"}, {ID: 8, Label: "Sessions", Current: "4"}}
	fields := s.updateFields(indicators)
	m := model.Measure{ID: 3, Status: model.MeasureStatuses[0]}
	pilot := access.Viewer{AccountID: 5, Role: model.RolePilot, BodyID: 4}
	f := view.NewForm()
	f.Values = map[string]string{"status": string(model.MeasureStatuses[1]), "progress": "40", "happened_on": "2026-11-20",
		"text": "Deux sessions de plus.", "indicator-7": "120", "indicator-8": "6"}
	u, title := readMeasureUpdate(newChecker(f, fields), m, indicators, pilot, false)
	if !f.Valid() {
		t.Fatalf("a complete update is refused: %v", f.Errors)
	}
	if u.State != model.UpdatePending || u.AuthorID != 5 || u.BodyID != 4 || u.MeasureID != 3 || u.Progress != 40 ||
		u.HappenedOn.Format(time.DateOnly) != "2026-11-20" || title != "" {
		t.Errorf("update read as %+v, title %q", u, title)
	}
	if len(u.IndicatorValues) != 1 || u.IndicatorValues["8"] != "6" {
		t.Errorf("indicator values: got %v, want only the changed one", u.IndicatorValues)
	}
	if u, _ := readMeasureUpdate(newChecker(f, fields), m, indicators, pilot, true); u.State != model.UpdatePublished {
		t.Errorf("the secretariat's update is %s, want published at once", u.State)
	}
	for _, progress := range []string{"-1", "101", "beaucoup", ""} {
		g := view.NewForm()
		for k, v := range f.Values {
			g.Values[k] = v
		}
		g.Values["progress"] = progress
		readMeasureUpdate(newChecker(g, fields), m, indicators, pilot, false)
		if g.Error("progress") == "" {
			t.Errorf("progress %q is accepted", progress)
		}
	}
}

func TestEvidenceDocument(t *testing.T) {
	u := model.MeasureUpdate{ID: 9, HappenedOn: time.Date(2026, 11, 20, 0, 0, 0, 0, time.UTC)}
	m := model.Measure{Title: strings.Repeat("Former ", 60)}
	d := evidenceDocument(u, m, "", 5, false)
	if !strings.HasPrefix(d.Title, "Justificatif – ") || len([]rune(d.Title)) != 300 || !strings.HasSuffix(d.Title, "…") {
		t.Errorf("default title %q (%d characters), want the measure's, cut at 300", d.Title, len([]rune(d.Title)))
	}
	if d.HeldFor != model.HeldForUpdate || d.HeldID != 9 || d.Visibility != model.VisibilityMembers || d.CreatedBy != 5 || !d.Date.Equal(u.HappenedOn) {
		t.Errorf("a pilot's evidence: %+v, want held with its update", d)
	}
	d = evidenceDocument(u, m, "Bilan", 5, true)
	if d.Title != "Bilan" || d.Held() || d.Visibility != model.VisibilityPublic {
		t.Errorf("the secretariat's evidence: %+v, want public at once", d)
	}
}

func TestReviewDecision(t *testing.T) {
	for _, tc := range []struct {
		decision, remark string
		state            model.UpdateState
		msg              string
		err              error
	}{
		{"publish", "", model.UpdatePublished, "", nil},
		{"publish", "Merci", model.UpdatePublished, "", nil},
		{"return", "", model.UpdateReturned, "Indiquez au pilote", nil},
		{"return", "Chiffres à vérifier", model.UpdateReturned, "", nil},
		{"return", strings.Repeat("é", 2001), model.UpdateReturned, "2 000 caractères", nil},
		{"delete", "", "", "", errBadRequest},
	} {
		state, msg, err := reviewDecision(tc.decision, tc.remark)
		if state != tc.state || !errors.Is(err, tc.err) || (tc.msg == "") != (msg == "") || !strings.Contains(msg, tc.msg) {
			t.Errorf("%s: got %s %q %v, want %s %q %v", tc.decision, state, msg, err, tc.state, tc.msg, tc.err)
		}
	}
}

func TestUpdateForm(t *testing.T) {
	m := model.Measure{Status: model.MeasureStatuses[1], Progress: 30}
	f := updateForm(m, []model.Indicator{{ID: 7, Current: "120"}}, time.Date(2026, 11, 28, 23, 30, 0, 0, time.UTC))
	if f.Value("progress") != "30" || f.Value("status") != string(m.Status) || f.Value("indicator-7") != "120" || f.Value("happened_on") != "2026-11-29" {
		t.Errorf("an update starts from the measure as it stands, dated today in Paris: %v", f.Values)
	}
}
