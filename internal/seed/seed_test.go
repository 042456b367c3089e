package seed_test

import (
	"context"
	"testing"
	"time"

	"comite/internal/model"
	"comite/internal/pgtest"
	"comite/internal/seed"
	"comite/internal/store"
)

func TestMain(m *testing.M) { pgtest.Main(m) }

// counts returns the number of rows of each seeded table.
func counts(t *testing.T, st *store.Store) map[string]int {
	t.Helper()
	got := map[string]int{}
	for _, table := range []string{"bodies", "mandates", "seats", "meetings", "accounts", "audit_log",
		"agenda_items", "meeting_attendance", "minutes_versions", "decisions", "actions"} {
		var n int
		if err := st.Pool().QueryRow(context.Background(), "SELECT count(*) FROM "+table).Scan(&n); err != nil {
			t.Fatal(err)
		}
		got[table] = n
	}
	return got
}

func TestSeedTwiceChangesNothing(t *testing.T) {
	ctx := context.Background()
	pool, _ := pgtest.NewPool(t)
	st := store.New(pool)
	if err := seed.Committee(ctx, st); err != nil {
		t.Fatal(err)
	}
	created, err := seed.Accounts(ctx, st, false)
	if err != nil {
		t.Fatal(err)
	}
	if len(created) != 5 {
		t.Fatalf("first run: got %d demo accounts, want 5 (one per demo role)", len(created))
	}
	first := counts(t, st)
	if first["bodies"] < 30 || first["mandates"] != 1 || first["meetings"] != 2 {
		t.Fatalf("first run: unexpected counts %v", first)
	}

	// The secretariat edits a seeded body; a second run must keep the edit.
	if _, err := pool.Exec(ctx, `UPDATE bodies SET website = 'https://www.cncdh.fr' WHERE slug = 'cncdh'`); err != nil {
		t.Fatal(err)
	}
	if err := seed.Committee(ctx, st); err != nil {
		t.Fatal(err)
	}
	again, err := seed.Accounts(ctx, st, false)
	if err != nil {
		t.Fatal(err)
	}
	if len(again) != 0 {
		t.Fatalf("second run created %d accounts, want 0", len(again))
	}
	second := counts(t, st)
	for table, n := range first {
		if second[table] != n {
			t.Errorf("%s: %d rows after the second run, want %d", table, second[table], n)
		}
	}
	b, err := st.BodyBySlug(ctx, "cncdh")
	if err != nil || b.Website != "https://www.cncdh.fr" {
		t.Fatalf("the second run overwrote an edited body: %+v %v", b, err)
	}
}

// The demo's first meeting is the one of 21 March 2024: about sixty people
// present across every category, approved minutes, decisions with one
// action still open; and a meeting to come.
func TestDemoMeetings(t *testing.T) {
	ctx := context.Background()
	pool, _ := pgtest.NewPool(t)
	st := store.New(pool)
	if err := seed.Committee(ctx, st); err != nil {
		t.Fatal(err)
	}
	if _, err := seed.Accounts(ctx, st, false); err != nil {
		t.Fatal(err)
	}
	first, err := st.MeetingBySlug(ctx, "cc-2024-03-21")
	if err != nil {
		t.Fatal(err)
	}
	if first.Status != model.MeetingMinutesApproved || first.MinutesApprovedOn == nil || first.MinutesHTML == "" {
		t.Fatalf("first meeting: status %s, approved %v, %d bytes of minutes", first.Status, first.MinutesApprovedOn, len(first.MinutesHTML))
	}
	day := time.Date(2024, 3, 21, 0, 0, 0, 0, time.UTC)
	attendees, err := st.Attendees(ctx, first.ID, day)
	if err != nil {
		t.Fatal(err)
	}
	s := model.Summarize(attendees, 0)
	if s.PeoplePresent < 55 || s.PeoplePresent > 65 {
		t.Errorf("%d people present, want about 60", s.PeoplePresent)
	}
	if len(s.ByCategory) != len(model.Categories) {
		t.Errorf("attendance covers %d categories, want all %d", len(s.ByCategory), len(model.Categories))
	}
	for _, a := range attendees {
		if a.SeatRole == "" {
			t.Errorf("%s attended without a seat on the day", a.Name)
		}
	}
	agenda, err := st.AgendaItems(ctx, first.ID)
	if err != nil || len(agenda) < 5 {
		t.Fatalf("agenda: %d items, %v", len(agenda), err)
	}
	open, err := st.OpenActions(ctx)
	if err != nil || len(open) != 1 {
		t.Fatalf("open actions: %v, %v; want one", open, err)
	}
	next, err := st.NextMeetingAfter(ctx, time.Now())
	if err != nil || next.Status != model.MeetingPlanned {
		t.Fatalf("next meeting: %+v, %v", next, err)
	}
	member, err := st.AccountByEmail(ctx, "association@demo.comite.example")
	if err != nil || member.PersonID == 0 {
		t.Fatalf("the association's demo account stands for no person: %+v, %v", member, err)
	}
}
