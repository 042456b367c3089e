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
	"os"
	"path/filepath"
	"slices"
	"strings"

	"github.com/jackc/pgx/v5"

	"comite/internal/blob"
	"comite/internal/localpg"
)

// RestoreOptions says which archive to restore and into what.
type RestoreOptions struct {
	// From is the archive itself: the folder Backup wrote, e.g.
	// /srv/backups/comite-20261204T020000Z.
	From        *blob.Objects
	DatabaseURL string
	Files       *blob.Store
	Log         *slog.Logger
	Workers     int
}

// ErrNotEmpty refuses to restore over a database that has tables.
var ErrNotEmpty = errors.New("the database is not empty: restore into a new, empty database")

// ReadManifest reads and checks an archive's manifest.
func ReadManifest(ctx context.Context, from *blob.Objects) (Manifest, error) {
	var m Manifest
	r, _, err := from.Open(ctx, ManifestName)
	if errors.Is(err, blob.ErrNotFound) {
		return m, fmt.Errorf("%s holds no %s: not an archive, or an unfinished one", from, ManifestName)
	}
	if err != nil {
		return m, err
	}
	defer r.Close()
	dec := json.NewDecoder(io.LimitReader(r, 256<<20))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&m); err != nil {
		return m, fmt.Errorf("%s: %w", ManifestName, err)
	}
	if m.Format != format {
		return m, fmt.Errorf("%s: format %d, this version reads format %d", ManifestName, m.Format, format)
	}
	if m.Database.Path != DumpName || !blob.IsHash(m.Database.SHA256) {
		return m, fmt.Errorf("%s: bad database entry", ManifestName)
	}
	for _, f := range m.Files {
		if !blob.IsHash(f.SHA256) || f.Path != filesDir+blob.Key(f.SHA256) {
			return m, fmt.Errorf("%s: bad file entry %q", ManifestName, f.Path)
		}
	}
	return m, nil
}

// Restore checks the target database is empty, restores the dump (after
// checking its sum) in one transaction, copies every file into the file
// store (each checked against its sum before it is stored), and compares
// the row counts with the manifest's.
func Restore(ctx context.Context, o RestoreOptions) (Manifest, error) {
	if o.Log == nil {
		o.Log = slog.New(slog.DiscardHandler)
	}
	m, err := ReadManifest(ctx, o.From)
	if err != nil {
		return m, err
	}
	if err := ensureEmpty(ctx, o.DatabaseURL); err != nil {
		return m, err
	}
	// The dump's sum is checked first, then the files are stored (each
	// only if its sum matches), and the database comes last, in one
	// transaction: a corrupt archive leaves the database empty, and the
	// files it stored are unreferenced, which the sweeper removes.
	tmp, err := os.MkdirTemp("", "comite-restore-")
	if err != nil {
		return m, err
	}
	defer os.RemoveAll(tmp)
	dumpFile := filepath.Join(tmp, DumpName)
	if err := copyChecked(ctx, o.From, m.Database, dumpFile); err != nil {
		return m, err
	}
	if err := restoreFiles(ctx, o, m.Files); err != nil {
		return m, err
	}
	if err := restoreDump(ctx, o.DatabaseURL, dumpFile); err != nil {
		return m, err
	}
	got, err := countRowsAt(ctx, o.DatabaseURL)
	if err != nil {
		return m, err
	}
	if diff := compareRows(m.Rows, got); diff != "" {
		return m, fmt.Errorf("restored row counts differ from the archive's: %s", diff)
	}
	if len(m.Missing) > 0 {
		o.Log.Warn("the archive lacks files its database refers to (they were missing when it was made)",
			"count", len(m.Missing), "first", m.Missing[0])
	}
	return m, nil
}

func ensureEmpty(ctx context.Context, dbURL string) error {
	conn, err := pgx.Connect(ctx, dbURL)
	if err != nil {
		return fmt.Errorf("connect: %w", err)
	}
	defer conn.Close(context.WithoutCancel(ctx))
	var n int
	err = conn.QueryRow(ctx, `SELECT count(*) FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
		WHERE n.nspname = 'public' AND c.relkind IN ('r', 'p', 'v', 'm', 'S')`).Scan(&n)
	if err != nil {
		return err
	}
	if n > 0 {
		return ErrNotEmpty
	}
	return nil
}

// restoreDump runs pg_restore in a single transaction: a failure leaves
// the database empty, as it was.
func restoreDump(ctx context.Context, dbURL, file string) error {
	pgRestore, err := localpg.Tool("pg_restore")
	if err != nil {
		return err
	}
	// Owners and grants are those of the cluster that was backed up; the
	// restoring role owns everything here.
	cmd := pgCommand(ctx, pgRestore, dbURL, "--single-transaction", "--exit-on-error", "--no-owner", "--no-privileges", file)
	if out, err := cmd.CombinedOutput(); err != nil {
		return fmt.Errorf("pg_restore: %w: %s", err, strings.TrimSpace(string(out)))
	}
	return nil
}

func copyChecked(ctx context.Context, from *blob.Objects, e Entry, file string) error {
	r, _, err := from.Open(ctx, e.Path)
	if err != nil {
		return err
	}
	defer r.Close()
	f, err := os.OpenFile(file, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
	if err != nil {
		return err
	}
	h := sha256.New()
	n, err := io.Copy(io.MultiWriter(f, h), r)
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return fmt.Errorf("read %s: %w", e.Path, err)
	}
	if got := hex.EncodeToString(h.Sum(nil)); got != e.SHA256 || n != e.Size {
		return fmt.Errorf("%s is corrupt: %d bytes hashing to %s, the manifest says %d bytes, %s", e.Path, n, got, e.Size, e.SHA256)
	}
	return nil
}

// restoreFiles stores each file of the archive through the file store's
// own staging, which hashes it: a file is stored only if its sum matches.
func restoreFiles(ctx context.Context, o RestoreOptions, entries []Entry) error {
	return inParallel(ctx, o.Workers, len(entries), func(ctx context.Context, i int) error {
		return restoreFile(ctx, o, entries[i])
	})
}

func restoreFile(ctx context.Context, o RestoreOptions, e Entry) error {
	r, _, err := o.From.Open(ctx, e.Path)
	if err != nil {
		return err
	}
	defer r.Close()
	st, err := o.Files.Stage(ctx, r, e.Size)
	if errors.Is(err, blob.ErrTooLarge) {
		return fmt.Errorf("%s is corrupt: longer than the manifest's %d bytes", e.Path, e.Size)
	}
	if err != nil {
		return err
	}
	defer st.Discard()
	if st.SHA256 != e.SHA256 || st.Size != e.Size {
		return fmt.Errorf("%s is corrupt: %d bytes hashing to %s, the manifest says %d bytes, %s", e.Path, st.Size, st.SHA256, e.Size, e.SHA256)
	}
	return o.Files.Commit(ctx, st)
}

func countRowsAt(ctx context.Context, dbURL string) (map[string]int64, error) {
	conn, err := pgx.Connect(ctx, dbURL)
	if err != nil {
		return nil, err
	}
	defer conn.Close(context.WithoutCancel(ctx))
	tx, err := conn.BeginTx(ctx, pgx.TxOptions{IsoLevel: pgx.RepeatableRead, AccessMode: pgx.ReadOnly})
	if err != nil {
		return nil, err
	}
	defer tx.Rollback(context.WithoutCancel(ctx))
	return countRows(ctx, tx)
}

// compareRows describes the tables whose counts differ, or returns "".
func compareRows(want, got map[string]int64) string {
	var diffs []string
	for t, n := range want {
		if got[t] != n {
			diffs = append(diffs, fmt.Sprintf("%s: %d in the archive, %d restored", t, n, got[t]))
		}
	}
	for t, n := range got {
		if _, ok := want[t]; !ok {
			diffs = append(diffs, fmt.Sprintf("%s: not in the archive, %d restored", t, n))
		}
	}
	slices.Sort(diffs)
	return strings.Join(diffs, "; ")
}
