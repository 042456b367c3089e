BEGIN;
SET LOCAL lock_timeout = '10s';

DROP INDEX comments_hidden_idx;
DROP INDEX comments_pending_idx;
DROP INDEX comments_official_idx;
DROP INDEX comments_published_idx;
DROP INDEX documents_date_idx;
CREATE INDEX documents_date_idx ON documents (doc_date DESC, id DESC);

COMMIT;
