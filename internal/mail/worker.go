package mail

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"time"

	"comite/internal/model"
)

// Outbox is the part of the store the worker needs; *store.Store satisfies it.
type Outbox interface {
	QueuedMail(ctx context.Context, id int64) (model.Mail, error)
	MarkMailSent(ctx context.Context, id int64) error
	MarkMailFailed(ctx context.Context, id int64, errText string, retryAt time.Time, giveUp bool) error
}

// Sender delivers one mail from its own sender address, whatever m.From
// says; *SMTP is the real one.
type Sender interface {
	Send(ctx context.Context, m Message) error
}

const (
	// SendTimeout bounds the SMTP conversation of one mail.
	SendTimeout = 30 * time.Second
	// MarkTimeout bounds the recording of an outcome, which goes on when
	// shutdown has begun meanwhile.
	MarkTimeout = 10 * time.Second
	// MaxAttempts before a mail is given up as failed.
	MaxAttempts = 10

	firstRetry = time.Minute
	maxRetry   = 6 * time.Hour
)

var (
	// ErrGaveUp wraps the error of an attempt after which the mail is given
	// up: it was the last one, or the mail can never be sent.
	ErrGaveUp = errors.New("mail given up")
	// ErrInterrupted is returned when the context ended during an attempt:
	// not the mail's fault, so nothing is recorded and it is tried again.
	ErrInterrupted = errors.New("mail delivery interrupted")
)

// Worker delivers the mails of the outbox, one at a time; the job runner
// (internal/jobs) calls Deliver once per attempt, in a river job inserted in
// the transaction that queued the mail.
type Worker struct {
	Outbox Outbox
	Sender Sender
	// Log defaults to slog.Default().
	Log *slog.Logger
}

// Deliver makes attempt number attempt (from 1) of maxAttempts at sending
// the outbox mail id, and records the outcome in the outbox. It returns nil
// when the mail was sent or needs no sending (sent already, given up,
// deleted); an error wrapping ErrGaveUp when this attempt failed and the
// mail is given up; ErrInterrupted when ctx ended meanwhile; otherwise the
// attempt's error, and the mail is to be tried again after
// Backoff(attempt-1).
func (w *Worker) Deliver(ctx context.Context, id int64, attempt, maxAttempts int) error {
	log := w.Log
	if log == nil {
		log = slog.Default()
	}
	m, err := w.Outbox.QueuedMail(ctx, id)
	if errors.Is(err, model.ErrNotFound) {
		return nil
	}
	if err != nil {
		if ctx.Err() != nil {
			return ErrInterrupted
		}
		return fmt.Errorf("outbox: read mail %d: %w", id, err)
	}
	if m.Status != "pending" {
		return nil
	}
	sendCtx, cancel := context.WithTimeout(ctx, SendTimeout)
	err = w.Sender.Send(sendCtx, Message{To: m.To, Subject: m.Subject, Text: m.Text, Calendar: m.Calendar})
	cancel()
	// The outcome must be recorded even when shutdown has begun meanwhile,
	// or a mail already sent would go out again.
	markCtx, cancel := context.WithTimeout(context.WithoutCancel(ctx), MarkTimeout)
	defer cancel()
	if err == nil {
		if err := w.Outbox.MarkMailSent(markCtx, m.ID); err != nil {
			log.Error("outbox: mark mail sent", "mail", m.ID, "err", err)
		}
		return nil
	}
	if ctx.Err() != nil {
		// Interrupted by shutdown, not the mail's fault.
		return ErrInterrupted
	}
	giveUp := attempt >= maxAttempts || errors.Is(err, ErrInvalidMessage)
	retryAt := time.Now().Add(Backoff(attempt - 1))
	if err := w.Outbox.MarkMailFailed(markCtx, m.ID, err.Error(), retryAt, giveUp); err != nil {
		log.Error("outbox: mark mail failed", "mail", m.ID, "err", err)
	}
	if giveUp {
		log.Error("outbox: giving up on mail", "mail", m.ID, "attempts", attempt, "err", err)
		return fmt.Errorf("%w: %w", ErrGaveUp, err)
	}
	log.Warn("outbox: mail not sent, will retry", "mail", m.ID, "attempts", attempt, "retry_at", retryAt, "err", err)
	return err
}

// Backoff is the wait after a mail's failed attempt, given how many attempts
// had failed before it: 1 min, 2, 4 … capped at 6 h.
func Backoff(previous int) time.Duration {
	d := firstRetry
	for range max(previous, 0) {
		d *= 2
		if d >= maxRetry {
			return maxRetry
		}
	}
	return d
}
