package server

import (
	"fmt"
	"net/http"
	"strings"

	"comite/internal/access"
	"comite/internal/model"
	"comite/internal/store"
)

// The secretariat's answers to contributions and its moderation of them.

// answerContribution records the secretariat's answer to a contribution,
// with its reason, and tells the author by mail.
func (s *Server) answerContribution(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	c, t, err := s.contributionFor(r)
	if err != nil {
		return err
	}
	if !access.CanAnswerContribution(viewerOf(ctx), c) {
		return model.ErrForbidden
	}
	if err := r.ParseForm(); err != nil {
		return err
	}
	verdict := model.Verdict(r.PostForm.Get("verdict"))
	reason := strings.TrimSpace(strings.ReplaceAll(r.PostForm.Get("reason"), "\r\n", "\n"))
	back := contributionLocation(c)
	switch {
	case !verdict.Valid():
		s.redirectWithFlash(w, r, back, "Réponse non enregistrée : choisissez une réponse (retenu, retenu en partie, non retenu, hors du champ).")
		return nil
	case reason == "" || len([]rune(reason)) > model.CommentMaxLength:
		s.redirectWithFlash(w, r, back, fmt.Sprintf("Réponse non enregistrée : motivez-la en quelques mots (%d caractères au plus).", model.CommentMaxLength))
		return nil
	}
	err = s.store.InTx(ctx, func(tx *store.Store) error {
		if err := tx.AnswerContribution(ctx, c.ID, verdict, reason, viewerOf(ctx).AccountID, s.now()); err != nil {
			return err
		}
		if err := s.record(ctx, tx, r, "contribution.answer", "contribution", c.ID,
			map[string]any{"verdict": c.Verdict, "reason": c.AnswerReason}, map[string]any{"verdict": verdict, "reason": reason}); err != nil {
			return err
		}
		return s.mailContributionAnswer(r, tx, t, c)
	})
	if err != nil {
		return err
	}
	s.redirectWithFlash(w, r, back, "La réponse est enregistrée.")
	return nil
}

// moderateContribution approves or refuses a pending contribution, hides
// one with a public reason or shows it again.
func (s *Server) moderateContribution(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	c, t, err := s.contributionFor(r)
	if err != nil {
		return err
	}
	if !access.CanManageDraftTexts(viewerOf(ctx)) {
		return model.ErrForbidden
	}
	if err := r.ParseForm(); err != nil {
		return err
	}
	state, hiddenAt, reason := c.State, c.HiddenAt, c.HiddenReason
	now := s.now()
	switch r.PostForm.Get("action") {
	case "approve":
		state = model.CommentPublished
	case "refuse":
		state = model.CommentRejected
	case "hide":
		reason = strings.TrimSpace(r.PostForm.Get("reason"))
		if reason == "" || len([]rune(reason)) > 1000 {
			s.redirectWithFlash(w, r, contributionLocation(c), "Contribution non masquée : indiquez le motif, qui sera affiché à sa place (1 000 caractères au plus).")
			return nil
		}
		hiddenAt = &now
	case "restore":
		hiddenAt, reason = nil, ""
	default:
		return errBadRequest
	}
	err = s.store.InTx(ctx, func(tx *store.Store) error {
		if err := tx.ModerateContribution(ctx, c.ID, state, hiddenAt, reason); err != nil {
			return err
		}
		if c.State == model.CommentPending && state == model.CommentPublished {
			// Approved from pre-moderation: published now.
			if err := s.notifyDraftFollowers(r, tx, t, c); err != nil {
				return err
			}
		}
		if what := moderationNews(c, state, hiddenAt); what != "" {
			if err := s.mailContributionAuthor(r, tx, t, c, "Modération de votre contribution : "+t.Title, what); err != nil {
				return err
			}
		}
		return s.record(ctx, tx, r, "contribution.moderate", "contribution", c.ID,
			map[string]any{"state": c.State, "hidden": c.Hidden(), "reason": c.HiddenReason},
			map[string]any{"state": state, "hidden": hiddenAt != nil, "reason": reason})
	})
	if err != nil {
		return err
	}
	s.redirectWithFlash(w, r, contributionLocation(c), "La décision de modération est enregistrée.")
	return nil
}
