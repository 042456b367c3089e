package browsertest_test

import (
	"bytes"
	"context"
	"fmt"
	"image"
	"image/png"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"

	"comite/internal/browsertest"
)

var alloc context.Context

func TestMain(m *testing.M) {
	ctx, cancel, err := browsertest.NewAllocator(context.Background())
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	alloc = ctx
	code := m.Run()
	cancel()
	os.Exit(code)
}

const (
	goodPage = `<!doctype html><html lang="fr"><head><title>Bon</title></head><body><main><h1>Bonjour</h1><img src="/x.png" alt="logo"></main></body></html>`
	badPage  = `<!doctype html><html><head><title>Mauvais</title></head><body><main><h1>Bonjour</h1><img src="/x.png"><input type="text" name="q"></main></body></html>`
)

// server serves the pages with the strict policy of the real site, so the
// tests prove that CheckAxe does not rely on inline scripts or eval.
func server(t *testing.T) *httptest.Server {
	var logo bytes.Buffer
	if err := png.Encode(&logo, image.NewGray(image.Rect(0, 0, 1, 1))); err != nil {
		t.Fatal(err)
	}
	page := func(body string) http.HandlerFunc {
		return func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Content-Type", "text/html; charset=utf-8")
			fmt.Fprint(w, body)
		}
	}
	mux := http.NewServeMux()
	mux.Handle("/good", page(goodPage))
	mux.Handle("/bad", page(badPage))
	mux.HandleFunc("/x.png", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "image/png")
		w.Write(logo.Bytes())
	})
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Security-Policy", "default-src 'self'; script-src 'self'; object-src 'none'")
		mux.ServeHTTP(w, r)
	}))
	t.Cleanup(srv.Close)
	return srv
}

// recorder is a testing.TB that keeps the failures of the code under test
// instead of failing the real test.
type recorder struct {
	testing.TB
	errors, fatals []string
}

func (r *recorder) Helper() {}

func (r *recorder) Errorf(format string, args ...any) {
	r.errors = append(r.errors, fmt.Sprintf(format, args...))
}

func (r *recorder) Fatalf(format string, args ...any) {
	r.fatals = append(r.fatals, fmt.Sprintf(format, args...))
	runtime.Goexit()
}

// checkAxe runs CheckAxe against a recorder, on a goroutine of its own so
// that the recorder's Fatalf can stop it as the real one would.
func checkAxe(t *testing.T, ctx context.Context) *recorder {
	r := &recorder{TB: t}
	done := make(chan struct{})
	go func() {
		defer close(done)
		browsertest.CheckAxe(r, ctx)
	}()
	<-done
	return r
}

func open(t *testing.T, url string) context.Context {
	ctx := browsertest.NewTab(t, alloc)
	if err := chromedp.Do(ctx, chromedp.Navigate(url)); err != nil {
		t.Fatal(err)
	}
	return ctx
}

func TestCheckAxeGoodPage(t *testing.T) {
	srv := server(t)
	ctx := open(t, srv.URL+"/good")

	// The policy must really be in force, or this test proves nothing.
	blocked, err := chromedp.Run(ctx, chromedp.Evaluate[bool](`(() => {
		const s = document.createElement('script');
		s.textContent = 'window.inlineRan = true';
		document.head.append(s);
		return !window.inlineRan;
	})()`))
	if err != nil {
		t.Fatal(err)
	}
	if !blocked {
		t.Fatal("the page ran an inline script: the Content-Security-Policy is not in force")
	}

	r := checkAxe(t, ctx)
	if len(r.fatals) > 0 || len(r.errors) > 0 {
		t.Errorf("CheckAxe on the good page: fatal %q, errors %q", r.fatals, r.errors)
	}
}

func TestCheckAxeBadPage(t *testing.T) {
	srv := server(t)
	ctx := open(t, srv.URL+"/bad")

	r := checkAxe(t, ctx)
	if len(r.fatals) > 0 {
		t.Fatalf("CheckAxe: %q", r.fatals)
	}
	for _, rule := range []string{"image-alt", "html-has-lang", "label"} {
		if !slices.ContainsFunc(r.errors, func(e string) bool { return strings.Contains(e, " axe "+rule+" ") }) {
			t.Errorf("no %s violation in %q", rule, r.errors)
		}
	}
	for _, e := range r.errors {
		if !strings.HasPrefix(e, srv.URL+"/bad: ") {
			t.Errorf("violation not prefixed by the page URL: %q", e)
		}
	}
	t.Logf("violations on the bad page:\n%s", strings.Join(r.errors, "\n"))
}

func TestCheckAxeMissing(t *testing.T) {
	t.Setenv("AXE_JS", filepath.Join(t.TempDir(), "axe.min.js"))
	ctx := open(t, server(t).URL+"/good")

	r := checkAxe(t, ctx)
	if len(r.fatals) != 1 || !strings.Contains(r.fatals[0], "make axe") {
		t.Errorf("CheckAxe without axe-core: fatal %q, want one that says to run make axe", r.fatals)
	}
}

func TestScreenshot(t *testing.T) {
	ctx := open(t, server(t).URL+"/good")
	path := filepath.Join(t.TempDir(), "good.png")
	if err := browsertest.Screenshot(ctx, path); err != nil {
		t.Fatal(err)
	}
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	img, err := png.Decode(f)
	if err != nil {
		t.Fatal(err)
	}
	if w := img.Bounds().Dx(); w != 1280 {
		t.Errorf("screenshot width = %d, want the window's 1280", w)
	}
}
