package jobs_test

import (
	"archive/zip"
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/riverqueue/river/riverdriver/riverpgxv5"
	"github.com/riverqueue/river/rivermigrate"

	"comite/internal/dbmigrate"
	"comite/internal/jobs"
	"comite/internal/pgtest"
	"comite/internal/store"
)

func TestMain(m *testing.M) { pgtest.Main(m) }

// dirFiles serves files named by their SHA-256 from a folder.
type dirFiles struct {
	dir string
	// seekOnly hides io.ReaderAt, as a remote store's reader has none.
	seekOnly bool
}

func (d dirFiles) Open(_ context.Context, sha string) (io.ReadSeekCloser, int64, error) {
	f, err := os.Open(filepath.Join(d.dir, sha))
	if err != nil {
		return nil, 0, err
	}
	fi, err := f.Stat()
	if err != nil {
		f.Close()
		return nil, 0, err
	}
	if d.seekOnly {
		return struct{ io.ReadSeekCloser }{f}, fi.Size(), nil
	}
	return f, fi.Size(), nil
}

// put stores data in the folder and returns its SHA-256.
func (d dirFiles) put(t *testing.T, data []byte) string {
	t.Helper()
	sum := sha256.Sum256(data)
	sha := hex.EncodeToString(sum[:])
	if err := os.WriteFile(filepath.Join(d.dir, sha), data, 0o600); err != nil {
		t.Fatal(err)
	}
	return sha
}

type env struct {
	pool   *pgxpool.Pool
	st     *store.Store
	files  dirFiles
	runner *jobs.Runner
}

func newEnv(t *testing.T, seekOnly bool) *env {
	t.Helper()
	pool, _ := pgtest.NewPool(t)
	e := &env{pool: pool, st: store.New(pool), files: dirFiles{dir: t.TempDir(), seekOnly: seekOnly}}
	log := slog.New(slog.NewTextHandler(t.Output(), &slog.HandlerOptions{Level: slog.LevelWarn}))
	var err error
	if e.runner, err = jobs.New(pool, e.st, e.files, log); err != nil {
		t.Fatal(err)
	}
	// Registered after the pool's Close, so it runs before it.
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		if err := e.runner.Stop(ctx); err != nil {
			t.Errorf("stop: %v", err)
		}
	})
	return e
}

func (e *env) start(t *testing.T) {
	t.Helper()
	if err := e.runner.Start(t.Context()); err != nil {
		t.Fatal(err)
	}
}

// upload records a document with one version of data, and its extraction
// job, in one transaction; fail makes that transaction roll back.
func (e *env) upload(t *testing.T, data []byte, mediaType string, fail error) (int64, error) {
	t.Helper()
	sha := e.files.put(t, data)
	var versionID int64
	err := e.st.InTx(t.Context(), func(tx *store.Store) error {
		var docID int64
		if err := tx.Tx().QueryRow(t.Context(), `INSERT INTO documents (title, kind, visibility)
			VALUES ('Compte rendu', 'minutes', 'members') RETURNING id`).Scan(&docID); err != nil {
			return err
		}
		if err := tx.Tx().QueryRow(t.Context(), `INSERT INTO document_versions
			(document_id, number, sha256, size_bytes, media_type, filename) VALUES ($1, 1, $2, $3, $4, 'fichier')
			RETURNING id`, docID, sha, len(data), mediaType).Scan(&versionID); err != nil {
			return err
		}
		if err := e.runner.EnqueueExtractTx(t.Context(), tx, versionID); err != nil {
			return err
		}
		return fail
	})
	return versionID, err
}

func (e *env) mustUpload(t *testing.T, data []byte, mediaType string) int64 {
	t.Helper()
	id, err := e.upload(t, data, mediaType, nil)
	if err != nil {
		t.Fatal(err)
	}
	return id
}

type extraction struct{ status, text, err string }

// wait polls until the version's extraction is no longer pending.
func (e *env) wait(t *testing.T, versionID int64) extraction {
	t.Helper()
	deadline := time.Now().Add(20 * time.Second)
	for {
		var x extraction
		if err := e.pool.QueryRow(t.Context(), `SELECT extraction_status, extracted_text, extraction_error
			FROM document_versions WHERE id = $1`, versionID).Scan(&x.status, &x.text, &x.err); err != nil {
			t.Fatal(err)
		}
		if x.status != "pending" {
			return x
		}
		if time.Now().After(deadline) {
			t.Fatalf("version %d: extraction still pending after 20 s; jobs: %s", versionID, e.jobRows(t))
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// jobRows describes river's jobs, for failure messages and checks.
func (e *env) jobRows(t *testing.T) string {
	t.Helper()
	rows, err := e.pool.Query(t.Context(), `SELECT kind, args::text, state::text, attempt FROM river_job ORDER BY id`)
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for rows.Next() {
		var kind, args, state string
		var attempt int
		if err := rows.Scan(&kind, &args, &state, &attempt); err != nil {
			t.Fatal(err)
		}
		out = append(out, fmt.Sprintf("%s %s %s attempt %d", kind, args, state, attempt))
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	return strings.Join(out, "; ")
}

// jobState waits until the version's job is in one of states, and returns it
// with its attempt count.
func (e *env) jobState(t *testing.T, versionID int64, states ...string) (string, int) {
	t.Helper()
	deadline := time.Now().Add(20 * time.Second)
	for {
		var state string
		var attempt int
		err := e.pool.QueryRow(t.Context(), `SELECT state::text, attempt FROM river_job
			WHERE kind = 'extract_text' AND (args->>'version_id')::bigint = $1`, versionID).Scan(&state, &attempt)
		if err != nil {
			t.Fatalf("job of version %d: %v", versionID, err)
		}
		for _, s := range states {
			if state == s {
				return state, attempt
			}
		}
		if time.Now().After(deadline) {
			t.Fatalf("job of version %d: state %s, want one of %v", versionID, state, states)
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// minimalPDF is a one-page PDF 1.4 showing line (Latin-1) in Helvetica,
// with an exact cross-reference table.
func minimalPDF(line string) []byte {
	var lit strings.Builder
	for _, r := range line {
		if r < 0x80 {
			lit.WriteRune(r)
		} else {
			fmt.Fprintf(&lit, `\%03o`, r)
		}
	}
	content := "BT /F1 24 Tf 72 720 Td (" + lit.String() + ") Tj ET\n"
	objects := []string{
		"<< /Type /Catalog /Pages 2 0 R >>",
		"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
		"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R /Resources << /Font << /F1 5 0 R >> >> >>",
		fmt.Sprintf("<< /Length %d >>\nstream\n%sendstream", len(content), content),
		"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>",
	}
	var b bytes.Buffer
	b.WriteString("%PDF-1.4\n%\xe2\xe3\xcf\xd3\n")
	offsets := make([]int, len(objects))
	for i, o := range objects {
		offsets[i] = b.Len()
		fmt.Fprintf(&b, "%d 0 obj\n%s\nendobj\n", i+1, o)
	}
	xref := b.Len()
	fmt.Fprintf(&b, "xref\n0 %d\n0000000000 65535 f \n", len(objects)+1)
	for _, off := range offsets {
		fmt.Fprintf(&b, "%010d 00000 n \n", off)
	}
	fmt.Fprintf(&b, "trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n", len(objects)+1, xref)
	return b.Bytes()
}

func docx(t *testing.T, text string) []byte {
	t.Helper()
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	for name, body := range map[string]string{
		"[Content_Types].xml": `<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="xml" ContentType="application/xml"/><Override PartName="/word/document.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/></Types>`,
		"word/document.xml":   `<?xml version="1.0" encoding="UTF-8"?><w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"><w:body><w:p><w:r><w:t>` + text + `</w:t></w:r></w:p></w:body></w:document>`,
	} {
		w, err := zw.Create(name)
		if err != nil {
			t.Fatal(err)
		}
		io.WriteString(w, body)
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

const docxType = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"

func TestExtraction(t *testing.T) {
	e := newEnv(t, false)
	// Jobs are inserted before the runner starts: inserting needs no worker.
	pdf := e.mustUpload(t, minimalPDF("Compte rendu du comité"), "application/pdf")
	word := e.mustUpload(t, docx(t, "Compte rendu du comité — séance du 21 mars 2024"), docxType)
	corrupt := e.mustUpload(t, []byte("%PDF-1.4\nceci n'est plus un PDF"), "application/pdf")
	image := e.mustUpload(t, []byte("\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR"), "image/png")
	start := time.Now()
	e.start(t)

	if x := e.wait(t, pdf); x.status != "done" || !strings.Contains(x.text, "Compte rendu du comité") || x.err != "" {
		t.Errorf("pdf: got %+v", x)
	}
	if x := e.wait(t, word); x.status != "done" || !strings.Contains(x.text, "séance du 21 mars 2024") {
		t.Errorf("docx: got %+v", x)
	}
	if x := e.wait(t, corrupt); x.status != "failed" || x.err == "" || x.text != "" {
		t.Errorf("corrupt pdf: got %+v", x)
	} else {
		t.Logf("corrupt pdf: %s", x.err)
	}
	if x := e.wait(t, image); x.status != "skipped" || x.text != "" || x.err != "" {
		t.Errorf("image: got %+v", x)
	}
	t.Logf("4 extractions in %s", time.Since(start))
	// A damaged file is not tried again.
	if state, attempt := e.jobState(t, corrupt, "completed", "retryable", "discarded"); state != "completed" || attempt != 1 {
		t.Errorf("job of the corrupt pdf: %s after %d attempts, want completed after 1", state, attempt)
	}
}

// TestSeekOnlyFiles: a file store whose readers cannot ReadAt (S3) works too.
func TestSeekOnlyFiles(t *testing.T) {
	e := newEnv(t, true)
	e.start(t)
	word := e.mustUpload(t, docx(t, "Compte rendu du comité — séance du 21 mars 2024"), docxType)
	if x := e.wait(t, word); x.status != "done" || !strings.Contains(x.text, "Compte rendu du comité") {
		t.Errorf("docx: got %+v", x)
	}
}

func TestRolledBackJobNeverRuns(t *testing.T) {
	e := newEnv(t, false)
	e.start(t)
	boom := errors.New("boom")
	if _, err := e.upload(t, minimalPDF("annule"), "application/pdf", boom); !errors.Is(err, boom) {
		t.Fatalf("InTx = %v, want boom", err)
	}
	// A committed job after it, to know the runner has had its chance.
	id := e.mustUpload(t, minimalPDF("valide"), "application/pdf")
	e.wait(t, id)
	var n int
	if err := e.pool.QueryRow(t.Context(), `SELECT count(*) FROM river_job`).Scan(&n); err != nil {
		t.Fatal(err)
	}
	if n != 1 {
		t.Fatalf("%d jobs, want only the committed one: %s", n, e.jobRows(t))
	}
}

// TestMissingFileIsRetried: an error of the file store may pass, so the job
// is tried again rather than the version marked failed at once.
func TestMissingFileIsRetried(t *testing.T) {
	e := newEnv(t, false)
	data := minimalPDF("Compte rendu du comité")
	id := e.mustUpload(t, data, "application/pdf")
	sum := sha256.Sum256(data)
	path := filepath.Join(e.files.dir, hex.EncodeToString(sum[:]))
	if err := os.Rename(path, path+".away"); err != nil {
		t.Fatal(err)
	}
	e.start(t)
	// River schedules the retry about a second later, in state available or
	// retryable depending on the delay: wait for the first attempt's error.
	deadline := time.Now().Add(20 * time.Second)
	for {
		var failures int
		var state string
		if err := e.pool.QueryRow(t.Context(), `SELECT coalesce(array_length(errors, 1), 0), state::text FROM river_job
			WHERE (args->>'version_id')::bigint = $1`, id).Scan(&failures, &state); err != nil {
			t.Fatal(err)
		}
		if failures > 0 {
			if state == "completed" || state == "discarded" {
				t.Fatalf("job %s after a missing file, want it tried again", state)
			}
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("no failed attempt after 20 s: %s", e.jobRows(t))
		}
		time.Sleep(20 * time.Millisecond)
	}
	var status string
	if err := e.pool.QueryRow(t.Context(), `SELECT extraction_status FROM document_versions WHERE id = $1`, id).Scan(&status); err != nil {
		t.Fatal(err)
	}
	if status != "pending" {
		t.Fatalf("status %q after a first failed attempt, want pending", status)
	}
	// The file comes back before the next attempt (about a second later).
	if err := os.Rename(path+".away", path); err != nil {
		t.Fatal(err)
	}
	if x := e.wait(t, id); x.status != "done" || !strings.Contains(x.text, "Compte rendu du comité") {
		t.Fatalf("after retry: got %+v", x)
	}
}

func TestEnqueueNeedsTransaction(t *testing.T) {
	e := newEnv(t, false)
	if err := e.runner.EnqueueExtractTx(t.Context(), e.st, 1); err == nil {
		t.Fatal("EnqueueExtractTx outside a transaction: no error")
	}
}

// TestConcurrentRiverMigrations: instances starting at once on a database
// without river's tables each migrate without error.
func TestConcurrentRiverMigrations(t *testing.T) {
	pool, url := pgtest.NewPool(t)
	migrator, err := rivermigrate.New(riverpgxv5.New(pool), nil)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := migrator.Migrate(t.Context(), rivermigrate.DirectionDown, &rivermigrate.MigrateOpts{TargetVersion: -1}); err != nil {
		t.Fatal(err)
	}
	if exists(t, pool, "river_job") {
		t.Fatal("river_job still exists after migrating river down")
	}
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
	if !exists(t, pool, "river_job") {
		t.Fatal("river_job missing after Up")
	}
}

func exists(t *testing.T, pool *pgxpool.Pool, table string) bool {
	t.Helper()
	var ok bool
	if err := pool.QueryRow(t.Context(), `SELECT to_regclass($1) IS NOT NULL`, table).Scan(&ok); err != nil {
		t.Fatal(err)
	}
	return ok
}
