package localpg

import (
	"bytes"
	"log/slog"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"
)

// reachableTempDir returns a fresh folder the postgres user can reach:
// t.TempDir() makes its folders 0700, which a root test run would otherwise
// see as unreachable.
func reachableTempDir(t *testing.T) string {
	dir := t.TempDir()
	for _, d := range []string{dir, filepath.Dir(dir)} {
		if err := os.Chmod(d, 0o755); err != nil {
			t.Fatal(err)
		}
	}
	return filepath.Join(dir, "data")
}

func startCluster(t *testing.T, dataDir string, log *slog.Logger) *Cluster {
	t.Helper()
	c, err := Start(t.Context(), dataDir, log)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		if err := c.Stop(); err != nil {
			t.Error(err)
		}
	})
	return c
}

func TestStartReuseStop(t *testing.T) {
	ctx := t.Context()
	dataDir := reachableTempDir(t)

	begin := time.Now()
	c := startCluster(t, dataDir, slog.New(slog.NewTextHandler(os.Stderr, nil)))
	t.Logf("first start (initdb + start): %v", time.Since(begin))
	if !c.StartedHere() {
		t.Error("first Start: StartedHere() = false, want true")
	}
	if want := filepath.Join(dataDir, "pg"); c.Dir() != want {
		t.Errorf("Dir() = %q, want %q", c.Dir(), want)
	}

	u, err := url.Parse(c.URL("app"))
	if err != nil {
		t.Fatal(err)
	}
	socketDir := u.Query().Get("host")
	if u.Scheme != "postgres" || u.User.Username() != "comite" || u.Path != "/app" ||
		!strings.HasPrefix(socketDir, filepath.Join(os.TempDir(), "comite-pg-")) {
		t.Errorf("URL() = %s: unexpected shape", u)
	}
	if fi, err := os.Stat(socketDir); err != nil || fi.Mode().Perm() != 0o700 {
		t.Errorf("socket folder %s: %v, %v; want mode 0700", socketDir, fi.Mode(), err)
	}

	for range 2 {
		if err := c.EnsureDatabase(ctx, "app"); err != nil {
			t.Fatal(err)
		}
	}
	pool, err := pgxpool.New(ctx, c.URL("app"))
	if err != nil {
		t.Fatal(err)
	}
	defer pool.Close()
	var n int
	if err := pool.QueryRow(ctx, "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database()").Scan(&n); err != nil || n < 1 {
		t.Fatalf("query on the new database: n=%d, err=%v", n, err)
	}
	var listen, fsync string
	if err := pool.QueryRow(ctx, "SELECT current_setting('listen_addresses'), current_setting('fsync')").Scan(&listen, &fsync); err != nil {
		t.Fatal(err)
	}
	if listen != "" || fsync != "on" {
		t.Errorf("listen_addresses=%q fsync=%q, want '' and on", listen, fsync)
	}

	begin = time.Now()
	again, err := Start(ctx, dataDir, nil)
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("second start (reuse): %v", time.Since(begin))
	if again.StartedHere() {
		t.Error("second Start: StartedHere() = true, want false (reuse)")
	}
	if again.URL("app") != c.URL("app") {
		t.Errorf("reused URL %s differs from %s", again.URL("app"), c.URL("app"))
	}
	if err := again.Stop(); err != nil {
		t.Fatal(err)
	}
	if err := pool.Ping(ctx); err != nil {
		t.Fatalf("Stop on a reused cluster stopped the server: %v", err)
	}
	pool.Close()

	if err := c.Stop(); err != nil {
		t.Fatal(err)
	}
	if err := c.Stop(); err != nil {
		t.Fatalf("second Stop: %v", err)
	}
	if conn, err := pgx.Connect(ctx, c.URL("postgres")); err == nil {
		conn.Close(ctx)
		t.Fatal("server still accepts connections after Stop")
	}

	// A stopped cluster starts again without initdb, keeping its databases.
	begin = time.Now()
	c = startCluster(t, dataDir, nil)
	t.Logf("restart of an existing cluster: %v", time.Since(begin))
	if !c.StartedHere() {
		t.Error("restart: StartedHere() = false, want true")
	}
	if err := c.EnsureDatabase(ctx, "app"); err != nil {
		t.Fatal(err)
	}
}

func TestConcurrentStart(t *testing.T) {
	dataDir := reachableTempDir(t)
	var (
		wg       sync.WaitGroup
		clusters [3]*Cluster
		errs     [3]error
	)
	for i := range clusters {
		wg.Go(func() { clusters[i], errs[i] = Start(t.Context(), dataDir, nil) })
	}
	wg.Wait()
	started := 0
	for i, c := range clusters {
		if errs[i] != nil {
			t.Fatal(errs[i])
		}
		if c.StartedHere() {
			started++
			t.Cleanup(func() { c.Stop() })
		}
	}
	if started != 1 {
		t.Fatalf("%d of 3 concurrent Start calls started a server, want 1", started)
	}
	for range 2 {
		wg.Go(func() {
			if err := clusters[0].EnsureDatabase(t.Context(), "raced"); err != nil {
				t.Error(err)
			}
		})
	}
	wg.Wait()
}

func TestFallbackWhenUnreachable(t *testing.T) {
	if os.Geteuid() != 0 {
		t.Skip("the temp-folder fallback only applies when running as root")
	}
	parent := t.TempDir()
	if err := os.Chmod(parent, 0o700); err != nil {
		t.Fatal(err)
	}
	dataDir := filepath.Join(parent, "data")
	want := filepath.Join(os.TempDir(), "comite-data-"+shortHash(dataDir), "pg")
	t.Cleanup(func() { os.RemoveAll(filepath.Dir(want)) }) // after Stop, which needs the folder
	var logs bytes.Buffer
	c := startCluster(t, dataDir, slog.New(slog.NewTextHandler(&logs, nil)))
	if c.Dir() != want {
		t.Fatalf("Dir() = %q, want %q", c.Dir(), want)
	}
	if !strings.Contains(logs.String(), want) {
		t.Errorf("the fallback folder is not logged: %s", logs.String())
	}
	if _, err := os.Stat(filepath.Join(dataDir, "pg.lock")); err != nil {
		t.Errorf("the lock stays in the data folder: %v", err)
	}
	if err := c.EnsureDatabase(t.Context(), "app"); err != nil {
		t.Fatal(err)
	}
}
