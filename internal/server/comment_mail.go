package server

import (
	"context"
	"fmt"

	"comite/internal/model"
	"comite/internal/store"
	"comite/web/view"
)

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

// moderationMail is the mail that tells a comment's author of the
// secretariat's decision, with a link to the comment; no subject for a
// dismissal of flags, which the author is not told of.
func moderationMail(decision string, c model.Comment, m model.Measure, reason, link string) (subject, text string) {
	switch decision {
	case "hide":
		return "Votre commentaire a été masqué",
			fmt.Sprintf("Le secrétariat a masqué votre commentaire du %s sur la mesure « %s ».\nMotif indiqué à sa place : %s\n\n%s\n",
				view.DateTime(c.CreatedAt), m.Label(), reason, link)
	case "restore":
		return "Votre commentaire est de nouveau visible",
			fmt.Sprintf("Le secrétariat a rétabli votre commentaire du %s sur la mesure « %s ».\n\n%s\n",
				view.DateTime(c.CreatedAt), m.Label(), link)
	case "approve":
		return "Votre commentaire est publié",
			fmt.Sprintf("Le secrétariat a validé votre commentaire du %s sur la mesure « %s ». Il est désormais publié :\n%s\n",
				view.DateTime(c.CreatedAt), m.Label(), link)
	case "reject":
		return "Votre commentaire n'a pas été publié",
			fmt.Sprintf("Le secrétariat n'a pas publié votre commentaire du %s sur la mesure « %s ».\nMotif : %s\n\n%s\n",
				view.DateTime(c.CreatedAt), m.Label(), reason, link)
	}
	return "", ""
}
