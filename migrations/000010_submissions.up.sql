BEGIN;
SET LOCAL lock_timeout = '10s';

-- One row per create form that was sent: the random key the form carried
-- when it was rendered, and where its result lives. The key is written first
-- in the transaction of the change, so that a second request with the same
-- key waits on this primary key until the first commits, then finds the row
-- and is sent to the same place instead of creating a second object. Keys
-- are per account: nobody can reach another's result by guessing one.
-- Maintain deletes rows older than a day.
CREATE TABLE submissions (
    account_id bigint NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
    key        text NOT NULL CHECK (length(key) BETWEEN 1 AND 64),
    created_at timestamptz NOT NULL DEFAULT now(),
    -- The page the first request redirected to; written before it commits.
    location   text NOT NULL DEFAULT '',
    PRIMARY KEY (account_id, key)
);
CREATE INDEX submissions_created_idx ON submissions (created_at);

COMMIT;
