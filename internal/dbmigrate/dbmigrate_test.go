package dbmigrate_test

import (
	"context"
	"errors"
	"io/fs"
	"strconv"
	"strings"
	"sync"
	"testing"

	"github.com/jackc/pgx/v5"

	"comite/internal/dbmigrate"
	"comite/internal/pgtest"
	"comite/migrations"
)

func TestMain(m *testing.M) { pgtest.Main(m) }

// emptyDB returns a database with no schema at all: the template is
// migrated, so everything is reverted first, one step per migration file
// (numbers may leave gaps where parallel work took one).
func emptyDB(t *testing.T) string {
	url := pgtest.NewDB(t)
	ups, err := fs.Glob(migrations.FS, "*.up.sql")
	if err != nil {
		t.Fatal(err)
	}
	if err := dbmigrate.Down(url, len(ups)); err != nil {
		t.Fatalf("down to empty: %v", err)
	}
	return url
}

// downTo reverts every migration after version, so that a test of one
// migration still starts just before it once later ones are added.
func downTo(t *testing.T, url string, version int) {
	t.Helper()
	ups, err := fs.Glob(migrations.FS, "*.up.sql")
	if err != nil {
		t.Fatal(err)
	}
	n := 0
	for _, name := range ups {
		v, err := strconv.Atoi(name[:strings.IndexByte(name, '_')])
		if err != nil {
			t.Fatalf("migration %s: %v", name, err)
		}
		if v > version {
			n++
		}
	}
	if err := dbmigrate.Down(url, n); err != nil {
		t.Fatalf("down to %d: %v", version, err)
	}
}

func tableExists(t *testing.T, url, table string) bool {
	t.Helper()
	conn, err := pgx.Connect(context.Background(), url)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close(context.Background())
	var ok bool
	if err := conn.QueryRow(context.Background(), `SELECT to_regclass($1) IS NOT NULL`, table).Scan(&ok); err != nil {
		t.Fatal(err)
	}
	return ok
}

func TestUpDownUp(t *testing.T) {
	url := emptyDB(t)
	if tableExists(t, url, "accounts") {
		t.Fatal("accounts still exists after migrating down")
	}
	if v, _, err := dbmigrate.Version(url); err != nil || v != 0 {
		t.Fatalf("version after down: got %d, %v; want 0", v, err)
	}
	if err := dbmigrate.Up(url); err != nil {
		t.Fatal(err)
	}
	latest, _ := dbmigrate.Latest()
	if v, dirty, err := dbmigrate.Version(url); err != nil || v != latest || dirty {
		t.Fatalf("version after up: got %d dirty=%v %v; want %d", v, dirty, err, latest)
	}
	if !tableExists(t, url, "accounts") {
		t.Fatal("accounts missing after migrating up")
	}
	if err := dbmigrate.Up(url); err != nil {
		t.Fatalf("second up must be a no-op: %v", err)
	}
}

func TestConcurrentUp(t *testing.T) {
	url := emptyDB(t)
	var wg sync.WaitGroup
	errs := make([]error, 3)
	for i := range errs {
		wg.Go(func() { errs[i] = dbmigrate.Up(url) })
	}
	wg.Wait()
	for i, err := range errs {
		if err != nil {
			t.Errorf("instance %d: %v", i, err)
		}
	}
	latest, _ := dbmigrate.Latest()
	if v, dirty, err := dbmigrate.Version(url); err != nil || v != latest || dirty {
		t.Fatalf("after three concurrent ups: got %d dirty=%v %v; want %d", v, dirty, err, latest)
	}
}

func TestDirtyDatabaseRefused(t *testing.T) {
	url := pgtest.NewDB(t)
	conn, err := pgx.Connect(context.Background(), url)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := conn.Exec(context.Background(), `UPDATE schema_migrations SET dirty = true`); err != nil {
		t.Fatal(err)
	}
	conn.Close(context.Background())
	if err := dbmigrate.Up(url); !errors.Is(err, dbmigrate.ErrDirty) {
		t.Fatalf("up on a dirty database: got %v, want ErrDirty", err)
	}
}
