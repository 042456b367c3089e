package dbmigrate_test

import (
	"context"
	"testing"

	"github.com/jackc/pgx/v5"

	"comite/internal/dbmigrate"
	"comite/internal/pgtest"
)

// Migration 11 holds back what was already leaking: the evidence of
// updates not published, and the files uploaded onto agendas not
// published (linked in the transaction of their upload), but not a
// document attached to a draft agenda after it was in the library. Going
// down, held documents become secretariat documents.
func TestHeldDocumentsMigration(t *testing.T) {
	ctx := context.Background()
	url := pgtest.NewDB(t)
	downTo(t, url, 10)
	conn, err := pgx.Connect(ctx, url)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close(ctx)
	one := func(sql string, args ...any) int64 {
		t.Helper()
		var id int64
		if err := conn.QueryRow(ctx, sql, args...).Scan(&id); err != nil {
			t.Fatalf("%s: %v", sql, err)
		}
		return id
	}
	plan := one(`INSERT INTO plans (slug, title) VALUES ('plan', 'Plan') RETURNING id`)
	measure := one(`INSERT INTO measures (plan_id, title) VALUES ($1, 'Mesure') RETURNING id`, plan)
	update := func(state string) int64 {
		return one(`INSERT INTO measure_updates (measure_id, state, status, progress, text, happened_on)
			VALUES ($1, $2, 'in_progress', 10, 'Texte', current_date) RETURNING id`, measure, state)
	}
	// upload adds a document linked in the same statement, as an upload
	// links it in its own transaction.
	upload := func(targetType string, target int64) int64 {
		return one(`WITH d AS (INSERT INTO documents (title, kind, visibility) VALUES ('Pièce', 'report', 'members') RETURNING id),
			l AS (INSERT INTO document_links (document_id, target_type, target_id) SELECT id, $1, $2 FROM d)
			SELECT id FROM d`, targetType, target)
	}
	pending, returned, published := update("pending"), update("returned"), update("published")
	draft := one(`INSERT INTO meetings (slug, title, starts_at) VALUES ('projet', 'Projet', now() + interval '1 month') RETURNING id`)
	announced := one(`INSERT INTO meetings (slug, title, starts_at, status, invitations_sent)
		VALUES ('annoncee', 'Annoncée', now() + interval '1 month', 'agenda_published', true) RETURNING id`)
	item := one(`INSERT INTO agenda_items (meeting_id, position, title) VALUES ($1, 1, 'Point') RETURNING id`, draft)
	earlier := one(`INSERT INTO documents (title, kind, visibility, created_at) VALUES ('Rapport', 'report', 'public', now() - interval '1 day') RETURNING id`)
	if _, err := conn.Exec(ctx, `INSERT INTO document_links (document_id, target_type, target_id) VALUES ($1, 'meeting', $2)`, earlier, draft); err != nil {
		t.Fatal(err)
	}
	want := map[int64][2]any{
		upload("measure_update", pending):   {"update", pending},
		upload("measure_update", returned):  {"update", returned},
		upload("measure_update", published): {nil, nil},
		upload("agenda_item", item):         {"agenda", draft},
		upload("meeting", draft):            {"agenda", draft},
		upload("meeting", announced):        {nil, nil},
		earlier:                             {nil, nil},
	}
	if err := dbmigrate.Up(url); err != nil {
		t.Fatal(err)
	}
	for id, w := range want {
		var heldFor *string
		var heldID *int64
		if err := conn.QueryRow(ctx, `SELECT held_for, held_id FROM documents WHERE id = $1`, id).Scan(&heldFor, &heldID); err != nil {
			t.Fatal(err)
		}
		switch {
		case w[0] == nil && (heldFor != nil || heldID != nil):
			t.Errorf("document %d: held for %v %v, want not held", id, *heldFor, *heldID)
		case w[0] != nil && (heldFor == nil || heldID == nil || *heldFor != w[0] || *heldID != w[1]):
			t.Errorf("document %d: held for %v %v, want %v %v", id, heldFor, heldID, w[0], w[1])
		}
	}

	downTo(t, url, 10)
	for id, w := range want {
		var visibility string
		if err := conn.QueryRow(ctx, `SELECT visibility FROM documents WHERE id = $1`, id).Scan(&visibility); err != nil {
			t.Fatal(err)
		}
		if held := w[0] != nil; held != (visibility == "secretariat") {
			t.Errorf("document %d after going down: visibility %s (held: %v)", id, visibility, held)
		}
	}
}
