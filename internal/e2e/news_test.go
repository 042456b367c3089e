package e2e

import (
	"context"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
	"github.com/mmcdole/gofeed"

	"comite/web/view"
)

// newsPathRe is the address of an article.
var newsPathRe = regexp.MustCompile(`^/news/([a-z0-9-]+)$`)

// advance moves the portal's clock d ahead of the real time.
func (p *portal) advance(d time.Duration) { p.ahead.Store(int64(d)) }

// The secretariat writes an article with a link to a meeting, a link to a
// mandate's JO reference and an attached PDF, and schedules it: it appears
// at its time on /news, the home page and the Atom feed, and each link
// resolves. A members' article stays out of the public list and the feed.
func TestNewsInBrowser(t *testing.T) {
	t.Parallel()
	p := newPortal(t)
	sec := meetingTab(t)
	signIn(t, sec, p, "secretariat")
	const title = "Le comité fait le point sur le mécanisme national d'orientation"

	// 1. The article, scheduled in an hour.
	if got := visit(t, sec, p.URL+"/news"); got != 200 {
		t.Fatalf("GET /news: status %d", got)
	}
	if got := followCSS(t, sec, "[data-testid=new-news]"); got != 200 {
		t.Fatalf("« Rédiger une actualité »: status %d", got)
	}
	at := time.Now().Add(time.Hour).In(view.Paris).Truncate(time.Minute)
	setField(t, sec, "#champ-title", title)
	setField(t, sec, "#champ-summary", "Points d'étape après la réunion du 21 mars 2024.")
	setField(t, sec, "#champ-body", "Premier jet.")
	setField(t, sec, "#champ-published_at", at.Format("2006-01-02T15:04"))
	setField(t, sec, "#champ-visibility", "public")
	if got := followCSS(t, sec, "[data-testid=save-news]"); got != 200 {
		t.Fatalf("save the article: status %d (%s)", got, textOrNone(t, sec, "[data-testid=error-summary]"))
	}
	m := newsPathRe.FindStringSubmatch(location(t, sec).Path)
	if m == nil {
		t.Fatalf("after saving: landed on %s, want /news/{slug}", location(t, sec).Path)
	}
	path := m[0]
	if got := textOrNone(t, sec, "[data-testid=flash]"); !strings.Contains(got, "L'article est programmé") {
		t.Errorf("flash after saving: %q, want it to say the article is scheduled", got)
	}

	// 2. Links chosen in the picker: the meeting, then the mandate.
	pick(t, sec, "meeting", "Première réunion")
	pick(t, sec, "mandate", "")

	// 3. A PDF uploaded through the documents component, attached, then linked.
	const pdfTitle = "Intervention du collectif sur le mécanisme national"
	if got := followCSS(t, sec, "[data-testid=attach-news-document]"); got != 200 {
		t.Fatalf("« Déposer un document et le joindre »: status %d", got)
	}
	if got := textOrNone(t, sec, "main"); !strings.Contains(got, "Le document sera joint à l'actualité « "+title+" ».") {
		t.Errorf("the upload form does not name the article:\n%.400s", got)
	}
	if got := selectedLabel(t, sec, "#champ-visibility"); got != "Public" {
		t.Errorf("attachment of a public article: visibility %q proposed, want Public", got)
	}
	setField(t, sec, "#champ-title", pdfTitle)
	setField(t, sec, "#champ-kind", "intervention")
	do(t, sec, chromedp.SetUploadFiles(chromedp.CSS("#champ-file"), []string{absPath(t, samplePDF)}))
	clickCSS(t, sec, "[data-testid=submit]")
	waitLong(t, sec, `location.pathname === `+jsString(path)+` && !!document.querySelector('[data-testid=flash]') || !!document.querySelector('[data-testid=error-summary]')`,
		`location.pathname + ': ' + (document.querySelector('main')?.innerText ?? '').slice(0, 300)`)
	if got := textOrNone(t, sec, "[data-testid=news-attachments]"); !strings.Contains(got, pdfTitle) {
		t.Fatalf("attachments after the upload: %q (%s)", got, textOrNone(t, sec, "[data-testid=error-summary]"))
	}
	pick(t, sec, "document", "collectif sur le mécanisme")
	tokens := js[[]string](t, sec, `[...document.querySelectorAll('[data-testid=link-token]')].map(c => c.textContent)`)
	if strings.Join(tokens, " ") != "[[lien:1]] [[lien:2]] [[lien:3]]" {
		t.Fatalf("link tokens %q, want [[lien:1]] to [[lien:3]]", tokens)
	}

	// 4. The text places them; the preview shows them before saving.
	if got := followCSS(t, sec, "[data-testid=edit-news]"); got != 200 {
		t.Fatalf("« Modifier l'article »: status %d", got)
	}
	setField(t, sec, "#champ-body", "Le comité s'est réuni ([[lien:1]]). Voir la [[lien:2|liste des membres publiée au JO]]. "+
		"L'intervention du collectif est jointe : [[lien:3]].")
	if got := followCSS(t, sec, "[data-testid=preview-news]"); got != 200 {
		t.Fatalf("preview: status %d", got)
	}
	if n := js[int](t, sec, `document.querySelectorAll('[data-testid=news-preview] a').length`); n != 3 {
		t.Errorf("preview has %d links, want 3:\n%s", n, textOrNone(t, sec, "[data-testid=news-preview]"))
	}
	if got := followCSS(t, sec, "[data-testid=save-news]"); got != 200 || location(t, sec).Path != path {
		t.Fatalf("save the text: status %d, on %s (%s)", got, location(t, sec).Path, textOrNone(t, sec, "[data-testid=error-summary]"))
	}

	// 5. Before its time, nobody else sees it.
	public := meetingTab(t)
	if got := visit(t, public, p.URL+path); got != 404 {
		t.Errorf("scheduled article for the public: status %d, want 404", got)
	}
	checkListed(t, public, p, path, false, "before its time")
	if feedLinks(t, p)[p.URL+path] {
		t.Errorf("the feed carries the article before its time")
	}

	// 6. At its time: on /news, the home page and in the feed.
	p.advance(61 * time.Minute)
	checkListed(t, public, p, path, true, "at its time")
	if !feedLinks(t, p)[p.URL+path] {
		t.Errorf("the feed lacks %s at its time", p.URL+path)
	}
	visit(t, public, p.URL+"/news")
	if got := followCSS(t, public, `[data-testid=news-list] a[href="`+path+`"]`); got != 200 {
		t.Fatalf("open the article from /news: status %d", got)
	}
	if got := text(t, public, "h1"); got != title {
		t.Errorf("article heading %q, want %q", got, title)
	}

	// 7. Each link resolves: in the text and in the list under it.
	type link struct {
		Text string `json:"text"`
		Href string `json:"href"`
	}
	links := js[[]link](t, public, `[...document.querySelectorAll('[data-testid=news-body] a, [data-testid=news-links] a, [data-testid=news-attachments] a')]
		.map(a => ({text: a.textContent.trim(), href: a.getAttribute('href')}))`)
	want := map[string]bool{"meeting": false, "mandate": false, "document": false, "download": false}
	for _, l := range links {
		switch {
		case strings.HasPrefix(l.Href, "/meetings/"):
			want["meeting"] = true
		case strings.HasPrefix(l.Href, "/mandates/"):
			want["mandate"] = true
		case strings.HasSuffix(l.Href, "/download"):
			want["download"] = true
		case strings.HasPrefix(l.Href, "/documents/"):
			want["document"] = true
		}
		u := l.Href
		if strings.HasPrefix(u, "/") {
			u = p.URL + u
		} else {
			continue // Légifrance: outside the portal
		}
		if status, _, _ := httpGet(t, u); status != 200 {
			t.Errorf("link %q → %s: status %d for the public, want 200", l.Text, l.Href, status)
		}
	}
	for kind, ok := range want {
		if !ok {
			t.Errorf("the article has no %s link: %+v", kind, links)
		}
	}
	if got := textOrNone(t, public, "[data-testid=news-body]"); !strings.Contains(got, "liste des membres publiée au JO") || strings.Contains(got, "[[lien:") {
		t.Errorf("article text %q: tokens not replaced by their links", got)
	}

	// 8. A members' article: absent from the public list and the feed.
	members := writeNow(t, sec, p, "Note réservée aux membres du comité", "members")
	checkListed(t, public, p, members, false, "members' article")
	if feedLinks(t, p)[p.URL+members] {
		t.Errorf("the feed carries the members' article")
	}
	member := meetingTab(t)
	signIn(t, member, p, "association")
	checkListed(t, member, p, members, true, "members' article, for a member")
}

// pick finds a target of kind in the article page's picker and adds it.
func pick(t *testing.T, sec context.Context, kind, q string) {
	t.Helper()
	before := js[int](t, sec, `document.querySelectorAll('[data-testid=link-token]').length`)
	setField(t, sec, "#type-cible", kind)
	setField(t, sec, "#recherche-cible", q)
	if got := followCSS(t, sec, "[data-testid=picker-search]"); got != 200 {
		t.Fatalf("search %s %q: status %d", kind, q, got)
	}
	if got := followCSS(t, sec, "[data-testid=picker-results] [data-testid=add-link]"); got != 200 {
		t.Fatalf("add the %s link: status %d", kind, got)
	}
	if after := js[int](t, sec, `document.querySelectorAll('[data-testid=link-token]').length`); after != before+1 {
		t.Fatalf("after adding a %s link: %d links, want %d (%s)", kind, after, before+1, textOrNone(t, sec, "[data-testid=flash]"))
	}
}

// writeNow publishes an article at once, for readers vis, and returns its path.
func writeNow(t *testing.T, sec context.Context, p *portal, title, vis string) string {
	t.Helper()
	visit(t, sec, p.URL+"/news/new")
	setField(t, sec, "#champ-title", title)
	setField(t, sec, "#champ-body", "Texte de l'article.")
	setField(t, sec, "#champ-published_at", time.Now().Add(-time.Minute).In(view.Paris).Format("2006-01-02T15:04"))
	setField(t, sec, "#champ-visibility", vis)
	if got := followCSS(t, sec, "[data-testid=save-news]"); got != 200 {
		t.Fatalf("save %q: status %d", title, got)
	}
	path := location(t, sec).Path
	if !newsPathRe.MatchString(path) {
		t.Fatalf("after saving %q: on %s (%s)", title, path, textOrNone(t, sec, "[data-testid=error-summary]"))
	}
	return path
}

// checkListed checks whether /news and the home page list the article at path.
func checkListed(t *testing.T, ctx context.Context, p *portal, path string, want bool, when string) {
	t.Helper()
	for page, sel := range map[string]string{"/news": "main", "/": "[data-testid=home-news]"} {
		visit(t, ctx, p.URL+page)
		got := js[bool](t, ctx, `!!document.querySelector(`+jsString(sel+` a[href="`+path+`"]`)+`)`)
		if got != want {
			t.Errorf("%s: %s lists %s: %v, want %v", when, page, path, got, want)
		}
	}
}

// feedLinks fetches the Atom feed as a feed reader does (no cookie), parses
// it with a real feed parser and returns its entries' links.
func feedLinks(t *testing.T, p *portal) map[string]bool {
	t.Helper()
	status, ctype, body := httpGet(t, p.URL+"/news.atom")
	if status != 200 || !strings.HasPrefix(ctype, "application/atom+xml") {
		t.Fatalf("GET /news.atom: status %d, Content-Type %q", status, ctype)
	}
	feed, err := gofeed.NewParser().ParseString(body)
	if err != nil || feed.FeedType != "atom" {
		t.Fatalf("the feed does not parse as Atom: %v\n%s", err, body)
	}
	out := map[string]bool{}
	for _, it := range feed.Items {
		if _, err := url.Parse(it.Link); err != nil || !strings.HasPrefix(it.Link, "http") {
			t.Errorf("entry link %q is not absolute", it.Link)
		}
		out[it.Link] = true
	}
	return out
}
