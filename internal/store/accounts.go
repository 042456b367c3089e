package store

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"

	"comite/internal/model"
)

const accountColumns = `a.id, a.email, a.display_name, a.password_hash, a.role, coalesce(a.body_id, 0),
	coalesce(a.person_id, 0), coalesce(b.name, ''), coalesce(b.category, ''), a.active, a.session_epoch, a.created_at, a.statistician`

func scanAccount(row pgx.Row) (model.Account, error) {
	var a model.Account
	err := row.Scan(&a.ID, &a.Email, &a.DisplayName, &a.PasswordHash, &a.Role, &a.BodyID, &a.PersonID,
		&a.BodyName, &a.BodyCategory, &a.Active, &a.SessionEpoch, &a.CreatedAt, &a.Statistician)
	return a, err
}

// Account returns the account with the given id.
func (s *Store) Account(ctx context.Context, id int64) (model.Account, error) {
	a, err := scanAccount(s.db.QueryRow(ctx, `SELECT `+accountColumns+`
		FROM accounts a LEFT JOIN bodies b ON b.id = a.body_id WHERE a.id = $1`, id))
	if err != nil {
		return a, fmt.Errorf("account %d: %w", id, mapErr(err))
	}
	return a, nil
}

// AccountByEmail returns the account signing in with email (case-insensitive).
func (s *Store) AccountByEmail(ctx context.Context, email string) (model.Account, error) {
	a, err := scanAccount(s.db.QueryRow(ctx, `SELECT `+accountColumns+`
		FROM accounts a LEFT JOIN bodies b ON b.id = a.body_id WHERE a.email = $1`, NormalizeEmail(email)))
	if err != nil {
		return a, fmt.Errorf("account by email: %w", mapErr(err))
	}
	return a, nil
}

// Accounts returns every account, secretariat first, then by name.
func (s *Store) Accounts(ctx context.Context) ([]model.Account, error) {
	rows, err := s.db.Query(ctx, `SELECT `+accountColumns+`
		FROM accounts a LEFT JOIN bodies b ON b.id = a.body_id
		ORDER BY a.role = 'secretariat' DESC, a.display_name, a.id`)
	if err != nil {
		return nil, fmt.Errorf("accounts: %w", err)
	}
	accounts, err := pgx.CollectRows(rows, func(r pgx.CollectableRow) (model.Account, error) { return scanAccount(r) })
	if err != nil {
		return nil, fmt.Errorf("accounts: %w", err)
	}
	return accounts, nil
}

// NewAccount is what creating an account needs.
type NewAccount struct {
	Email        string
	DisplayName  string
	PasswordHash string
	Role         model.Role
	BodyID       int64
	PersonID     int64
}

// CreateAccount inserts an account and returns its id. A taken e-mail gives model.ErrConflict.
func (s *Store) CreateAccount(ctx context.Context, a NewAccount) (int64, error) {
	var id int64
	err := s.db.QueryRow(ctx, `INSERT INTO accounts (email, display_name, password_hash, role, body_id, person_id)
		VALUES ($1, $2, $3, $4, nullif($5, 0), nullif($6, 0)) RETURNING id`,
		NormalizeEmail(a.Email), a.DisplayName, a.PasswordHash, a.Role, a.BodyID, a.PersonID).Scan(&id)
	if err != nil {
		return 0, fmt.Errorf("create account: %w", mapErr(err))
	}
	return id, nil
}

// SetPassword stores a new hash and moves the account's session epoch on, so
// that every other session of the account ends. It returns the new epoch.
func (s *Store) SetPassword(ctx context.Context, accountID int64, hash string) (int, error) {
	var epoch int
	err := s.db.QueryRow(ctx, `UPDATE accounts SET password_hash = $2, password_changed_at = now(),
		session_epoch = session_epoch + 1 WHERE id = $1 RETURNING session_epoch`, accountID, hash).Scan(&epoch)
	if err != nil {
		return 0, fmt.Errorf("set password: %w", mapErr(err))
	}
	return epoch, nil
}

// RecordLoginAttempt remembers one sign-in attempt for throttling and audit.
func (s *Store) RecordLoginAttempt(ctx context.Context, ip, email string, succeeded bool) error {
	_, err := s.db.Exec(ctx, `INSERT INTO login_attempts (ip, email, succeeded) VALUES ($1, $2, $3)`,
		ip, NormalizeEmail(email), succeeded)
	if err != nil {
		return fmt.Errorf("record login attempt: %w", err)
	}
	return nil
}

// LoginFailures counts the failed attempts since the given time: from ip,
// for email from ip, and for email from anywhere.
type LoginFailures struct {
	ByIP, ByEmailAndIP, ByEmail int
}

// RecentLoginFailures counts failed sign-ins since since.
func (s *Store) RecentLoginFailures(ctx context.Context, ip, email string, since time.Time) (LoginFailures, error) {
	var f LoginFailures
	err := s.db.QueryRow(ctx, `SELECT
		count(*) FILTER (WHERE ip = $1),
		count(*) FILTER (WHERE ip = $1 AND email = $2),
		count(*) FILTER (WHERE email = $2)
		FROM login_attempts WHERE NOT succeeded AND at >= $3 AND (ip = $1 OR email = $2)`,
		ip, NormalizeEmail(email), since).Scan(&f.ByIP, &f.ByEmailAndIP, &f.ByEmail)
	if err != nil {
		return f, fmt.Errorf("recent login failures: %w", err)
	}
	return f, nil
}

// DeleteLoginAttemptsBefore forgets attempts older than t; throttling and the
// audit need no more.
func (s *Store) DeleteLoginAttemptsBefore(ctx context.Context, t time.Time) error {
	_, err := s.db.Exec(ctx, `DELETE FROM login_attempts WHERE at < $1`, t)
	return err
}

// NormalizeEmail is the form e-mails are stored and compared in.
func NormalizeEmail(email string) string {
	return strings.ToLower(strings.TrimSpace(email))
}

// DeleteExpiredSessions removes sessions past their expiry; scs ignores them
// already, this only reclaims the space.
func (s *Store) DeleteExpiredSessions(ctx context.Context) error {
	_, err := s.db.Exec(ctx, `DELETE FROM sessions WHERE expiry < now()`)
	return err
}

// AccountEmailsByPerson maps each person who has an account to its e-mail.
func (s *Store) AccountEmailsByPerson(ctx context.Context) (map[int64]string, error) {
	rows, err := s.db.Query(ctx, `SELECT person_id, email FROM accounts WHERE person_id IS NOT NULL`)
	if err != nil {
		return nil, fmt.Errorf("account e-mails: %w", err)
	}
	defer rows.Close()
	m := map[int64]string{}
	for rows.Next() {
		var id int64
		var email string
		if err := rows.Scan(&id, &email); err != nil {
			return nil, err
		}
		m[id] = email
	}
	return m, rows.Err()
}

// SetAccountActive activates or deactivates an account. Deactivating moves
// the session epoch on, which ends its sessions at their next request.
func (s *Store) SetAccountActive(ctx context.Context, id int64, active bool) error {
	tag, err := s.db.Exec(ctx, `UPDATE accounts SET active = $2,
		session_epoch = session_epoch + CASE WHEN $2 THEN 0 ELSE 1 END WHERE id = $1`, id, active)
	if err != nil {
		return fmt.Errorf("set account %d active: %w", id, err)
	}
	if tag.RowsAffected() == 0 {
		return fmt.Errorf("set account %d active: %w", id, model.ErrNotFound)
	}
	return nil
}

// SetAccountRole changes an account's role and ends its sessions, so that the
// new rights apply from a fresh sign-in.
func (s *Store) SetAccountRole(ctx context.Context, id int64, role model.Role) error {
	tag, err := s.db.Exec(ctx, `UPDATE accounts SET role = $2, session_epoch = session_epoch + 1 WHERE id = $1`, id, role)
	if err != nil {
		return fmt.Errorf("set account %d role: %w", id, mapErr(err))
	}
	if tag.RowsAffected() == 0 {
		return fmt.Errorf("set account %d role: %w", id, model.ErrNotFound)
	}
	return nil
}

// AccountByPerson returns the account of a person.
func (s *Store) AccountByPerson(ctx context.Context, personID int64) (model.Account, error) {
	a, err := scanAccount(s.db.QueryRow(ctx, `SELECT `+accountColumns+`
		FROM accounts a LEFT JOIN bodies b ON b.id = a.body_id WHERE a.person_id = $1`, personID))
	if err != nil {
		return a, fmt.Errorf("account of person %d: %w", personID, mapErr(err))
	}
	return a, nil
}
