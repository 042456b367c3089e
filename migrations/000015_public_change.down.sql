BEGIN;
SET LOCAL lock_timeout = '10s';

DROP INDEX documents_embargo_idx;
-- Dropping the function drops every trigger that calls it, those of later
-- migrations too.
DROP FUNCTION notify_public_change() CASCADE;

COMMIT;
