BEGIN;
SET LOCAL lock_timeout = '10s';

-- A thread's last activity (its own date or its latest reply's), so that
-- a measure's threads are paged newest activity first from an index.
ALTER TABLE comments ADD COLUMN activity_at timestamptz;
UPDATE comments c SET activity_at = greatest(c.created_at,
	coalesce((SELECT max(r.created_at) FROM comments r WHERE r.parent_id = c.id), c.created_at))
	WHERE c.parent_id IS NULL;
CREATE INDEX comments_threads_idx ON comments (measure_id, activity_at DESC, id DESC) INCLUDE (state, author_id)
	WHERE parent_id IS NULL;
-- The totals of a measure's page (comments, threads, official answers in
-- the reader's scope) from the index alone.
CREATE INDEX comments_totals_idx ON comments (measure_id) INCLUDE (parent_id, official, state, author_id, withdrawn_at, hidden_at);
CREATE INDEX comments_official_idx ON comments (measure_id, created_at DESC, id DESC) WHERE official;

COMMIT;
