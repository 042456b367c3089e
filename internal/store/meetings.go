package store

import (
	"context"
	"crypto/rand"
	"fmt"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"

	"comite/internal/model"
)

const meetingColumns = `id, slug, title, starts_at, ends_at, place, video_url, status, summary, illustrative,
	status_reason, ics_sequence, invitations_sent, public_details, public_minutes,
	minutes_text, minutes_html, minutes_version, minutes_approved_on, coalesce(minutes_adopted_at, 0)`

func scanMeeting(row pgx.Row) (model.Meeting, error) {
	var m model.Meeting
	err := row.Scan(&m.ID, &m.Slug, &m.Title, &m.StartsAt, &m.EndsAt, &m.Place, &m.VideoURL, &m.Status, &m.Summary, &m.Illustrative,
		&m.StatusReason, &m.ICSSequence, &m.InvitationsSent, &m.PublicDetails, &m.PublicMinutes,
		&m.MinutesText, &m.MinutesHTML, &m.MinutesVersion, &m.MinutesApprovedOn, &m.MinutesAdoptedAt)
	return m, err
}

// Meeting returns the meeting with the given id.
func (s *Store) Meeting(ctx context.Context, id int64) (model.Meeting, error) {
	m, err := scanMeeting(s.db.QueryRow(ctx, `SELECT `+meetingColumns+` FROM meetings WHERE id = $1`, id))
	if err != nil {
		return m, fmt.Errorf("meeting %d: %w", id, mapErr(err))
	}
	return m, nil
}

// MeetingForUpdate returns the meeting and locks its row until the
// transaction ends, so that two status changes cannot cross.
func (s *Store) MeetingForUpdate(ctx context.Context, id int64) (model.Meeting, error) {
	m, err := scanMeeting(s.db.QueryRow(ctx, `SELECT `+meetingColumns+` FROM meetings WHERE id = $1 FOR UPDATE`, id))
	if err != nil {
		return m, fmt.Errorf("meeting %d: %w", id, mapErr(err))
	}
	return m, nil
}

// MeetingsAfter returns the meetings starting at or after t, soonest first,
// at most limit.
func (s *Store) MeetingsAfter(ctx context.Context, t time.Time, limit int) ([]model.Meeting, error) {
	return s.meetings(ctx, `SELECT `+meetingColumns+` FROM meetings WHERE starts_at >= $1 ORDER BY starts_at LIMIT $2`, t, limit)
}

// MeetingChoices returns the id, title and start of the meetings that
// started before t, latest first, at most limit: a form's choices, without
// the minutes' texts that a whole meeting carries.
func (s *Store) MeetingChoices(ctx context.Context, t time.Time, limit int) ([]model.Meeting, error) {
	rows, err := s.db.Query(ctx, `SELECT id, title, starts_at FROM meetings WHERE starts_at < $1 ORDER BY starts_at DESC LIMIT $2`, t, limit)
	if err != nil {
		return nil, fmt.Errorf("meeting choices: %w", err)
	}
	return pgx.CollectRows(rows, func(r pgx.CollectableRow) (model.Meeting, error) {
		var m model.Meeting
		err := r.Scan(&m.ID, &m.Title, &m.StartsAt)
		return m, err
	})
}

// MeetingFilter selects a page of meetings.
type MeetingFilter struct {
	// Statuses, when not empty, keeps only meetings in one of them.
	Statuses []model.MeetingStatus
	// Upcoming keeps meetings starting at or after Now, soonest first;
	// otherwise those before Now, latest first.
	Upcoming bool
	Now      time.Time
	Year     int
	Limit    int
	Offset   int
}

// MeetingList returns a page of meetings and how many match in all.
func (s *Store) MeetingList(ctx context.Context, f MeetingFilter) ([]model.Meeting, int, error) {
	where := []string{"true"}
	args := []any{}
	arg := func(v any) string {
		args = append(args, v)
		return fmt.Sprintf("$%d", len(args))
	}
	order := "starts_at DESC, id DESC"
	if f.Upcoming {
		where = append(where, "starts_at >= "+arg(f.Now))
		order = "starts_at, id"
	} else {
		where = append(where, "starts_at < "+arg(f.Now))
	}
	if len(f.Statuses) > 0 {
		where = append(where, "status = ANY("+arg(f.Statuses)+")")
	}
	if f.Year > 0 {
		where = append(where, "extract(year FROM starts_at AT TIME ZONE 'Europe/Paris') = "+arg(f.Year))
	}
	cond := strings.Join(where, " AND ")
	var total int
	if err := s.db.QueryRow(ctx, `SELECT count(*) FROM meetings WHERE `+cond, args...).Scan(&total); err != nil {
		return nil, 0, fmt.Errorf("count meetings: %w", err)
	}
	ms, err := s.meetings(ctx, `SELECT `+meetingColumns+` FROM meetings WHERE `+cond+` ORDER BY `+order+
		` LIMIT `+arg(f.Limit)+` OFFSET `+arg(f.Offset), args...)
	return ms, total, err
}

// MeetingYears returns the years (Paris time) that have meetings, latest first.
func (s *Store) MeetingYears(ctx context.Context) ([]int, error) {
	rows, err := s.db.Query(ctx, `SELECT DISTINCT extract(year FROM starts_at AT TIME ZONE 'Europe/Paris')::int AS y
		FROM meetings ORDER BY y DESC`)
	if err != nil {
		return nil, fmt.Errorf("meeting years: %w", err)
	}
	years, err := pgx.CollectRows(rows, pgx.RowTo[int])
	if err != nil {
		return nil, fmt.Errorf("meeting years: %w", err)
	}
	return years, nil
}

// NextMeetingAfter returns the first meeting after t that is still announced
// (planned or with its agenda published): the one whose agenda receives the
// follow-up of open actions.
func (s *Store) NextMeetingAfter(ctx context.Context, t time.Time) (model.Meeting, error) {
	m, err := scanMeeting(s.db.QueryRow(ctx, `SELECT `+meetingColumns+` FROM meetings
		WHERE starts_at > $1 AND status IN ('planned', 'agenda_published') ORDER BY starts_at, id LIMIT 1`, t))
	if err != nil {
		return m, fmt.Errorf("next meeting: %w", mapErr(err))
	}
	return m, nil
}

// MeetingsWithStatus returns the meetings in one of the statuses, latest first.
func (s *Store) MeetingsWithStatus(ctx context.Context, statuses ...model.MeetingStatus) ([]model.Meeting, error) {
	return s.meetings(ctx, `SELECT `+meetingColumns+` FROM meetings WHERE status = ANY($1) ORDER BY starts_at DESC, id DESC`, statuses)
}

func (s *Store) meetings(ctx context.Context, sql string, args ...any) ([]model.Meeting, error) {
	rows, err := s.db.Query(ctx, sql, args...)
	if err != nil {
		return nil, fmt.Errorf("meetings: %w", err)
	}
	ms, err := pgx.CollectRows(rows, func(r pgx.CollectableRow) (model.Meeting, error) { return scanMeeting(r) })
	if err != nil {
		return nil, fmt.Errorf("meetings: %w", err)
	}
	return ms, nil
}

// EnsureMeeting creates the meeting with m.Slug unless it exists, and returns its id.
func (s *Store) EnsureMeeting(ctx context.Context, m model.Meeting) (int64, error) {
	var id int64
	err := s.db.QueryRow(ctx, `WITH ins AS (
		INSERT INTO meetings (slug, title, starts_at, ends_at, place, video_url, status, summary, illustrative, public_details, public_minutes)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)
		ON CONFLICT (slug) DO NOTHING RETURNING id)
		SELECT id FROM ins UNION ALL SELECT id FROM meetings WHERE slug = $1 LIMIT 1`, m.Slug, m.Title, m.StartsAt, m.EndsAt,
		m.Place, m.VideoURL, m.Status, m.Summary, m.Illustrative, m.PublicDetails, m.PublicMinutes).Scan(&id)
	if err != nil {
		return 0, fmt.Errorf("ensure meeting %q: %w", m.Slug, mapErr(err))
	}
	return id, nil
}

// CreateMeeting inserts a planned meeting and returns its id. The slug is
// made from its date and a random suffix: it only has to be unique.
func (s *Store) CreateMeeting(ctx context.Context, m model.Meeting) (int64, error) {
	slug := "reunion-" + m.StartsAt.Format(time.DateOnly) + "-" + strings.ToLower(rand.Text()[:6])
	var id int64
	err := s.db.QueryRow(ctx, `INSERT INTO meetings (slug, title, starts_at, ends_at, place, video_url, summary, public_details, public_minutes)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) RETURNING id`, slug, m.Title, m.StartsAt, m.EndsAt, m.Place, m.VideoURL,
		m.Summary, m.PublicDetails, m.PublicMinutes).Scan(&id)
	if err != nil {
		return 0, fmt.Errorf("create meeting: %w", mapErr(err))
	}
	return id, nil
}

// UpdateMeeting saves the editable fields of m. When bumpSequence is set the
// iCalendar sequence grows by one, because the invitees are sent the change.
func (s *Store) UpdateMeeting(ctx context.Context, m model.Meeting, bumpSequence bool) error {
	tag, err := s.db.Exec(ctx, `UPDATE meetings SET title = $2, starts_at = $3, ends_at = $4, place = $5, video_url = $6,
		summary = $7, public_details = $8, public_minutes = $9, ics_sequence = ics_sequence + CASE WHEN $10 THEN 1 ELSE 0 END
		WHERE id = $1`, m.ID, m.Title, m.StartsAt, m.EndsAt, m.Place, m.VideoURL, m.Summary, m.PublicDetails, m.PublicMinutes, bumpSequence)
	if err != nil {
		return fmt.Errorf("update meeting %d: %w", m.ID, mapErr(err))
	}
	if tag.RowsAffected() == 0 {
		return fmt.Errorf("update meeting %d: %w", m.ID, model.ErrNotFound)
	}
	return nil
}

// SetMeetingStatus moves the meeting from one status to another, with the
// reason for a postponement or cancellation. It fails with
// model.ErrConflict when the meeting is no longer in status from.
func (s *Store) SetMeetingStatus(ctx context.Context, id int64, from, to model.MeetingStatus, reason string, bumpSequence bool) error {
	tag, err := s.db.Exec(ctx, `UPDATE meetings SET status = $3, status_reason = $4,
		ics_sequence = ics_sequence + CASE WHEN $5 THEN 1 ELSE 0 END WHERE id = $1 AND status = $2`, id, from, to, reason, bumpSequence)
	if err != nil {
		return fmt.Errorf("meeting %d status: %w", id, mapErr(err))
	}
	if tag.RowsAffected() == 0 {
		return fmt.Errorf("meeting %d status %s → %s: %w", id, from, to, model.ErrConflict)
	}
	return nil
}

// ConveneMeeting publishes the agenda of a meeting in status from: it
// becomes agenda_published (its ics_sequence moving on with bumpSequence,
// for invitees who hold an earlier invitation), the people seated on day in
// the mandate in force join its invitation list, keeping the answers of
// those already on it, and the invitations are recorded as sent. It returns
// how many people joined the list. Call it in a transaction; the caller
// queues the mails. The portal's publication and the demo seed both use it.
func (s *Store) ConveneMeeting(ctx context.Context, id int64, from model.MeetingStatus, day time.Time, bumpSequence bool) (int, error) {
	if err := s.SetMeetingStatus(ctx, id, from, model.MeetingAgendaPublished, "", bumpSequence); err != nil {
		return 0, err
	}
	n, err := s.InviteSeated(ctx, id, day)
	if err != nil {
		return 0, err
	}
	return n, s.MarkInvitationsSent(ctx, id)
}

// MarkInvitationsSent records that the invitees have an invitation, so that
// later changes send them updates.
func (s *Store) MarkInvitationsSent(ctx context.Context, id int64) error {
	if _, err := s.db.Exec(ctx, `UPDATE meetings SET invitations_sent = true WHERE id = $1`, id); err != nil {
		return fmt.Errorf("meeting %d invitations sent: %w", id, err)
	}
	return nil
}

// DeleteMeeting deletes a meeting that never got past planning, with its
// agenda and invitation list. Call it in a transaction: the agenda's
// document links go first, and stay if the meeting may not be deleted.
// The documents uploaded onto its draft agenda become secretariat
// documents (withdrawHeld), whose ids it returns.
func (s *Store) DeleteMeeting(ctx context.Context, id int64) ([]int64, error) {
	if _, err := s.db.Exec(ctx, `DELETE FROM document_links WHERE target_type = 'agenda_item'
		AND target_id IN (SELECT id FROM agenda_items WHERE meeting_id = $1)`, id); err != nil {
		return nil, fmt.Errorf("delete meeting %d agenda links: %w", id, err)
	}
	tag, err := s.db.Exec(ctx, `DELETE FROM meetings WHERE id = $1 AND status = 'planned' AND NOT invitations_sent`, id)
	if err != nil {
		return nil, fmt.Errorf("delete meeting %d: %w", id, mapErr(err))
	}
	if tag.RowsAffected() == 0 {
		return nil, fmt.Errorf("delete meeting %d: %w", id, model.ErrConflict)
	}
	if _, err := s.db.Exec(ctx, `DELETE FROM document_links WHERE target_type = 'meeting' AND target_id = $1`, id); err != nil {
		return nil, fmt.Errorf("delete meeting %d links: %w", id, err)
	}
	return s.WithdrawAgendaDocuments(ctx, id)
}

// agendaPublished is model.Meeting.AgendaPublished in SQL, for the meeting m.
const agendaPublished = `(m.status IN ('agenda_published', 'held', 'minutes_draft', 'minutes_approved') OR m.invitations_sent)`

// MeetingBySlug returns the meeting with the given slug.
func (s *Store) MeetingBySlug(ctx context.Context, slug string) (model.Meeting, error) {
	m, err := scanMeeting(s.db.QueryRow(ctx, `SELECT `+meetingColumns+` FROM meetings WHERE slug = $1`, slug))
	if err != nil {
		return m, fmt.Errorf("meeting %q: %w", slug, mapErr(err))
	}
	return m, nil
}
