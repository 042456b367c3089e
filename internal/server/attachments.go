package server

import (
	"context"
	"fmt"
	"net/http"
	"strconv"

	"comite/internal/access"
	"comite/internal/model"
)

// Members attach a file to what they wrote: a contribution on a draft
// text, or a comment on a measure (issue 18). The file goes through the
// library's upload form (/documents/new?contribution=N or ?comment=N), so
// the same checks apply: extension and content, size, double submit; it is
// a members' contribution document, and the page of the contribution or
// comment lists it for whoever may see both.

// authorAttachment reads the ?contribution= or ?comment= of the upload
// form, for the author of that contribution or comment.
func (s *Server) authorAttachment(r *http.Request) (attachment, error) {
	ctx := r.Context()
	v := viewerOf(ctx)
	q := r.URL.Query()
	if raw := q.Get("contribution"); raw != "" {
		id, err := strconv.ParseInt(raw, 10, 64)
		if err != nil {
			return attachment{}, model.ErrNotFound
		}
		c, err := s.store.Contribution(ctx, id)
		if err != nil {
			return attachment{}, err
		}
		if !access.CanAttachToContribution(v, c) {
			return attachment{}, model.ErrForbidden
		}
		return attachment{kind: "contribution", id: c.ID, label: fmt.Sprintf("à votre contribution sur le paragraphe %d", c.Number),
			back: contributionLocation(c), backLabel: "Retour au texte", visibility: model.VisibilityMembers}, nil
	}
	id, err := strconv.ParseInt(q.Get("comment"), 10, 64)
	if err != nil {
		return attachment{}, model.ErrNotFound
	}
	c, err := s.store.Comment(ctx, id)
	if err != nil {
		return attachment{}, err
	}
	if !access.CanAttachToComment(v, c) {
		return attachment{}, model.ErrForbidden
	}
	return attachment{kind: "comment", id: c.ID, label: "à votre commentaire", back: commentLink(c),
		backLabel: "Retour au commentaire", visibility: model.VisibilityMembers}, nil
}

// describeAuthorLink names a contribution or comment a document is
// attached to, for the document's page, when v may see it: ErrNotFound
// otherwise (or when it is gone).
func (s *Server) describeAuthorLink(ctx context.Context, v access.Viewer, l *model.DocumentLink) error {
	if l.TargetType == "contribution" {
		c, t, err := s.contributionByID(ctx, v, l.TargetID)
		if err != nil {
			return err
		}
		l.Kind, l.Href, l.TargetLabel = "Contribution", contributionLocation(c), fmt.Sprintf("%s, paragraphe %d (%s)", t.Title, c.Number, c.BodyName)
		return nil
	}
	c, m, _, err := s.commentByID(ctx, v, l.TargetID)
	if err != nil {
		return err
	}
	l.Kind, l.Href, l.TargetLabel = "Commentaire", commentLink(c), "Commentaire de "+c.BodyName+" sur la mesure "+m.Label()
	return nil
}
