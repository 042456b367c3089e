package seed_test

import (
	"context"
	"testing"

	"comite/internal/pgtest"
	"comite/internal/seed"
	"comite/internal/store"
)

func TestMain(m *testing.M) { pgtest.Main(m) }

// counts returns the number of rows of each seeded table.
func counts(t *testing.T, st *store.Store) map[string]int {
	t.Helper()
	got := map[string]int{}
	for _, table := range []string{"bodies", "mandates", "seats", "meetings", "accounts", "audit_log"} {
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
	if first["bodies"] < 30 || first["mandates"] != 1 || first["meetings"] != 1 {
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
