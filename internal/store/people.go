package store

import (
	"context"
	"fmt"

	"github.com/jackc/pgx/v5"

	"comite/internal/model"
)

const personColumns = `p.id, p.civility, p.given_name, p.family_name, p.title, coalesce(p.body_id, 0), p.email, p.phone, p.illustrative`

func scanPerson(row pgx.Row) (model.Person, error) {
	var p model.Person
	err := row.Scan(&p.ID, &p.Civility, &p.GivenName, &p.FamilyName, &p.Title, &p.BodyID, &p.Email, &p.Phone, &p.Illustrative)
	return p, err
}

// Person returns the person with the given id, contact details included:
// callers decide who may see them.
func (s *Store) Person(ctx context.Context, id int64) (model.Person, error) {
	p, err := scanPerson(s.db.QueryRow(ctx, `SELECT `+personColumns+` FROM people p WHERE p.id = $1`, id))
	if err != nil {
		return p, fmt.Errorf("person %d: %w", id, mapErr(err))
	}
	return p, nil
}

// People returns everyone, by family name.
func (s *Store) People(ctx context.Context) ([]model.Person, error) {
	rows, err := s.db.Query(ctx, `SELECT `+personColumns+` FROM people p
		ORDER BY p.family_name `+frenchOrder+`, p.given_name `+frenchOrder+`, p.id`)
	if err != nil {
		return nil, fmt.Errorf("people: %w", err)
	}
	people, err := pgx.CollectRows(rows, func(r pgx.CollectableRow) (model.Person, error) { return scanPerson(r) })
	if err != nil {
		return nil, fmt.Errorf("people: %w", err)
	}
	return people, nil
}

// PersonByName returns the person of the body with exactly this civility,
// given and family name (case-insensitive), for the JO import to reuse.
func (s *Store) PersonByName(ctx context.Context, bodyID int64, given, family string) (model.Person, error) {
	p, err := scanPerson(s.db.QueryRow(ctx, `SELECT `+personColumns+` FROM people p
		WHERE p.body_id = $1 AND lower(p.given_name) = lower($2) AND lower(p.family_name) = lower($3)
		ORDER BY p.id LIMIT 1`, bodyID, given, family))
	if err != nil {
		return p, fmt.Errorf("person %s %s: %w", given, family, mapErr(err))
	}
	return p, nil
}

// CreatePerson inserts a person and returns the id.
func (s *Store) CreatePerson(ctx context.Context, p model.Person) (int64, error) {
	var id int64
	err := s.db.QueryRow(ctx, `INSERT INTO people (civility, given_name, family_name, title, body_id, email, phone, illustrative)
		VALUES ($1, $2, $3, $4, nullif($5, 0), $6, $7, $8) RETURNING id`,
		p.Civility, p.GivenName, p.FamilyName, p.Title, p.BodyID, p.Email, p.Phone, p.Illustrative).Scan(&id)
	if err != nil {
		return 0, fmt.Errorf("create person: %w", mapErr(err))
	}
	return id, nil
}

// UpdatePerson saves the editable fields of p.
func (s *Store) UpdatePerson(ctx context.Context, p model.Person) error {
	tag, err := s.db.Exec(ctx, `UPDATE people SET civility = $2, given_name = $3, family_name = $4, title = $5,
		body_id = nullif($6, 0), email = $7, phone = $8 WHERE id = $1`,
		p.ID, p.Civility, p.GivenName, p.FamilyName, p.Title, p.BodyID, p.Email, p.Phone)
	if err != nil {
		return fmt.Errorf("update person %d: %w", p.ID, mapErr(err))
	}
	if tag.RowsAffected() == 0 {
		return fmt.Errorf("update person %d: %w", p.ID, model.ErrNotFound)
	}
	return nil
}

// DeletePerson removes a person who holds no seat and has no account.
func (s *Store) DeletePerson(ctx context.Context, id int64) error {
	var used bool
	if err := s.db.QueryRow(ctx, `SELECT EXISTS (SELECT 1 FROM seats WHERE person_id = $1)
		OR EXISTS (SELECT 1 FROM accounts WHERE person_id = $1)`, id).Scan(&used); err != nil {
		return fmt.Errorf("delete person %d: %w", id, err)
	}
	if used {
		return fmt.Errorf("delete person %d: still referenced: %w", id, model.ErrConflict)
	}
	tag, err := s.db.Exec(ctx, `DELETE FROM people WHERE id = $1`, id)
	if err != nil {
		return fmt.Errorf("delete person %d: %w", id, mapErr(err))
	}
	if tag.RowsAffected() == 0 {
		return fmt.Errorf("delete person %d: %w", id, model.ErrNotFound)
	}
	return nil
}
