package server

import (
	"context"
	"net/http"

	"comite/internal/store"
)

// record appends the change to the audit log inside its transaction, with
// the object before and after.
func (s *Server) record(ctx context.Context, tx *store.Store, r *http.Request, action, objectType string, id int64, before, after any) error {
	detail := map[string]any{}
	if before != nil {
		detail["before"] = before
	}
	if after != nil {
		detail["after"] = after
	}
	return tx.Record(ctx, store.Audit{AccountID: viewerOf(ctx).AccountID, IP: s.clientIP(r), Action: action,
		ObjectType: objectType, ObjectID: id, Detail: detail})
}
