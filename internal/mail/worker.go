package mail

import (
	"context"
	"errors"
	"log/slog"
	"sync"
	"time"

	"comite/internal/model"
)

// Outbox is the part of the store the worker needs; *store.Store satisfies it.
type Outbox interface {
	DueMails(ctx context.Context, limit int, lease time.Duration) ([]model.Mail, error)
	MarkMailSent(ctx context.Context, id int64) error
	MarkMailFailed(ctx context.Context, id int64, errText string, retryAt time.Time, giveUp bool) error
}

// Sender delivers one mail from its own sender address, whatever m.From
// says; *SMTP is the real one.
type Sender interface {
	Send(ctx context.Context, m Message) error
}

const (
	batchSize   = 20
	lease       = 5 * time.Minute
	sendTimeout = 30 * time.Second
	markTimeout = 10 * time.Second
	firstRetry  = time.Minute
	maxRetry    = 6 * time.Hour

	defaultInterval    = 5 * time.Second
	defaultMaxAttempts = 10
)

// Worker delivers the outbox. Several instances may run against one database:
// each claims its own mails.
type Worker struct {
	Outbox Outbox
	Sender Sender
	// Log defaults to slog.Default().
	Log *slog.Logger
	// Interval between looks at the outbox; 5 s when zero.
	Interval time.Duration
	// MaxAttempts before a mail is given up as failed; 10 when zero.
	MaxAttempts int

	once sync.Once
	wake chan struct{}
}

func (w *Worker) wakeup() chan struct{} {
	w.once.Do(func() { w.wake = make(chan struct{}, 1) })
	return w.wake
}

// Wake asks Run for a delivery round now rather than at the next tick; call it
// after committing a transaction that queued a mail. It never blocks.
func (w *Worker) Wake() {
	select {
	case w.wakeup() <- struct{}{}:
	default: // a round is already asked for
	}
}

// Run delivers due mails every Interval, and when woken, until ctx ends.
func (w *Worker) Run(ctx context.Context) {
	interval := w.Interval
	if interval <= 0 {
		interval = defaultInterval
	}
	t := time.NewTimer(0)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		case <-w.wakeup():
		}
		sent, failed := w.RunOnce(ctx)
		next := interval
		if sent+failed == batchSize {
			next = 0 // more may be waiting
		}
		t.Reset(next)
	}
}

// RunOnce claims one batch of due mails and tries each once. It returns how
// many were sent and how many failed; mails it could not try (ctx ended, the
// lease ran short) come back when their lease ends.
func (w *Worker) RunOnce(ctx context.Context) (sent, failed int) {
	log := w.Log
	if log == nil {
		log = slog.Default()
	}
	claimed := time.Now()
	mails, err := w.Outbox.DueMails(ctx, batchSize, lease)
	if err != nil {
		if ctx.Err() == nil {
			log.Error("outbox: claim due mails", "err", err)
		}
		return 0, 0
	}
	for i, m := range mails {
		if ctx.Err() != nil {
			return sent, failed
		}
		// Past its lease a mail may be claimed by another instance and sent twice.
		if time.Since(claimed) > lease-sendTimeout-markTimeout {
			log.Warn("outbox: lease running out, leaving mails for later", "left", len(mails)-i)
			return sent, failed
		}
		if w.deliver(ctx, log, m) {
			sent++
		} else {
			failed++
		}
	}
	return sent, failed
}

// deliver sends m and records the outcome; it reports whether m was sent.
func (w *Worker) deliver(ctx context.Context, log *slog.Logger, m model.Mail) bool {
	sendCtx, cancel := context.WithTimeout(ctx, sendTimeout)
	err := w.Sender.Send(sendCtx, Message{To: m.To, Subject: m.Subject, Text: m.Text, Calendar: m.Calendar})
	cancel()
	// The outcome must be recorded even when shutdown has begun meanwhile,
	// or a mail already sent would go out again after its lease.
	markCtx, cancel := context.WithTimeout(context.WithoutCancel(ctx), markTimeout)
	defer cancel()
	if err == nil {
		if err := w.Outbox.MarkMailSent(markCtx, m.ID); err != nil {
			log.Error("outbox: mark mail sent", "mail", m.ID, "err", err)
		}
		return true
	}
	if ctx.Err() != nil {
		// Interrupted by shutdown, not the mail's fault: the lease brings it back.
		return false
	}
	maxAttempts := w.MaxAttempts
	if maxAttempts <= 0 {
		maxAttempts = defaultMaxAttempts
	}
	attempts := m.Attempts + 1
	giveUp := attempts >= maxAttempts || errors.Is(err, ErrInvalidMessage)
	retryAt := time.Now().Add(backoff(m.Attempts))
	if err := w.Outbox.MarkMailFailed(markCtx, m.ID, err.Error(), retryAt, giveUp); err != nil {
		log.Error("outbox: mark mail failed", "mail", m.ID, "err", err)
	}
	if giveUp {
		log.Error("outbox: giving up on mail", "mail", m.ID, "attempts", attempts, "err", err)
	} else {
		log.Warn("outbox: mail not sent, will retry", "mail", m.ID, "attempts", attempts, "retry_at", retryAt, "err", err)
	}
	return false
}

// backoff is the wait after a mail's failed attempt, given how many attempts
// had failed before it: 1 min, 2, 4 … capped at 6 h.
func backoff(previous int) time.Duration {
	d := firstRetry
	for range previous {
		d *= 2
		if d >= maxRetry {
			return maxRetry
		}
	}
	return d
}
