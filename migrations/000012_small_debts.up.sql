BEGIN;
SET LOCAL lock_timeout = '10s';

-- Unsubscribe links are kept as the SHA-256 of their token only, like
-- password reset and invitation links: whoever reads the database or a
-- backup cannot unsubscribe anyone. The clear token is in the mail alone,
-- so every mail to a follower carries a token of its own, and each mailed
-- link keeps working until the account stops following the measure.
CREATE TABLE unsubscribe_tokens (
    token_hash bytea PRIMARY KEY,
    account_id bigint NOT NULL,
    measure_id bigint NOT NULL,
    created_at timestamptz NOT NULL DEFAULT now(),
    FOREIGN KEY (account_id, measure_id) REFERENCES measure_follows (account_id, measure_id) ON DELETE CASCADE
);
CREATE INDEX unsubscribe_tokens_follow_idx ON unsubscribe_tokens (account_id, measure_id);

-- The links mailed before keep working: their tokens are hashed here.
INSERT INTO unsubscribe_tokens (token_hash, account_id, measure_id, created_at)
SELECT sha256(convert_to(unsubscribe_token, 'UTF8')), account_id, measure_id, created_at FROM measure_follows;
ALTER TABLE measure_follows DROP COLUMN unsubscribe_token;

-- Remarks on draft minutes and dissenting positions are rendered once, when
-- saved, like the minutes, news and comments: pages are read far more often
-- than written, and rendering hostile markdown can take long. NULL marks the
-- rows written before this migration: the binary that applies it renders
-- them (store.RenderMissingHTML) once migrations have run.
ALTER TABLE minutes_remarks ADD COLUMN text_html text;
ALTER TABLE minutes_dissents ADD COLUMN text_html text;

COMMIT;
