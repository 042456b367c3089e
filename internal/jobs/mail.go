package jobs

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/riverqueue/river"

	"comite/internal/mail"
)

// mailQueue is worked only by instances with an SMTP server (DeliverMail):
// without one, mails wait in the outbox for the secretariat to read.
const mailQueue = "mail"

// MailArgs asks for the delivery of a mail of the outbox. The outbox row
// stays the record the secretariat reads (/admin/outbox); the job only
// drives the attempts.
type MailArgs struct {
	OutboxID int64 `json:"outbox_id"`
}

// Kind names the job in river's tables.
func (MailArgs) Kind() string { return "send_mail" }

// InsertOpts: one job per mail at a time, so that a mail adopted at start
// (see Start) and its own job never both run.
func (MailArgs) InsertOpts() river.InsertOpts {
	return river.InsertOpts{Queue: mailQueue, MaxAttempts: mail.MaxAttempts,
		UniqueOpts: river.UniqueOpts{ByArgs: true}}
}

// mailWorker makes one attempt per run; river retries after mail.Backoff.
type mailWorker struct {
	river.WorkerDefaults[MailArgs]
	mail *mail.Worker
}

// Timeout leaves the SMTP conversation and the recording of its outcome
// their own timeouts.
func (w *mailWorker) Timeout(*river.Job[MailArgs]) time.Duration {
	return mail.SendTimeout + mail.MarkTimeout + 10*time.Second
}

// NextRetry waits 1 min after the first failure, then twice as long each
// time, up to 6 h: the outbox's next_attempt_at says the same.
func (w *mailWorker) NextRetry(job *river.Job[MailArgs]) time.Time {
	return time.Now().Add(mail.Backoff(job.Attempt - 1))
}

func (w *mailWorker) Work(ctx context.Context, job *river.Job[MailArgs]) error {
	err := w.mail.Deliver(ctx, job.Args.OutboxID, job.Attempt, job.MaxAttempts)
	switch {
	case errors.Is(err, mail.ErrGaveUp):
		// Recorded as failed in the outbox: no more attempts.
		return river.JobCancel(err)
	case errors.Is(err, mail.ErrInterrupted):
		// Shutdown: try again at once elsewhere or at the next start,
		// without counting an attempt.
		return river.JobSnooze(0)
	}
	return err
}

// DeliverMail makes this instance deliver the outbox through sender. Call
// it before Start; without it, mails stay in the outbox (their jobs wait).
func (r *Runner) DeliverMail(sender mail.Sender) error {
	r.mail.mail.Sender = sender
	if err := r.client.Queues().Add(mailQueue, river.QueueConfig{MaxWorkers: 1}); err != nil {
		return fmt.Errorf("jobs: mail queue: %w", err)
	}
	return nil
}

// EnqueueMailTx inserts the delivery job of outbox mail id in tx, the
// transaction that wrote the mail: store.OnMailQueued takes it.
func (r *Runner) EnqueueMailTx(ctx context.Context, tx pgx.Tx, id int64) error {
	if tx == nil {
		return errors.New("jobs: EnqueueMailTx needs the mail's transaction")
	}
	if _, err := r.client.InsertTx(ctx, tx, MailArgs{OutboxID: id}, nil); err != nil {
		return fmt.Errorf("jobs: enqueue mail %d: %w", id, err)
	}
	return nil
}

// adoptMails gives a job to every pending mail that has none: mails queued
// before mail delivery ran on river, or whose job river discarded (its last
// attempt met a database error). Mails that have one are skipped by the
// jobs' uniqueness.
func (r *Runner) adoptMails(ctx context.Context) error {
	rows, err := r.pool.Query(ctx, `SELECT id FROM outbox WHERE status = 'pending' ORDER BY id`)
	if err != nil {
		return fmt.Errorf("jobs: pending mails: %w", err)
	}
	ids, err := pgx.CollectRows(rows, pgx.RowTo[int64])
	if err != nil {
		return fmt.Errorf("jobs: pending mails: %w", err)
	}
	if len(ids) == 0 {
		return nil
	}
	params := make([]river.InsertManyParams, len(ids))
	for i, id := range ids {
		params[i] = river.InsertManyParams{Args: MailArgs{OutboxID: id}}
	}
	res, err := r.client.InsertMany(ctx, params)
	if err != nil {
		return fmt.Errorf("jobs: adopt pending mails: %w", err)
	}
	adopted := 0
	for _, x := range res {
		if !x.UniqueSkippedAsDuplicate {
			adopted++
		}
	}
	if adopted > 0 {
		r.log.Info("jobs: pending mails given a delivery job", "count", adopted)
	}
	return nil
}
