package server

import (
	"context"
	"fmt"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"comite/internal/model"
	"comite/internal/store"
)

// resultCount reads the number of results the page announces, 0 when it
// says there is none.
func resultCount(t *testing.T, body string) int {
	t.Helper()
	if strings.Contains(body, `data-testid="no-results"`) {
		return 0
	}
	m := regexp.MustCompile(`data-testid="result-count">(\d+) résultat`).FindStringSubmatch(body)
	if m == nil {
		t.Fatalf("no result count on the page:\n%s", body)
	}
	n, _ := strconv.Atoi(m[1])
	return n
}

func searchAs(t *testing.T, c *client, query string, extra ...string) string {
	t.Helper()
	path := "/search?q=" + url.QueryEscape(query)
	for _, e := range extra {
		path += "&" + e
	}
	res := c.get(path)
	if res.StatusCode != 200 {
		t.Fatalf("GET %s: %d", path, res.StatusCode)
	}
	return res.body
}

// searchFixtures plants, with words found nowhere else, one object of each
// kind of restricted visibility.
func searchFixtures(t *testing.T, p *portal) {
	t.Helper()
	ctx := context.Background()
	must := func(id int64, err error) int64 {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
		return id
	}
	p.addDocument(t, "Note zorglub publique", model.VisibilityPublic, model.KindReport, "a.txt", "a")
	p.addDocument(t, "Note zorglub des membres", model.VisibilityMembers, model.KindReport, "b.txt", "b")
	p.addDocument(t, "Note zorglub du secrétariat", model.VisibilitySecretariat, model.KindReport, "c.txt", "c")
	doc := p.addDocument(t, "Rapport annuel", model.VisibilityPublic, model.KindReport, "d.txt", "d")
	versions, err := p.store.Versions(ctx, doc)
	if err != nil {
		t.Fatal(err)
	}
	if err := p.store.SetExtraction(ctx, versions[0].ID, "done",
		"Le rapport décrit le mécanisme national d'identification des victimes et la traite des êtres humains étrangers.", ""); err != nil {
		t.Fatal(err)
	}
	past := p.srv.now().AddDate(0, -2, 0)
	approved := must(p.store.EnsureMeeting(ctx, model.Meeting{Slug: "approuvee", Title: "Réunion plénière", StartsAt: past,
		Status: model.MeetingMinutesDraft}))
	if _, err := p.store.SaveMinutes(ctx, approved, 0, "Le comité examine le quorumite.", "<p>Le comité examine le quorumite.</p>", 0); err != nil {
		t.Fatal(err)
	}
	if err := p.store.SetMeetingStatus(ctx, approved, model.MeetingMinutesDraft, model.MeetingMinutesApproved, "", false); err != nil {
		t.Fatal(err)
	}
	draft := must(p.store.EnsureMeeting(ctx, model.Meeting{Slug: "brouillon", Title: "Réunion de travail", StartsAt: past,
		Status: model.MeetingMinutesDraft}))
	if _, err := p.store.SaveMinutes(ctx, draft, 0, "Le brouillonnage reste interne.", "<p>Le brouillonnage reste interne.</p>", 0); err != nil {
		t.Fatal(err)
	}
}

// Search matches in French whatever the accents, plurals and word ends,
// finds phrases in order, highlights what it found, filters by kind and
// year, and never shows, nor counts, what the viewer may not open.
func TestSearch(t *testing.T) {
	p := newPortal(t, nil)
	f := planFixtures(t, p)
	searchFixtures(t, p)
	ctx := context.Background()
	public, member, sec := p.client(), p.as(roleUnion), p.as(roleSecretariat)

	// French matching.
	for _, q := range []string{"traité", "TRAITE", "etrangers", "victime", "identif", `"mécanisme national"`} {
		if n := resultCount(t, searchAs(t, public, q)); n == 0 {
			t.Errorf("%q finds nothing", q)
		}
	}
	if n := resultCount(t, searchAs(t, public, `"national mécanisme"`)); n != 0 {
		t.Errorf("a phrase in the wrong order finds %d results", n)
	}
	page := searchAs(t, public, "identification")
	if !strings.Contains(page, "<mark>identification</mark>") || !strings.Contains(page, `href="/documents/`) {
		t.Error("the excerpt does not highlight the word, or the result has no link")
	}
	if got := searchAs(t, public, "<script>alert(1)</script>"); strings.Contains(got, "<script>alert") {
		t.Error("the query is echoed unescaped")
	}

	// Rights, counts included.
	rights := []struct {
		query                 string
		public, member, staff int
	}{
		{"zorglub", 1, 2, 3},   // public, members' and secretariat's notes
		{"quorumite", 0, 1, 1}, // approved minutes; public_minutes is not set
		{"brouillonnage", 0, 0, 0},
	}
	for _, r := range rights {
		for _, c := range []struct {
			who  *client
			want int
			name string
		}{{public, r.public, "public"}, {member, r.member, "member"}, {sec, r.staff, "secretariat"}} {
			if got := resultCount(t, searchAs(t, c.who, r.query)); got != c.want {
				t.Errorf("%s searching %q: %d results, want %d", c.name, r.query, got, c.want)
			}
		}
	}
	if page := searchAs(t, public, "zorglub"); strings.Contains(page, "des membres") || strings.Contains(page, "(3)") || strings.Contains(page, "(2)") {
		t.Error("the public page names or counts members' documents")
	}

	// Comments: a hidden one and one waiting for approval.
	assoc := p.as(roleAssociation)
	measure := id("/measures/", f.measure)
	if res := assoc.postForm(measure+"/comments", url.Values{"text": {"Le xylophone des victimes."}}); res.StatusCode != 303 {
		t.Fatal(res.StatusCode)
	}
	hidden := lastComment(t, p, f.measure)
	if n := resultCount(t, searchAs(t, member, "xylophone")); n != 1 {
		t.Fatalf("a published comment: %d results for a member", n)
	}
	if n := resultCount(t, searchAs(t, public, "xylophone")); n != 0 {
		t.Errorf("the public finds a members' comment")
	}
	if err := p.store.HideComment(ctx, hidden.ID, "motif", time.Now()); err != nil {
		t.Fatal(err)
	}
	if err := p.store.SetPlanConsultation(ctx, f.plan, model.Categories, true, true); err != nil {
		t.Fatal(err)
	}
	if res := assoc.postForm(measure+"/comments", url.Values{"text": {"Un vibraphone en attente."}}); res.StatusCode != 303 {
		t.Fatal(res.StatusCode)
	}
	for _, c := range []struct {
		who                   *client
		name                  string
		xylophone, vibraphone int
	}{{public, "public", 0, 0}, {member, "another member", 0, 0}, {assoc, "author", 0, 1}, {sec, "secretariat", 1, 1}} {
		if got := resultCount(t, searchAs(t, c.who, "xylophone")); got != c.xylophone {
			t.Errorf("%s finds the hidden comment %d times, want %d", c.name, got, c.xylophone)
		}
		if got := resultCount(t, searchAs(t, c.who, "vibraphone")); got != c.vibraphone {
			t.Errorf("%s finds the pending comment %d times, want %d", c.name, got, c.vibraphone)
		}
	}

	// Filters and their counts.
	page = searchAs(t, sec, "zorglub", "kind=measure")
	if resultCount(t, page) != 0 || !strings.Contains(page, `data-testid="kind-document"`) {
		t.Error("the kind filter does not filter, or hides the other kinds' counts")
	}
	year := strconv.Itoa(time.Now().Year())
	if n := resultCount(t, searchAs(t, sec, "zorglub", "year="+year)); n != 3 {
		t.Errorf("year filter %s: %d results, want 3", year, n)
	}
	if n := resultCount(t, searchAs(t, sec, "zorglub", "year=1999")); n != 0 {
		t.Errorf("year filter 1999: %d results, want 0", n)
	}
	if page := searchAs(t, public, "aucunmotpareil"); !strings.Contains(page, "Aucun résultat") || !strings.Contains(page, "connexion") {
		t.Error("the empty state does not suggest anything")
	}
}

// Beyond store.SearchCap matches of a part, the counts say "plus de", the
// years come without counts and paging stops at the cap; what the viewer
// may not see is not among what is counted.
func TestSearchCap(t *testing.T) {
	p := newPortal(t, nil)
	f := planFixtures(t, p)
	// The ten newest are hidden by moderation: a member must not count them.
	visible, hidden := store.SearchCap+20, 10
	if _, err := p.store.Pool().Exec(context.Background(), `
		INSERT INTO comments (measure_id, author_id, category, text_md, text_html, created_at, hidden_at, hidden_reason)
		SELECT $1, (SELECT min(id) FROM accounts), 'association',
			CASE WHEN i <= $2::int THEN 'Le gyroscope caché.' ELSE 'Le gyroscope visible.' END, '<p>Le gyroscope.</p>',
			now() - i * interval '1 minute', CASE WHEN i <= $2::int THEN now() END, CASE WHEN i <= $2::int THEN 'motif' ELSE '' END
		FROM generate_series(1, $2::int + $3::int) i`, f.measure, hidden, visible); err != nil {
		t.Fatal(err)
	}
	member, sec := p.as(roleUnion), p.as(roleSecretariat)
	cap := strconv.Itoa(store.SearchCap)

	page := searchAs(t, member, "gyroscope")
	if !strings.Contains(page, `data-testid="result-count">Plus de `+cap+` résultats<`) || !strings.Contains(page, `data-testid="capped-hint"`) {
		t.Errorf("a search beyond the cap does not say « Plus de %s résultats » with its hint", cap)
	}
	if !strings.Contains(page, "(plus de "+cap+")") {
		t.Error("the kind's count does not say « plus de »")
	}
	years := page[strings.Index(page, `data-testid="year-filters"`):]
	years = years[:strings.Index(years, "</ul>")]
	if !strings.Contains(years, `data-testid="year-`+strconv.Itoa(time.Now().Year())+`"`) || strings.Contains(years, `class="count"`) {
		t.Errorf("capped years: want this year's link, without counts:\n%s", years)
	}
	if strings.Contains(page, "caché") {
		t.Error("a member's results show hidden comments")
	}
	last := searchAs(t, member, "gyroscope", "page="+strconv.Itoa(store.SearchCap/searchPageSize))
	if n := strings.Count(last, `data-testid="result"`); n != searchPageSize || strings.Contains(last, `data-testid="next-page"`) {
		t.Errorf("last page within the cap: %d results, next page offered: %v", n, strings.Contains(last, `data-testid="next-page"`))
	}

	// Under the cap, counts stay exact.
	page = searchAs(t, sec, "caché")
	if n := resultCount(t, page); n != hidden || strings.Contains(page, "Plus de") {
		t.Errorf("the secretariat searching the hidden comments: %d results, want exactly %d", n, hidden)
	}
}

// Excerpts are cut from the plain text of markdown (no « ## », « ** » nor
// link tokens), and a measure whose title holds the words comes before one
// that only mentions them.
func TestSearchExcerptsAndTitles(t *testing.T) {
	p := newPortal(t, nil)
	f := planFixtures(t, p)
	ctx := context.Background()
	past := p.srv.now().AddDate(0, -1, 0)
	id, err := p.store.EnsureMeeting(ctx, model.Meeting{Slug: "markdown", Title: "Réunion de suivi", StartsAt: past, Status: model.MeetingMinutesDraft, PublicMinutes: true})
	if err != nil {
		t.Fatal(err)
	}
	text := "## Rencontre avec les partenaires\n\nLes **trois scénarios** de zorglubage [[lien:3]] sont présentés par [la DGT](https://travail.gouv.fr)."
	if _, err := p.store.SaveMinutes(ctx, id, 0, text, "<h2>Rencontre</h2>", 0); err != nil {
		t.Fatal(err)
	}
	if err := p.store.SetMeetingStatus(ctx, id, model.MeetingMinutesDraft, model.MeetingMinutesApproved, "", false); err != nil {
		t.Fatal(err)
	}
	mention, err := p.store.CreateMeasure(ctx, model.Measure{PlanID: f.plan, AxisID: f.axis, Number: "2", Title: "Coordonner les acteurs",
		Description: "Parmi d'autres sujets, la zorglubation.", Status: model.MeasureInProgress})
	if err != nil {
		t.Fatal(err)
	}
	titled, err := p.store.CreateMeasure(ctx, model.Measure{PlanID: f.plan, AxisID: f.axis, Number: "3", Title: "Zorglubation des données",
		Description: "Recueillir des données.", Status: model.MeasureInProgress})
	if err != nil {
		t.Fatal(err)
	}
	member := p.as(roleUnion)

	page := searchAs(t, member, "zorglubage")
	for _, bad := range []string{"## ", "**", "[[lien:", "](https"} {
		if strings.Contains(page, bad) {
			t.Errorf("an excerpt shows the markdown %q:\n%s", bad, page)
		}
	}
	if !strings.Contains(page, "Rencontre avec les partenaires Les trois scénarios de <mark>zorglubage</mark>") && !strings.Contains(page, "trois scénarios de <mark>zorglubage</mark>") {
		t.Errorf("the excerpt is not the plain text of the minutes:\n%s", page)
	}

	page = searchAs(t, member, "zorglubation")
	first, second := strings.Index(page, fmt.Sprintf(`href="/measures/%d"`, titled)), strings.Index(page, fmt.Sprintf(`href="/measures/%d"`, mention))
	if first < 0 || second < 0 || first > second {
		t.Errorf("measure %d (title) at %d, measure %d (mention) at %d: want the title first", titled, first, mention, second)
	}
}
