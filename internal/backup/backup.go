// Package backup writes a consistent archive of the portal, a pg_dump of the
// database and the files its rows refer to, with a manifest of SHA-256 sums,
// and rebuilds an empty database and file store from one.
//
// Consistency: the dump, the list of files and the row counts are all read
// in one exported snapshot, so writes that go on during the backup are
// either wholly in the archive or wholly out of it. Stored files are never
// changed (their name is their hash), and the sweeper only removes files
// unreferenced for a day, so a file the snapshot refers to is still there
// while the backup copies it.
package backup

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strings"
	"sync"
	"time"

	"github.com/jackc/pgx/v5"

	"comite/internal/blob"
	"comite/internal/localpg"
)

// Names inside an archive. The files keep the blob store's layout, so that
// a folder archive's files/ is itself a file store.
const (
	ManifestName = "manifest.json"
	DumpName     = "database.dump"
	filesDir     = "files/"
	format       = 1
)

// Manifest is manifest.json, written last: an archive without one is
// unfinished and restore refuses it.
type Manifest struct {
	Format        int       `json:"format"`
	CreatedAt     time.Time `json:"created_at"`
	SchemaVersion int64     `json:"schema_version"`
	Database      Entry     `json:"database"`
	Files         []Entry   `json:"files"`
	// Missing are files the database refers to that the store did not
	// hold when the backup ran: the archive cannot bring them back.
	Missing []string         `json:"missing,omitempty"`
	Rows    map[string]int64 `json:"rows"`
}

// Entry is one file of the archive and the SHA-256 of its bytes.
type Entry struct {
	Path   string `json:"path"`
	SHA256 string `json:"sha256"`
	Size   int64  `json:"size"`
}

// Bytes is the archive's size: the dump and the files.
func (m Manifest) Bytes() int64 {
	n := m.Database.Size
	for _, f := range m.Files {
		n += f.Size
	}
	return n
}

// Options says what to back up and where.
type Options struct {
	DatabaseURL string
	Files       *blob.Store
	To          *blob.Objects
	Log         *slog.Logger
	// Now names the archive; time.Now when zero.
	Now time.Time
	// Workers copy files at once (4 when zero): S3 requests wait on the network.
	Workers int
}

// Name is the archive folder for a backup made at t.
func Name(t time.Time) string { return "comite-" + t.UTC().Format("20060102T150405Z") }

// Backup writes the archive Name(o.Now) under o.To and returns its manifest.
func Backup(ctx context.Context, o Options) (name string, m Manifest, err error) {
	if o.Now.IsZero() {
		o.Now = time.Now()
	}
	if o.Log == nil {
		o.Log = slog.New(slog.DiscardHandler)
	}
	name = Name(o.Now)
	m = Manifest{Format: format, CreatedAt: o.Now.UTC().Truncate(time.Second), Rows: map[string]int64{}}

	conn, err := pgx.Connect(ctx, o.DatabaseURL)
	if err != nil {
		return name, m, fmt.Errorf("connect: %w", err)
	}
	defer conn.Close(context.WithoutCancel(ctx))
	// The snapshot lives as long as this transaction: pg_dump attaches to
	// it, and the file list and counts are read in it.
	tx, err := conn.BeginTx(ctx, pgx.TxOptions{IsoLevel: pgx.RepeatableRead, AccessMode: pgx.ReadOnly})
	if err != nil {
		return name, m, err
	}
	defer tx.Rollback(context.WithoutCancel(ctx))
	var snapshot string
	if err := tx.QueryRow(ctx, "SELECT pg_export_snapshot()").Scan(&snapshot); err != nil {
		return name, m, fmt.Errorf("export snapshot: %w", err)
	}
	if m.SchemaVersion, err = schemaVersion(ctx, tx); err != nil {
		return name, m, err
	}
	if m.Rows, err = countRows(ctx, tx); err != nil {
		return name, m, err
	}
	hashes, err := referencedFiles(ctx, tx)
	if err != nil {
		return name, m, err
	}

	// The dump and the files go at once: one waits on PostgreSQL, the
	// other on the file store.
	var wg sync.WaitGroup
	var dumpErr error
	wg.Add(1)
	go func() {
		defer wg.Done()
		m.Database, dumpErr = dump(ctx, o.DatabaseURL, snapshot, o.To, name+"/"+DumpName)
	}()
	files, missing, filesErr := copyFiles(ctx, o, name, hashes)
	wg.Wait()
	if err := errors.Join(dumpErr, filesErr); err != nil {
		return name, m, err
	}
	m.Files, m.Missing = files, missing
	if len(missing) > 0 {
		o.Log.Warn("files referenced by the database are missing from the file store: the archive cannot restore them",
			"count", len(missing), "first", missing[0])
	}
	b, err := json.MarshalIndent(m, "", "  ")
	if err != nil {
		return name, m, err
	}
	if err := o.To.Put(ctx, name+"/"+ManifestName, strings.NewReader(string(b)), int64(len(b))); err != nil {
		return name, m, fmt.Errorf("write manifest: %w", err)
	}
	return name, m, nil
}

func schemaVersion(ctx context.Context, q pgx.Tx) (int64, error) {
	var v int64
	var dirty bool
	if err := q.QueryRow(ctx, "SELECT version, dirty FROM schema_migrations").Scan(&v, &dirty); err != nil {
		return 0, fmt.Errorf("schema version: %w", err)
	}
	if dirty {
		return 0, fmt.Errorf("the schema is dirty at version %d: repair it before backing up", v)
	}
	return v, nil
}

// countRows counts the rows of every table of the public schema, so that a
// restore can check it brought back the same.
func countRows(ctx context.Context, q pgx.Tx) (map[string]int64, error) {
	rows, err := q.Query(ctx, `SELECT c.relname FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
		WHERE n.nspname = 'public' AND c.relkind IN ('r', 'p') ORDER BY c.relname`)
	if err != nil {
		return nil, err
	}
	tables, err := pgx.CollectRows(rows, pgx.RowTo[string])
	if err != nil {
		return nil, fmt.Errorf("list tables: %w", err)
	}
	counts := make(map[string]int64, len(tables))
	for _, t := range tables {
		var n int64
		if err := q.QueryRow(ctx, "SELECT count(*) FROM "+pgx.Identifier{"public", t}.Sanitize()).Scan(&n); err != nil {
			return nil, fmt.Errorf("count %s: %w", t, err)
		}
		counts[t] = n
	}
	return counts, nil
}

// referencedFiles lists the stored files the database refers to: the
// versions of documents are the only rows that name one.
func referencedFiles(ctx context.Context, q pgx.Tx) ([]string, error) {
	rows, err := q.Query(ctx, "SELECT DISTINCT sha256 FROM document_versions ORDER BY sha256")
	if err != nil {
		return nil, err
	}
	return pgx.CollectRows(rows, pgx.RowTo[string])
}

// dump runs pg_dump -Fc in the snapshot into a temp file, then stores it.
func dump(ctx context.Context, dbURL, snapshot string, to *blob.Objects, key string) (Entry, error) {
	pgDump, err := localpg.Tool("pg_dump")
	if err != nil {
		return Entry{}, err
	}
	tmp, err := os.MkdirTemp("", "comite-backup-")
	if err != nil {
		return Entry{}, err
	}
	defer os.RemoveAll(tmp)
	file := filepath.Join(tmp, DumpName)
	cmd := pgCommand(ctx, pgDump, dbURL, "--format=custom", "--snapshot="+snapshot, "--file="+file)
	if out, err := cmd.CombinedOutput(); err != nil {
		return Entry{}, fmt.Errorf("pg_dump: %w: %s", err, strings.TrimSpace(string(out)))
	}
	f, err := os.Open(file)
	if err != nil {
		return Entry{}, err
	}
	defer f.Close()
	h := sha256.New()
	size, err := io.Copy(h, f)
	if err != nil {
		return Entry{}, err
	}
	if _, err := f.Seek(0, io.SeekStart); err != nil {
		return Entry{}, err
	}
	if err := to.Put(ctx, key, f, size); err != nil {
		return Entry{}, fmt.Errorf("store the dump: %w", err)
	}
	return Entry{Path: DumpName, SHA256: hex.EncodeToString(h.Sum(nil)), Size: size}, nil
}

// pgCommand runs a PostgreSQL client program on dbURL. A password in the
// URL goes in PGPASSWORD rather than on the command line, where every user
// of the machine could read it.
func pgCommand(ctx context.Context, program, dbURL string, args ...string) *exec.Cmd {
	env := os.Environ()
	if u, err := url.Parse(dbURL); err == nil && u.User != nil {
		if pw, ok := u.User.Password(); ok {
			env = append(env, "PGPASSWORD="+pw)
			u.User = url.User(u.User.Username())
			dbURL = u.String()
		}
	}
	cmd := exec.CommandContext(ctx, program, append(args, "--dbname="+dbURL)...)
	cmd.Env = env
	return cmd
}

// copyFiles copies each stored file into the archive, checking on the way
// that its bytes still match its name.
func copyFiles(ctx context.Context, o Options, name string, hashes []string) ([]Entry, []string, error) {
	var (
		mu      sync.Mutex
		entries []Entry
		missing []string
	)
	err := inParallel(ctx, o.Workers, len(hashes), func(ctx context.Context, i int) error {
		e, err := copyFile(ctx, o, name, hashes[i])
		if err != nil && !errors.Is(err, blob.ErrNotFound) {
			return err
		}
		mu.Lock()
		defer mu.Unlock()
		if err != nil {
			missing = append(missing, hashes[i])
		} else {
			entries = append(entries, e)
		}
		return nil
	})
	if err != nil {
		return nil, nil, err
	}
	sort.Slice(entries, func(i, j int) bool { return entries[i].Path < entries[j].Path })
	sort.Strings(missing)
	return entries, missing, nil
}

func copyFile(ctx context.Context, o Options, name, hash string) (Entry, error) {
	r, size, err := o.Files.Open(ctx, hash)
	if err != nil {
		return Entry{}, err
	}
	defer r.Close()
	h := sha256.New()
	path := filesDir + blob.Key(hash)
	if err := o.To.Put(ctx, name+"/"+path, io.TeeReader(r, h), size); err != nil {
		return Entry{}, fmt.Errorf("copy file %s: %w", hash, err)
	}
	if got := hex.EncodeToString(h.Sum(nil)); got != hash {
		return Entry{}, fmt.Errorf("stored file %s is corrupt: its bytes hash to %s", hash, got)
	}
	return Entry{Path: path, SHA256: hash, Size: size}, nil
}
