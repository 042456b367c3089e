package server

import (
	"context"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strconv"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"

	"comite/internal/config"
	"comite/internal/markdown"
	"comite/internal/model"
	"comite/internal/store"
	"comite/web/view"
)

// watchCache starts srv's listener and returns the tables of the changes
// after which its cache was ready again, once it first is.
func watchCache(t *testing.T, srv *Server) <-chan string {
	t.Helper()
	events := make(chan string, 256)
	srv.cacheReady = func(table string) {
		select {
		case events <- table:
		default:
		}
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() {
		defer close(done)
		srv.WatchPublicChanges(ctx)
	}()
	t.Cleanup(func() {
		cancel()
		<-done
	})
	waitCacheReady(t, events, "")
	return events
}

// waitCacheReady waits until the cache is ready again after a change to
// table ("" also matches the start), skipping the changes to other tables.
func waitCacheReady(t *testing.T, events <-chan string, table string) {
	t.Helper()
	timeout := time.After(10 * time.Second)
	for {
		select {
		case got := <-events:
			if got == table {
				return
			}
		case <-timeout:
			t.Fatalf("the cache was not ready again after a change to %q within 10 s", table)
		}
	}
}

// secondInstance is another server on p's database, as a second instance
// behind the same load balancer would be: its own pool, cache and listener.
func secondInstance(t *testing.T, p *portal) (*Server, string) {
	t.Helper()
	pool, err := pgxpool.NewWithConfig(context.Background(), p.store.Pool().Config())
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(pool.Close)
	cfg, err := config.Load(func(k string) string {
		if k == "COMITE_BASE_URL" {
			return p.ts.URL
		}
		return ""
	})
	if err != nil {
		t.Fatal(err)
	}
	srv := New(cfg, slog.New(slog.NewTextHandler(io.Discard, nil)), store.New(pool))
	ts := httptest.NewServer(srv.Handler())
	t.Cleanup(ts.Close)
	return srv, ts.URL
}

// anonymousGet fetches url without cookies; Go's client asks for gzip and
// decompresses.
func anonymousGet(t *testing.T, url string) (*http.Response, string) {
	t.Helper()
	res, err := http.Get(url)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	b, err := io.ReadAll(res.Body)
	if err != nil {
		t.Fatal(err)
	}
	return res, string(b)
}

// TestPageCache checks the cache of signed-out pages on two instances of
// one database: a change made through one is served by the other as soon
// as its notification arrives, a rolled-back write empties nothing, an
// embargoed document shows at its hour, and a signed-in viewer never gets
// the cached bytes.
func TestPageCache(t *testing.T) {
	ctx := context.Background()
	p := newPortal(t, nil)
	// The clock moves for the embargo; it is read by the listener too.
	var ahead atomic.Int64
	p.srv.SetClock(func() time.Time { return time.Now().Add(time.Duration(ahead.Load())) })

	// An article linking to a document under embargo: members only until
	// lift, then public. Readers who may not see it read its kind only.
	lift := time.Now().Add(2 * time.Minute) // within the entries' maximum age
	docID, err := p.store.CreateDocument(ctx, model.Document{Title: "Rapport levé à son heure", Kind: model.KindReport, Language: "fr",
		Date: time.Now(), Visibility: model.VisibilityMembers, EmbargoUntil: &lift, EmbargoVisibility: model.VisibilityPublic})
	if err != nil {
		t.Fatal(err)
	}
	past := time.Now().Add(-time.Hour)
	article := model.NewsArticle{Slug: "rapport-attendu", Title: "Rapport attendu", Body: "Voir [[lien:1]].",
		Visibility: model.VisibilityPublic, PublishedAt: &past}
	article.BodyHTML = markdown.Document(article.Body)
	articleID, err := p.store.CreateNews(ctx, article)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := p.store.AddNewsLink(ctx, articleID, model.LinkDocument, docID); err != nil {
		t.Fatal(err)
	}

	b, bURL := secondInstance(t, p)
	aEvents, bEvents := watchCache(t, p.srv), watchCache(t, b)

	t.Run("a change made through one instance is served by the other", func(t *testing.T) {
		_, first := anonymousGet(t, bURL+"/news")
		hits := b.pages.Stats().Hits
		res, again := anonymousGet(t, bURL+"/news")
		if b.pages.Stats().Hits != hits+1 || again != first {
			t.Fatalf("second GET /news on B: hits %d → %d, same body %v; want one hit with the same bytes", hits, b.pages.Stats().Hits, again == first)
		}
		if res.Header.Get("ETag") == "" || res.Header.Get("Content-Security-Policy") == "" || res.Header.Get("X-Request-Id") == "" {
			t.Errorf("a hit lacks its ETag, security headers or request id: %v", res.Header)
		}
		sec := p.as(roleSecretariat)
		createNews(t, sec, newsDraftForm("Le cache suit la base", "Texte.", time.Now().Add(-time.Minute).In(view.Paris).Format(datetimeLocal), model.VisibilityPublic))
		if page := sec.get("/news"); !strings.Contains(page.body, "Le cache suit la base") {
			t.Error("the secretariat does not see its article at once")
		}
		waitCacheReady(t, bEvents, "news_articles")
		if _, page := anonymousGet(t, bURL+"/news"); !strings.Contains(page, "Le cache suit la base") {
			t.Error("instance B still serves the list without the article written through A")
		}
		_, metrics := anonymousGet(t, bURL+"/metrics")
		for _, m := range []string{"comite_page_cache_hits_total 1", "comite_page_cache_misses_total", "comite_page_cache_invalidations_total", "comite_page_cache_entries"} {
			if !strings.Contains(metrics, m) {
				t.Errorf("/metrics lacks %q", m)
			}
		}
	})

	t.Run("a hit revalidates and answers HEAD", func(t *testing.T) {
		res, _ := anonymousGet(t, bURL+"/plans")
		tag := res.Header.Get("ETag")
		if !strings.HasSuffix(tag, `-gzip"`) {
			t.Fatalf("ETag of the gzip answer %q, want the -gzip suffix", tag)
		}
		hits := b.pages.Stats().Hits
		req, _ := http.NewRequest(http.MethodGet, bURL+"/plans", nil)
		req.Header.Set("Accept-Encoding", "gzip")
		req.Header.Set("If-None-Match", tag)
		res304, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		res304.Body.Close()
		head, err := http.Head(bURL + "/plans")
		if err != nil {
			t.Fatal(err)
		}
		head.Body.Close()
		if res304.StatusCode != http.StatusNotModified || head.StatusCode != http.StatusOK || head.Header.Get("Content-Length") == "" ||
			b.pages.Stats().Hits != hits+2 {
			t.Errorf("revalidation %d (want 304), HEAD %d with Content-Length %q (want 200), hits %d → %d (want two more)",
				res304.StatusCode, head.StatusCode, head.Header.Get("Content-Length"), hits, b.pages.Stats().Hits)
		}
	})

	t.Run("a rolled-back write invalidates nothing, a committed one does", func(t *testing.T) {
		// A marker write first: once its announcement is in, every earlier
		// one is too.
		if _, err := p.store.Pool().Exec(ctx, `UPDATE plans SET title = title WHERE false`); err != nil {
			t.Fatal(err)
		}
		waitCacheReady(t, aEvents, "plans")
		tx, err := p.store.Pool().Begin(ctx)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := tx.Exec(ctx, `UPDATE news_articles SET title = 'Jamais écrit' WHERE slug = 'rapport-attendu'`); err != nil {
			t.Fatal(err)
		}
		if err := tx.Rollback(ctx); err != nil {
			t.Fatal(err)
		}
		if _, err := p.store.Pool().Exec(ctx, `UPDATE bodies SET website = website WHERE id = (SELECT min(id) FROM bodies)`); err != nil {
			t.Fatal(err)
		}
		// Notifications arrive in commit order: the first after the
		// rollback is the committed write's.
		select {
		case got := <-aEvents:
			if got != "bodies" {
				t.Fatalf("first change announced after the rollback: %q, want bodies", got)
			}
		case <-time.After(10 * time.Second):
			t.Fatal("the committed write was not announced")
		}
	})

	t.Run("the observatory's tables announce their changes", func(t *testing.T) {
		// /observatory is cached: a published survey or a return made public
		// must empty the cache like any other public change (migration 20).
		for _, table := range []string{"surveys", "survey_returns"} {
			if _, err := p.store.Pool().Exec(ctx, `UPDATE `+table+` SET state = state WHERE false`); err != nil {
				t.Fatal(err)
			}
			waitCacheReady(t, bEvents, table)
		}
	})

	t.Run("the listener reconnects", func(t *testing.T) {
		if _, err := p.store.Pool().Exec(ctx, `SELECT pg_terminate_backend(pid) FROM pg_stat_activity
			WHERE application_name = $1 AND datname = current_database()`, store.PublicChangeListener); err != nil {
			t.Fatal(err)
		}
		// Both instances' listeners were ended.
		waitCacheReady(t, aEvents, "")
		waitCacheReady(t, bEvents, "")
		if _, err := p.store.Pool().Exec(ctx, `UPDATE plans SET title = title WHERE false`); err != nil {
			t.Fatal(err)
		}
		waitCacheReady(t, aEvents, "plans")
		waitCacheReady(t, bEvents, "plans")
	})

	t.Run("a signed-in member never gets the cached page", func(t *testing.T) {
		_, public := anonymousGet(t, p.ts.URL+"/")
		anonymousGet(t, p.ts.URL+"/")
		hits := p.srv.pages.Stats().Hits
		member := p.as(roleAssociation)
		page := member.get("/")
		if p.srv.pages.Stats().Hits != hits || page.body == public || !strings.Contains(page.body, "Compte member-association") {
			t.Errorf("the member's home page came from the cache (hits %d → %d) or lacks the member's name", hits, p.srv.pages.Stats().Hits)
		}
		if cc := page.Header.Get("Cache-Control"); cc != "no-store" {
			t.Errorf("member's Cache-Control %q, want no-store", cc)
		}
	})

	t.Run("an embargoed document shows at its hour", func(t *testing.T) {
		path := "/news/rapport-attendu"
		if _, page := anonymousGet(t, p.ts.URL+path); strings.Contains(page, "Rapport levé à son heure") {
			t.Fatal("the public reads the document's title before its embargo lifts")
		}
		hits := p.srv.pages.Stats().Hits
		anonymousGet(t, p.ts.URL+path)
		if p.srv.pages.Stats().Hits != hits+1 {
			t.Fatal("the article was not served from the cache")
		}
		ahead.Store(int64(time.Until(lift) + time.Second))
		if _, page := anonymousGet(t, p.ts.URL+path); !strings.Contains(page, "Rapport levé à son heure") {
			t.Error("the cache still serves the article without the document once the embargo lifted")
		}
		if res, _ := anonymousGet(t, p.ts.URL+"/documents/"+strconv.FormatInt(docID, 10)); res.StatusCode != http.StatusOK {
			t.Errorf("the document once its embargo lifted: status %d, want 200", res.StatusCode)
		}
		// The listener computes the next scheduled change, and the cache
		// serves again.
		waitCacheReady(t, aEvents, "")
		anonymousGet(t, p.ts.URL+path)
		hits = p.srv.pages.Stats().Hits
		if _, page := anonymousGet(t, p.ts.URL+path); p.srv.pages.Stats().Hits != hits+1 || !strings.Contains(page, "Rapport levé à son heure") {
			t.Error("the cache does not serve the article again after the embargo lifted")
		}
	})
}

// TestSessionPool signs in and out with sessions written through a pool
// that commits without waiting for the disk: the session works, and
// signing out deletes it.
func TestSessionPool(t *testing.T) {
	p := newPortal(t, nil)
	cfg := p.store.Pool().Config()
	cfg.ConnConfig.RuntimeParams = map[string]string{"synchronous_commit": "off"}
	pool, err := pgxpool.NewWithConfig(context.Background(), cfg)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(pool.Close)
	p.srv.SetSessionPool(pool)
	member := p.as(roleAssociation)
	if page := member.get("/"); !strings.Contains(page.body, "Compte member-association") {
		t.Fatal("signed in through the session pool, the member is not recognised")
	}
	u, _ := url.Parse(p.ts.URL)
	token := ""
	for _, c := range member.http.Jar.Cookies(u) {
		if c.Name == p.srv.sessions.Cookie.Name {
			token = c.Value
		}
	}
	if res := member.postForm("/logout", nil); res.StatusCode != http.StatusSeeOther {
		t.Fatalf("logout: status %d", res.StatusCode)
	}
	var n int
	if err := p.store.Pool().QueryRow(context.Background(), `SELECT count(*) FROM sessions WHERE token = $1`, token).Scan(&n); err != nil || token == "" || n != 0 {
		t.Errorf("the signed-in session is left after signing out: %d rows, %v", n, err)
	}
}
