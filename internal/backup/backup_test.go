package backup_test

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"

	"comite/internal/backup"
	"comite/internal/blob"
	"comite/internal/localpg"
	"comite/internal/model"
	"comite/internal/pgtest"
	"comite/internal/seed"
	"comite/internal/store"
	"comite/internal/weedtest"
)

func TestMain(m *testing.M) {
	code := pgtest.Run(m)
	weedtest.Stop()
	os.Exit(code)
}

// addDocument uploads content as a new document with one version, as the
// portal does: the file first, then the rows.
func addDocument(ctx context.Context, st *store.Store, files *blob.Store, title, content string) error {
	staged, err := files.Stage(ctx, strings.NewReader(content), 1<<20)
	if err != nil {
		return err
	}
	defer staged.Discard()
	if err := files.Commit(ctx, staged); err != nil {
		return err
	}
	id, err := st.CreateDocument(ctx, model.Document{Title: title, Kind: model.KindOther, Language: "fr",
		Date: time.Now(), Visibility: model.VisibilityPublic})
	if err != nil {
		return err
	}
	_, _, err = st.AddVersion(ctx, model.DocumentVersion{DocumentID: id, SHA256: staged.SHA256, Size: staged.Size,
		MediaType: staged.MediaType, Filename: "note.txt"})
	return err
}

// reachableDir is a temp folder the postgres user can enter when the tests
// run as root (t.TempDir is mode 0700).
func reachableDir(t *testing.T) string {
	dir := t.TempDir()
	for d := dir; d != "/" && d != os.TempDir(); d = filepath.Dir(d) {
		if err := os.Chmod(d, 0o755); err != nil {
			t.Fatal(err)
		}
	}
	return dir
}

// TestRestoreDrill backs up a committee while documents keep being added,
// restores the archive into a fresh cluster and file store, and checks the
// rows and the files that came back; then that a corrupt archive and a
// database that is not empty are refused.
func TestRestoreDrill(t *testing.T) {
	t.Parallel() // mostly waits on initdb, pg_dump and pg_restore
	ctx := t.Context()
	pool, dbURL := pgtest.NewPool(t)
	st := store.New(pool)
	if err := seed.Committee(ctx, st); err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	files, err := blob.Open(ctx, "file://"+filepath.Join(dir, "files"), filepath.Join(dir, "tmp"))
	if err != nil {
		t.Fatal(err)
	}
	defer files.Close()
	for i := range 5 {
		if err := addDocument(ctx, st, files, fmt.Sprintf("Note %d", i), fmt.Sprintf("Contenu de la note %d\n", i)); err != nil {
			t.Fatal(err)
		}
	}

	// Writes go on during the backup.
	var added atomic.Int64
	stop := make(chan struct{})
	var wg sync.WaitGroup
	wg.Go(func() {
		for i := 0; ; i++ {
			select {
			case <-stop:
				return
			default:
			}
			if err := addDocument(ctx, st, files, fmt.Sprintf("Pendant %d", i), fmt.Sprintf("Écrit pendant la sauvegarde %d\n", i)); err != nil {
				t.Error(err)
				return
			}
			added.Add(1)
		}
	})
	archives := t.TempDir()
	to, err := blob.OpenObjects(archives)
	if err != nil {
		t.Fatal(err)
	}
	for added.Load() < 3 {
		time.Sleep(time.Millisecond) // let the writer get going
	}
	started := time.Now()
	name, m, err := backup.Backup(ctx, backup.Options{DatabaseURL: dbURL, Files: files, To: to})
	took := time.Since(started)
	close(stop)
	wg.Wait()
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("backup of %d rows and %d files (%d bytes) in %s while %d documents were added",
		sum(m.Rows), len(m.Files), m.Bytes(), took.Round(time.Millisecond), added.Load())
	if len(m.Missing) != 0 {
		t.Errorf("missing files: %v", m.Missing)
	}
	if n := m.Rows["document_versions"]; n < 8 || len(m.Files) != int(n) {
		t.Errorf("archive holds %d versions and %d files, want the same number, at least 8", n, len(m.Files))
	}
	var final int64
	if err := pool.QueryRow(ctx, "SELECT count(*) FROM document_versions").Scan(&final); err != nil {
		t.Fatal(err)
	}
	if final <= m.Rows["document_versions"] {
		t.Logf("no write landed after the snapshot (%d versions at the end)", final)
	}

	// A fresh cluster and file store.
	cluster, err := localpg.Start(ctx, reachableDir(t), nil)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { cluster.Stop() })
	if err := cluster.EnsureDatabase(ctx, "comite"); err != nil {
		t.Fatal(err)
	}
	restoredURL := cluster.URL("comite")
	dir2 := t.TempDir()
	files2, err := blob.Open(ctx, "file://"+filepath.Join(dir2, "files"), filepath.Join(dir2, "tmp"))
	if err != nil {
		t.Fatal(err)
	}
	defer files2.Close()
	from, err := blob.OpenObjects(filepath.Join(archives, name))
	if err != nil {
		t.Fatal(err)
	}
	started = time.Now()
	if _, err := backup.Restore(ctx, backup.RestoreOptions{From: from, DatabaseURL: restoredURL, Files: files2}); err != nil {
		t.Fatal(err)
	}
	t.Logf("restore in %s", time.Since(started).Round(time.Millisecond))

	// Every version's file is back, with its bytes.
	rpool, err := pgxpool.New(ctx, restoredURL)
	if err != nil {
		t.Fatal(err)
	}
	defer rpool.Close()
	rows, err := rpool.Query(ctx, "SELECT sha256 FROM document_versions")
	if err != nil {
		t.Fatal(err)
	}
	var hashes []string
	for rows.Next() {
		var h string
		rows.Scan(&h)
		hashes = append(hashes, h)
	}
	if rows.Err() != nil {
		t.Fatal(rows.Err())
	}
	if int64(len(hashes)) != m.Rows["document_versions"] {
		t.Errorf("restored %d versions, archive has %d", len(hashes), m.Rows["document_versions"])
	}
	for _, h := range hashes {
		if got := fileSum(t, files2, h); got != h {
			t.Errorf("restored file %s hashes to %s", h, got)
		}
	}

	// Restoring again over it is refused, and so is a corrupt archive.
	if _, err := backup.Restore(ctx, backup.RestoreOptions{From: from, DatabaseURL: restoredURL, Files: files2}); !errors.Is(err, backup.ErrNotEmpty) {
		t.Errorf("restore over a restored database: %v, want ErrNotEmpty", err)
	}
	victim := filepath.Join(archives, name, m.Files[0].Path)
	if err := os.WriteFile(victim, []byte("abîmé"), 0o600); err != nil {
		t.Fatal(err)
	}
	if err := cluster.EnsureDatabase(ctx, "vide"); err != nil {
		t.Fatal(err)
	}
	_, err = backup.Restore(ctx, backup.RestoreOptions{From: from, DatabaseURL: cluster.URL("vide"), Files: files2})
	if err == nil || !strings.Contains(err.Error(), "corrupt") {
		t.Errorf("restore of a corrupt archive: %v, want a corruption error", err)
	}
	var tables int
	if err := rpool.QueryRow(ctx, "SELECT count(*) FROM pg_database WHERE datname = 'vide'").Scan(&tables); err != nil {
		t.Fatal(err)
	}
	empty, err := pgxpool.New(ctx, cluster.URL("vide"))
	if err != nil {
		t.Fatal(err)
	}
	defer empty.Close()
	if err := empty.QueryRow(ctx, "SELECT count(*) FROM pg_tables WHERE schemaname = 'public'").Scan(&tables); err != nil || tables != 0 {
		t.Errorf("after a refused restore the database holds %d tables (%v), want none", tables, err)
	}
}

func fileSum(t *testing.T, files *blob.Store, hash string) string {
	t.Helper()
	r, _, err := files.Open(t.Context(), hash)
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	h := sha256.New()
	if _, err := io.Copy(h, r); err != nil {
		t.Fatal(err)
	}
	return hex.EncodeToString(h.Sum(nil))
}

func sum(m map[string]int64) int64 {
	var n int64
	for _, v := range m {
		n += v
	}
	return n
}

// TestBackupRestoreS3 backs up files kept in one bucket to an archive in
// another bucket's folder, and restores it into a new database and a third
// bucket, on a real S3 server.
func TestBackupRestoreS3(t *testing.T) {
	t.Parallel()
	weed := weedtest.Shared(t)
	ctx := t.Context()
	pool, dbURL := pgtest.NewPool(t)
	st := store.New(pool)
	if err := seed.Committee(ctx, st); err != nil {
		t.Fatal(err)
	}
	files, err := blob.Open(ctx, weed.NewBucket(t), t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	defer files.Close()
	for i := range 3 {
		if err := addDocument(ctx, st, files, fmt.Sprintf("Note %d", i), fmt.Sprintf("Contenu S3 %d\n", i)); err != nil {
			t.Fatal(err)
		}
	}
	archives := strings.Replace(weed.NewBucket(t), "?", "/sauvegardes?", 1)
	to, err := blob.OpenObjects(archives)
	if err != nil {
		t.Fatal(err)
	}
	name, m, err := backup.Backup(ctx, backup.Options{DatabaseURL: dbURL, Files: files, To: to})
	if err != nil {
		t.Fatal(err)
	}
	if len(m.Files) != 3 || len(m.Missing) != 0 {
		t.Fatalf("archive: %d files, missing %v; want 3, none", len(m.Files), m.Missing)
	}
	from, err := blob.OpenObjects(strings.Replace(archives, "?", "/"+name+"?", 1))
	if err != nil {
		t.Fatal(err)
	}
	restored, err := blob.Open(ctx, weed.NewBucket(t), t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	defer restored.Close()
	if _, err := backup.Restore(ctx, backup.RestoreOptions{From: from, DatabaseURL: pgtest.NewEmptyDB(t), Files: restored}); err != nil {
		t.Fatal(err)
	}
	for _, f := range m.Files {
		if got := fileSum(t, restored, f.SHA256); got != f.SHA256 {
			t.Errorf("restored %s hashes to %s", f.SHA256, got)
		}
	}
}
