package mail_test

import (
	"context"
	"log/slog"
	"slices"
	"testing"
	"time"

	"comite/internal/config"
	"comite/internal/jobs"
	"comite/internal/mail"
	"comite/internal/pgtest"
	"comite/internal/store"
)

// TestDeliveryThroughJobs: a mail queued in a transaction gets its river job
// there and is delivered as soon as it is committed, with no wake-up call;
// a pending mail that had no job (queued by an older version) gets one at
// start.
func TestDeliveryThroughJobs(t *testing.T) {
	ctx := t.Context()
	pool, _ := pgtest.NewPool(t)
	st := store.New(pool)
	port, arrived, recipients := mail.StartTestServer(t)

	// Queued before mails had jobs.
	if _, err := st.QueueMail(ctx, "older@example.fr", "s", "t"); err != nil {
		t.Fatal(err)
	}
	log := slog.New(slog.NewTextHandler(t.Output(), &slog.HandlerOptions{Level: slog.LevelWarn}))
	runner, err := jobs.New(pool, st, nil, log)
	if err != nil {
		t.Fatal(err)
	}
	st.OnMailQueued(runner.EnqueueMailTx)
	if err := runner.DeliverMail(mail.NewSMTP(config.SMTP{Host: "127.0.0.1", Port: port, From: "comite@example.fr"})); err != nil {
		t.Fatal(err)
	}
	runCtx, stopRun := context.WithCancel(context.WithoutCancel(ctx))
	defer stopRun()
	if err := runner.Start(runCtx); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		stopCtx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		if err := runner.Stop(stopCtx); err != nil {
			t.Errorf("stop: %v", err)
		}
	})

	err = st.InTx(ctx, func(tx *store.Store) error {
		_, err := tx.QueueMail(ctx, "new@example.fr", "s", "t")
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	for range 2 {
		select {
		case <-arrived:
		case <-time.After(15 * time.Second):
			t.Fatalf("mails not delivered; the server received %v", recipients())
		}
	}
	got := recipients()
	slices.Sort(got)
	if want := []string{"TO:<new@example.fr>", "TO:<older@example.fr>"}; !slices.Equal(got, want) {
		t.Errorf("recipients = %v, want %v", got, want)
	}
	for _, to := range []string{"older@example.fr", "new@example.fr"} {
		for deadline := time.Now().Add(10 * time.Second); ; time.Sleep(20 * time.Millisecond) {
			mails, err := st.MailsTo(ctx, to)
			if err != nil || len(mails) != 1 {
				t.Fatalf("MailsTo(%s) = %v, %v", to, mails, err)
			}
			if mails[0].Status == "sent" && mails[0].Attempts == 1 {
				break
			}
			if time.Now().After(deadline) {
				t.Fatalf("mail to %s not marked sent: %+v", to, mails[0])
			}
		}
	}
	// One job per mail.
	var jobsCount int
	if err := pool.QueryRow(ctx, `SELECT count(*) FROM river_job WHERE kind = 'send_mail'`).Scan(&jobsCount); err != nil {
		t.Fatal(err)
	}
	if jobsCount != 2 {
		t.Errorf("%d mail jobs, want 2", jobsCount)
	}
}
