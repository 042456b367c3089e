package e2e

import (
	"context"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"comite/web/view"
)

// The demo's followed plan, its DGT measure and the DGT pilot's address.
const (
	followedPlan = "Plan national de lutte contre l'exploitation et la traite des êtres humains 2024-2027"
	dgtName      = "Direction générale du travail"
	dgtAcronym   = "DGT"
	dgtMeasure   = "Mesure 5.1 (exemple)"
	pilotEmail   = "pilote@demo.comite.example"
)

var (
	planPathRe    = regexp.MustCompile(`^/plans/\d+$`)
	measurePathRe = regexp.MustCompile(`^/measures/\d+$`)
	documentRe    = regexp.MustCompile(`^/documents/\d+$`)
	coverageRe    = regexp.MustCompile(`^(\d+) sur (\d+) recommandations`)
)

func TestPlanInBrowser(t *testing.T) {
	t.Parallel()
	p := newPortal(t)
	began := time.Now()
	step := func(what string) { t.Logf("%5.1fs %s", time.Since(began).Seconds(), what) }
	public := meetingTab(t)

	step("1. the public reads the plan, its chart and its filters")
	planPath := openFollowedPlan(t, public, p)
	checkSharedColumns(t, public, planPath)
	checkStatusChart(t, public)
	filterByStatus(t, public, p, planPath)
	measure, label := filterByDGT(t, public, p, planPath)

	step("2. the DGT pilot reports on its measure")
	pilot := meetingTab(t)
	signIn(t, pilot, p, "pilote")
	upd := planUpdate{
		Status:   "in_progress",
		Label:    "En cours",
		Progress: 45,
		Day:      time.Now().In(view.Paris),
		Text:     "Deux cents contrôles conjoints menés avec l'OCLTI ; 14 situations d'exploitation domestique repérées et signalées.",
		Evidence: "Bilan des contrôles conjoints du premier semestre",
	}
	reportUpdate(t, pilot, p, measure, upd)

	step("3. another body's member and the public do not see it")
	member := meetingTab(t)
	signIn(t, member, p, "association")
	if got := visit(t, member, p.URL+measure+"/updates/new"); got != 403 {
		t.Errorf("GET %s/updates/new as the CCEM member: status %d, want 403", measure, got)
	}
	if got := textOrNone(t, member, "[data-testid=error-title]"); got != "Accès refusé" {
		t.Errorf("%s/updates/new as the CCEM member: heading %q, want « Accès refusé »", measure, got)
	}
	wantNoPending(t, member, p, measure, upd, "the CCEM member")
	wantNoPending(t, public, p, measure, upd, "the public")

	step("4. the secretariat publishes it")
	sec := meetingTab(t)
	signIn(t, sec, p, "secretariat")
	publishPending(t, sec, p, measure, label, upd)
	checkPublished(t, public, p, measure, upd)
	if m := mailTo(t, sec, p, pilotEmail, "Mise à jour publiée : "+label); !strings.Contains(m.Body, p.URL+measure) {
		t.Errorf("mail « %s » links no %s:\n%s", m.Subject, p.URL+measure, m.Body)
	}

	step("5. the secretariat links an uncovered recommendation")
	linkRecommendation(t, sec, public, p, measure)

	step("6. the matrix of the plans")
	checkMatrix(t, public, p)
	step("done")
}

// isDGT tells whether s names the DGT, by its name or its acronym.
func isDGT(s string) bool { return strings.Contains(s, dgtName) || strings.Contains(s, dgtAcronym) }

// planUpdate is the update the pilot reports.
type planUpdate struct {
	Status, Label string // the status's value and label
	Progress      int
	Day           time.Time
	Text          string
	Evidence      string // the title of the evidence document
}

// openFollowedPlan follows the followed plan from /plans and returns its
// path.
func openFollowedPlan(t *testing.T, ctx context.Context, p *portal) string {
	t.Helper()
	if got := visit(t, ctx, p.URL+"/plans"); got != 200 {
		t.Fatalf("GET /plans: status %d, want 200", got)
	}
	if got := followElement(t, ctx, linkByText("[data-testid=plans]", followedPlan), "link to "+followedPlan); got != 200 {
		t.Fatalf("GET the followed plan: status %d, want 200", got)
	}
	path := location(t, ctx).Path
	if !planPathRe.MatchString(path) {
		t.Fatalf("link to the followed plan: landed on %s, want /plans/{id}", path)
	}
	if got := mustText(t, ctx, "h1"); !strings.HasPrefix(got, followedPlan) {
		t.Errorf("%s heading %q, want %q", path, got, followedPlan)
	}
	return path
}

// checkSharedColumns checks that the measures' tables of the axes line up:
// each column starts and ends at the same place in every table, whatever the
// length of the names in it.
func checkSharedColumns(t *testing.T, ctx context.Context, path string) {
	t.Helper()
	edges := js[[]string](t, ctx, `[...document.querySelectorAll('[data-testid=measures]')].map(table =>
		[...table.tHead.rows[0].cells].map(th => { const r = th.getBoundingClientRect(); return Math.round(r.left) + '-' + Math.round(r.right); }).join(' '))`)
	if len(edges) < 2 {
		t.Fatalf("%s: %d tables of measures, want one per axis (at least 2)", path, len(edges))
	}
	for i, e := range edges[1:] {
		if e != edges[0] {
			t.Errorf("%s: the columns of table %d (%s) do not line up with those of the first (%s)", path, i+2, e, edges[0])
		}
	}
}

// measureRow is a measure listed on a plan page: its label, its path and
// its status.
type measureRow struct {
	Label  string `json:"label"`
	Href   string `json:"href"`
	Status string `json:"status"`
}

// measureRows returns the measures listed on the plan page shown.
func measureRows(t *testing.T, ctx context.Context) []measureRow {
	t.Helper()
	return js[[]measureRow](t, ctx, `[...document.querySelectorAll('[data-testid=measures] tbody tr')].map(tr => {
		const a = tr.cells[0].querySelector('a');
		return {label: a?.textContent.trim() ?? '', href: a?.getAttribute('href') ?? '', status: tr.cells[2].textContent.trim()};
	})`)
}

// statusCounts reads the status table: the count of each status label
// over the axes, and the sum of the Total column.
func statusCounts(t *testing.T, ctx context.Context) (map[string]int, int) {
	t.Helper()
	type table struct {
		Heads []string   `json:"heads"`
		Rows  [][]string `json:"rows"`
	}
	tb := js[table](t, ctx, `(() => {
		const t = document.querySelector('[data-testid=status-table]');
		return t ? {
			heads: [...t.querySelectorAll('thead th')].map(th => th.textContent.trim()),
			rows: [...t.querySelectorAll('tbody tr')].map(tr => [...tr.cells].map(c => c.textContent.trim())),
		} : {heads: [], rows: []};
	})()`)
	if len(tb.Heads) < 3 || len(tb.Rows) == 0 || tb.Heads[len(tb.Heads)-1] != "Total" {
		t.Fatalf("status table: heads %q, %d rows, want Axe, the statuses, Total and a row per axis", tb.Heads, len(tb.Rows))
	}
	counts, total := map[string]int{}, 0
	for _, row := range tb.Rows {
		if len(row) != len(tb.Heads) {
			t.Fatalf("status table row %q has %d cells, want %d", row, len(row), len(tb.Heads))
		}
		sum := 0
		for i := 1; i < len(row)-1; i++ {
			n, err := strconv.Atoi(row[i])
			if err != nil {
				t.Fatalf("status table row %q: cell %q is no number", row, row[i])
			}
			counts[tb.Heads[i]] += n
			sum += n
		}
		n, err := strconv.Atoi(row[len(row)-1])
		if err != nil || n != sum {
			t.Errorf("status table row %q: total %q, want the sum %d of its statuses", row, row[len(row)-1], sum)
		}
		total += n
	}
	return counts, total
}

// checkStatusChart checks the chart of the plan page shown against its
// table and the measures listed.
func checkStatusChart(t *testing.T, ctx context.Context) {
	t.Helper()
	title := js[string](t, ctx, `document.querySelector('[data-testid=status-chart] svg > title')?.textContent.trim() ?? ''`)
	desc := js[string](t, ctx, `document.querySelector('[data-testid=status-chart] svg > desc')?.textContent.trim() ?? ''`)
	if title == "" || desc == "" {
		t.Errorf("status chart: title %q, description %q, want both", title, desc)
	}
	if n := js[int](t, ctx, `document.querySelectorAll('[data-testid=status-chart] svg rect').length`); n == 0 {
		t.Errorf("status chart draws no bar")
	}
	_, total := statusCounts(t, ctx)
	rows := measureRows(t, ctx)
	if total != len(rows) || total == 0 {
		t.Errorf("status table total %d, want the %d measures listed", total, len(rows))
	}
	facts := squeeze(mustText(t, ctx, "dl.facts"))
	if want := "Mesures " + strconv.Itoa(len(rows)); !strings.Contains(facts, want) {
		t.Errorf("plan facts %q, want %q", facts, want)
	}
}

// filterByStatus filters the plan by a status that some measures but not
// all have, and checks that only those are listed.
func filterByStatus(t *testing.T, ctx context.Context, p *portal, planPath string) {
	t.Helper()
	counts, total := statusCounts(t, ctx)
	type option struct {
		Value string `json:"value"`
		Label string `json:"label"`
	}
	opts := js[[]option](t, ctx, `[...document.querySelectorAll('[data-testid=plan-filters] #filtre-statut option')]
		.filter(o => o.value).map(o => ({value: o.value, label: o.textContent.trim()}))`)
	var pick option
	for _, o := range opts {
		if n := counts[o.Label]; n > 0 && n < total {
			pick = o
			break
		}
	}
	if pick.Value == "" {
		t.Fatalf("no status filter option (%v) matches some but not all of the measures (%v)", opts, counts)
	}
	setField(t, ctx, "#filtre-statut", pick.Value)
	if got := followElement(t, ctx, `document.querySelector('[data-testid=plan-filters] button[type=submit]')`, "« Filtrer »"); got != 200 {
		t.Fatalf("filter by status %s: status %d, want 200", pick.Value, got)
	}
	u := location(t, ctx)
	if u.Path != planPath || u.Query().Get("status") != pick.Value {
		t.Errorf("filter by status: landed on %s, want %s?status=%s", u.RequestURI(), planPath, pick.Value)
	}
	if got := selectedLabel(t, ctx, "#filtre-statut"); got != pick.Label {
		t.Errorf("status filter after filtering: selected %q, want %q", got, pick.Label)
	}
	rows := measureRows(t, ctx)
	if len(rows) != counts[pick.Label] {
		t.Errorf("filter « %s »: %d measures listed, want the %d of the status table", pick.Label, len(rows), counts[pick.Label])
	}
	for _, r := range rows {
		if r.Status != pick.Label {
			t.Errorf("filter « %s » lists %q, of status %q", pick.Label, r.Label, r.Status)
		}
	}
	if got, want := textOrNone(t, ctx, "main p[role=status]"), strconv.Itoa(len(rows))+" mesure"; !strings.HasPrefix(got, want) {
		t.Errorf("filter summary %q, want it to start with %q", got, want)
	}
}

// filterByDGT filters the plan by the DGT as pilot, and returns the path and
// the label of the DGT's measure.
func filterByDGT(t *testing.T, ctx context.Context, p *portal, planPath string) (string, string) {
	t.Helper()
	visit(t, ctx, p.URL+planPath)
	value := js[string](t, ctx, `[...document.querySelectorAll('#filtre-pilote option')].find(o => o.textContent.trim() === `+jsString(dgtAcronym)+`)?.value ?? ''`)
	if value == "" {
		t.Fatalf("%s: the pilot filter offers no %s among %q", planPath, dgtName, js[[]string](t, ctx, `[...document.querySelectorAll('#filtre-pilote option')].map(o => o.textContent.trim())`))
	}
	setField(t, ctx, "#filtre-pilote", value)
	if got := followElement(t, ctx, `document.querySelector('[data-testid=plan-filters] button[type=submit]')`, "« Filtrer »"); got != 200 {
		t.Fatalf("filter by pilot: status %d, want 200", got)
	}
	if u := location(t, ctx); u.Query().Get("pilot") != value {
		t.Errorf("filter by pilot: landed on %s, want pilot=%s", u.RequestURI(), value)
	}
	rows := measureRows(t, ctx)
	var found measureRow
	for _, r := range rows {
		if strings.HasPrefix(r.Label, dgtMeasure) {
			found = r
		}
	}
	if found.Href == "" || !measurePathRe.MatchString(found.Href) {
		t.Fatalf("filter by the DGT lists %+v, want %q… linked to /measures/{id}", rows, dgtMeasure)
	}
	pilots := js[[]string](t, ctx, `[...document.querySelectorAll('[data-testid=measures] tbody tr')].map(tr => tr.cells[1].textContent)`)
	for _, pl := range pilots {
		if !isDGT(pl) {
			t.Errorf("filter by the DGT lists a measure piloted by %q", squeeze(pl))
		}
	}
	return found.Href, found.Label
}

// reportUpdate submits the update with its evidence as the pilot, and
// checks that the measure page shows it pending.
func reportUpdate(t *testing.T, pilot context.Context, p *portal, measure string, u planUpdate) {
	t.Helper()
	if got := visit(t, pilot, p.URL+measure); got != 200 {
		t.Fatalf("GET %s as the DGT pilot: status %d, want 200", measure, got)
	}
	if got := textOrNone(t, pilot, "[data-testid=new-update]"); got != "Rendre compte de l'avancement" {
		t.Errorf("%s as the DGT pilot: update button %q, want « Rendre compte de l'avancement »", measure, got)
	}
	if got := followCSS(t, pilot, "[data-testid=new-update]"); got != 200 {
		t.Fatalf("GET %s/updates/new: status %d, want 200", measure, got)
	}
	if got := location(t, pilot).Path; got != measure+"/updates/new" {
		t.Fatalf("« Rendre compte de l'avancement »: landed on %s, want %s/updates/new", got, measure)
	}
	setField(t, pilot, "#champ-status", u.Status)
	setField(t, pilot, "#champ-progress", strconv.Itoa(u.Progress))
	setField(t, pilot, "#champ-happened_on", u.Day.Format(time.DateOnly))
	setField(t, pilot, "#champ-text", u.Text)
	for _, id := range js[[]string](t, pilot, `[...document.querySelectorAll('input[id^=champ-indicator-]')].map(i => i.id)`) {
		setField(t, pilot, "#"+id, "12")
	}
	setField(t, pilot, "#champ-evidence_title", u.Evidence)
	do(t, pilot, chromedp.SetUploadFiles(chromedp.CSS("#champ-file"), []string{absPath(t, samplePDF)}))
	clickCSS(t, pilot, "[data-testid=submit]")
	// upload.js writes the page the server redirected to, the measure's.
	waitLong(t, pilot, `location.pathname === `+jsString(measure)+` && !!document.querySelector('[data-testid=flash]') || !!document.querySelector('[data-testid=error-summary]')`,
		`location.pathname + ': ' + (document.querySelector('main')?.innerText ?? '').slice(0, 300)`)
	if got, want := textOrNone(t, pilot, "[data-testid=flash]"), "Votre mise à jour est transmise au secrétariat. Elle sera publiée après validation."; got != want {
		t.Errorf("flash after the update: got %q, want %q (%s)", got, want, textOrNone(t, pilot, "[data-testid=error-summary]"))
	}

	visit(t, pilot, p.URL+measure)
	pending := squeeze(textOrNone(t, pilot, "[data-testid=timeline] [data-testid=update-pending]"))
	for _, want := range []string{"En attente de validation", u.Text, u.Label + " · " + strconv.Itoa(u.Progress) + " %", view.Date(u.Day), u.Evidence} {
		if !strings.Contains(pending, want) {
			t.Errorf("%s as the pilot: pending update %q, want %q", measure, pending, want)
		}
	}
	if !isDGT(pending) {
		t.Errorf("%s as the pilot: pending update %q does not name the DGT", measure, pending)
	}
	// Pending, the update does not change the measure yet.
	if got := squeeze(mustText(t, pilot, "[data-testid=measure-progress]")); got == strconv.Itoa(u.Progress)+" %" {
		t.Errorf("%s: progress %q before the update is published", measure, got)
	}
}

// wantNoPending checks that who sees neither the pending update nor the
// button to report on the measure.
func wantNoPending(t *testing.T, ctx context.Context, p *portal, measure string, u planUpdate, who string) {
	t.Helper()
	if got := visit(t, ctx, p.URL+measure); got != 200 {
		t.Fatalf("GET %s as %s: status %d, want 200", measure, who, got)
	}
	if js[bool](t, ctx, `!!document.querySelector('[data-testid=update-pending], [data-testid=new-update]')`) {
		t.Errorf("%s as %s shows a pending update or the update button", measure, who)
	}
	if main := textOrNone(t, ctx, "main"); strings.Contains(main, u.Text) || strings.Contains(main, u.Evidence) {
		t.Errorf("%s as %s shows the pending update:\n%s", measure, who, main)
	}
}

// publishPending finds the update on /admin/updates and publishes it from
// the measure page.
func publishPending(t *testing.T, sec context.Context, p *portal, measure, label string, u planUpdate) {
	t.Helper()
	if got := visit(t, sec, p.URL+"/admin/updates"); got != 200 {
		t.Fatalf("GET /admin/updates: status %d, want 200", got)
	}
	row := `[...document.querySelectorAll('[data-testid=pending-updates] tbody tr')].find(tr => tr.cells[0].textContent.trim() === ` + jsString(label) + `)`
	if got := squeeze(js[string](t, sec, `(`+row+`)?.innerText ?? ''`)); !strings.Contains(got, u.Label+", "+strconv.Itoa(u.Progress)+" %") || !isDGT(got) {
		t.Errorf("/admin/updates row for %q: %q, want the DGT's « %s, %d %% »", label, got, u.Label, u.Progress)
	}
	if got := followElement(t, sec, `(`+row+`)?.querySelector('a')`, "pending update of "+label); got != 200 {
		t.Fatalf("GET %s from /admin/updates: status %d, want 200", measure, got)
	}
	if got := location(t, sec).Path; got != measure {
		t.Fatalf("link of /admin/updates: landed on %s, want %s", got, measure)
	}
	item := `[...document.querySelectorAll('[data-testid=update-pending]')].find(li => li.textContent.includes(` + jsString(u.Text) + `))`
	if got := followElement(t, sec, `(`+item+`)?.querySelector('[data-testid=publish-update]')`, "« Valider et publier »"); got != 200 {
		t.Fatalf("publish the update: status %d, want 200", got)
	}
	if got, want := textOrNone(t, sec, "[data-testid=flash]"), "La mise à jour est validée et publiée ; son auteur en est informé."; got != want {
		t.Errorf("flash after publishing: got %q, want %q", got, want)
	}
	if js[bool](t, sec, `!!document.querySelector('[data-testid=update-pending]')`) {
		t.Errorf("%s still shows a pending update once published", measure)
	}
}

// checkPublished checks what the public sees of the published update.
func checkPublished(t *testing.T, public context.Context, p *portal, measure string, u planUpdate) {
	t.Helper()
	visit(t, public, p.URL+measure)
	item := `[...document.querySelectorAll('[data-testid=timeline] [data-testid=update-published]')].find(li => li.textContent.includes(` + jsString(u.Text) + `))`
	got := squeeze(js[string](t, public, `(`+item+`)?.innerText ?? ''`))
	if got == "" {
		t.Fatalf("%s, signed out: the timeline has no published update %q:\n%s", measure, u.Text, textOrNone(t, public, "main"))
	}
	for _, want := range []string{view.Date(u.Day), u.Label + " · " + strconv.Itoa(u.Progress) + " %"} {
		if !strings.Contains(got, want) {
			t.Errorf("published update %q, want %q", got, want)
		}
	}
	if !isDGT(got) {
		t.Errorf("published update %q does not name the DGT", got)
	}
	if strings.Contains(got, "En attente") {
		t.Errorf("published update %q still says it is pending", got)
	}
	type link struct {
		Text string `json:"text"`
		Href string `json:"href"`
	}
	docs := js[[]link](t, public, `[...((`+item+`)?.querySelectorAll('[data-testid=evidence] a') ?? [])].map(a => ({text: a.textContent.trim(), href: a.getAttribute('href')}))`)
	if len(docs) != 1 || docs[0].Text != u.Evidence || !documentRe.MatchString(docs[0].Href) {
		t.Fatalf("evidence of the published update, signed out: %+v, want one link %q to /documents/{id}", docs, u.Evidence)
	}
	if got, want := squeeze(mustText(t, public, "[data-testid=measure-progress]")), strconv.Itoa(u.Progress)+" %"; got != want {
		t.Errorf("%s progress, signed out: %q, want %q", measure, got, want)
	}
	if got := mustText(t, public, "[data-testid=measure-status]"); got != u.Label {
		t.Errorf("%s status, signed out: %q, want %q", measure, got, u.Label)
	}
	if got := followElement(t, public, `(`+item+`)?.querySelector('[data-testid=evidence] a')`, "evidence link"); got != 200 {
		t.Errorf("GET %s, signed out: status %d, want 200 (published evidence is public)", docs[0].Href, got)
	}
	if got := mustText(t, public, "h1"); got != u.Evidence {
		t.Errorf("%s heading, signed out: %q, want %q", docs[0].Href, got, u.Evidence)
	}
}

// coverage reads « X sur Y » on /recommendations.
func coverage(t *testing.T, ctx context.Context, p *portal) (int, int) {
	t.Helper()
	if got := visit(t, ctx, p.URL+"/recommendations"); got != 200 {
		t.Fatalf("GET /recommendations: status %d, want 200", got)
	}
	c := squeeze(mustText(t, ctx, "[data-testid=coverage]"))
	m := coverageRe.FindStringSubmatch(c)
	if m == nil {
		t.Fatalf("/recommendations coverage %q, want « X sur Y recommandations… »", c)
	}
	x, _ := strconv.Atoi(m[1])
	y, _ := strconv.Atoi(m[2])
	return x, y
}

// recommendationCard is a JavaScript expression for the card on
// /recommendations whose text contains text.
func recommendationCard(text string) string {
	return `[...document.querySelectorAll('[data-testid=recommendation]')].find(a => a.textContent.includes(` + jsString(text) + `))`
}

// linkRecommendation links an uncovered recommendation to the measure from
// its back-office page, and checks the coverage as the public sees it.
func linkRecommendation(t *testing.T, sec, public context.Context, p *portal, measure string) {
	t.Helper()
	covered, total := coverage(t, public, p)
	if covered >= total {
		t.Fatalf("/recommendations: %d sur %d covered, want an uncovered one", covered, total)
	}
	// The text of the first uncovered recommendation: the last line of its
	// first paragraph.
	rec := js[string](t, public, `(() => {
		const a = document.querySelector('[data-testid=recommendation].uncovered');
		return a ? a.querySelector('p').innerText.trim().split('\n').pop().trim() : '';
	})()`)
	if len(rec) < 20 {
		t.Fatalf("/recommendations: no uncovered recommendation with a text (%q)", rec)
	}
	excerpt := string([]rune(rec)[:40])

	id := strings.TrimPrefix(measure, "/measures/")
	if got := visit(t, sec, p.URL+"/admin/measures/"+id+"/edit"); got != 200 {
		t.Fatalf("GET /admin/measures/%s/edit: status %d, want 200", id, got)
	}
	value := js[string](t, sec, `[...document.querySelectorAll('#champ-recommendation option')].find(o => o.value && o.textContent.includes(`+jsString(excerpt)+`))?.value ?? ''`)
	if value == "" {
		t.Fatalf("/admin/measures/%s/edit: the recommendation form offers no %q", id, excerpt)
	}
	setField(t, sec, "#champ-recommendation", value)
	if got := followCSS(t, sec, "[data-testid=link-recommendation]"); got != 200 {
		t.Fatalf("link the recommendation: status %d, want 200 (%s)", got, textOrNone(t, sec, "[data-testid=error-summary]"))
	}
	if got := textOrNone(t, sec, "[data-testid=flash]"); !strings.HasPrefix(got, "La mesure est rattachée à la recommandation GRETA") {
		t.Errorf("flash after linking: %q, want « La mesure est rattachée à la recommandation GRETA… »", got)
	}
	if got := textOrNone(t, sec, "[data-testid=linked-recommendations]"); !strings.Contains(got, rec) {
		t.Errorf("linked recommendations %q, want %q", got, rec)
	}

	visit(t, public, p.URL+measure)
	if got := textOrNone(t, public, "[data-testid=measure-recommendations]"); !strings.Contains(got, rec) {
		t.Errorf("%s recommendations, signed out: %q, want %q", measure, got, rec)
	}
	now, total2 := coverage(t, public, p)
	if now != covered+1 || total2 != total {
		t.Errorf("/recommendations coverage after linking: %d sur %d, want %d sur %d", now, total2, covered+1, total)
	}
	card := recommendationCard(rec)
	if js[bool](t, public, `!!(`+card+`)?.classList.contains('uncovered')`) {
		t.Errorf("/recommendations still shows %q as uncovered", excerpt)
	}
	links := js[[]string](t, public, `[...((`+card+`)?.querySelectorAll('li a') ?? [])].map(a => a.getAttribute('href'))`)
	if !slices.Contains(links, measure) {
		t.Errorf("/recommendations: %q lists measures %q, want %s", excerpt, links, measure)
	}
}

// checkMatrix follows a non-zero cell of the matrix to its detail.
func checkMatrix(t *testing.T, public context.Context, p *portal) {
	t.Helper()
	if got := visit(t, public, p.URL+"/plans/matrix"); got != 200 {
		t.Fatalf("GET /plans/matrix: status %d, want 200", got)
	}
	type cell struct {
		Href  string `json:"href"`
		Count string `json:"count"`
		Label string `json:"label"`
	}
	cells := js[[]cell](t, public, `[...document.querySelectorAll('[data-testid=matrix] tbody td a')].map(a => ({
		href: a.getAttribute('href'), count: a.textContent.trim(), label: a.getAttribute('aria-label') ?? ''}))`)
	if len(cells) == 0 {
		t.Fatalf("/plans/matrix has no non-zero cell")
	}
	c := cells[0]
	n, err := strconv.Atoi(c.Count)
	if err != nil || n <= 0 || !strings.HasPrefix(c.Href, "#cellule-") {
		t.Fatalf("/plans/matrix first linked cell %+v, want a positive count linked to #cellule-…", c)
	}
	if !strings.HasPrefix(c.Label, c.Count+" mesure") {
		t.Errorf("matrix cell accessible name %q, want it to start with %q", c.Label, c.Count+" mesure")
	}
	do(t, public, chromedp.Click(chromedp.JSPath(`document.querySelector('[data-testid=matrix] tbody td a')`)))
	waitFor(t, public, `location.hash === `+jsString(c.Href), `location.href`)
	type target struct {
		TestID   string   `json:"testid"`
		Measures []string `json:"measures"`
	}
	got := js[target](t, public, `(() => {
		const s = document.querySelector(':target');
		return {testid: s?.dataset.testid ?? '', measures: [...(s?.querySelectorAll('li a') ?? [])].map(a => a.getAttribute('href'))};
	})()`)
	if got.TestID != "matrix-cell" || len(got.Measures) != n {
		t.Fatalf("matrix link %s targets %+v, want a matrix-cell section listing %d measures", c.Href, got, n)
	}
	for _, m := range got.Measures {
		if !measurePathRe.MatchString(m) {
			t.Errorf("matrix cell %s links %q, want /measures/{id}", c.Href, m)
		}
	}
	if status := followElement(t, public, `document.querySelector(':target li a')`, "first measure of the cell"); status != 200 {
		t.Errorf("GET %s from the matrix: status %d, want 200", got.Measures[0], status)
	}
	if loc := location(t, public).Path; loc != got.Measures[0] {
		t.Errorf("matrix measure link: landed on %s, want %s", loc, got.Measures[0])
	}
}
