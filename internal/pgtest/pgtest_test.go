package pgtest_test

import (
	"fmt"
	"path/filepath"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"

	"comite/internal/dbmigrate"
	"comite/internal/localpg"
	"comite/internal/pgtest"
)

func TestMain(m *testing.M) { pgtest.Main(m) }

func TestDatabasesAreIsolatedAndMigrated(t *testing.T) {
	ctx := t.Context()
	begin := time.Now()
	a, _ := pgtest.NewPool(t)
	t.Logf("NewPool: %v", time.Since(begin))
	b, _ := pgtest.NewPool(t)

	latest, err := dbmigrate.Latest()
	if err != nil {
		t.Fatal(err)
	}
	var version uint
	var dirty bool
	if err := a.QueryRow(ctx, "SELECT version, dirty FROM schema_migrations").Scan(&version, &dirty); err != nil {
		t.Fatal(err)
	}
	if version != latest || dirty {
		t.Errorf("schema at version %d (dirty=%v), want %d", version, dirty, latest)
	}

	if _, err := a.Exec(ctx, `INSERT INTO bodies (slug, name, category) VALUES ('dgcl', 'Direction générale des collectivités locales', 'institution')`); err != nil {
		t.Fatal(err)
	}
	var inA, inB int
	if err := a.QueryRow(ctx, "SELECT count(*) FROM bodies WHERE slug = 'dgcl'").Scan(&inA); err != nil {
		t.Fatal(err)
	}
	if err := b.QueryRow(ctx, "SELECT count(*) FROM bodies WHERE slug = 'dgcl'").Scan(&inB); err != nil {
		t.Fatal(err)
	}
	if inA != 1 || inB != 0 {
		t.Errorf("row in a: %d, in b: %d; want 1 and 0", inA, inB)
	}
}

// TestRestart checks that a test can restart the cluster through Cluster()
// and find its data again; Main still stops the restarted server.
func TestRestart(t *testing.T) {
	pool, url := pgtest.NewPool(t)
	if _, err := pool.Exec(t.Context(), `INSERT INTO bodies (slug, name, category) VALUES ('cnil', 'CNIL', 'independent_body')`); err != nil {
		t.Fatal(err)
	}
	pool.Close()
	c := pgtest.Cluster()
	if err := c.Stop(); err != nil {
		t.Fatal(err)
	}
	if _, err := localpg.Start(t.Context(), filepath.Dir(c.Dir()), nil); err != nil {
		t.Fatal(err)
	}
	conn, err := pgx.Connect(t.Context(), url)
	if err != nil {
		t.Fatalf("connect after restart: %v", err)
	}
	defer conn.Close(t.Context())
	var n int
	if err := conn.QueryRow(t.Context(), "SELECT count(*) FROM bodies WHERE slug = 'cnil'").Scan(&n); err != nil || n != 1 {
		t.Fatalf("after restart: %d rows, err=%v; want 1", n, err)
	}
	pgtest.NewDB(t) // cloning still works on the restarted server
}

func TestParallelNewDB(t *testing.T) {
	for i := range 8 {
		t.Run(fmt.Sprint(i), func(t *testing.T) {
			t.Parallel()
			pool, _ := pgtest.NewPool(t)
			slug := fmt.Sprintf("body-%d", i)
			if _, err := pool.Exec(t.Context(), `INSERT INTO bodies (slug, name, category) VALUES ($1, 'Body', 'association')`, slug); err != nil {
				t.Fatal(err)
			}
			var n int
			if err := pool.QueryRow(t.Context(), "SELECT count(*) FROM bodies").Scan(&n); err != nil || n != 1 {
				t.Fatalf("%d bodies, err=%v; want only ours", n, err)
			}
		})
	}
}

func BenchmarkNewDB(b *testing.B) {
	for b.Loop() {
		pgtest.NewDB(b)
	}
}
