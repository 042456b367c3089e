package store

import (
	"context"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"

	"comite/internal/model"
)

const bodyColumns = `b.id, b.slug, b.name, b.acronym, b.category, b.website, coalesce(b.parent_id, 0), b.illustrative`

func scanBody(row pgx.Row) (model.Body, error) {
	var b model.Body
	err := row.Scan(&b.ID, &b.Slug, &b.Name, &b.Acronym, &b.Category, &b.Website, &b.ParentID, &b.Illustrative)
	return b, err
}

// Body returns the body with the given id.
func (s *Store) Body(ctx context.Context, id int64) (model.Body, error) {
	b, err := scanBody(s.db.QueryRow(ctx, `SELECT `+bodyColumns+` FROM bodies b WHERE b.id = $1`, id))
	if err != nil {
		return b, fmt.Errorf("body %d: %w", id, mapErr(err))
	}
	return b, nil
}

// BodyBySlug returns the body with the given slug.
func (s *Store) BodyBySlug(ctx context.Context, slug string) (model.Body, error) {
	b, err := scanBody(s.db.QueryRow(ctx, `SELECT `+bodyColumns+` FROM bodies b WHERE b.slug = $1`, slug))
	if err != nil {
		return b, fmt.Errorf("body %q: %w", slug, mapErr(err))
	}
	return b, nil
}

// BodiesSeatedIn returns the bodies holding a seat in the mandate today,
// ordered by name within each category.
func (s *Store) BodiesSeatedIn(ctx context.Context, mandateID int64) ([]model.Body, error) {
	rows, err := s.db.Query(ctx, `SELECT `+bodyColumns+` FROM bodies b
		WHERE EXISTS (SELECT 1 FROM seats st WHERE st.body_id = b.id AND st.mandate_id = $1
			AND (st.ends_on IS NULL OR st.ends_on >= current_date))
		ORDER BY b.category, b.name COLLATE "fr-FR-x-icu"`, mandateID)
	if err != nil {
		return nil, fmt.Errorf("bodies seated: %w", err)
	}
	bodies, err := pgx.CollectRows(rows, func(r pgx.CollectableRow) (model.Body, error) { return scanBody(r) })
	if err != nil {
		return nil, fmt.Errorf("bodies seated: %w", err)
	}
	return bodies, nil
}

// EnsureBody creates the body with b.Slug unless it exists, and returns its
// id. An existing body is left as it is: the secretariat may have edited it.
func (s *Store) EnsureBody(ctx context.Context, b model.Body) (int64, error) {
	var id int64
	err := s.db.QueryRow(ctx, `WITH ins AS (
		INSERT INTO bodies (slug, name, acronym, category, website, parent_id, illustrative)
		VALUES ($1, $2, $3, $4, $5, nullif($6, 0), $7)
		ON CONFLICT (slug) DO NOTHING RETURNING id)
		SELECT id FROM ins UNION ALL SELECT id FROM bodies WHERE slug = $1 LIMIT 1`, b.Slug, b.Name, b.Acronym, b.Category, b.Website, b.ParentID, b.Illustrative).Scan(&id)
	if err != nil {
		return 0, fmt.Errorf("ensure body %q: %w", b.Slug, mapErr(err))
	}
	return id, nil
}

const mandateColumns = `id, slug, label, starts_on, ends_on, jo_title, jo_date, nor, jorf, eli_url, illustrative`

func scanMandate(row pgx.Row) (model.Mandate, error) {
	var m model.Mandate
	err := row.Scan(&m.ID, &m.Slug, &m.Label, &m.StartsOn, &m.EndsOn, &m.JOTitle, &m.JODate, &m.NOR, &m.JORF, &m.ELIURL, &m.Illustrative)
	return m, err
}

// CurrentMandate returns the mandate in force today: the latest one started.
func (s *Store) CurrentMandate(ctx context.Context) (model.Mandate, error) {
	m, err := scanMandate(s.db.QueryRow(ctx, `SELECT `+mandateColumns+` FROM mandates
		WHERE starts_on <= current_date AND (ends_on IS NULL OR ends_on >= current_date)
		ORDER BY starts_on DESC LIMIT 1`))
	if err != nil {
		return m, fmt.Errorf("current mandate: %w", mapErr(err))
	}
	return m, nil
}

// EnsureMandate creates the mandate with m.Slug unless it exists, and returns its id.
func (s *Store) EnsureMandate(ctx context.Context, m model.Mandate) (int64, error) {
	var id int64
	err := s.db.QueryRow(ctx, `WITH ins AS (
		INSERT INTO mandates (slug, label, starts_on, ends_on, jo_title, jo_date, nor, jorf, eli_url, illustrative)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)
		ON CONFLICT (slug) DO NOTHING RETURNING id)
		SELECT id FROM ins UNION ALL SELECT id FROM mandates WHERE slug = $1 LIMIT 1`, m.Slug, m.Label, m.StartsOn, m.EndsOn, m.JOTitle, m.JODate, m.NOR, m.JORF, m.ELIURL, m.Illustrative).Scan(&id)
	if err != nil {
		return 0, fmt.Errorf("ensure mandate %q: %w", m.Slug, mapErr(err))
	}
	return id, nil
}

// EnsureSeat gives the body an open seat with the role in the mandate unless
// it already has one; it reports whether it created the seat.
func (s *Store) EnsureSeat(ctx context.Context, mandateID, bodyID int64, role string, startsOn time.Time) (bool, error) {
	tag, err := s.db.Exec(ctx, `INSERT INTO seats (mandate_id, body_id, role, starts_on)
		SELECT $1, $2, $3, $4 WHERE NOT EXISTS (
			SELECT 1 FROM seats WHERE mandate_id = $1 AND body_id = $2 AND role = $3 AND ends_on IS NULL)`,
		mandateID, bodyID, role, startsOn)
	if err != nil {
		return false, fmt.Errorf("ensure seat: %w", mapErr(err))
	}
	return tag.RowsAffected() == 1, nil
}
