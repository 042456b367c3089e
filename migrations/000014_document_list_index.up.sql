BEGIN;
SET LOCAL lock_timeout = '10s';

-- The library counts the documents a reader may see (up to 1 000) and
-- pages them by date: with the columns of the visibility and hold checks
-- in the date index, both read only the index, never the wide rows (their
-- search vectors), see docs/queries.md.
DROP INDEX documents_date_idx;
CREATE INDEX documents_date_idx ON documents (doc_date DESC, id DESC)
    INCLUDE (visibility, embargo_until, embargo_visibility, held_for, held_id, kind);

COMMIT;
