package server

import (
	"context"
	"fmt"
	"html"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"

	"comite/internal/model"
	"comite/internal/store"
)

// createdID reads the id that follows prefix in a redirect's location.
func createdID(t *testing.T, res response, prefix string) int64 {
	t.Helper()
	if res.StatusCode != http.StatusSeeOther {
		t.Fatalf("got status %d, want 303: %s", res.StatusCode, res.body)
	}
	loc := res.Header.Get("Location")
	rest, ok := strings.CutPrefix(loc, prefix)
	if !ok {
		t.Fatalf("redirected to %q, want %s…", loc, prefix)
	}
	digits := rest
	if i := strings.IndexFunc(rest, func(r rune) bool { return r < '0' || r > '9' }); i >= 0 {
		digits = rest[:i]
	}
	id, err := strconv.ParseInt(digits, 10, 64)
	if err != nil {
		t.Fatalf("no id in %q", loc)
	}
	return id
}

func bodyID(t *testing.T, p *portal, slug string) int64 {
	t.Helper()
	b, err := p.store.BodyBySlug(context.Background(), slug)
	if err != nil {
		t.Fatal(err)
	}
	return b.ID
}

func TestPlanBackOfficeCreatesPlanAxisAndMeasure(t *testing.T) {
	p := newPortal(t, nil)
	ctx := context.Background()
	sec := p.as(roleSecretariat)

	planID := createdID(t, sec.postForm("/admin/plans/new", url.Values{"title": {"Plan national d'essai"}, "short_title": {"Plan d'essai"},
		"followed": {"1"}, "period": {"2025-2028"}, "owner": {"MIPROF"}, "presented_on": {"2025-03-08"}}), "/admin/plans/")
	pl, err := p.store.Plan(ctx, planID)
	if err != nil {
		t.Fatal(err)
	}
	if pl.Slug != "plan-national-d-essai" || !pl.Followed || pl.Owner != "MIPROF" || pl.PresentedOn == nil || pl.Illustrative {
		t.Fatalf("plan saved as %+v", pl)
	}
	if list := sec.get("/admin/plans").body; !strings.Contains(list, "Plan national d&#39;essai") && !strings.Contains(list, "Plan national d'essai") {
		t.Error("the plans list does not show the new plan")
	}

	res := sec.postForm(fmt.Sprintf("/admin/plans/%d/axes", planID), url.Values{"number": {"1"}, "title": {"Repérer les victimes"}})
	if res.StatusCode != http.StatusSeeOther {
		t.Fatalf("add axis: got %d, want 303: %s", res.StatusCode, res.body)
	}
	// A number already used in the plan is refused with a message, not an error page.
	res = sec.postForm(fmt.Sprintf("/admin/plans/%d/axes", planID), url.Values{"number": {"1"}, "title": {"Doublon"}})
	if res.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(html.UnescapeString(res.body), "déjà celui d'un autre axe") {
		t.Fatalf("duplicate axis: got %d, want 422 with a message", res.StatusCode)
	}
	axes, err := p.store.Axes(ctx, planID)
	if err != nil || len(axes) != 1 {
		t.Fatalf("axes: got %v, %v", axes, err)
	}

	dgt, dgcs, ccem := bodyID(t, p, "dgt"), bodyID(t, p, "dgcs"), bodyID(t, p, "ccem")
	measureID := createdID(t, sec.postForm(fmt.Sprintf("/admin/plans/%d/measures/new", planID), url.Values{
		"axis": {strconv.FormatInt(axes[0].ID, 10)}, "number": {"1"}, "title": {"Former les inspecteurs du travail"},
		"status": {"in_progress"}, "progress": {"30"}, "source_url": {"https://www.example.fr/plan"},
		"pilots": {strconv.FormatInt(dgt, 10), strconv.FormatInt(dgcs, 10)}, "partners": {strconv.FormatInt(ccem, 10)},
	}), "/admin/measures/")
	m, err := p.store.Measure(ctx, measureID)
	if err != nil {
		t.Fatal(err)
	}
	if m.PlanID != planID || m.AxisID != axes[0].ID || m.Status != model.MeasureInProgress || m.Progress != 30 {
		t.Fatalf("measure saved as %+v", m)
	}
	if len(m.Pilots) != 2 || !m.PilotedBy(dgt) || !m.PilotedBy(dgcs) {
		t.Fatalf("pilots: got %+v, want DGT and DGCS", m.Pilots)
	}
	if len(m.Partners) != 1 || m.Partners[0].ID != ccem {
		t.Fatalf("partners: got %+v, want the CCEM", m.Partners)
	}
	page := sec.get(fmt.Sprintf("/admin/plans/%d", planID)).body
	if !strings.Contains(page, "Former les inspecteurs du travail") || !strings.Contains(page, fmt.Sprintf("/admin/measures/%d/edit", measureID)) {
		t.Error("the plan's page does not list the new measure with a link to edit it")
	}

	// Each change is audited.
	for _, object := range []string{"plan", "axis", "measure"} {
		entries, _, err := p.store.AuditLog(ctx, store.AuditFilter{ObjectType: object}, 10, store.Cursor{})
		if err != nil || len(entries) == 0 || entries[0].Action != object+".create" {
			t.Errorf("audit of the %s: %+v %v", object, entries, err)
		}
	}
}

func TestPlanBackOfficeInvalidMeasureKeepsInput(t *testing.T) {
	p := newPortal(t, nil)
	f := planFixtures(t, p)
	sec := p.as(roleSecretariat)
	dgt := bodyID(t, p, "dgt")

	res := sec.postForm(fmt.Sprintf("/admin/plans/%d/measures/new", f.plan), url.Values{
		"number": {"7 bis"}, "title": {""}, "status": {"done"}, "progress": {"150"},
		"description": {"Une description saisie"}, "pilots": {strconv.FormatInt(dgt, 10)},
	})
	if res.StatusCode != http.StatusUnprocessableEntity {
		t.Fatalf("invalid measure: got %d, want 422", res.StatusCode)
	}
	body := html.UnescapeString(res.body)
	for _, want := range []string{
		"Ce champ est obligatoire.",
		"L'avancement est un nombre entier entre 0 et 100.",
		`value="7 bis"`, `value="150"`, "Une description saisie",
		`<option value="done" selected>`,
		fmt.Sprintf(`id="pilots-%d" name="pilots" value="%d" checked`, dgt, dgt),
	} {
		if !strings.Contains(body, want) {
			t.Errorf("invalid measure page lacks %q", want)
		}
	}
	ms, err := p.store.Measures(context.Background(), store.MeasureFilter{PlanID: f.plan})
	if err != nil || len(ms) != 1 {
		t.Fatalf("an invalid measure was saved: %d measures, %v", len(ms), err)
	}

	// The same on an existing measure: nothing is saved.
	res = sec.postForm(fmt.Sprintf("/admin/measures/%d/edit", f.measure), url.Values{"title": {"Nouveau titre"}, "status": {"done"}, "progress": {"-1"}})
	if res.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(res.body, `value="Nouveau titre"`) {
		t.Fatalf("invalid edit: got %d, want 422 keeping the title", res.StatusCode)
	}
	m, err := p.store.Measure(context.Background(), f.measure)
	if err != nil || m.Title != "Former les professionnels" {
		t.Fatalf("measure after an invalid edit: %q, %v", m.Title, err)
	}
}

func TestPlanBackOfficeRefusesToDeleteAxisWithMeasures(t *testing.T) {
	p := newPortal(t, nil)
	f := planFixtures(t, p)
	sec := p.as(roleSecretariat)
	path := fmt.Sprintf("/admin/axes/%d/delete", f.axis)

	if res := sec.get(path); res.StatusCode != http.StatusOK || !strings.Contains(res.body, `data-testid="confirm"`) {
		t.Fatalf("confirmation page: got %d", res.StatusCode)
	}
	res := sec.postForm(path, url.Values{})
	if res.StatusCode != http.StatusSeeOther {
		t.Fatalf("delete axis with measures: got %d, want 303", res.StatusCode)
	}
	if _, err := p.store.Axis(context.Background(), f.axis); err != nil {
		t.Fatalf("the axis with a measure was deleted: %v", err)
	}
	page := html.UnescapeString(sec.get(res.Header.Get("Location")).body)
	if !strings.Contains(page, "n'a pas été supprimé : il comporte encore des mesures") {
		t.Error("no French message says why the axis was kept")
	}

	// An empty axis goes.
	empty, err := p.store.CreateAxis(context.Background(), model.Axis{PlanID: f.plan, Number: 5, Title: "Axe vide"})
	if err != nil {
		t.Fatal(err)
	}
	if res := sec.postForm(fmt.Sprintf("/admin/axes/%d/delete", empty), url.Values{}); res.StatusCode != http.StatusSeeOther {
		t.Fatalf("delete empty axis: got %d", res.StatusCode)
	}
	if _, err := p.store.Axis(context.Background(), empty); err == nil {
		t.Error("the empty axis was not deleted")
	}
}

func TestPlanBackOfficeLinksRecommendationAndOtherPlanMeasure(t *testing.T) {
	p := newPortal(t, nil)
	ctx := context.Background()
	f := planFixtures(t, p)
	sec := p.as(roleSecretariat)

	if res := sec.postForm("/admin/recommendations/new", url.Values{"source": {"GRETA"}, "round": {"3"}, "paragraph": {"40"},
		"theme": {"Indemnisation"}, "text": {"Le GRETA considère que les autorités devraient faciliter l'indemnisation des victimes."},
		"strength": {"considers"}}); res.StatusCode != http.StatusSeeOther {
		t.Fatalf("new recommendation: got %d: %s", res.StatusCode, res.body)
	}
	all, err := p.store.Recommendations(ctx, store.RecommendationFilter{Round: 3})
	if err != nil {
		t.Fatal(err)
	}
	var rec model.Recommendation
	for _, r := range all {
		if r.Paragraph == "40" {
			rec = r
		}
	}
	if rec.ID == 0 || rec.Strength != model.StrengthConsiders || rec.Theme != "Indemnisation" {
		t.Fatalf("recommendation not saved: %+v", all)
	}
	// Editing keeps the links and changes the text.
	if res := sec.postForm(fmt.Sprintf("/admin/recommendations/%d/edit", rec.ID), url.Values{"source": {"GRETA"}, "round": {"3"},
		"paragraph": {"41"}, "text": {rec.Text}, "strength": {"urges"}}); res.StatusCode != http.StatusSeeOther {
		t.Fatalf("edit recommendation: got %d: %s", res.StatusCode, res.body)
	}
	if got, err := p.store.Recommendation(ctx, rec.ID); err != nil || got.Paragraph != "41" || got.Strength != model.StrengthUrges {
		t.Fatalf("recommendation after edit: %+v, %v", got, err)
	}

	links := fmt.Sprintf("/admin/measures/%d/recommendations", f.measure)
	if res := sec.postForm(links, url.Values{"action": {"link"}}); res.StatusCode != http.StatusUnprocessableEntity ||
		!strings.Contains(html.UnescapeString(res.body), "Choisissez dans la liste la recommandation") {
		t.Fatalf("link without a choice: got %d, want 422 with a message", res.StatusCode)
	}
	if res := sec.postForm(links, url.Values{"action": {"link"}, "recommendation": {strconv.FormatInt(rec.ID, 10)}}); res.StatusCode != http.StatusSeeOther {
		t.Fatalf("link recommendation: got %d", res.StatusCode)
	}
	linked, err := p.store.Recommendations(ctx, store.RecommendationFilter{MeasureID: f.measure})
	if err != nil || len(linked) != 2 {
		t.Fatalf("recommendations of the measure: got %d, want 2 (%v)", len(linked), err)
	}
	if res := sec.postForm(links, url.Values{"action": {"unlink"}, "recommendation": {strconv.FormatInt(f.recommendation, 10)}}); res.StatusCode != http.StatusSeeOther {
		t.Fatalf("unlink recommendation: got %d", res.StatusCode)
	}
	linked, err = p.store.Recommendations(ctx, store.RecommendationFilter{MeasureID: f.measure})
	if err != nil || len(linked) != 1 || linked[0].ID != rec.ID {
		t.Fatalf("recommendations after unlink: got %+v, %v", linked, err)
	}

	// A measure of another plan: offered on the page, linked, unlinked.
	third, err := p.store.CreateMeasure(ctx, model.Measure{PlanID: f.otherPlan, Number: "4", Title: "Accompagner les victimes",
		Status: model.MeasureNotStarted})
	if err != nil {
		t.Fatal(err)
	}
	page := sec.get(fmt.Sprintf("/admin/measures/%d/edit", f.measure)).body
	if !strings.Contains(page, `<optgroup label="Autre plan national">`) || !strings.Contains(page, "4. Accompagner les victimes") {
		t.Error("the measure page does not offer the other plan's measures by plan")
	}
	measures := fmt.Sprintf("/admin/measures/%d/links", f.measure)
	if res := sec.postForm(measures, url.Values{"action": {"link"}, "other": {strconv.FormatInt(third, 10)}}); res.StatusCode != http.StatusSeeOther {
		t.Fatalf("link measure: got %d", res.StatusCode)
	}
	related, err := p.store.RelatedMeasures(ctx, f.measure)
	if err != nil || len(related) != 2 {
		t.Fatalf("related measures: got %+v, %v", related, err)
	}
	// A measure of the same plan is refused.
	same, err := p.store.CreateMeasure(ctx, model.Measure{PlanID: f.plan, AxisID: f.axis, Number: "2", Title: "Même plan", Status: model.MeasureNotStarted})
	if err != nil {
		t.Fatal(err)
	}
	if res := sec.postForm(measures, url.Values{"action": {"link"}, "other": {strconv.FormatInt(same, 10)}}); res.StatusCode != http.StatusUnprocessableEntity {
		t.Fatalf("link within the plan: got %d, want 422", res.StatusCode)
	}
	if res := sec.postForm(measures, url.Values{"action": {"unlink"}, "other": {strconv.FormatInt(f.otherMeasure, 10)}}); res.StatusCode != http.StatusSeeOther {
		t.Fatalf("unlink measure: got %d", res.StatusCode)
	}
	related, err = p.store.RelatedMeasures(ctx, f.measure)
	if err != nil || len(related) != 1 || related[0].ID != third {
		t.Fatalf("related measures after unlink: got %+v, %v", related, err)
	}
	entries, _, err := p.store.AuditLog(ctx, store.AuditFilter{ObjectType: "measure"}, 10, store.Cursor{})
	if err != nil || len(entries) == 0 || entries[0].Action != "measure.unlink" {
		t.Fatalf("audit of the links: %+v %v", entries, err)
	}
}

func TestPlanBackOfficeIndicators(t *testing.T) {
	p := newPortal(t, nil)
	ctx := context.Background()
	f := planFixtures(t, p)
	sec := p.as(roleSecretariat)
	base := fmt.Sprintf("/admin/measures/%d/indicators", f.measure)

	if res := sec.postForm(base, url.Values{"target": {"100"}}); res.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(res.body, `value="100"`) {
		t.Fatalf("indicator without a label: got %d, want 422 keeping the target", res.StatusCode)
	}
	if res := sec.postForm(base, url.Values{"label": {"Victimes accompagnées"}, "target": {"1 000"}, "current": {"120"}}); res.StatusCode != http.StatusSeeOther {
		t.Fatalf("add indicator: got %d", res.StatusCode)
	}
	is, err := p.store.Indicators(ctx, f.measure)
	if err != nil || len(is) != 2 || is[1].Current != "120" {
		t.Fatalf("indicators: got %+v, %v", is, err)
	}
	added := is[1].ID
	if res := sec.postForm(fmt.Sprintf("%s/%d/edit", base, added), url.Values{"label": {"Victimes accompagnées"}, "target": {"1 000"}, "current": {"240"}}); res.StatusCode != http.StatusSeeOther {
		t.Fatalf("edit indicator: got %d", res.StatusCode)
	}
	// An indicator is reached through its own measure only.
	if res := sec.get(fmt.Sprintf("/admin/measures/%d/indicators/%d/edit", f.otherMeasure, added)); res.StatusCode != http.StatusNotFound {
		t.Fatalf("indicator under another measure: got %d, want 404", res.StatusCode)
	}
	if res := sec.postForm(fmt.Sprintf("%s/%d/delete", base, f.indicator), url.Values{}); res.StatusCode != http.StatusSeeOther {
		t.Fatalf("delete indicator: got %d", res.StatusCode)
	}
	is, err = p.store.Indicators(ctx, f.measure)
	if err != nil || len(is) != 1 || is[0].ID != added || is[0].Current != "240" {
		t.Fatalf("indicators after edit and delete: got %+v, %v", is, err)
	}
}

func TestPlanBackOfficeRefusesMembers(t *testing.T) {
	p := newPortal(t, nil)
	f := planFixtures(t, p)
	member := p.as(roleAssociation)
	for _, path := range []string{
		"/admin/plans/new",
		fmt.Sprintf("/admin/plans/%d/axes", f.plan),
		fmt.Sprintf("/admin/measures/%d/edit", f.measure),
		fmt.Sprintf("/admin/axes/%d/delete", f.axis),
		fmt.Sprintf("/admin/measures/%d/recommendations", f.measure),
	} {
		res := member.postForm(path, url.Values{"title": {"Plan pirate"}, "number": {"9"}, "action": {"unlink"},
			"recommendation": {strconv.FormatInt(f.recommendation, 10)}})
		if res.StatusCode != http.StatusForbidden {
			t.Errorf("POST %s as a member: got %d, want 403", path, res.StatusCode)
		}
	}
	if res := member.get("/admin/plans"); res.StatusCode != http.StatusForbidden {
		t.Errorf("GET /admin/plans as a member: got %d, want 403", res.StatusCode)
	}
	linked, err := p.store.Recommendations(context.Background(), store.RecommendationFilter{MeasureID: f.measure})
	if err != nil || len(linked) != 1 {
		t.Fatalf("a member's request changed the links: %+v, %v", linked, err)
	}
}

// Two plans of one title are both created, the second under a numbered slug.
func TestHomonymPlansBothCreated(t *testing.T) {
	p := newPortal(t, nil)
	sec := p.as(roleSecretariat)
	for i := range 2 {
		if res := sec.postForm("/admin/plans/new", url.Values{"title": {"Plan homonyme"}}); res.StatusCode != http.StatusSeeOther {
			t.Fatalf("plan %d: got %d", i+1, res.StatusCode)
		}
	}
	if n := countRows(t, p, `SELECT count(DISTINCT slug) FROM plans WHERE title = 'Plan homonyme'`); n != 2 {
		t.Errorf("%d slugs for two homonym plans, want 2", n)
	}
}
