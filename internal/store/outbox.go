package store

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"

	"comite/internal/model"
)

const mailColumns = `id, created_at, to_addr, subject, body_text, calendar, status, attempts, last_error, sent_at`

// mailFields are where the mailColumns of a row go.
func mailFields(m *model.Mail) []any {
	return []any{&m.ID, &m.CreatedAt, &m.To, &m.Subject, &m.Text, &m.Calendar, &m.Status, &m.Attempts, &m.LastError, &m.SentAt}
}

func scanMail(row pgx.Row) (model.Mail, error) {
	var m model.Mail
	err := row.Scan(mailFields(&m)...)
	return m, err
}

func collectMails(rows pgx.Rows) ([]model.Mail, error) {
	return pgx.CollectRows(rows, func(r pgx.CollectableRow) (model.Mail, error) { return scanMail(r) })
}

// QueueMail writes a mail into the outbox and returns its id. Call it inside
// the transaction of the change that causes the mail, so that the mail exists
// exactly when the change is committed. The hook set by OnMailQueued (the
// mail's delivery job) is called in that transaction too; outside of one,
// QueueMail makes its own.
func (s *Store) QueueMail(ctx context.Context, to, subject, text string) (int64, error) {
	return s.QueueCalendarMail(ctx, to, subject, text, "")
}

// QueueCalendarMail is QueueMail for a mail that carries an iCalendar part
// (an invitation, its update or its cancellation) besides its text.
func (s *Store) QueueCalendarMail(ctx context.Context, to, subject, text, calendar string) (int64, error) {
	if s.mailQueued != nil && s.Tx() == nil {
		var id int64
		err := s.InTx(ctx, func(tx *Store) error {
			var err error
			id, err = tx.QueueCalendarMail(ctx, to, subject, text, calendar)
			return err
		})
		return id, err
	}
	var id int64
	err := s.db.QueryRow(ctx, `INSERT INTO outbox (to_addr, subject, body_text, calendar) VALUES ($1, $2, $3, $4) RETURNING id`,
		strings.TrimSpace(to), subject, text, calendar).Scan(&id)
	if err != nil {
		return 0, fmt.Errorf("queue mail: %w", mapErr(err))
	}
	if s.mailQueued != nil {
		if err := s.mailQueued(ctx, s.Tx(), id); err != nil {
			return 0, fmt.Errorf("queue mail: %w", err)
		}
	}
	return id, nil
}

// OnMailQueued makes QueueMail call fn with every mail it writes, inside the
// transaction that writes it: the job runner inserts the mail's delivery job
// there. Call it before the store is used; stores made by InTx inherit it.
func (s *Store) OnMailQueued(fn func(ctx context.Context, tx pgx.Tx, id int64) error) {
	s.mailQueued = fn
}

// MarkMailSent records a delivery; the successful attempt counts in attempts.
func (s *Store) MarkMailSent(ctx context.Context, id int64) error {
	tag, err := s.db.Exec(ctx, `UPDATE outbox SET status = 'sent', sent_at = now(), attempts = attempts + 1
		WHERE id = $1`, id)
	if err != nil {
		return fmt.Errorf("mark mail %d sent: %w", id, err)
	}
	if tag.RowsAffected() == 0 {
		return fmt.Errorf("mark mail %d sent: %w", id, model.ErrNotFound)
	}
	return nil
}

// MarkMailFailed records a failed attempt: one more attempt, its error, and
// the time of the next one. With giveUp the mail becomes 'failed' and is no
// longer tried.
func (s *Store) MarkMailFailed(ctx context.Context, id int64, errText string, retryAt time.Time, giveUp bool) error {
	tag, err := s.db.Exec(ctx, `UPDATE outbox SET attempts = attempts + 1, last_error = $2, next_attempt_at = $3,
		status = CASE WHEN $4 THEN 'failed' ELSE status END
		WHERE id = $1`, id, errText, retryAt, giveUp)
	if err != nil {
		return fmt.Errorf("mark mail %d failed: %w", id, err)
	}
	if tag.RowsAffected() == 0 {
		return fmt.Errorf("mark mail %d failed: %w", id, model.ErrNotFound)
	}
	return nil
}

// Mails returns a page of the outbox, newest first, after the cursor (a
// seek in outbox_created_idx, not an offset), and whether there is more.
func (s *Store) Mails(ctx context.Context, limit int, after Cursor) ([]model.Mail, bool, error) {
	sql, args := `SELECT `+mailColumns+` FROM outbox ORDER BY created_at DESC, id DESC LIMIT $1`, []any{limit + 1}
	if after.ID != 0 {
		sql, args = `SELECT `+mailColumns+` FROM outbox WHERE (created_at, id) < ($2, $3)
			ORDER BY created_at DESC, id DESC LIMIT $1`, []any{limit + 1, after.At, after.ID}
	}
	rows, err := s.db.Query(ctx, sql, args...)
	if err != nil {
		return nil, false, fmt.Errorf("mails: %w", err)
	}
	mails, err := collectMails(rows)
	if err != nil {
		return nil, false, fmt.Errorf("mails: %w", err)
	}
	mails, more := pageOf(mails, limit)
	return mails, more, nil
}

// MailsTo returns the mails sent to one address (case-insensitive), newest
// first: tests and the secretariat read invitations there.
func (s *Store) MailsTo(ctx context.Context, to string) ([]model.Mail, error) {
	rows, err := s.db.Query(ctx, `SELECT `+mailColumns+` FROM outbox WHERE lower(to_addr) = $1
		ORDER BY created_at DESC, id DESC`, NormalizeEmail(to))
	if err != nil {
		return nil, fmt.Errorf("mails to: %w", err)
	}
	mails, err := collectMails(rows)
	if err != nil {
		return nil, fmt.Errorf("mails to: %w", err)
	}
	return mails, nil
}

// QueuedMail returns one mail of the outbox.
func (s *Store) QueuedMail(ctx context.Context, id int64) (model.Mail, error) {
	m, err := scanMail(s.db.QueryRow(ctx, `SELECT `+mailColumns+` FROM outbox WHERE id = $1`, id))
	if err != nil {
		return m, fmt.Errorf("mail %d: %w", id, mapErr(err))
	}
	return m, nil
}

// MailFilter narrows the outbox: a kind (model.MailKinds, or
// model.MailKindOther) and a state (model.MailStates); empty is all.
type MailFilter struct {
	Kind  string
	State string
}

// where returns the filter's conditions on outbox, numbering its arguments
// after those of args.
func (f MailFilter) where(args *[]any) []string {
	arg := func(v any) string {
		*args = append(*args, v)
		return fmt.Sprintf("$%d", len(*args))
	}
	var where []string
	if cond, ok := mailStateConditions[f.State]; ok {
		where = append(where, cond)
	}
	if f.Kind == "" {
		return where
	}
	var patterns []string
	kinds := model.MailKinds
	if k, ok := model.MailKindByKey(f.Kind); ok && f.Kind != model.MailKindOther {
		kinds = []model.MailKind{k}
	}
	for _, k := range kinds {
		for _, p := range k.Prefixes {
			patterns = append(patterns, likeEscaper.Replace(p)+"%")
			// Mails written before the subjects took French spacing
			// (« Convocation : » with an ordinary space) keep their kind.
			if plain := plainSpaces.Replace(p); plain != p {
				patterns = append(patterns, likeEscaper.Replace(plain)+"%")
			}
		}
	}
	if f.Kind == model.MailKindOther {
		where = append(where, "NOT subject LIKE ANY ("+arg(patterns)+"::text[])")
		return where
	}
	// One LIKE per start rather than LIKE ANY: each is a range of
	// outbox_subject_idx when the kind is rare.
	likes := make([]string, len(patterns))
	for i, p := range patterns {
		likes[i] = "subject LIKE " + arg(p)
	}
	where = append(where, "("+strings.Join(likes, " OR ")+")")
	return where
}

// mailStateConditions are the outbox's states (model.MailStates) in SQL:
// its filter and the counts of its groups.
var mailStateConditions = map[string]string{
	model.MailWaiting:  "status = 'pending' AND attempts = 0",
	model.MailRetrying: "status = 'pending' AND attempts > 0",
	model.MailSent:     "status = 'sent'",
	model.MailFailed:   "status = 'failed'",
}

// mailGroupCounts are the aggregates of a group of mails: how many, and how
// many in each state, in model.MailStateCounts' order.
var mailGroupCounts = "count(*) AS total" +
	", count(*) FILTER (WHERE " + mailStateConditions[model.MailWaiting] + ") AS waiting" +
	", count(*) FILTER (WHERE " + mailStateConditions[model.MailRetrying] + ") AS retrying" +
	", count(*) FILTER (WHERE " + mailStateConditions[model.MailSent] + ") AS sent" +
	", count(*) FILTER (WHERE " + mailStateConditions[model.MailFailed] + ") AS failed"

var plainSpaces = strings.NewReplacer("\u00a0", " ", "\u202f", " ")

var likeEscaper = strings.NewReplacer(`\`, `\\`, `%`, `\%`, `_`, `\_`)

// MailGroups returns a page of the outbox's groups, newest first: the mails
// written with one subject by one transaction (whose now() they share), a
// convocation to each seat being one group. The page seeks past the cursor,
// the time and first mail of the previous page's last group, and reads the
// outbox along outbox_created_idx. Filtered, a group holds only its mails
// that pass the filter.
func (s *Store) MailGroups(ctx context.Context, f MailFilter, limit int, after Cursor) ([]model.MailGroup, bool, error) {
	var args []any
	where := f.where(&args)
	having := ""
	if after.ID != 0 {
		args = append(args, after.At, after.ID)
		n := len(args)
		// The WHERE bounds the index scan; the HAVING drops the groups of
		// that instant that came before.
		where = append(where, fmt.Sprintf("created_at <= $%d", n-1))
		having = fmt.Sprintf("HAVING (created_at, min(id)) < ($%d, $%d)", n-1, n)
	}
	cond := ""
	if len(where) > 0 {
		cond = "WHERE " + strings.Join(where, " AND ")
	}
	args = append(args, model.MailGroupShown, limit+1)
	// One statement: the page's groups with their counts, then the first
	// mails of each by primary key.
	cols := "o." + strings.ReplaceAll(mailColumns, ", ", ", o.")
	rows, err := s.db.Query(ctx, `WITH g AS (
			SELECT created_at, subject, min(id) AS first_id, `+mailGroupCounts+`,
				(array_agg(id ORDER BY id))[1:$`+fmt.Sprint(len(args)-1)+`] AS ids
			FROM outbox `+cond+`
			GROUP BY created_at, subject `+having+`
			ORDER BY created_at DESC, min(id) DESC LIMIT $`+fmt.Sprint(len(args))+`)
		SELECT g.first_id, g.total, g.waiting, g.retrying, g.sent, g.failed, `+cols+`
		FROM g JOIN outbox o ON o.id = ANY (g.ids)
		ORDER BY g.created_at DESC, g.first_id DESC, o.id`, args...)
	if err != nil {
		return nil, false, fmt.Errorf("mail groups: %w", err)
	}
	defer rows.Close()
	// Rows come group after group, each row carrying its group's counts.
	var groups []model.MailGroup
	for rows.Next() {
		var g model.MailGroup
		var m model.Mail
		if err := rows.Scan(append([]any{&g.FirstID, &g.Total, &g.States.Waiting, &g.States.Retrying, &g.States.Sent, &g.States.Failed},
			mailFields(&m)...)...); err != nil {
			return nil, false, fmt.Errorf("mail groups: %w", err)
		}
		if n := len(groups); n == 0 || groups[n-1].FirstID != g.FirstID {
			g.CreatedAt, g.Subject = m.CreatedAt, m.Subject
			groups = append(groups, g)
		}
		groups[len(groups)-1].Mails = append(groups[len(groups)-1].Mails, m)
	}
	if err := rows.Err(); err != nil {
		return nil, false, fmt.Errorf("mail groups: %w", err)
	}
	groups, more := pageOf(groups, limit)
	return groups, more, nil
}

// MailGroupOf returns the group of mail id, with its counts and without
// its mails, or model.ErrNotFound. A filtered outbox page knows a group by
// its first mail that passes the filter, so any of its mails leads to it.
func (s *Store) MailGroupOf(ctx context.Context, id int64) (model.MailGroup, error) {
	var g model.MailGroup
	err := s.db.QueryRow(ctx, `SELECT min(id), created_at, subject, `+mailGroupCounts+`
		FROM outbox
		WHERE (created_at, subject) = (SELECT created_at, subject FROM outbox WHERE id = $1)
		GROUP BY created_at, subject`, id).Scan(&g.FirstID, &g.CreatedAt, &g.Subject,
		&g.Total, &g.States.Waiting, &g.States.Retrying, &g.States.Sent, &g.States.Failed)
	if errors.Is(err, pgx.ErrNoRows) {
		return g, model.ErrNotFound
	}
	if err != nil {
		return g, fmt.Errorf("mail group of %d: %w", id, err)
	}
	return g, nil
}

// MailGroupPage returns the mails of g written after mail after (0 for
// the first page), in the order they were written, a page of limit, and
// whether more follow. It reads outbox_created_idx at the group's instant.
func (s *Store) MailGroupPage(ctx context.Context, g model.MailGroup, after int64, limit int) ([]model.Mail, bool, error) {
	rows, err := s.db.Query(ctx, `SELECT `+mailColumns+` FROM outbox
		WHERE created_at = $1 AND subject = $2 AND id > $3
		ORDER BY id LIMIT $4`, g.CreatedAt, g.Subject, after, limit+1)
	if err != nil {
		return nil, false, fmt.Errorf("mail group %d: %w", g.FirstID, err)
	}
	mails, err := collectMails(rows)
	if err != nil {
		return nil, false, fmt.Errorf("mail group %d: %w", g.FirstID, err)
	}
	mails, more := pageOf(mails, limit)
	return mails, more, nil
}
