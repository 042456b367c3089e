package server

import (
	"compress/gzip"
	"fmt"
	"io"
	"net/http"
	"strings"
	"testing"

	"comite/web/static"
)

// TestAnswersAreCompressed: pages, feeds, exports, the API and the static
// files reach a browser compressed, and read the same once decompressed;
// document downloads are sent as stored, so that Range keeps working.
func TestAnswersAreCompressed(t *testing.T) {
	p := newPortal(t, nil)
	doc := p.addDocument(t, "Rapport public", "public", "report", "rapport.txt", strings.Repeat("Une ligne du rapport public.\n", 200))
	// Signed in, so that the calendar feed holds more than its header.
	c := p.as(roleSecretariat)
	get := func(path, accept string) response {
		t.Helper()
		req, _ := http.NewRequest(http.MethodGet, p.ts.URL+path, nil)
		// Set by hand, the header stops Go's client from decompressing for us.
		req.Header.Set("Accept-Encoding", accept)
		return c.do(req)
	}
	for _, path := range []string{"/", "/meetings", "/members", "/members.csv", "/news.atom", "/meetings.ics",
		"/api/v1/members", "/documents", static.Path("css/app.css"), static.Path("js/comments.js")} {
		plain := get(path, "identity")
		if plain.StatusCode != http.StatusOK || plain.Header.Get("Content-Encoding") != "" {
			t.Fatalf("%s without compression: status %d, encoding %q", path, plain.StatusCode, plain.Header.Get("Content-Encoding"))
		}
		res := get(path, "gzip, deflate, br")
		if res.Header.Get("Content-Encoding") != "gzip" {
			t.Errorf("%s: Content-Encoding %q, want gzip", path, res.Header.Get("Content-Encoding"))
			continue
		}
		if !strings.Contains(res.Header.Get("Vary"), "Accept-Encoding") {
			t.Errorf("%s: no Vary: Accept-Encoding", path)
		}
		zr, err := gzip.NewReader(strings.NewReader(res.body))
		if err != nil {
			t.Fatalf("%s: %v", path, err)
		}
		body, err := io.ReadAll(zr)
		if err != nil {
			t.Fatalf("%s: %v", path, err)
		}
		if len(res.body) >= len(body) {
			t.Errorf("%s: %d bytes compressed for %d plain", path, len(res.body), len(body))
		}
		if ct := res.Header.Get("Content-Type"); ct != plain.Header.Get("Content-Type") {
			t.Errorf("%s: Content-Type %q compressed, %q plain", path, ct, plain.Header.Get("Content-Type"))
		}
		if strings.HasPrefix(path, "/static/") {
			if string(body) != plain.body {
				t.Errorf("%s: the compressed file is not the file", path)
			}
			if res.Header.Get("ETag") == plain.Header.Get("ETag") {
				t.Errorf("%s: the compressed and plain files share the ETag %s", path, res.Header.Get("ETag"))
			}
		}
	}

	download := fmt.Sprintf("/documents/%d/download", doc)
	res := get(download, "gzip")
	if res.Header.Get("Content-Encoding") != "" || res.Header.Get("Accept-Ranges") != "bytes" {
		t.Errorf("download: Content-Encoding %q, Accept-Ranges %q; want the file as stored, with ranges",
			res.Header.Get("Content-Encoding"), res.Header.Get("Accept-Ranges"))
	}
}
