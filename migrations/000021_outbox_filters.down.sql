BEGIN;
DROP INDEX outbox_subject_idx;
DROP INDEX outbox_status_created_idx;
COMMIT;
