package server

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"unicode/utf8"

	"comite/internal/access"
	"comite/internal/markdown"
	"comite/internal/model"
	"comite/internal/store"
	"comite/internal/textdiff"
	"comite/web/view"
)

// Draft texts put to consultation (issue 18): the secretariat publishes
// versions of a text cut into numbered paragraphs; members comment on a
// paragraph or amend it, support each other's amendments, and the
// secretariat answers each contribution. The rules are those of the
// comments on measures: access decides who takes part, the window is
// checked on every post, the rate limit and the edit window are shared.

// draftTextsPerPage is the length of a page of /consultations.
const draftTextsPerPage = 20

// draftTexts lists the texts, newest first.
func (s *Server) draftTexts(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	page, err := pageNumber(r.URL.Query())
	if err != nil {
		return err
	}
	texts, total, err := s.store.DraftTexts(ctx, (page-1)*draftTextsPerPage, draftTextsPerPage)
	if err != nil {
		return err
	}
	pages := max(1, (total+draftTextsPerPage-1)/draftTextsPerPage)
	if page > pages {
		return model.ErrNotFound
	}
	p := view.DraftTextsPage{Base: s.base(r, "Consultations sur les projets de texte"), Texts: texts, Page: page, Pages: pages,
		Now: s.now(), Manage: access.CanManageDraftTexts(viewerOf(ctx))}
	p.Nav = "consultations"
	if page > 1 {
		p.Title += fmt.Sprintf(" – page %d", page)
	}
	s.render(w, r, http.StatusOK, view.DraftTexts(p))
	return nil
}

// draftTextFromPath reads the text of the route's {id}.
func (s *Server) draftTextFromPath(r *http.Request) (model.DraftText, error) {
	id, err := pathID(r)
	if err != nil {
		return model.DraftText{}, err
	}
	if !access.CanReadDraftTexts(viewerOf(r.Context())) {
		return model.DraftText{}, model.ErrForbidden
	}
	return s.store.DraftText(r.Context(), id)
}

// versionParam reads ?version=N, the current version when absent.
func versionParam(r *http.Request, t model.DraftText, name string, fallback int) (int, error) {
	raw := r.URL.Query().Get(name)
	if raw == "" {
		return fallback, nil
	}
	n, err := strconv.Atoi(raw)
	if err != nil || n < 1 || n > t.CurrentVersion {
		return 0, model.ErrNotFound
	}
	return n, nil
}

// draftText shows one version of a text with the contributions on each
// paragraph and, on the current version, the forms to contribute.
func (s *Server) draftText(w http.ResponseWriter, r *http.Request) error {
	t, err := s.draftTextFromPath(r)
	if err != nil {
		return err
	}
	n, err := versionParam(r, t, "version", t.CurrentVersion)
	if err != nil {
		return err
	}
	p, err := s.draftTextPage(r, t, n, nil, "")
	if err != nil {
		return err
	}
	s.render(w, r, http.StatusOK, view.DraftTextView(p))
	return nil
}

// draftTextPage gathers version n of t and what the viewer sees of its
// contributions. form and anchor carry a refused contribution back into
// the form of its paragraph.
func (s *Server) draftTextPage(r *http.Request, t model.DraftText, n int, form *view.Form, anchor string) (view.DraftTextPage, error) {
	ctx := r.Context()
	v := viewerOf(ctx)
	now := s.now()
	version, err := s.store.TextVersion(ctx, t.ID, n)
	if err != nil {
		return view.DraftTextPage{}, err
	}
	title := t.Title
	if n != t.CurrentVersion {
		title += fmt.Sprintf(" (version %d)", n)
	}
	open := t.OpenAt(now)
	p := view.DraftTextPage{Base: s.base(r, title), Text: t, Now: now, Version: version, Open: open, Upcoming: now.Before(t.OpensAt),
		Current: n == t.CurrentVersion, SignedIn: v.SignedIn(), Manage: access.CanManageDraftTexts(v),
		CanContribute: open && n == t.CurrentVersion && access.CanContribute(v, t),
		Form:          form, FormAnchor: anchor, ByAnchor: map[string][]model.Contribution{},
		Actions: map[int64]view.ContributionActions{}, Diffs: map[int64][]textdiff.Span{}}
	p.Nav = "consultations"
	p.LeftOut = v.SignedIn() && !p.Manage && !access.CanContribute(v, t)
	if p.Following, err = s.store.FollowsDraftText(ctx, v.AccountID, t.ID); err != nil {
		return p, err
	}
	all, own := access.CommentReach(v)
	cs, err := s.store.Contributions(ctx, t.ID, n, all, own)
	if err != nil {
		return p, err
	}
	p.Capped = len(cs) == store.ContributionCap
	anchors := map[string]bool{}
	for _, b := range version.Blocks {
		anchors[b.Anchor] = true
	}
	supported := map[int64]bool{}
	if v.BodyID != 0 && access.CanContribute(v, t) {
		if supported, err = s.store.Supports(ctx, v.BodyID); err != nil {
			return p, err
		}
	}
	for _, c := range cs {
		if !access.CanSeeContribution(v, c) {
			continue
		}
		p.Actions[c.ID] = view.ContributionActions{
			ShowText:  access.CanSeeContributionText(v, c),
			Edit:      access.CanEditContribution(v, c, open, now),
			Withdraw:  access.CanWithdrawContribution(v, c),
			Support:   access.CanSupportContribution(v, t, c, open),
			Supported: supported[c.ID],
			Answer:    access.CanAnswerContribution(v, c),
			Moderate:  p.Manage,
			Attach:    access.CanAttachToContribution(v, c),
		}
		if c.Kind == model.ContributionAmendment {
			p.Diffs[c.ID] = wordDiff(c.Paragraph, c.Wording)
		}
		if anchors[c.Anchor] {
			p.ByAnchor[c.Anchor] = append(p.ByAnchor[c.Anchor], c)
		} else {
			p.Rewritten = append(p.Rewritten, c)
		}
	}
	shown := make([]int64, 0, len(p.Actions))
	for id := range p.Actions {
		shown = append(shown, id)
	}
	p.Attachments, err = s.store.AttachedDocuments(ctx, access.DocumentReader(v), "contribution", shown)
	return p, err
}

// wordDiff is the word-level difference between a paragraph and its
// amended wording, as one run of equal, deleted and inserted words.
func wordDiff(before, after string) []textdiff.Span {
	a, b := strings.Join(strings.Fields(before), " "), strings.Join(strings.Fields(after), " ")
	var out []textdiff.Span
	lines := textdiff.Lines(a, b)
	for i := 0; i < len(lines); i++ {
		l := lines[i]
		if l.Words != nil && l.Kind == textdiff.Deleted && i+1 < len(lines) {
			out = append(out, mergeSpans(l.Words, lines[i+1].Words)...)
			i++
			continue
		}
		out = append(out, textdiff.Span{Kind: l.Kind, Text: l.Text})
	}
	return out
}

// mergeSpans interleaves the spans of an old line (equal and deleted) and
// of its new line (equal and inserted): each deletion comes before the
// insertion that replaces it, equal text once.
func mergeSpans(before, after []textdiff.Span) []textdiff.Span {
	var out []textdiff.Span
	i, j := 0, 0
	for i < len(before) || j < len(after) {
		for i < len(before) && before[i].Kind != textdiff.Equal {
			out = append(out, before[i])
			i++
		}
		for j < len(after) && after[j].Kind != textdiff.Equal {
			out = append(out, after[j])
			j++
		}
		if i < len(before) && j < len(after) {
			out = append(out, before[i])
			i++
			j++
		} else {
			out = append(out, before[i:]...)
			out = append(out, after[j:]...)
			break
		}
	}
	return out
}

// Limits of a contribution's fields, beside model.CommentMaxLength for its
// text.
const (
	quoteMaxLength   = 1000
	wordingMaxLength = 10000
)

// contributionInput reads and checks a posted contribution into form:
// its kind, the passage quoted, the text (a comment, or an amendment's
// justification) and an amendment's wording, which must change the
// paragraph.
func contributionInput(form *view.Form, r *http.Request, paragraph string) (model.ContributionKind, string, string, string) {
	kind := model.ContributionKind(r.PostForm.Get("kind"))
	if kind != model.ContributionAmendment {
		kind = model.ContributionComment
	}
	form.Values["kind"] = string(kind)
	clean := func(s string) string { return strings.TrimSpace(strings.ReplaceAll(s, "\r\n", "\n")) }
	quote, text, wording := clean(r.PostForm.Get("quote")), clean(r.PostForm.Get("text")), clean(r.PostForm.Get("wording"))
	form.Values["quote"], form.Values["text"], form.Values["wording"] = quote, text, wording
	if utf8.RuneCountInString(quote) > quoteMaxLength {
		form.Fail("quote", "Passage cité", fmt.Sprintf("Le passage cité ne peut dépasser %d caractères.", quoteMaxLength))
	}
	label := "Commentaire"
	if kind == model.ContributionAmendment {
		label = "Justification"
		switch n := utf8.RuneCountInString(wording); {
		case n == 0:
			form.Fail("wording", "Nouvelle rédaction", "Saisissez la rédaction que vous proposez pour ce paragraphe.")
		case n > wordingMaxLength:
			form.Fail("wording", "Nouvelle rédaction", fmt.Sprintf("La rédaction proposée compte %d caractères ; la limite est de %d.", n, wordingMaxLength))
		case strings.Join(strings.Fields(wording), " ") == strings.Join(strings.Fields(paragraph), " "):
			form.Fail("wording", "Nouvelle rédaction", "La rédaction proposée est identique au paragraphe : modifiez-la, ou publiez un commentaire.")
		}
	} else {
		wording = ""
	}
	switch n := utf8.RuneCountInString(text); {
	case n == 0 && kind == model.ContributionAmendment:
		form.Fail("text", label, "Expliquez en quelques mots pourquoi vous proposez cette rédaction.")
	case n == 0:
		form.Fail("text", label, "Saisissez le texte de votre commentaire.")
	case n > model.CommentMaxLength:
		form.Fail("text", label, fmt.Sprintf("Le texte compte %d caractères ; la limite est de %d. Raccourcissez-le.", n, model.CommentMaxLength))
	}
	return kind, quote, text, wording
}

// postContribution records a comment or an amendment on a paragraph of
// the current version (pending when the text is pre-moderated).
func (s *Server) postContribution(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	v := viewerOf(ctx)
	t, err := s.draftTextFromPath(r)
	if err != nil {
		return err
	}
	if err := r.ParseForm(); err != nil {
		return err
	}
	// Who may take part does not depend on the window: a refusal here is
	// for a crafted request, since the page shows them no form.
	if !access.CanContribute(v, t) {
		return model.ErrForbidden
	}
	anchor := r.PostForm.Get("anchor")
	posted, err := strconv.Atoi(r.PostForm.Get("version"))
	if err != nil || posted < 1 || posted > t.CurrentVersion {
		return errBadRequest
	}
	version, err := s.store.TextVersion(ctx, t.ID, t.CurrentVersion)
	if err != nil {
		return err
	}
	// A paragraph left unchanged by a version published meanwhile keeps
	// its anchor: the contribution goes onto the current version.
	var para model.TextBlock
	for _, b := range version.Blocks {
		if b.Anchor == anchor && !b.Heading() {
			para = b
		}
	}
	if para.Anchor == "" && posted == t.CurrentVersion {
		return model.ErrNotFound
	}
	form := view.NewForm()
	kind, quote, text, wording := contributionInput(form, r, para.Text)
	status := http.StatusUnprocessableEntity
	switch {
	case !t.OpenAt(s.now()):
		form.Fail("text", "Texte", "La consultation sur ce texte est close : votre contribution n'a pas été enregistrée. Votre texte est conservé ci-dessous pour que vous puissiez le copier.")
		status = http.StatusConflict
	case para.Anchor == "":
		form.Fail("text", "Texte", "Une nouvelle version du texte a été publiée et ce paragraphe y a été réécrit : votre contribution n'a pas été enregistrée. Votre texte est conservé ci-dessous.")
		status = http.StatusConflict
	}
	if !form.Valid() {
		return s.refuseContribution(w, r, t, form, anchor, status)
	}
	c := model.Contribution{TextID: t.ID, Version: t.CurrentVersion, Anchor: anchor, Kind: kind, Quote: quote, Text: text,
		HTML: markdown.Limited(text), Wording: wording, AuthorID: v.AccountID, BodyID: v.BodyID, Category: v.Category,
		State: model.CommentPublished, CreatedAt: s.now()}
	if t.Premoderation {
		c.State = model.CommentPending
	}
	location, err := s.createOnce(r, r.PostForm.Get(view.SubmissionField), func(tx *store.Store) (string, error) {
		// Counted with the author's comments' lock, so that parallel
		// posts are counted one after the other.
		if err := tx.LockCommentsOf(ctx, v.AccountID); err != nil {
			return "", err
		}
		n, err := tx.RecentContributionCount(ctx, v.AccountID, s.now().Add(-model.CommentBurstWindow))
		if err != nil {
			return "", err
		}
		if n >= model.CommentBurst {
			return "", commentBurstError{n}
		}
		if c.ID, err = tx.CreateContribution(ctx, c); err != nil {
			return "", err
		}
		if err := s.record(ctx, tx, r, "contribution.create", "contribution", c.ID, nil, map[string]any{"text": t.ID,
			"version": c.Version, "anchor": c.Anchor, "kind": c.Kind, "quote": c.Quote, "body": c.Text, "wording": c.Wording,
			"state": c.State}); err != nil {
			return "", err
		}
		if err := tx.FollowDraftText(ctx, v.AccountID, t.ID, true); err != nil {
			return "", err
		}
		if c.State == model.CommentPublished {
			c.BodyName = v.BodyName
			if err := s.notifyDraftFollowers(r, tx, t, c); err != nil {
				return "", err
			}
		}
		return contributionLocation(c), nil
	})
	var burst commentBurstError
	if errors.As(err, &burst) {
		form.Fail("text", "Texte", burst.message())
		w.Header().Set("Retry-After", strconv.Itoa(int(model.CommentBurstWindow.Seconds())))
		return s.refuseContribution(w, r, t, form, anchor, http.StatusTooManyRequests)
	}
	if err != nil {
		return err
	}
	flash := "Votre contribution est publiée."
	if c.State == model.CommentPending {
		flash = "Votre contribution est transmise au secrétariat ; elle sera publiée après validation."
	}
	s.redirectWithFlash(w, r, location, flash)
	return nil
}

// refuseContribution shows the text again with the refused contribution
// in the form of its paragraph, its message and what was typed.
func (s *Server) refuseContribution(w http.ResponseWriter, r *http.Request, t model.DraftText, form *view.Form, anchor string, status int) error {
	p, err := s.draftTextPage(r, t, t.CurrentVersion, form, anchor)
	if err != nil {
		return err
	}
	p.Refused = status == http.StatusConflict
	p.Title = "Erreur – " + p.Title
	s.render(w, r, status, view.DraftTextView(p))
	return nil
}

// contributionFor reads the contribution of the route's {id} and its
// text, for a viewer who may see it.
func (s *Server) contributionFor(r *http.Request) (model.Contribution, model.DraftText, error) {
	ctx := r.Context()
	id, err := pathID(r)
	if err != nil {
		return model.Contribution{}, model.DraftText{}, err
	}
	c, err := s.store.Contribution(ctx, id)
	if err != nil {
		return c, model.DraftText{}, err
	}
	if !access.CanSeeContribution(viewerOf(ctx), c) {
		return c, model.DraftText{}, model.ErrNotFound
	}
	t, err := s.store.DraftText(ctx, c.TextID)
	return c, t, err
}

func contributionLocation(c model.Contribution) string {
	return fmt.Sprintf("/consultations/%d#contribution-%d", c.TextID, c.ID)
}

var contributionEditFields = []view.Field{
	{Name: "wording", Label: "Nouvelle rédaction du paragraphe", Kind: "textarea", Required: true, Rows: 6},
	{Name: "text", Label: "Commentaire", Kind: "textarea", Required: true, Rows: 6},
}

// editContribution lets the author change a contribution within the edit
// window, while the text is open and before it is answered.
func (s *Server) editContribution(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	c, t, err := s.contributionFor(r)
	if err != nil {
		return err
	}
	if !access.CanEditContribution(viewerOf(ctx), c, t.OpenAt(s.now()), s.now()) {
		return model.ErrForbidden
	}
	fields := contributionEditFields[1:]
	if c.Kind == model.ContributionAmendment {
		fields = []view.Field{contributionEditFields[0], contributionEditFields[1]}
		fields[1].Label = "Justification"
	}
	form := view.NewForm()
	status := http.StatusOK
	if r.Method == http.MethodPost {
		if err := r.ParseForm(); err != nil {
			return err
		}
		r.PostForm.Set("kind", string(c.Kind))
		r.PostForm.Set("quote", c.Quote)
		_, _, text, wording := contributionInput(form, r, c.Paragraph)
		if form.Valid() {
			err := s.store.InTx(ctx, func(tx *store.Store) error {
				if err := tx.EditContribution(ctx, c.ID, text, markdown.Limited(text), wording, s.now()); err != nil {
					return err
				}
				return s.record(ctx, tx, r, "contribution.edit", "contribution", c.ID,
					map[string]any{"body": c.Text, "wording": c.Wording}, map[string]any{"body": text, "wording": wording})
			})
			if err != nil {
				return err
			}
			s.redirectWithFlash(w, r, contributionLocation(c), "Votre contribution est modifiée.")
			return nil
		}
		status = http.StatusUnprocessableEntity
	} else {
		form.Values["text"], form.Values["wording"] = c.Text, c.Wording
	}
	p := view.EditPage{Base: s.base(r, "Modifier votre contribution – "+t.Title), Back: contributionLocation(c), BackLabel: "Retour au texte",
		Intro:  fmt.Sprintf("Paragraphe %d : « %s ». Vous pouvez modifier votre contribution pendant %d minutes après sa publication.", c.Number, c.Paragraph, int(model.CommentEditWindow.Minutes())),
		Action: fmt.Sprintf("/contributions/%d/edit", c.ID), Submit: "Enregistrer", Form: form, Fields: fields}
	p.Nav = "consultations"
	s.render(w, r, status, view.Edit(p))
	return nil
}

// withdrawContribution withdraws the author's contribution; it stays in
// place, marked withdrawn, so that answers and supports keep their context.
func (s *Server) withdrawContribution(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	c, _, err := s.contributionFor(r)
	if err != nil {
		return err
	}
	if !access.CanWithdrawContribution(viewerOf(ctx), c) {
		return model.ErrForbidden
	}
	err = s.store.InTx(ctx, func(tx *store.Store) error {
		if err := tx.WithdrawContribution(ctx, c.ID, s.now()); err != nil {
			return err
		}
		return s.record(ctx, tx, r, "contribution.withdraw", "contribution", c.ID, nil, nil)
	})
	if err != nil {
		return err
	}
	s.redirectWithFlash(w, r, contributionLocation(c), "Votre contribution est retirée.")
	return nil
}

// supportContribution adds or takes back the support of the viewer's body.
func (s *Server) supportContribution(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	v := viewerOf(ctx)
	c, t, err := s.contributionFor(r)
	if err != nil {
		return err
	}
	if err := r.ParseForm(); err != nil {
		return err
	}
	if !access.CanSupportContribution(v, t, c, true) {
		return model.ErrForbidden
	}
	on := r.PostForm.Get("support") != "0"
	if !t.OpenAt(s.now()) {
		s.redirectWithFlash(w, r, contributionLocation(c), "La consultation sur ce texte est close : les soutiens ne changent plus.")
		return nil
	}
	err = s.store.InTx(ctx, func(tx *store.Store) error {
		if err := tx.SetSupport(ctx, c.ID, v.BodyID, v.AccountID, on); err != nil {
			return err
		}
		return s.record(ctx, tx, r, "contribution.support", "contribution", c.ID, nil, map[string]any{"body": v.BodyID, "support": on})
	})
	if err != nil {
		return err
	}
	flash := "Votre organisme soutient cette contribution."
	if !on {
		flash = "Votre organisme ne soutient plus cette contribution."
	}
	s.redirectWithFlash(w, r, contributionLocation(c), flash)
	return nil
}

// draftTextsOnAgenda returns the texts tabled on a meeting's agenda items,
// by item, for the meeting page.
func (s *Server) draftTextsOnAgenda(ctx context.Context, items []model.AgendaItem) (map[int64][]model.DraftText, error) {
	if len(items) == 0 || !access.CanReadDraftTexts(viewerOf(ctx)) {
		return nil, nil
	}
	ids := make([]int64, 0, len(items))
	for _, it := range items {
		ids = append(ids, it.ID)
	}
	ts, err := s.store.DraftTextsOnAgenda(ctx, ids)
	if err != nil {
		return nil, err
	}
	out := map[int64][]model.DraftText{}
	for _, t := range ts {
		out[t.AgendaItemID] = append(out[t.AgendaItemID], t)
	}
	return out, nil
}

// followDraftText starts or stops the mails about a text's contributions
// and versions.
func (s *Server) followDraftText(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	v := viewerOf(ctx)
	t, err := s.draftTextFromPath(r)
	if err != nil {
		return err
	}
	if err := r.ParseForm(); err != nil {
		return err
	}
	follow := r.PostForm.Get("follow") == "1"
	err = s.store.InTx(ctx, func(tx *store.Store) error {
		if err := tx.FollowDraftText(ctx, v.AccountID, t.ID, follow); err != nil {
			return err
		}
		return s.record(ctx, tx, r, "draft_text.follow", "draft_text", t.ID, nil, map[string]any{"follow": follow})
	})
	if err != nil {
		return err
	}
	flash := "Vous suivez ce texte : un courriel vous signalera chaque nouvelle contribution et chaque nouvelle version."
	if !follow {
		flash = "Vous ne suivez plus ce texte."
	}
	s.redirectWithFlash(w, r, fmt.Sprintf("/consultations/%d", t.ID), flash)
	return nil
}

// notifyDraftFollowers queues, in the transaction that publishes c, a mail
// to each follower of the text but its author, with a link and no text
// (contributions may name people; mails travel far).
func (s *Server) notifyDraftFollowers(r *http.Request, tx *store.Store, t model.DraftText, c model.Contribution) error {
	what := "un commentaire"
	if c.Kind == model.ContributionAmendment {
		what = "un amendement"
	}
	return s.mailDraftFollowers(r, tx, t, c.AuthorID, "Nouvelle contribution : "+t.Title,
		fmt.Sprintf("%s a publié %s sur le texte « %s » :\n%s%s", c.BodyName, what, t.Title, s.baseURL(), contributionLocation(c)))
}

// mailDraftFollowers queues one mail per follower of t but except.
func (s *Server) mailDraftFollowers(r *http.Request, tx *store.Store, t model.DraftText, except int64, subject, news string) error {
	ctx := r.Context()
	followers, err := tx.DraftTextFollowers(ctx, t.ID)
	if err != nil {
		return err
	}
	for _, f := range followers {
		if f.AccountID == except {
			continue
		}
		text := fmt.Sprintf(`Bonjour %s,

%s

Vous recevez ce courriel parce que vous suivez ce texte ou y avez contribué.
Pour ne plus en recevoir : « Ne plus suivre ce texte » sur sa page,
%s/consultations/%d

Le secrétariat du comité de coordination
`, f.Name, news, s.baseURL(), t.ID)
		if _, err := tx.QueueMail(ctx, f.Email, subject, text); err != nil {
			return err
		}
	}
	return nil
}
