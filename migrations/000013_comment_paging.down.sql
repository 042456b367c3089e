BEGIN;
SET LOCAL lock_timeout = '10s';

DROP INDEX comments_official_idx;
DROP INDEX comments_totals_idx;
DROP INDEX comments_threads_idx;
ALTER TABLE comments DROP COLUMN activity_at;

COMMIT;
