package server

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"os"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"comite/internal/model"
	"comite/web/view"
)

const draftSource = `# Procédure de test

## Repérage

Premier paragraphe sur le repérage des victimes.

Deuxième paragraphe sur l'orientation.

Troisième paragraphe : la victime est orientée vers une association spécialisée.

## Protection

Quatrième paragraphe sur l'hébergement.

Cinquième paragraphe sur le titre de séjour.

Premier paragraphe sur le repérage des victimes.
`

var draftLocationRe = regexp.MustCompile(`^/consultations/(\d+)$`)

// createDraft has the secretariat publish src for the association and
// union categories, open from today for a month, and returns its id.
func createDraft(t *testing.T, p *portal, src string) int64 {
	t.Helper()
	sec := p.as(roleSecretariat)
	page := sec.get("/consultations/new")
	if page.StatusCode != http.StatusOK {
		t.Fatalf("GET /consultations/new: %d", page.StatusCode)
	}
	today := p.srv.now().In(view.Paris)
	res := sec.upload("/consultations/new", map[string]string{
		view.SubmissionField: submissionKeyOf(t, page.body, "/consultations/new"),
		"title":              "Procédure de test", "opens": today.Format("2006-01-02"),
		"closes": today.AddDate(0, 1, 0).Format("2006-01-02"), "categories": "association,union", "text": src,
	}, "", nil)
	m := draftLocationRe.FindStringSubmatch(res.Header.Get("Location"))
	if res.StatusCode != http.StatusSeeOther || m == nil {
		t.Fatalf("create draft: got %d to %q, want 303 to /consultations/{id}\n%s", res.StatusCode, res.Header.Get("Location"), res.body)
	}
	var id int64
	fmt.Sscan(m[1], &id)
	return id
}

// contribute posts a contribution on the paragraph with anchor, with the
// key of the form the page shows.
func contribute(t *testing.T, c *client, textID int64, anchor, kind, text, wording string) response {
	t.Helper()
	path := fmt.Sprintf("/consultations/%d", textID)
	page := c.get(path)
	form := url.Values{"anchor": {anchor}, "version": {"1"}, "kind": {kind}, "text": {text}, "wording": {wording}}
	if key := submissionKeyPattern.FindStringSubmatch(page.body); key != nil {
		form.Set(view.SubmissionField, key[1])
	}
	return c.postForm(path+"/contributions", form)
}

func contributionIDs(t *testing.T, p *portal, textID int64) []int64 {
	t.Helper()
	rows, err := p.store.Pool().Query(context.Background(), `SELECT id FROM contributions WHERE text_id = $1 ORDER BY id`, textID)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	var ids []int64
	for rows.Next() {
		var id int64
		if err := rows.Scan(&id); err != nil {
			t.Fatal(err)
		}
		ids = append(ids, id)
	}
	return ids
}

// The whole cycle on the server: a text, an amendment and its support, a
// comment, the window closing on a late contribution, the answers, version
// 2 with the amendment merged, anchors kept, comparison and synthesis.
func TestDraftTextCycle(t *testing.T) {
	p := newPortal(t, nil)
	id := createDraft(t, p, draftSource)
	blocks := model.SplitDraft(draftSource)
	var paras []model.TextBlock
	for _, b := range blocks {
		if !b.Heading() {
			paras = append(paras, b)
		}
	}
	if len(paras) != 6 || paras[0].Anchor == paras[5].Anchor || !strings.HasPrefix(paras[5].Anchor, paras[0].Anchor) {
		t.Fatalf("paragraphs %+v: want 6, the repeated one with its own anchor", paras)
	}
	path := fmt.Sprintf("/consultations/%d", id)
	assoc, union, inst := p.as(roleAssociation), p.as(roleUnion), p.as(roleInstitution)

	// A category left out gets no form, and 403 on a crafted post.
	page := inst.get(path)
	if page.StatusCode != http.StatusOK || strings.Contains(page.body, `data-testid="contribution-form-3"`) || !strings.Contains(page.body, `data-testid="draft-left-out"`) {
		t.Errorf("institution member's page: status %d, form shown or no notice", page.StatusCode)
	}
	if res := contribute(t, inst, id, paras[2].Anchor, "comment", "Je ne devrais pas pouvoir.", ""); res.StatusCode != http.StatusForbidden {
		t.Errorf("crafted post by a category left out: got %d, want 403", res.StatusCode)
	}

	// The amendment, sent twice at once: one row.
	page = assoc.get(path)
	if !strings.Contains(page.body, `data-testid="contribution-form-3"`) {
		t.Fatalf("association's page has no form on paragraph 3")
	}
	wording := "Troisième paragraphe : la victime est orientée sans délai vers une association spécialisée de son choix."
	form := url.Values{"anchor": {paras[2].Anchor}, "version": {"1"}, "kind": {"amendment"}, "wording": {wording},
		"text": {"Le choix de la victime doit être respecté."}, view.SubmissionField: {submissionKeyOf(t, page.body, path+"/contributions")}}
	sameRedirect(t, assoc.together(t, 2, func(int) *http.Request { return assoc.formRequest(t, path+"/contributions", form) }))
	ids := contributionIDs(t, p, id)
	if len(ids) != 1 {
		t.Fatalf("double submit: %d contributions, want 1", len(ids))
	}
	amendment := ids[0]

	// The union supports it and comments on paragraph 5.
	if res := union.postForm(fmt.Sprintf("/contributions/%d/support", amendment), url.Values{"support": {"1"}}); res.StatusCode != http.StatusSeeOther {
		t.Errorf("support: got %d", res.StatusCode)
	}
	if res := contribute(t, union, id, paras[4].Anchor, "comment", "Préciser la durée du titre de séjour.", ""); res.StatusCode != http.StatusSeeOther {
		t.Fatalf("comment: got %d\n%s", res.StatusCode, res.body)
	}
	ids = contributionIDs(t, p, id)
	comment := ids[1]
	// Markup typed in a contribution stays text.
	if res := contribute(t, union, id, paras[3].Anchor, "amendment", `<script class="evil">alert(1)</script> justification`,
		`Quatrième paragraphe <script class="evil">alert(2)</script>`); res.StatusCode != http.StatusSeeOther {
		t.Fatalf("amendment with markup: got %d", res.StatusCode)
	}
	if page := assoc.get(path); strings.Contains(page.body, `<script class="evil">`) || !strings.Contains(page.body, "alert(2)") {
		t.Errorf("markup typed in a contribution reached the page as markup, or its text is missing")
	}
	page = assoc.get(path)
	for _, want := range []string{"Soutenu par 1 organisme", "<ins>", "de son choix"} {
		if !strings.Contains(page.body, want) {
			t.Errorf("text page lacks %q", want)
		}
	}

	// The association follows the text since it contributed: the union's
	// comment was mailed to it, with a link and without the text.
	var mails int
	if err := p.store.Pool().QueryRow(context.Background(), `SELECT count(*) FROM outbox WHERE to_addr = $1
		AND subject LIKE 'Nouvelle contribution%' AND body_text NOT LIKE '%durée du titre%'`, p.emails[roleAssociation]).Scan(&mails); err != nil || mails != 2 {
		t.Errorf("mails to the association about the union's comment: %d (%v), want 2 (the comment, the amendment)", mails, err)
	}

	// The window closes: a late contribution is refused, its text kept.
	sec := p.as(roleSecretariat)
	if res := sec.postForm(path+"/close", url.Values{}); res.StatusCode != http.StatusSeeOther {
		t.Fatalf("close: got %d", res.StatusCode)
	}
	late := contribute(t, assoc, id, paras[1].Anchor, "comment", "Un avis arrivé trop tard.", "")
	if late.StatusCode != http.StatusConflict || !strings.Contains(late.body, "Un avis arrivé trop tard.") || !strings.Contains(late.body, "est close") {
		t.Errorf("late contribution: got %d, want 409 with the text handed back", late.StatusCode)
	}

	// Answers, then version 2 from the form the amendment is applied to.
	for cid, verdict := range map[int64]string{amendment: "accepted", comment: "rejected"} {
		res := sec.postForm(fmt.Sprintf("/contributions/%d/answer", cid), url.Values{"verdict": {verdict}, "reason": {"Motif " + verdict}})
		if res.StatusCode != http.StatusSeeOther {
			t.Errorf("answer %d: got %d", cid, res.StatusCode)
		}
	}
	form2 := sec.get(path + "/versions/new")
	if !strings.Contains(form2.body, "de son choix") {
		t.Fatalf("the new version's form does not apply the accepted amendment")
	}
	next := strings.Replace(strings.Replace(draftSource, paras[2].Text, wording, 1), "Deuxième paragraphe sur l'orientation.", "Deuxième paragraphe, réécrit.", 1)
	if res := sec.postForm(path+"/versions/new", url.Values{"text": {next}, "note": {"Amendement intégré."}}); res.StatusCode != http.StatusSeeOther {
		t.Fatalf("new version: got %d\n%s", res.StatusCode, res.body)
	}
	merged, err := p.store.Contribution(context.Background(), amendment)
	if err != nil || merged.MergedIn != 2 {
		t.Errorf("amendment after version 2: merged in %d (%v), want 2", merged.MergedIn, err)
	}

	// Unchanged paragraphs keep their anchors; the comment stays on its
	// paragraph, the amendment is shown on a rewritten one.
	v1, _ := p.store.TextVersion(context.Background(), id, 1)
	v2, err := p.store.TextVersion(context.Background(), id, 2)
	if err != nil {
		t.Fatal(err)
	}
	kept := map[string]bool{}
	for _, b := range v2.Blocks {
		kept[b.Anchor] = true
	}
	for _, b := range v1.Blocks {
		changed := b.Anchor == paras[1].Anchor || b.Anchor == paras[2].Anchor
		if kept[b.Anchor] == changed {
			t.Errorf("anchor %s (%q) kept in version 2: %v", b.Anchor, b.Text, kept[b.Anchor])
		}
	}
	page = assoc.get(path)
	section := regexp.MustCompile(`(?s)<section class="paragraph" id="` + paras[4].Anchor + `".*?</section>`).FindString(page.body)
	if !strings.Contains(section, fmt.Sprintf(`id="contribution-%d"`, comment)) {
		t.Errorf("the comment on paragraph 5 left its paragraph in version 2")
	}
	if !strings.Contains(page.body, `data-testid="rewritten-mark"`) || !strings.Contains(page.body, "Intégré à la version 2") {
		t.Errorf("version 2 does not show the amendment on its rewritten paragraph, merged")
	}
	if cmp := assoc.get(path + "/compare?de=1&a=2"); cmp.StatusCode != http.StatusOK || !strings.Contains(cmp.body, "<mark>") {
		t.Errorf("compare: got %d, or no changed word marked", cmp.StatusCode)
	}

	// The synthesis and its exports list both with their answers.
	syn := assoc.get(path + "/synthesis")
	for _, want := range []string{"Retenu", "Motif accepted", "Non retenu", "Motif rejected", "Préciser la durée"} {
		if !strings.Contains(syn.body, want) {
			t.Errorf("synthesis lacks %q", want)
		}
	}
	csv := assoc.get(path + "/synthesis.csv")
	if csv.StatusCode != http.StatusOK || !strings.Contains(csv.body, "Motif accepted") || !strings.HasPrefix(csv.body, "\ufeffVersion;") {
		t.Errorf("synthesis CSV: %d\n%s", csv.StatusCode, csv.body)
	}
	var doc struct {
		Contributions []struct {
			Kind, Answer string
			MergedIn     int `json:"merged_in_version"`
		}
	}
	js := assoc.get(path + "/synthesis.json")
	if err := json.Unmarshal([]byte(js.body), &doc); err != nil || len(doc.Contributions) != 3 || doc.Contributions[0].MergedIn != 2 {
		t.Errorf("synthesis JSON: %v %+v", err, doc)
	}
	if res := p.as(rolePublic).get(path + "/synthesis"); res.StatusCode != http.StatusSeeOther {
		t.Errorf("synthesis for the public: got %d, want the login redirect", res.StatusCode)
	}
}

// A .docx becomes the first version: headings, numbered paragraphs, and
// what the conversion lost, shown to the secretariat.
func TestDraftTextFromDocx(t *testing.T) {
	p := newPortal(t, nil)
	sec := p.as(roleSecretariat)
	page := sec.get("/consultations/new")
	file, err := os.Open("../docimport/testdata/note-procedure.docx")
	if err != nil {
		t.Fatal(err)
	}
	defer file.Close()
	today := p.srv.now().In(view.Paris)
	res := sec.upload("/consultations/new", map[string]string{
		view.SubmissionField: submissionKeyOf(t, page.body, "/consultations/new"),
		"title":              "", "opens": today.Format("2006-01-02"),
		"closes": today.AddDate(0, 1, 0).Format("2006-01-02"), "categories": "association",
	}, "note-procedure.docx", file)
	m := draftLocationRe.FindStringSubmatch(res.Header.Get("Location"))
	if res.StatusCode != http.StatusSeeOther || m == nil {
		t.Fatalf("import: got %d to %q\n%s", res.StatusCode, res.Header.Get("Location"), res.body)
	}
	text := sec.get(m[0])
	for _, want := range []string{"Procédure d’identification et d’orientation des victimes de la traite", `data-number="3"`,
		"Tout professionnel peut repérer", `data-testid="import-lost"`, "notes de bas de page"} {
		if !strings.Contains(text.body, want) {
			t.Errorf("imported text lacks %q", want)
		}
	}
	// A file that is not a Word or OpenDocument text is refused, the
	// settings kept.
	page = sec.get("/consultations/new")
	bad := sec.upload("/consultations/new", map[string]string{
		view.SubmissionField: submissionKeyOf(t, page.body, "/consultations/new"),
		"title":              "Procédure en PDF", "opens": today.Format("2006-01-02"),
		"closes": today.AddDate(0, 1, 0).Format("2006-01-02"), "categories": "association",
	}, "note.pdf", strings.NewReader("%PDF-1.4\n%%EOF\n"))
	if bad.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(bad.body, "Procédure en PDF") {
		t.Errorf("a PDF: got %d, want 422 with the title kept", bad.StatusCode)
	}
}

// Files with contributions: the author of a contribution or of a comment
// on a measure attaches a document through the library's upload, which
// the page then lists; nobody else may; the secretariat attaches
// documents to the measure itself.
func TestAttachToContributionCommentAndMeasure(t *testing.T) {
	p := newPortal(t, nil)
	f := loadDraftFixtures(t, p)
	plans := planFixtures(t, p)
	comments := commentFixtures(t, p, plans)
	pdf := "%PDF-1.4\n%âãÏÓ\n1 0 obj\n<<>>\nendobj\ntrailer\n<<>>\n%%EOF\n"
	attach := func(c *client, query, title string) response {
		t.Helper()
		page := c.get("/documents/new?" + query)
		if page.StatusCode != http.StatusOK {
			return page
		}
		return c.upload("/documents/new?"+query, map[string]string{
			view.SubmissionField: submissionKeyOf(t, page.body, "/documents/new?"+query), "title": title, "language": "fr",
			"date": "2026-12-01", "visibility": "members", "kind": "contribution"}, "contribution.pdf", strings.NewReader(pdf))
	}
	assoc, union, sec := p.as(roleAssociation), p.as(roleUnion), p.as(roleSecretariat)
	for _, tc := range []struct {
		who        *client
		query, url string
		want       int
	}{
		{union, fmt.Sprintf("contribution=%d", f.contribution), "", http.StatusForbidden},
		{assoc, fmt.Sprintf("contribution=%d", f.contribution), fmt.Sprintf("/consultations/%d", f.text), http.StatusSeeOther},
		{union, fmt.Sprintf("comment=%d", comments.comment), "", http.StatusForbidden},
		{assoc, fmt.Sprintf("comment=%d", comments.comment), fmt.Sprintf("/measures/%d", plans.measure), http.StatusSeeOther},
		{assoc, fmt.Sprintf("measure=%d", plans.measure), "", http.StatusForbidden},
		{sec, fmt.Sprintf("measure=%d", plans.measure), fmt.Sprintf("/measures/%d", plans.measure), http.StatusSeeOther},
	} {
		title := "Pièce " + tc.query
		res := attach(tc.who, tc.query, title)
		if res.StatusCode != tc.want {
			t.Errorf("attach with ?%s: got %d, want %d\n%.2000s", tc.query, res.StatusCode, tc.want, res.body)
			continue
		}
		if tc.url == "" {
			continue
		}
		if page := union.get(tc.url); !strings.Contains(page.body, title) {
			t.Errorf("%s does not list %q to another member", tc.url, title)
		}
	}
}

// Pre-moderation: a contribution waits, seen by its author and the
// secretariat only, on the moderation desk, until approved on its text.
func TestDraftTextPremoderation(t *testing.T) {
	p := newPortal(t, nil)
	ctx := context.Background()
	f := loadDraftFixtures(t, p)
	text, err := p.store.DraftText(ctx, f.text)
	if err != nil {
		t.Fatal(err)
	}
	text.Premoderation = true
	if err := p.store.UpdateDraftText(ctx, text); err != nil {
		t.Fatal(err)
	}
	path := fmt.Sprintf("/consultations/%d", f.text)
	union, assoc, sec := p.as(roleUnion), p.as(roleAssociation), p.as(roleSecretariat)
	const said = "Un avis qui attend la modération."
	res := contribute(t, union, f.text, draftBlocks("Un paragraphe.")[0].Anchor, "comment", said, "")
	if res.StatusCode != http.StatusSeeOther {
		t.Fatalf("post: got %d", res.StatusCode)
	}
	if !strings.Contains(union.get(path).body, said) || strings.Contains(assoc.get(path).body, said) {
		t.Errorf("pending contribution: want it seen by its author only")
	}
	if desk := sec.get("/admin/moderation"); !strings.Contains(desk.body, `data-testid="pending-contributions"`) {
		t.Errorf("the moderation desk does not list the pending contribution")
	}
	ids := contributionIDs(t, p, f.text)
	if res := sec.postForm(fmt.Sprintf("/contributions/%d/moderate", ids[len(ids)-1]), url.Values{"action": {"approve"}}); res.StatusCode != http.StatusSeeOther {
		t.Fatalf("approve: got %d", res.StatusCode)
	}
	if !strings.Contains(assoc.get(path).body, said) {
		t.Errorf("approved contribution not shown to other members")
	}
}

// A text tabled on an agenda item: the meeting page links it and its
// synthesis. Its author edits a contribution for 30 minutes, not later.
func TestDraftTextOnAgendaAndEditWindow(t *testing.T) {
	p := newPortal(t, nil)
	f := loadDraftFixtures(t, p)
	union, err := p.store.AccountByEmail(context.Background(), p.emails[roleUnion])
	if err != nil {
		t.Fatal(err)
	}
	meetings := meetingFixtures(t, p, union.ID, union.BodyID)
	sec, assoc := p.as(roleSecretariat), p.as(roleAssociation)
	path := fmt.Sprintf("/consultations/%d", f.text)
	edit := sec.get(path + "/edit")
	if !strings.Contains(edit.body, fmt.Sprintf(`value="%d"`, meetings.item)) {
		t.Fatalf("the settings do not offer the planned meeting's agenda item")
	}
	today := p.srv.now().In(view.Paris)
	res := sec.postForm(path+"/edit", url.Values{"title": {"Texte présenté en réunion"}, "opens": {today.Format("2006-01-02")},
		"closes": {today.AddDate(0, 0, 10).Format("2006-01-02")}, "categories": {"association", "union"},
		"agenda": {strconv.FormatInt(meetings.item, 10)}})
	if res.StatusCode != http.StatusSeeOther {
		t.Fatalf("settings: got %d\n%s", res.StatusCode, res.body)
	}
	meeting := sec.get(fmt.Sprintf("/meetings/%d", meetings.planned))
	if !strings.Contains(meeting.body, `data-testid="agenda-draft-texts"`) || !strings.Contains(meeting.body, path+"/synthesis") {
		t.Errorf("the meeting page does not link the text tabled on its agenda")
	}

	editPath := fmt.Sprintf("/contributions/%d/edit", f.contribution)
	res = assoc.postForm(editPath, url.Values{"text": {"Un avis précisé."}})
	if res.StatusCode != http.StatusSeeOther {
		t.Errorf("edit within the window: got %d", res.StatusCode)
	}
	later := p.srv.now().Add(31 * time.Minute)
	p.srv.SetClock(func() time.Time { return later })
	if res := assoc.get(editPath); res.StatusCode != http.StatusForbidden {
		t.Errorf("edit after 30 minutes: got %d, want 403", res.StatusCode)
	}
}
