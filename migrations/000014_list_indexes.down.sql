BEGIN;
SET LOCAL lock_timeout = '10s';

DROP INDEX outbox_created_idx;
CREATE INDEX outbox_created_idx ON outbox (created_at DESC);
DROP INDEX audit_log_at_idx;
CREATE INDEX audit_log_at_idx ON audit_log (at DESC);
DROP INDEX comments_hidden_idx;
DROP INDEX comments_pending_idx;
DROP INDEX comments_official_parent_idx;
DROP INDEX comments_published_idx;
DROP INDEX documents_date_idx;
CREATE INDEX documents_date_idx ON documents (doc_date DESC, id DESC);

COMMIT;
