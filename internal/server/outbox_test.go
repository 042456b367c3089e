package server

import (
	"context"
	"fmt"
	"html"
	"net/http"
	"net/url"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"

	"comite/internal/ical"
	"comite/internal/model"
	"comite/internal/store"
)

var mailedTokenRe = regexp.MustCompile(`/(?:password-reset|invitation|unsubscribe)/([A-Za-z0-9_-]+)`)

// The outbox shows the secretariat what was mailed, but not the links that
// act for their recipient: any secretariat account could otherwise reset
// another account's password, or take up its invitation, from the page.
// The mail itself still carries the whole link.
func TestOutboxMasksTokens(t *testing.T) {
	p := newPortal(t, nil)
	ctx := context.Background()
	sec := p.as(roleSecretariat)

	// A reset of another account, asked by the secretariat itself.
	if res := sec.postForm("/password-reset", url.Values{"email": {p.emails[roleUnion]}}); res.StatusCode != http.StatusSeeOther {
		t.Fatalf("reset request: got %d", res.StatusCode)
	}
	// An invitation to a seated person.
	mandate, err := p.store.CurrentMandate(ctx)
	if err != nil {
		t.Fatal(err)
	}
	seats, err := p.store.SeatsOfMandate(ctx, mandate.ID)
	if err != nil {
		t.Fatal(err)
	}
	for _, st := range seats {
		if st.PersonID != 0 {
			if res := sec.postForm("/admin/seats/"+strconv.FormatInt(st.ID, 10)+"/invite", url.Values{}); res.StatusCode != http.StatusSeeOther {
				t.Fatalf("invitation: got %d", res.StatusCode)
			}
			break
		}
	}
	// A follower's mail, and a calendar mail whose event names a link with
	// a token (long enough to be folded across lines).
	const unsubscribe = "Zm9sbG93LXRva2VuLWZvci10aGUtb3V0Ym94LXRlc3Q"
	if _, err := p.store.QueueMail(ctx, p.emails[roleAssociation], "Nouveau commentaire : mesure 1",
		"Pour ne plus recevoir ces courriels :\n"+p.ts.URL+"/unsubscribe/"+unsubscribe+"\n"); err != nil {
		t.Fatal(err)
	}
	const calendarToken = "Y2FsZW5kYXItdG9rZW4tZm9yLXRoZS1vdXRib3gtdGVzdA"
	cal := string(ical.Calendar{Method: "REQUEST", Events: []ical.Event{{UID: "meeting-1@comite", Start: p.srv.now(), End: p.srv.now(),
		Stamp: p.srv.now(), Summary: "Réunion", Status: "CONFIRMED",
		Description: "Se désabonner : " + p.ts.URL + "/unsubscribe/" + calendarToken}}}.Bytes())
	calendarMail, err := p.store.QueueCalendarMail(ctx, p.emails[roleAssociation], "Convocation : Réunion", "Convocation", cal)
	if err != nil {
		t.Fatal(err)
	}

	var tokens []string
	rows, err := p.store.Pool().Query(ctx, `SELECT body_text || calendar FROM outbox ORDER BY id`)
	if err != nil {
		t.Fatal(err)
	}
	for rows.Next() {
		var text string
		if err := rows.Scan(&text); err != nil {
			t.Fatal(err)
		}
		for _, m := range mailedTokenRe.FindAllStringSubmatch(ical.Unfold(text), -1) {
			tokens = append(tokens, m[1])
		}
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	if len(tokens) != 4 {
		t.Fatalf("tokens mailed: %q, want a reset, an invitation and two unsubscribe tokens", tokens)
	}

	page := sec.get("/admin/outbox")
	if page.StatusCode != http.StatusOK {
		t.Fatalf("outbox: got %d", page.StatusCode)
	}
	ics := sec.get("/admin/outbox/" + strconv.FormatInt(calendarMail, 10) + "/invitation.ics")
	if ics.StatusCode != http.StatusOK {
		t.Fatalf("outbox calendar: got %d", ics.StatusCode)
	}
	for _, tok := range tokens {
		if strings.Contains(page.body, tok) {
			t.Errorf("the outbox page shows the token %s", tok)
		}
		if strings.Contains(ical.Unfold(ics.body), tok) {
			t.Errorf("the outbox's invitation.ics holds the token %s", tok)
		}
	}
	for _, shown := range []string{"/password-reset/" + tokens[0][:4] + "…", "/unsubscribe/" + unsubscribe[:4] + "…"} {
		if !strings.Contains(page.body, shown) {
			t.Errorf("the outbox page does not show the masked link %s", shown)
		}
	}
	parseEvent(t, ics.body)

	// The mail itself carries the whole link, which works.
	if got := p.client().get("/password-reset/" + tokens[0]).StatusCode; got != http.StatusOK {
		t.Fatalf("the mailed reset link: got %d, want 200", got)
	}
}

// TestOutboxKeysetPages follows the outbox's « Page suivante » links: each
// page seeks past the previous one's last mail, and every mail appears
// once, newest first.
func TestOutboxKeysetPages(t *testing.T) {
	p := newPortal(t, nil)
	ctx := context.Background()
	for i := range 2*outboxPageSize + 5 {
		if _, err := p.store.QueueMail(ctx, "pages@test.example", fmt.Sprintf("Courriel de page %02d", i), "texte"); err != nil {
			t.Fatal(err)
		}
	}
	sec := p.as(roleSecretariat)
	next := regexp.MustCompile(`href="(/admin/outbox\?[^"]*)">Page suivante`)
	subject := regexp.MustCompile(`Courriel de page (\d\d)`)
	var seen []string
	path := "/admin/outbox"
	for pages := 0; path != ""; pages++ {
		if pages > 5 {
			t.Fatal("more pages than mails")
		}
		res := sec.get(path)
		if res.StatusCode != http.StatusOK {
			t.Fatalf("GET %s: %d", path, res.StatusCode)
		}
		for _, m := range subject.FindAllStringSubmatch(res.body, -1) {
			seen = append(seen, m[1])
		}
		path = ""
		if m := next.FindStringSubmatch(res.body); m != nil {
			path = html.UnescapeString(m[1])
		}
	}
	if len(seen) != 2*outboxPageSize+5 {
		t.Fatalf("saw %d mails, want %d: %v", len(seen), 2*outboxPageSize+5, seen)
	}
	for i, s := range seen {
		if want := fmt.Sprintf("%02d", 2*outboxPageSize+4-i); s != want {
			t.Fatalf("mail %d is %s, want %s (newest first, each once)", i, s, want)
		}
	}
}

// TestOutboxGroupsAndFilters: a convocation to 62 seats, written by one
// change, is one line with its count that unfolds to its recipients; the
// kind and state filters narrow the list and their « Page suivante » keeps
// them.
func TestOutboxGroupsAndFilters(t *testing.T) {
	p := newPortal(t, nil)
	ctx := context.Background()
	const convocation = "Convocation : Réunion plénière de test – 4 décembre 2026"
	if err := p.store.InTx(ctx, func(tx *store.Store) error {
		for i := range 62 {
			if _, err := tx.QueueMail(ctx, fmt.Sprintf("siege%02d@test.example", i), convocation, "Vous êtes convoqué."); err != nil {
				return err
			}
		}
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	failed, err := p.store.QueueMail(ctx, "refus@test.example", "Réinitialisation de votre mot de passe", "Lien")
	if err != nil {
		t.Fatal(err)
	}
	if err := p.store.MarkMailFailed(ctx, failed, "550 boîte inconnue", p.srv.now(), true); err != nil {
		t.Fatal(err)
	}
	// More comment mails than a page, each its own change.
	for i := range outboxPageSize + 1 {
		if _, err := p.store.QueueMail(ctx, "suivi@test.example", fmt.Sprintf("Nouveau commentaire : mesure %02d", i), "texte"); err != nil {
			t.Fatal(err)
		}
	}
	sec := p.as(roleSecretariat)

	// The convocation sits on the first page after the comments' page.
	var page response
	for path := "/admin/outbox"; ; {
		page = sec.get(path)
		if page.StatusCode != http.StatusOK {
			t.Fatalf("GET %s: %d", path, page.StatusCode)
		}
		if strings.Contains(page.body, convocation) {
			break
		}
		m := regexp.MustCompile(`href="(/admin/outbox\?[^"]*)">Page suivante`).FindStringSubmatch(page.body)
		if m == nil {
			t.Fatal("no page of the outbox shows the convocation")
		}
		path = html.UnescapeString(m[1])
	}
	if n := strings.Count(page.body, "<h2>"+convocation+" — 62 destinataires</h2>"); n != 1 {
		t.Errorf("the convocation's line « %s — 62 destinataires » appears %d times, want once", convocation, n)
	}
	// The line unfolds to its first recipients and leads to the others.
	if n := strings.Count(page.body, "À siege"); n != model.MailGroupShown {
		t.Errorf("the convocation unfolds to %d recipients, want the first %d", n, model.MailGroupShown)
	}
	if !strings.Contains(page.body, "62 en attente") {
		t.Error("the convocation's line does not count its 62 mails waiting")
	}
	link := regexp.MustCompile(`href="(/admin/outbox/groups/\d+)" data-testid="mail-group-link">Tous les destinataires \(62\)`).FindStringSubmatch(page.body)
	if link == nil {
		t.Fatal("the convocation's line has no link « Tous les destinataires (62) »")
	}
	// Its own page: 62 recipients, a page of 50 then one of 12, numbered
	// on, each once.
	var seen []string
	for path, pageNo := link[1], 1; ; pageNo++ {
		res := sec.get(path)
		if res.StatusCode != http.StatusOK {
			t.Fatalf("GET %s: %d", path, res.StatusCode)
		}
		if !strings.Contains(res.body, "62 destinataires") || !strings.Contains(res.body, "62 en attente") {
			t.Errorf("%s does not count the group's 62 mails", path)
		}
		if want := fmt.Sprintf(`<ol start="%d">`, len(seen)+1); !strings.Contains(res.body, want) {
			t.Errorf("%s: no %s", path, want)
		}
		for _, m := range regexp.MustCompile(`À (siege\d+)@`).FindAllStringSubmatch(res.body, -1) {
			seen = append(seen, m[1])
		}
		next := regexp.MustCompile(`href="(/admin/outbox/groups/[^"]*)">Page suivante`).FindStringSubmatch(res.body)
		if next == nil {
			break
		}
		if pageNo > 2 {
			t.Fatal("more than two pages for 62 mails")
		}
		path = html.UnescapeString(next[1])
	}
	if len(seen) != 62 || seen[0] != "siege00" || seen[61] != "siege61" || len(slices.Compact(slices.Clone(seen))) != 62 {
		t.Errorf("the group's pages list %d recipients %v, want siege00 … siege61 each once", len(seen), seen)
	}
	if res := sec.get(link[1] + "?apres=x"); res.StatusCode != http.StatusBadRequest {
		t.Errorf("a group page after « x »: %d, want 400", res.StatusCode)
	}
	if res := sec.get("/admin/outbox/groups/999999999"); res.StatusCode != http.StatusNotFound {
		t.Errorf("the group of no mail: %d, want 404", res.StatusCode)
	}

	// A state: only the failed mail.
	failedPage := sec.get("/admin/outbox?etat=" + model.MailFailed)
	if failedPage.StatusCode != http.StatusOK {
		t.Fatalf("filter by state: %d", failedPage.StatusCode)
	}
	if !strings.Contains(failedPage.body, "refus@test.example") || strings.Contains(failedPage.body, convocation) ||
		strings.Contains(failedPage.body, "Nouveau commentaire") {
		t.Error("the « en échec » filter does not show only the failed mail")
	}
	if !strings.Contains(failedPage.body, `<option value="`+model.MailFailed+`" selected`) {
		t.Error("the state filter does not keep its choice")
	}

	// A kind: the comments, over two pages; the next page keeps the filter.
	comments := sec.get("/admin/outbox?type=commentaire")
	if comments.StatusCode != http.StatusOK {
		t.Fatalf("filter by kind: %d", comments.StatusCode)
	}
	if strings.Contains(comments.body, convocation) || strings.Contains(comments.body, "refus@test.example") {
		t.Error("the comments filter shows other mails")
	}
	m := regexp.MustCompile(`href="(/admin/outbox\?[^"]*)">Page suivante`).FindStringSubmatch(comments.body)
	if m == nil || !strings.Contains(html.UnescapeString(m[1]), "type=commentaire") {
		t.Fatalf("the comments' next page link %v does not keep the filter", m)
	}
	second := sec.get(html.UnescapeString(m[1]))
	if second.StatusCode != http.StatusOK || !strings.Contains(second.body, "Nouveau commentaire : mesure 00") ||
		strings.Contains(second.body, convocation) || strings.Contains(second.body, "Nouveau commentaire : mesure 01") {
		t.Errorf("the comments' second page: %d, want the oldest comment mail only", second.StatusCode)
	}

	// A kind that is not one: the form says so.
	if res := sec.get("/admin/outbox?type=inconnu"); res.StatusCode != http.StatusUnprocessableEntity ||
		!strings.Contains(res.body, "Faites un choix dans la liste.") {
		t.Errorf("unknown kind: got %d, want 422 with the form's message", res.StatusCode)
	}
}
