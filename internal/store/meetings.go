package store

import (
	"context"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"

	"comite/internal/model"
)

const meetingColumns = `id, slug, title, starts_at, ends_at, place, video_url, status, summary, illustrative`

func scanMeeting(row pgx.Row) (model.Meeting, error) {
	var m model.Meeting
	err := row.Scan(&m.ID, &m.Slug, &m.Title, &m.StartsAt, &m.EndsAt, &m.Place, &m.VideoURL, &m.Status, &m.Summary, &m.Illustrative)
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

// MeetingsAfter returns the meetings starting at or after t, soonest first;
// MeetingsBefore the ones before t, latest first. Both return at most limit.
func (s *Store) MeetingsAfter(ctx context.Context, t time.Time, limit int) ([]model.Meeting, error) {
	return s.meetings(ctx, `SELECT `+meetingColumns+` FROM meetings WHERE starts_at >= $1 ORDER BY starts_at LIMIT $2`, t, limit)
}

// MeetingsBefore returns the meetings that started before t, latest first.
func (s *Store) MeetingsBefore(ctx context.Context, t time.Time, limit int) ([]model.Meeting, error) {
	return s.meetings(ctx, `SELECT `+meetingColumns+` FROM meetings WHERE starts_at < $1 ORDER BY starts_at DESC LIMIT $2`, t, limit)
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
		INSERT INTO meetings (slug, title, starts_at, ends_at, place, video_url, status, summary, illustrative)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)
		ON CONFLICT (slug) DO NOTHING RETURNING id)
		SELECT id FROM ins UNION ALL SELECT id FROM meetings WHERE slug = $1 LIMIT 1`, m.Slug, m.Title, m.StartsAt, m.EndsAt, m.Place, m.VideoURL, m.Status, m.Summary, m.Illustrative).Scan(&id)
	if err != nil {
		return 0, fmt.Errorf("ensure meeting %q: %w", m.Slug, mapErr(err))
	}
	return id, nil
}
