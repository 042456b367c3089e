package server

import (
	"bytes"
	"context"
	"errors"
	"html"
	"io"
	"net/http"
	"regexp"
	"strconv"
	"strings"
	"time"

	xhtml "golang.org/x/net/html"

	"comite/internal/access"
	"comite/internal/atom"
	"comite/internal/model"
	"comite/internal/store"
	"comite/web/view"
)

const (
	newsPageSize = 10
	// newsFeedSize is how many articles the Atom feed carries.
	newsFeedSize = 20
	// newsOnHome is how many articles the home page shows.
	newsOnHome = 3
)

// newsFor loads the article of the route and checks that the viewer may
// read it: a draft or a scheduled article does not exist for anyone but
// the secretariat; a members' article sends the public to sign in.
func (s *Server) newsFor(r *http.Request) (model.NewsArticle, error) {
	a, err := s.store.NewsBySlug(r.Context(), r.PathValue("slug"))
	if err != nil {
		return a, err
	}
	now := s.now()
	if !access.CanSeeNews(viewerOf(r.Context()), a, now) {
		if access.NewsExistenceIsPrivate(a, now) {
			return a, model.ErrNotFound
		}
		return a, model.ErrForbidden
	}
	return a, nil
}

// newsLevels is what a list shows the viewer: the secretariat sees both
// audiences, drafts and scheduled articles included.
func newsLevels(v access.Viewer) ([]model.Visibility, bool) {
	if access.CanManageNews(v) {
		return model.NewsVisibilities, true
	}
	return access.NewsLevels(v), false
}

func (s *Server) newsList(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	v := viewerOf(ctx)
	page, err := pageNumber(r.URL.Query())
	if err != nil {
		return err
	}
	levels, drafts := newsLevels(v)
	now := s.now()
	articles, total, err := s.store.NewsList(ctx, store.NewsFilter{Levels: levels, Now: now, Drafts: drafts,
		Limit: newsPageSize, Offset: (page - 1) * newsPageSize})
	if err != nil {
		return err
	}
	p := view.NewsListPage{Base: s.base(r, "Actualités"), Articles: articles, Manage: drafts, Page: page,
		More: page*newsPageSize < total, Now: now}
	p.Nav = "news"
	if page > 1 {
		p.Title = "Actualités – page " + strconv.Itoa(page)
	}
	s.render(w, r, http.StatusOK, view.NewsList(p))
	return nil
}

func (s *Server) newsArticle(w http.ResponseWriter, r *http.Request) error {
	a, err := s.newsFor(r)
	if err != nil {
		return err
	}
	p, err := s.newsArticlePage(r, a)
	if err != nil {
		return err
	}
	s.render(w, r, http.StatusOK, view.NewsArticle(p))
	return nil
}

// newsArticlePage gathers the article as the viewer may read it: links
// with their targets' current titles, the attachments the viewer may see,
// and for the secretariat the link picker and the attachment tools.
func (s *Server) newsArticlePage(r *http.Request, a model.NewsArticle) (view.NewsArticlePage, error) {
	ctx := r.Context()
	v := viewerOf(ctx)
	now := s.now()
	p := view.NewsArticlePage{Base: s.base(r, a.Title), Article: a, Manage: access.CanManageNews(v), Now: now}
	p.Nav = "news"
	links, err := s.store.NewsLinks(ctx, a.ID)
	if err != nil {
		return p, err
	}
	p.Links = readableLinks(v, links, now)
	p.BodyHTML = expandLinks(a.BodyHTML, p.Links, "")
	docs, err := s.store.AttachedDocuments(ctx, access.DocumentReader(v), "news", []int64{a.ID})
	if err != nil {
		return p, err
	}
	p.Attachments = docs[a.ID]
	if p.Manage {
		if err := s.fillPicker(r, &p); err != nil {
			return p, err
		}
	}
	return p, nil
}

// readableLinks marks which links the viewer may follow.
func readableLinks(v access.Viewer, links []model.NewsLink, now time.Time) []view.NewsLinkView {
	out := make([]view.NewsLinkView, len(links))
	for i, l := range links {
		out[i] = view.NewsLinkView{NewsLink: l, Readable: access.CanFollowNewsLink(v, l, now)}
	}
	return out
}

// linkToken matches [[lien:N]] and [[lien:N|text]] in the rendered body.
// The text cannot hold "<" or "]": it stays inside one HTML text node.
var linkToken = regexp.MustCompile(`\[\[lien:(\d{1,6})(?:\|([^\]<]{1,300}))?\]\]`)

// expandLinks replaces the link tokens of sanitised HTML with links to
// their targets, titled with the targets' current titles (or the author's
// text). Tokens inside a link or code are left alone, a target the reader
// may not see becomes a neutral mention, and an unknown number a notice;
// prefix makes the addresses absolute (for the feed).
func expandLinks(body string, links []view.NewsLinkView, prefix string) string {
	if !strings.Contains(body, "[[lien:") {
		return body
	}
	byPos := map[int]view.NewsLinkView{}
	for _, l := range links {
		byPos[l.Position] = l
	}
	var out bytes.Buffer
	z := xhtml.NewTokenizer(strings.NewReader(body))
	inside := 0 // depth of <a>, <code> and <pre> around the text
	for {
		tt := z.Next()
		if tt == xhtml.ErrorToken {
			if z.Err() == io.EOF {
				return out.String()
			}
			// The input comes from the sanitiser; should it ever be
			// unreadable, show it unchanged rather than half of it.
			return body
		}
		raw := z.Raw()
		switch tt {
		case xhtml.StartTagToken, xhtml.EndTagToken:
			name, _ := z.TagName()
			switch string(name) {
			case "a", "code", "pre":
				if tt == xhtml.StartTagToken {
					inside++
				} else if inside > 0 {
					inside--
				}
			}
		case xhtml.TextToken:
			if inside == 0 {
				raw = linkToken.ReplaceAllFunc(raw, func(m []byte) []byte {
					sub := linkToken.FindSubmatch(m)
					n, _ := strconv.Atoi(string(sub[1]))
					return []byte(linkHTML(byPos, n, string(sub[2]), prefix))
				})
			}
		}
		out.Write(raw)
	}
}

// linkHTML is one expanded token. text is already escaped HTML (it comes
// from a text node of the sanitised body); titles are escaped here.
func linkHTML(links map[int]view.NewsLinkView, n int, text, prefix string) string {
	l, ok := links[n]
	switch {
	case !ok:
		return `<span class="link-missing">(lien indisponible)</span>`
	case !l.Readable:
		return `<span class="link-private">(` + html.EscapeString(view.PrivateLinkLabel(l.NewsLink)) + `)</span>`
	}
	if text == "" {
		text = html.EscapeString(l.Title)
	}
	return `<a href="` + html.EscapeString(prefix+l.Path()) + `">` + text + `</a>`
}

// newsFeed is the Atom feed of the public articles, with absolute
// addresses from the portal's base URL.
func (s *Server) newsFeed(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	now := s.now()
	articles, _, err := s.store.NewsList(ctx, store.NewsFilter{Levels: []model.Visibility{model.VisibilityPublic}, Now: now, Limit: newsFeedSize})
	if err != nil {
		return err
	}
	base := s.baseURL()
	feed := atom.Feed{ID: base + "/news.atom", Title: "Actualités du comité de coordination",
		Subtitle: "Comité de coordination de la lutte contre l'exploitation et la traite des êtres humains",
		Self:     base + "/news.atom", Alternate: base + "/news", Author: "Secrétariat du comité de coordination (MIPROF)",
		Language: "fr"}
	public := access.Viewer{}
	var updated time.Time
	for _, a := range articles {
		// A scheduled article enters the feed at its publication, after
		// its last change.
		for _, t := range []time.Time{a.UpdatedAt, *a.PublishedAt} {
			if t.After(updated) {
				updated = t
			}
		}
		links, err := s.store.NewsLinks(ctx, a.ID)
		if err != nil {
			return err
		}
		feed.Entries = append(feed.Entries, atom.Entry{ID: newsEntryID(base, a), Title: a.Title, Link: base + "/news/" + a.Slug,
			Published: *a.PublishedAt, Updated: a.UpdatedAt, Summary: a.Summary,
			HTML: absoluteLinks(expandLinks(a.BodyHTML, readableLinks(public, links, now), base), base)})
	}
	body, err := feed.Bytes()
	if err != nil {
		return err
	}
	w.Header().Set("Content-Type", atom.ContentType)
	if !updated.IsZero() {
		// The newest change or publication of an article: a validator for
		// the readers that send If-Modified-Since rather than If-None-Match
		// (an article withdrawn from the feed leaves no newer date; the
		// ETag, which wins when both are sent, does see it).
		w.Header().Set("Last-Modified", updated.UTC().Format(http.TimeFormat))
	}
	_, _ = w.Write(body)
	return nil
}

// newsEntryID is the entry's permanent id: a tag URI (RFC 4151) made of the
// portal's host and the article's id, which a change of title or slug does
// not alter.
func newsEntryID(base string, a model.NewsArticle) string {
	host := strings.TrimPrefix(strings.TrimPrefix(base, "https://"), "http://")
	host, _, _ = strings.Cut(host, "/")
	host, _, _ = strings.Cut(host, ":")
	return "tag:" + host + "," + a.CreatedAt.UTC().Format(time.DateOnly) + ":news/" + strconv.FormatInt(a.ID, 10)
}

// absoluteLinks makes the portal's own links of an article absolute, as a
// feed reader needs them; the sanitised body has no other relative links.
func absoluteLinks(body, base string) string {
	return strings.ReplaceAll(body, `href="/`, `href="`+base+`/`)
}

// latestNews returns the articles the home page shows the viewer.
func (s *Server) latestNews(ctx context.Context, v access.Viewer) ([]model.NewsArticle, error) {
	// Drafts and scheduled articles stay off the home page, even for the
	// secretariat: it shows what readers see.
	levels, _ := newsLevels(v)
	articles, _, err := s.store.NewsList(ctx, store.NewsFilter{Levels: levels, Now: s.now(), Limit: newsOnHome})
	return articles, err
}

// MailDueNews queues, for each article visible by now whose mail was asked
// for and not queued yet, one mail per subscriber, and records it in the
// same transaction so that no article is mailed twice, even by several
// instances at once. It returns how many mails were queued.
func (s *Server) MailDueNews(ctx context.Context) (int, error) {
	queued := 0
	err := s.store.InTx(ctx, func(tx *store.Store) error {
		due, err := tx.UnmailedNews(ctx, s.now(), 10)
		if err != nil {
			return err
		}
		for _, a := range due {
			n, err := s.queueNewsMails(ctx, tx, a, s.baseURL())
			if err != nil {
				return err
			}
			queued += n
			if err := tx.Record(ctx, store.Audit{Action: "news.mail", ObjectType: "news", ObjectID: a.ID,
				Detail: map[string]any{"mails": n}}); err != nil {
				return err
			}
		}
		return nil
	})
	return queued, err
}

// queueNewsMails queues the article's mail to every subscriber and marks
// the article mailed, inside tx.
func (s *Server) queueNewsMails(ctx context.Context, tx *store.Store, a model.NewsArticle, base string) (int, error) {
	emails, err := tx.NewsSubscribers(ctx)
	if err != nil {
		return 0, err
	}
	subject, text := newsMail(a, base)
	for _, to := range emails {
		if _, err := tx.QueueMail(ctx, to, subject, text); err != nil {
			return 0, err
		}
	}
	return len(emails), tx.MarkNewsMailed(ctx, a.ID, s.now())
}

func newsMail(a model.NewsArticle, base string) (subject, text string) {
	var b strings.Builder
	b.WriteString("Bonjour,\n\nLe secrétariat du comité de coordination a publié une actualité")
	if a.PublishedAt != nil {
		b.WriteString(" le " + view.Date(*a.PublishedAt))
	}
	b.WriteString(" :\n\n" + a.Title + "\n")
	if a.Summary != "" {
		b.WriteString("\n" + a.Summary + "\n")
	}
	b.WriteString("\nLire l'article : " + base + "/news/" + a.Slug + "\n")
	if a.Visibility == model.VisibilityMembers {
		b.WriteString("Cet article est réservé aux membres du comité : connectez-vous au portail pour le lire.\n")
	}
	b.WriteString("\nVous recevez ce courriel parce que vous avez demandé à recevoir les actualités du comité. " +
		"Pour ne plus les recevoir, décochez cette option dans votre compte : " + base + "/account\n")
	return "Actualité du comité : " + a.Title, b.String()
}

// setNewsByMail records the viewer's choice to receive the articles by mail.
func (s *Server) setNewsByMail(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	v := viewerOf(ctx)
	if !access.CanReceiveNewsByMail(v) {
		return model.ErrForbidden
	}
	if err := r.ParseForm(); err != nil {
		return err
	}
	on := r.PostForm.Get("news_by_mail") == "1"
	err := s.store.InTx(ctx, func(tx *store.Store) error {
		if err := tx.SetNewsByMail(ctx, v.AccountID, on); err != nil {
			return err
		}
		return s.record(ctx, tx, r, "account.news_by_mail", "account", v.AccountID, nil, map[string]any{"news_by_mail": on})
	})
	if errors.Is(err, model.ErrNotFound) {
		return model.ErrForbidden
	}
	if err != nil {
		return err
	}
	flash := "Vous ne recevrez plus les actualités par courriel."
	if on {
		flash = "Vous recevrez désormais les actualités du comité par courriel."
	}
	s.redirectWithFlash(w, r, "/account#actualites", flash)
	return nil
}
