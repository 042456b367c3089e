package store

import (
	"context"
	"errors"
	"fmt"

	"github.com/jackc/pgx/v5"

	"comite/internal/model"
)

const bodyColumns = `b.id, b.slug, b.name, b.acronym, b.category, b.website, coalesce(b.parent_id, 0), b.illustrative`

// frenchOrder sorts names as a French reader expects ("à" with "a", "É" with "E").
const frenchOrder = `COLLATE "fr-FR-x-icu"`

func scanBody(row pgx.Row) (model.Body, error) {
	var b model.Body
	err := row.Scan(&b.ID, &b.Slug, &b.Name, &b.Acronym, &b.Category, &b.Website, &b.ParentID, &b.Illustrative)
	return b, err
}

func collectBodies(rows pgx.Rows, err error) ([]model.Body, error) {
	if err != nil {
		return nil, fmt.Errorf("bodies: %w", err)
	}
	bodies, err := pgx.CollectRows(rows, func(r pgx.CollectableRow) (model.Body, error) { return scanBody(r) })
	if err != nil {
		return nil, fmt.Errorf("bodies: %w", err)
	}
	return bodies, nil
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

// BodyByName returns the body whose name or acronym is name, ignoring case:
// the JO import matches printed names with it.
func (s *Store) BodyByName(ctx context.Context, name string) (model.Body, error) {
	b, err := scanBody(s.db.QueryRow(ctx, `SELECT `+bodyColumns+` FROM bodies b
		WHERE lower(b.name) = lower($1) OR (b.acronym <> '' AND lower(b.acronym) = lower($1))
		ORDER BY b.id LIMIT 1`, name))
	if err != nil {
		return b, fmt.Errorf("body named %q: %w", name, mapErr(err))
	}
	return b, nil
}

// Bodies returns every body, by category then name.
func (s *Store) Bodies(ctx context.Context) ([]model.Body, error) {
	return collectBodies(s.db.Query(ctx, `SELECT `+bodyColumns+` FROM bodies b ORDER BY b.category, b.name `+frenchOrder))
}

// BodiesSeatedIn returns the bodies holding a seat in the mandate today,
// ordered by name within each category.
func (s *Store) BodiesSeatedIn(ctx context.Context, mandateID int64) ([]model.Body, error) {
	return collectBodies(s.db.Query(ctx, `SELECT `+bodyColumns+` FROM bodies b
		WHERE EXISTS (SELECT 1 FROM seats st WHERE st.body_id = b.id AND st.mandate_id = $1
			AND (st.ends_on IS NULL OR st.ends_on >= current_date))
		ORDER BY b.category, b.name `+frenchOrder, mandateID))
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

// UpdateBody saves the editable fields of b.
func (s *Store) UpdateBody(ctx context.Context, b model.Body) error {
	tag, err := s.db.Exec(ctx, `UPDATE bodies SET name = $2, acronym = $3, category = $4, website = $5,
		parent_id = nullif($6, 0) WHERE id = $1`, b.ID, b.Name, b.Acronym, b.Category, b.Website, b.ParentID)
	if err != nil {
		return fmt.Errorf("update body %d: %w", b.ID, mapErr(err))
	}
	if tag.RowsAffected() == 0 {
		return fmt.Errorf("update body %d: %w", b.ID, model.ErrNotFound)
	}
	return nil
}

// DeleteBody removes a body that nothing refers to. A body with seats,
// people, accounts or sub-bodies is kept: deleting it would rewrite history.
func (s *Store) DeleteBody(ctx context.Context, id int64) error {
	var used bool
	err := s.db.QueryRow(ctx, `SELECT EXISTS (SELECT 1 FROM seats WHERE body_id = $1)
		OR EXISTS (SELECT 1 FROM people WHERE body_id = $1)
		OR EXISTS (SELECT 1 FROM accounts WHERE body_id = $1)
		OR EXISTS (SELECT 1 FROM bodies WHERE parent_id = $1)`, id).Scan(&used)
	if err != nil {
		return fmt.Errorf("delete body %d: %w", id, err)
	}
	if used {
		return fmt.Errorf("delete body %d: still referenced: %w", id, model.ErrConflict)
	}
	tag, err := s.db.Exec(ctx, `DELETE FROM bodies WHERE id = $1`, id)
	if err != nil {
		return fmt.Errorf("delete body %d: %w", id, mapErr(err))
	}
	if tag.RowsAffected() == 0 {
		return fmt.Errorf("delete body %d: %w", id, model.ErrNotFound)
	}
	return nil
}

// CreateBody inserts a body and returns its id. A taken slug gives
// model.ErrConflict without aborting the surrounding transaction, so the
// caller may try another slug.
func (s *Store) CreateBody(ctx context.Context, b model.Body) (int64, error) {
	var id int64
	err := s.db.QueryRow(ctx, `INSERT INTO bodies (slug, name, acronym, category, website, parent_id, illustrative)
		VALUES ($1, $2, $3, $4, $5, nullif($6, 0), $7) ON CONFLICT (slug) DO NOTHING RETURNING id`,
		b.Slug, b.Name, b.Acronym, b.Category, b.Website, b.ParentID, b.Illustrative).Scan(&id)
	if errors.Is(err, pgx.ErrNoRows) {
		return 0, fmt.Errorf("create body: slug %q taken: %w", b.Slug, model.ErrConflict)
	}
	if err != nil {
		return 0, fmt.Errorf("create body: %w", mapErr(err))
	}
	return id, nil
}
