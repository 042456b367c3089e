package server

import (
	"context"
	"errors"
	"net/http"
	"strings"
	"unicode/utf8"

	"comite/internal/access"
	"comite/internal/model"
	"comite/internal/store"
	"comite/web/view"
)

// moderationListSize bounds each of the moderation desk's lists: the
// oldest first, handled, make room for the next.
const moderationListSize = 50

// moderation is the secretariat's desk: flags to handle, comments waiting
// in pre-moderation, measures whose comments have no official answer yet,
// and hidden comments that may be restored.
func (s *Server) moderation(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	p := view.ModerationPage{Base: s.adminBase(r, "Modération des commentaires"), Flags: map[int64][]model.CommentFlag{}, Now: s.now()}
	flags, err := s.store.OpenFlags(ctx, moderationListSize)
	if err != nil {
		return err
	}
	var ids []int64
	for _, f := range flags {
		if _, ok := p.Flags[f.CommentID]; !ok {
			ids = append(ids, f.CommentID)
		}
		p.Flags[f.CommentID] = append(p.Flags[f.CommentID], f)
	}
	if p.Flagged, err = s.store.CommentsByID(ctx, ids); err != nil {
		return err
	}
	if p.Pending, err = s.store.CommentsInState(ctx, model.CommentPending, moderationListSize); err != nil {
		return err
	}
	p.PendingTotal = len(p.Pending)
	if len(p.Pending) == moderationListSize {
		if p.PendingTotal, err = s.store.CommentCountInState(ctx, model.CommentPending); err != nil {
			return err
		}
	}
	if p.Hidden, err = s.store.HiddenComments(ctx, 50); err != nil {
		return err
	}
	// Contributions on draft texts wait in the same pre-moderation; they
	// are approved on their text's page.
	if p.PendingContributions, err = s.store.PendingContributions(ctx, moderationListSize); err != nil {
		return err
	}
	if p.Awaiting, err = s.store.MeasuresAwaitingAnswer(ctx); err != nil {
		return err
	}
	var measureIDs []int64
	for _, list := range [][]model.Comment{p.Flagged, p.Pending, p.Hidden} {
		for _, c := range list {
			measureIDs = append(measureIDs, c.MeasureID)
		}
	}
	measures, err := s.store.Measures(ctx, store.MeasureFilter{IDs: measureIDs})
	if err != nil {
		return err
	}
	p.Measures = map[int64]model.Measure{}
	for _, m := range measures {
		p.Measures[m.ID] = m
	}
	s.render(w, r, http.StatusOK, view.Moderation(p))
	return nil
}

// moderateComment applies the secretariat's decision on a comment: hide
// it behind a public reason, restore it, dismiss its flags, or approve or
// refuse it in pre-moderation. The author is told by mail of all but a
// dismissal.
func (s *Server) moderateComment(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	if !access.CanModerate(viewerOf(ctx)) {
		return model.ErrForbidden
	}
	id, err := pathID(r)
	if err != nil {
		return err
	}
	c, err := s.store.Comment(ctx, id)
	if err != nil {
		return err
	}
	m, err := s.store.Measure(ctx, c.MeasureID)
	if err != nil {
		return err
	}
	if err := r.ParseForm(); err != nil {
		return err
	}
	back := "/admin/moderation"
	if strings.HasPrefix(r.PostForm.Get("back"), "/measures/") {
		back = commentLink(c)
	}
	decision := r.PostForm.Get("decision")
	reason := strings.TrimSpace(r.PostForm.Get("reason"))
	if msg := moderationProblem(decision, reason); msg != "" {
		s.redirectWithFlash(w, r, back, msg)
		return nil
	}
	flash, ok := moderationFlash(decision)
	if !ok {
		return errBadRequest
	}
	subject, text := moderationMail(decision, c, m, reason, s.baseURL()+commentLink(c))
	err = s.store.InTx(ctx, func(tx *store.Store) error {
		if err := s.applyModeration(ctx, tx, r, c, m, decision, reason); err != nil {
			return err
		}
		if err := s.record(ctx, tx, r, "comment."+decision, "comment", c.ID, map[string]any{"state": c.State, "hidden": c.Hidden()},
			map[string]any{"reason": reason}); err != nil {
			return err
		}
		if subject == "" {
			return nil
		}
		return s.mailAuthor(ctx, tx, c, subject, text)
	})
	if errors.Is(err, model.ErrNotFound) || errors.Is(err, model.ErrConflict) {
		s.redirectWithFlash(w, r, back, "Ce commentaire a déjà été traité.")
		return nil
	}
	if err != nil {
		return err
	}
	s.redirectWithFlash(w, r, back, flash)
	return nil
}

// moderationProblem says why a decision cannot be taken with this reason,
// or "": hiding and refusing need one, shown or sent in the comment's
// place, and no reason is longer than 500 characters.
func moderationProblem(decision, reason string) string {
	if (decision == "hide" || decision == "reject") && reason == "" {
		return "Indiquez le motif : il est montré à la place du commentaire et envoyé à son auteur."
	}
	if utf8.RuneCountInString(reason) > 500 {
		return "Le motif ne peut dépasser 500 caractères."
	}
	return ""
}

// moderationFlash is what the secretariat reads once the decision is
// taken; ok is false for a decision the desk does not offer.
func moderationFlash(decision string) (flash string, ok bool) {
	switch decision {
	case "hide":
		return "Le commentaire est masqué ; son auteur en est informé.", true
	case "restore":
		return "Le commentaire est de nouveau visible ; son auteur en est informé.", true
	case "dismiss":
		return "Les signalements sont classés ; le commentaire reste visible.", true
	case "approve":
		return "Le commentaire est publié ; son auteur et les personnes qui suivent la mesure en sont informés.", true
	case "reject":
		return "Le commentaire ne sera pas publié ; son auteur en est informé.", true
	}
	return "", false
}

// applyModeration writes the decision on comment c of measure m.
func (s *Server) applyModeration(ctx context.Context, tx *store.Store, r *http.Request, c model.Comment, m model.Measure, decision, reason string) error {
	now := s.now()
	by := viewerOf(ctx).AccountID
	switch decision {
	case "hide":
		if err := tx.HideComment(ctx, c.ID, reason, now); err != nil {
			return err
		}
		_, err := tx.ResolveFlags(ctx, c.ID, "hidden", by, now)
		return err
	case "restore":
		return tx.RestoreComment(ctx, c.ID)
	case "dismiss":
		n, err := tx.ResolveFlags(ctx, c.ID, "dismissed", by, now)
		if err == nil && n == 0 {
			err = model.ErrConflict
		}
		return err
	case "approve":
		if err := tx.SetCommentState(ctx, c.ID, model.CommentPublished); err != nil {
			return err
		}
		published := c
		published.State = model.CommentPublished
		return s.notifyFollowers(ctx, tx, r, m, published)
	case "reject":
		if err := tx.SetCommentState(ctx, c.ID, model.CommentRejected); err != nil {
			return err
		}
		return tx.SetRejectionReason(ctx, c.ID, reason)
	}
	return errBadRequest
}
