package store

import (
	"testing"
)

// TestRenderMissingHTML renders the remarks and dissenting positions saved
// before their HTML was stored, once, and leaves the others alone.
func TestRenderMissingHTML(t *testing.T) {
	ctx := t.Context()
	s := newTestStore(t)
	one := func(sql string, args ...any) int64 {
		t.Helper()
		var id int64
		if err := s.db.QueryRow(ctx, sql, args...).Scan(&id); err != nil {
			t.Fatalf("%s: %v", sql, err)
		}
		return id
	}
	body := one(`INSERT INTO bodies (slug, name, category) VALUES ('association', 'Association', 'association') RETURNING id`)
	account := one(`INSERT INTO accounts (email, display_name, password_hash, role, body_id)
		VALUES ('membre@exemple.fr', 'Membre', 'x', 'member', $1) RETURNING id`, body)
	meeting := one(`INSERT INTO meetings (slug, title, starts_at) VALUES ('reunion', 'Réunion', now()) RETURNING id`)
	old := one(`INSERT INTO minutes_remarks (meeting_id, author_id, body_id, text) VALUES ($1, $2, $3, 'ancienne') RETURNING id`, meeting, account, body)
	if _, err := s.AddRemark(ctx, meeting, account, body, "nouvelle", "<p>déjà rendue</p>"); err != nil {
		t.Fatal(err)
	}
	one(`INSERT INTO minutes_dissents (meeting_id, body_id, author_id, text) VALUES ($1, $2, $3, 'position') RETURNING id`, meeting, body, account)

	render := func(md string) string { return "<p>rendu : " + md + "</p>" }
	if n, err := s.RenderMissingHTML(ctx, render); err != nil || n != 2 {
		t.Fatalf("RenderMissingHTML = %d, %v; want 2", n, err)
	}
	if n, err := s.RenderMissingHTML(ctx, render); err != nil || n != 0 {
		t.Fatalf("second RenderMissingHTML = %d, %v; want 0", n, err)
	}
	remarks, err := s.Remarks(ctx, meeting)
	if err != nil {
		t.Fatal(err)
	}
	got := map[int64]string{}
	for _, r := range remarks {
		got[r.ID] = r.HTML
	}
	if got[old] != "<p>rendu : ancienne</p>" || len(got) != 2 {
		t.Errorf("remarks' HTML: %v", got)
	}
	for _, r := range remarks {
		if r.ID != old && r.HTML != "<p>déjà rendue</p>" {
			t.Errorf("a remark saved with its HTML was rendered again: %q", r.HTML)
		}
	}
	dissents, err := s.Dissents(ctx, meeting)
	if err != nil || len(dissents) != 1 || dissents[0].HTML != "<p>rendu : position</p>" {
		t.Errorf("dissents: %+v, %v", dissents, err)
	}
}
