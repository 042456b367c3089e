BEGIN;
SET LOCAL lock_timeout = '10s';

-- The observatory's statisticians: named people the secretariat lets read
-- the returns that associations share with them.
ALTER TABLE accounts ADD COLUMN statistician boolean NOT NULL DEFAULT false;

-- The plan's measure that the observatory answers links to its page.
ALTER TABLE measures ADD COLUMN observatory boolean NOT NULL DEFAULT false;

-- A yearly survey of the associations (a campaign): open, then closed and
-- published. Earlier years are imported already published, with their
-- source and no returns.
CREATE TABLE surveys (
    id           bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    data_year    integer NOT NULL UNIQUE CHECK (data_year BETWEEN 2000 AND 2199),
    opens_on     date,
    closes_on    date,
    state        text NOT NULL CHECK (state IN ('open', 'closed', 'published')),
    -- publication holds the published tables, their cells and suppression
    -- marks, as the observatory page and its downloads show them.
    publication  jsonb,
    published_at timestamptz,
    source       text NOT NULL DEFAULT '',
    -- when the maintenance reminded the associations that had not
    -- answered, a week before the closing date (once).
    reminded_at  timestamptz,
    created_at   timestamptz NOT NULL DEFAULT now(),
    CHECK (opens_on IS NULL OR closes_on IS NULL OR opens_on <= closes_on),
    CHECK ((state = 'published') = (publication IS NOT NULL))
);

-- One association's return for one survey: its counts, who may read them,
-- and whether it is submitted. Every save adds a row to
-- survey_return_versions.
CREATE TABLE survey_returns (
    id           bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    survey_id    bigint NOT NULL REFERENCES surveys (id) ON DELETE CASCADE,
    body_id      bigint NOT NULL REFERENCES bodies (id),
    state        text NOT NULL CHECK (state IN ('draft', 'submitted')),
    sharing      text NOT NULL CHECK (sharing IN ('aggregate', 'statisticians', 'public')),
    counts       jsonb NOT NULL,
    version      integer NOT NULL DEFAULT 1,
    example      boolean NOT NULL DEFAULT false,
    note_document_id bigint REFERENCES documents (id) ON DELETE SET NULL,
    submitted_at timestamptz,
    updated_at   timestamptz NOT NULL DEFAULT now(),
    updated_by   bigint REFERENCES accounts (id),
    UNIQUE (survey_id, body_id)
);

CREATE TABLE survey_return_versions (
    return_id  bigint NOT NULL REFERENCES survey_returns (id) ON DELETE CASCADE,
    version    integer NOT NULL,
    state      text NOT NULL,
    sharing    text NOT NULL,
    counts     jsonb NOT NULL,
    account_id bigint REFERENCES accounts (id),
    created_at timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (return_id, version)
);

-- Every reading of a return by someone outside its association, listed to
-- the association (« Qui a consulté nos chiffres »).
CREATE TABLE survey_return_readings (
    id         bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    return_id  bigint NOT NULL REFERENCES survey_returns (id) ON DELETE CASCADE,
    -- NULL for a signed-out reader of a public return.
    account_id bigint REFERENCES accounts (id),
    reader     text NOT NULL,
    capacity   text NOT NULL,
    read_at    timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX survey_return_readings_return_idx ON survey_return_readings (return_id, read_at DESC, id DESC);

COMMIT;
