package server

import (
	"context"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"comite/internal/markdown"
	"comite/internal/model"
)

// getWith fetches path with the given request headers.
func (c *client) getWith(method, path string, headers map[string]string) response {
	c.p.t.Helper()
	req, err := http.NewRequest(method, c.p.ts.URL+path, nil)
	if err != nil {
		c.p.t.Fatal(err)
	}
	for k, v := range headers {
		req.Header.Set(k, v)
	}
	return c.do(req)
}

// TestPublicAnswersNotModified: a signed-out viewer's pages, feeds, exports
// and API answers carry a strong ETag; asking again with If-None-Match gives
// 304 without a body, plain or compressed (the compressed answer's tag has
// its own suffix, which If-None-Match may name).
func TestPublicAnswersNotModified(t *testing.T) {
	p := newPortal(t, nil)
	c := p.client()
	for _, path := range []string{"/", "/documents", "/meetings", "/news", "/news.atom", "/meetings.ics", "/members.csv",
		"/api/v1/members", "/api/v1/meetings", "/api/v1/measures", "/plans/1"} {
		for _, enc := range []string{"identity", "gzip"} {
			first := c.getWith(http.MethodGet, path, map[string]string{"Accept-Encoding": enc})
			tag := first.Header.Get("ETag")
			if first.StatusCode != http.StatusOK || tag == "" || strings.HasPrefix(tag, "W/") {
				t.Fatalf("%s (%s): status %d, ETag %q; want 200 and a strong ETag", path, enc, first.StatusCode, tag)
			}
			if enc == "gzip" && first.Header.Get("Content-Encoding") == "gzip" && !strings.HasSuffix(tag, `-gzip"`) {
				t.Errorf("%s: compressed answer's ETag %s has no -gzip suffix", path, tag)
			}
			if enc == "identity" && strings.Contains(tag, "-gzip") {
				t.Errorf("%s: plain answer's ETag %s has the gzip suffix", path, tag)
			}
			if cc := first.Header.Get("Cache-Control"); cc == "" || strings.Contains(cc, "no-store") {
				t.Errorf("%s: Cache-Control %q; want one that lets a cache keep and revalidate the answer", path, cc)
			}
			if !strings.HasPrefix(path, "/api/") && !strings.HasSuffix(path, ".csv") && !strings.HasSuffix(path, ".ics") &&
				first.Header.Get("Cache-Control") != "no-cache" {
				t.Errorf("%s: Cache-Control %q, want no-cache", path, first.Header.Get("Cache-Control"))
			}
			for _, method := range []string{http.MethodGet, http.MethodHead} {
				again := c.getWith(method, path, map[string]string{"Accept-Encoding": enc, "If-None-Match": `"autre", ` + tag})
				if again.StatusCode != http.StatusNotModified || again.body != "" {
					t.Errorf("%s %s (%s) with If-None-Match: status %d, %d bytes; want 304 and no body",
						method, path, enc, again.StatusCode, len(again.body))
				}
				if again.Header.Get("ETag") != tag {
					t.Errorf("%s %s (%s): 304 with ETag %q, want %q", method, path, enc, again.Header.Get("ETag"), tag)
				}
			}
			other := c.getWith(http.MethodGet, path, map[string]string{"Accept-Encoding": enc, "If-None-Match": `"autre"`})
			if other.StatusCode != http.StatusOK || other.body == "" {
				t.Errorf("%s (%s) with another tag: status %d, want 200 with the page", path, enc, other.StatusCode)
			}
		}
	}
}

// TestChangedPageNotModifiedNoMore: once the page changes, the old tag
// gets the new page and a new ETag.
func TestChangedPageNotModifiedNoMore(t *testing.T) {
	p := newPortal(t, nil)
	c := p.client()
	before := c.get("/documents")
	tag := before.Header.Get("ETag")
	if tag == "" {
		t.Fatal("/documents: no ETag")
	}
	p.addDocument(t, "Rapport tout neuf", "public", "report", "neuf.txt", "Un rapport tout neuf.")
	after := c.getWith(http.MethodGet, "/documents", map[string]string{"If-None-Match": tag})
	if after.StatusCode != http.StatusOK || !strings.Contains(after.body, "Rapport tout neuf") {
		t.Fatalf("/documents after a new document: status %d; want 200 with the document", after.StatusCode)
	}
	if newTag := after.Header.Get("ETag"); newTag == "" || newTag == tag {
		t.Errorf("/documents after a new document: ETag %q, was %q; want a new one", newTag, tag)
	}
}

// TestSignedInAnswersNotModifiedNever: a signed-in viewer's answers stay
// no-store, without ETag, and If-None-Match never gives a 304; neither does
// a POST.
func TestSignedInAnswersNotModifiedNever(t *testing.T) {
	p := newPortal(t, nil)
	public := p.client()
	member := p.as(roleAssociation)
	for _, path := range []string{"/", "/documents", "/news.atom", "/api/v1/members", "/members.csv"} {
		tag := public.get(path).Header.Get("ETag")
		res := member.getWith(http.MethodGet, path, map[string]string{"If-None-Match": tag})
		if res.StatusCode != http.StatusOK || res.Header.Get("ETag") != "" || res.Header.Get("Cache-Control") != "no-store" {
			t.Errorf("%s signed in: status %d, ETag %q, Cache-Control %q; want 200, none, no-store",
				path, res.StatusCode, res.Header.Get("ETag"), res.Header.Get("Cache-Control"))
		}
	}
	login := public.get("/login")
	res := public.postFormWith("/login", url.Values{"email": {"personne@test.example"}, "password": {"mauvais mot de passe"}},
		map[string]string{"Sec-Fetch-Site": "same-origin", "Origin": p.ts.URL, "If-None-Match": login.Header.Get("ETag")})
	if res.StatusCode == http.StatusNotModified || res.Header.Get("ETag") != "" {
		t.Errorf("POST /login: status %d, ETag %q; a POST is never revalidated", res.StatusCode, res.Header.Get("ETag"))
	}
}

// TestNewsFeedNotModifiedSince: the feed's Last-Modified is the newest
// article's date, and If-Modified-Since from then gives 304.
func TestNewsFeedNotModifiedSince(t *testing.T) {
	p := newPortal(t, nil)
	past := p.srv.now().Add(-time.Hour)
	a := model.NewsArticle{Slug: "publiee", Title: "Publiée", Body: "Texte.", Visibility: model.VisibilityPublic, PublishedAt: &past}
	a.BodyHTML = markdown.Document(a.Body)
	if _, err := p.store.CreateNews(context.Background(), a); err != nil {
		t.Fatal(err)
	}
	c := p.client()
	feed := c.get("/news.atom")
	lm, err := http.ParseTime(feed.Header.Get("Last-Modified"))
	if err != nil {
		t.Fatalf("/news.atom: Last-Modified %q: %v", feed.Header.Get("Last-Modified"), err)
	}
	same := c.getWith(http.MethodGet, "/news.atom", map[string]string{"If-Modified-Since": lm.Format(http.TimeFormat)})
	if same.StatusCode != http.StatusNotModified || same.body != "" {
		t.Errorf("/news.atom If-Modified-Since its date: status %d, want 304", same.StatusCode)
	}
	older := c.getWith(http.MethodGet, "/news.atom", map[string]string{"If-Modified-Since": lm.Add(-time.Hour).Format(http.TimeFormat)})
	if older.StatusCode != http.StatusOK || older.body == "" {
		t.Errorf("/news.atom If-Modified-Since an hour before: status %d, want 200", older.StatusCode)
	}
	// If-None-Match wins over If-Modified-Since.
	both := c.getWith(http.MethodGet, "/news.atom", map[string]string{"If-Modified-Since": lm.Format(http.TimeFormat), "If-None-Match": `"autre"`})
	if both.StatusCode != http.StatusOK {
		t.Errorf("/news.atom with a stale tag and a current date: status %d, want 200", both.StatusCode)
	}
}

func TestMatchingTag(t *testing.T) {
	tag := `"abc"`
	for inm, want := range map[string]string{
		`"abc"`:               `"abc"`,
		`W/"abc"`:             `"abc"`,
		`"x", "abc-gzip"`:     `"abc-gzip"`,
		`"abc-zstd"`:          `"abc-zstd"`,
		`*`:                   `"abc"`,
		`"abcd"`:              "",
		`"abc-brotli"`:        "",
		`"ab"`:                "",
		``:                    "",
		`"x" ,  W/"abc-gzip"`: `"abc-gzip"`,
	} {
		if got := matchingTag(inm, tag); got != want {
			t.Errorf("matchingTag(%q, %q) = %q, want %q", inm, tag, got, want)
		}
	}
}
