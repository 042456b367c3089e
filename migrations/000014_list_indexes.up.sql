BEGIN;
SET LOCAL lock_timeout = '10s';

-- The library counts the documents a reader may see (up to 1 000) and
-- pages them by date: with the columns of the visibility and hold checks
-- in the date index, both read only the index, never the wide rows (their
-- search vectors), see docs/queries.md.
DROP INDEX documents_date_idx;
CREATE INDEX documents_date_idx ON documents (doc_date DESC, id DESC)
    INCLUDE (visibility, embargo_until, embargo_visibility, held_for, held_id, kind);

-- The comments readers see, per measure: the plan page counts them (up to
-- 1 000) and the moderation desk finds each measure's oldest without an
-- official answer, from this index alone.
CREATE INDEX comments_published_idx ON comments (measure_id, created_at) INCLUDE (parent_id, id)
    WHERE state = 'published' AND withdrawn_at IS NULL AND hidden_at IS NULL;
-- The official answers (few): whether a thread has one, without reading
-- the replies.
CREATE INDEX comments_official_parent_idx ON comments (parent_id)
    WHERE official AND state = 'published' AND withdrawn_at IS NULL AND hidden_at IS NULL;

-- The comments waiting in pre-moderation, oldest first.
CREATE INDEX comments_pending_idx ON comments (created_at, id)
    WHERE state = 'pending' AND withdrawn_at IS NULL;

-- The comments the moderation hid, latest first (the desk shows 50).
CREATE INDEX comments_hidden_idx ON comments (hidden_at DESC) WHERE hidden_at IS NOT NULL;

-- The audit log and the outbox are paged by seeking past the last row's
-- (time, id), newest first.
DROP INDEX audit_log_at_idx;
CREATE INDEX audit_log_at_idx ON audit_log (at DESC, id DESC);
DROP INDEX outbox_created_idx;
CREATE INDEX outbox_created_idx ON outbox (created_at DESC, id DESC);

COMMIT;
