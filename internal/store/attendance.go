package store

import (
	"context"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"

	"comite/internal/model"
)

// mandateInForce is the id of the mandate in force on the day given as the
// query parameter day ("$2"): the latest one started, as MandateOn.
func mandateInForce(day string) string {
	return `(SELECT id FROM mandates WHERE starts_on <= ` + day + `::date AND (ends_on IS NULL OR ends_on >= ` + day + `::date)
	ORDER BY starts_on DESC LIMIT 1)`
}

// Attendees returns the people invited to the meeting with their answer,
// their presence and the seat each held on day (the meeting's date) under
// the mandate in force that day, titulaires before suppléants, body by body.
func (s *Store) Attendees(ctx context.Context, meetingID int64, day time.Time) ([]model.Attendee, error) {
	rows, err := s.db.Query(ctx, `SELECT p.id, p.civility, p.given_name, p.family_name,
			coalesce(nullif(p.email, ''), (SELECT a.email FROM accounts a WHERE a.person_id = p.id AND a.active ORDER BY a.id LIMIT 1), ''),
			ma.answer, ma.answered_at, ma.present,
			coalesce(b.id, 0), coalesce(b.name, ''), coalesce(b.category, ''), coalesce(st.role, '')
		FROM meeting_attendance ma JOIN people p ON p.id = ma.person_id
		LEFT JOIN LATERAL (
			SELECT s.body_id, s.role FROM seats s
			WHERE s.person_id = p.id AND s.mandate_id = `+mandateInForce("$2")+`
				AND s.starts_on <= $2::date AND (s.ends_on IS NULL OR s.ends_on >= $2::date)
			ORDER BY s.role = 'suppleant', s.id LIMIT 1) st ON true
		LEFT JOIN bodies b ON b.id = coalesce(st.body_id, p.body_id)
		WHERE ma.meeting_id = $1
		ORDER BY b.name `+frenchOrder+`, st.role IS NULL, st.role = 'suppleant', p.family_name `+frenchOrder+`, p.id`,
		meetingID, day.Format(time.DateOnly))
	if err != nil {
		return nil, fmt.Errorf("attendees of meeting %d: %w", meetingID, err)
	}
	as, err := pgx.CollectRows(rows, func(r pgx.CollectableRow) (model.Attendee, error) {
		var a model.Attendee
		var p model.Person
		err := r.Scan(&a.PersonID, &p.Civility, &p.GivenName, &p.FamilyName, &a.Email, &a.Answer, &a.AnsweredAt, &a.Present,
			&a.BodyID, &a.BodyName, &a.Category, &a.SeatRole)
		a.Name = p.FullName()
		return a, err
	})
	if err != nil {
		return nil, fmt.Errorf("attendees of meeting %d: %w", meetingID, err)
	}
	return as, nil
}

// InviteSeated adds to the meeting's invitation list every person seated on
// day in the mandate in force, and returns how many were added; people
// already on the list keep their answer.
func (s *Store) InviteSeated(ctx context.Context, meetingID int64, day time.Time) (int, error) {
	tag, err := s.db.Exec(ctx, `INSERT INTO meeting_attendance (meeting_id, person_id)
		SELECT DISTINCT $1::bigint, s.person_id FROM seats s
		WHERE s.mandate_id = `+mandateInForce("$2")+` AND s.person_id IS NOT NULL
			AND s.starts_on <= $2::date AND (s.ends_on IS NULL OR s.ends_on >= $2::date)
		ON CONFLICT DO NOTHING`, meetingID, day.Format(time.DateOnly))
	if err != nil {
		return 0, fmt.Errorf("invite seated people to meeting %d: %w", meetingID, err)
	}
	return int(tag.RowsAffected()), nil
}

// SeatedPeople counts the people seated on day in the mandate in force:
// those a convocation for that day goes to.
func (s *Store) SeatedPeople(ctx context.Context, day time.Time) (int, error) {
	var n int
	err := s.db.QueryRow(ctx, `SELECT count(DISTINCT s.person_id) FROM seats s
		WHERE s.mandate_id = `+mandateInForce("$1")+` AND s.person_id IS NOT NULL
			AND s.starts_on <= $1::date AND (s.ends_on IS NULL OR s.ends_on >= $1::date)`, day.Format(time.DateOnly)).Scan(&n)
	if err != nil {
		return 0, fmt.Errorf("people seated on %s: %w", day.Format(time.DateOnly), err)
	}
	return n, nil
}

// SetAnswer records a person's answer to an invitation; model.ErrNotFound
// when the person is not invited.
func (s *Store) SetAnswer(ctx context.Context, meetingID, personID int64, answer model.Answer, by int64) error {
	tag, err := s.db.Exec(ctx, `UPDATE meeting_attendance SET answer = $3, answered_at = now(), answered_by = nullif($4, 0)
		WHERE meeting_id = $1 AND person_id = $2`, meetingID, personID, answer, by)
	if err != nil {
		return fmt.Errorf("answer to meeting %d: %w", meetingID, err)
	}
	if tag.RowsAffected() == 0 {
		return fmt.Errorf("answer of person %d to meeting %d: %w", personID, meetingID, model.ErrNotFound)
	}
	return nil
}

// SetPresence records who came: the people listed were present, every other
// invitee absent.
func (s *Store) SetPresence(ctx context.Context, meetingID int64, present []int64) error {
	if _, err := s.db.Exec(ctx, `UPDATE meeting_attendance SET present = (person_id = ANY($2)) WHERE meeting_id = $1`,
		meetingID, present); err != nil {
		return fmt.Errorf("presence at meeting %d: %w", meetingID, err)
	}
	return nil
}

// WasPresent reports whether the person was recorded present at the meeting.
func (s *Store) WasPresent(ctx context.Context, meetingID, personID int64) (bool, error) {
	var present bool
	err := s.db.QueryRow(ctx, `SELECT coalesce(bool_or(present), false) FROM meeting_attendance
		WHERE meeting_id = $1 AND person_id = $2`, meetingID, personID).Scan(&present)
	if err != nil {
		return false, fmt.Errorf("presence of person %d at meeting %d: %w", personID, meetingID, err)
	}
	return present, nil
}

// BodyAttendanceRates returns, for each mandate in which the body held a
// seat, how many meetings were held while it sat and at how many at least
// one of its titulaires or suppléants was present; latest mandate first.
func (s *Store) BodyAttendanceRates(ctx context.Context, bodyID int64) ([]model.AttendanceRate, error) {
	rows, err := s.db.Query(ctx, `WITH held AS (
			SELECT id, (starts_at AT TIME ZONE 'Europe/Paris')::date AS day FROM meetings
			WHERE status IN ('held', 'minutes_draft', 'minutes_approved')
		), sat AS (
			SELECT m.id AS mandate_id, m.label, m.starts_on, h.id AS meeting_id, h.day FROM mandates m
			JOIN held h ON h.day >= m.starts_on AND (m.ends_on IS NULL OR h.day <= m.ends_on)
			WHERE EXISTS (SELECT 1 FROM seats s WHERE s.mandate_id = m.id AND s.body_id = $1
				AND s.starts_on <= h.day AND (s.ends_on IS NULL OR s.ends_on >= h.day))
		)
		SELECT mandate_id, label, count(*)::int,
			count(*) FILTER (WHERE EXISTS (
				SELECT 1 FROM meeting_attendance ma JOIN seats s ON s.person_id = ma.person_id
				WHERE ma.meeting_id = sat.meeting_id AND ma.present AND s.body_id = $1 AND s.mandate_id = sat.mandate_id
					AND s.starts_on <= sat.day AND (s.ends_on IS NULL OR s.ends_on >= sat.day)))::int
		FROM sat GROUP BY mandate_id, label, starts_on ORDER BY starts_on DESC`, bodyID)
	if err != nil {
		return nil, fmt.Errorf("attendance of body %d: %w", bodyID, err)
	}
	rates, err := pgx.CollectRows(rows, func(r pgx.CollectableRow) (model.AttendanceRate, error) {
		var b model.AttendanceRate
		err := r.Scan(&b.MandateID, &b.MandateLabel, &b.Held, &b.Attended)
		return b, err
	})
	if err != nil {
		return nil, fmt.Errorf("attendance of body %d: %w", bodyID, err)
	}
	return rates, nil
}
