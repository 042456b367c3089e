package server

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"mime/multipart"
	"net/http"
	"net/url"
	"os"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"comite/internal/model"
	"comite/web/view"
)

// together sends n requests at the same moment, each from its own
// goroutine, as a double click or a proxy that retries would, and returns
// the answers in the order of i.
func (c *client) together(t *testing.T, n int, request func(i int) *http.Request) []response {
	t.Helper()
	answers := make([]response, n)
	start := make(chan struct{})
	var wg sync.WaitGroup
	for i := range n {
		req := request(i)
		wg.Go(func() {
			<-start
			res, err := c.http.Do(req)
			if err != nil {
				t.Errorf("request %d: %v", i, err)
				return
			}
			defer res.Body.Close()
			b, err := io.ReadAll(res.Body)
			if err != nil {
				t.Errorf("request %d: %v", i, err)
				return
			}
			answers[i] = response{Response: res, body: string(b)}
		})
	}
	close(start)
	wg.Wait()
	if t.Failed() {
		t.FailNow()
	}
	return answers
}

// formRequest builds a same-origin form post, as postForm sends it.
func (c *client) formRequest(t *testing.T, path string, form url.Values) *http.Request {
	t.Helper()
	req, err := http.NewRequest(http.MethodPost, c.p.ts.URL+path, strings.NewReader(form.Encode()))
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("Sec-Fetch-Site", "same-origin")
	req.Header.Set("Origin", c.p.ts.URL)
	return req
}

// uploadRequest builds a same-origin multipart post with one file, as upload sends it.
func (c *client) uploadRequest(t *testing.T, path string, fields map[string]string, filename, content string) *http.Request {
	t.Helper()
	var body bytes.Buffer
	mw := multipart.NewWriter(&body)
	for k, v := range fields {
		if err := mw.WriteField(k, v); err != nil {
			t.Fatal(err)
		}
	}
	fw, err := mw.CreateFormFile("file", filename)
	if err == nil {
		_, err = io.WriteString(fw, content)
	}
	if err == nil {
		err = mw.Close()
	}
	if err != nil {
		t.Fatal(err)
	}
	req, err := http.NewRequest(http.MethodPost, c.p.ts.URL+path, &body)
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Content-Type", mw.FormDataContentType())
	req.Header.Set("Sec-Fetch-Site", "same-origin")
	return req
}

var (
	formPattern          = regexp.MustCompile(`(?s)<form[^>]*>.*?</form>`)
	submissionKeyPattern = regexp.MustCompile(`<input type="hidden" name="submission" value="([^"]+)"`)
)

// submissionKeyOf returns the submission key carried by the page's form
// that posts to action.
func submissionKeyOf(t *testing.T, page, action string) string {
	t.Helper()
	for _, form := range formPattern.FindAllString(page, -1) {
		if !strings.Contains(form, `action="`+action+`"`) {
			continue
		}
		if m := submissionKeyPattern.FindStringSubmatch(form); m != nil {
			return m[1]
		}
	}
	t.Fatalf("no form posting to %s carries a submission key", action)
	return ""
}

// sameRedirect checks that every answer sends the browser to one place.
func sameRedirect(t *testing.T, answers []response) {
	t.Helper()
	for i, res := range answers {
		if res.StatusCode != http.StatusSeeOther {
			t.Fatalf("answer %d: got %d, want 303\n%s", i, res.StatusCode, res.body)
		}
		if got, want := res.Header.Get("Location"), answers[0].Header.Get("Location"); got != want {
			t.Errorf("answer %d redirects to %q, answer 0 to %q", i, got, want)
		}
	}
}

// countRows runs a count(*) query.
func countRows(t *testing.T, p *portal, query string, args ...any) int {
	t.Helper()
	var n int
	if err := p.store.Pool().QueryRow(context.Background(), query, args...).Scan(&n); err != nil {
		t.Fatal(err)
	}
	return n
}

func TestDoubleSubmitCreatesOneComment(t *testing.T) {
	p := newPortal(t, nil)
	f := planFixtures(t, p)
	measure := id("/measures/", f.measure)
	assoc := p.as(roleAssociation)
	key := submissionKeyOf(t, assoc.get(measure).body, measure+"/comments")
	form := url.Values{"text": {"Un commentaire envoyé deux fois."}, "submission": {key}}
	answers := assoc.together(t, 2, func(int) *http.Request { return assoc.formRequest(t, measure+"/comments", form) })
	sameRedirect(t, answers)
	if n := countRows(t, p, `SELECT count(*) FROM comments WHERE text_md = $1`, form.Get("text")); n != 1 {
		t.Fatalf("%d comments stored, want 1", n)
	}
	if !strings.Contains(answers[0].Header.Get("Location"), "#commentaire-") {
		t.Errorf("the answers do not lead to the comment: %q", answers[0].Header.Get("Location"))
	}

	// Keys belong to an account: another member sending the same one posts their own comment.
	union := p.as(roleUnion)
	if res := union.postForm(measure+"/comments", form); res.StatusCode != http.StatusSeeOther || res.Header.Get("Location") == answers[0].Header.Get("Location") {
		t.Fatalf("another account with the same key: got %d to %q", res.StatusCode, res.Header.Get("Location"))
	}
	if n := countRows(t, p, `SELECT count(*) FROM comments WHERE text_md = $1`, form.Get("text")); n != 2 {
		t.Fatalf("%d comments stored, want 2", n)
	}
	if res := union.postForm(measure+"/comments", url.Values{"text": {"Clé forgée"}, "submission": {"clé\x00"}}); res.StatusCode != http.StatusBadRequest {
		t.Errorf("a crafted key: got %d, want 400", res.StatusCode)
	}
}

func TestDoubleSubmitCreatesOneAgendaItem(t *testing.T) {
	p := newPortal(t, nil)
	sec := p.as(roleSecretariat)
	meeting := id("/meetings/", newMeetingAt(t, sec, "Réunion à préparer", p.srv.now().AddDate(0, 1, 0)))
	key := submissionKeyOf(t, sec.get(meeting).body, meeting+"/agenda")
	form := url.Values{"title": {"Point ajouté deux fois"}, "submission": {key}}
	sameRedirect(t, sec.together(t, 2, func(int) *http.Request { return sec.formRequest(t, meeting+"/agenda", form) }))
	if n := countRows(t, p, `SELECT count(*) FROM agenda_items WHERE title = $1`, form.Get("title")); n != 1 {
		t.Fatalf("%d agenda items stored, want 1", n)
	}
}

func TestDoubleSubmitCreatesOneMeeting(t *testing.T) {
	p := newPortal(t, nil)
	sec := p.as(roleSecretariat)
	key := submissionKeyOf(t, sec.get("/meetings/new").body, "/meetings/new")
	form := url.Values{"title": {"Réunion programmée deux fois"}, "date": {"2030-03-21"}, "start": {"14:00"}, "submission": {key}}
	answers := sec.together(t, 2, func(int) *http.Request { return sec.formRequest(t, "/meetings/new", form) })
	sameRedirect(t, answers)
	if n := countRows(t, p, `SELECT count(*) FROM meetings WHERE title = $1`, form.Get("title")); n != 1 {
		t.Fatalf("%d meetings stored, want 1", n)
	}
	if !strings.HasPrefix(answers[0].Header.Get("Location"), "/meetings/") {
		t.Errorf("the answers do not lead to the meeting: %q", answers[0].Header.Get("Location"))
	}
}

func TestDoubleSubmitCreatesOneRemark(t *testing.T) {
	p := newPortal(t, nil)
	sec := p.as(roleSecretariat)
	held := heldMeeting(t, p, sec, p.standFor(t, roleAssociation))
	meeting := id("/meetings/", held)
	if res := sec.postForm(meeting+"/minutes/edit", url.Values{"base": {"0"}, "action": {"save"}, "text": {"Projet de compte rendu."}}); res.StatusCode != http.StatusSeeOther {
		t.Fatalf("save the minutes: got %d", res.StatusCode)
	}
	if res := move(t, sec, held, model.MeetingMinutesDraft, url.Values{}); res.StatusCode != http.StatusSeeOther || meetingStatus(t, p, held) != model.MeetingMinutesDraft {
		t.Fatalf("draft: got %d, status %s", res.StatusCode, meetingStatus(t, p, held))
	}
	attendee := p.as(roleAssociation)
	key := submissionKeyOf(t, attendee.get(meeting).body, meeting+"/remarks")
	form := url.Values{"remark": {"Une remarque envoyée deux fois."}, "submission": {key}}
	sameRedirect(t, attendee.together(t, 2, func(int) *http.Request { return attendee.formRequest(t, meeting+"/remarks", form) }))
	if n := countRows(t, p, `SELECT count(*) FROM minutes_remarks WHERE text = $1`, form.Get("remark")); n != 1 {
		t.Fatalf("%d remarks stored, want 1", n)
	}
}

func TestDoubleSubmitCreatesOneDocument(t *testing.T) {
	p := newPortal(t, nil)
	author := p.as(roleAssociation)
	key := submissionKeyOf(t, author.get("/documents/new").body, "/documents/new")
	fields := map[string]string{"title": "Contribution déposée deux fois", "kind": "contribution", "language": "fr",
		"date": "2024-04-02", "visibility": "members", "submission": key}
	answers := author.together(t, 2, func(int) *http.Request {
		return author.uploadRequest(t, "/documents/new", fields, "contribution.txt", "Texte de la contribution")
	})
	sameRedirect(t, answers)
	if n := countRows(t, p, `SELECT count(*) FROM documents WHERE title = $1`, fields["title"]); n != 1 {
		t.Fatalf("%d documents stored, want 1", n)
	}
	documentIDFrom(t, answers[0])
}

func TestDoubleSubmitCreatesOneMeasureUpdate(t *testing.T) {
	p := newPortal(t, nil)
	f := planFixtures(t, p)
	path := id("/measures/", f.measure) + "/updates/new"
	pilot := p.as(rolePilot)
	key := submissionKeyOf(t, pilot.get(path).body, path)
	fields := map[string]string{"status": "in_progress", "progress": "60", "happened_on": "2026-11-20",
		"text": "Une mise à jour envoyée deux fois.", "evidence_title": "Justificatif envoyé deux fois", "submission": key}
	sameRedirect(t, pilot.together(t, 2, func(int) *http.Request {
		return pilot.uploadRequest(t, path, fields, "bilan.txt", "Bilan des formations")
	}))
	if n := countRows(t, p, `SELECT count(*) FROM measure_updates WHERE text = $1`, fields["text"]); n != 1 {
		t.Fatalf("%d updates stored, want 1", n)
	}
	if n := countRows(t, p, `SELECT count(*) FROM documents WHERE title = $1`, fields["evidence_title"]); n != 1 {
		t.Fatalf("%d evidence documents stored, want 1", n)
	}
}

func TestDoubleSubmitCreatesOneDecision(t *testing.T) {
	p := newPortal(t, nil)
	sec := p.as(roleSecretariat)
	meeting := id("/meetings/", heldMeeting(t, p, sec))
	key := submissionKeyOf(t, sec.get(meeting).body, meeting+"/decisions")
	dgcs, err := p.store.BodyBySlug(context.Background(), "dgcs")
	if err != nil {
		t.Fatal(err)
	}
	form := url.Values{"text": {"Une décision enregistrée deux fois."}, "action_title": {"Une action créée deux fois"},
		"action_body": {strconv.FormatInt(dgcs.ID, 10)}, "submission": {key}}
	sameRedirect(t, sec.together(t, 2, func(int) *http.Request { return sec.formRequest(t, meeting+"/decisions", form) }))
	if n := countRows(t, p, `SELECT count(*) FROM decisions WHERE text = $1`, form.Get("text")); n != 1 {
		t.Fatalf("%d decisions stored, want 1", n)
	}
	if n := countRows(t, p, `SELECT count(*) FROM actions WHERE title = $1`, form.Get("action_title")); n != 1 {
		t.Fatalf("%d actions stored, want 1", n)
	}
}

// registryDuplicates counts what a repeated JO import would duplicate:
// bodies of one name, people of one name in one body, and open seats of
// one person in one role for one body.
func registryDuplicates(t *testing.T, p *portal) (bodies, people, seats int) {
	t.Helper()
	bodies = countRows(t, p, `SELECT count(*) FROM (SELECT 1 FROM bodies GROUP BY lower(name) HAVING count(*) > 1) d`)
	people = countRows(t, p, `SELECT count(*) FROM (SELECT 1 FROM people
		GROUP BY body_id, lower(given_name), lower(family_name) HAVING count(*) > 1) d`)
	seats = countRows(t, p, `SELECT count(*) FROM (SELECT 1 FROM seats WHERE ends_on IS NULL AND person_id IS NOT NULL
		GROUP BY mandate_id, body_id, person_id, role HAVING count(*) > 1) d`)
	return bodies, people, seats
}

// confirmImport previews the sample arrêté on the current mandate and
// returns the import's path, the confirmation form and its submission key.
func confirmImport(t *testing.T, p *portal, sec *client) (string, url.Values) {
	t.Helper()
	m, err := p.store.CurrentMandate(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	text, err := os.ReadFile("../jo/testdata/arrete-2024-comite.txt")
	if err != nil {
		t.Fatal(err)
	}
	path := fmt.Sprintf("/admin/mandates/%d/import", m.ID)
	form := url.Values{"text": {string(text)}, "effective": {"2026-01-05"}, "preview": {"1"}}
	res := sec.postForm(path, form)
	if res.StatusCode != http.StatusOK || !strings.Contains(res.body, `data-testid="confirm-import"`) {
		t.Fatalf("preview: got %d", res.StatusCode)
	}
	form.Del("preview")
	form.Set("confirm", "1")
	form.Set("submission", submissionKeyOf(t, res.body, path))
	return path, form
}

func TestDoubleSubmitAppliesJOImportOnce(t *testing.T) {
	p := newPortal(t, nil)
	sec := p.as(roleSecretariat)
	if b, pe, s := registryDuplicates(t, p); b+pe+s != 0 {
		t.Fatalf("the demo registry already has duplicates: %d bodies, %d people, %d seats", b, pe, s)
	}
	path, form := confirmImport(t, p, sec)
	sameRedirect(t, sec.together(t, 3, func(int) *http.Request { return sec.formRequest(t, path, form) }))
	if n := countRows(t, p, `SELECT count(*) FROM audit_log WHERE action = 'mandate.import'`); n != 1 {
		t.Errorf("the import was applied %d times, want 1", n)
	}
	if b, pe, s := registryDuplicates(t, p); b+pe+s != 0 {
		t.Errorf("three confirmations duplicated %d bodies, %d people, %d seats", b, pe, s)
	}
}

// Confirmations without a key (a page rendered before keys, a script) are
// applied one after the other: the later ones find the work done.
func TestDoubleSubmitJOImportWithoutKeyIsSerialised(t *testing.T) {
	p := newPortal(t, nil)
	sec := p.as(roleSecretariat)
	path, form := confirmImport(t, p, sec)
	form.Del("submission")
	sameRedirect(t, sec.together(t, 3, func(int) *http.Request { return sec.formRequest(t, path, form) }))
	if b, pe, s := registryDuplicates(t, p); b+pe+s != 0 {
		t.Errorf("three confirmations duplicated %d bodies, %d people, %d seats", b, pe, s)
	}
}

func TestRateLimitHoldsForParallelComments(t *testing.T) {
	p := newPortal(t, nil)
	f := planFixtures(t, p)
	measure := id("/measures/", f.measure)
	assoc := p.as(roleAssociation)
	const posts = 15
	answers := assoc.together(t, posts, func(i int) *http.Request {
		return assoc.formRequest(t, measure+"/comments", url.Values{"text": {"Commentaire en rafale " + strconv.Itoa(i)},
			"submission": {"rafale-" + strconv.Itoa(i)}})
	})
	published, refused := 0, 0
	for i, res := range answers {
		switch {
		case res.StatusCode == http.StatusSeeOther:
			published++
		case res.StatusCode == http.StatusTooManyRequests && strings.Contains(res.body, "Patientez quelques minutes avant de publier à nouveau"):
			refused++
		default:
			t.Errorf("post %d: got %d", i, res.StatusCode)
		}
	}
	stored := countRows(t, p, `SELECT count(*) FROM comments WHERE measure_id = $1`, f.measure)
	if stored > model.CommentBurst || stored != published || published+refused != posts {
		t.Errorf("%d parallel posts: %d published, %d refused, %d stored; want at most %d stored", posts, published, refused, stored, model.CommentBurst)
	}
}

// Two agenda items added to one meeting at the same moment from two forms
// (two keys) are both added, one after the other, with distinct positions.
func TestParallelAgendaItemsBothAdded(t *testing.T) {
	p := newPortal(t, nil)
	sec := p.as(roleSecretariat)
	meetingID := newMeetingAt(t, sec, "Réunion préparée à deux", p.srv.now().AddDate(0, 1, 0))
	meeting := id("/meetings/", meetingID)
	const rounds = 5
	for round := range rounds {
		answers := sec.together(t, 2, func(i int) *http.Request {
			return sec.formRequest(t, meeting+"/agenda", url.Values{"title": {fmt.Sprintf("Point %d.%d", round, i)},
				"submission": {fmt.Sprintf("parallele-%d-%d", round, i)}})
		})
		for i, res := range answers {
			if res.StatusCode != http.StatusSeeOther {
				t.Fatalf("round %d, item %d: got %d, want 303\n%s", round, i, res.StatusCode, res.body)
			}
		}
	}
	if n := countRows(t, p, `SELECT count(*) FROM agenda_items WHERE meeting_id = $1`, meetingID); n != 2*rounds {
		t.Fatalf("%d agenda items stored, want %d", n, 2*rounds)
	}
	if n := countRows(t, p, `SELECT count(DISTINCT position) FROM agenda_items WHERE meeting_id = $1 AND position BETWEEN 1 AND $2`,
		meetingID, 2*rounds); n != 2*rounds {
		t.Errorf("positions are not 1 to %d: %d distinct ones in that range", 2*rounds, n)
	}
}

// Two items moved at the same moment are both moved: each move reads its
// neighbour after the other one committed.
func TestParallelAgendaMovesBothApplied(t *testing.T) {
	p := newPortal(t, nil)
	sec := p.as(roleSecretariat)
	meetingID := newMeetingAt(t, sec, "Réunion réordonnée à deux", p.srv.now().AddDate(0, 1, 0))
	meeting := id("/meetings/", meetingID)
	items := map[string]int64{}
	for _, title := range []string{"A", "B", "C", "D"} {
		if res := sec.postForm(meeting+"/agenda", url.Values{"title": {title}}); res.StatusCode != http.StatusSeeOther {
			t.Fatalf("add %s: got %d", title, res.StatusCode)
		}
		var itemID int64
		if err := p.store.Pool().QueryRow(context.Background(), `SELECT id FROM agenda_items WHERE meeting_id = $1 AND title = $2`,
			meetingID, title).Scan(&itemID); err != nil {
			t.Fatal(err)
		}
		items[title] = itemID
	}
	moved := []string{"B", "D"}
	for i, res := range sec.together(t, 2, func(i int) *http.Request {
		return sec.formRequest(t, meeting+id("/agenda/", items[moved[i]])+"/move", url.Values{"direction": {"up"}})
	}) {
		if res.StatusCode != http.StatusSeeOther {
			t.Fatalf("move %s: got %d\n%s", moved[i], res.StatusCode, res.body)
		}
	}
	var order string
	if err := p.store.Pool().QueryRow(context.Background(), `SELECT string_agg(title, '' ORDER BY position) FROM agenda_items
		WHERE meeting_id = $1`, meetingID).Scan(&order); err != nil {
		t.Fatal(err)
	}
	if order != "BADC" {
		t.Errorf("agenda order %s after moving B and D up at once, want BADC", order)
	}
}

// doubleSubmit is a create form sent twice at the same moment: page shows
// the form that posts to action, and count counts what it creates.
type doubleSubmit struct {
	name   string
	as     role
	page   string
	action string
	form   url.Values
	// file, when set, is the content of the file the form uploads.
	file  string
	count string
}

// createsOnce sends tc's form twice at the same moment with the key read
// from the rendered form, and checks that one row is created and that both
// answers lead to the same place.
func createsOnce(t *testing.T, p *portal, tc doubleSubmit) {
	t.Helper()
	c := p.as(tc.as)
	page := c.get(tc.page)
	if page.StatusCode != http.StatusOK {
		t.Fatalf("GET %s: got %d", tc.page, page.StatusCode)
	}
	form := url.Values{view.SubmissionField: {submissionKeyOf(t, page.body, tc.action)}}
	for k, v := range tc.form {
		form[k] = v
	}
	before := countRows(t, p, tc.count)
	sameRedirect(t, c.together(t, 2, func(int) *http.Request {
		if tc.file == "" {
			return c.formRequest(t, tc.action, form)
		}
		fields := map[string]string{}
		for k := range form {
			fields[k] = form.Get(k)
		}
		return c.uploadRequest(t, tc.action, fields, "fichier.txt", tc.file)
	}))
	if n := countRows(t, p, tc.count) - before; n != 1 {
		t.Errorf("%d rows created, want 1 (%s)", n, tc.count)
	}
}

// Every create form carries a one-time key: sent twice at once, it creates
// once and both answers lead to the same page.
func TestDoubleSubmitCreatesOnce(t *testing.T) {
	p := newPortal(t, nil)
	f := loadFixtures(t, p)
	ctx := context.Background()
	rec, err := p.store.CreateRecommendation(ctx, model.Recommendation{Source: "GRETA", Round: 2, Text: "Une recommandation à rattacher.",
		Strength: model.StrengthConsiders})
	if err != nil {
		t.Fatal(err)
	}
	mandate, err := p.store.Mandate(ctx, f.mandate)
	if err != nil {
		t.Fatal(err)
	}
	next, err := p.store.NextMeetingAfter(ctx, p.srv.now())
	if err != nil {
		t.Fatal(err)
	}
	n := strconv.FormatInt
	plan, measure, document, seat := id("/admin/plans/", f.plan), id("/admin/measures/", f.measure), id("/documents/", f.document), id("/admin/seats/", f.seat)
	news := "/news/" + f.news
	today := p.srv.now().In(parisTZ).Format(time.DateOnly)
	audited := func(action string, object int64, detail string) string {
		return fmt.Sprintf(`SELECT count(*) FROM audit_log WHERE action = '%s' AND object_id = %d AND %s`, action, object, detail)
	}
	for _, tc := range []doubleSubmit{
		{name: "news", page: "/news/new", action: "/news/new",
			form:  url.Values{"title": {"Actualité envoyée deux fois"}, "body": {"Texte."}, "visibility": {"public"}, "action": {"save"}},
			count: `SELECT count(*) FROM news_articles WHERE title = 'Actualité envoyée deux fois'`},
		{name: "news link", page: news + "?type=measure&q=", action: news + "/links",
			form:  url.Values{"target": {"measure:" + n(f.measure, 10)}},
			count: fmt.Sprintf(`SELECT count(*) FROM news_links WHERE measure_id = %d`, f.measure)},
		{name: "news attachment", page: news + "?type=document&q=", action: news + "/attachments",
			form: url.Values{"document": {n(f.document, 10)}}, count: audited("document.attach", f.document, `detail->'after'->>'target_type' = 'news'`)},
		{name: "plan", page: "/admin/plans/new", action: "/admin/plans/new", form: url.Values{"title": {"Plan créé deux fois"}},
			count: `SELECT count(*) FROM plans WHERE title = 'Plan créé deux fois'`},
		{name: "axis", page: plan, action: plan + "/axes", form: url.Values{"number": {"7"}, "title": {"Axe ajouté deux fois"}},
			count: `SELECT count(*) FROM axes WHERE title = 'Axe ajouté deux fois'`},
		{name: "measure", page: plan + "/measures/new", action: plan + "/measures/new",
			form:  url.Values{"title": {"Mesure créée deux fois"}, "status": {"not_started"}, "progress": {"0"}},
			count: `SELECT count(*) FROM measures WHERE title = 'Mesure créée deux fois'`},
		{name: "indicator", page: measure + "/edit", action: measure + "/indicators", form: url.Values{"label": {"Indicateur ajouté deux fois"}},
			count: `SELECT count(*) FROM indicators WHERE label = 'Indicateur ajouté deux fois'`},
		{name: "measure recommendation", page: measure + "/edit", action: measure + "/recommendations",
			form: url.Values{"action": {"link"}, "recommendation": {n(rec, 10)}}, count: audited("recommendation.link", rec, "true")},
		{name: "measure link", page: measure + "/edit", action: measure + "/links",
			form:  url.Values{"action": {"link"}, "other": {n(f.spareMeasure, 10)}},
			count: audited("measure.link", f.measure, fmt.Sprintf(`(detail->'after'->>'other_id')::bigint = %d`, f.spareMeasure))},
		{name: "recommendation", page: "/admin/recommendations/new", action: "/admin/recommendations/new",
			form:  url.Values{"source": {"GRETA"}, "round": {"3"}, "text": {"Recommandation enregistrée deux fois."}, "strength": {"urges"}},
			count: `SELECT count(*) FROM recommendations WHERE text = 'Recommandation enregistrée deux fois.'`},
		{name: "campaign", page: id("/plans/", f.plan) + "/campaigns/new", action: id("/plans/", f.plan) + "/campaigns/new",
			form:  url.Values{"title": {"Campagne lancée deux fois"}, "due_on": {p.srv.now().AddDate(0, 1, 0).Format(time.DateOnly)}},
			count: `SELECT count(*) FROM campaigns WHERE title = 'Campagne lancée deux fois'`},
		{name: "consultation window", page: plan + "/consultation", action: plan + "/consultation/windows",
			form:  url.Values{"scope": {"measure:" + n(f.measure, 10)}, "opens": {"2030-01-01"}, "closes": {"2030-02-01"}},
			count: fmt.Sprintf(`SELECT count(*) FROM consultation_windows WHERE measure_id = %d`, f.measure)},
		{name: "comment flag", as: roleUnion, page: id("/comments/", f.comment) + "/flag", action: id("/comments/", f.comment) + "/flag",
			form: url.Values{"reason": {"Signalé deux fois."}}, count: `SELECT count(*) FROM comment_flags WHERE reason = 'Signalé deux fois.'`},
		{name: "document version", page: document, action: document + "/versions", file: "Version envoyée deux fois",
			count: fmt.Sprintf(`SELECT count(*) FROM document_versions WHERE document_id = %d`, f.document)},
		{name: "document link", page: document, action: document + "/links", form: url.Values{"meeting": {n(f.planned, 10)}},
			count: audited("document.attach", f.document, `detail->'after'->>'target_type' = 'meeting'`)},
		{name: "agenda action", page: id("/meetings/", next.ID), action: id("/meetings/", next.ID) + "/agenda/actions",
			form: url.Values{"action": {n(f.action, 10)}}, count: fmt.Sprintf(`SELECT count(*) FROM agenda_items WHERE action_id = %d`, f.action)},
		{name: "survey", page: "/admin/observatory/new", action: "/admin/observatory/new",
			form:  url.Values{"year": {"2031"}, "opens_on": {"2032-07-01"}, "closes_on": {"2032-09-15"}},
			count: `SELECT count(*) FROM surveys WHERE data_year = 2031`},
		{name: "past survey", page: "/admin/observatory/import", action: "/admin/observatory/import",
			form: url.Values{"csv": {"2012;10;;100;"}}, count: `SELECT count(*) FROM audit_log WHERE action = 'survey.import'`},
		{name: "survey return", as: roleAssociation, page: id("/observatory/surveys/", f.survey) + "/return", action: id("/observatory/surveys/", f.survey) + "/return",
			form: validReturn(), count: fmt.Sprintf(`SELECT count(*) FROM survey_return_versions WHERE return_id = %d`, f.ownReturn)},
		{name: "body", page: "/admin/bodies/new", action: "/admin/bodies/new", form: url.Values{"name": {"Organisme créé deux fois"}, "category": {"association"}},
			count: `SELECT count(*) FROM bodies WHERE name = 'Organisme créé deux fois'`},
		{name: "person", page: "/admin/people/new", action: "/admin/people/new", form: url.Values{"family_name": {"Créée-Deux-Fois"}},
			count: `SELECT count(*) FROM people WHERE family_name = 'Créée-Deux-Fois'`},
		{name: "mandate", page: "/admin/mandates/new", action: "/admin/mandates/new",
			form:  url.Values{"label": {"Mandature créée deux fois"}, "starts_on": {"2018-01-01"}, "ends_on": {"2020-12-31"}},
			count: `SELECT count(*) FROM mandates WHERE label = 'Mandature créée deux fois'`},
		{name: "seat", page: id("/admin/mandates/", f.mandate) + "/seats/new", action: id("/admin/mandates/", f.mandate) + "/seats/new",
			form: url.Values{"body": {n(f.body, 10)}, "role": {"suppleant"}, "starts_on": {mandate.StartsOn.Format(time.DateOnly)},
				"new_family_name": {"Siège-Deux-Fois"}},
			count: `SELECT count(*) FROM seats s JOIN people p ON p.id = s.person_id WHERE p.family_name = 'Siège-Deux-Fois'`},
		{name: "invitation", page: seat + "/invite", action: seat + "/invite",
			count: `SELECT count(*) FROM accounts WHERE email = 'titulaire.ccem@test.example'`},
		{name: "contribution", as: roleUnion, page: id("/consultations/", f.drafts.text), action: id("/consultations/", f.drafts.text) + "/contributions",
			form:  url.Values{"anchor": {draftBlocks("Un paragraphe.")[0].Anchor}, "version": {"1"}, "kind": {"comment"}, "text": {"Contribution envoyée deux fois."}},
			count: `SELECT count(*) FROM contributions WHERE text_md = 'Contribution envoyée deux fois.'`},
		{name: "document on a contribution", as: roleAssociation, page: "/documents/new?contribution=" + n(f.drafts.contribution, 10),
			action: "/documents/new?contribution=" + n(f.drafts.contribution, 10), file: "Pièce envoyée deux fois",
			form:  url.Values{"title": {"Pièce envoyée deux fois"}, "kind": {"contribution"}, "language": {"fr"}, "date": {today}, "visibility": {"members"}},
			count: fmt.Sprintf(`SELECT count(*) FROM document_links WHERE target_type = 'contribution' AND target_id = %d`, f.drafts.contribution)},
		{name: "seat replacement", page: seat + "/replace", action: seat + "/replace",
			form: url.Values{"from": {today}, "new_family_name": {"Remplaçante-Deux-Fois"}}, count: fmt.Sprintf(`SELECT count(*) FROM seats WHERE replaces_id = %d`, f.seat)},
	} {
		if tc.as == "" {
			tc.as = roleSecretariat
		}
		t.Run(tc.name, func(t *testing.T) { createsOnce(t, p, tc) })
	}
}
