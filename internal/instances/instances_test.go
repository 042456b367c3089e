// Package instances tests the portal run as several processes: three
// `comite serve` on one database and one S3 bucket, behind a round-robin
// reverse proxy, as a hosting service runs it.
package instances

import (
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"log"
	"net"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"

	"comite/internal/dbmigrate"
	"comite/internal/model"
	"comite/internal/password"
	"comite/internal/pgtest"
	"comite/internal/seed"
	"comite/internal/store"
	"comite/internal/weedtest"
)

// cluster is the three instances behind the proxy.
type cluster struct {
	proxy     string // http://127.0.0.1:port
	instances []*instance
	lb        *Balancer
	pool      *pgxpool.Pool
	st        *store.Store
}

func TestMain(m *testing.M) {
	code := pgtest.Run(m)
	weedtest.Stop()
	os.Exit(code)
}

const testPassword = "une phrase de passe de test"

// startCluster starts three instances together on an empty database, with
// the files in a SeaweedFS bucket (a shared folder where SeaweedFS is
// missing), and the proxy in front of them.
func startCluster(t *testing.T) *cluster {
	dbURL := pgtest.NewEmptyDB(t)
	bin := buildComite(t)
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	c := &cluster{proxy: "http://" + ln.Addr().String()}
	blobURL := "file://" + filepath.Join(t.TempDir(), "files")
	if _, err := weedtest.Binary(); err == nil {
		blobURL = weedtest.Shared(t).NewBucket(t)
	} else {
		t.Logf("files in a shared folder, not S3: %v", err)
	}
	env := []string{"PATH=" + os.Getenv("PATH"), "HOME=" + os.Getenv("HOME"), "TMPDIR=" + os.TempDir(),
		"DATABASE_URL=" + dbURL, "COMITE_BASE_URL=" + c.proxy, "COMITE_BLOB_URL=" + blobURL, "COMITE_TRUST_PROXY=true",
		"AWS_ACCESS_KEY_ID=" + weedtest.AccessKey, "AWS_SECRET_ACCESS_KEY=" + weedtest.SecretKey, "AWS_EC2_METADATA_DISABLED=true"}
	started := time.Now()
	for range 3 {
		c.instances = append(c.instances, start(t, bin, env))
	}
	var urls []string
	for _, in := range c.instances {
		in.ready(t)
		urls = append(urls, in.url)
	}
	t.Logf("three instances migrated an empty database and were ready in %s", time.Since(started).Round(time.Millisecond))
	c.lb = NewBalancer(urls, &http.Transport{MaxIdleConnsPerHost: 16})
	// The failed requests are counted by the test, not logged.
	proxy := Proxy(c.lb, log.New(io.Discard, "", 0))
	// Which instance answered, for the test's client: the response's
	// request is the one the balancer sent.
	proxy.ModifyResponse = func(res *http.Response) error {
		res.Header.Set("X-Test-Instance", fmt.Sprint(slices.Index(urls, "http://"+res.Request.URL.Host)))
		return nil
	}
	srv := &http.Server{Handler: proxy, ReadHeaderTimeout: 10 * time.Second}
	go srv.Serve(ln)
	t.Cleanup(func() { srv.Close() })

	c.pool, err = pgxpool.New(t.Context(), dbURL)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(c.pool.Close)
	c.st = store.New(c.pool)
	return c
}

// accounts creates the committee and accounts the test signs in with.
func (c *cluster) accounts(t *testing.T) (secretariat, member, throttled string, measure int64) {
	ctx := t.Context()
	if err := seed.Committee(ctx, c.st); err != nil {
		t.Fatal(err)
	}
	hash, err := password.Hash(testPassword)
	if err != nil {
		t.Fatal(err)
	}
	add := func(email string, role model.Role, body string) {
		b, err := c.st.BodyBySlug(ctx, body)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := c.st.CreateAccount(ctx, store.NewAccount{Email: email, DisplayName: email, PasswordHash: hash, Role: role, BodyID: b.ID}); err != nil {
			t.Fatal(err)
		}
	}
	add("secretariat@test.example", model.RoleSecretariat, "miprof")
	add("member@test.example", model.RoleMember, "ccem")
	add("throttled@test.example", model.RoleMember, "ccem")
	plan, err := c.st.CreatePlan(ctx, model.Plan{Slug: "plan-test", Title: "Plan national de test", Followed: true, Period: "2024-2027"})
	if err != nil {
		t.Fatal(err)
	}
	axis, err := c.st.CreateAxis(ctx, model.Axis{PlanID: plan, Number: 1, Title: "Prévenir"})
	if err != nil {
		t.Fatal(err)
	}
	measure, err = c.st.CreateMeasure(ctx, model.Measure{PlanID: plan, AxisID: axis, Number: "1", Title: "Former les professionnels",
		Status: model.MeasureInProgress, Progress: 20})
	if err != nil {
		t.Fatal(err)
	}
	return "secretariat@test.example", "member@test.example", "throttled@test.example", measure
}

func TestThreeInstances(t *testing.T) {
	c := startCluster(t)
	ctx := t.Context()

	t.Run("migrations ran once", func(t *testing.T) {
		latest, err := dbmigrate.Latest()
		if err != nil {
			t.Fatal(err)
		}
		var version int64
		var dirty bool
		if err := c.pool.QueryRow(ctx, "SELECT version, dirty FROM schema_migrations").Scan(&version, &dirty); err != nil {
			t.Fatal(err)
		}
		if version != int64(latest) || dirty {
			t.Errorf("schema at version %d (dirty %v), want %d", version, dirty, latest)
		}
		// A migration applied twice would have failed on its CREATE
		// TABLE and stopped an instance; all three serve.
		for i, in := range c.instances {
			if res, err := newClient(t, in.url).get("/readyz"); err != nil || res.status != http.StatusOK {
				t.Errorf("instance %d not ready: %d, %v", i, res.status, err)
			}
		}
	})

	secretariat, member, throttled, measure := c.accounts(t)
	sec := newClient(t, c.proxy)
	sec.signIn(secretariat)

	t.Run("a session made on one is valid on the others", func(t *testing.T) {
		for i, in := range c.instances {
			res := must(t)(sec.at(in.url).get("/account"))
			if res.status != http.StatusOK {
				t.Errorf("instance %d: /account with the session made through the proxy: %d, want 200", i, res.status)
			}
		}
	})

	var docID int64
	pdf, err := os.ReadFile("../filetype/testdata/compte-rendu.pdf")
	if err != nil {
		t.Fatal(err)
	}
	t.Run("a file uploaded through one downloads through another", func(t *testing.T) {
		res := must(t)(sec.at(c.instances[0].url).upload("/documents/new", map[string]string{"title": "Compte rendu partagé",
			"kind": "minutes", "language": "fr", "date": "2024-03-21", "visibility": "members"}, "compte-rendu.pdf", pdf))
		if res.status != http.StatusSeeOther {
			t.Fatalf("upload on instance 0: %d\n%s", res.status, res.body)
		}
		if _, err := fmt.Sscanf(res.header.Get("Location"), "/documents/%d", &docID); err != nil {
			t.Fatal(err)
		}
		for _, i := range []int{1, 2} {
			dl := must(t)(sec.at(c.instances[i].url).get(fmt.Sprintf("/documents/%d/download", docID)))
			if dl.status != http.StatusOK || dl.body != string(pdf) {
				t.Errorf("download on instance %d: %d, %d bytes; want the %d uploaded", i, dl.status, len(dl.body), len(pdf))
			}
		}
		part := must(t)(sec.at(c.instances[2].url).get(fmt.Sprintf("/documents/%d/download", docID), "Range", "bytes=1-4"))
		if part.status != http.StatusPartialContent || part.body != string(pdf[1:5]) {
			t.Errorf("range on instance 2: %d %q", part.status, part.body)
		}
	})

	t.Run("a change through one instance is served by the others", func(t *testing.T) {
		// Each instance caches the signed-out library (the second GET is
		// a hit), then a public document is added through instance 0.
		// A change committed meanwhile (a background job's, say) empties
		// the cache: ask again until the page is served from it.
		for i, in := range c.instances {
			pub := newClient(t, in.url)
			before := metric(t, in.url, "comite_page_cache_hits_total")
			for try := 0; metric(t, in.url, "comite_page_cache_hits_total") == before; try++ {
				if try == 20 {
					t.Fatalf("instance %d: /documents never served from the cache", i)
				}
				if res := must(t)(pub.get("/documents")); res.status != http.StatusOK {
					t.Fatalf("instance %d: /documents %d", i, res.status)
				}
			}
		}
		title := "Rapport public ajouté sur une instance"
		res := must(t)(sec.at(c.instances[0].url).upload("/documents/new", map[string]string{"title": title,
			"kind": "report", "language": "fr", "date": "2024-03-22", "visibility": "public"}, "rapport.txt", []byte("Rapport")))
		if res.status != http.StatusSeeOther {
			t.Fatalf("upload on instance 0: %d\n%s", res.status, res.body)
		}
		// The notification reaches the others at commit; allow it a moment.
		for _, i := range []int{1, 2} {
			pub := newClient(t, c.instances[i].url)
			deadline := time.Now().Add(5 * time.Second)
			for {
				body := must(t)(pub.get("/documents")).body
				if strings.Contains(body, title) {
					break
				}
				if time.Now().After(deadline) {
					t.Errorf("instance %d still serves the library without the document added through instance 0", i)
					break
				}
				time.Sleep(20 * time.Millisecond)
			}
		}
	})

	t.Run("a text extraction job runs exactly once", func(t *testing.T) {
		if docID == 0 {
			t.Skip("no document")
		}
		// Wait until the version's job is finished, whichever instance
		// took it, then count its jobs and attempts.
		var jobs, attempts int
		var states, status string
		deadline := time.Now().Add(30 * time.Second)
		for {
			err := c.pool.QueryRow(ctx, `SELECT v.extraction_status, count(j.id), coalesce(sum(j.attempt), 0),
					coalesce(string_agg(j.state::text, ','), '')
				FROM document_versions v LEFT JOIN river_job j ON j.kind = 'extract_text' AND (j.args->>'version_id')::bigint = v.id
				WHERE v.document_id = $1 GROUP BY v.id`, docID).Scan(&status, &jobs, &attempts, &states)
			if err != nil {
				t.Fatal(err)
			}
			if (status != "pending" && !strings.Contains(states, "running") && !strings.Contains(states, "available")) || time.Now().After(deadline) {
				break
			}
			time.Sleep(50 * time.Millisecond)
		}
		if status != "done" || jobs != 1 || attempts != 1 || states != "completed" {
			t.Errorf("extraction %q; jobs: %d, attempts %d, states %q; want done by one job, one attempt, completed", status, jobs, attempts, states)
		}
	})

	t.Run("the comment rate limit holds across instances", func(t *testing.T) {
		m := newClient(t, c.proxy)
		m.signIn(member)
		served := map[string]bool{}
		path := fmt.Sprintf("/measures/%d/comments", measure)
		for i := range model.CommentBurst {
			res := must(t)(m.post(path, url.Values{"text": {fmt.Sprintf("Commentaire %d", i)}}))
			if res.status != http.StatusSeeOther {
				t.Fatalf("comment %d: %d", i, res.status)
			}
			served[res.instance] = true
		}
		res := must(t)(m.post(path, url.Values{"text": {"Un de trop."}}))
		served[res.instance] = true
		if res.status != http.StatusTooManyRequests {
			t.Errorf("comment %d, over the limit: %d, want 429", model.CommentBurst+1, res.status)
		}
		if len(served) != 3 {
			t.Errorf("the posts reached instances %v, want all three", served)
		}
	})

	t.Run("login throttling holds across instances", func(t *testing.T) {
		cl := newClient(t, c.proxy)
		served := map[string]bool{}
		for i := range 5 {
			res := must(t)(cl.post("/login", url.Values{"email": {throttled}, "password": {"pas le bon mot de passe"}}))
			if res.status == http.StatusSeeOther || res.status == http.StatusTooManyRequests {
				t.Fatalf("wrong password %d: %d", i, res.status)
			}
			served[res.instance] = true
		}
		res := must(t)(cl.post("/login", url.Values{"email": {throttled}, "password": {testPassword}}))
		if res.status != http.StatusTooManyRequests {
			t.Errorf("sign-in after 5 failures spread over %d instances: %d, want 429", len(served), res.status)
		}
	})

	t.Run("killing an instance mid-request loses nothing", func(t *testing.T) {
		instanceLoss(t, c, sec, docID, pdf)
	})
}

// instanceLoss runs readers and a writer through the proxy for 3 s, kills
// one instance (SIGKILL) after one second, and counts what users saw.
func instanceLoss(t *testing.T, c *cluster, sec *client, docID int64, pdf []byte) {
	ctx := t.Context()
	const run = 3 * time.Second
	var (
		mu        sync.Mutex
		failures  []time.Time
		requests  atomic.Int64
		written   []string // titles acknowledged with a redirect
		attempted atomic.Int64
	)
	fail := func(at time.Time, what string, err error) {
		mu.Lock()
		defer mu.Unlock()
		failures = append(failures, at)
		t.Logf("failed %s: %v", what, err)
	}
	started := time.Now()
	var wg sync.WaitGroup
	download := fmt.Sprintf("/documents/%d/download", docID)
	wantSum := sha256.Sum256(pdf)
	for r := range 4 {
		wg.Go(func() {
			for i := 0; time.Since(started) < run; i++ {
				path := "/"
				if i%2 == 1 {
					path = download
				}
				res, err := sec.get(path)
				requests.Add(1)
				switch {
				case err != nil:
					fail(time.Now(), fmt.Sprintf("reader %d GET %s", r, path), err)
				case res.status != http.StatusOK:
					fail(time.Now(), fmt.Sprintf("reader %d GET %s", r, path), fmt.Errorf("status %d", res.status))
				case path == download && hex.EncodeToString(sumOf(res.body)) != hex.EncodeToString(wantSum[:]):
					fail(time.Now(), "download", errors.New("other bytes"))
				}
			}
		})
	}
	wg.Go(func() {
		for i := 0; time.Since(started) < run; i++ {
			title := fmt.Sprintf("Note écrite pendant la panne %d", i)
			attempted.Add(1)
			res, err := sec.upload("/documents/new", map[string]string{"title": title, "kind": "other", "language": "fr",
				"date": "2024-03-21", "visibility": "members"}, "note.txt", []byte(title))
			requests.Add(1)
			switch {
			case err != nil:
				fail(time.Now(), "upload", err)
			case res.status != http.StatusSeeOther:
				fail(time.Now(), "upload", fmt.Errorf("status %d", res.status))
			default:
				mu.Lock()
				written = append(written, title)
				mu.Unlock()
			}
		}
	})
	time.Sleep(time.Second)
	victim := c.instances[2]
	killed := time.Now()
	victim.cmd.Process.Signal(syscall.SIGKILL)
	<-victim.exited
	wg.Wait()

	window := time.Duration(0)
	for _, f := range failures {
		window = max(window, f.Sub(killed))
	}
	t.Logf("instance loss: %d requests in %s (%d uploads), %d failed, the last %s after the kill; the proxy retried %d GETs elsewhere",
		requests.Load(), run, attempted.Load(), len(failures), window.Round(time.Millisecond), c.lb.Retried.Load())
	// A request in flight on the killed instance may fail (a POST is not
	// retried, since it may have been carried out); no more than that.
	if len(failures) > 2 {
		t.Errorf("%d requests failed, want at most the ones in flight on the killed instance", len(failures))
	}
	// Every write acknowledged is there.
	for _, title := range written {
		var n int
		if err := c.pool.QueryRow(ctx, "SELECT count(*) FROM documents WHERE title = $1", title).Scan(&n); err != nil || n != 1 {
			t.Errorf("acknowledged upload %q: %d rows, %v", title, n, err)
		}
	}
	// The others keep serving.
	for i := range 6 {
		if res, err := sec.get("/"); err != nil || res.status != http.StatusOK {
			t.Errorf("request %d after the loss: %d, %v", i, res.status, err)
		}
	}
	for i, in := range c.instances[:2] {
		if b, err := os.ReadFile(fmt.Sprintf("/proc/%d/status", in.cmd.Process.Pid)); err == nil {
			for _, line := range strings.Split(string(b), "\n") {
				if strings.HasPrefix(line, "VmHWM:") {
					t.Logf("instance %d: peak resident memory %s", i, strings.TrimSpace(strings.TrimPrefix(line, "VmHWM:")))
				}
			}
		}
	}
}
