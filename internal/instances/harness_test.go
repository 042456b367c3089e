package instances

import (
	"bufio"
	"crypto/sha256"
	"fmt"
	"io"
	"mime/multipart"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"
)

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

// start runs `comite serve` and returns at once; ready waits for it.
func start(t *testing.T, bin string, env []string) *instance {
	t.Helper()
	in := &instance{exited: make(chan struct{}), readyC: make(chan struct{})}
	in.cmd = exec.Command(bin, "serve", "--addr", "127.0.0.1:0", "--data", t.TempDir())
	in.cmd.Env = env
	// Gone with the test binary if it dies without its cleanups.
	in.cmd.SysProcAttr = &syscall.SysProcAttr{Pdeathsig: syscall.SIGKILL}
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
			if m := ReadyLine.FindStringSubmatch(sc.Text()); m != nil {
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
