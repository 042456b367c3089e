// Package instances tests the portal run as several processes: three
// `comite serve` on one database and one S3 bucket, behind a round-robin
// reverse proxy, as a hosting service runs it.
package instances

import (
	"bufio"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"log"
	"mime/multipart"
	"net"
	"net/http"
	"net/http/cookiejar"
	"net/http/httputil"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
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

func TestMain(m *testing.M) {
	code := pgtest.Run(m)
	weedtest.Stop()
	os.Exit(code)
}

const testPassword = "une phrase de passe de test"

// buildComite builds the portal's binary once for the test.
func buildComite(t *testing.T) string {
	t.Helper()
	goTool, err := exec.LookPath("go")
	if err != nil {
		t.Fatalf("the go command is needed to build comite: %v", err)
	}
	out := filepath.Join(t.TempDir(), "comite")
	started := time.Now()
	args := []string{"build", "-o", out}
	if raceEnabled {
		args = append(args, "-race")
	}
	cmd := exec.Command(goTool, append(args, "comite/cmd/comite")...)
	if b, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, b)
	}
	t.Logf("comite built in %s", time.Since(started).Round(time.Millisecond))
	return out
}

// instance is one `comite serve` process.
type instance struct {
	cmd    *exec.Cmd
	url    string // http://127.0.0.1:port
	exited chan struct{}
	readyC chan struct{} // closed once url is set
	mu     sync.Mutex
	output strings.Builder
}

var readyLine = regexp.MustCompile(`Portail prêt en (\S+) : (http://\S+)/`)

// start runs `comite serve` and returns at once; ready waits for it.
func start(t *testing.T, bin string, env []string) *instance {
	t.Helper()
	in := &instance{exited: make(chan struct{}), readyC: make(chan struct{})}
	in.cmd = exec.Command(bin, "serve", "--addr", "127.0.0.1:0", "--data", t.TempDir())
	in.cmd.Env = env
	pr, pw := io.Pipe()
	in.cmd.Stdout, in.cmd.Stderr = pw, pw
	if err := in.cmd.Start(); err != nil {
		t.Fatal(err)
	}
	ready := make(chan string, 1)
	go func() {
		sc := bufio.NewScanner(pr)
		for sc.Scan() {
			in.mu.Lock()
			in.output.WriteString(sc.Text() + "\n")
			in.mu.Unlock()
			if m := readyLine.FindStringSubmatch(sc.Text()); m != nil {
				ready <- m[2]
			}
		}
	}()
	go func() {
		in.cmd.Wait()
		pw.Close()
		close(in.exited)
	}()
	t.Cleanup(func() {
		in.cmd.Process.Signal(syscall.SIGTERM)
		select {
		case <-in.exited:
		case <-time.After(40 * time.Second):
			in.cmd.Process.Kill()
			<-in.exited
		}
	})
	go func() {
		select {
		case u := <-ready:
			in.url = u
			close(in.readyC)
		case <-in.exited:
		}
	}()
	return in
}

func (in *instance) ready(t *testing.T) {
	t.Helper()
	select {
	case <-in.readyC:
	case <-in.exited:
		t.Fatalf("comite serve exited before it was ready:\n%s", in.logs())
	case <-time.After(90 * time.Second):
		t.Fatalf("comite serve not ready within 90 s:\n%s", in.logs())
	}
}

func (in *instance) logs() string {
	in.mu.Lock()
	defer in.mu.Unlock()
	return in.output.String()
}

// balancer is the transport of the reverse proxy: round robin over the
// instances, with nginx's passive health check (an instance that fails a
// request is left out for 10 s) and its proxy_next_upstream rule (a GET or
// HEAD that failed is tried on the next instance; a POST is not, since it
// may have been carried out).
type balancer struct {
	backends []string // host:port
	down     []atomic.Int64
	next     atomic.Uint64
	base     http.RoundTripper
	retried  atomic.Int64
}

func newBalancer(urls []string) *balancer {
	b := &balancer{down: make([]atomic.Int64, len(urls)), base: &http.Transport{MaxIdleConnsPerHost: 16}}
	for _, u := range urls {
		b.backends = append(b.backends, strings.TrimPrefix(u, "http://"))
	}
	return b
}

func (b *balancer) pick() int {
	now := time.Now().UnixNano()
	for range b.backends {
		i := int(b.next.Add(1)-1) % len(b.backends)
		if b.down[i].Load() < now {
			return i
		}
	}
	return int(b.next.Add(1)-1) % len(b.backends)
}

func (b *balancer) RoundTrip(req *http.Request) (*http.Response, error) {
	retry := req.Method == http.MethodGet || req.Method == http.MethodHead
	var err error
	for range b.backends {
		i := b.pick()
		out := req.Clone(req.Context())
		out.URL.Scheme, out.URL.Host = "http", b.backends[i]
		var res *http.Response
		res, err = b.base.RoundTrip(out)
		if err == nil {
			res.Header.Set("X-Test-Instance", fmt.Sprint(i))
			return res, nil
		}
		b.down[i].Store(time.Now().Add(10 * time.Second).UnixNano())
		if !retry || req.Context().Err() != nil {
			return nil, err
		}
		b.retried.Add(1)
	}
	return nil, err
}

// cluster is the three instances behind the proxy.
type cluster struct {
	proxy     string // http://127.0.0.1:port
	instances []*instance
	lb        *balancer
	pool      *pgxpool.Pool
	st        *store.Store
}

// client signs in through base (the proxy, or one instance) and sends
// same-origin requests as a browser does.
type client struct {
	t    *testing.T
	base string
	http *http.Client
}

func newClient(t *testing.T, base string) *client {
	jar, _ := cookiejar.New(nil)
	return &client{t: t, base: base, http: &http.Client{Jar: jar, Timeout: 30 * time.Second,
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}}
}

// at is a client on another base that carries the same cookies.
func (c *client) at(base string) *client {
	jar, _ := cookiejar.New(nil)
	from, _ := url.Parse(c.base)
	to, _ := url.Parse(base)
	jar.SetCookies(to, c.http.Jar.Cookies(from))
	return &client{t: c.t, base: base, http: &http.Client{Jar: jar, Timeout: 30 * time.Second, CheckRedirect: c.http.CheckRedirect}}
}

type response struct {
	status   int
	header   http.Header
	body     string
	instance string
}

func (c *client) send(req *http.Request) (response, error) {
	res, err := c.http.Do(req)
	if err != nil {
		return response{}, err
	}
	defer res.Body.Close()
	b, err := io.ReadAll(res.Body)
	if err != nil {
		return response{}, err
	}
	return response{status: res.StatusCode, header: res.Header, body: string(b), instance: res.Header.Get("X-Test-Instance")}, nil
}

func (c *client) get(path string, header ...string) (response, error) {
	req, err := http.NewRequest(http.MethodGet, c.base+path, nil)
	if err != nil {
		return response{}, err
	}
	for i := 0; i+1 < len(header); i += 2 {
		req.Header.Set(header[i], header[i+1])
	}
	return c.send(req)
}

func (c *client) post(path string, form url.Values) (response, error) {
	req, err := http.NewRequest(http.MethodPost, c.base+path, strings.NewReader(form.Encode()))
	if err != nil {
		return response{}, err
	}
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("Sec-Fetch-Site", "same-origin")
	return c.send(req)
}

func (c *client) upload(path string, fields map[string]string, filename string, content []byte) (response, error) {
	var buf strings.Builder
	mw := multipart.NewWriter(&buf)
	for k, v := range fields {
		mw.WriteField(k, v)
	}
	fw, _ := mw.CreateFormFile("file", filename)
	fw.Write(content)
	mw.Close()
	req, err := http.NewRequest(http.MethodPost, c.base+path, strings.NewReader(buf.String()))
	if err != nil {
		return response{}, err
	}
	req.Header.Set("Content-Type", mw.FormDataContentType())
	req.Header.Set("Sec-Fetch-Site", "same-origin")
	return c.send(req)
}

func (c *client) signIn(email string) {
	c.t.Helper()
	res, err := c.post("/login", url.Values{"email": {email}, "password": {testPassword}})
	if err != nil || res.status != http.StatusSeeOther {
		c.t.Fatalf("sign in as %s: %d, %v", email, res.status, err)
	}
}

// must stops the test on a transport error: must(t)(c.get(path)).
func must(t *testing.T) func(response, error) response {
	return func(res response, err error) response {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
		return res
	}
}

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
	c.lb = newBalancer(urls)
	proxy := &httputil.ReverseProxy{
		Rewrite: func(r *httputil.ProxyRequest) {
			r.Out.URL.Scheme, r.Out.URL.Host = "http", "instances"
			r.Out.Host = r.In.Host // as nginx's proxy_set_header Host $host
			r.SetXForwarded()
		},
		Transport: c.lb,
		// The failed requests are counted by the test, not logged.
		ErrorLog: log.New(io.Discard, "", 0),
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
		requests.Load(), run, attempted.Load(), len(failures), window.Round(time.Millisecond), c.lb.retried.Load())
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

// metric reads one counter from an instance's /metrics (loopback clients
// need no token).
func metric(t *testing.T, base, name string) float64 {
	t.Helper()
	res := must(t)(newClient(t, base).get("/metrics"))
	for _, line := range strings.Split(res.body, "\n") {
		if rest, ok := strings.CutPrefix(line, name+" "); ok {
			var v float64
			fmt.Sscan(rest, &v)
			return v
		}
	}
	t.Fatalf("no %s in /metrics of %s", name, base)
	return 0
}

func sumOf(s string) []byte {
	h := sha256.Sum256([]byte(s))
	return h[:]
}
