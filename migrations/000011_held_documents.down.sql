BEGIN;
SET LOCAL lock_timeout = '10s';
-- Without holds, a held document would fall back to its visibility and be
-- read by every member: it becomes a secretariat document instead.
UPDATE documents SET visibility = 'secretariat', embargo_until = NULL, embargo_visibility = NULL, updated_at = now()
WHERE held_for IS NOT NULL;
DROP INDEX documents_held_idx;
ALTER TABLE documents DROP CONSTRAINT documents_hold_check, DROP COLUMN held_id, DROP COLUMN held_for;
COMMIT;
