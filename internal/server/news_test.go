package server

import (
	"context"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/mmcdole/gofeed"

	"comite/internal/markdown"
	"comite/internal/model"
	"comite/internal/store"
	"comite/web/view"
)

// newsFixtures makes, for the role matrix, a public article linking to
// meeting, a draft and an article to delete; it returns their slugs.
func newsFixtures(t *testing.T, p *portal, meeting int64) (f struct{ news, draft, spareNews string }) {
	t.Helper()
	ctx := context.Background()
	past := p.srv.now().Add(-time.Hour)
	for _, a := range []model.NewsArticle{
		{Slug: "actualite-publique", Title: "Actualité publique", Body: "Voir [[lien:1]].", Visibility: model.VisibilityPublic, PublishedAt: &past},
		{Slug: "brouillon", Title: "Brouillon", Body: "À relire.", Visibility: model.VisibilityPublic},
		{Slug: "a-supprimer", Title: "À supprimer", Body: "Texte.", Visibility: model.VisibilityMembers, PublishedAt: &past},
	} {
		a.BodyHTML = markdown.Document(a.Body)
		id, err := p.store.CreateNews(ctx, a)
		if err != nil {
			t.Fatal(err)
		}
		if a.Slug == "actualite-publique" {
			if _, err := p.store.AddNewsLink(ctx, id, model.LinkMeeting, meeting); err != nil {
				t.Fatal(err)
			}
		}
	}
	f.news, f.draft, f.spareNews = "actualite-publique", "brouillon", "a-supprimer"
	return f
}

// setClock moves the portal's clock; requests made afterwards see it.
func (p *portal) setClock(now time.Time) { p.srv.now = func() time.Time { return now } }

func newsDraftForm(title, body, at string, vis model.Visibility) url.Values {
	return url.Values{"title": {title}, "summary": {"Un résumé de l'article."}, "body": {body}, "published_at": {at},
		"visibility": {string(vis)}, "notify": {"1"}, "action": {"save"}}
}

// createNews posts the editor's form and returns the new article's slug.
func createNews(t *testing.T, sec *client, form url.Values) string {
	t.Helper()
	res := sec.postForm("/news/new", form)
	if res.StatusCode != http.StatusSeeOther {
		t.Fatalf("create article: status %d, want 303\n%s", res.StatusCode, res.body)
	}
	slug, ok := strings.CutPrefix(res.Header.Get("Location"), "/news/")
	if !ok || slug == "" {
		t.Fatalf("create article: redirected to %q", res.Header.Get("Location"))
	}
	return slug
}

func parseFeed(t *testing.T, c *client) *gofeed.Feed {
	t.Helper()
	res := c.get("/news.atom")
	if res.StatusCode != http.StatusOK || !strings.HasPrefix(res.Header.Get("Content-Type"), "application/atom+xml") {
		t.Fatalf("GET /news.atom: status %d, Content-Type %q", res.StatusCode, res.Header.Get("Content-Type"))
	}
	feed, err := gofeed.NewParser().ParseString(res.body)
	if err != nil {
		t.Fatalf("the feed does not parse: %v\n%s", err, res.body)
	}
	if feed.FeedType != "atom" || feed.FeedVersion != "1.0" {
		t.Fatalf("feed type %s %s, want atom 1.0", feed.FeedType, feed.FeedVersion)
	}
	return feed
}

func feedHas(feed *gofeed.Feed, link string) *gofeed.Item {
	for _, it := range feed.Items {
		if it.Link == link {
			return it
		}
	}
	return nil
}

// The secretariat schedules an article with a link of each kind: until its
// time it exists for nobody else (404, absent from the list, the home page
// and the feed); then it is everywhere, its links titled with their
// targets' current titles, its address frozen.
func TestNewsScheduledArticleWithLinks(t *testing.T) {
	p := newPortal(t, map[string]string{"COMITE_BASE_URL": "https://comite.example.fr"})
	ctx := context.Background()
	start := time.Date(2026, 5, 4, 8, 0, 0, 0, view.Paris)
	p.setClock(start)
	sec, public, member := p.as(roleSecretariat), p.as(rolePublic), p.as(roleAssociation)

	meeting, err := p.store.MeetingBySlug(ctx, "cc-2024-03-21")
	if err != nil {
		t.Fatal(err)
	}
	mandate, err := p.store.CurrentMandate(ctx)
	if err != nil {
		t.Fatal(err)
	}
	doc := p.addDocument(t, "Intervention de l'association", model.VisibilityPublic, model.KindIntervention, "intervention.txt", "Texte de l'intervention")
	measures, err := p.store.LinkCandidates(ctx, model.LinkMeasure, "", 1)
	if err != nil || len(measures) != 1 {
		t.Fatalf("a demo measure: %v %v", measures, err)
	}

	slug := createNews(t, sec, newsDraftForm("Réunion du comité : l'été des mesures", "Premier jet.", "2026-05-04T10:00", model.VisibilityPublic))
	if slug != "reunion-du-comite-l-ete-des-mesures" {
		t.Errorf("slug %q, want reunion-du-comite-l-ete-des-mesures", slug)
	}
	for _, target := range []string{"meeting:" + formatID(meeting.ID), "mandate:" + formatID(mandate.ID),
		"measure:" + formatID(measures[0].TargetID), "document:" + formatID(doc)} {
		if res := sec.postForm("/news/"+slug+"/links", url.Values{"target": {target}}); res.StatusCode != http.StatusSeeOther {
			t.Fatalf("add link %s: status %d", target, res.StatusCode)
		}
	}
	if res := sec.postForm("/news/"+slug+"/links", url.Values{"target": {"meeting:" + formatID(meeting.ID)}}); res.StatusCode != http.StatusSeeOther {
		t.Fatalf("add a link twice: status %d, want 303 with a message", res.StatusCode)
	}
	if res := sec.postForm("/news/"+slug+"/attachments", url.Values{"document": {formatID(doc)}}); res.StatusCode != http.StatusSeeOther {
		t.Fatalf("attach: status %d", res.StatusCode)
	}
	// A token naming no link is refused, and the text is kept.
	form := newsDraftForm("Réunion du comité : l'été des mesures",
		"Voir [[lien:1]], la [[lien:2|liste publiée au JO]], [[lien:3]] et [[lien:4]]. Et [[lien:9]].", "2026-05-04T10:00", model.VisibilityPublic)
	form.Set("version", "1")
	res := sec.postForm("/news/"+slug+"/edit", form)
	if res.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(res.body, "le lien n° 9") || !strings.Contains(res.body, "Et [[lien:9]].") {
		t.Fatalf("a token without its link: status %d, want 422 naming it and keeping the text", res.StatusCode)
	}
	form.Set("body", "Voir [[lien:1]], la [[lien:2|liste publiée au JO]], [[lien:3]] et [[lien:4]]. `[[lien:1]]` reste du code.")
	if res := sec.postForm("/news/"+slug+"/edit", form); res.StatusCode != http.StatusSeeOther {
		t.Fatalf("edit: status %d\n%s", res.StatusCode, res.body)
	}

	// Before its time: the secretariat sees it, nobody else does.
	if res := sec.get("/news/" + slug); res.StatusCode != http.StatusOK || !strings.Contains(res.body, "Programmé") {
		t.Errorf("scheduled article for the secretariat: status %d", res.StatusCode)
	}
	for name, c := range map[string]*client{"public": public, "member": member} {
		if res := c.get("/news/" + slug); res.StatusCode != http.StatusNotFound {
			t.Errorf("scheduled article for the %s: status %d, want 404", name, res.StatusCode)
		}
		for _, path := range []string{"/news", "/"} {
			if res := c.get(path); strings.Contains(res.body, slug) {
				t.Errorf("%s for the %s lists the scheduled article", path, name)
			}
		}
	}
	articleURL := "https://comite.example.fr/news/" + slug
	if feedHas(parseFeed(t, public), articleURL) != nil {
		t.Errorf("the feed carries the scheduled article")
	}

	// At its time.
	p.setClock(start.Add(2*time.Hour + time.Minute))
	res = public.get("/news/" + slug)
	if res.StatusCode != http.StatusOK {
		t.Fatalf("published article for the public: status %d", res.StatusCode)
	}
	for _, want := range []string{
		`<a href="/meetings/` + formatID(meeting.ID) + `">` + strings.ReplaceAll(meeting.Title, "'", "&#39;") + `</a>`,
		`<a href="/mandates/` + formatID(mandate.ID) + `">liste publiée au JO</a>`,
		`<a href="/measures/` + formatID(measures[0].TargetID) + `">`,
		`<a href="/documents/` + formatID(doc) + `">Intervention de l&#39;association</a>`,
		`<code>[[lien:1]]</code>`,
		`/documents/` + formatID(doc) + `/download`,
	} {
		if !strings.Contains(res.body, want) {
			t.Errorf("published article lacks %s", want)
		}
	}
	for _, path := range []string{"/news", "/"} {
		if res := public.get(path); !strings.Contains(res.body, `href="/news/`+slug+`"`) {
			t.Errorf("%s does not list the published article", path)
		}
	}
	feed := parseFeed(t, public)
	item := feedHas(feed, articleURL)
	if item == nil {
		t.Fatalf("the feed lacks %s; it has %d entries", articleURL, len(feed.Items))
	}
	if feed.Link != "https://comite.example.fr/news" || !strings.HasPrefix(feed.FeedLink, "https://comite.example.fr/news.atom") {
		t.Errorf("feed links %q and %q, want the base URL's", feed.Link, feed.FeedLink)
	}
	if !strings.Contains(item.Content, `href="https://comite.example.fr/meetings/`+formatID(meeting.ID)+`"`) {
		t.Errorf("the feed's content has no absolute link to the meeting:\n%s", item.Content)
	}
	if item.PublishedParsed == nil || !item.PublishedParsed.Equal(time.Date(2026, 5, 4, 10, 0, 0, 0, view.Paris)) {
		t.Errorf("entry published %v, want 2026-05-04 10:00 Paris", item.PublishedParsed)
	}

	// Each link resolves, and a renamed target shows its new title.
	for _, path := range []string{"/meetings/" + formatID(meeting.ID), "/mandates/" + formatID(mandate.ID),
		"/measures/" + formatID(measures[0].TargetID), "/documents/" + formatID(doc)} {
		if res := public.get(path); res.StatusCode != http.StatusOK {
			t.Errorf("link %s: status %d for the public", path, res.StatusCode)
		}
	}
	meeting.Title = "Réunion inaugurale de la mandature"
	if err := p.store.UpdateMeeting(ctx, meeting, false); err != nil {
		t.Fatal(err)
	}
	if res := public.get("/news/" + slug); !strings.Contains(res.body, ">Réunion inaugurale de la mandature</a>") {
		t.Errorf("the renamed meeting's link keeps its old title")
	}

	// Once published the address no longer follows the title.
	form.Set("title", "Un autre titre")
	form.Set("version", "2")
	if res := sec.postForm("/news/"+slug+"/edit", form); res.StatusCode != http.StatusSeeOther || res.Header.Get("Location") != "/news/"+slug {
		t.Errorf("retitle a published article: status %d, to %q, want the same address", res.StatusCode, res.Header.Get("Location"))
	}
	// A save from the same, now stale, version is a conflict, not an overwrite.
	form.Set("title", "Un troisième titre")
	if res := sec.postForm("/news/"+slug+"/edit", form); res.StatusCode != http.StatusConflict || !strings.Contains(res.body, "Un troisième titre") {
		t.Errorf("a stale save: status %d, want 409 keeping the text", res.StatusCode)
	}
	// Moved back to a later date, it keeps its address all the same.
	form.Set("version", "3")
	form.Set("published_at", "2026-05-20T10:00")
	if res := sec.postForm("/news/"+slug+"/edit", form); res.StatusCode != http.StatusSeeOther || res.Header.Get("Location") != "/news/"+slug {
		t.Errorf("reschedule a published article: status %d, to %q, want the same address", res.StatusCode, res.Header.Get("Location"))
	}
	entries, _, err := p.store.AuditLog(ctx, store.AuditFilter{ObjectType: "news"}, 50, store.Cursor{})
	if err != nil {
		t.Fatal(err)
	}
	if len(entries) < 7 { // create, 4 links, 2 updates
		t.Errorf("%d audit entries about news, want at least 7", len(entries))
	}
}

// A members' article is absent from the public list, home page and feed;
// the public is sent to sign in; members read it.
func TestNewsMembersOnly(t *testing.T) {
	p := newPortal(t, nil)
	sec, public, member := p.as(roleSecretariat), p.as(rolePublic), p.as(roleUnion)
	slug := createNews(t, sec, newsDraftForm("Note aux membres", "Réservé.", time.Now().Add(-time.Minute).In(view.Paris).Format(datetimeLocal), model.VisibilityMembers))
	for _, path := range []string{"/news", "/"} {
		if res := public.get(path); strings.Contains(res.body, slug) {
			t.Errorf("%s for the public lists the members' article", path)
		}
		if res := member.get(path); !strings.Contains(res.body, slug) {
			t.Errorf("%s for a member does not list the members' article", path)
		}
	}
	for _, it := range parseFeed(t, member).Items {
		if strings.HasSuffix(it.Link, "/news/"+slug) {
			t.Errorf("the feed carries the members' article")
		}
	}
	if res := public.get("/news/" + slug); res.StatusCode != http.StatusSeeOther || !strings.HasPrefix(res.Header.Get("Location"), "/login?next=") {
		t.Errorf("members' article for the public: status %d to %q, want the login page", res.StatusCode, res.Header.Get("Location"))
	}
	if res := member.get("/news/" + slug); res.StatusCode != http.StatusOK {
		t.Errorf("members' article for a member: status %d", res.StatusCode)
	}
}

// Opted-in members get one mail per article, when it becomes visible, and
// never twice.
func TestNewsMailedOnceWhenVisible(t *testing.T) {
	p := newPortal(t, nil)
	ctx := context.Background()
	start := time.Date(2026, 6, 1, 9, 0, 0, 0, view.Paris)
	p.setClock(start)
	sec, member := p.as(roleSecretariat), p.as(roleAssociation)
	if res := member.postForm("/account/news", url.Values{"news_by_mail": {"1"}}); res.StatusCode != http.StatusSeeOther {
		t.Fatalf("opt in: status %d", res.StatusCode)
	}
	if res := member.get("/account"); !strings.Contains(res.body, `name="news_by_mail" value="1" checked`) {
		t.Errorf("/account does not show the opt-in ticked")
	}
	count := func() int {
		return len(calendarMails(t, p, "Actualité du comité : "))
	}

	createNews(t, sec, newsDraftForm("Publiée tout de suite", "Texte.", "2026-06-01T08:00", model.VisibilityPublic))
	if got := count(); got != 1 {
		t.Fatalf("after an immediate publication: %d mails, want 1 (one subscriber)", got)
	}
	mails := calendarMails(t, p, "Actualité du comité : ")
	if mails[0].To != p.emails[roleAssociation] || !strings.Contains(mails[0].Text, "/news/publiee-tout-de-suite") {
		t.Errorf("mail to %s:\n%s", mails[0].To, mails[0].Text)
	}

	createNews(t, sec, newsDraftForm("Programmée", "Texte.", "2026-06-01T12:00", model.VisibilityMembers))
	if n, err := p.srv.MailDueNews(ctx); err != nil || n != 0 || count() != 1 {
		t.Fatalf("before its time: queued %d (%v), %d mails in all, want none more", n, err, count())
	}
	p.setClock(start.Add(4 * time.Hour))
	if n, err := p.srv.MailDueNews(ctx); err != nil || n != 1 {
		t.Fatalf("at its time: queued %d (%v), want 1", n, err)
	}
	if n, err := p.srv.MailDueNews(ctx); err != nil || n != 0 || count() != 2 {
		t.Fatalf("again: queued %d (%v), %d mails in all, want 2", n, err, count())
	}

	// Without the opt-in, nothing.
	if res := member.postForm("/account/news", url.Values{}); res.StatusCode != http.StatusSeeOther {
		t.Fatalf("opt out: status %d", res.StatusCode)
	}
	createNews(t, sec, newsDraftForm("Après le désabonnement", "Texte.", "2026-06-01T12:00", model.VisibilityPublic))
	if got := count(); got != 2 {
		t.Errorf("after opting out: %d mails, want still 2", got)
	}
}

// Hostile text stays text; preview renders without saving.
func TestNewsBodyIsSanitised(t *testing.T) {
	p := newPortal(t, nil)
	sec := p.as(roleSecretariat)
	form := newsDraftForm(`<script class="evil">alert(1)</script>`, `<script class="evil">alert(2)</script> [x](javascript:alert(3))`,
		"2020-01-01T00:00", model.VisibilityPublic)
	form.Set("action", "preview")
	res := sec.postForm("/news/new", form)
	if res.StatusCode != http.StatusOK || !strings.Contains(res.body, `data-testid="news-preview"`) {
		t.Fatalf("preview: status %d", res.StatusCode)
	}
	list, _, _ := p.store.NewsList(context.Background(), store.NewsFilter{Levels: model.NewsVisibilities, Drafts: true, Limit: 10})
	if len(list) != 0 {
		t.Errorf("the preview saved an article")
	}
	form.Set("action", "save")
	slug := createNews(t, sec, form)
	res = p.as(rolePublic).get("/news/" + slug)
	if strings.Contains(res.body, `<script class="evil">`) || strings.Contains(res.body, "javascript:") {
		t.Errorf("hostile markup reached the page")
	}
	if !strings.Contains(res.body, `&lt;script class=&#34;evil&#34;&gt;alert(2)&lt;/script&gt;`) &&
		!strings.Contains(res.body, `&lt;script class=&quot;evil&quot;&gt;alert(2)&lt;/script&gt;`) {
		t.Errorf("the typed markup is not shown as text")
	}
}

func TestNewsSlug(t *testing.T) {
	for in, want := range map[string]string{
		"Première réunion du comité":             "premiere-reunion-du-comite",
		"L'œuvre du GRETA : 3e rapport (2024) !": "l-oeuvre-du-greta-3e-rapport-2024",
		"new":                      "actualite",
		"« »":                      "actualite",
		strings.Repeat("mot ", 40): "mot-mot-mot-mot-mot-mot-mot-mot-mot-mot-mot-mot-mot-mot-mot-mot-mot-mot-mot-mot",
	} {
		if got := newsSlug(in); got != want {
			t.Errorf("newsSlug(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestExpandLinks(t *testing.T) {
	links := []view.NewsLinkView{
		{NewsLink: model.NewsLink{Position: 1, TargetType: model.LinkMeeting, TargetID: 7, Title: `Réunion <b>"x"</b>`}, Readable: true},
		{NewsLink: model.NewsLink{Position: 2, TargetType: model.LinkDocument, TargetID: 8, Title: "Secret"}, Readable: false},
	}
	body := markdown.Document("A [[lien:1]] B [[lien:2]] C [[lien:3]] D [[lien:1|mon texte]] `[[lien:1]]` [e [[lien:1]]](https://exemple.fr)")
	got := expandLinks(body, links, "")
	for _, want := range []string{
		`<a href="/meetings/7">Réunion &lt;b&gt;&#34;x&#34;&lt;/b&gt;</a>`,
		`(document réservé)`,
		`(lien indisponible)`,
		`<a href="/meetings/7">mon texte</a>`,
		`<code>[[lien:1]]</code>`,
	} {
		if !strings.Contains(got, want) {
			t.Errorf("expanded body lacks %s:\n%s", want, got)
		}
	}
	if strings.Contains(got, "Secret") {
		t.Errorf("a link the reader may not follow shows its title:\n%s", got)
	}
	if strings.Count(got, "<a ") != 3 {
		t.Errorf("a token inside a link was expanded (nested links):\n%s", got)
	}
	if abs := absoluteLinks(expandLinks(body, links, "https://x.fr"), "https://x.fr"); !strings.Contains(abs, `href="https://x.fr/meetings/7"`) {
		t.Errorf("feed links are not absolute:\n%s", abs)
	}
}

// Feed readers find the feed from any page.
func TestNewsFeedAdvertised(t *testing.T) {
	p := newPortal(t, nil)
	for _, path := range []string{"/", "/news"} {
		if page := p.client().get(path).body; !strings.Contains(page, `<link rel="alternate" type="application/atom+xml" title="Actualités du comité" href="/news.atom">`) {
			t.Errorf("%s does not advertise the Atom feed", path)
		}
	}
}

// « Publier maintenant » publishes at once whatever the date field holds:
// empty (a draft otherwise) or a date to come.
func TestPublishNow(t *testing.T) {
	p := newPortal(t, nil)
	sec, public := p.as(roleSecretariat), p.client()
	for _, at := range []string{"", "2199-01-01T09:00"} {
		form := newsDraftForm("Publiée tout de suite "+at, "Texte.", at, model.VisibilityPublic)
		form.Set("action", "publish")
		slug := createNews(t, sec, form)
		if res := public.get("/news/" + slug); res.StatusCode != http.StatusOK {
			t.Errorf("published now with the date %q: the public gets %d, want 200", at, res.StatusCode)
		}
	}
	if page := sec.get("/news/new").body; !strings.Contains(page, `data-testid="publish-now"`) {
		t.Error("the editor of a new article offers no « Publier maintenant »")
	}
}
