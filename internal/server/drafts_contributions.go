package server

import (
	"context"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"unicode/utf8"

	"comite/internal/access"
	"comite/internal/markdown"
	"comite/internal/model"
	"comite/internal/store"
	"comite/web/view"
)

// A member's contribution on a paragraph of a draft text: posting it,
// editing it within the window, withdrawing it, supporting another's.

// Limits of a contribution's fields, beside model.CommentMaxLength for its
// text.
const (
	quoteMaxLength   = 1000
	wordingMaxLength = 10000
)

// contributionInput reads and checks a posted contribution into form:
// its kind and the passage quoted (given: posted, or those of the
// contribution edited), the text (a comment, or an amendment's
// justification) and an amendment's wording, which must change the
// paragraph.
func contributionInput(form *view.Form, r *http.Request, paragraph string, kind model.ContributionKind, quote string) (model.ContributionKind, string, string, string) {
	if kind != model.ContributionAmendment {
		kind = model.ContributionComment
	}
	form.Values["kind"] = string(kind)
	clean := func(s string) string { return strings.TrimSpace(strings.ReplaceAll(s, "\r\n", "\n")) }
	quote, text, wording := clean(quote), clean(r.PostForm.Get("text")), clean(r.PostForm.Get("wording"))
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
			form.Fail("wording", "Nouvelle rédaction", fmt.Sprintf("La rédaction proposée compte %d caractères ; la limite est de %d.", n, wordingMaxLength))
		case strings.Join(strings.Fields(wording), " ") == strings.Join(strings.Fields(paragraph), " "):
			form.Fail("wording", "Nouvelle rédaction", "La rédaction proposée est identique au paragraphe : modifiez-la, ou publiez un commentaire.")
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
		form.Fail("text", label, fmt.Sprintf("Le texte compte %d caractères ; la limite est de %d. Raccourcissez-le.", n, model.CommentMaxLength))
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
	kind, quote, text, wording := contributionInput(form, r, para.Text, model.ContributionKind(r.PostForm.Get("kind")), r.PostForm.Get("quote"))
	status := http.StatusUnprocessableEntity
	switch {
	case !t.OpenAt(s.now()):
		form.Fail("text", "Texte", "La consultation sur ce texte est close : votre contribution n'a pas été enregistrée. Votre texte est conservé ci-dessous pour que vous puissiez le copier.")
		status = http.StatusConflict
	case para.Anchor == "":
		form.Fail("text", "Texte", "Une nouvelle version du texte a été publiée et ce paragraphe y a été réécrit : votre contribution n'a pas été enregistrée. Votre texte est conservé ci-dessous.")
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
		if err := s.checkCommentBurst(ctx, tx, v.AccountID, tx.RecentContributionCount); err != nil {
			return "", err
		}
		var err error
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
	if refusedBurst(w, form, err) {
		return s.refuseContribution(w, r, t, form, anchor, http.StatusTooManyRequests)
	}
	if err != nil {
		return err
	}
	flash := "Votre contribution est publiée."
	if c.State == model.CommentPending {
		flash = "Votre contribution est transmise au secrétariat ; elle sera publiée après validation."
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
	id, err := pathID(r)
	if err != nil {
		return model.Contribution{}, model.DraftText{}, err
	}
	return s.contributionByID(r.Context(), viewerOf(r.Context()), id)
}

// contributionByID reads contribution id and its text, for a viewer v who
// may see it: ErrNotFound otherwise.
func (s *Server) contributionByID(ctx context.Context, v access.Viewer, id int64) (model.Contribution, model.DraftText, error) {
	c, err := s.store.Contribution(ctx, id)
	if err != nil {
		return c, model.DraftText{}, err
	}
	if !access.CanSeeContribution(v, c) {
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
		_, _, text, wording := contributionInput(form, r, c.Paragraph, c.Kind, c.Quote)
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
		Intro:  fmt.Sprintf("Paragraphe %d : « %s ». Vous pouvez modifier votre contribution pendant %d minutes après sa publication.", c.Number, c.Paragraph, int(model.CommentEditWindow.Minutes())),
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
		s.redirectWithFlash(w, r, contributionLocation(c), "La consultation sur ce texte est close : les soutiens ne changent plus.")
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
