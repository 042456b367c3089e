package store

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"
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

// Cursor is where a keyset page starts: after the row with this time and
// id, in newest-first order. The zero Cursor is the first page.
type Cursor struct {
	At time.Time
	ID int64
}

// AuditLog returns a page of the audit log, newest first, after the
// cursor, and whether there is more. Only the filter's set conditions are
// written, so that each query reads its own index (audit_log_at_idx,
// audit_log_account_idx for an actor); the page seeks past the cursor
// instead of counting an offset.
func (s *Store) AuditLog(ctx context.Context, f AuditFilter, limit int, after Cursor) ([]model.AuditEntry, bool, error) {
	var where []string
	var args []any
	arg := func(v any) string {
		args = append(args, v)
		return fmt.Sprintf("$%d", len(args))
	}
	if f.ObjectType != "" {
		where = append(where, "l.object_type = "+arg(f.ObjectType))
	}
	if f.ActorEmail != "" {
		where = append(where, "l.account_id = (SELECT id FROM accounts WHERE email = lower("+arg(f.ActorEmail)+"))")
	}
	if !f.From.IsZero() {
		where = append(where, "l.at >= "+arg(f.From))
	}
	if !f.Until.IsZero() {
		where = append(where, "l.at < "+arg(f.Until))
	}
	if after.ID != 0 {
		where = append(where, "(l.at, l.id) < ("+arg(after.At)+", "+arg(after.ID)+")")
	}
	cond := ""
	if len(where) > 0 {
		cond = "WHERE " + strings.Join(where, " AND ")
	}
	rows, err := s.db.Query(ctx, `SELECT l.id, l.at, coalesce(l.account_id, 0), coalesce(a.display_name, ''),
		l.ip, l.action, l.object_type, coalesce(l.object_id, 0), l.detail::text
		FROM audit_log l LEFT JOIN accounts a ON a.id = l.account_id `+cond+`
		ORDER BY l.at DESC, l.id DESC LIMIT `+arg(limit+1), args...)
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
	entries, more := pageOf(entries, limit)
	return entries, more, nil
}
