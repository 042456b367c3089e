package main

import (
	"bufio"
	"context"
	"errors"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"comite/internal/blob"
	"comite/internal/instances"
)

// reachableTempDir is a temp folder the postgres user can enter when the
// tests run as root (t.TempDir is mode 0700).
func reachableTempDir(t *testing.T) string {
	dir := t.TempDir()
	for d := dir; d != "/" && d != os.TempDir(); d = filepath.Dir(d) {
		if err := os.Chmod(d, 0o755); err != nil {
			t.Fatal(err)
		}
	}
	return dir
}

// startDev runs `comite dev` until the returned stop is called, and returns
// the portal's URL and everything printed before it was ready.
func startDev(t *testing.T, dataDir string) (base, printed string, stop func() error) {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	pr, pw := io.Pipe()
	done := make(chan error, 1)
	go func() {
		done <- run(ctx, []string{"dev", "--data", dataDir, "--addr", "127.0.0.1:0"}, func(string) string { return "" }, strings.NewReader(""), pw)
		pw.Close()
	}()
	var b strings.Builder
	sc := bufio.NewScanner(pr)
	for sc.Scan() {
		b.WriteString(sc.Text() + "\n")
		if m := instances.ReadyLine.FindStringSubmatch(sc.Text()); m != nil {
			base = m[2]
			t.Logf("comite dev ready in %s", m[1])
			break
		}
	}
	if base == "" {
		cancel()
		t.Fatalf("comite dev never became ready: %v\n%s", <-done, b.String())
	}
	go func() { _, _ = io.Copy(io.Discard, pr) }()
	return base, b.String(), func() error {
		cancel()
		select {
		case err := <-done:
			return err
		case <-time.After(60 * time.Second):
			return errors.New("comite dev did not stop within 60 s")
		}
	}
}

func TestDevFirstAndSecondStart(t *testing.T) {
	dir := reachableTempDir(t)
	base, printed, stop := startDev(t, dir)
	for _, want := range []string{"secretariat@demo.comite.example", "pilote@demo.comite.example",
		"association@demo.comite.example", "syndicat@demo.comite.example", "instance@demo.comite.example"} {
		if !strings.Contains(printed, want) {
			t.Errorf("first start does not print the demo account %s", want)
		}
	}
	file := filepath.Join(dir, "demo-accounts.txt")
	st, err := os.Stat(file)
	if err != nil {
		t.Fatal(err)
	}
	if st.Mode().Perm() != 0o600 {
		t.Errorf("demo accounts file mode: got %v, want 0600", st.Mode().Perm())
	}
	text, _ := os.ReadFile(file)
	secretariatPassword := passwordOf(t, string(text), "secretariat@demo.comite.example")

	res, err := http.Get(base + "/members")
	if err != nil || res.StatusCode != http.StatusOK {
		t.Fatalf("members page: %v %v", res, err)
	}
	res.Body.Close()
	// Without COMITE_BASE_URL, dev links to its own address, whatever the
	// request's Host says.
	req, _ := http.NewRequest(http.MethodGet, base+"/news.atom", nil)
	req.Host = "evil.example"
	res, err = http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	feed, _ := io.ReadAll(res.Body)
	res.Body.Close()
	if !strings.Contains(string(feed), base+"/news/") || strings.Contains(string(feed), "evil.example") {
		t.Errorf("the news feed of comite dev does not link to %s:\n%s", base, feed)
	}
	if err := stop(); err != nil {
		t.Fatalf("stop: %v", err)
	}
	if _, err := http.Get(base + "/"); err == nil {
		t.Fatal("the portal still answers after stop")
	}

	// Second start: same cluster, same accounts, no new passwords.
	base, printed, stop = startDev(t, dir)
	defer func() {
		if err := stop(); err != nil {
			t.Error(err)
		}
	}()
	if got := passwordOf(t, printed, "secretariat@demo.comite.example"); got != secretariatPassword {
		t.Fatalf("second start changed the demo password: got %q, want %q", got, secretariatPassword)
	}
	form := url.Values{"email": {"secretariat@demo.comite.example"}, "password": {secretariatPassword}}
	req, _ = http.NewRequest(http.MethodPost, base+"/login", strings.NewReader(form.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	noRedirect := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	res, err = noRedirect.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	if res.StatusCode != http.StatusSeeOther {
		t.Fatalf("sign-in with the printed demo password: got %d, want 303", res.StatusCode)
	}
}

func passwordOf(t *testing.T, text, email string) string {
	t.Helper()
	for _, line := range strings.Split(text, "\n") {
		f := strings.Fields(line)
		if len(f) >= 3 && f[1] == email {
			return f[2]
		}
	}
	t.Fatalf("no password for %s in:\n%s", email, text)
	return ""
}

func TestUserAddBesideRunningDev(t *testing.T) {
	dir := reachableTempDir(t)
	_, _, stop := startDev(t, dir)
	defer func() {
		if err := stop(); err != nil {
			t.Error(err)
		}
	}()
	var out strings.Builder
	err := run(context.Background(), []string{"user", "add", "--data", dir, "--email", "Nouvelle@Test.example",
		"--name", "Nouvelle Secrétaire", "--role", "secretariat"}, func(string) string { return "" },
		strings.NewReader("une phrase de passe solide\n"), &out)
	if err != nil {
		t.Fatalf("user add: %v\n%s", err, out.String())
	}
	if !strings.Contains(out.String(), "nouvelle@test.example") {
		t.Fatalf("user add output: %q", out.String())
	}
	err = run(context.Background(), []string{"user", "add", "--data", dir, "--email", "nouvelle@test.example",
		"--name", "Doublon", "--role", "secretariat"}, func(string) string { return "" },
		strings.NewReader("une autre phrase de passe\n"), &out)
	if err == nil || !strings.Contains(err.Error(), "already exists") {
		t.Fatalf("second account with the same e-mail: got %v", err)
	}
}

func TestBadCommandLines(t *testing.T) {
	tests := [][]string{
		{},
		{"frobnicate"},
		{"serve", "--no-such-flag"},
		{"migrate"},
		{"migrate", "down"},
		{"migrate", "down", "deux"},
		{"migrate", "sideways"},
		{"user"},
		{"user", "add", "--email", "x"},
		{"user", "add", "--email", "a@b.fr", "--name", "A", "--role", "member"},
		{"user", "add", "--email", "a@b.fr", "--name", "A", "--role", "king"},
		{"backup"},
		{"backup", "--to", "ftp://example.org/x"},
		{"backup", "--to", "s3://?region=x"},
		{"restore"},
		{"restore", "--from", "gs://bucket/x"},
		{"dev", "--instances", "0"},
	}
	for _, args := range tests {
		err := run(context.Background(), args, func(string) string { return "" }, strings.NewReader(""), io.Discard)
		var u usageError
		if !errors.As(err, &u) {
			t.Errorf("%q: got %v, want a usage error (exit status 2)", args, err)
		}
	}
	err := run(context.Background(), []string{"serve"}, func(k string) string {
		return map[string]string{"COMITE_SESSION_IDLE": "deux heures"}[k]
	}, strings.NewReader(""), io.Discard)
	var u usageError
	if !errors.As(err, &u) || !strings.Contains(err.Error(), "COMITE_SESSION_IDLE") {
		t.Errorf("bad setting: got %v, want a usage error (exit status 2) naming COMITE_SESSION_IDLE", err)
	}
}

// comite serve builds the links of its mails, feeds and calendars from
// COMITE_BASE_URL only, and will not start without it (exit status 2),
// before touching any database.
func TestServeRequiresBaseURL(t *testing.T) {
	dir := t.TempDir()
	err := run(context.Background(), []string{"serve", "--data", dir, "--addr", "127.0.0.1:0"}, func(k string) string {
		return map[string]string{"DATABASE_URL": "postgres://nobody@127.0.0.1:1/none"}[k]
	}, strings.NewReader(""), io.Discard)
	var u usageError
	if !errors.As(err, &u) || !strings.Contains(err.Error(), "COMITE_BASE_URL") {
		t.Fatalf("serve without COMITE_BASE_URL: got %v, want a usage error (exit status 2) naming COMITE_BASE_URL", err)
	}
}

func TestShutdownDrainsRequestsInFlight(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	started := make(chan struct{})
	srv := &http.Server{Handler: http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		close(started)
		time.Sleep(700 * time.Millisecond)
		_, _ = io.WriteString(w, "fini")
	})}
	ctx, cancel := context.WithCancel(context.Background())
	drained := false
	done := make(chan error, 1)
	go func() {
		done <- serveUntilDone(ctx, srv, ln, func() { drained = true }, func() {}, slog.New(slog.NewTextHandler(io.Discard, nil)))
	}()
	got := make(chan string, 1)
	go func() {
		res, err := http.Get("http://" + ln.Addr().String() + "/lent")
		if err != nil {
			got <- "error: " + err.Error()
			return
		}
		b, _ := io.ReadAll(res.Body)
		res.Body.Close()
		got <- string(b)
	}()
	<-started
	cancel()
	if body := <-got; body != "fini" {
		t.Fatalf("request in flight during shutdown: got %q, want %q", body, "fini")
	}
	if err := <-done; err != nil {
		t.Fatal(err)
	}
	if !drained {
		t.Error("readiness was not turned off before shutdown")
	}
	if _, err := http.Get("http://" + ln.Addr().String() + "/"); err == nil {
		t.Fatal("new connections are still accepted after shutdown")
	}
}

// An upload that outlasts the shutdown's drain leaves no staged file: once
// serving stops, what is still staged is removed at once (the process is
// about to exit, and the handler may never run its clean-up), and later
// staging is refused.
func TestShutdownDiscardsUnfinishedUploads(t *testing.T) {
	defer func(g time.Duration) { shutdownGrace = g }(shutdownGrace)
	shutdownGrace = 300 * time.Millisecond
	root := t.TempDir()
	tmp := filepath.Join(root, "tmp")
	files, err := blob.Open(t.Context(), "file://"+filepath.Join(root, "files"), tmp)
	if err != nil {
		t.Fatal(err)
	}
	defer files.Close()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	// The handler stages a body that never ends, and ignores its request's
	// end: the worst case, a handler the shutdown cannot stop.
	body, sender := io.Pipe()
	defer sender.Close()
	handlerDone := make(chan struct{})
	srv := &http.Server{Handler: http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		defer close(handlerDone)
		staged, err := files.Stage(context.Background(), body, 1<<20)
		if err == nil {
			staged.Discard()
		}
	})}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() {
		done <- serveUntilDone(ctx, srv, ln, func() {}, func() { files.DiscardStaged() }, slog.New(slog.NewTextHandler(io.Discard, nil)))
	}()
	go func() {
		res, err := http.Post("http://"+ln.Addr().String()+"/documents/new", "application/pdf", strings.NewReader("%PDF-1.4"))
		if err == nil {
			res.Body.Close()
		}
	}()
	go func() { _, _ = sender.Write(make([]byte, 4096)) }()
	staged := func() []os.DirEntry {
		entries, err := os.ReadDir(tmp)
		if err != nil {
			t.Fatal(err)
		}
		return entries
	}
	for deadline := time.Now().Add(10 * time.Second); len(staged()) == 0; time.Sleep(10 * time.Millisecond) {
		if time.Now().After(deadline) {
			t.Fatal("the upload never started staging")
		}
	}
	cancel()
	if err := <-done; err == nil {
		t.Fatal("shutdown with an upload still running: want the drain's time-out reported")
	}
	if left := staged(); len(left) != 0 {
		t.Fatalf("staged files left once serving stopped: %v", left)
	}
	sender.Close()
	<-handlerDone
	if left := staged(); len(left) != 0 {
		t.Fatalf("staged files left once the upload ended: %v", left)
	}
}
