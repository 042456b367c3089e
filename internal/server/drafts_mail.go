package server

import (
	"fmt"
	"net/http"
	"time"

	"comite/internal/model"
	"comite/internal/store"
)

// Following a draft text, and the mails its contributions, versions,
// answers and moderation send: a link, never the text (contributions may
// name people; mails travel far).

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
	flash := "Vous suivez ce texte : un courriel vous signalera chaque nouvelle contribution et chaque nouvelle version."
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
	return s.mailDraftFollowers(r, tx, t, c.AuthorID, "Nouvelle contribution : "+t.Title,
		fmt.Sprintf("%s a publié %s sur le texte « %s » :\n%s%s", c.BodyName, what, t.Title, s.baseURL(), contributionLocation(c)))
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
Pour ne plus en recevoir : « Ne plus suivre ce texte » sur sa page,
%s/consultations/%d

Le secrétariat du comité de coordination
`, f.Name, news, s.baseURL(), t.ID)
		if _, err := tx.QueueMail(ctx, f.Email, subject, text); err != nil {
			return err
		}
	}
	return nil
}

// mailContributionAnswer queues, in the answer's transaction, a mail to
// the contribution's author.
func (s *Server) mailContributionAnswer(r *http.Request, tx *store.Store, t model.DraftText, c model.Contribution) error {
	return s.mailContributionAuthor(r, tx, t, c, "Réponse à votre contribution : "+t.Title, "Le secrétariat a répondu à votre contribution")
}

// moderationNews is what a moderation decision tells the author, "" for
// nothing worth a mail.
func moderationNews(c model.Contribution, state model.CommentState, hiddenAt *time.Time) string {
	switch {
	case c.State == model.CommentPending && state == model.CommentPublished:
		return "Le secrétariat a publié votre contribution"
	case c.State != model.CommentRejected && state == model.CommentRejected:
		return "Le secrétariat n'a pas publié votre contribution"
	case !c.Hidden() && hiddenAt != nil:
		return "Le secrétariat a masqué votre contribution"
	}
	return ""
}

// mailContributionAuthor queues, in the transaction of the decision, a
// mail to the contribution's author with a link and no text.
func (s *Server) mailContributionAuthor(r *http.Request, tx *store.Store, t model.DraftText, c model.Contribution, subject, what string) error {
	ctx := r.Context()
	a, err := tx.Account(ctx, c.AuthorID)
	if err != nil {
		return err
	}
	text := fmt.Sprintf(`Bonjour %s,

%s sur le paragraphe %d du texte « %s » :
%s%s

Le secrétariat du comité de coordination
`, a.DisplayName, what, c.Number, t.Title, s.baseURL(), contributionLocation(c))
	_, err = tx.QueueMail(ctx, a.Email, subject, text)
	return err
}
