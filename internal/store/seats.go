package store

import (
	"context"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"

	"comite/internal/model"
)

const seatColumns = `s.id, s.mandate_id, s.body_id, coalesce(s.person_id, 0), s.role, s.post_label, s.starts_on, s.ends_on,
	coalesce(s.replaces_id, 0), coalesce(p.civility, ''), coalesce(p.given_name, ''), coalesce(p.family_name, ''),
	coalesce(p.illustrative, false), b.name, b.category, m.label`

const seatJoins = ` FROM seats s JOIN bodies b ON b.id = s.body_id JOIN mandates m ON m.id = s.mandate_id
	LEFT JOIN people p ON p.id = s.person_id`

func scanSeat(row pgx.Row) (model.Seat, error) {
	var st model.Seat
	err := row.Scan(&st.ID, &st.MandateID, &st.BodyID, &st.PersonID, &st.Role, &st.PostLabel, &st.StartsOn, &st.EndsOn,
		&st.ReplacesID, &st.Person.Civility, &st.Person.GivenName, &st.Person.FamilyName, &st.Person.Illustrative,
		&st.BodyName, &st.BodyCategory, &st.MandateLabel)
	st.Person.ID = st.PersonID
	return st, err
}

func (s *Store) seats(ctx context.Context, where string, args ...any) ([]model.Seat, error) {
	rows, err := s.db.Query(ctx, `SELECT `+seatColumns+seatJoins+` WHERE `+where+`
		ORDER BY b.category, b.name `+frenchOrder+`, s.role = 'suppleant', s.starts_on, s.id`, args...)
	if err != nil {
		return nil, fmt.Errorf("seats: %w", err)
	}
	seats, err := pgx.CollectRows(rows, func(r pgx.CollectableRow) (model.Seat, error) { return scanSeat(r) })
	if err != nil {
		return nil, fmt.Errorf("seats: %w", err)
	}
	return seats, nil
}

// Seat returns the seat with the given id.
func (s *Store) Seat(ctx context.Context, id int64) (model.Seat, error) {
	st, err := scanSeat(s.db.QueryRow(ctx, `SELECT `+seatColumns+seatJoins+` WHERE s.id = $1`, id))
	if err != nil {
		return st, fmt.Errorf("seat %d: %w", id, mapErr(err))
	}
	return st, nil
}

// SeatsOn returns the seats of the mandate open on day d.
func (s *Store) SeatsOn(ctx context.Context, mandateID int64, d time.Time) ([]model.Seat, error) {
	return s.seats(ctx, `s.mandate_id = $1 AND s.starts_on <= $2::date AND (s.ends_on IS NULL OR s.ends_on >= $2::date)`,
		mandateID, d.Format(time.DateOnly))
}

// SeatsOfMandate returns every seat of the mandate, closed ones included.
func (s *Store) SeatsOfMandate(ctx context.Context, mandateID int64) ([]model.Seat, error) {
	return s.seats(ctx, `s.mandate_id = $1`, mandateID)
}

// SeatsOfBody returns every seat the body has held, in every mandate.
func (s *Store) SeatsOfBody(ctx context.Context, bodyID int64) ([]model.Seat, error) {
	return s.seats(ctx, `s.body_id = $1`, bodyID)
}

// SeatsOfPerson returns every seat the person has held.
func (s *Store) SeatsOfPerson(ctx context.Context, personID int64) ([]model.Seat, error) {
	return s.seats(ctx, `s.person_id = $1`, personID)
}

// CreateSeat inserts a seat and returns its id.
func (s *Store) CreateSeat(ctx context.Context, st model.Seat) (int64, error) {
	var id int64
	err := s.db.QueryRow(ctx, `INSERT INTO seats (mandate_id, body_id, person_id, role, post_label, starts_on, ends_on, replaces_id)
		VALUES ($1, $2, nullif($3, 0), $4, $5, $6, $7, nullif($8, 0)) RETURNING id`,
		st.MandateID, st.BodyID, st.PersonID, st.Role, st.PostLabel, st.StartsOn, st.EndsOn, st.ReplacesID).Scan(&id)
	if err != nil {
		return 0, fmt.Errorf("create seat: %w", mapErr(err))
	}
	return id, nil
}

// UpdateSeat saves the dates and label of a seat. The holder is changed
// with ReplaceSeat, never here, so that history is kept.
func (s *Store) UpdateSeat(ctx context.Context, st model.Seat) error {
	tag, err := s.db.Exec(ctx, `UPDATE seats SET role = $2, post_label = $3, starts_on = $4, ends_on = $5 WHERE id = $1`,
		st.ID, st.Role, st.PostLabel, st.StartsOn, st.EndsOn)
	if err != nil {
		return fmt.Errorf("update seat %d: %w", st.ID, mapErr(err))
	}
	if tag.RowsAffected() == 0 {
		return fmt.Errorf("update seat %d: %w", st.ID, model.ErrNotFound)
	}
	return nil
}

// ReplaceSeat closes seat id the day before from and opens a new seat for
// personID (0: vacant) from that day, linked to the old one. It returns the
// new seat's id.
func (s *Store) ReplaceSeat(ctx context.Context, id, personID int64, from time.Time) (int64, error) {
	old, err := s.Seat(ctx, id)
	if err != nil {
		return 0, err
	}
	if !from.After(old.StartsOn) {
		return 0, fmt.Errorf("replace seat %d: the replacement must start after %s: %w", id, old.StartsOn.Format(time.DateOnly), model.ErrConflict)
	}
	if old.EndsOn != nil {
		return 0, fmt.Errorf("replace seat %d: already closed: %w", id, model.ErrConflict)
	}
	// Two replacements at once: the second waits for the first's row lock,
	// then finds the seat closed and closes nothing.
	end := from.AddDate(0, 0, -1)
	tag, err := s.db.Exec(ctx, `UPDATE seats SET ends_on = $2 WHERE id = $1 AND ends_on IS NULL`, id, end)
	if err != nil {
		return 0, fmt.Errorf("close seat %d: %w", id, mapErr(err))
	}
	if tag.RowsAffected() == 0 {
		return 0, fmt.Errorf("replace seat %d: closed meanwhile: %w", id, model.ErrConflict)
	}
	return s.CreateSeat(ctx, model.Seat{MandateID: old.MandateID, BodyID: old.BodyID, PersonID: personID,
		Role: old.Role, PostLabel: old.PostLabel, StartsOn: from, ReplacesID: id})
}

// DeleteSeat removes a seat entered by mistake. A seat that another replaced
// is part of history and is kept.
func (s *Store) DeleteSeat(ctx context.Context, id int64) error {
	var replaced bool
	if err := s.db.QueryRow(ctx, `SELECT EXISTS (SELECT 1 FROM seats WHERE replaces_id = $1)`, id).Scan(&replaced); err != nil {
		return fmt.Errorf("delete seat %d: %w", id, err)
	}
	if replaced {
		return fmt.Errorf("delete seat %d: part of a replacement chain: %w", id, model.ErrConflict)
	}
	tag, err := s.db.Exec(ctx, `DELETE FROM seats WHERE id = $1`, id)
	if err != nil {
		return fmt.Errorf("delete seat %d: %w", id, mapErr(err))
	}
	if tag.RowsAffected() == 0 {
		return fmt.Errorf("delete seat %d: %w", id, model.ErrNotFound)
	}
	return nil
}

// EnsureSeat gives the body an open seat with the role in the mandate unless
// it already has one; it reports whether it created the seat.
func (s *Store) EnsureSeat(ctx context.Context, mandateID, bodyID, personID int64, role model.SeatRole, startsOn time.Time) (bool, error) {
	tag, err := s.db.Exec(ctx, `INSERT INTO seats (mandate_id, body_id, person_id, role, starts_on)
		SELECT $1, $2, nullif($3, 0), $4, $5 WHERE NOT EXISTS (
			SELECT 1 FROM seats WHERE mandate_id = $1 AND body_id = $2 AND role = $4 AND ends_on IS NULL)`,
		mandateID, bodyID, personID, role, startsOn)
	if err != nil {
		return false, fmt.Errorf("ensure seat: %w", mapErr(err))
	}
	return tag.RowsAffected() == 1, nil
}
