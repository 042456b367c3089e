package server

import (
	"bytes"
	"errors"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"

	"golang.org/x/net/html"

	"comite/web/static"
)

func TestCrossOriginPostRefused(t *testing.T) {
	p := newPortal(t, nil)
	form := url.Values{"email": {p.emails[roleUnion]}, "password": {testPassword}}
	tests := []struct {
		name    string
		headers map[string]string
		want    int
	}{
		{"cross-site fetch metadata", map[string]string{"Sec-Fetch-Site": "cross-site"}, http.StatusForbidden},
		{"foreign origin", map[string]string{"Origin": "https://evil.example"}, http.StatusForbidden},
		{"same origin", map[string]string{"Sec-Fetch-Site": "same-origin", "Origin": p.ts.URL}, http.StatusSeeOther},
	}
	for _, tt := range tests {
		res := p.client().postFormWith("/login", form, tt.headers)
		if res.StatusCode != tt.want {
			t.Errorf("%s: got %d, want %d", tt.name, res.StatusCode, tt.want)
		}
		if tt.want == http.StatusForbidden && !strings.Contains(res.body, "Requête refusée") {
			t.Errorf("%s: the refusal is not the French error page", tt.name)
		}
	}
	// A signed-in member tricked into a cross-site password change.
	c := p.as(roleAssociation)
	res := c.postFormWith("/account/password", url.Values{"current": {testPassword}, "new": {"mot de passe choisi par un tiers"}, "confirm": {"mot de passe choisi par un tiers"}},
		map[string]string{"Sec-Fetch-Site": "cross-site"})
	if res.StatusCode != http.StatusForbidden {
		t.Fatalf("cross-site password change: got %d, want 403", res.StatusCode)
	}
}

func TestSecurityHeadersOnEveryAnswer(t *testing.T) {
	p := newPortal(t, map[string]string{"COMITE_BASE_URL": "https://comite.example"})
	c := p.client()
	for _, path := range []string{"/", "/nope", "/meetings", "/login", "/readyz"} {
		res := c.get(path)
		h := res.Header
		csp := h.Get("Content-Security-Policy")
		for _, want := range []string{"default-src 'self'", "frame-ancestors 'none'", "object-src 'none'", "base-uri 'none'"} {
			if !strings.Contains(csp, want) {
				t.Errorf("%s: CSP %q lacks %q", path, csp, want)
			}
		}
		if strings.Contains(csp, "unsafe-inline") {
			t.Errorf("%s: CSP allows unsafe-inline", path)
		}
		for name, want := range map[string]string{
			"X-Content-Type-Options":    "nosniff",
			"Referrer-Policy":           "strict-origin-when-cross-origin",
			"Strict-Transport-Security": "max-age=63072000; includeSubDomains",
		} {
			if got := h.Get(name); got != want {
				t.Errorf("%s: %s is %q, want %q", path, name, got, want)
			}
		}
	}
}

func TestSessionCookieFlags(t *testing.T) {
	p := newPortal(t, map[string]string{"COMITE_BASE_URL": "https://comite.example"})
	res := p.client().postForm("/login", url.Values{"email": {p.emails[roleUnion]}, "password": {testPassword}})
	var cookie *http.Cookie
	for _, ck := range res.Cookies() {
		if ck.Name == "__Host-session" {
			cookie = ck
		}
	}
	if cookie == nil {
		t.Fatalf("no __Host-session cookie over TLS; got %v", res.Cookies())
	}
	if !cookie.Secure || !cookie.HttpOnly || cookie.SameSite != http.SameSiteLaxMode || cookie.Path != "/" {
		t.Fatalf("cookie flags: secure=%v httponly=%v samesite=%v path=%q", cookie.Secure, cookie.HttpOnly, cookie.SameSite, cookie.Path)
	}
}

func TestTypedInputIsEscaped(t *testing.T) {
	p := newPortal(t, nil)
	res := p.client().postForm("/login", url.Values{"email": {`<script class="evil">alert(1)</script>@x.fr`}, "password": {"x"}})
	doc, err := html.Parse(strings.NewReader(res.body))
	if err != nil {
		t.Fatal(err)
	}
	var walk func(n *html.Node)
	walk = func(n *html.Node) {
		if n.Type == html.ElementNode && n.Data == "script" {
			for _, a := range n.Attr {
				if a.Key == "class" && a.Val == "evil" {
					t.Fatalf("the page contains the typed <script> element: input was not escaped")
				}
			}
		}
		for c := n.FirstChild; c != nil; c = c.NextSibling {
			walk(c)
		}
	}
	walk(doc)
	if !strings.Contains(res.body, "&lt;script") && !strings.Contains(res.body, "&#34;evil&#34;") {
		t.Fatal("the typed value is not shown back literally")
	}
}

func TestErrorPagesAreFrench(t *testing.T) {
	p := newPortal(t, nil)
	res := p.client().get("/pas-de-page-ici")
	if res.StatusCode != http.StatusNotFound || !strings.Contains(res.body, "Page introuvable") {
		t.Fatalf("unknown page: got %d without the French 404", res.StatusCode)
	}
	res = p.client().get("/account")
	if res.StatusCode != http.StatusSeeOther {
		t.Fatalf("members' page while signed out: got %d, want 303", res.StatusCode)
	}
	res = p.as(roleUnion).get("/meetings/999999")
	if res.StatusCode != http.StatusNotFound || !strings.Contains(res.body, "Page introuvable") {
		t.Fatalf("missing meeting: got %d without the French 404", res.StatusCode)
	}
	res = p.as(roleUnion).get("/admin")
	if res.StatusCode != http.StatusForbidden || !strings.Contains(res.body, "Accès refusé") {
		t.Fatalf("back office as a member: got %d without the French 403", res.StatusCode)
	}
}

func TestPanicBecomesFrench500(t *testing.T) {
	p := newPortal(t, nil)
	h := p.srv.recoverPanics(http.HandlerFunc(func(http.ResponseWriter, *http.Request) { panic("boom") }))
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, "/", nil))
	if rec.Code != http.StatusInternalServerError || !strings.Contains(rec.Body.String(), "Erreur interne") {
		t.Fatalf("panic: got %d %q, want the French 500 page", rec.Code, rec.Body.String())
	}
}

func TestOversizedFormRefused(t *testing.T) {
	p := newPortal(t, map[string]string{"COMITE_MAX_FORM_BYTES": "2048"})
	res := p.client().postForm("/login", url.Values{"email": {strings.Repeat("a", 5000) + "@x.fr"}, "password": {"x"}})
	if res.StatusCode != http.StatusRequestEntityTooLarge {
		t.Fatalf("oversized form: got %d, want 413", res.StatusCode)
	}
}

func TestDatabaseUnavailableIsRecognised(t *testing.T) {
	if databaseUnavailable(errors.New("some bug")) {
		t.Fatal("an ordinary error was taken for an outage")
	}
}

func TestSignedInPagesAreNotCached(t *testing.T) {
	p := newPortal(t, nil)
	if got := p.as(roleUnion).get("/members").Header.Get("Cache-Control"); got != "no-store" {
		t.Errorf("signed-in page: Cache-Control %q, want no-store", got)
	}
	res := p.client().get(static.Path("css/app.css"))
	if got := res.Header.Get("Cache-Control"); !strings.Contains(got, "immutable") {
		t.Errorf("hashed asset: Cache-Control %q, want a long immutable lifetime", got)
	}
	if res := p.client().get("/static/css/app.css"); res.StatusCode != http.StatusNotFound {
		t.Errorf("unhashed asset URL: got %d, want 404", res.StatusCode)
	}
}

// Link tokens are secrets: the request log names the route, never the
// token itself.
func TestRequestLogLeavesOutLinkTokens(t *testing.T) {
	p := newPortal(t, nil)
	var logged bytes.Buffer
	p.srv.log = slog.New(slog.NewTextHandler(&logged, nil))
	for _, path := range []string{"/password-reset/secret-reset-token", "/invitation/secret-invite-token", "/unsubscribe/secret-unsubscribe-token"} {
		p.client().get(path)
	}
	p.client().get("/members/1")
	if strings.Contains(logged.String(), "secret-") {
		t.Errorf("a token reached the log:\n%s", logged.String())
	}
	if !strings.Contains(logged.String(), "path=/unsubscribe/{token}") || !strings.Contains(logged.String(), "path=/members/1") {
		t.Errorf("the log lost the route or an ordinary path:\n%s", logged.String())
	}
}
