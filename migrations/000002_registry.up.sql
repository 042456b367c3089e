BEGIN;
SET LOCAL lock_timeout = '10s';

-- A seat may say whom the holder represents, as the JO text prints it
-- ("représentant le ministre chargé du travail").
ALTER TABLE seats ADD COLUMN post_label text NOT NULL DEFAULT '';
-- A seat opened to replace another keeps the link, so history reads as a chain.
ALTER TABLE seats ADD COLUMN replaces_id bigint REFERENCES seats (id);
CREATE INDEX seats_body_idx ON seats (body_id, starts_on);
CREATE INDEX seats_person_idx ON seats (person_id);

ALTER TABLE mandates ADD COLUMN jo_text_number text NOT NULL DEFAULT '';

-- Single-use links sent by e-mail: invitations and password resets. Only
-- the SHA-256 of the token is kept, so a database leak gives no usable link.
CREATE TABLE account_tokens (
    id          bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    account_id  bigint NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
    purpose     text NOT NULL CHECK (purpose IN ('invite', 'reset')),
    token_hash  bytea NOT NULL UNIQUE,
    created_at  timestamptz NOT NULL DEFAULT now(),
    expires_at  timestamptz NOT NULL,
    used_at     timestamptz
);
CREATE INDEX account_tokens_account_idx ON account_tokens (account_id);

-- Outgoing mail. A mail is written in the transaction of the change that
-- causes it, and a worker delivers it after the commit, retrying on
-- failure. Without SMTP the mails stay here for the secretariat to read.
CREATE TABLE outbox (
    id              bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    created_at      timestamptz NOT NULL DEFAULT now(),
    to_addr         text NOT NULL,
    subject         text NOT NULL,
    body_text       text NOT NULL,
    status          text NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'sent', 'failed')),
    attempts        integer NOT NULL DEFAULT 0,
    next_attempt_at timestamptz NOT NULL DEFAULT now(),
    last_error      text NOT NULL DEFAULT '',
    sent_at         timestamptz
);
CREATE INDEX outbox_due_idx ON outbox (next_attempt_at) WHERE status = 'pending';
CREATE INDEX outbox_created_idx ON outbox (created_at DESC);

CREATE INDEX audit_log_object_idx ON audit_log (object_type, object_id);
CREATE INDEX audit_log_account_idx ON audit_log (account_id, at DESC);

COMMIT;
