package e2e

import (
	"context"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"
	"github.com/go-chi/chi/v5"

	"comite/internal/browsertest"
)

// phoneWidth is the narrowest screen the portal is laid out for: an
// iPhone SE or a small Android phone, in CSS pixels.
const phoneWidth = 375

// TestEveryPageFitsAPhone opens every page of the route table, as the public,
// a member, a pilot and the secretariat, on a 375 px wide screen, and fails
// when a page is wider than the screen (it then scrolls sideways) or when axe,
// best practices included, finds anything on the public's or the secretariat's
// pages. One tab per role, reused from page to page.
func TestEveryPageFitsAPhone(t *testing.T) {
	t.Parallel()
	p := newPortal(t)
	paths := phonePaths(t, p)
	if len(paths) < 60 {
		t.Fatalf("only %d pages to open: the route walk lost some", len(paths))
	}
	for _, who := range []string{"", "association", "pilote", "secretariat"} {
		name := who
		if name == "" {
			name = "public"
		}
		// The browser opens the pages this role may read: the others
		// answer a login redirect, a 403 or a 404, whose pages the
		// public's and the secretariat's runs open. Asked over plain
		// HTTP first, which costs a fraction of a browser's visit.
		var mine []string
		for _, path := range paths {
			if who == "" || who == "secretariat" || path == "/page-introuvable" || statusAs(t, p, who, path) == http.StatusOK {
				mine = append(mine, path)
			}
		}
		// Tabs of at most 30 pages each, so that none outlives its
		// timeout on a busy machine.
		const perTab = 30
		for first := 0; first < len(mine); first += perTab {
			part := mine[first:min(first+perTab, len(mine))]
			t.Run(name+"/"+strconv.Itoa(first/perTab+1), func(t *testing.T) {
				t.Parallel()
				ctx := browsertest.NewTab(t, alloc)
				if who != "" {
					signIn(t, ctx, p, who)
				}
				do(t, ctx, chromedp.EmulateViewport(phoneWidth, 800))
				checked := map[string]bool{}
				for _, path := range part {
					if _, err := chromedp.RunResponse(ctx, chromedp.Navigate(p.URL+path)); err != nil {
						t.Fatalf("GET %s: %v", path, err)
					}
					if wide := js[int](t, ctx, `document.documentElement.scrollWidth > innerWidth ? document.documentElement.scrollWidth : 0`); wide > 0 {
						t.Errorf("%s as %s: the page is %d px wide on a %d px screen; widest: %s", path, name, wide, phoneWidth,
							js[string](t, ctx, widestElement))
					}
					// axe for the public, who sees the public pages, and
					// the secretariat, who sees them all: a member's and
					// a pilot's pages are these with fewer controls.
					// A page reached again (the login page that members'
					// pages send the public to) is checked once.
					// Forms of one kind (every …/edit, every …/delete) are
					// built from the same components: axe checks the first.
					if key := axeKey(location(t, ctx).Path); (who == "" || who == "secretariat") && !checked[key] {
						checked[key] = true
						browsertest.CheckAxeAll(t, ctx)
					}
				}
			})
		}
	}
}

// axeKey is what a page is checked with axe once for: its path, or for a
// form page built from the shared form components, the form's kind.
func axeKey(path string) string {
	last := path[strings.LastIndexByte(path, '/')+1:]
	switch last {
	case "edit", "delete", "new", "replace", "invite":
		return "form:" + last
	}
	return path
}

// statusAs is the status of GET path for the demo account who ("" for the
// public), redirects not followed.
func statusAs(t *testing.T, p *portal, who, path string) int {
	t.Helper()
	c, ok := p.clients[who]
	if !ok {
		jar, err := cookiejar.New(nil)
		if err != nil {
			t.Fatal(err)
		}
		c = &http.Client{Jar: jar, CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
		if who != "" {
			res, err := c.PostForm(p.URL+"/login", url.Values{"email": {p.creds[who].Email}, "password": {p.creds[who].Password}})
			if err != nil {
				t.Fatal(err)
			}
			res.Body.Close()
			if res.StatusCode != http.StatusSeeOther {
				t.Fatalf("sign-in as %s over HTTP: status %d, want 303", who, res.StatusCode)
			}
		}
		p.clients[who] = c
	}
	res, err := c.Get(p.URL + path)
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	return res.StatusCode
}

// widestElement names the deepest element that sticks out of the screen, to
// say what to fix.
const widestElement = `(() => {
	let worst = null;
	for (const el of document.querySelectorAll('body *')) {
		const r = el.getBoundingClientRect();
		if (r.right > innerWidth + 1 && r.width > 0) worst = el;
	}
	return worst ? worst.outerHTML.slice(0, 160) : '(none)';
})()`

// phonePaths walks the portal's routes and returns the path of every HTML
// page a browser may GET, with the demo committee's ids in place of the
// parameters. Files, feeds and the API are left out: they are not laid out.
func phonePaths(t *testing.T, p *portal) []string {
	t.Helper()
	ids := map[string]string{}
	for key, q := range map[string]string{
		"meetings":        `SELECT coalesce(min(id), 1) FROM meetings`,
		"members":         `SELECT id FROM bodies WHERE slug = 'ccem'`,
		"mandates":        `SELECT coalesce(min(id), 1) FROM mandates`,
		"plans":           `SELECT coalesce(min(id), 1) FROM plans`,
		"measures":        `SELECT coalesce((SELECT measure_id FROM comments WHERE official ORDER BY id LIMIT 1), (SELECT min(id) FROM measures))`,
		"comments":        `SELECT coalesce(min(id), 1) FROM comments`,
		"documents":       `SELECT coalesce(min(id), 1) FROM documents`,
		"campaigns":       `SELECT coalesce(min(id), 1) FROM campaigns`,
		"axes":            `SELECT coalesce(min(id), 1) FROM axes`,
		"recommendations": `SELECT coalesce(min(id), 1) FROM recommendations`,
		"bodies":          `SELECT id FROM bodies WHERE slug = 'ccem'`,
		"people":          `SELECT coalesce(min(id), 1) FROM people`,
		"seats":           `SELECT coalesce(min(id), 1) FROM seats`,
		"windows":         `SELECT coalesce(min(id), 1) FROM consultation_windows`,
		"outbox":          `SELECT coalesce(min(id), 1) FROM outbox`,
		"groups":          `SELECT coalesce(min(id), 1) FROM outbox`,
		"item":            `SELECT coalesce(min(id), 1) FROM agenda_items WHERE meeting_id = (SELECT min(id) FROM meetings)`,
		"decision":        `SELECT coalesce(min(id), 1) FROM decisions WHERE meeting_id = (SELECT min(id) FROM meetings)`,
		"indicator":       `SELECT coalesce(min(id), 1) FROM indicators`,
		"slug":            `SELECT coalesce(min(slug), 'inconnue') FROM news_articles`,
		"observatory":     `SELECT coalesce(min(id), 1) FROM surveys`,
		"surveys":         `SELECT coalesce(min(id), 1) FROM surveys`,
		"returns":         `SELECT coalesce(min(id), 1) FROM survey_returns`,
		"consultations":   `SELECT coalesce(min(id), 1) FROM draft_texts`,
		"contributions":   `SELECT coalesce(min(id), 1) FROM contributions`,
		"n":               `SELECT '1'`,
		"token":           `SELECT 'jeton-inconnu'`,
	} {
		var v any
		if err := p.pool.QueryRow(context.Background(), q).Scan(&v); err != nil || v == nil {
			t.Fatalf("id for %s: %v (%v)", key, v, err)
		}
		ids[key] = toString(v)
	}
	var paths []string
	err := chi.Walk(p.handler.(chi.Routes), func(method, route string, _ http.Handler, _ ...func(http.Handler) http.Handler) error {
		if method != http.MethodGet || !isPage(route) {
			return nil
		}
		segs := strings.Split(route, "/")
		for i, s := range segs {
			if !strings.HasPrefix(s, "{") {
				continue
			}
			key := strings.Trim(s, "{}")
			if key == "id" {
				key = segs[i-1]
			}
			v, ok := ids[key]
			if !ok {
				t.Errorf("route %s: no demo id for %s", route, s)
				return nil
			}
			segs[i] = v
		}
		paths = append(paths, strings.Join(segs, "/"))
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	// Pages the route table names once but that look different by state or
	// query: the meeting to come, a search with results, a page not found.
	paths = append(paths, "/meetings/"+strconv.Itoa(atoi(ids["meetings"])+1), "/search?q=traite", "/documents?page=1", "/page-introuvable")
	slices.Sort(paths)
	return slices.Compact(paths)
}

// isPage tells an HTML page's route from a file's, a feed's or the API's.
func isPage(route string) bool {
	for _, ext := range []string{".ics", ".csv", ".atom", ".json", ".yaml", "/download", "/*"} {
		if strings.HasSuffix(route, ext) {
			return false
		}
	}
	for _, prefix := range []string{"/api/", "/healthz", "/readyz", "/metrics", "/static/"} {
		if strings.HasPrefix(route, prefix) {
			return false
		}
	}
	return true
}

func toString(v any) string {
	switch v := v.(type) {
	case string:
		return v
	case int64:
		return strconv.FormatInt(v, 10)
	case int32:
		return strconv.FormatInt(int64(v), 10)
	}
	return ""
}

func atoi(s string) int {
	n, _ := strconv.Atoi(s)
	return n
}
