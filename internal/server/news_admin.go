package server

import (
	"errors"
	"fmt"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"comite/internal/access"
	"comite/internal/markdown"
	"comite/internal/model"
	"comite/internal/store"
	"comite/web/view"
)

// maxNewsBody bounds an article's text: far more than a news item needs,
// short enough to render quickly.
const maxNewsBody = 50000

// pickerSize is how many targets the link picker proposes at once.
const pickerSize = 15

func newsFields() []view.Field {
	vis := []view.Option{}
	for _, l := range model.NewsVisibilities {
		vis = append(vis, view.Option{Value: string(l), Label: newsVisibilityLabel(l)})
	}
	return []view.Field{
		{Name: "title", Label: "Titre", Kind: "text", Required: true,
			Hint: "L'adresse de l'article en est tirée ; elle ne change plus une fois l'article publié."},
		{Name: "summary", Label: "Chapeau", Kind: "textarea", Rows: 3,
			Hint: "Facultatif. Deux ou trois phrases, affichées dans la liste des actualités, sur l'accueil, dans le flux et le courriel."},
		{Name: "body", Label: "Texte de l'article", Kind: "textarea", Rows: 18, Required: true,
			Hint: "Mise en forme Markdown : ## intertitre, **gras**, *italique*, - liste, [texte](https://…). Les images et le HTML ne sont pas acceptés. " +
				"Pour un lien vers une réunion, une mandature, une mesure ou un document du portail, ajoutez-le d'abord dans la section « Liens » de la page de l'article, " +
				"puis écrivez [[lien:1]] à l'endroit voulu : le titre actuel de la cible s'affiche, même s'il change ensuite. " +
				"[[lien:1|votre texte]] affiche votre texte à la place du titre. Tous les liens sont aussi listés sous l'article."},
		{Name: "published_at", Label: "Date et heure de publication", Kind: "datetime-local",
			Hint: "Heure de Paris, par exemple 2026-03-21T09:00. Laissez vide pour garder l'article en brouillon ; une date à venir programme la publication."},
		{Name: "visibility", Label: "Lecteurs", Kind: "select", Required: true, Options: vis},
		{Name: "notify", Label: "Envoyer l'article par courriel aux membres abonnés lors de sa publication", Kind: "checkbox",
			Hint: "Un seul envoi par article, au moment où il devient visible."},
	}
}

func newsVisibilityLabel(v model.Visibility) string {
	if v == model.VisibilityPublic {
		return "Tout public (liste, accueil et flux Atom)"
	}
	return "Membres du comité seulement"
}

func newsForm(a model.NewsArticle) *view.Form {
	f := view.NewForm()
	f.Values = map[string]string{"title": a.Title, "summary": a.Summary, "body": a.Body, "visibility": string(a.Visibility),
		"version": strconv.Itoa(a.Version)}
	if a.PublishedAt != nil {
		f.Values["published_at"] = a.PublishedAt.In(view.Paris).Format(datetimeLocal)
	}
	if a.Notify {
		f.Values["notify"] = "1"
	}
	return f
}

// newsFromForm validates the editor's fields. links are the article's
// links: every [[lien:N]] of the text must name one of them.
func newsFromForm(f *view.Form, fields []view.Field, links []model.NewsLink) model.NewsArticle {
	c := newChecker(f, fields)
	a := model.NewsArticle{Title: c.text("title", 200), Summary: c.text("summary", 600),
		Visibility: model.Visibility(c.choice("visibility")), Notify: f.Value("notify") == "1"}
	a.Body = f.Value("body")
	switch {
	case strings.TrimSpace(a.Body) == "":
		c.fail("body", "Ce champ est obligatoire.")
	case utf8.RuneCountInString(a.Body) > maxNewsBody:
		c.fail("body", "Le texte ne peut dépasser "+strconv.Itoa(maxNewsBody)+" caractères.")
	default:
		if missing := missingLinks(a.Body, links); len(missing) > 0 {
			c.fail("body", "Le texte appelle "+strings.Join(missing, ", ")+", qui n'existe pas : ajoutez ce lien dans la section « Liens » de l'article ou retirez-le du texte.")
		}
	}
	a.PublishedAt = c.datetime("published_at", "2026-03-21T09:00")
	a.BodyHTML = markdown.Document(a.Body)
	return a
}

// publishNow gives the article the present time as its publication date
// when the secretariat pressed « Publier maintenant », whatever the date
// field held: the field is filled in so that a form shown again says so.
func (s *Server) publishNow(r *http.Request, f *view.Form, a *model.NewsArticle) {
	if r.PostForm.Get("action") != "publish" {
		return
	}
	now := s.now().Truncate(time.Minute)
	a.PublishedAt = &now
	f.Values["published_at"] = now.In(view.Paris).Format(datetimeLocal)
	delete(f.Errors, "published_at")
	f.Order = slices.DeleteFunc(f.Order, func(n string) bool { return n == "published_at" })
}

// missingLinks lists the tokens of body that name no link, as typed.
func missingLinks(body string, links []model.NewsLink) []string {
	known := map[string]bool{}
	for _, l := range links {
		known[strconv.Itoa(l.Position)] = true
	}
	var out []string
	seen := map[string]bool{}
	for _, m := range linkToken.FindAllStringSubmatch(body, -1) {
		n := strings.TrimLeft(m[1], "0")
		if !known[n] && !seen[n] {
			seen[n] = true
			out = append(out, "le lien n° "+m[1])
		}
	}
	return out
}

// callsLink reports whether body places link number n.
func callsLink(body string, n int) bool {
	for _, m := range linkToken.FindAllStringSubmatch(body, -1) {
		if k, err := strconv.Atoi(m[1]); err == nil && k == n {
			return true
		}
	}
	return false
}

// newsSlug makes the address of an article from its title: lowercase
// ASCII, accents folded, words joined by dashes, at most 80 characters
// cut between words.
func newsSlug(title string) string {
	var b strings.Builder
	dash := false
	for _, r := range strings.ToLower(title) {
		var s string
		switch {
		case r == 'œ':
			s = "oe"
		case r == 'æ':
			s = "ae"
		case foldAccents[r] != 0:
			s = string(foldAccents[r])
		case (r >= 'a' && r <= 'z') || (r >= '0' && r <= '9'):
			s = string(r)
		}
		if s == "" {
			if !dash && b.Len() > 0 {
				b.WriteByte('-')
				dash = true
			}
			continue
		}
		b.WriteString(s)
		dash = false
	}
	slug := strings.Trim(b.String(), "-")
	if len(slug) > 80 {
		slug = slug[:80]
		if i := strings.LastIndexByte(slug, '-'); i > 40 {
			slug = slug[:i]
		}
		slug = strings.Trim(slug, "-")
	}
	if slug == "" || slug == "new" {
		slug = "actualite"
	}
	return slug
}

// uniqueNewsSlug is newsSlug(title), with -2, -3… if another article has it.
func uniqueNewsSlug(r *http.Request, tx *store.Store, title string, self int64) (string, error) {
	base := newsSlug(title)
	for n := 1; ; n++ {
		slug := base
		if n > 1 {
			slug = fmt.Sprintf("%s-%d", base, n)
		}
		taken, err := tx.NewsSlugTaken(r.Context(), slug, self)
		if err != nil || !taken {
			return slug, err
		}
	}
}

// newsEditPage is the editor, for a new article (a nil) or an existing one.
func (s *Server) newsEditPage(r *http.Request, title string, a *model.NewsArticle, f *view.Form, links []model.NewsLink) view.NewsEditPage {
	p := view.NewsEditPage{Base: s.base(r, title), Article: a, Form: f, Fields: newsFields(), Links: links, Now: s.now(),
		Action: "/news/new", Back: "/news", BackLabel: "Toutes les actualités"}
	if a != nil {
		p.Action, p.Back, p.BackLabel = "/news/"+a.Slug+"/edit", "/news/"+a.Slug, "Retour à l'article"
	}
	p.Nav = "news"
	return p
}

// preview renders the text being written as readers will see it.
func (s *Server) newsPreview(r *http.Request, bodyHTML string, links []model.NewsLink) string {
	return expandLinks(bodyHTML, readableLinks(viewerOf(r.Context()), links, s.now()), "")
}

func (s *Server) newNews(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	v := viewerOf(ctx)
	if !access.CanManageNews(v) {
		return model.ErrForbidden
	}
	if r.Method == http.MethodGet {
		f := view.NewForm()
		f.Values["visibility"] = string(model.VisibilityPublic)
		f.Values["notify"] = "1"
		s.render(w, r, http.StatusOK, view.NewsEdit(s.newsEditPage(r, "Rédiger une actualité", nil, f, nil)))
		return nil
	}
	fields := newsFields()
	f, err := readForm(r, fields)
	if err != nil {
		return err
	}
	a := newsFromForm(f, fields, nil)
	s.publishNow(r, f, &a)
	if r.PostForm.Get("action") == "preview" {
		p := s.newsEditPage(r, "Rédiger une actualité", nil, f, nil)
		p.Preview = s.newsPreview(r, a.BodyHTML, nil)
		s.render(w, r, http.StatusOK, view.NewsEdit(p))
		return nil
	}
	if !f.Valid() {
		s.render(w, r, http.StatusUnprocessableEntity, view.NewsEdit(s.newsEditPage(r, "Erreur – Rédiger une actualité", nil, f, nil)))
		return nil
	}
	a.CreatedBy = v.AccountID
	a.SlugFrozen = a.PublishedBy(s.now())
	queued := 0
	location, err := s.createOnce(r, r.PostForm.Get(view.SubmissionField), func(tx *store.Store) (string, error) {
		var err error
		if a.Slug, err = uniqueNewsSlug(r, tx, a.Title, 0); err != nil {
			return "", err
		}
		if a.ID, err = tx.CreateNews(ctx, a); err != nil {
			return "", err
		}
		if err := s.record(ctx, tx, r, "news.create", "news", a.ID, nil, auditNews(a)); err != nil {
			return "", err
		}
		queued, err = s.mailIfVisible(r, tx, a)
		return "/news/" + a.Slug, err
	})
	if err != nil {
		return err
	}
	s.redirectWithFlash(w, r, location, newsSavedFlash(a, s.now(), queued, s.cfg.SMTP.Host != "")+
		" Ajoutez ci-dessous les liens vers les réunions, mandatures, mesures et documents, et les pièces jointes.")
	return nil
}

// mailIfVisible queues the article's mails in tx when it is visible now,
// asks for them and has not had them yet; scheduled articles get theirs
// from the maintenance loop once their time comes.
func (s *Server) mailIfVisible(r *http.Request, tx *store.Store, a model.NewsArticle) (int, error) {
	if !a.Notify || a.MailedAt != nil || !a.PublishedBy(s.now()) {
		return 0, nil
	}
	n, err := s.queueNewsMails(r.Context(), tx, a, s.baseURL())
	if err != nil {
		return 0, err
	}
	return n, s.record(r.Context(), tx, r, "news.mail", "news", a.ID, nil, map[string]any{"mails": n})
}

func newsSavedFlash(a model.NewsArticle, now time.Time, queued int, sending bool) string {
	var msg string
	switch {
	case a.PublishedAt == nil:
		msg = "L'article est enregistré comme brouillon : il n'est visible que du secrétariat."
	case a.PublishedAt.After(now):
		msg = "L'article est programmé : il sera publié le " + view.DateTime(*a.PublishedAt) + "."
	default:
		msg = "L'article est publié."
	}
	if queued > 0 {
		msg += " " + mailsQueued(queued, view.PluralWord(queued, "pour l'abonné", "pour les abonnés"), sending)
	}
	return msg
}

// auditNews is what the audit log keeps of an article: everything but the
// rendered text, which follows from the markdown.
func auditNews(a model.NewsArticle) map[string]any {
	return map[string]any{"slug": a.Slug, "title": a.Title, "summary": a.Summary, "body": a.Body, "visibility": a.Visibility,
		"published_at": a.PublishedAt, "notify": a.Notify}
}

// managedNews loads the article of the route for the secretariat.
func (s *Server) managedNews(r *http.Request) (model.NewsArticle, error) {
	if !access.CanManageNews(viewerOf(r.Context())) {
		return model.NewsArticle{}, model.ErrForbidden
	}
	return s.newsFor(r)
}

func (s *Server) editNews(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	old, err := s.managedNews(r)
	if err != nil {
		return err
	}
	links, err := s.store.NewsLinks(ctx, old.ID)
	if err != nil {
		return err
	}
	title := "Modifier « " + old.Title + " »"
	if r.Method == http.MethodGet {
		s.render(w, r, http.StatusOK, view.NewsEdit(s.newsEditPage(r, title, &old, newsForm(old), links)))
		return nil
	}
	fields := newsFields()
	f, err := readForm(r, fields)
	if err != nil {
		return err
	}
	base, err := strconv.Atoi(r.PostForm.Get("version"))
	if err != nil || base < 1 {
		return errBadRequest
	}
	f.Values["version"] = strconv.Itoa(base)
	a := newsFromForm(f, fields, links)
	s.publishNow(r, f, &a)
	if r.PostForm.Get("action") == "preview" {
		p := s.newsEditPage(r, title, &old, f, links)
		p.Preview = s.newsPreview(r, a.BodyHTML, links)
		s.render(w, r, http.StatusOK, view.NewsEdit(p))
		return nil
	}
	if !f.Valid() {
		s.render(w, r, http.StatusUnprocessableEntity, view.NewsEdit(s.newsEditPage(r, "Erreur – "+title, &old, f, links)))
		return nil
	}
	a.ID = old.ID
	queued := 0
	err = s.store.InTx(ctx, func(tx *store.Store) error {
		// The address is frozen once readers may have had it, even if the
		// article is moved back to a later date.
		a.Slug = old.Slug
		a.SlugFrozen = old.SlugFrozen || old.PublishedBy(s.now()) || a.PublishedBy(s.now())
		if !a.SlugFrozen {
			var err error
			if a.Slug, err = uniqueNewsSlug(r, tx, a.Title, old.ID); err != nil {
				return err
			}
		}
		saved, err := tx.UpdateNews(ctx, a, base)
		if err != nil {
			return err
		}
		if err := s.record(ctx, tx, r, "news.update", "news", a.ID, auditNews(old), auditNews(a)); err != nil {
			return err
		}
		queued, err = s.mailIfVisible(r, tx, saved)
		return err
	})
	if errors.Is(err, model.ErrConflict) {
		p := s.newsEditPage(r, "Erreur – "+title, &old, f, links)
		p.Conflict = true
		current, err := s.store.NewsArticle(ctx, old.ID)
		if err != nil {
			return err
		}
		// The next save is a deliberate choice, made after reading the
		// other version.
		f.Values["version"] = strconv.Itoa(current.Version)
		s.render(w, r, http.StatusConflict, view.NewsEdit(p))
		return nil
	}
	if err != nil {
		return err
	}
	s.redirectWithFlash(w, r, "/news/"+a.Slug, newsSavedFlash(a, s.now(), queued, s.cfg.SMTP.Host != ""))
	return nil
}

func (s *Server) deleteNews(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	a, err := s.managedNews(r)
	if err != nil {
		return err
	}
	back := "/news/" + a.Slug
	if r.Method == http.MethodGet {
		s.render(w, r, http.StatusOK, view.Confirm(view.ConfirmPage{Base: s.base(r, "Supprimer « "+a.Title+" »"),
			Message: "L'article et ses liens seront supprimés définitivement ; son adresse ne mènera plus nulle part. Les documents joints restent dans la bibliothèque.",
			Action:  back + "/delete", Submit: "Supprimer l'article", Cancel: back}))
		return nil
	}
	err = s.store.InTx(ctx, func(tx *store.Store) error {
		if err := tx.DeleteNews(ctx, a.ID); err != nil {
			return err
		}
		return s.record(ctx, tx, r, "news.delete", "news", a.ID, auditNews(a), nil)
	})
	if err != nil {
		return err
	}
	s.redirectWithFlash(w, r, "/news", "L'article « "+a.Title+" » a été supprimé.")
	return nil
}

// fillPicker reads the link picker's search (?type=…&q=…) of the article
// page and lists the matching targets.
func (s *Server) fillPicker(r *http.Request, p *view.NewsArticlePage) error {
	q := r.URL.Query()
	p.Picker.Query = strings.TrimSpace(q.Get("q"))
	if utf8.RuneCountInString(p.Picker.Query) > 100 {
		p.Picker.Query = string([]rune(p.Picker.Query)[:100])
	}
	t := model.LinkTarget(q.Get("type"))
	if !t.Valid() {
		return nil
	}
	p.Picker.Type = string(t)
	var err error
	p.Picker.Results, err = s.store.LinkCandidates(r.Context(), t, p.Picker.Query, pickerSize)
	p.Picker.Searched = true
	return err
}

// addNewsLink adds an internal link chosen in the picker: target is
// "type:id", such as "meeting:12".
func (s *Server) addNewsLink(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	a, err := s.managedNews(r)
	if err != nil {
		return err
	}
	if err := r.ParseForm(); err != nil {
		return err
	}
	back := "/news/" + a.Slug + "#liens"
	kind, rawID, _ := strings.Cut(r.PostForm.Get("target"), ":")
	t := model.LinkTarget(kind)
	id, err := strconv.ParseInt(rawID, 10, 64)
	if !t.Valid() || err != nil || id < 1 {
		s.redirectWithFlash(w, r, back, "Choisissez dans la liste la réunion, la mandature, la mesure ou le document à lier.")
		return nil
	}
	var position int
	_, err = s.createOnce(r, r.PostForm.Get(view.SubmissionField), func(tx *store.Store) (string, error) {
		var err error
		if position, err = tx.AddNewsLink(ctx, a.ID, t, id); err != nil {
			return "", err
		}
		return back, s.record(ctx, tx, r, "news.link", "news", a.ID, nil, map[string]any{"position": position, "target_type": t, "target_id": id})
	})
	switch {
	case errors.Is(err, model.ErrConflict):
		s.redirectWithFlash(w, r, back, "Ce lien figure déjà dans l'article.")
		return nil
	case errors.Is(err, model.ErrNotFound):
		s.redirectWithFlash(w, r, back, "La cible choisie n'existe plus : choisissez-en une autre.")
		return nil
	case err != nil:
		return err
	}
	s.redirectWithFlash(w, r, back, fmt.Sprintf("Le lien n° %d est ajouté. Écrivez [[lien:%d]] dans le texte de l'article pour le placer ; il figure aussi dans la liste des liens.", position, position))
	return nil
}

func (s *Server) removeNewsLink(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	a, err := s.managedNews(r)
	if err != nil {
		return err
	}
	n, err := strconv.Atoi(r.PathValue("n"))
	if err != nil || n < 1 {
		return model.ErrNotFound
	}
	err = s.store.InTx(ctx, func(tx *store.Store) error {
		if err := tx.RemoveNewsLink(ctx, a.ID, n); err != nil {
			return err
		}
		return s.record(ctx, tx, r, "news.unlink", "news", a.ID, map[string]any{"position": n}, nil)
	})
	if err != nil {
		return err
	}
	flash := fmt.Sprintf("Le lien n° %d est retiré.", n)
	if callsLink(a.Body, n) {
		flash += fmt.Sprintf(" Le texte l'appelle encore : retirez [[lien:%d]] du texte, qui affiche « (lien indisponible) » à sa place.", n)
	}
	s.redirectWithFlash(w, r, "/news/"+a.Slug+"#liens", flash)
	return nil
}

// attachNews attaches an existing document to the article, or detaches it
// (action=detach), through the documents' own links.
func (s *Server) attachNews(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	a, err := s.managedNews(r)
	if err != nil {
		return err
	}
	if !access.CanAttachDocuments(viewerOf(ctx)) {
		return model.ErrForbidden
	}
	if err := r.ParseForm(); err != nil {
		return err
	}
	back := "/news/" + a.Slug + "#pieces-jointes"
	id, err := strconv.ParseInt(r.PostForm.Get("document"), 10, 64)
	if err != nil || id < 1 {
		s.redirectWithFlash(w, r, back, "Choisissez le document à joindre.")
		return nil
	}
	d, err := s.store.Document(ctx, id)
	if err != nil {
		return err
	}
	detach := r.PostForm.Get("action") == "detach"
	if err := s.attachDocument(r, d.ID, "news", a.ID, detach, back); err != nil {
		return err
	}
	msg := "Le document « " + d.Title + " » est joint à l'article."
	if detach {
		msg = "Le document « " + d.Title + " » n'est plus joint à l'article ; il reste dans la bibliothèque."
	} else if d.Visibility != model.VisibilityPublic && a.Visibility == model.VisibilityPublic {
		msg += " Attention : il n'est pas public, seuls les lecteurs autorisés le verront."
	}
	s.redirectWithFlash(w, r, back, msg)
	return nil
}
