package e2e

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
	"github.com/jackc/pgx/v5/pgxpool"

	"comite/internal/blob"
	"comite/internal/browsertest"
	"comite/internal/config"
	"comite/internal/jobs"
	"comite/internal/pgtest"
	"comite/internal/seed"
	"comite/internal/server"
	"comite/internal/store"
)

// alloc is the browser that every test opens its tabs in.
var alloc context.Context

func TestMain(m *testing.M) {
	ctx, cancel, err := browsertest.NewAllocator(context.Background())
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	alloc = ctx
	// A tab here visits up to a dozen pages, each checked with axe, under
	// the race detector and beside the other tests: give it more than the
	// default 30 seconds before it counts as hung.
	browsertest.TabTimeout = 90 * time.Second
	// pgtest.Run, not pgtest.Main: the browser must stop before the exit.
	code := pgtest.Run(m)
	cancel()
	os.Exit(code)
}

// portal is the real server on a fresh database with the demo committee and
// the five demo accounts.
type portal struct {
	URL string
	// creds holds the demo accounts by the local part of their e-mail:
	// secretariat, pilote, association, syndicat, instance.
	creds map[string]seed.Credential
	// names holds the display name of each demo account, by the same key.
	names map[string]string
	// ahead is how far the server's clock runs ahead of the real time, in
	// nanoseconds: a test moves it to reach a scheduled time.
	ahead *atomic.Int64
	// store reads what a mailbox would: the outbox page masks the tokens of
	// the links it shows.
	store *store.Store
	// pool reads the ids of the demo objects that a test opens.
	pool *pgxpool.Pool
	// handler is the portal's router, walked for its routes.
	handler http.Handler
	// clients are plain HTTP clients signed in as a demo account ("" for
	// the public), made on first use.
	clients map[string]*http.Client
}

func newPortal(t *testing.T) *portal {
	t.Helper()
	ctx := context.Background()
	pool, _ := pgtest.NewPool(t)
	st := store.New(pool)
	if err := seed.Committee(ctx, st); err != nil {
		t.Fatalf("seed committee: %v", err)
	}
	creds, err := seed.Accounts(ctx, st, false)
	if err != nil {
		t.Fatalf("seed accounts: %v", err)
	}
	// The portal's links (mails, feeds, calendars) come from its base URL:
	// its own address here.
	ts := httptest.NewUnstartedServer(nil)
	cfg, err := config.Load(func(k string) string {
		if k == "COMITE_BASE_URL" {
			return "http://" + ts.Listener.Addr().String()
		}
		return ""
	})
	if err != nil {
		t.Fatalf("config: %v", err)
	}
	log := slog.New(slog.NewTextHandler(io.Discard, nil))
	srv := server.New(cfg, log, st)
	ahead := new(atomic.Int64)
	srv.SetClock(func() time.Time { return time.Now().Add(time.Duration(ahead.Load())) })
	dir := t.TempDir()
	files, err := blob.Open(ctx, "file://"+filepath.Join(dir, "files"), filepath.Join(dir, "tmp"))
	if err != nil {
		t.Fatalf("file store: %v", err)
	}
	runner, err := jobs.New(pool, st, files, log)
	if err != nil {
		t.Fatalf("jobs: %v", err)
	}
	runCtx, stopRunner := context.WithCancel(context.Background())
	if err := runner.Start(runCtx); err != nil {
		t.Fatalf("start jobs: %v", err)
	}
	srv.SetDocuments(files, runner)
	ts.Config.Handler = srv.Handler()
	ts.Start()
	t.Cleanup(func() {
		ts.Close()
		stopCtx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		_ = runner.Stop(stopCtx)
		stopRunner()
		files.Close()
	})

	p := &portal{URL: ts.URL, creds: map[string]seed.Credential{}, names: map[string]string{}, ahead: ahead, store: st, pool: pool, handler: ts.Config.Handler, clients: map[string]*http.Client{}}
	for _, c := range creds {
		key, _, _ := strings.Cut(c.Email, "@")
		a, err := st.AccountByEmail(ctx, c.Email)
		if err != nil {
			t.Fatalf("demo account %s: %v", c.Email, err)
		}
		p.creds[key], p.names[key] = c, a.DisplayName
	}
	for _, key := range []string{"secretariat", "pilote", "association", "syndicat", "instance"} {
		if _, ok := p.creds[key]; !ok {
			t.Fatalf("no demo account %q among %v", key, creds)
		}
	}
	return p
}

// get runs one action that returns a value, and stops the test on error.
func get[T any](t testing.TB, ctx context.Context, a chromedp.Action[T]) T {
	t.Helper()
	v, err := chromedp.Run(ctx, a)
	if err != nil {
		t.Fatalf("browser: %v", err)
	}
	return v
}

// do runs actions that return nothing, and stops the test on error.
func do(t testing.TB, ctx context.Context, steps ...chromedp.Action[chromedp.Void]) {
	t.Helper()
	if err := chromedp.Do(ctx, steps...); err != nil {
		t.Fatalf("browser: %v", err)
	}
}

// js evaluates a JavaScript expression in the page.
func js[T any](t testing.TB, ctx context.Context, expr string) T {
	t.Helper()
	return get(t, ctx, chromedp.Evaluate[T](expr))
}

// visit opens url, waits for the page and checks it with axe. It returns
// the HTTP status of the page, after redirects.
func visit(t testing.TB, ctx context.Context, url string) int64 {
	t.Helper()
	resp := get(t, ctx, chromedp.NavigateResponse(url))
	do(t, ctx, chromedp.WaitReady(chromedp.CSS("body")))
	browsertest.CheckAxe(t, ctx)
	return resp.Status
}

// follow runs steps that load a new page (a click on a link or a button),
// waits for it and checks it with axe. It returns the HTTP status of the
// page, after redirects.
func follow(t testing.TB, ctx context.Context, steps ...chromedp.Action[chromedp.Void]) int64 {
	t.Helper()
	resp, err := chromedp.RunResponse(ctx, steps...)
	if err != nil {
		t.Fatalf("browser: %v", err)
	}
	do(t, ctx, chromedp.WaitReady(chromedp.CSS("body")))
	browsertest.CheckAxe(t, ctx)
	return resp.Status
}

// location returns the URL of the current page.
func location(t testing.TB, ctx context.Context) *url.URL {
	t.Helper()
	loc := get(t, ctx, chromedp.Location())
	u, err := url.Parse(loc)
	if err != nil {
		t.Fatalf("location %q: %v", loc, err)
	}
	return u
}

// text returns the visible text of the first element that matches sel,
// trimmed.
func text(t testing.TB, ctx context.Context, sel string) string {
	t.Helper()
	return strings.TrimSpace(get(t, ctx, chromedp.Text(chromedp.CSS(sel))))
}

// wantLoginFor checks that the current page is the login page, sent there
// on the way to next.
func wantLoginFor(t testing.TB, ctx context.Context, next string) {
	t.Helper()
	u := location(t, ctx)
	if u.Path != "/login" || u.Query().Get("next") != next {
		t.Fatalf("landed on %q, want /login?next=%s", u.RequestURI(), next)
	}
	do(t, ctx, chromedp.WaitVisible(chromedp.CSS("#champ-email")))
}

// signIn signs in as the demo account who through the login form and
// checks that the header then names the account.
func signIn(t testing.TB, ctx context.Context, p *portal, who string) {
	t.Helper()
	c := p.creds[who]
	if status := visit(t, ctx, p.URL+"/login"); status != 200 {
		t.Fatalf("GET /login: status %d, want 200", status)
	}
	do(t, ctx,
		chromedp.SendKeys(chromedp.CSS("#champ-email"), c.Email),
		chromedp.SendKeys(chromedp.CSS("#champ-password"), c.Password),
	)
	if status := follow(t, ctx, chromedp.Click(chromedp.CSS("[data-testid=login-submit]"))); status != 200 {
		t.Fatalf("sign-in as %s: status %d, want 200", who, status)
	}
	if got := text(t, ctx, "[data-testid=account-link]"); got != p.names[who] {
		t.Fatalf("header account link: got %q, want %q", got, p.names[who])
	}
}
