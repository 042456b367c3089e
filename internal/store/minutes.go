package store

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"

	"comite/internal/model"
)

// SaveMinutes stores text, and html its rendering, as the next version of the meeting's minutes,
// provided the editor started from version base. When someone else saved
// in between it fails with model.ErrConflict and nothing is written: the
// second writer must see the other's text first (optimistic locking).
func (s *Store) SaveMinutes(ctx context.Context, meetingID int64, base int, text, html string, authorID int64) (int, error) {
	var version int
	err := s.db.QueryRow(ctx, `WITH bumped AS (
			UPDATE meetings SET minutes_text = $3, minutes_html = $5, minutes_version = minutes_version + 1
			WHERE id = $1 AND minutes_version = $2 RETURNING id, minutes_version
		)
		INSERT INTO minutes_versions (meeting_id, version, body, author_id)
		SELECT id, minutes_version, $3, nullif($4, 0) FROM bumped RETURNING version`, meetingID, base, text, authorID, html).Scan(&version)
	if err != nil {
		err = mapErr(err)
		if errors.Is(err, model.ErrNotFound) {
			err = model.ErrConflict
		}
		return 0, fmt.Errorf("save minutes of meeting %d on version %d: %w", meetingID, base, err)
	}
	return version, nil
}

// MinutesVersions returns every saved text of the meeting's minutes, latest first.
func (s *Store) MinutesVersions(ctx context.Context, meetingID int64) ([]model.MinutesVersion, error) {
	rows, err := s.db.Query(ctx, `SELECT v.version, v.body, coalesce(a.display_name, ''), v.created_at
		FROM minutes_versions v LEFT JOIN accounts a ON a.id = v.author_id
		WHERE v.meeting_id = $1 ORDER BY v.version DESC`, meetingID)
	if err != nil {
		return nil, fmt.Errorf("minutes versions of meeting %d: %w", meetingID, err)
	}
	vs, err := pgx.CollectRows(rows, func(r pgx.CollectableRow) (model.MinutesVersion, error) {
		var v model.MinutesVersion
		err := r.Scan(&v.Version, &v.Body, &v.AuthorName, &v.CreatedAt)
		return v, err
	})
	if err != nil {
		return nil, fmt.Errorf("minutes versions of meeting %d: %w", meetingID, err)
	}
	return vs, nil
}

// SetMinutesApproval records the approval's date and meeting of minutes
// already approved, as the demo data and imports of past meetings need.
func (s *Store) SetMinutesApproval(ctx context.Context, meetingID int64, on time.Time, adoptedAt int64) error {
	if _, err := s.db.Exec(ctx, `UPDATE meetings SET minutes_approved_on = $2, minutes_adopted_at = nullif($3, 0)
		WHERE id = $1 AND status = 'minutes_approved'`, meetingID, on.Format(time.DateOnly), adoptedAt); err != nil {
		return fmt.Errorf("approval of meeting %d: %w", meetingID, err)
	}
	return nil
}

// MinutesAdoptedAt returns the meetings whose minutes were adopted at the
// meeting adoptingID, earliest approval first.
func (s *Store) MinutesAdoptedAt(ctx context.Context, adoptingID int64) ([]model.Meeting, error) {
	return s.meetings(ctx, `SELECT `+meetingColumns+` FROM meetings WHERE minutes_adopted_at = $1
		ORDER BY minutes_approved_on, id`, adoptingID)
}

// ApproveMinutes records the approval of draft minutes: the date, and the
// meeting at which they were adopted (0 when adopted in writing).
func (s *Store) ApproveMinutes(ctx context.Context, meetingID int64, on time.Time, adoptedAt int64) error {
	tag, err := s.db.Exec(ctx, `UPDATE meetings SET status = 'minutes_approved', minutes_approved_on = $2,
		minutes_adopted_at = nullif($3, 0) WHERE id = $1 AND status = 'minutes_draft'`, meetingID, on.Format(time.DateOnly), adoptedAt)
	if err != nil {
		return fmt.Errorf("approve minutes of meeting %d: %w", meetingID, mapErr(err))
	}
	if tag.RowsAffected() == 0 {
		return fmt.Errorf("approve minutes of meeting %d: %w", meetingID, model.ErrConflict)
	}
	return nil
}

const remarkColumns = `r.id, r.meeting_id, r.author_id, a.display_name, coalesce(b.name, ''), r.text, coalesce(r.text_html, ''), r.created_at,
	r.state, r.answer, coalesce(ab.display_name, ''), r.answered_at`

// Remarks returns the remarks on the meeting's draft minutes, oldest first.
func (s *Store) Remarks(ctx context.Context, meetingID int64) ([]model.Remark, error) {
	rows, err := s.db.Query(ctx, `SELECT `+remarkColumns+` FROM minutes_remarks r
		JOIN accounts a ON a.id = r.author_id LEFT JOIN bodies b ON b.id = r.body_id
		LEFT JOIN accounts ab ON ab.id = r.answered_by
		WHERE r.meeting_id = $1 ORDER BY r.created_at, r.id`, meetingID)
	if err != nil {
		return nil, fmt.Errorf("remarks on meeting %d: %w", meetingID, err)
	}
	rs, err := pgx.CollectRows(rows, func(r pgx.CollectableRow) (model.Remark, error) {
		var m model.Remark
		err := r.Scan(&m.ID, &m.MeetingID, &m.AuthorID, &m.AuthorName, &m.BodyName, &m.Text, &m.HTML, &m.CreatedAt,
			&m.State, &m.Answer, &m.AnsweredByName, &m.AnsweredAt)
		return m, err
	})
	if err != nil {
		return nil, fmt.Errorf("remarks on meeting %d: %w", meetingID, err)
	}
	return rs, nil
}

// AddRemark records an attendee's remark on the draft minutes, with its
// text rendered and sanitised.
func (s *Store) AddRemark(ctx context.Context, meetingID, authorID, bodyID int64, text, html string) (int64, error) {
	var id int64
	err := s.db.QueryRow(ctx, `INSERT INTO minutes_remarks (meeting_id, author_id, body_id, text, text_html)
		VALUES ($1, $2, nullif($3, 0), $4, $5) RETURNING id`, meetingID, authorID, bodyID, text, html).Scan(&id)
	if err != nil {
		return 0, fmt.Errorf("add remark on meeting %d: %w", meetingID, mapErr(err))
	}
	return id, nil
}

// AnswerRemark records the secretariat's answer to a remark of the meeting.
func (s *Store) AnswerRemark(ctx context.Context, meetingID, id int64, state model.RemarkState, answer string, by int64) error {
	tag, err := s.db.Exec(ctx, `UPDATE minutes_remarks SET state = $3, answer = $4, answered_by = $5, answered_at = now()
		WHERE id = $2 AND meeting_id = $1`, meetingID, id, state, answer, by)
	if err != nil {
		return fmt.Errorf("answer remark %d: %w", id, mapErr(err))
	}
	if tag.RowsAffected() == 0 {
		return fmt.Errorf("answer remark %d: %w", id, model.ErrNotFound)
	}
	return nil
}

// Dissents returns the dissenting positions annexed to the meeting's
// minutes, by body name.
func (s *Store) Dissents(ctx context.Context, meetingID int64) ([]model.Dissent, error) {
	rows, err := s.db.Query(ctx, `SELECT d.id, d.meeting_id, d.body_id, b.name, a.display_name, d.text, coalesce(d.text_html, ''), d.created_at
		FROM minutes_dissents d JOIN bodies b ON b.id = d.body_id JOIN accounts a ON a.id = d.author_id
		WHERE d.meeting_id = $1 ORDER BY b.name `+frenchOrder, meetingID)
	if err != nil {
		return nil, fmt.Errorf("dissents on meeting %d: %w", meetingID, err)
	}
	ds, err := pgx.CollectRows(rows, func(r pgx.CollectableRow) (model.Dissent, error) {
		var d model.Dissent
		err := r.Scan(&d.ID, &d.MeetingID, &d.BodyID, &d.BodyName, &d.AuthorName, &d.Text, &d.HTML, &d.CreatedAt)
		return d, err
	})
	if err != nil {
		return nil, fmt.Errorf("dissents on meeting %d: %w", meetingID, err)
	}
	return ds, nil
}

// SetDissent annexes the body's dissenting position to the minutes, with
// its text rendered and sanitised, or replaces the one it had annexed.
func (s *Store) SetDissent(ctx context.Context, meetingID, bodyID, authorID int64, text, html string) (int64, error) {
	var id int64
	err := s.db.QueryRow(ctx, `INSERT INTO minutes_dissents (meeting_id, body_id, author_id, text, text_html) VALUES ($1, $2, $3, $4, $5)
		ON CONFLICT (meeting_id, body_id) DO UPDATE SET text = EXCLUDED.text, text_html = EXCLUDED.text_html,
			author_id = EXCLUDED.author_id, created_at = now()
		RETURNING id`, meetingID, bodyID, authorID, text, html).Scan(&id)
	if err != nil {
		return 0, fmt.Errorf("dissent of body %d on meeting %d: %w", bodyID, meetingID, mapErr(err))
	}
	return id, nil
}

// RenderMissingHTML renders, with render, the remarks and dissenting
// positions saved before their HTML was stored (migration 12), and returns
// how many it rendered. It runs after migrating; a second run finds nothing.
func (s *Store) RenderMissingHTML(ctx context.Context, render func(markdown string) string) (int, error) {
	n := 0
	for _, table := range []string{"minutes_remarks", "minutes_dissents"} {
		rows, err := s.db.Query(ctx, `SELECT id, text FROM `+table+` WHERE text_html IS NULL ORDER BY id`)
		if err != nil {
			return n, fmt.Errorf("texts to render in %s: %w", table, err)
		}
		type row struct {
			ID   int64
			Text string
		}
		todo, err := pgx.CollectRows(rows, pgx.RowToStructByPos[row])
		if err != nil {
			return n, fmt.Errorf("texts to render in %s: %w", table, err)
		}
		for _, r := range todo {
			if _, err := s.db.Exec(ctx, `UPDATE `+table+` SET text_html = $2 WHERE id = $1 AND text_html IS NULL`, r.ID, render(r.Text)); err != nil {
				return n, fmt.Errorf("render %s %d: %w", table, r.ID, err)
			}
			n++
		}
	}
	return n, nil
}
