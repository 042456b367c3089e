BEGIN;
SET LOCAL lock_timeout = '10s';

-- A national plan: the committee's own (followed measure by measure) or
-- another plan that touches the same people, for the matrix.
CREATE TABLE plans (
    id           bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    slug         text NOT NULL UNIQUE,
    title        text NOT NULL CHECK (length(title) BETWEEN 1 AND 500),
    short_title  text NOT NULL DEFAULT '',
    followed     boolean NOT NULL DEFAULT false,
    period       text NOT NULL DEFAULT '',
    owner        text NOT NULL DEFAULT '',
    presented_on date,
    description  text NOT NULL DEFAULT '',
    source_url   text NOT NULL DEFAULT '',
    illustrative boolean NOT NULL DEFAULT false,
    created_at   timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE axes (
    id           bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    plan_id      bigint NOT NULL REFERENCES plans (id) ON DELETE CASCADE,
    number       integer NOT NULL CHECK (number >= 1),
    title        text NOT NULL CHECK (length(title) BETWEEN 1 AND 500),
    illustrative boolean NOT NULL DEFAULT false,
    UNIQUE (plan_id, number)
);

CREATE TABLE measures (
    id           bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    plan_id      bigint NOT NULL REFERENCES plans (id) ON DELETE CASCADE,
    axis_id      bigint REFERENCES axes (id) ON DELETE SET NULL,
    -- The plan's own numbering ("12", "2.3"); empty where it is not known.
    number       text NOT NULL DEFAULT '',
    title        text NOT NULL CHECK (length(title) BETWEEN 1 AND 500),
    description  text NOT NULL DEFAULT '',
    status       text NOT NULL DEFAULT 'not_started' CHECK (status IN ('not_started', 'in_progress', 'done', 'delayed', 'abandoned')),
    progress     integer NOT NULL DEFAULT 0 CHECK (progress BETWEEN 0 AND 100),
    source_url   text NOT NULL DEFAULT '',
    illustrative boolean NOT NULL DEFAULT false,
    created_at   timestamptz NOT NULL DEFAULT now(),
    updated_at   timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX measures_plan_idx ON measures (plan_id, axis_id);

-- Bodies that pilot a measure or take part in it.
CREATE TABLE measure_bodies (
    measure_id bigint NOT NULL REFERENCES measures (id) ON DELETE CASCADE,
    body_id    bigint NOT NULL REFERENCES bodies (id),
    role       text NOT NULL CHECK (role IN ('pilot', 'partner')),
    PRIMARY KEY (measure_id, body_id)
);
CREATE INDEX measure_bodies_body_idx ON measure_bodies (body_id, role);

CREATE TABLE indicators (
    id            bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    measure_id    bigint NOT NULL REFERENCES measures (id) ON DELETE CASCADE,
    label         text NOT NULL CHECK (length(label) BETWEEN 1 AND 300),
    target        text NOT NULL DEFAULT '',
    current_value text NOT NULL DEFAULT '',
    updated_at    timestamptz NOT NULL DEFAULT now()
);

-- A reporting campaign asks every pilot for an update by a date.
CREATE TABLE campaigns (
    id         bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    plan_id    bigint NOT NULL REFERENCES plans (id) ON DELETE CASCADE,
    title      text NOT NULL CHECK (length(title) BETWEEN 1 AND 300),
    opens_on   date NOT NULL,
    due_on     date NOT NULL CHECK (due_on >= opens_on),
    created_at timestamptz NOT NULL DEFAULT now()
);

-- An implementation update: submitted by a pilot (pending until the
-- secretariat publishes it or returns it with a remark) or posted by the
-- secretariat (published at once). Published updates form the timeline.
CREATE TABLE measure_updates (
    id            bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    measure_id    bigint NOT NULL REFERENCES measures (id) ON DELETE CASCADE,
    campaign_id   bigint REFERENCES campaigns (id) ON DELETE SET NULL,
    author_id     bigint REFERENCES accounts (id),
    body_id       bigint REFERENCES bodies (id),
    state         text NOT NULL CHECK (state IN ('pending', 'published', 'returned')),
    status        text NOT NULL CHECK (status IN ('not_started', 'in_progress', 'done', 'delayed', 'abandoned')),
    progress      integer NOT NULL CHECK (progress BETWEEN 0 AND 100),
    text          text NOT NULL CHECK (length(text) BETWEEN 1 AND 10000),
    -- Indicator values reported with the update: {"<indicator id>": "value"}.
    indicator_values jsonb NOT NULL DEFAULT '{}',
    happened_on   date NOT NULL,
    created_at    timestamptz NOT NULL DEFAULT now(),
    reviewed_by   bigint REFERENCES accounts (id),
    reviewed_at   timestamptz,
    review_remark text NOT NULL DEFAULT '',
    illustrative  boolean NOT NULL DEFAULT false
);
CREATE INDEX measure_updates_measure_idx ON measure_updates (measure_id, happened_on DESC);
CREATE INDEX measure_updates_pending_idx ON measure_updates (state) WHERE state = 'pending';

-- Recommendations of an external monitoring body (GRETA) and the measures
-- that answer them.
CREATE TABLE recommendations (
    id           bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    source       text NOT NULL DEFAULT 'GRETA',
    round        integer NOT NULL CHECK (round >= 1),
    paragraph    text NOT NULL DEFAULT '',
    theme        text NOT NULL DEFAULT '',
    text         text NOT NULL CHECK (length(text) BETWEEN 1 AND 5000),
    strength     text NOT NULL CHECK (strength IN ('urges', 'considers')),
    source_url   text NOT NULL DEFAULT '',
    illustrative boolean NOT NULL DEFAULT false
);

CREATE TABLE recommendation_measures (
    recommendation_id bigint NOT NULL REFERENCES recommendations (id) ON DELETE CASCADE,
    measure_id        bigint NOT NULL REFERENCES measures (id) ON DELETE CASCADE,
    PRIMARY KEY (recommendation_id, measure_id)
);
CREATE INDEX recommendation_measures_measure_idx ON recommendation_measures (measure_id);

-- A measure of our plan related to a measure of another plan; stored once,
-- in either order.
CREATE TABLE measure_links (
    measure_id bigint NOT NULL REFERENCES measures (id) ON DELETE CASCADE,
    other_id   bigint NOT NULL REFERENCES measures (id) ON DELETE CASCADE,
    PRIMARY KEY (measure_id, other_id),
    CHECK (measure_id < other_id)
);
CREATE INDEX measure_links_other_idx ON measure_links (other_id);

-- Agenda items and actions of meetings concern measures.
CREATE TABLE agenda_item_measures (
    agenda_item_id bigint NOT NULL REFERENCES agenda_items (id) ON DELETE CASCADE,
    measure_id     bigint NOT NULL REFERENCES measures (id) ON DELETE CASCADE,
    PRIMARY KEY (agenda_item_id, measure_id)
);
CREATE TABLE action_measures (
    action_id  bigint NOT NULL REFERENCES actions (id) ON DELETE CASCADE,
    measure_id bigint NOT NULL REFERENCES measures (id) ON DELETE CASCADE,
    PRIMARY KEY (action_id, measure_id)
);

-- Evidence documents are attached to updates.
ALTER TABLE document_links DROP CONSTRAINT document_links_target_type_check;
ALTER TABLE document_links ADD CONSTRAINT document_links_target_type_check
    CHECK (target_type IN ('meeting', 'agenda_item', 'measure', 'measure_update', 'news'));

COMMIT;
