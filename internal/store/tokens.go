package store

import (
	"context"
	"fmt"
	"time"

	"comite/internal/model"
)

// CreateAccountToken records the hash of a single-use link for the account.
func (s *Store) CreateAccountToken(ctx context.Context, accountID int64, purpose string, hash []byte, expires time.Time) error {
	_, err := s.db.Exec(ctx, `INSERT INTO account_tokens (account_id, purpose, token_hash, expires_at) VALUES ($1, $2, $3, $4)`,
		accountID, purpose, hash, expires)
	if err != nil {
		return fmt.Errorf("create %s token: %w", purpose, mapErr(err))
	}
	return nil
}

// AccountForToken returns the account a valid (unused, unexpired) link
// belongs to, without using it up.
func (s *Store) AccountForToken(ctx context.Context, purpose string, hash []byte) (model.Account, error) {
	a, err := scanAccount(s.db.QueryRow(ctx, `SELECT `+accountColumns+`
		FROM account_tokens t JOIN accounts a ON a.id = t.account_id LEFT JOIN bodies b ON b.id = a.body_id
		WHERE t.token_hash = $1 AND t.purpose = $2 AND t.used_at IS NULL AND t.expires_at > now() AND a.active`, hash, purpose))
	if err != nil {
		return a, fmt.Errorf("%s token: %w", purpose, mapErr(err))
	}
	return a, nil
}

// UseAccountToken marks a valid link as used and returns its account id.
// The UPDATE … WHERE used_at IS NULL makes the link work exactly once, even
// for two requests at the same moment. Every other link of the same purpose
// for the account is used up as well.
func (s *Store) UseAccountToken(ctx context.Context, purpose string, hash []byte) (int64, error) {
	var accountID int64
	err := s.db.QueryRow(ctx, `UPDATE account_tokens SET used_at = now()
		WHERE token_hash = $1 AND purpose = $2 AND used_at IS NULL AND expires_at > now()
		RETURNING account_id`, hash, purpose).Scan(&accountID)
	if err != nil {
		return 0, fmt.Errorf("use %s token: %w", purpose, mapErr(err))
	}
	if _, err := s.db.Exec(ctx, `UPDATE account_tokens SET used_at = now()
		WHERE account_id = $1 AND purpose = $2 AND used_at IS NULL`, accountID, purpose); err != nil {
		return 0, fmt.Errorf("use %s token: %w", purpose, err)
	}
	return accountID, nil
}

// RecentTokens counts the links of a purpose created for the account since t,
// to limit how many reset mails one address can trigger.
func (s *Store) RecentTokens(ctx context.Context, accountID int64, purpose string, since time.Time) (int, error) {
	var n int
	err := s.db.QueryRow(ctx, `SELECT count(*) FROM account_tokens WHERE account_id = $1 AND purpose = $2 AND created_at >= $3`,
		accountID, purpose, since).Scan(&n)
	return n, err
}
