BEGIN;
SET LOCAL lock_timeout = '10s';
ALTER TABLE outbox DROP COLUMN calendar;
DROP TABLE calendar_tokens;
ALTER TABLE agenda_items DROP COLUMN action_id;
DROP TABLE actions;
DROP TABLE decisions;
DROP TABLE minutes_dissents;
DROP TABLE minutes_remarks;
DROP TABLE minutes_versions;
DROP TABLE meeting_attendance;
DROP TABLE agenda_items;
ALTER TABLE meetings
    DROP COLUMN minutes_adopted_at,
    DROP COLUMN minutes_approved_on,
    DROP COLUMN minutes_html,
    DROP COLUMN minutes_version,
    DROP COLUMN minutes_text,
    DROP COLUMN public_minutes,
    DROP COLUMN public_details,
    DROP COLUMN invitations_sent,
    DROP COLUMN ics_sequence,
    DROP COLUMN status_reason;
ALTER TABLE mandates DROP COLUMN quorum;
COMMIT;
