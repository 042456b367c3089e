package server

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"unicode/utf8"

	"comite/internal/access"
	"comite/internal/model"
	"comite/internal/store"
	"comite/web/view"
)

// moderation is the secretariat's desk: flags to handle, comments waiting
// in pre-moderation, measures whose comments have no official answer yet,
// and hidden comments that may be restored.
func (s *Server) moderation(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	p := view.ModerationPage{Base: s.adminBase(r, "Modération des commentaires"), Flags: map[int64][]model.CommentFlag{}, Now: s.now()}
	flags, err := s.store.OpenFlags(ctx)
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
	if p.Pending, err = s.store.CommentsInState(ctx, model.CommentPending); err != nil {
		return err
	}
	if p.Hidden, err = s.store.HiddenComments(ctx, 50); err != nil {
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
	v := viewerOf(ctx)
	if !access.CanModerate(v) {
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
	if (decision == "hide" || decision == "reject") && reason == "" {
		s.redirectWithFlash(w, r, back, "Indiquez le motif : il est montré à la place du commentaire et envoyé à son auteur.")
		return nil
	}
	if utf8.RuneCountInString(reason) > 500 {
		s.redirectWithFlash(w, r, back, "Le motif ne peut dépasser 500 caractères.")
		return nil
	}
	now := s.now()
	var flash, subject, text string
	link := s.baseURL() + commentLink(c)
	err = s.store.InTx(ctx, func(tx *store.Store) error {
		var change func() error
		switch decision {
		case "hide":
			change = func() error {
				if err := tx.HideComment(ctx, c.ID, reason, now); err != nil {
					return err
				}
				_, err := tx.ResolveFlags(ctx, c.ID, "hidden", v.AccountID, now)
				return err
			}
			flash = "Le commentaire est masqué ; son auteur en est informé."
			subject = "Votre commentaire a été masqué"
			text = fmt.Sprintf("Le secrétariat a masqué votre commentaire du %s sur la mesure « %s ».\nMotif indiqué à sa place : %s\n\n%s\n",
				view.DateTime(c.CreatedAt), m.Label(), reason, link)
		case "restore":
			change = func() error { return tx.RestoreComment(ctx, c.ID) }
			flash = "Le commentaire est de nouveau visible ; son auteur en est informé."
			subject = "Votre commentaire est de nouveau visible"
			text = fmt.Sprintf("Le secrétariat a rétabli votre commentaire du %s sur la mesure « %s ».\n\n%s\n",
				view.DateTime(c.CreatedAt), m.Label(), link)
		case "dismiss":
			change = func() error {
				n, err := tx.ResolveFlags(ctx, c.ID, "dismissed", v.AccountID, now)
				if err == nil && n == 0 {
					err = model.ErrConflict
				}
				return err
			}
			flash = "Les signalements sont classés ; le commentaire reste visible."
		case "approve":
			change = func() error {
				if err := tx.SetCommentState(ctx, c.ID, model.CommentPublished); err != nil {
					return err
				}
				published := c
				published.State = model.CommentPublished
				return s.notifyFollowers(ctx, tx, r, m, published)
			}
			flash = "Le commentaire est publié ; son auteur et les personnes qui suivent la mesure en sont informés."
			subject = "Votre commentaire est publié"
			text = fmt.Sprintf("Le secrétariat a validé votre commentaire du %s sur la mesure « %s ». Il est désormais publié :\n%s\n",
				view.DateTime(c.CreatedAt), m.Label(), link)
		case "reject":
			change = func() error {
				if err := tx.SetCommentState(ctx, c.ID, model.CommentRejected); err != nil {
					return err
				}
				return tx.SetRejectionReason(ctx, c.ID, reason)
			}
			flash = "Le commentaire ne sera pas publié ; son auteur en est informé."
			subject = "Votre commentaire n'a pas été publié"
			text = fmt.Sprintf("Le secrétariat n'a pas publié votre commentaire du %s sur la mesure « %s ».\nMotif : %s\n\n%s\n",
				view.DateTime(c.CreatedAt), m.Label(), reason, link)
		default:
			return errBadRequest
		}
		if err := change(); err != nil {
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

// mailAuthor queues a mail to a comment's author, if the account is still
// active.
func (s *Server) mailAuthor(ctx context.Context, tx *store.Store, c model.Comment, subject, text string) error {
	author, err := tx.Account(ctx, c.AuthorID)
	if err != nil {
		return err
	}
	if !author.Active {
		return nil
	}
	_, err = tx.QueueMail(ctx, author.Email, subject, "Bonjour "+author.DisplayName+",\n\n"+text+"\nLe secrétariat du comité de coordination\n")
	return err
}
