package e2e

import (
	"context"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"
)

var returnPathRe = regexp.MustCompile(`^/observatory/returns/\d+$`)

// ourReturn is the demo association's return typed in the browser: 200
// supported victims in every breakdown.
var ourReturn = map[string]int{"identified": 310, "supported": 200,
	"form_sexual": 40, "form_labour": 140, "form_begging": 10, "form_crime": 8, "form_other": 2,
	"sex_female": 130, "sex_male": 70, "minor": 25, "adult": 175,
	"origin_france": 12, "origin_europe": 40, "origin_africa": 98, "origin_asia": 30, "origin_americas": 14, "origin_other": 6,
	"place_france": 188, "place_abroad": 12, "complaint": 44, "mna": 7}

// TestObservatoryInBrowser is issue 17's journey: the association fills
// its return with a totals mismatch, corrects it and keeps its figures in
// the aggregate; the secretariat is refused them while it sees that the
// association answered; a statistician reads them once shared, and the
// association sees that reading; the campaign closes and the observatory
// shows suppressed cells that its totals do not give away. Every page
// passes axe.
func TestObservatoryInBrowser(t *testing.T) {
	t.Parallel()
	p := newPortal(t)
	began := time.Now()
	step := func(what string) { t.Logf("%5.1fs %s", time.Since(began).Seconds(), what) }

	step("1. the association fills its return, with a mismatch, then corrected")
	assoc := meetingTab(t)
	signInAs(t, assoc, p, "association")
	visit(t, assoc, p.URL+"/observatory")
	followCSS(t, assoc, "[data-testid=returns-link]")
	if got := followCSS(t, assoc, "[data-testid=fill-return]"); got != 200 {
		t.Fatalf("the return form: status %d, want 200", got)
	}
	for key, n := range ourReturn {
		setField(t, assoc, "#champ-"+key, strconv.Itoa(n))
	}
	setField(t, assoc, "#champ-form_sexual", "43")
	setField(t, assoc, "#champ-sharing", "aggregate")
	setField(t, assoc, "#champ-state", "submitted")
	if got := followCSS(t, assoc, "[data-testid=submit]"); got != 422 {
		t.Fatalf("a return with a mismatch: status %d, want 422", got)
	}
	want := "La somme par forme d'exploitation (203) ne correspond pas au nombre de victimes accompagnées (200)."
	if got := mustText(t, assoc, "[data-testid=error-summary]"); !strings.Contains(got, want) {
		t.Fatalf("the error summary says %q, want %q", got, want)
	}
	if got := valueOf(t, assoc, "#champ-complaint"); got != "44" {
		t.Errorf("the form lost what was typed: complaint %q, want 44", got)
	}
	setField(t, assoc, "#champ-form_sexual", "40")
	if got := followCSS(t, assoc, "[data-testid=submit]"); got != 200 {
		t.Fatalf("the corrected return: status %d, want 200", got)
	}
	returnPath := location(t, assoc).Path
	if !returnPathRe.MatchString(returnPath) {
		t.Fatalf("after saving: landed on %s, want the return's page", returnPath)
	}
	if got := mustText(t, assoc, "[data-testid=return-sharing]"); !strings.HasPrefix(got, "Uniquement dans l'agrégat") {
		t.Errorf("sharing: got %q", got)
	}
	if got := mustText(t, assoc, "[data-testid=fed-cells]"); !strings.Contains(got, "Mendicité forcée") {
		t.Errorf("the association does not see that its figures feed the begging cell: %q", got)
	}

	step("2. the secretariat is refused the figures and sees that the association answered")
	sec := meetingTab(t)
	signInAs(t, sec, p, "secretariat")
	if got := visit(t, sec, p.URL+returnPath); got != 403 {
		t.Errorf("the secretariat on the association's figures: status %d, want 403", got)
	}
	visit(t, sec, p.URL+"/admin/observatory")
	surveyPath := js[string](t, sec, `[...document.querySelectorAll('[data-testid=surveys] a')].find(a => a.textContent.includes('2025')).getAttribute('href')`)
	visit(t, sec, p.URL+surveyPath)
	if got := mustText(t, sec, "[data-testid=survey-returns]"); !strings.Contains(got, "Comité contre l'esclavage moderne\tTransmis") {
		t.Errorf("the survey page does not show that the CCEM answered: %q", got)
	}
	if has(t, sec, "[data-testid=figure-supported]") {
		t.Errorf("the survey page shows figures")
	}

	step("3. a statistician reads the figures once shared; the association sees the reading")
	instance, err := p.store.AccountByEmail(context.Background(), p.creds["instance"].Email)
	if err != nil {
		t.Fatal(err)
	}
	visit(t, sec, p.URL+"/admin/observatory")
	setField(t, sec, "#champ-account", strconv.FormatInt(instance.ID, 10))
	followCSS(t, sec, "[data-testid=grant-statistician] button")
	if got := mustText(t, sec, "[data-testid=statisticians]"); !strings.Contains(got, p.names["instance"]) {
		t.Fatalf("the statisticians: %q, want %s", got, p.names["instance"])
	}
	visit(t, assoc, p.URL+returnPath)
	followCSS(t, assoc, "[data-testid=edit-return]")
	setField(t, assoc, "#champ-sharing", "statisticians")
	setField(t, assoc, "#champ-state", "submitted")
	followCSS(t, assoc, "[data-testid=submit]")
	stat := meetingTab(t)
	signInAs(t, stat, p, "instance")
	visit(t, stat, p.URL+"/observatory/returns")
	if got := mustText(t, stat, "[data-testid=shared-returns]"); !strings.Contains(got, "Comité contre l'esclavage moderne") {
		t.Fatalf("the shared returns: %q", got)
	}
	if got := visit(t, stat, p.URL+returnPath); got != 200 {
		t.Fatalf("the statistician on the shared figures: status %d, want 200", got)
	}
	if got := mustText(t, stat, "[data-testid=figure-supported]"); got != "200" {
		t.Errorf("the statistician reads %q supported victims, want 200", got)
	}
	visit(t, assoc, p.URL+returnPath)
	if got := mustText(t, assoc, "[data-testid=readings]"); !strings.Contains(got, p.names["instance"]) || !strings.Contains(got, "Statisticien de l'observatoire") {
		t.Errorf("the association's list of readings: %q", got)
	}

	step("4. the campaign closes; the observatory shows suppressed cells")
	visit(t, sec, p.URL+surveyPath)
	if got := followCSS(t, sec, "[data-testid=close-survey]"); got != 200 {
		t.Fatalf("closing: status %d, want 200", got)
	}
	if got := mustText(t, sec, "[data-testid=flash]"); !strings.Contains(got, "est publié") {
		t.Fatalf("after closing: %q", got)
	}
	public := meetingTab(t)
	visit(t, public, p.URL+"/observatory")
	if got := mustText(t, public, "[data-testid=publication] h2"); got != "Résultats 2025" {
		t.Fatalf("the observatory shows %q, want the 2025 results", got)
	}
	// Each breakdown of the supported victims hides none or at least two
	// of its cells and its total: one alone would be its total minus the
	// others.
	hidden := js[map[string]int](t, public, `(() => {
		const out = {};
		for (const t of document.querySelectorAll('[data-testid=publication] table')) {
			out[t.dataset.testid] = [...t.querySelectorAll('td[data-mark]')].filter(td => td.dataset.mark !== '').length;
		}
		return out;
	})()`)
	total := 0
	if js[string](t, public, `document.querySelector('[data-testid=cell-victims-supported]').dataset.mark`) != "" {
		total = 1
	}
	suppressed := 0
	for _, table := range []string{"table-form", "table-sex", "table-age", "table-origin", "table-place"} {
		suppressed += hidden[table]
		if hidden[table]+total == 1 {
			t.Errorf("%s hides a single cell: it can be recomputed from the total", table)
		}
	}
	if suppressed == 0 {
		t.Errorf("no suppressed cell in the breakdowns: %v", hidden)
	}
	if got := mustText(t, public, "[data-testid=cell-form-form_begging]"); got != "s" && got != "< 5" {
		t.Errorf("the begging cell, fed by two associations, shows %q, want a mark", got)
	}
	if !has(t, public, "[data-testid=trend-chart] svg[role=img] title") {
		t.Errorf("the trend chart has no accessible title")
	}
}
