package server

import (
	"context"
	"net/http"
	"net/url"
	"os"
	"strconv"
	"strings"
	"testing"

	"comite/internal/access"
	"comite/internal/model"
	"comite/internal/seed"
	"comite/internal/store"
)

// A pilot's update waits for the secretariat: seen by the pilot and the
// secretariat only, then published with its evidence, which becomes public
// with it; the measure takes the update's status and progress.
func TestPilotUpdateIsValidatedBeforePublication(t *testing.T) {
	p := newPortal(t, nil)
	f := planFixtures(t, p)
	path := "/measures/" + strconv.FormatInt(f.measure, 10)
	pdf, err := os.Open("../filetype/testdata/compte-rendu.pdf")
	if err != nil {
		t.Fatal(err)
	}
	defer pdf.Close()
	fields := map[string]string{"status": "in_progress", "progress": "55", "happened_on": "2026-11-20",
		"text": "Formation de 300 enquêteurs à Lyon.", "indicator-" + strconv.FormatInt(f.indicator, 10): "1 200", "evidence_title": "Bilan des formations"}
	if got := p.as(roleAssociation).upload(path+"/updates/new", fields, "bilan.pdf", pdf).StatusCode; got != http.StatusForbidden {
		t.Fatalf("update by a member of another body: got %d, want 403", got)
	}
	if _, err := pdf.Seek(0, 0); err != nil {
		t.Fatal(err)
	}
	pilot := p.as(rolePilot)
	if res := pilot.upload(path+"/updates/new", fields, "bilan.pdf", pdf); res.StatusCode != http.StatusSeeOther {
		t.Fatalf("pilot's update: got %d\n%s", res.StatusCode, res.body)
	}
	public := p.client()
	if strings.Contains(public.get(path).body, "Formation de 300 enquêteurs") {
		t.Fatal("the public sees an update before its validation")
	}
	if !strings.Contains(pilot.get(path).body, "Formation de 300 enquêteurs") {
		t.Fatal("the pilot does not see their pending update")
	}
	m, err := p.store.Measure(context.Background(), f.measure)
	if err != nil || m.Progress != 20 {
		t.Fatalf("a pending update changed the measure: progress %d, %v", m.Progress, err)
	}
	updates, err := p.store.MeasureUpdates(context.Background(), f.measure, true)
	if err != nil {
		t.Fatal(err)
	}
	var pending int64
	for _, u := range updates {
		if strings.HasPrefix(u.Text, "Formation de 300") {
			pending = u.ID
		}
	}
	docs, err := p.store.AttachedDocuments(context.Background(), access.DocumentReader(access.Viewer{AccountID: 1, Role: model.RoleSecretariat}), "measure_update", []int64{pending})
	if err != nil || len(docs[pending]) != 1 || docs[pending][0].Visibility != model.VisibilityMembers {
		t.Fatalf("evidence of the pending update: %+v, %v", docs, err)
	}
	sec := p.as(roleSecretariat)
	review := path + "/updates/" + strconv.FormatInt(pending, 10) + "/review"
	if res := sec.postForm(review, url.Values{"decision": {"return"}}); res.StatusCode != http.StatusSeeOther {
		t.Fatalf("return without a remark: got %d", res.StatusCode)
	}
	if u, _ := p.store.MeasureUpdate(context.Background(), pending); u.State != model.UpdatePending {
		t.Fatalf("returned without a remark: state %s", u.State)
	}
	if res := sec.postForm(review, url.Values{"decision": {"publish"}}); res.StatusCode != http.StatusSeeOther {
		t.Fatalf("publish: got %d", res.StatusCode)
	}
	page := public.get(path).body
	if !strings.Contains(page, "Formation de 300 enquêteurs") || !strings.Contains(page, "Bilan des formations") {
		t.Fatal("the published update or its evidence is missing from the public timeline")
	}
	m, err = p.store.Measure(context.Background(), f.measure)
	if err != nil || m.Progress != 55 {
		t.Fatalf("the measure did not take the update's progress: %d, %v", m.Progress, err)
	}
	indicators, err := p.store.Indicators(context.Background(), f.measure)
	if err != nil || indicators[0].Current != "1 200" {
		t.Fatalf("indicator value: %+v, %v", indicators, err)
	}
	if got := sec.postForm(review, url.Values{"decision": {"publish"}}).Header.Get("Location"); got == "" {
		t.Fatal("a second review of the same update is not turned away")
	}
	mails := calendarMails(t, p, "Mise à jour publiée : ")
	if len(mails) != 1 || mails[0].To != p.emails[rolePilot] {
		t.Fatalf("mails to the author: %+v", mails)
	}
}

// Filters, chart and the other public pages of the plan.
func TestPlanPages(t *testing.T) {
	p := newPortal(t, nil)
	f := planFixtures(t, p)
	public := p.client()
	page := public.get("/plans/" + strconv.FormatInt(f.plan, 10))
	if page.StatusCode != http.StatusOK || !strings.Contains(page.body, "<svg class=\"chart\"") || !strings.Contains(page.body, `data-testid="status-table"`) {
		t.Fatalf("plan page: %d, chart or its table missing", page.StatusCode)
	}
	filtered := public.get("/plans/" + strconv.FormatInt(f.plan, 10) + "?status=done")
	if strings.Contains(filtered.body, "Former les professionnels</a>") || !strings.Contains(filtered.body, "Aucune mesure ne correspond") {
		t.Fatal("the status filter does not filter")
	}
	coverage := func() string {
		t.Helper()
		all, err := p.store.Recommendations(context.Background(), store.RecommendationFilter{})
		if err != nil {
			t.Fatal(err)
		}
		covered := 0
		for _, r := range all {
			if len(r.Measures) > 0 {
				covered++
			}
		}
		return strconv.Itoa(covered) + " sur " + strconv.Itoa(len(all))
	}
	before := coverage()
	if recs := public.get("/recommendations").body; !strings.Contains(recs, before) {
		t.Fatalf("the coverage count is not %s", before)
	}
	if err := p.store.UnlinkRecommendation(context.Background(), f.recommendation, f.measure); err != nil {
		t.Fatal(err)
	}
	after := coverage()
	recs := public.get("/recommendations?uncovered=1").body
	if after == before || !strings.Contains(recs, after) || !strings.Contains(recs, "Le GRETA exhorte les autorités à former les professionnels.") {
		t.Fatalf("an unlinked recommendation does not stand out as not covered (%s, then %s)", before, after)
	}
	matrix := public.get("/plans/matrix?plan=" + strconv.FormatInt(f.plan, 10)).body
	if !strings.Contains(matrix, "Autre plan national") || !strings.Contains(matrix, "Former les professionnels") {
		t.Fatal("the matrix does not show the link between the two plans")
	}
}

// A campaign mails the pilots and shows who has not answered. An answer is
// an update submitted after the campaign opened (linked to it while it
// runs): what was reported before, even the same day, does not answer it.
func TestCampaign(t *testing.T) {
	p := newPortal(t, nil)
	f := planFixtures(t, p)
	sec := p.as(roleSecretariat)
	res := sec.postForm("/plans/"+strconv.FormatInt(f.plan, 10)+"/campaigns/new", url.Values{"title": {"Bilan annuel"}, "due_on": {"2000-01-01"}})
	if res.StatusCode != http.StatusUnprocessableEntity {
		t.Fatalf("campaign due in the past: got %d, want 422", res.StatusCode)
	}
	res = sec.postForm("/plans/"+strconv.FormatInt(f.plan, 10)+"/campaigns/new", url.Values{"title": {"Bilan annuel"}, "due_on": {"2099-01-01"}})
	if res.StatusCode != http.StatusSeeOther {
		t.Fatalf("campaign: got %d", res.StatusCode)
	}
	if mails := calendarMails(t, p, "Campagne de bilan : Bilan annuel"); len(mails) != 1 || mails[0].To != p.emails[rolePilot] {
		t.Fatalf("campaign mails: %+v", mails)
	}
	campaign := res.Header.Get("Location")
	page := sec.get(campaign).body
	if !strings.Contains(page, "<strong>0 sur 1</strong>") {
		t.Fatalf("campaign page: the fixture's update, submitted before the campaign, counts as an answer:\n%s", page)
	}
	fields := map[string]string{"status": "in_progress", "progress": "60", "happened_on": p.srv.now().Format("2006-01-02"),
		"text": "Réponse à la campagne : 400 professionnels formés."}
	if res := p.as(rolePilot).upload("/measures/"+strconv.FormatInt(f.measure, 10)+"/updates/new", fields, "", nil); res.StatusCode != http.StatusSeeOther {
		t.Fatalf("the pilot's answer: got %d\n%s", res.StatusCode, res.body)
	}
	if page := sec.get(campaign).body; !strings.Contains(page, "<strong>1 sur 1</strong>") {
		t.Fatalf("campaign page: the pilot's answer is not counted:\n%s", page)
	}
	var linked int
	if err := p.store.Pool().QueryRow(context.Background(), `SELECT count(*) FROM measure_updates WHERE campaign_id = $1`,
		strings.TrimPrefix(campaign, "/campaigns/")).Scan(&linked); err != nil || linked != 1 {
		t.Fatalf("updates linked to the campaign: %d, %v; want the pilot's answer", linked, err)
	}
}

// The demo's followed plan has updates published when it was loaded: a
// campaign launched the same day starts with no answer, not « 3 sur 3 ».
func TestCampaignOnTheDemoPlanStartsEmpty(t *testing.T) {
	p := newPortal(t, nil)
	plan, err := p.store.PlanBySlug(context.Background(), seed.FollowedPlanSlug)
	if err != nil {
		t.Fatal(err)
	}
	sec := p.as(roleSecretariat)
	res := sec.postForm("/plans/"+strconv.FormatInt(plan.ID, 10)+"/campaigns/new", url.Values{"title": {"Bilan annuel"}, "due_on": {"2099-01-01"}})
	if res.StatusCode != http.StatusSeeOther {
		t.Fatalf("campaign: got %d", res.StatusCode)
	}
	page := sec.get(res.Header.Get("Location")).body
	if !strings.Contains(page, "<strong>0 sur ") || strings.Contains(page, `data-testid="campaign-answered"`) {
		t.Fatalf("a campaign just launched on the demo plan counts answers:\n%s", page)
	}
}
