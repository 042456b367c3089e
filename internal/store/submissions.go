package store

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"
)

// ClaimSubmission records, in the caller's transaction, that the account
// sends the form that carried key. claimed is true for the first request
// with the key; a later one gets the location the first stored instead.
// While the first request's transaction runs, a second one waits here on
// the primary key: if the first commits, the second gets its location; if
// it rolls back, the second claims the key.
func (s *Store) ClaimSubmission(ctx context.Context, accountID int64, key string) (location string, claimed bool, err error) {
	err = s.db.QueryRow(ctx, `INSERT INTO submissions (account_id, key) VALUES ($1, $2)
		ON CONFLICT DO NOTHING RETURNING location`, accountID, key).Scan(&location)
	if err == nil {
		return "", true, nil
	}
	if !errors.Is(err, pgx.ErrNoRows) {
		return "", false, fmt.Errorf("claim submission: %w", err)
	}
	// A statement of its own: the INSERT's snapshot was taken before the
	// first request committed and cannot see its row.
	if err := s.db.QueryRow(ctx, `SELECT location FROM submissions WHERE account_id = $1 AND key = $2`,
		accountID, key).Scan(&location); err != nil {
		return "", false, fmt.Errorf("claimed submission: %w", mapErr(err))
	}
	return location, false, nil
}

// SetSubmissionLocation stores where the claimed submission's result lives,
// before its transaction commits.
func (s *Store) SetSubmissionLocation(ctx context.Context, accountID int64, key, location string) error {
	if _, err := s.db.Exec(ctx, `UPDATE submissions SET location = $3 WHERE account_id = $1 AND key = $2`,
		accountID, key, location); err != nil {
		return fmt.Errorf("set submission location: %w", err)
	}
	return nil
}

// DeleteSubmissionsBefore forgets the submissions claimed before t: a form
// is sent twice within seconds, not days.
func (s *Store) DeleteSubmissionsBefore(ctx context.Context, t time.Time) error {
	_, err := s.db.Exec(ctx, `DELETE FROM submissions WHERE created_at < $1`, t)
	return err
}
