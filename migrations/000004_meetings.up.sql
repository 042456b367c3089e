BEGIN;
SET LOCAL lock_timeout = '10s';

-- How many member bodies must be represented for the committee to deliberate;
-- NULL when the mandate's text sets none.
ALTER TABLE mandates ADD COLUMN quorum integer CHECK (quorum IS NULL OR quorum > 0);

ALTER TABLE meetings
    -- Why the meeting was postponed or cancelled.
    ADD COLUMN status_reason    text NOT NULL DEFAULT '',
    -- iCalendar SEQUENCE: grows with each change of date, place or status
    -- sent to the invitees, so that their calendars replace the old event.
    ADD COLUMN ics_sequence     integer NOT NULL DEFAULT 0,
    ADD COLUMN invitations_sent boolean NOT NULL DEFAULT false,
    -- What the public sees beyond the date and title: time, place, agenda,
    -- attendance counts and decisions; and the minutes once approved.
    ADD COLUMN public_details   boolean NOT NULL DEFAULT false,
    ADD COLUMN public_minutes   boolean NOT NULL DEFAULT false,
    -- The current minutes; every saved text is also in minutes_versions.
    -- minutes_version is the optimistic lock of the minutes editor.
    ADD COLUMN minutes_text     text NOT NULL DEFAULT '',
    ADD COLUMN minutes_version  integer NOT NULL DEFAULT 0,
    -- The minutes rendered once when saved: rendering markdown can be slow
    -- on hostile input, and pages are read far more often than written.
    ADD COLUMN minutes_html     text NOT NULL DEFAULT '',
    ADD COLUMN minutes_approved_on date,
    -- The meeting at which the minutes were adopted (usually the next one).
    ADD COLUMN minutes_adopted_at bigint REFERENCES meetings (id) ON DELETE SET NULL;

CREATE TABLE agenda_items (
    id               bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    meeting_id       bigint NOT NULL REFERENCES meetings (id) ON DELETE CASCADE,
    position         integer NOT NULL CHECK (position >= 1),
    title            text NOT NULL CHECK (length(title) BETWEEN 1 AND 300),
    presenter        text NOT NULL DEFAULT '',
    duration_minutes integer CHECK (duration_minutes IS NULL OR duration_minutes BETWEEN 1 AND 600),
    -- Set when the item follows up an open action of an earlier meeting.
    action_id        bigint,
    UNIQUE (meeting_id, position) DEFERRABLE INITIALLY DEFERRED
);

-- The people invited to a meeting, their answer, and whether they came.
-- The seat a person held that day is not copied here: it is read from the
-- seats of the mandate in force, so that the registry stays the one truth.
CREATE TABLE meeting_attendance (
    meeting_id  bigint NOT NULL REFERENCES meetings (id) ON DELETE CASCADE,
    person_id   bigint NOT NULL REFERENCES people (id),
    answer      text NOT NULL DEFAULT 'none' CHECK (answer IN ('none', 'attending', 'excused', 'represented')),
    answered_at timestamptz,
    answered_by bigint REFERENCES accounts (id),
    -- NULL until the secretariat records attendance after the meeting.
    present     boolean,
    PRIMARY KEY (meeting_id, person_id)
);
CREATE INDEX meeting_attendance_person_idx ON meeting_attendance (person_id);

-- Every saved text of the minutes, never overwritten.
CREATE TABLE minutes_versions (
    meeting_id bigint NOT NULL REFERENCES meetings (id) ON DELETE CASCADE,
    version    integer NOT NULL CHECK (version >= 1),
    body       text NOT NULL,
    author_id  bigint REFERENCES accounts (id),
    created_at timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (meeting_id, version)
);

-- Attendees' remarks on the draft minutes, and the secretariat's answer.
CREATE TABLE minutes_remarks (
    id          bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    meeting_id  bigint NOT NULL REFERENCES meetings (id) ON DELETE CASCADE,
    author_id   bigint NOT NULL REFERENCES accounts (id),
    body_id     bigint REFERENCES bodies (id),
    text        text NOT NULL CHECK (length(text) BETWEEN 1 AND 5000),
    created_at  timestamptz NOT NULL DEFAULT now(),
    state       text NOT NULL DEFAULT 'open' CHECK (state IN ('open', 'answered', 'incorporated')),
    answer      text NOT NULL DEFAULT '',
    answered_by bigint REFERENCES accounts (id),
    answered_at timestamptz
);
CREATE INDEX minutes_remarks_meeting_idx ON minutes_remarks (meeting_id, created_at);

-- A member body's dissenting position, annexed to the minutes: one per body.
CREATE TABLE minutes_dissents (
    id         bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    meeting_id bigint NOT NULL REFERENCES meetings (id) ON DELETE CASCADE,
    body_id    bigint NOT NULL REFERENCES bodies (id),
    author_id  bigint NOT NULL REFERENCES accounts (id),
    text       text NOT NULL CHECK (length(text) BETWEEN 1 AND 10000),
    created_at timestamptz NOT NULL DEFAULT now(),
    UNIQUE (meeting_id, body_id)
);

-- The relevé de décisions.
CREATE TABLE decisions (
    id             bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    meeting_id     bigint NOT NULL REFERENCES meetings (id) ON DELETE CASCADE,
    agenda_item_id bigint REFERENCES agenda_items (id) ON DELETE SET NULL,
    text           text NOT NULL CHECK (length(text) BETWEEN 1 AND 2000),
    created_at     timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX decisions_meeting_idx ON decisions (meeting_id);

-- What a decision asks a body to do, followed at each meeting until closed.
CREATE TABLE actions (
    id            bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    decision_id   bigint NOT NULL REFERENCES decisions (id) ON DELETE CASCADE,
    title         text NOT NULL CHECK (length(title) BETWEEN 1 AND 300),
    owner_body_id bigint NOT NULL REFERENCES bodies (id),
    due_on        date,
    closed_on     date,
    closing_note  text NOT NULL DEFAULT '',
    created_at    timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX actions_open_idx ON actions (owner_body_id) WHERE closed_on IS NULL;

ALTER TABLE agenda_items ADD FOREIGN KEY (action_id) REFERENCES actions (id) ON DELETE SET NULL;

-- Private calendar feeds: calendar apps cannot send a session cookie, so
-- each account may hold one secret feed address. Only its hash is kept.
CREATE TABLE calendar_tokens (
    account_id bigint PRIMARY KEY REFERENCES accounts (id) ON DELETE CASCADE,
    token_hash bytea NOT NULL UNIQUE,
    created_at timestamptz NOT NULL DEFAULT now()
);

-- An invitation may carry an iCalendar part (METHOD REQUEST or CANCEL).
ALTER TABLE outbox ADD COLUMN calendar text NOT NULL DEFAULT '';

COMMIT;
