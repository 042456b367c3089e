package jobs

import (
	"context"
	"errors"
	"io"
	"log/slog"
	"os"
	"strings"
	"testing"

	"github.com/riverqueue/river"
	"github.com/riverqueue/river/rivertype"

	"comite/internal/pgtest"
	"comite/internal/store"
)

// noFiles has no file at all.
type noFiles struct{}

func (noFiles) Open(context.Context, string) (io.ReadSeekCloser, int64, error) {
	return nil, 0, os.ErrNotExist
}

// TestLastAttemptRecordsFailure: a transient error is returned to river for
// another try, except on the last attempt, where it is recorded as failed.
func TestLastAttemptRecordsFailure(t *testing.T) {
	pool, _ := pgtest.NewPool(t)
	st := store.New(pool)
	var id int64
	err := pool.QueryRow(t.Context(), `WITH d AS (INSERT INTO documents (title, kind, visibility)
		VALUES ('CR', 'minutes', 'members') RETURNING id)
		INSERT INTO document_versions (document_id, number, sha256, size_bytes, media_type, filename)
		SELECT d.id, 1, repeat('a', 64), 10, 'application/pdf', 'cr.pdf' FROM d RETURNING id`).Scan(&id)
	if err != nil {
		t.Fatal(err)
	}
	w := &extractWorker{store: st, files: noFiles{}, log: slog.New(slog.DiscardHandler)}
	job := func(attempt int) *river.Job[ExtractArgs] {
		return &river.Job[ExtractArgs]{JobRow: &rivertype.JobRow{Attempt: attempt, MaxAttempts: maxAttempts},
			Args: ExtractArgs{VersionID: id}}
	}
	status := func() (string, string) {
		var status, msg string
		if err := pool.QueryRow(t.Context(), `SELECT extraction_status, extraction_error FROM document_versions WHERE id = $1`, id).
			Scan(&status, &msg); err != nil {
			t.Fatal(err)
		}
		return status, msg
	}

	if err := w.Work(t.Context(), job(1)); !errors.Is(err, os.ErrNotExist) {
		t.Fatalf("first attempt: got %v, want the open error for river to retry", err)
	}
	if s, _ := status(); s != "pending" {
		t.Fatalf("after the first attempt: %s, want pending", s)
	}
	if err := w.Work(t.Context(), job(maxAttempts)); err != nil {
		t.Fatalf("last attempt: got %v, want nil once recorded", err)
	}
	if s, msg := status(); s != "failed" || !strings.Contains(msg, "open file") {
		t.Fatalf("after the last attempt: %s %q, want failed with the error", s, msg)
	}

	// A version deleted before its job runs: nothing to do.
	if _, err := pool.Exec(t.Context(), `DELETE FROM documents`); err != nil {
		t.Fatal(err)
	}
	if err := w.Work(t.Context(), job(1)); err != nil {
		t.Fatalf("deleted version: %v", err)
	}
}
