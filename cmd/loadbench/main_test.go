package main

import (
	"net/http"
	"net/http/httptest"
	"testing"
	"time"
)

// TestLoadCountsAnswers: the closed loop counts 200s (and 304s when
// revalidating) as answers and anything else as errors; the static twin
// hands out the page's bytes and headers as they came.
func TestLoadCountsAnswers(t *testing.T) {
	ts := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		switch {
		case r.URL.Path == "/missing":
			http.NotFound(w, r)
		case r.Header.Get("If-None-Match") == `"t"`:
			w.WriteHeader(http.StatusNotModified)
		default:
			w.Header().Set("ETag", `"t"`)
			w.Header().Set("Content-Type", "text/html; charset=utf-8")
			_, _ = w.Write([]byte("<p>page</p>"))
		}
	}))
	defer ts.Close()
	c := newClient(4)
	for _, tc := range []struct {
		path, tag string
		ok        bool
	}{{"/", "", true}, {"/", `"t"`, true}, {"/missing", "", false}} {
		r := load(c, ts.URL+tc.path, tc.tag, 4, 50*time.Millisecond)
		if tc.ok && (r.rate == 0 || r.errors != 0 || r.p99 < r.p50) {
			t.Errorf("%s %s: %+v; want answers and no error", tc.path, tc.tag, r)
		}
		if !tc.ok && (r.rate != 0 || r.errors == 0) {
			t.Errorf("%s: %+v; want only errors", tc.path, r)
		}
	}

	page, err := fetch(c, ts.URL+"/")
	if err != nil {
		t.Fatal(err)
	}
	mirror, err := serveStatic(page)
	if err != nil {
		t.Fatal(err)
	}
	defer mirror.close()
	twin, err := fetch(c, mirror.url)
	if err != nil {
		t.Fatal(err)
	}
	if string(twin.body) != string(page.body) || twin.header.Get("Content-Type") != page.header.Get("Content-Type") {
		t.Errorf("static twin: %q (%s), want %q (%s)", twin.body, twin.header.Get("Content-Type"), page.body, page.header.Get("Content-Type"))
	}
}
