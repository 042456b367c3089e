BEGIN;
SET LOCAL lock_timeout = '10s';

-- Who may comment on a plan's measures, who may read the comments, and
-- whether comments wait for the secretariat before anyone else sees them.
ALTER TABLE plans
    ADD COLUMN comment_categories text[] NOT NULL
        DEFAULT '{institution,independent_body,association,union,qualified_person}'
        CHECK (comment_categories <@ '{institution,independent_body,association,union,qualified_person}'::text[]),
    ADD COLUMN comments_public boolean NOT NULL DEFAULT false,
    ADD COLUMN premoderation boolean NOT NULL DEFAULT false;

-- A period during which a measure, or every measure of an axis, takes
-- comments. A measure's own windows override its axis's; a measure that
-- neither has is open.
CREATE TABLE consultation_windows (
    id         bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    axis_id    bigint REFERENCES axes (id) ON DELETE CASCADE,
    measure_id bigint REFERENCES measures (id) ON DELETE CASCADE,
    opens_at   timestamptz NOT NULL,
    closes_at  timestamptz NOT NULL,
    created_by bigint REFERENCES accounts (id),
    created_at timestamptz NOT NULL DEFAULT now(),
    CHECK ((axis_id IS NULL) <> (measure_id IS NULL)),
    CHECK (closes_at >= opens_at)
);
CREATE INDEX consultation_windows_axis_idx ON consultation_windows (axis_id) WHERE axis_id IS NOT NULL;
CREATE INDEX consultation_windows_measure_idx ON consultation_windows (measure_id) WHERE measure_id IS NOT NULL;

CREATE TABLE comments (
    id             bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    measure_id     bigint NOT NULL REFERENCES measures (id) ON DELETE CASCADE,
    -- Replies are one level deep: a reply's parent has no parent (checked
    -- by the store under a lock of the parent).
    parent_id      bigint REFERENCES comments (id) ON DELETE CASCADE,
    author_id      bigint NOT NULL REFERENCES accounts (id),
    -- The body and category the author spoke for when posting: a later
    -- change of seat does not rewrite who said what.
    body_id        bigint REFERENCES bodies (id),
    category       text NOT NULL DEFAULT '',
    text_md        text NOT NULL CHECK (length(text_md) BETWEEN 1 AND 5000),
    text_html      text NOT NULL,
    official       boolean NOT NULL DEFAULT false,
    state          text NOT NULL DEFAULT 'published' CHECK (state IN ('pending', 'published', 'rejected')),
    version        integer NOT NULL DEFAULT 1,
    edited_at      timestamptz,
    withdrawn_at   timestamptz,
    hidden_at      timestamptz,
    hidden_reason  text NOT NULL DEFAULT '',
    illustrative   boolean NOT NULL DEFAULT false,
    created_at     timestamptz NOT NULL DEFAULT now(),
    CHECK (NOT official OR parent_id IS NOT NULL),
    CHECK (hidden_at IS NULL OR hidden_reason <> '')
);
CREATE INDEX comments_measure_idx ON comments (measure_id, created_at);
CREATE INDEX comments_parent_idx ON comments (parent_id) WHERE parent_id IS NOT NULL;
CREATE INDEX comments_body_idx ON comments (body_id, created_at DESC);
CREATE INDEX comments_author_idx ON comments (author_id, created_at DESC);

-- Every text a comment has had, the first included.
CREATE TABLE comment_versions (
    comment_id bigint NOT NULL REFERENCES comments (id) ON DELETE CASCADE,
    version    integer NOT NULL,
    text_md    text NOT NULL,
    created_at timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (comment_id, version)
);

CREATE TABLE comment_flags (
    id          bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    comment_id  bigint NOT NULL REFERENCES comments (id) ON DELETE CASCADE,
    account_id  bigint NOT NULL REFERENCES accounts (id),
    reason      text NOT NULL CHECK (length(reason) BETWEEN 1 AND 1000),
    created_at  timestamptz NOT NULL DEFAULT now(),
    -- Set when the secretariat handles the flag: 'hidden' or 'dismissed'.
    resolution  text NOT NULL DEFAULT '' CHECK (resolution IN ('', 'hidden', 'dismissed')),
    resolved_at timestamptz,
    resolved_by bigint REFERENCES accounts (id),
    UNIQUE (comment_id, account_id)
);
CREATE INDEX comment_flags_open_idx ON comment_flags (created_at) WHERE resolution = '';

-- Members who asked for a mail at each new comment on a measure. The
-- token lets them stop from the mail without signing in; it only ever
-- allows deleting this row.
CREATE TABLE measure_follows (
    account_id        bigint NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
    measure_id        bigint NOT NULL REFERENCES measures (id) ON DELETE CASCADE,
    unsubscribe_token text NOT NULL UNIQUE,
    created_at        timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (account_id, measure_id)
);
CREATE INDEX measure_follows_measure_idx ON measure_follows (measure_id);

COMMIT;
