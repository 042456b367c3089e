package store

import (
	"context"
	"errors"
	"fmt"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"

	"comite/internal/model"
	"comite/internal/pgtest"
)

func TestMain(m *testing.M) { pgtest.Main(m) }

func newTestStore(t *testing.T) *Store {
	t.Helper()
	pool, _ := pgtest.NewPool(t)
	return New(pool)
}

func TestQueueMailFollowsItsTransaction(t *testing.T) {
	ctx := t.Context()
	s := newTestStore(t)

	boom := errors.New("boom")
	err := s.InTx(ctx, func(tx *Store) error {
		if _, err := tx.QueueMail(ctx, "a@example.fr", "Rolled back", "x"); err != nil {
			return err
		}
		return boom
	})
	if !errors.Is(err, boom) {
		t.Fatalf("InTx = %v, want boom", err)
	}
	if mails, _ := s.MailsTo(ctx, "a@example.fr"); len(mails) != 0 {
		t.Fatalf("a rolled back transaction left %d mails", len(mails))
	}

	var id int64
	err = s.InTx(ctx, func(tx *Store) error {
		id, err = tx.QueueMail(ctx, " A@Example.fr ", "Invitation à rejoindre le portail du comité", "Bonjour")
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	mails, err := s.MailsTo(ctx, "a@example.fr")
	if err != nil {
		t.Fatal(err)
	}
	if len(mails) != 1 {
		t.Fatalf("got %d mails, want 1", len(mails))
	}
	m := mails[0]
	if m.ID != id || m.Subject != "Invitation à rejoindre le portail du comité" || m.Text != "Bonjour" ||
		m.Status != "pending" || m.Attempts != 0 || m.SentAt != nil {
		t.Errorf("mail = %+v", m)
	}
}

func TestQueueCalendarMailKeepsItsCalendar(t *testing.T) {
	ctx := t.Context()
	s := newTestStore(t)
	const calendar = "BEGIN:VCALENDAR\r\nMETHOD:REQUEST\r\nX-WR-CALNAME:Réunions du comité\r\nEND:VCALENDAR\r\n"
	invitation, err := s.QueueCalendarMail(ctx, " Claire@Example.fr ", "Convocation", "Bonjour", calendar)
	if err != nil {
		t.Fatal(err)
	}
	plain, err := s.QueueMail(ctx, "paul@example.fr", "s", "t")
	if err != nil {
		t.Fatal(err)
	}
	var mails []model.Mail
	for _, id := range []int64{invitation, plain} {
		m, err := s.QueuedMail(ctx, id)
		if err != nil {
			t.Fatal(err)
		}
		mails = append(mails, m)
	}
	if m := mails[0]; m.ID != invitation || m.To != "Claire@Example.fr" || m.Subject != "Convocation" ||
		m.Text != "Bonjour" || m.Calendar != calendar {
		t.Errorf("calendar mail = %+v", m)
	}
	if m := mails[1]; m.ID != plain || m.Calendar != "" {
		t.Errorf("plain mail = %+v", m)
	}
}

// TestMailQueuedHook: with a hook, every queued mail is handed to it inside
// the transaction that writes it; a mail queued outside a transaction gets
// one of its own.
func TestMailQueuedHook(t *testing.T) {
	ctx := t.Context()
	s := newTestStore(t)
	var seen []int64
	s.OnMailQueued(func(ctx context.Context, tx pgx.Tx, id int64) error {
		// The hook sees the row, uncommitted, through the transaction.
		var to string
		if err := tx.QueryRow(ctx, `SELECT to_addr FROM outbox WHERE id = $1`, id).Scan(&to); err != nil {
			return err
		}
		if to == "refused@example.fr" {
			return errors.New("refused")
		}
		seen = append(seen, id)
		return nil
	})
	var inTx int64
	err := s.InTx(ctx, func(tx *Store) error {
		var err error
		inTx, err = tx.QueueMail(ctx, "a@example.fr", "s", "t")
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	alone, err := s.QueueCalendarMail(ctx, "b@example.fr", "s", "t", "BEGIN:VCALENDAR\r\nEND:VCALENDAR\r\n")
	if err != nil {
		t.Fatal(err)
	}
	if fmt.Sprint(seen) != fmt.Sprint([]int64{inTx, alone}) {
		t.Errorf("hook saw %v, want %v", seen, []int64{inTx, alone})
	}
	// A hook that fails takes its mail with it.
	if _, err := s.QueueMail(ctx, "refused@example.fr", "s", "t"); err == nil {
		t.Error("QueueMail succeeded although its hook failed")
	}
	if mails, _ := s.MailsTo(ctx, "refused@example.fr"); len(mails) != 0 {
		t.Errorf("a mail whose hook failed was kept: %+v", mails)
	}
}

func TestMarkMail(t *testing.T) {
	ctx := t.Context()
	s := newTestStore(t)
	id, err := s.QueueMail(ctx, "x@example.fr", "s", "t")
	if err != nil {
		t.Fatal(err)
	}
	nextAttempt := func() time.Time {
		t.Helper()
		var at time.Time
		if err := s.db.QueryRow(ctx, `SELECT next_attempt_at FROM outbox WHERE id = $1`, id).Scan(&at); err != nil {
			t.Fatal(err)
		}
		return at
	}
	mail := func() model.Mail {
		t.Helper()
		mails, err := s.MailsTo(ctx, "x@example.fr")
		if err != nil || len(mails) != 1 {
			t.Fatalf("MailsTo = %v, %v", mails, err)
		}
		return mails[0]
	}

	retryAt := time.Now().Add(2 * time.Minute).Truncate(time.Microsecond)
	if err := s.MarkMailFailed(ctx, id, "451 try later", retryAt, false); err != nil {
		t.Fatal(err)
	}
	if m := mail(); m.Status != "pending" || m.Attempts != 1 || m.LastError != "451 try later" {
		t.Errorf("after a failure: %+v", m)
	}
	if at := nextAttempt(); !at.Equal(retryAt) {
		t.Errorf("next_attempt_at = %v, want %v", at, retryAt)
	}

	if err := s.MarkMailFailed(ctx, id, "550 no such user", retryAt, true); err != nil {
		t.Fatal(err)
	}
	if m := mail(); m.Status != "failed" || m.Attempts != 2 || m.LastError != "550 no such user" {
		t.Errorf("after giving up: %+v", m)
	}

	id2, _ := s.QueueMail(ctx, "y@example.fr", "s", "t")
	if err := s.MarkMailSent(ctx, id2); err != nil {
		t.Fatal(err)
	}
	if m, _ := s.MailsTo(ctx, "y@example.fr"); len(m) != 1 || m[0].Status != "sent" || m[0].SentAt == nil || m[0].Attempts != 1 {
		t.Errorf("after sending: %+v", m)
	}

	if err := s.MarkMailSent(ctx, 9999); !errors.Is(err, model.ErrNotFound) {
		t.Errorf("MarkMailSent(unknown) = %v, want ErrNotFound", err)
	}
	if err := s.MarkMailFailed(ctx, 9999, "", time.Now(), false); !errors.Is(err, model.ErrNotFound) {
		t.Errorf("MarkMailFailed(unknown) = %v, want ErrNotFound", err)
	}
}

func TestMailsPages(t *testing.T) {
	ctx := t.Context()
	s := newTestStore(t)
	var ids []int64
	for i := range 5 {
		id, err := s.QueueMail(ctx, fmt.Sprintf("p%d@example.fr", i), "s", "t")
		if err != nil {
			t.Fatal(err)
		}
		ids = append(ids, id)
	}
	var got []int64
	var after Cursor
	for offset := 0; ; offset += 2 {
		page, more, err := s.Mails(ctx, 2, after)
		if err != nil {
			t.Fatal(err)
		}
		for _, m := range page {
			got = append(got, m.ID)
		}
		if wantMore := offset+2 < 5; more != wantMore {
			t.Errorf("offset %d: more = %v, want %v", offset, more, wantMore)
		}
		if !more {
			break
		}
		after = Cursor{At: page[len(page)-1].CreatedAt, ID: page[len(page)-1].ID}
	}
	want := []int64{ids[4], ids[3], ids[2], ids[1], ids[0]}
	if fmt.Sprint(got) != fmt.Sprint(want) {
		t.Errorf("pages = %v, want newest first %v", got, want)
	}
}

// TestMailGroupsPageByGroup: a transaction's mails with one subject are one
// group, even when another subject's mails of the same transaction come in
// between; a page of one group seeks past it whole, and a filter keeps a
// group's mails that pass it.
func TestMailGroupsPageByGroup(t *testing.T) {
	ctx := t.Context()
	s := newTestStore(t)
	var a, b []int64
	if err := s.InTx(ctx, func(tx *Store) error {
		for i := range 5 {
			subject, list := "Convocation : A", &a
			if i%2 == 1 {
				subject, list = "Modification : B", &b
			}
			id, err := tx.QueueMail(ctx, fmt.Sprintf("g%d@example.fr", i), subject, "t")
			if err != nil {
				return err
			}
			*list = append(*list, id)
		}
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	// C is spelt as the portal writes subjects now (no-break space before
	// the colon), A as they were written before: the filter finds both.
	c, err := s.QueueMail(ctx, "c@example.fr", "Convocation\u00a0: C", "t")
	if err != nil {
		t.Fatal(err)
	}
	if err := s.MarkMailSent(ctx, a[1]); err != nil {
		t.Fatal(err)
	}
	ids := func(g model.MailGroup) string {
		var out []int64
		for _, m := range g.Mails {
			out = append(out, m.ID)
		}
		return fmt.Sprint(out)
	}
	// Newest first; within a transaction, the group whose first mail came
	// last first.
	want := []string{fmt.Sprint([]int64{c}), fmt.Sprint(b), fmt.Sprint(a)}
	var got []string
	var after Cursor
	for page := 0; ; page++ {
		groups, more, err := s.MailGroups(ctx, MailFilter{}, 1, after)
		if err != nil {
			t.Fatal(err)
		}
		if len(groups) != 1 || page > 2 {
			t.Fatalf("page %d: %d groups", page, len(groups))
		}
		got = append(got, ids(groups[0]))
		if more != (page < 2) {
			t.Errorf("page %d: more = %v", page, more)
		}
		if !more {
			break
		}
		after = Cursor{At: groups[0].CreatedAt, ID: groups[0].Mails[0].ID}
	}
	if fmt.Sprint(got) != fmt.Sprint(want) {
		t.Errorf("pages = %v, want %v", got, want)
	}

	groups, _, err := s.MailGroups(ctx, MailFilter{Kind: "convocation", State: model.MailWaiting}, 10, Cursor{})
	if err != nil {
		t.Fatal(err)
	}
	if len(groups) != 2 || ids(groups[0]) != fmt.Sprint([]int64{c}) || ids(groups[1]) != fmt.Sprint([]int64{a[0], a[2]}) {
		t.Errorf("waiting convocations = %+v, want C, then A without its sent mail", groups)
	}
	if g := groups[1]; g.Total != 2 || g.States != (model.MailStateCounts{Waiting: 2}) || g.FirstID != a[0] {
		t.Errorf("filtered A counts %d mails %+v, first %d; want 2 waiting, first %d", g.Total, g.States, g.FirstID, a[0])
	}

	// A's own page: the whole group, whichever of its mails names it, a
	// page at a time.
	g, err := s.MailGroupOf(ctx, a[2])
	if err != nil {
		t.Fatal(err)
	}
	if g.FirstID != a[0] || g.Total != 3 || g.States != (model.MailStateCounts{Waiting: 2, Sent: 1}) || g.Subject != "Convocation : A" {
		t.Errorf("group of %d = %+v, want A: first %d, 3 mails, 2 waiting and 1 sent", a[2], g, a[0])
	}
	first, more, err := s.MailGroupPage(ctx, g, 0, 2)
	if err != nil || !more || len(first) != 2 || first[0].ID != a[0] || first[1].ID != a[1] {
		t.Errorf("A's first page = %+v, more %v, %v; want %d, %d and more", first, more, err, a[0], a[1])
	}
	rest, more, err := s.MailGroupPage(ctx, g, a[1], 2)
	if err != nil || more || len(rest) != 1 || rest[0].ID != a[2] {
		t.Errorf("A's second page = %+v, more %v, %v; want %d alone", rest, more, err, a[2])
	}
	if _, err := s.MailGroupOf(ctx, c+1000); !errors.Is(err, model.ErrNotFound) {
		t.Errorf("group of no mail: %v, want not found", err)
	}
}
