package server

import (
	"context"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"github.com/jackc/pgx/v5"
)

var unsubscribeLinkRe = regexp.MustCompile(`/unsubscribe/([A-Za-z0-9_-]+)`)

// TestUnsubscribeTokensHashed checks that the database keeps only the
// SHA-256 of the tokens of unsubscribe links (the outbox aside, which holds
// the mail itself), that each mail carries a token of its own, and that an
// older mail's link still unsubscribes after a newer mail was sent.
func TestUnsubscribeTokensHashed(t *testing.T) {
	p := newPortal(t, nil)
	f := planFixtures(t, p)
	measure := id("/measures/", f.measure)
	assoc, union := p.as(roleAssociation), p.as(roleUnion)
	if res := union.postForm(measure+"/follow", url.Values{"follow": {"1"}}); res.StatusCode != http.StatusSeeOther {
		t.Fatalf("follow: got %d", res.StatusCode)
	}
	for i, text := range []string{"Un premier commentaire.", "Un second commentaire."} {
		if res := assoc.postForm(measure+"/comments", url.Values{"text": {text}}); res.StatusCode != http.StatusSeeOther {
			t.Fatalf("comment %d: got %d", i, res.StatusCode)
		}
	}
	var tokens []string
	for _, m := range calendarMails(t, p, "Nouveau commentaire : ") {
		if m.To != p.emails[roleUnion] {
			continue
		}
		link := unsubscribeLinkRe.FindStringSubmatch(m.Text)
		if link == nil {
			t.Fatalf("no unsubscribe link in %q", m.Text)
		}
		tokens = append(tokens, link[1])
	}
	if len(tokens) != 2 || tokens[0] == tokens[1] {
		t.Fatalf("tokens mailed to the union: %q, want two different ones", tokens)
	}
	ctx := context.Background()
	for _, token := range tokens {
		if n := countRows(t, p, `SELECT count(*) FROM unsubscribe_tokens WHERE token_hash = sha256(convert_to($1::text, 'UTF8'))`, token); n != 1 {
			t.Errorf("token %q: %d hashes stored, want 1", token, n)
		}
		rows, err := p.store.Pool().Query(ctx, `SELECT table_name FROM information_schema.tables
			WHERE table_schema = 'public' AND table_type = 'BASE TABLE' AND table_name <> 'outbox'`)
		if err != nil {
			t.Fatal(err)
		}
		tables, err := pgx.CollectRows(rows, pgx.RowTo[string])
		if err != nil {
			t.Fatal(err)
		}
		for _, table := range tables {
			q := `SELECT count(*) FROM ` + pgx.Identifier{table}.Sanitize() + ` t WHERE strpos(t::text, $1) > 0`
			if n := countRows(t, p, q, token); n != 0 {
				t.Errorf("table %s holds the clear token %q", table, token)
			}
		}
	}
	// Either mail's link unsubscribes: the first one is used here.
	anonymous := p.client()
	if res := anonymous.postForm("/unsubscribe/"+tokens[0], url.Values{}); res.StatusCode != http.StatusOK || !strings.Contains(res.body, "Vous ne recevrez plus") {
		t.Fatalf("unsubscribe with the first mail's link: %d", res.StatusCode)
	}
	if n := countRows(t, p, `SELECT count(*) FROM measure_follows f JOIN accounts a ON a.id = f.account_id WHERE a.email = $1 AND f.measure_id = $2`,
		p.emails[roleUnion], f.measure); n != 0 {
		t.Errorf("the union still follows the measure")
	}
	if res := anonymous.get("/unsubscribe/" + tokens[1]); res.StatusCode != http.StatusNotFound {
		t.Errorf("the second link after unsubscribing: got %d, want 404", res.StatusCode)
	}
}
