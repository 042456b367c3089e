package store

import (
	"context"
	"fmt"

	"comite/internal/model"
)

// SetCalendarToken gives the account a new private feed token (its hash),
// which revokes the previous one.
func (s *Store) SetCalendarToken(ctx context.Context, accountID int64, hash []byte) error {
	if _, err := s.db.Exec(ctx, `INSERT INTO calendar_tokens (account_id, token_hash) VALUES ($1, $2)
		ON CONFLICT (account_id) DO UPDATE SET token_hash = EXCLUDED.token_hash, created_at = now()`, accountID, hash); err != nil {
		return fmt.Errorf("calendar token of account %d: %w", accountID, mapErr(err))
	}
	return nil
}

// DeleteCalendarToken revokes the account's feed token, if any.
func (s *Store) DeleteCalendarToken(ctx context.Context, accountID int64) error {
	if _, err := s.db.Exec(ctx, `DELETE FROM calendar_tokens WHERE account_id = $1`, accountID); err != nil {
		return fmt.Errorf("revoke calendar token of account %d: %w", accountID, err)
	}
	return nil
}

// HasCalendarToken reports whether the account has a feed token.
func (s *Store) HasCalendarToken(ctx context.Context, accountID int64) (bool, error) {
	var ok bool
	err := s.db.QueryRow(ctx, `SELECT EXISTS (SELECT 1 FROM calendar_tokens WHERE account_id = $1)`, accountID).Scan(&ok)
	if err != nil {
		return false, fmt.Errorf("calendar token of account %d: %w", accountID, err)
	}
	return ok, nil
}

// AccountByCalendarToken returns the active account whose feed token has
// this hash.
func (s *Store) AccountByCalendarToken(ctx context.Context, hash []byte) (model.Account, error) {
	a, err := scanAccount(s.db.QueryRow(ctx, `SELECT `+accountColumns+`
		FROM accounts a LEFT JOIN bodies b ON b.id = a.body_id JOIN calendar_tokens t ON t.account_id = a.id WHERE t.token_hash = $1 AND a.active`, hash))
	if err != nil {
		return a, fmt.Errorf("account by calendar token: %w", mapErr(err))
	}
	return a, nil
}
