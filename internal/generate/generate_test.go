package generate

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"

	"comite/internal/markdown"
	"comite/internal/pgtest"
	"comite/internal/seed"
	"comite/internal/store"
)

func TestMain(m *testing.M) { pgtest.Main(m) }

// demoDB is a fresh database with the demo committee.
func demoDB(t *testing.T) *pgxpool.Pool {
	t.Helper()
	pool, _ := pgtest.NewPool(t)
	if err := seed.Committee(context.Background(), store.New(pool)); err != nil {
		t.Fatal(err)
	}
	return pool
}

func count(t *testing.T, pool *pgxpool.Pool, sql string, args ...any) int {
	t.Helper()
	var n int
	if err := pool.QueryRow(context.Background(), sql, args...).Scan(&n); err != nil {
		t.Fatalf("%s: %v", sql, err)
	}
	return n
}

func TestGenerate(t *testing.T) {
	ctx := context.Background()
	pool := demoDB(t)
	tables := []string{"accounts", "meetings", "agenda_items", "decisions", "documents", "document_versions",
		"measure_updates", "comments", "comment_versions", "news_articles"}
	before := map[string]int{}
	for _, table := range tables {
		before[table] = count(t, pool, "SELECT count(*) FROM "+table)
	}
	now := time.Date(2026, 11, 28, 10, 0, 0, 0, time.UTC)
	opts := Options{Documents: 200, Comments: 2000, Seed: 7, Now: now}
	res, err := Run(ctx, pool, opts)
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("generated in %s: %+v", res.Took, res.Steps)

	added := func(table string) int { return count(t, pool, "SELECT count(*) FROM "+table) - before[table] }
	want := map[string]int{
		"documents": 200, "comments": 2000, "comment_versions": 2000,
		"accounts": res.Accounts, "meetings": res.Meetings, "agenda_items": res.AgendaItems, "decisions": res.Decisions,
		"document_versions": res.Versions, "measure_updates": res.Updates, "news_articles": res.News,
	}
	for table, n := range want {
		if got := added(table); got != n {
			t.Errorf("%s: %d rows added, want %d", table, got, n)
		}
	}
	if res.Versions < 200 || res.Versions > 400 {
		t.Errorf("versions: %d for 200 documents, want one or two each", res.Versions)
	}
	if res.Meetings < 10 || res.Decisions == 0 || res.Updates == 0 || res.News == 0 || res.Accounts < 20 {
		t.Errorf("too little: %+v", res)
	}
	if n := count(t, pool, "SELECT count(*) FROM accounts WHERE email LIKE '%@'||$1", EmailDomain); n != res.Accounts {
		t.Errorf("accounts in %s: %d, want %d", EmailDomain, n, res.Accounts)
	}
	// Mixes of visibilities and states.
	for _, q := range []string{
		"SELECT count(DISTINCT visibility) FROM documents",
		"SELECT count(DISTINCT state) FROM comments WHERE illustrative",
		"SELECT count(DISTINCT state) FROM measure_updates WHERE illustrative",
		"SELECT count(DISTINCT status) FROM meetings WHERE slug LIKE 'gen-%'",
	} {
		if n := count(t, pool, q); n < 3 {
			t.Errorf("%s: %d, want at least 3", q, n)
		}
	}
	for _, q := range []string{
		"SELECT count(*) FROM comments WHERE illustrative AND withdrawn_at IS NOT NULL",
		"SELECT count(*) FROM comments WHERE illustrative AND hidden_at IS NOT NULL",
		"SELECT count(*) FROM comments WHERE illustrative AND parent_id IS NOT NULL",
		"SELECT count(*) FROM comments WHERE illustrative AND official",
		"SELECT count(*) FROM document_versions WHERE number = 2",
		"SELECT count(*) FROM document_links l JOIN meetings m ON m.id = l.target_id AND l.target_type = 'meeting' WHERE m.slug LIKE 'gen-%'",
		"SELECT count(*) FROM meetings WHERE slug LIKE 'gen-%' AND minutes_text <> '' AND minutes_html <> ''",
	} {
		if n := count(t, pool, q); n == 0 {
			t.Errorf("%s: none", q)
		}
	}
	// Replies answer a published top-level comment of the same measure.
	if n := count(t, pool, `SELECT count(*) FROM comments c JOIN comments p ON p.id = c.parent_id
		WHERE c.illustrative AND (p.parent_id IS NOT NULL OR p.measure_id <> c.measure_id OR p.created_at >= c.created_at)`); n != 0 {
		t.Errorf("%d replies to a reply, to another measure's comment or to a later comment", n)
	}
	// Each thread carries its last activity, its own date or its latest
	// reply's, which pages the threads.
	if n := count(t, pool, `SELECT count(*) FROM comments c WHERE c.parent_id IS NULL AND c.activity_at IS DISTINCT FROM
		greatest(c.created_at, (SELECT max(r.created_at) FROM comments r WHERE r.parent_id = c.id))`); n != 0 {
		t.Errorf("%d threads without their last activity", n)
	}

	// The rare words are where the result says, and nowhere else.
	for _, word := range RareWords {
		docs := res.PlantedIn(word, "documents")
		if docs == 0 || res.PlantedIn(word, "comments") == 0 {
			t.Errorf("%s: planted in %d documents and %d comments, want some of each", word, docs, res.PlantedIn(word, "comments"))
		}
		pattern := "%" + word + "%"
		latest := count(t, pool, `SELECT count(*) FROM document_versions v WHERE v.extracted_text LIKE $1
			AND v.number = (SELECT max(number) FROM document_versions l WHERE l.document_id = v.document_id)`, pattern)
		all := count(t, pool, `SELECT count(*) FROM document_versions WHERE extracted_text LIKE $1`, pattern)
		if latest != docs || all != docs {
			t.Errorf("%s: in the latest version of %d documents (%d versions), want %d", word, latest, all, docs)
		}
		checks := map[string]string{
			"comments":        "SELECT count(*) FROM comments WHERE text_md LIKE $1",
			"decisions":       "SELECT count(*) FROM decisions WHERE text LIKE $1",
			"measure_updates": "SELECT count(*) FROM measure_updates WHERE text LIKE $1",
		}
		for table, q := range checks {
			if got, want := count(t, pool, q, pattern), res.PlantedIn(word, table); got != want {
				t.Errorf("%s in %s: %d rows, want %d", word, table, got, want)
			}
		}
		for _, q := range []string{
			"SELECT count(*) FROM documents WHERE title LIKE $1 OR description LIKE $1",
			"SELECT count(*) FROM meetings WHERE title LIKE $1 OR summary LIKE $1 OR minutes_text LIKE $1",
			"SELECT count(*) FROM agenda_items WHERE title LIKE $1",
			"SELECT count(*) FROM news_articles WHERE title LIKE $1 OR summary LIKE $1 OR body LIKE $1",
		} {
			if n := count(t, pool, q, pattern); n != 0 {
				t.Errorf("%s: %s: %d rows", word, q, n)
			}
		}
	}
	for _, p := range res.Planted {
		if p.Table == "documents" {
			if vis := count(t, pool, "SELECT count(*) FROM documents WHERE id = $1 AND visibility = $2", p.ID, p.Note); vis != 1 {
				t.Errorf("planted document %d is not %s", p.ID, p.Note)
			}
		}
	}
	if n := count(t, pool, "SELECT count(*) FROM documents WHERE visibility = 'public' AND id = ANY($1)", plantedIDs(res, "documents")); n == 0 {
		t.Error("no public document holds a rare word")
	}

	// The comments' HTML is what markdown.Limited makes of their text.
	rows, err := pool.Query(ctx, "SELECT text_md, text_html FROM comments WHERE illustrative ORDER BY id LIMIT 300")
	if err != nil {
		t.Fatal(err)
	}
	for rows.Next() {
		var md, h string
		if err := rows.Scan(&md, &h); err != nil {
			t.Fatal(err)
		}
		if want := markdown.Limited(md); h != want {
			t.Fatalf("comment HTML differs from markdown.Limited:\n%q\n%q", h, want)
		}
	}
	rows.Close()

	// A second run refuses.
	if _, err := Run(ctx, pool, opts); !errors.Is(err, ErrAlreadyGenerated) {
		t.Errorf("second run: got %v, want ErrAlreadyGenerated", err)
	}
	if got := added("comments"); got != 2000 {
		t.Errorf("after the refused run: %d comments added, want 2000", got)
	}

	// The same seed and date give the same rows.
	other := demoDB(t)
	if _, err := Run(ctx, other, opts); err != nil {
		t.Fatal(err)
	}
	for _, q := range []string{
		"SELECT md5(string_agg(text_md || coalesce(parent_id, 0) || state, '|' ORDER BY id)) FROM comments",
		"SELECT md5(string_agg(extracted_text, '|' ORDER BY id)) FROM document_versions",
		"SELECT md5(string_agg(title || visibility || doc_date, '|' ORDER BY id)) FROM documents",
		"SELECT md5(string_agg(minutes_text || status, '|' ORDER BY id)) FROM meetings",
	} {
		var a, b string
		if err := pool.QueryRow(ctx, q).Scan(&a); err != nil {
			t.Fatal(err)
		}
		if err := other.QueryRow(ctx, q).Scan(&b); err != nil {
			t.Fatal(err)
		}
		if a != b {
			t.Errorf("not reproducible: %s", q)
		}
	}
}

func plantedIDs(res Result, table string) []int64 {
	var ids []int64
	for _, p := range res.Planted {
		if p.Table == table {
			ids = append(ids, p.ID)
		}
	}
	return ids
}

func TestNoRareWordInTheWordLists(t *testing.T) {
	lists := [][]string{infinitives, objects, complements, connectors, cities, participles, sources, structures, states,
		givenNames, familyNames, sectionTitles, docSubjects, meetingTitles, places, agendaOpeners, updateOpeners, newsTitles}
	for _, s := range subjects {
		lists = append(lists, []string{s.text})
	}
	for _, v := range verbs {
		lists = append(lists, []string{v.one, v.many})
	}
	for _, l := range lists {
		for _, s := range l {
			for _, w := range RareWords {
				if strings.Contains(strings.ToLower(s), strings.ToLower(w[:6])) {
					t.Errorf("%q starts like the rare word %q", s, w)
				}
			}
		}
	}
}
