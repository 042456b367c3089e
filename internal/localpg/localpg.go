// Package localpg runs a private PostgreSQL cluster in a folder, reachable on
// a unix socket only: the development default (`comite dev`) and the test
// clusters.
package localpg

import (
	"cmp"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io/fs"
	"log/slog"
	"net/url"
	"os"
	"os/exec"
	"os/user"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
)

// superuser is the role initdb creates. Trust authentication is safe because
// the only way in is a socket in a folder that only the server's user may open.
const superuser = "comite"

// errNoBinaries names the fix, because a missing server package is the usual
// first-run problem on a fresh machine.
var errNoBinaries = errors.New("PostgreSQL server binaries not found (initdb, pg_ctl): install them with `apt-get install postgresql`")

// Cluster is one PostgreSQL server whose files live in a folder. Its zero
// value is not usable: get one from Start.
type Cluster struct {
	dir       string              // the cluster's files (PGDATA)
	lockPath  string              // serialises Start and Stop across processes
	socketDir string              // where the server listens
	port      string              // from postmaster.pid; "5432" unless configured otherwise
	bin       string              // folder holding initdb, pg_ctl and postgres
	cred      *syscall.Credential // nil: run the server as ourselves
	started   bool
	log       *slog.Logger
	mu        sync.Mutex
}

// Start finds initdb/pg_ctl/postgres (exec.LookPath first, then the newest
// /usr/lib/postgresql/*/bin), creates the cluster under dataDir/pg when it
// does not exist and starts it unless it is already running, in which case
// it reuses it. The server listens on a unix socket only, in a short folder
// under os.TempDir(), so that nothing else on the machine can reach it.
//
// PostgreSQL refuses to run as root, so a root process runs the server as the
// `postgres` system user; when that user cannot reach dataDir (a clone under
// /root, say) the cluster goes to os.TempDir()/comite-data-<hash>/pg instead,
// which is logged. log may be nil.
func Start(ctx context.Context, dataDir string, log *slog.Logger) (*Cluster, error) {
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	dataDir, err := filepath.Abs(dataDir)
	if err != nil {
		return nil, err
	}
	if err := os.MkdirAll(dataDir, 0o755); err != nil {
		return nil, fmt.Errorf("create data folder: %w", err)
	}
	c := &Cluster{lockPath: filepath.Join(dataDir, "pg.lock"), port: "5432", log: log}
	unlock, err := lock(ctx, c.lockPath)
	if err != nil {
		return nil, err
	}
	defer unlock()

	if c.bin, err = findBinaries(); err != nil {
		return nil, err
	}
	if c.cred, err = serverCredential(); err != nil {
		return nil, err
	}
	c.dir = filepath.Join(dataDir, "pg")
	if c.cred != nil && !reachable(dataDir, c.cred) {
		c.dir = filepath.Join(os.TempDir(), "comite-data-"+shortHash(dataDir), "pg")
		if err := c.privateDir(filepath.Dir(c.dir)); err != nil {
			return nil, err
		}
		log.Info("the postgres user cannot reach the data folder: the database cluster lives in the temp folder instead",
			"data", dataDir, "cluster", c.dir)
	}
	c.socketDir = socketDirFor(c.dir)
	if err := c.privateDir(c.socketDir); err != nil {
		return nil, err
	}

	if _, err := os.Stat(filepath.Join(c.dir, "PG_VERSION")); errors.Is(err, fs.ErrNotExist) {
		if err := c.initdb(ctx); err != nil {
			return nil, err
		}
	} else if err != nil {
		return nil, err
	}

	running, err := c.running(ctx)
	if err != nil {
		return nil, err
	}
	if running {
		log.Info("reusing running PostgreSQL", "cluster", c.dir)
	} else {
		if err := c.start(ctx); err != nil {
			return nil, err
		}
		c.started = true
	}
	c.readPID()
	if err := c.waitReady(ctx); err != nil {
		if c.started {
			err = errors.Join(err, c.stop())
		}
		return nil, err
	}
	return c, nil
}

// URL returns a postgres:// URL for database dbname on this cluster, which
// pgx, golang-migrate and net/url all accept; the socket folder travels in
// the host parameter because a URL host cannot hold a path.
func (c *Cluster) URL(dbname string) string {
	q := url.Values{"host": {c.socketDir}, "sslmode": {"disable"}}
	if c.port != "5432" {
		q.Set("port", c.port)
	}
	u := url.URL{Scheme: "postgres", User: url.User(superuser), Path: "/" + dbname, RawQuery: q.Encode()}
	return u.String()
}

// EnsureDatabase creates database name if it does not exist, so that every
// start of the application can call it; two processes racing to create it
// both succeed.
func (c *Cluster) EnsureDatabase(ctx context.Context, name string) error {
	conn, err := pgx.Connect(ctx, c.URL("postgres"))
	if err != nil {
		return err
	}
	defer conn.Close(context.WithoutCancel(ctx))
	var one int
	err = conn.QueryRow(ctx, "SELECT 1 FROM pg_database WHERE datname = $1", name).Scan(&one)
	if err == nil {
		return nil
	}
	if !errors.Is(err, pgx.ErrNoRows) {
		return fmt.Errorf("look for database %s: %w", name, err)
	}
	_, err = conn.Exec(ctx, "CREATE DATABASE "+pgx.Identifier{name}.Sanitize())
	var pgErr *pgconn.PgError
	// 42P04 duplicate_database; 23505 unique_violation is what the loser of a
	// tight race gets, from pg_database's own unique index.
	if errors.As(err, &pgErr) && (pgErr.Code == "42P04" || pgErr.Code == "23505") {
		return nil
	}
	if err != nil {
		return fmt.Errorf("create database %s: %w", name, err)
	}
	return nil
}

// Stop stops the server (pg_ctl stop -m fast) only when this process started
// it, so that a second `comite dev` never pulls the database from under the
// first. It is idempotent, and it also stops a server restarted in the same
// folder since, which lets a test restart the cluster and still be cleaned up.
func (c *Cluster) Stop() error {
	if !c.started {
		return nil
	}
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	unlock, err := lock(ctx, c.lockPath)
	if err != nil {
		return err
	}
	defer unlock()
	return c.stop()
}

// StartedHere reports whether this process started the server (false when it
// reused a running one), which decides whether Stop does anything.
func (c *Cluster) StartedHere() bool { return c.started }

// Dir returns the folder that holds the cluster's files: dataDir/pg, or a
// folder under os.TempDir() when the postgres user could not reach dataDir.
func (c *Cluster) Dir() string { return c.dir }

func (c *Cluster) stop() error {
	c.mu.Lock()
	defer c.mu.Unlock()
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	running, err := c.running(ctx)
	if err != nil || !running {
		return err
	}
	if out, err := c.command(ctx, "pg_ctl", "stop", "-m", "fast", "-w", "-t", "60", "-D", c.dir).CombinedOutput(); err != nil {
		return fmt.Errorf("pg_ctl stop: %w: %s", err, bytesTrim(out))
	}
	// Empty now the server is gone; removing it keeps test runs from
	// littering the temp folder.
	os.Remove(c.socketDir)
	return nil
}

// initdb creates the cluster in a sibling folder and renames it into place,
// so that an interrupted initdb never leaves a half-made cluster that a later
// Start would take for a real one.
func (c *Cluster) initdb(ctx context.Context) error {
	tmp := c.dir + ".init"
	var errs []error
	for _, locale := range []string{"--locale=C.UTF-8", "--no-locale"} {
		if err := os.RemoveAll(tmp); err != nil {
			return err
		}
		// initdb would create the folder itself, but the server's user may
		// not be allowed to write in the parent.
		if err := os.Mkdir(tmp, 0o700); err != nil {
			return err
		}
		if err := c.chown(tmp); err != nil {
			return err
		}
		out, err := c.command(ctx, "initdb", "-D", tmp, "--auth=trust", "--username="+superuser,
			"--encoding=UTF8", locale).CombinedOutput()
		if err != nil {
			errs = append(errs, fmt.Errorf("initdb %s: %w: %s", locale, err, bytesTrim(out)))
			c.log.Info("initdb failed, retrying without a locale", "err", err)
			continue
		}
		if err := c.writeConfig(tmp); err != nil {
			return err
		}
		return os.Rename(tmp, c.dir)
	}
	os.RemoveAll(tmp)
	return errors.Join(errs...)
}

// writeConfig puts the settings in postgresql.conf rather than on the command
// line, so that a server started by hand with pg_ctl behaves the same.
func (c *Cluster) writeConfig(dir string) error {
	f, err := os.OpenFile(filepath.Join(dir, "postgresql.conf"), os.O_WRONLY|os.O_APPEND, 0)
	if err != nil {
		return err
	}
	_, err = fmt.Fprintf(f, `
# Set by comite (internal/localpg): a private cluster on a unix socket only.
listen_addresses = ''
unix_socket_directories = '%s'
fsync = on
max_connections = 200
shared_buffers = 128MB
`, strings.ReplaceAll(c.socketDir, "'", "''"))
	return errors.Join(err, f.Close())
}

func (c *Cluster) start(ctx context.Context) error {
	logPath := filepath.Join(filepath.Dir(c.dir), "postgres.log")
	// Created here because the server's user may not write in the parent.
	f, err := os.OpenFile(logPath, os.O_WRONLY|os.O_CREATE|os.O_APPEND, 0o640)
	if err != nil {
		return err
	}
	f.Close()
	if err := c.chown(logPath); err != nil {
		return err
	}
	// The socket folder is given again on the command line because it
	// derives from os.TempDir(), which may differ from when initdb ran.
	opts := "-c unix_socket_directories=" + shellQuote(c.socketDir)
	out, err := c.command(ctx, "pg_ctl", "start", "-w", "-t", "60", "-D", c.dir, "-l", logPath, "-o", opts).CombinedOutput()
	if err != nil {
		return fmt.Errorf("pg_ctl start: %w: %s\n%s:\n%s", err, bytesTrim(out), logPath, logTail(logPath))
	}
	c.log.Info("PostgreSQL started", "cluster", c.dir, "log", logPath)
	return nil
}

// running asks pg_ctl, which also notices a stale postmaster.pid.
func (c *Cluster) running(ctx context.Context) (bool, error) {
	out, err := c.command(ctx, "pg_ctl", "status", "-D", c.dir).CombinedOutput()
	var exitErr *exec.ExitError
	switch {
	case err == nil:
		return true, nil
	case errors.As(err, &exitErr) && (exitErr.ExitCode() == 3 || exitErr.ExitCode() == 4):
		return false, nil
	}
	return false, fmt.Errorf("pg_ctl status: %w: %s", err, bytesTrim(out))
}

// readPID takes the socket folder and port from postmaster.pid, because a
// server we reuse may have been started with other settings than ours.
func (c *Cluster) readPID() {
	b, err := os.ReadFile(filepath.Join(c.dir, "postmaster.pid"))
	if err != nil {
		return
	}
	lines := strings.Split(string(b), "\n")
	if len(lines) > 4 && lines[3] != "" && lines[4] != "" {
		c.port, c.socketDir = strings.TrimSpace(lines[3]), strings.TrimSpace(lines[4])
	}
}

// waitReady returns once a connection succeeds: pg_ctl -w says the server
// accepts connections, but a reused one may still be recovering.
func (c *Cluster) waitReady(ctx context.Context) error {
	ctx, cancel := context.WithTimeout(ctx, 10*time.Second)
	defer cancel()
	for {
		attempt, cancelAttempt := context.WithTimeout(ctx, 2*time.Second)
		conn, err := pgx.Connect(attempt, c.URL("postgres"))
		if err == nil {
			err = conn.Ping(attempt)
			conn.Close(attempt)
		}
		cancelAttempt()
		if err == nil {
			return nil
		}
		select {
		case <-ctx.Done():
			return fmt.Errorf("PostgreSQL in %s does not accept connections (if no server runs there, remove its postmaster.pid): %w", c.dir, err)
		case <-time.After(100 * time.Millisecond):
		}
	}
}

func (c *Cluster) command(ctx context.Context, name string, args ...string) *exec.Cmd {
	cmd := exec.CommandContext(ctx, filepath.Join(c.bin, name), args...)
	// Our own working folder may be closed to the server's user (/root/...).
	cmd.Dir = "/"
	if c.cred != nil {
		cmd.SysProcAttr = &syscall.SysProcAttr{Credential: c.cred}
	}
	return cmd
}

func (c *Cluster) chown(path string) error {
	if c.cred == nil {
		return nil
	}
	return os.Chown(path, int(c.cred.Uid), int(c.cred.Gid))
}

// privateDir makes path a 0700 folder of the server's user. It lives in a
// world-writable temp folder, so one made by somebody else is refused rather
// than trusted.
func (c *Cluster) privateDir(path string) error {
	if err := os.Mkdir(path, 0o700); err != nil && !errors.Is(err, fs.ErrExist) {
		return err
	}
	fi, err := os.Lstat(path)
	if err != nil {
		return err
	}
	st, ok := fi.Sys().(*syscall.Stat_t)
	if !fi.IsDir() || !ok || (int(st.Uid) != os.Geteuid() && (c.cred == nil || st.Uid != c.cred.Uid)) {
		return fmt.Errorf("%s exists and does not belong to us: remove it", path)
	}
	if err := c.chown(path); err != nil {
		return err
	}
	return os.Chmod(path, 0o700)
}

// lock takes an exclusive flock on path, polling so that ctx can cancel the
// wait. Closing the file releases it, also when the process dies.
func lock(ctx context.Context, path string) (unlock func(), err error) {
	f, err := os.OpenFile(path, os.O_RDWR|os.O_CREATE, 0o600)
	if err != nil {
		return nil, err
	}
	for {
		err := syscall.Flock(int(f.Fd()), syscall.LOCK_EX|syscall.LOCK_NB)
		if err == nil {
			return func() { f.Close() }, nil
		}
		if !errors.Is(err, syscall.EWOULDBLOCK) {
			f.Close()
			return nil, fmt.Errorf("lock %s: %w", path, err)
		}
		select {
		case <-ctx.Done():
			f.Close()
			return nil, fmt.Errorf("lock %s: %w", path, ctx.Err())
		case <-time.After(50 * time.Millisecond):
		}
	}
}

// findBinaries returns the folder holding initdb, pg_ctl and postgres.
// Debian keeps them off PATH, in /usr/lib/postgresql/<version>/bin.
func findBinaries() (string, error) {
	var dirs []string
	if p, err := exec.LookPath("initdb"); err == nil {
		if p, err := filepath.EvalSymlinks(p); err == nil {
			dirs = append(dirs, filepath.Dir(p))
		}
	}
	dirs = append(dirs, versionedDirs()...)
	for _, dir := range dirs {
		if executable(dir, "initdb") && executable(dir, "pg_ctl") && executable(dir, "postgres") {
			return dir, nil
		}
	}
	return "", errNoBinaries
}

// Tool returns the path of one of PostgreSQL's programs (pg_dump,
// pg_restore, psql …): beside the server's binaries that Start uses when
// they are there, else in the newest /usr/lib/postgresql/*/bin that has it
// (a machine with the client package only), else on PATH.
func Tool(name string) (string, error) {
	var dirs []string
	if dir, err := findBinaries(); err == nil {
		dirs = append(dirs, dir)
	}
	dirs = append(dirs, versionedDirs()...)
	for _, dir := range dirs {
		if executable(dir, name) {
			return filepath.Join(dir, name), nil
		}
	}
	if p, err := exec.LookPath(name); err == nil {
		return p, nil
	}
	return "", fmt.Errorf("%s not found: install the postgresql-client package of the server's major version", name)
}

// versionedDirs lists Debian's /usr/lib/postgresql/<version>/bin, newest first.
func versionedDirs() []string {
	versioned, _ := filepath.Glob("/usr/lib/postgresql/*/bin")
	version := func(dir string) float64 {
		v, err := strconv.ParseFloat(filepath.Base(filepath.Dir(dir)), 64)
		if err != nil {
			return -1
		}
		return v
	}
	slices.SortFunc(versioned, func(a, b string) int { return cmp.Compare(version(b), version(a)) })
	return versioned
}

func executable(dir, name string) bool {
	fi, err := os.Stat(filepath.Join(dir, name))
	return err == nil && fi.Mode().IsRegular() && fi.Mode()&0o111 != 0
}

// serverCredential returns whom to run the server as: nil for ourselves, the
// postgres system user when we are root.
func serverCredential() (*syscall.Credential, error) {
	if os.Geteuid() != 0 {
		return nil, nil
	}
	u, err := user.Lookup("postgres")
	if err != nil {
		return nil, fmt.Errorf("running as root, which PostgreSQL refuses, and no `postgres` system user to run it as (install the postgresql package or run as a normal user): %w", err)
	}
	uid, err1 := strconv.ParseUint(u.Uid, 10, 32)
	gid, err2 := strconv.ParseUint(u.Gid, 10, 32)
	if err := errors.Join(err1, err2); err != nil {
		return nil, err
	}
	cred := &syscall.Credential{Uid: uint32(uid), Gid: uint32(gid)}
	groups, _ := u.GroupIds()
	for _, g := range groups {
		if id, err := strconv.ParseUint(g, 10, 32); err == nil {
			cred.Groups = append(cred.Groups, uint32(id))
		}
	}
	return cred, nil
}

// reachable reports whether cred may traverse every folder from / down to
// dir. ACLs are ignored: a false "no" only moves the cluster to the temp folder.
func reachable(dir string, cred *syscall.Credential) bool {
	for {
		fi, err := os.Stat(dir)
		if err != nil {
			return false
		}
		st := fi.Sys().(*syscall.Stat_t)
		perm := fi.Mode().Perm()
		var ok bool
		switch {
		case st.Uid == cred.Uid:
			ok = perm&0o100 != 0
		case st.Gid == cred.Gid || slices.Contains(cred.Groups, st.Gid):
			ok = perm&0o010 != 0
		default:
			ok = perm&0o001 != 0
		}
		if !ok {
			return false
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			return true
		}
		dir = parent
	}
}

// socketDirFor keeps the socket path short: the kernel limits it to 107
// bytes, which a cluster deep in a project folder would exceed.
func socketDirFor(clusterDir string) string {
	base := os.TempDir()
	if len(base) > 60 {
		base = "/tmp"
	}
	return filepath.Join(base, "comite-pg-"+shortHash(clusterDir))
}

func shortHash(s string) string {
	sum := sha256.Sum256([]byte(s))
	return hex.EncodeToString(sum[:4])
}

func shellQuote(s string) string {
	return "'" + strings.ReplaceAll(s, "'", `'\''`) + "'"
}

func bytesTrim(b []byte) string { return strings.TrimSpace(string(b)) }

// logTail returns the end of the server log, where PostgreSQL says why it
// would not start.
func logTail(path string) string {
	b, err := os.ReadFile(path)
	if err != nil {
		return err.Error()
	}
	lines := strings.Split(strings.TrimSpace(string(b)), "\n")
	return strings.Join(lines[max(0, len(lines)-20):], "\n")
}
