package server

import (
	"context"
	"io"
	"log/slog"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"

	"comite/internal/blob"
	"comite/internal/config"
	"comite/internal/jobs"
	"comite/internal/model"
	"comite/internal/password"
	"comite/internal/pgtest"
	"comite/internal/seed"
	"comite/internal/store"
	"comite/internal/weedtest"
)

func TestMain(m *testing.M) {
	code := pgtest.Run(m)
	weedtest.Stop()
	os.Exit(code)
}

// backends runs f once with the files in a local folder and once in a
// bucket of a real S3 server (SeaweedFS; skipped where its binary is
// missing), each as a subtest given the environment of its portal.
func backends(t *testing.T, f func(t *testing.T, env map[string]string)) {
	t.Run("folder", func(t *testing.T) { f(t, nil) })
	t.Run("s3", func(t *testing.T) {
		f(t, map[string]string{"COMITE_BLOB_URL": weedtest.Shared(t).NewBucket(t)})
	})
}

// testPassword is the password of every account of the test portal.
const testPassword = "une phrase de passe de test"

// role names the kinds of viewers the tests sign in as.
type role string

const (
	rolePublic      role = "public"
	roleInstitution role = "member-institution"
	roleAssociation role = "member-association"
	roleUnion       role = "member-union"
	roleIndependent role = "member-independent"
	roleQualified   role = "member-qualified"
	rolePilot       role = "pilot"
	roleSecretariat role = "secretariat"
)

var allRoles = []role{rolePublic, roleInstitution, roleAssociation, roleUnion, roleIndependent, roleQualified, rolePilot, roleSecretariat}

// portal is a real server on a fresh database with the demo committee and
// one account per role.
type portal struct {
	t     testing.TB
	srv   *Server
	ts    *httptest.Server
	store *store.Store
	files *blob.Store
	// fileDir holds the blob store's files/ and tmp/ folders.
	fileDir string
	emails  map[role]string
	// queries counts the statements of the requests that ask for it
	// (client.countQueries).
	queries *queryCounter
}

// addDocument stores content as a new document, as an upload would.
func (p *portal) addDocument(t *testing.T, title string, vis model.Visibility, kind model.DocumentKind, filename, content string) int64 {
	t.Helper()
	ctx := context.Background()
	staged, err := p.files.Stage(ctx, strings.NewReader(content), 1<<20)
	if err != nil {
		t.Fatal(err)
	}
	defer staged.Discard()
	if err := p.files.Commit(ctx, staged); err != nil {
		t.Fatal(err)
	}
	id, err := p.store.CreateDocument(ctx, model.Document{Title: title, Kind: kind, Language: "fr", Date: time.Now(), Visibility: vis})
	if err != nil {
		t.Fatal(err)
	}
	if _, _, err := p.store.AddVersion(ctx, model.DocumentVersion{DocumentID: id, SHA256: staged.SHA256, Size: staged.Size,
		MediaType: staged.MediaType, Filename: filename}); err != nil {
		t.Fatal(err)
	}
	return id
}

func newPortal(t testing.TB, env map[string]string) *portal {
	t.Helper()
	ctx := context.Background()
	queries := &queryCounter{}
	pool, _ := pgtest.NewPoolWith(t, func(c *pgxpool.Config) { c.ConnConfig.Tracer = queries })
	st := store.New(pool)
	if err := seed.Committee(ctx, st); err != nil {
		t.Fatal(err)
	}
	// The server answers on its own address, which is also its base URL
	// unless the test sets COMITE_BASE_URL: links in mails, feeds and
	// calendars come from the configuration, never from the request.
	ts := httptest.NewUnstartedServer(nil)
	ownURL := "http://" + ts.Listener.Addr().String()
	cfg, err := config.Load(func(k string) string {
		if k == "COMITE_BASE_URL" && env[k] == "" {
			return ownURL
		}
		return env[k]
	})
	if err != nil {
		t.Fatal(err)
	}
	log := slog.New(slog.NewTextHandler(io.Discard, nil))
	srv := New(cfg, log, st)
	dir := t.TempDir()
	// A local folder unless the test gives a bucket (see backends).
	blobURL := "file://" + filepath.Join(dir, "files")
	if u := env["COMITE_BLOB_URL"]; u != "" {
		blobURL = u
	}
	files, err := blob.Open(ctx, blobURL, filepath.Join(dir, "tmp"))
	if err != nil {
		t.Fatal(err)
	}
	runner, err := jobs.New(pool, st, files, log)
	if err != nil {
		t.Fatal(err)
	}
	st.OnMailQueued(runner.EnqueueMailTx)
	runCtx, stopRunner := context.WithCancel(context.Background())
	if err := runner.Start(runCtx); err != nil {
		t.Fatal(err)
	}
	srv.SetDocuments(files, runner)
	ts.Config.Handler = queries.wrap(srv.Handler())
	ts.Start()
	t.Cleanup(func() {
		ts.Close()
		stopCtx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		_ = runner.Stop(stopCtx)
		stopRunner()
		files.Close()
	})
	p := &portal{t: t, srv: srv, ts: ts, store: st, files: files, fileDir: dir, emails: map[role]string{}, queries: queries}
	hash, err := password.Hash(testPassword)
	if err != nil {
		t.Fatal(err)
	}
	accounts := []struct {
		r    role
		mr   model.Role
		body string
	}{
		{roleInstitution, model.RoleMember, "dgcs"},
		{roleAssociation, model.RoleMember, "ccem"},
		{roleUnion, model.RoleMember, "organisation-syndicale"},
		{roleIndependent, model.RoleMember, "cncdh"},
		{roleQualified, model.RoleMember, "personnalite-qualifiee"},
		{rolePilot, model.RolePilot, "dgt"},
		{roleSecretariat, model.RoleSecretariat, "miprof"},
	}
	for _, a := range accounts {
		b, err := st.BodyBySlug(ctx, a.body)
		if err != nil {
			t.Fatal(err)
		}
		email := string(a.r) + "@test.example"
		if _, err := st.CreateAccount(ctx, store.NewAccount{Email: email, DisplayName: "Compte " + string(a.r),
			PasswordHash: hash, Role: a.mr, BodyID: b.ID}); err != nil {
			t.Fatal(err)
		}
		p.emails[a.r] = email
	}
	return p
}

// client is a browser-like client: a cookie jar, no automatic redirects,
// and same-origin headers on unsafe requests as a browser sends them.
type client struct {
	p    *portal
	http *http.Client
}

func (p *portal) client() *client {
	jar, _ := cookiejar.New(nil)
	return &client{p: p, http: &http.Client{Jar: jar, CheckRedirect: func(*http.Request, []*http.Request) error {
		return http.ErrUseLastResponse
	}}}
}

// as returns a client signed in as r (or signed out for rolePublic).
func (p *portal) as(r role) *client {
	p.t.Helper()
	c := p.client()
	if r == rolePublic {
		return c
	}
	res := c.postForm("/login", url.Values{"email": {p.emails[r]}, "password": {testPassword}})
	if res.StatusCode != http.StatusSeeOther {
		p.t.Fatalf("login as %s: got status %d, want 303", r, res.StatusCode)
	}
	return c
}

type response struct {
	*http.Response
	body string
}

func (c *client) do(req *http.Request) response {
	c.p.t.Helper()
	res, err := c.http.Do(req)
	if err != nil {
		c.p.t.Fatal(err)
	}
	defer res.Body.Close()
	b, err := io.ReadAll(res.Body)
	if err != nil {
		c.p.t.Fatal(err)
	}
	return response{Response: res, body: string(b)}
}

func (c *client) get(path string) response {
	c.p.t.Helper()
	req, err := http.NewRequest(http.MethodGet, c.p.ts.URL+path, nil)
	if err != nil {
		c.p.t.Fatal(err)
	}
	return c.do(req)
}

// postForm sends a form as a same-origin browser would.
func (c *client) postForm(path string, form url.Values) response {
	c.p.t.Helper()
	return c.postFormWith(path, form, map[string]string{"Sec-Fetch-Site": "same-origin", "Origin": c.p.ts.URL})
}

func (c *client) postFormWith(path string, form url.Values, headers map[string]string) response {
	c.p.t.Helper()
	req, err := http.NewRequest(http.MethodPost, c.p.ts.URL+path, strings.NewReader(form.Encode()))
	if err != nil {
		c.p.t.Fatal(err)
	}
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	for k, v := range headers {
		req.Header.Set(k, v)
	}
	return c.do(req)
}

func mustDay(t *testing.T, s string) time.Time {
	t.Helper()
	d, err := time.Parse(time.DateOnly, s)
	if err != nil {
		t.Fatal(err)
	}
	return d
}
