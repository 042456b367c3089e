package store

import (
	"context"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"

	"comite/internal/model"
)

const mandateColumns = `id, slug, label, starts_on, ends_on, jo_title, jo_date, nor, jorf, eli_url, jo_text_number, illustrative, coalesce(quorum, 0)`

func scanMandate(row pgx.Row) (model.Mandate, error) {
	var m model.Mandate
	err := row.Scan(&m.ID, &m.Slug, &m.Label, &m.StartsOn, &m.EndsOn, &m.JOTitle, &m.JODate, &m.NOR, &m.JORF, &m.ELIURL, &m.JOTextNumber, &m.Illustrative, &m.Quorum)
	return m, err
}

// Mandate returns the mandate with the given id.
func (s *Store) Mandate(ctx context.Context, id int64) (model.Mandate, error) {
	m, err := scanMandate(s.db.QueryRow(ctx, `SELECT `+mandateColumns+` FROM mandates WHERE id = $1`, id))
	if err != nil {
		return m, fmt.Errorf("mandate %d: %w", id, mapErr(err))
	}
	return m, nil
}

// MandateForUpdate returns the mandate and locks its row until the
// transaction ends, so that two imports into it run one after the other.
func (s *Store) MandateForUpdate(ctx context.Context, id int64) (model.Mandate, error) {
	m, err := scanMandate(s.db.QueryRow(ctx, `SELECT `+mandateColumns+` FROM mandates WHERE id = $1 FOR UPDATE`, id))
	if err != nil {
		return m, fmt.Errorf("mandate %d: %w", id, mapErr(err))
	}
	return m, nil
}

// Mandates returns every mandate, latest first.
func (s *Store) Mandates(ctx context.Context) ([]model.Mandate, error) {
	rows, err := s.db.Query(ctx, `SELECT `+mandateColumns+` FROM mandates ORDER BY starts_on DESC, id DESC`)
	if err != nil {
		return nil, fmt.Errorf("mandates: %w", err)
	}
	ms, err := pgx.CollectRows(rows, func(r pgx.CollectableRow) (model.Mandate, error) { return scanMandate(r) })
	if err != nil {
		return nil, fmt.Errorf("mandates: %w", err)
	}
	return ms, nil
}

// CurrentMandate returns the mandate in force today.
func (s *Store) CurrentMandate(ctx context.Context) (model.Mandate, error) {
	return s.MandateOn(ctx, time.Now())
}

// MandateOn returns the mandate in force on day d: the latest one started.
func (s *Store) MandateOn(ctx context.Context, d time.Time) (model.Mandate, error) {
	m, err := scanMandate(s.db.QueryRow(ctx, `SELECT `+mandateColumns+` FROM mandates
		WHERE starts_on <= $1::date AND (ends_on IS NULL OR ends_on >= $1::date)
		ORDER BY starts_on DESC LIMIT 1`, d.Format(time.DateOnly)))
	if err != nil {
		return m, fmt.Errorf("mandate on %s: %w", d.Format(time.DateOnly), mapErr(err))
	}
	return m, nil
}

// EnsureMandate creates the mandate with m.Slug unless it exists, and returns its id.
func (s *Store) EnsureMandate(ctx context.Context, m model.Mandate) (int64, error) {
	var id int64
	err := s.db.QueryRow(ctx, `WITH ins AS (
		INSERT INTO mandates (slug, label, starts_on, ends_on, jo_title, jo_date, nor, jorf, eli_url, jo_text_number, illustrative)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)
		ON CONFLICT (slug) DO NOTHING RETURNING id)
		SELECT id FROM ins UNION ALL SELECT id FROM mandates WHERE slug = $1 LIMIT 1`,
		m.Slug, m.Label, m.StartsOn, m.EndsOn, m.JOTitle, m.JODate, m.NOR, m.JORF, m.ELIURL, m.JOTextNumber, m.Illustrative).Scan(&id)
	if err != nil {
		return 0, fmt.Errorf("ensure mandate %q: %w", m.Slug, mapErr(err))
	}
	return id, nil
}

// CreateMandate inserts a mandate and returns its id.
func (s *Store) CreateMandate(ctx context.Context, m model.Mandate) (int64, error) {
	var id int64
	err := s.db.QueryRow(ctx, `INSERT INTO mandates (slug, label, starts_on, ends_on, jo_title, jo_date, nor, jorf, eli_url, jo_text_number, illustrative, quorum)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, nullif($12, 0)) RETURNING id`,
		m.Slug, m.Label, m.StartsOn, m.EndsOn, m.JOTitle, m.JODate, m.NOR, m.JORF, m.ELIURL, m.JOTextNumber, m.Illustrative, m.Quorum).Scan(&id)
	if err != nil {
		return 0, fmt.Errorf("create mandate: %w", mapErr(err))
	}
	return id, nil
}

// UpdateMandate saves the editable fields of m.
func (s *Store) UpdateMandate(ctx context.Context, m model.Mandate) error {
	tag, err := s.db.Exec(ctx, `UPDATE mandates SET label = $2, starts_on = $3, ends_on = $4, jo_title = $5,
		jo_date = $6, nor = $7, jorf = $8, eli_url = $9, jo_text_number = $10, illustrative = $11, quorum = nullif($12, 0) WHERE id = $1`,
		m.ID, m.Label, m.StartsOn, m.EndsOn, m.JOTitle, m.JODate, m.NOR, m.JORF, m.ELIURL, m.JOTextNumber, m.Illustrative, m.Quorum)
	if err != nil {
		return fmt.Errorf("update mandate %d: %w", m.ID, mapErr(err))
	}
	if tag.RowsAffected() == 0 {
		return fmt.Errorf("update mandate %d: %w", m.ID, model.ErrNotFound)
	}
	return nil
}

// LockMandates makes the transaction the only one writing mandates until it
// ends, so that checking and saving a mandate's period is one step. Reads
// go on.
func (s *Store) LockMandates(ctx context.Context) error {
	if _, err := s.db.Exec(ctx, `LOCK TABLE mandates IN SHARE ROW EXCLUSIVE MODE`); err != nil {
		return fmt.Errorf("lock mandates: %w", err)
	}
	return nil
}

// OverlappingMandates returns the mandates other than exceptID whose period
// shares a day with [start, end] (end nil: no end), earliest first.
func (s *Store) OverlappingMandates(ctx context.Context, start time.Time, end *time.Time, exceptID int64) ([]model.Mandate, error) {
	var endDay *string
	if end != nil {
		d := end.Format(time.DateOnly)
		endDay = &d
	}
	rows, err := s.db.Query(ctx, `SELECT `+mandateColumns+` FROM mandates
		WHERE id <> $3 AND starts_on <= coalesce($2::date, 'infinity'::date)
			AND coalesce(ends_on, 'infinity'::date) >= $1::date
		ORDER BY starts_on, id`, start.Format(time.DateOnly), endDay, exceptID)
	if err != nil {
		return nil, fmt.Errorf("overlapping mandates: %w", err)
	}
	ms, err := pgx.CollectRows(rows, func(r pgx.CollectableRow) (model.Mandate, error) { return scanMandate(r) })
	if err != nil {
		return nil, fmt.Errorf("overlapping mandates: %w", err)
	}
	return ms, nil
}
