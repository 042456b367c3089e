BEGIN;
SET LOCAL lock_timeout = '10s';
-- Clear tokens cannot be recovered from their hashes: every follow gets a
-- new one, and the links mailed before stop working.
ALTER TABLE measure_follows ADD COLUMN unsubscribe_token text UNIQUE;
UPDATE measure_follows SET unsubscribe_token = replace(gen_random_uuid()::text || gen_random_uuid()::text, '-', '');
ALTER TABLE measure_follows ALTER COLUMN unsubscribe_token SET NOT NULL;
DROP TABLE unsubscribe_tokens;
ALTER TABLE minutes_remarks DROP COLUMN text_html;
ALTER TABLE minutes_dissents DROP COLUMN text_html;
COMMIT;
