// Package pgtest gives each test a fresh PostgreSQL database cloned from a
// migrated template, on one throwaway cluster per test binary.
package pgtest

import (
	"context"
	"crypto/rand"
	"fmt"
	"log/slog"
	"os"
	"os/signal"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"

	"comite/internal/dbmigrate"
	"comite/internal/localpg"
)

// template is migrated once per test binary; cloning it costs far less than
// migrating every test database.
const template = "template_comite"

var (
	cluster *localpg.Cluster
	// cloneMu serialises clones: PostgreSQL refuses to copy a template while
	// another CREATE DATABASE reads it ("source database is being accessed
	// by other users").
	cloneMu sync.Mutex
	counter atomic.Int64
)

// Main starts a throwaway cluster in a new temp folder, creates and migrates
// database "template_comite", runs the tests, then stops the cluster and
// removes the folder. Call it from TestMain:
//
//	func TestMain(m *testing.M) { pgtest.Main(m) }
//
// When PostgreSQL cannot start it says why and exits 1: a database test that
// skips silently would pass on a machine that checks nothing.
func Main(m *testing.M) {
	os.Exit(Run(m))
}

// Run is Main without the exit: it returns the exit code of the tests, for a
// TestMain that has more to stop before it exits (a browser, say):
//
//	code := pgtest.Run(m)
//	stopBrowser()
//	os.Exit(code)
func Run(m *testing.M) int {
	dir, err := os.MkdirTemp("", "comite-pgtest-")
	if err != nil {
		return fail(err)
	}
	defer os.RemoveAll(dir)
	// MkdirTemp makes the folder 0700, which under root would push the
	// cluster out to a second temp folder.
	if err := os.Chmod(dir, 0o755); err != nil {
		return fail(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	log := slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: slog.LevelWarn}))
	c, err := localpg.Start(ctx, dir, log)
	if err != nil {
		return fail(err)
	}
	stop := sync.OnceFunc(func() {
		if err := c.Stop(); err != nil {
			fmt.Fprintln(os.Stderr, "pgtest: stop PostgreSQL:", err)
		}
		os.RemoveAll(dir)
	})
	defer stop()
	// pg_ctl detaches the server from our process group, so an interrupted
	// run would leave it behind.
	signals := make(chan os.Signal, 1)
	signal.Notify(signals, os.Interrupt, syscall.SIGTERM)
	go func() {
		<-signals
		stop()
		os.Exit(1)
	}()

	if err := c.EnsureDatabase(ctx, template); err != nil {
		return fail(err)
	}
	if err := dbmigrate.Up(c.URL(template)); err != nil {
		return fail(fmt.Errorf("migrate %s: %w", template, err))
	}
	cluster = c
	return m.Run()
}

func fail(err error) int {
	fmt.Fprintln(os.Stderr, "pgtest: cannot provide a PostgreSQL database:", err)
	return 1
}

// NewDB creates a fresh database cloned from the migrated template, drops it
// when the test ends, and returns its URL. Each test gets its own so that
// tests can run in parallel and never see each other's rows.
func NewDB(t testing.TB) string {
	t.Helper()
	if cluster == nil {
		t.Fatal("pgtest: no cluster; call pgtest.Main from TestMain")
	}
	name := fmt.Sprintf("t_%d_%s", counter.Add(1), strings.ToLower(rand.Text()[:8]))
	ident := pgx.Identifier{name}.Sanitize()
	cloneMu.Lock()
	err := admin("CREATE DATABASE " + ident + " TEMPLATE " + template)
	cloneMu.Unlock()
	if err != nil {
		t.Fatalf("pgtest: create database %s: %v", name, err)
	}
	t.Cleanup(func() {
		// FORCE ends the connections a test forgot to close.
		if err := admin("DROP DATABASE " + ident + " WITH (FORCE)"); err != nil {
			t.Errorf("pgtest: drop database %s: %v", name, err)
		}
	})
	return cluster.URL(name)
}

// NewEmptyDB creates a database with no schema at all, not even the
// migrations, dropped when the test ends, and returns its URL: for tests of
// what happens when the portal meets a new database (several instances
// migrating it at once, a restore).
func NewEmptyDB(t testing.TB) string {
	t.Helper()
	if cluster == nil {
		t.Fatal("pgtest: no cluster; call pgtest.Main from TestMain")
	}
	name := fmt.Sprintf("e_%d_%s", counter.Add(1), strings.ToLower(rand.Text()[:8]))
	ident := pgx.Identifier{name}.Sanitize()
	if err := admin("CREATE DATABASE " + ident + " TEMPLATE template0"); err != nil {
		t.Fatalf("pgtest: create database %s: %v", name, err)
	}
	t.Cleanup(func() {
		if err := admin("DROP DATABASE " + ident + " WITH (FORCE)"); err != nil {
			t.Errorf("pgtest: drop database %s: %v", name, err)
		}
	})
	return cluster.URL(name)
}

// NewPool is NewDB plus a pool on it, closed when the test ends (before the
// database is dropped).
func NewPool(t testing.TB) (*pgxpool.Pool, string) {
	t.Helper()
	return NewPoolWith(t, nil)
}

// NewPoolWith is NewPool with a chance to change the pool's configuration
// first (a query tracer, say); configure may be nil.
func NewPoolWith(t testing.TB, configure func(*pgxpool.Config)) (*pgxpool.Pool, string) {
	t.Helper()
	dbURL := NewDB(t)
	cfg, err := pgxpool.ParseConfig(dbURL)
	if err != nil {
		t.Fatalf("pgtest: %v", err)
	}
	if configure != nil {
		configure(cfg)
	}
	pool, err := pgxpool.NewWithConfig(context.Background(), cfg)
	if err != nil {
		t.Fatalf("pgtest: %v", err)
	}
	t.Cleanup(pool.Close)
	return pool, dbURL
}

// Cluster returns the running cluster, for tests that restart it (to test
// recovery, say); Main stops it whichever way it was restarted in its folder.
func Cluster() *localpg.Cluster { return cluster }

// admin runs one statement on the "postgres" database. It connects afresh
// each time, because a test may have restarted the cluster since the last call.
func admin(sql string) error {
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	conn, err := pgx.Connect(ctx, cluster.URL("postgres"))
	if err != nil {
		return err
	}
	defer conn.Close(ctx)
	_, err = conn.Exec(ctx, sql)
	return err
}
