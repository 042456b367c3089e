BEGIN;
SET LOCAL lock_timeout = '10s';

-- A draft text the secretariat puts to the members, paragraph by
-- paragraph (issue 18). Who may take part is a set of member categories,
-- as for the comments on a plan's measures.
CREATE TABLE draft_texts (
    id              bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    title           text NOT NULL CHECK (length(title) BETWEEN 1 AND 300),
    context_md      text NOT NULL DEFAULT '',
    context_html    text NOT NULL DEFAULT '',
    opens_at        timestamptz NOT NULL,
    closes_at       timestamptz NOT NULL,
    categories      text[] NOT NULL
        DEFAULT '{institution,independent_body,association,union,qualified_person}'
        CHECK (categories <@ '{institution,independent_body,association,union,qualified_person}'::text[]),
    premoderation   boolean NOT NULL DEFAULT false,
    current_version integer NOT NULL DEFAULT 1,
    -- The agenda item where the secretariat tables the text (and its
    -- synthesis); the meeting page links it.
    agenda_item_id  bigint REFERENCES agenda_items (id) ON DELETE SET NULL,
    illustrative    boolean NOT NULL DEFAULT false,
    created_by      bigint REFERENCES accounts (id),
    created_at      timestamptz NOT NULL DEFAULT now(),
    CHECK (closes_at > opens_at)
);
CREATE INDEX draft_texts_created_idx ON draft_texts (created_at DESC, id DESC);
CREATE INDEX draft_texts_agenda_idx ON draft_texts (agenda_item_id) WHERE agenda_item_id IS NOT NULL;

-- Every published version of a text: its markdown source, and what an
-- imported file held that the conversion could not keep.
CREATE TABLE text_versions (
    text_id    bigint NOT NULL REFERENCES draft_texts (id) ON DELETE CASCADE,
    version    integer NOT NULL CHECK (version >= 1),
    source_md  text NOT NULL,
    note       text NOT NULL DEFAULT '',
    lost       text[] NOT NULL DEFAULT '{}',
    created_by bigint REFERENCES accounts (id),
    created_at timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (text_id, version)
);

-- The blocks of a version in order: headings (level 1 to 6, number 0) and
-- numbered paragraphs. anchor is derived from the paragraph's text (a hash
-- and its occurrence), so an unchanged paragraph keeps it from version to
-- version and its contributions stay on it.
CREATE TABLE text_paragraphs (
    text_id   bigint NOT NULL,
    version   integer NOT NULL,
    position  integer NOT NULL,
    number    integer NOT NULL,
    level     smallint NOT NULL DEFAULT 0 CHECK (level BETWEEN 0 AND 6),
    anchor    text NOT NULL,
    text_md   text NOT NULL,
    text_html text NOT NULL,
    PRIMARY KEY (text_id, version, position),
    UNIQUE (text_id, version, anchor),
    FOREIGN KEY (text_id, version) REFERENCES text_versions (text_id, version) ON DELETE CASCADE
);

-- A member's comment or amendment on one paragraph, signed with the body
-- the author spoke for. For an amendment, wording is the new text of the
-- paragraph and text_md its justification.
CREATE TABLE contributions (
    id            bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    text_id       bigint NOT NULL REFERENCES draft_texts (id) ON DELETE CASCADE,
    version       integer NOT NULL,
    anchor        text NOT NULL,
    kind          text NOT NULL CHECK (kind IN ('comment', 'amendment')),
    quote         text NOT NULL DEFAULT '' CHECK (length(quote) <= 1000),
    text_md       text NOT NULL CHECK (length(text_md) BETWEEN 1 AND 5000),
    text_html     text NOT NULL,
    wording       text NOT NULL DEFAULT '' CHECK (length(wording) <= 10000),
    author_id     bigint NOT NULL REFERENCES accounts (id),
    body_id       bigint REFERENCES bodies (id),
    category      text NOT NULL DEFAULT '',
    state         text NOT NULL DEFAULT 'published' CHECK (state IN ('pending', 'published', 'rejected')),
    edited_at     timestamptz,
    withdrawn_at  timestamptz,
    hidden_at     timestamptz,
    hidden_reason text NOT NULL DEFAULT '',
    answer        text NOT NULL DEFAULT '' CHECK (answer IN ('', 'accepted', 'partly_accepted', 'rejected', 'out_of_scope')),
    answer_reason text NOT NULL DEFAULT '',
    answered_at   timestamptz,
    answered_by   bigint REFERENCES accounts (id),
    -- The version that took the amendment's wording in.
    merged_in     integer,
    illustrative  boolean NOT NULL DEFAULT false,
    created_at    timestamptz NOT NULL DEFAULT now(),
    CHECK (kind = 'comment' OR wording <> ''),
    CHECK (hidden_at IS NULL OR hidden_reason <> ''),
    CHECK (answer = '' OR answer_reason <> ''),
    FOREIGN KEY (text_id, version) REFERENCES text_versions (text_id, version)
);
CREATE INDEX contributions_text_idx ON contributions (text_id, created_at, id);
CREATE INDEX contributions_author_idx ON contributions (author_id, created_at DESC);

-- Bodies that support a contribution, one row each.
CREATE TABLE contribution_supports (
    contribution_id bigint NOT NULL REFERENCES contributions (id) ON DELETE CASCADE,
    body_id         bigint NOT NULL REFERENCES bodies (id),
    account_id      bigint NOT NULL REFERENCES accounts (id),
    created_at      timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (contribution_id, body_id)
);
CREATE INDEX contribution_supports_body_idx ON contribution_supports (body_id);

-- Members who asked for a mail at each new contribution or version of a
-- text; contributing makes the author follow it.
CREATE TABLE draft_text_follows (
    account_id bigint NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
    text_id    bigint NOT NULL REFERENCES draft_texts (id) ON DELETE CASCADE,
    created_at timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (account_id, text_id)
);
CREATE INDEX draft_text_follows_text_idx ON draft_text_follows (text_id);

-- Members attach files to their contributions and to their comments on
-- measures, as the library's documents.
ALTER TABLE document_links DROP CONSTRAINT document_links_target_type_check;
ALTER TABLE document_links ADD CONSTRAINT document_links_target_type_check
    CHECK (target_type IN ('meeting', 'agenda_item', 'measure', 'measure_update', 'news', 'contribution', 'comment'));

COMMIT;
