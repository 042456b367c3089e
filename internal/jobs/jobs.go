// Package jobs runs all background work in PostgreSQL with river: text
// extraction and mail delivery, whose jobs are inserted in the transaction of
// the change that needs them, so that they exist exactly when the change is
// committed; and periodic maintenance (Every), scheduled by river's elected
// leader so that it runs once however many instances share the database.
package jobs

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"os"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/riverqueue/river"
	"github.com/riverqueue/river/riverdriver/riverpgxv5"

	"comite/internal/extract"
	"comite/internal/mail"
	"comite/internal/model"
	"comite/internal/store"
)

// Files opens stored files by their SHA-256; *blob.Store satisfies it.
type Files interface {
	Open(ctx context.Context, sha256 string) (io.ReadSeekCloser, int64, error)
}

const (
	// extractTimeout bounds one extraction (pdftotext included).
	extractTimeout = 60 * time.Second
	// jobTimeout bounds a whole job: opening the file, extracting, recording.
	jobTimeout = extractTimeout + 30*time.Second
	// recordTimeout bounds the recording of an outcome, which goes on when
	// shutdown has begun meanwhile.
	recordTimeout = 10 * time.Second
	// maxAttempts of an extraction job whose errors are transient.
	maxAttempts = 3
	// maxErrorLen is the most of an error message kept with the version.
	maxErrorLen = 1000
)

// ExtractArgs asks for the text of a document version, for search.
type ExtractArgs struct {
	VersionID int64 `json:"version_id"`
}

// Kind names the job in river's tables.
func (ExtractArgs) Kind() string { return "extract_text" }

// InsertOpts are the defaults of every extraction job.
func (ExtractArgs) InsertOpts() river.InsertOpts {
	return river.InsertOpts{MaxAttempts: maxAttempts}
}

// Runner inserts and works the jobs. Inserting works whether or not the
// Runner is started.
type Runner struct {
	client      *river.Client[pgx.Tx]
	pool        *pgxpool.Pool
	log         *slog.Logger
	mail        *mailWorker
	maintenance *maintenanceWorker
}

// New builds the river client on pool with its workers: extraction (queue
// default, at most 2 jobs at once per instance), mail delivery (queue mail,
// worked only after DeliverMail) and maintenance (queue maintenance, tasks
// registered with Every, two at once). It starts nothing: call Start to work jobs.
// River's tables come from dbmigrate.Up.
func New(pool *pgxpool.Pool, st *store.Store, files Files, log *slog.Logger) (*Runner, error) {
	if log == nil {
		log = slog.Default()
	}
	r := &Runner{pool: pool, log: log,
		mail:        &mailWorker{mail: &mail.Worker{Outbox: st, Log: log}},
		maintenance: &maintenanceWorker{tasks: map[string]func(context.Context){}},
	}
	workers := river.NewWorkers()
	for _, add := range []func() error{
		func() error { return river.AddWorkerSafely(workers, &extractWorker{store: st, files: files, log: log}) },
		func() error { return river.AddWorkerSafely(workers, r.mail) },
		func() error { return river.AddWorkerSafely(workers, r.maintenance) },
	} {
		if err := add(); err != nil {
			return nil, fmt.Errorf("jobs: %w", err)
		}
	}
	client, err := river.NewClient(riverpgxv5.New(pool), &river.Config{
		Queues: map[string]river.QueueConfig{
			river.QueueDefault: {MaxWorkers: 2},
			// One per task: a long sweep does not hold up the news mails.
			maintenanceQueue: {MaxWorkers: 2},
		},
		Workers: workers,
		Logger:  log,
		// A crashed instance's jobs run again after this; river's default
		// is an hour, long for a mail.
		RescueStuckJobsAfter: rescueAfter,
	})
	if err != nil {
		return nil, fmt.Errorf("jobs: river client: %w", err)
	}
	r.client = client
	return r, nil
}

// Start starts working jobs in the background until Stop. Cancelling ctx
// stops them too, cancelling the running jobs: pass a context that lives as
// long as the process and call Stop for a graceful end.
func (r *Runner) Start(ctx context.Context) error {
	if err := r.adoptMails(ctx); err != nil {
		return err
	}
	if err := r.client.Start(ctx); err != nil {
		return fmt.Errorf("jobs: start: %w", err)
	}
	return nil
}

// Stop stops fetching jobs and waits for the running ones to finish, until
// ctx ends; then it cancels those still running (they are tried again later)
// and returns ctx's error. Stop on a Runner never started does nothing.
func (r *Runner) Stop(ctx context.Context) error {
	err := r.client.Stop(ctx)
	if err == nil || ctx.Err() == nil {
		return err
	}
	r.log.Warn("jobs: stop: jobs still running, cancelling them", "err", err)
	cancelCtx, cancel := context.WithTimeout(context.WithoutCancel(ctx), recordTimeout)
	defer cancel()
	if cerr := r.client.StopAndCancel(cancelCtx); cerr != nil {
		return errors.Join(err, fmt.Errorf("jobs: stop and cancel: %w", cerr))
	}
	return err
}

// EnqueueExtractTx inserts an extraction job for a document version inside
// the store transaction tx (made by st.InTx): the job exists only if tx
// commits, and no worker sees it before.
func (r *Runner) EnqueueExtractTx(ctx context.Context, tx *store.Store, versionID int64) error {
	ptx := tx.Tx()
	if ptx == nil {
		return errors.New("jobs: EnqueueExtractTx needs a store transaction made by InTx")
	}
	if _, err := r.client.InsertTx(ctx, ptx, ExtractArgs{VersionID: versionID}, nil); err != nil {
		return fmt.Errorf("jobs: enqueue extraction of version %d: %w", versionID, err)
	}
	return nil
}

// extractWorker fills in the text of a version.
type extractWorker struct {
	river.WorkerDefaults[ExtractArgs]
	store *store.Store
	files Files
	log   *slog.Logger
}

// Timeout overrides river's default of one minute, which is the time of the
// extraction alone.
func (w *extractWorker) Timeout(*river.Job[ExtractArgs]) time.Duration { return jobTimeout }

// Work extracts the text and records the outcome. A file that cannot give
// text is recorded as failed at once; a transient error (storage, database,
// pdftotext missing, timeout) is returned for river to try again, and
// recorded as failed on the last attempt.
func (w *extractWorker) Work(ctx context.Context, job *river.Job[ExtractArgs]) error {
	id := job.Args.VersionID
	sha, mediaType, err := w.store.VersionToExtract(ctx, id)
	if errors.Is(err, model.ErrNotFound) {
		w.log.Info("jobs: extraction: version gone", "version", id)
		return nil
	}
	if err != nil {
		return w.transient(ctx, job, err)
	}
	text, err := w.extract(ctx, sha, mediaType)
	switch {
	case err == nil:
		return w.record(ctx, id, "done", text, "")
	case errors.Is(err, extract.ErrUnsupported):
		return w.record(ctx, id, "skipped", "", "")
	case errors.Is(err, extract.ErrInvalid):
		w.log.Info("jobs: extraction failed", "version", id, "media_type", mediaType, "err", err)
		return w.record(ctx, id, "failed", "", err.Error())
	}
	return w.transient(ctx, job, err)
}

func (w *extractWorker) extract(ctx context.Context, sha, mediaType string) (string, error) {
	f, size, err := w.files.Open(ctx, sha)
	if err != nil {
		return "", fmt.Errorf("open file %s: %w", sha, err)
	}
	defer f.Close()
	ra, done, err := readerAt(f)
	if err != nil {
		return "", err
	}
	defer done()
	ctx, cancel := context.WithTimeout(ctx, extractTimeout)
	defer cancel()
	text, err := extract.Text(ctx, mediaType, ra, size)
	if errors.Is(err, context.DeadlineExceeded) {
		err = fmt.Errorf("extraction took longer than %s: %w", extractTimeout, err)
	}
	return text, err
}

// transient returns err for river to try the job again, or records the
// failure on the last attempt.
func (w *extractWorker) transient(ctx context.Context, job *river.Job[ExtractArgs], err error) error {
	if job.Attempt < job.MaxAttempts {
		w.log.Warn("jobs: extraction failed, will try again", "version", job.Args.VersionID,
			"attempt", job.Attempt, "err", err)
		return err
	}
	w.log.Error("jobs: extraction failed", "version", job.Args.VersionID, "attempt", job.Attempt, "err", err)
	if rerr := w.record(ctx, job.Args.VersionID, "failed", "", err.Error()); rerr != nil {
		return errors.Join(err, rerr)
	}
	return nil
}

// record stores the outcome, even when shutdown has begun meanwhile.
func (w *extractWorker) record(ctx context.Context, id int64, status, text, errText string) error {
	if len(errText) > maxErrorLen {
		errText = errText[:maxErrorLen]
	}
	ctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), recordTimeout)
	defer cancel()
	err := w.store.SetExtraction(ctx, id, status, text, strings.ToValidUTF8(errText, ""))
	if errors.Is(err, model.ErrNotFound) {
		return nil // deleted meanwhile
	}
	return err
}

// readerAt returns f as an io.ReaderAt. A file of a remote store is not one,
// and seeking it costs a request: it is copied to a temp file, removed by done.
func readerAt(f io.ReadSeeker) (ra io.ReaderAt, done func(), err error) {
	if ra, ok := f.(io.ReaderAt); ok {
		return ra, func() {}, nil
	}
	tmp, err := os.CreateTemp("", "comite-jobs-*")
	if err != nil {
		return nil, nil, fmt.Errorf("temp file: %w", err)
	}
	done = func() {
		tmp.Close()
		os.Remove(tmp.Name())
	}
	if _, err := f.Seek(0, io.SeekStart); err != nil {
		done()
		return nil, nil, fmt.Errorf("read file: %w", err)
	}
	if _, err := io.Copy(tmp, f); err != nil {
		done()
		return nil, nil, fmt.Errorf("read file: %w", err)
	}
	return tmp, done, nil
}
