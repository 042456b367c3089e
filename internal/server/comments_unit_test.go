package server

import (
	"strings"
	"testing"
	"time"

	"comite/internal/access"
	"comite/internal/model"
)

func TestClosedThread(t *testing.T) {
	now := time.Date(2026, 11, 28, 12, 0, 0, 0, time.UTC)
	thread := model.Comment{ID: 4, State: model.CommentPublished}
	hidden := thread
	hidden.HiddenAt = &now
	for _, tc := range []struct {
		name   string
		open   bool
		parent model.Comment
		want   string
	}{
		{"a new thread while open", true, model.Comment{}, ""},
		{"a reply while open", true, thread, ""},
		{"a post after the closing", false, model.Comment{}, "La consultation sur cette mesure est close"},
		{"a reply to a comment hidden meanwhile", true, hidden, "n'accepte plus de réponse"},
	} {
		got := closedThread(tc.open, tc.parent)
		if (tc.want == "") != (got == "") || !strings.Contains(got, tc.want) {
			t.Errorf("%s: got %q, want %q", tc.name, got, tc.want)
		}
	}
}

func TestNewComment(t *testing.T) {
	v := access.Viewer{AccountID: 5, Role: model.RolePilot, BodyID: 4, Category: model.CategoryInstitution}
	c := newComment(v, model.Measure{ID: 3}, 9, "Un *point*", true, false)
	if c.MeasureID != 3 || c.ParentID != 9 || c.AuthorID != 5 || c.BodyID != 4 || c.Category != model.CategoryInstitution ||
		!c.Official || c.State != model.CommentPublished || !strings.Contains(c.HTML, "<em>point</em>") {
		t.Errorf("comment: %+v", c)
	}
	if c := newComment(v, model.Measure{ID: 3}, 0, "Texte", false, true); c.State != model.CommentPending {
		t.Errorf("a pre-moderated plan's comment is %s, want pending", c.State)
	}
	if msg := (commentBurstError{count: 5}).message(); !strings.Contains(msg, "5 commentaires en moins de 10 minutes") {
		t.Errorf("burst message: %q", msg)
	}
}
