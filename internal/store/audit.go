package store

import (
	"context"
	"encoding/json"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"

	"comite/internal/model"
)

// Audit is one change to record: who did what to which object.
type Audit struct {
	AccountID  int64
	IP         string
	Action     string
	ObjectType string
	ObjectID   int64
	Detail     map[string]any
}

// Record appends an entry to the audit log. Call it inside the transaction of
// the change it records, so that both exist or neither.
func (s *Store) Record(ctx context.Context, a Audit) error {
	detail, err := json.Marshal(a.Detail)
	if err != nil {
		return fmt.Errorf("audit detail: %w", err)
	}
	if a.Detail == nil {
		detail = []byte("{}")
	}
	_, err = s.db.Exec(ctx, `INSERT INTO audit_log (account_id, ip, action, object_type, object_id, detail)
		VALUES (nullif($1, 0), $2, $3, $4, nullif($5, 0), $6)`,
		a.AccountID, a.IP, a.Action, a.ObjectType, a.ObjectID, detail)
	if err != nil {
		return fmt.Errorf("record audit: %w", err)
	}
	return nil
}

// AuditFilter narrows the audit log; zero fields do not filter.
type AuditFilter struct {
	ObjectType  string
	ActorEmail  string
	From, Until time.Time
}

// AuditLog returns a page of the audit log, newest first, and whether there is more.
func (s *Store) AuditLog(ctx context.Context, f AuditFilter, limit, offset int) ([]model.AuditEntry, bool, error) {
	var from, until *time.Time
	if !f.From.IsZero() {
		from = &f.From
	}
	if !f.Until.IsZero() {
		until = &f.Until
	}
	rows, err := s.db.Query(ctx, `SELECT l.id, l.at, coalesce(l.account_id, 0), coalesce(a.display_name, ''),
		l.ip, l.action, l.object_type, coalesce(l.object_id, 0), l.detail::text
		FROM audit_log l LEFT JOIN accounts a ON a.id = l.account_id
		WHERE ($3 = '' OR l.object_type = $3) AND ($4 = '' OR a.email = lower($4))
			AND ($5::timestamptz IS NULL OR l.at >= $5) AND ($6::timestamptz IS NULL OR l.at < $6)
		ORDER BY l.at DESC, l.id DESC LIMIT $1 OFFSET $2`, limit+1, offset, f.ObjectType, f.ActorEmail, from, until)
	if err != nil {
		return nil, false, fmt.Errorf("audit log: %w", err)
	}
	entries, err := pgx.CollectRows(rows, func(r pgx.CollectableRow) (model.AuditEntry, error) {
		var e model.AuditEntry
		err := r.Scan(&e.ID, &e.At, &e.AccountID, &e.ActorName, &e.IP, &e.Action, &e.ObjectType, &e.ObjectID, &e.Detail)
		return e, err
	})
	if err != nil {
		return nil, false, fmt.Errorf("audit log: %w", err)
	}
	more := len(entries) > limit
	if more {
		entries = entries[:limit]
	}
	return entries, more, nil
}
