BEGIN;
SET LOCAL lock_timeout = '10s';

-- Member bodies: ministries, associations, unions, independent bodies and
-- qualified persons. A directorate points to its ministry through parent_id.
CREATE TABLE bodies (
    id           bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    slug         text NOT NULL UNIQUE CHECK (slug ~ '^[a-z0-9][a-z0-9-]*$'),
    name         text NOT NULL CHECK (length(name) BETWEEN 1 AND 300),
    acronym      text NOT NULL DEFAULT '',
    category     text NOT NULL CHECK (category IN ('institution', 'association', 'union', 'independent_body', 'qualified_person')),
    website      text NOT NULL DEFAULT '',
    parent_id    bigint REFERENCES bodies (id),
    -- illustrative marks demo data that is not an official fact.
    illustrative boolean NOT NULL DEFAULT false,
    created_at   timestamptz NOT NULL DEFAULT now()
);

-- People seated for a body. Contact details are personal data and never public.
CREATE TABLE people (
    id           bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    civility     text NOT NULL DEFAULT '' CHECK (civility IN ('', 'M.', 'Mme')),
    given_name   text NOT NULL DEFAULT '',
    family_name  text NOT NULL CHECK (length(family_name) BETWEEN 1 AND 200),
    title        text NOT NULL DEFAULT '',
    body_id      bigint REFERENCES bodies (id),
    email        text NOT NULL DEFAULT '',
    phone        text NOT NULL DEFAULT '',
    illustrative boolean NOT NULL DEFAULT false,
    created_at   timestamptz NOT NULL DEFAULT now()
);

-- Accounts sign in. session_epoch grows when the password changes or the
-- account is deactivated, which ends every session issued before.
CREATE TABLE accounts (
    id                  bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    email               text NOT NULL CHECK (email = lower(email) AND position('@' IN email) > 1),
    display_name        text NOT NULL CHECK (length(display_name) BETWEEN 1 AND 200),
    password_hash       text NOT NULL,
    role                text NOT NULL CHECK (role IN ('secretariat', 'pilot', 'member')),
    body_id             bigint REFERENCES bodies (id),
    person_id           bigint REFERENCES people (id),
    active              boolean NOT NULL DEFAULT true,
    session_epoch       integer NOT NULL DEFAULT 1,
    created_at          timestamptz NOT NULL DEFAULT now(),
    password_changed_at timestamptz NOT NULL DEFAULT now(),
    -- members and pilots sit for a body; the secretariat may not.
    CHECK (role = 'secretariat' OR body_id IS NOT NULL)
);
CREATE UNIQUE INDEX accounts_email_key ON accounts (email);

-- The scs session store (pgxstore) reads and writes this table.
CREATE TABLE sessions (
    token  text PRIMARY KEY,
    data   bytea NOT NULL,
    expiry timestamptz NOT NULL
);
CREATE INDEX sessions_expiry_idx ON sessions (expiry);

-- Login attempts, kept in the database so throttling holds across instances.
CREATE TABLE login_attempts (
    id        bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    at        timestamptz NOT NULL DEFAULT now(),
    ip        text NOT NULL,
    email     text NOT NULL,
    succeeded boolean NOT NULL
);
CREATE INDEX login_attempts_ip_idx ON login_attempts (ip, at);
CREATE INDEX login_attempts_email_idx ON login_attempts (email, at);

-- Every change, by whom, from where. Append-only.
CREATE TABLE audit_log (
    id          bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    at          timestamptz NOT NULL DEFAULT now(),
    account_id  bigint REFERENCES accounts (id),
    ip          text NOT NULL DEFAULT '',
    action      text NOT NULL,
    object_type text NOT NULL DEFAULT '',
    object_id   bigint,
    detail      jsonb NOT NULL DEFAULT '{}'
);
CREATE INDEX audit_log_at_idx ON audit_log (at DESC);

-- A committee term and the Journal officiel text that named its members.
CREATE TABLE mandates (
    id           bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    slug         text NOT NULL UNIQUE,
    label        text NOT NULL,
    starts_on    date NOT NULL,
    ends_on      date,
    jo_title     text NOT NULL DEFAULT '',
    jo_date      date,
    nor          text NOT NULL DEFAULT '' CHECK (nor = '' OR nor ~ '^[A-Z]{4}[0-9]{7}[A-Z]$'),
    jorf         text NOT NULL DEFAULT '',
    eli_url      text NOT NULL DEFAULT '',
    illustrative boolean NOT NULL DEFAULT false,
    CHECK (ends_on IS NULL OR ends_on >= starts_on)
);

-- A body's seat in a mandate, with the person holding it over a period, so
-- that a replacement closes one row and opens another.
CREATE TABLE seats (
    id         bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    mandate_id bigint NOT NULL REFERENCES mandates (id),
    body_id    bigint NOT NULL REFERENCES bodies (id),
    person_id  bigint REFERENCES people (id),
    role       text NOT NULL CHECK (role IN ('titulaire', 'suppleant')),
    starts_on  date NOT NULL,
    ends_on    date,
    CHECK (ends_on IS NULL OR ends_on >= starts_on)
);
CREATE INDEX seats_mandate_idx ON seats (mandate_id, body_id);

CREATE TABLE meetings (
    id           bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    slug         text NOT NULL UNIQUE,
    title        text NOT NULL CHECK (length(title) BETWEEN 1 AND 300),
    starts_at    timestamptz NOT NULL,
    ends_at      timestamptz,
    place        text NOT NULL DEFAULT '',
    video_url    text NOT NULL DEFAULT '',
    status       text NOT NULL DEFAULT 'planned' CHECK (status IN ('planned', 'agenda_published', 'held', 'minutes_draft', 'minutes_approved', 'postponed', 'cancelled')),
    summary      text NOT NULL DEFAULT '',
    illustrative boolean NOT NULL DEFAULT false,
    created_at   timestamptz NOT NULL DEFAULT now(),
    CHECK (ends_at IS NULL OR ends_at >= starts_at)
);
CREATE INDEX meetings_starts_at_idx ON meetings (starts_at);

COMMIT;
