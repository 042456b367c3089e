BEGIN;
SET LOCAL lock_timeout = '10s';

DROP INDEX documents_date_idx;
CREATE INDEX documents_date_idx ON documents (doc_date DESC, id DESC);

COMMIT;
