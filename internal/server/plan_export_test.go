package server

import (
	"context"
	"encoding/json"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"testing"

	"comite/internal/export"
	"comite/internal/model"
)

const wantPlanCSVHeader = "Axe;Numéro;Mesure;Pilotes;Partenaires;Statut;Avancement (%);" +
	"Date de la dernière mise à jour publiée;Dernière mise à jour publiée;Recommandations;Donnée illustrative"

// publishUpdate records a published update of the fixture measure, as the
// secretariat would, and returns its id.
func publishUpdate(t *testing.T, p *portal, measureID int64, day, text string, status model.MeasureStatus, progress int) int64 {
	t.Helper()
	id, err := p.store.AddMeasureUpdate(context.Background(), model.MeasureUpdate{MeasureID: measureID, State: model.UpdatePublished,
		Status: status, Progress: progress, Text: text, HappenedOn: mustDay(t, day)})
	if err != nil {
		t.Fatal(err)
	}
	return id
}

func TestPlanCSV(t *testing.T) {
	p := newPortal(t, nil)
	f := planFixtures(t, p)
	publishUpdate(t, p, f.measure, "2024-06-03", "Sessions de formation tenues à Lyon.", model.MeasureDelayed, 30)

	res := p.client().get(id("/plans/", f.plan) + ".csv")
	if res.StatusCode != http.StatusOK {
		t.Fatalf("status: got %v, want %v", res.StatusCode, http.StatusOK)
	}
	if got, want := res.Header.Get("Content-Type"), "text/csv; charset=utf-8"; got != want {
		t.Fatalf("Content-Type: got %v, want %v", got, want)
	}
	if !strings.HasPrefix(res.body, export.BOM+wantPlanCSVHeader+"\r\n") {
		t.Fatalf("got %q at the start, want BOM then %q and CRLF", res.body[:min(len(res.body), 200)], wantPlanCSVHeader)
	}
	if strings.Contains(res.body, "Premières sessions tenues.") {
		t.Fatal("the CSV shows a pending update; want published ones only")
	}
	records := readCSV(t, res.body)
	if got, want := len(records), 2; got != want {
		t.Fatalf("got %d lines, want %d (header and the fixture plan's one measure)", got, want)
	}
	want := []string{"Axe 1 – Prévenir", "1", "Former les professionnels", "DGT", "", "En retard", "30",
		"2024-06-03", "Sessions de formation tenues à Lyon.", "GRETA cycle 3 § 12", "non"}
	if got := records[1]; !slices.Equal(got, want) {
		t.Fatalf("measure row:\n got %q\nwant %q", got, want)
	}
}

func TestMeasuresAPI(t *testing.T) {
	p := newPortal(t, nil)
	f := planFixtures(t, p)

	res := p.client().get("/api/v1/measures?plan=" + strconv.FormatInt(f.plan, 10))
	if res.StatusCode != http.StatusOK {
		t.Fatalf("status: got %v, want %v", res.StatusCode, http.StatusOK)
	}
	if got, want := res.Header.Get("Access-Control-Allow-Origin"), "*"; got != want {
		t.Fatalf("Access-Control-Allow-Origin: got %q, want %q", got, want)
	}
	var doc struct {
		Measures []apiMeasure `json:"measures"`
	}
	if err := json.Unmarshal([]byte(res.body), &doc); err != nil {
		t.Fatal(err)
	}
	if len(doc.Measures) != 1 {
		t.Fatalf("got %d measures for the fixture plan, want 1: %+v", len(doc.Measures), doc.Measures)
	}
	m := doc.Measures[0]
	if m.ID != f.measure || m.Title != "Former les professionnels" || m.Status != "in_progress" || m.Progress != 20 ||
		m.Plan.ID != f.plan || m.Axis == nil || m.Axis.Number != 1 || !strings.HasSuffix(m.URL, id("/measures/", f.measure)) {
		t.Fatalf("fixture measure: %+v", m)
	}
	if len(m.Pilots) != 1 || m.Pilots[0].Name != "DGT" {
		t.Fatalf("pilots: got %+v, want the DGT", m.Pilots)
	}
	if len(m.Indicators) != 1 || m.Indicators[0] != (apiIndicator{Label: "Professionnels formés", Target: "5 000"}) {
		t.Fatalf("indicators: got %+v", m.Indicators)
	}

	// Without a filter, every plan's measures: the seeded ones too.
	all := p.client().get("/api/v1/measures")
	if err := json.Unmarshal([]byte(all.body), &doc); err != nil {
		t.Fatal(err)
	}
	if !slices.ContainsFunc(doc.Measures, func(a apiMeasure) bool { return a.ID == f.measure }) || len(doc.Measures) < 2 {
		t.Fatalf("all measures: got %d, want the fixture's among others", len(doc.Measures))
	}
	if bad := p.client().get("/api/v1/measures?plan=abc"); bad.StatusCode != http.StatusBadRequest || !strings.Contains(bad.body, "Plan invalide") {
		t.Fatalf("?plan=abc: got %d %q, want 400 with a message", bad.StatusCode, bad.body)
	}
}

func TestPlanReport(t *testing.T) {
	p := newPortal(t, nil)
	f := planFixtures(t, p)
	ctx := context.Background()
	update := publishUpdate(t, p, f.measure, "2024-06-03", "Sessions de formation tenues à Lyon.", model.MeasureInProgress, 30)
	public := p.addDocument(t, "Programme des sessions", model.VisibilityPublic, model.KindOther, "programme.txt", "Programme")
	private := p.addDocument(t, "Liste des stagiaires", model.VisibilityMembers, model.KindOther, "stagiaires.txt", "Noms")
	for _, doc := range []int64{public, private} {
		if err := p.store.LinkDocument(ctx, doc, "measure_update", update); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := p.store.CreateRecommendation(ctx, model.Recommendation{Source: "GRETA", Round: 3, Paragraph: "40",
		Text: "Le GRETA considère que les victimes devraient être indemnisées.", Strength: model.StrengthConsiders}); err != nil {
		t.Fatal(err)
	}

	res := p.client().get(id("/plans/", f.plan) + "/report")
	if res.StatusCode != http.StatusOK {
		t.Fatalf("status: got %v, want %v", res.StatusCode, http.StatusOK)
	}
	for _, want := range []string{
		"Bilan de mise en œuvre", "Axe 1 – Prévenir", "1. Former les professionnels", "En cours", "30 %", "DGT",
		"3 juin 2024", "Sessions de formation tenues à Lyon.", "Programme des sessions",
		"Recommandations du GRETA", "Le GRETA exhorte les autorités à former les professionnels.", "Couverte par 1 mesure du plan",
		"Le GRETA considère que les victimes devraient être indemnisées.", "Non couverte",
	} {
		if !strings.Contains(res.body, want) {
			t.Errorf("the report lacks %q", want)
		}
	}
	for _, hidden := range []string{"Liste des stagiaires", "Premières sessions tenues."} {
		if strings.Contains(res.body, hidden) {
			t.Errorf("the public report shows %q: a members-only document or a pending update", hidden)
		}
	}
	// A member sees the members' evidence too.
	if member := p.as(roleAssociation).get(id("/plans/", f.plan) + "/report"); !strings.Contains(member.body, "Liste des stagiaires") {
		t.Error("a member's report lacks the members-only evidence")
	}

	// One axis: its measures, and only the recommendations they answer.
	axis := p.client().get(id("/plans/", f.plan) + "/report?axis=" + strconv.FormatInt(f.axis, 10))
	if axis.StatusCode != http.StatusOK || !strings.Contains(axis.body, "Former les professionnels") ||
		strings.Contains(axis.body, "devraient être indemnisées") {
		t.Fatalf("axis report: status %d; want the axis's measure and no recommendation it does not answer", axis.StatusCode)
	}
	if other := p.client().get(id("/plans/", f.plan) + "/report?axis=" + strconv.FormatInt(f.axis+100000, 10)); other.StatusCode != http.StatusNotFound {
		t.Fatalf("report on another plan's axis: got %d, want 404", other.StatusCode)
	}
}
