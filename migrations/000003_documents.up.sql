BEGIN;
SET LOCAL lock_timeout = '10s';

-- A document and its metadata; its files are the versions below.
CREATE TABLE documents (
    id                  bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    title               text NOT NULL CHECK (length(title) BETWEEN 1 AND 300),
    kind                text NOT NULL CHECK (kind IN ('agenda', 'minutes', 'intervention', 'contribution', 'report', 'jo_text', 'other')),
    language            text NOT NULL DEFAULT 'fr' CHECK (language ~ '^[a-z]{2}$'),
    doc_date            date NOT NULL DEFAULT current_date,
    visibility          text NOT NULL CHECK (visibility IN ('public', 'members', 'secretariat')),
    -- From embargo_until on, embargo_visibility (always wider) applies by itself.
    embargo_until       timestamptz,
    embargo_visibility  text CHECK (embargo_visibility IN ('public', 'members')),
    description         text NOT NULL DEFAULT '',
    created_by          bigint REFERENCES accounts (id),
    created_at          timestamptz NOT NULL DEFAULT now(),
    updated_at          timestamptz NOT NULL DEFAULT now(),
    CHECK ((embargo_until IS NULL) = (embargo_visibility IS NULL))
);
CREATE INDEX documents_date_idx ON documents (doc_date DESC, id DESC);
CREATE INDEX documents_kind_idx ON documents (kind);

-- Each uploaded file. Files are stored under their SHA-256, so identical
-- files share one stored object; versions are never overwritten.
CREATE TABLE document_versions (
    id                 bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    document_id        bigint NOT NULL REFERENCES documents (id) ON DELETE CASCADE,
    number             integer NOT NULL CHECK (number >= 1),
    sha256             text NOT NULL CHECK (sha256 ~ '^[0-9a-f]{64}$'),
    size_bytes         bigint NOT NULL CHECK (size_bytes >= 0),
    media_type         text NOT NULL,
    filename           text NOT NULL,
    uploaded_by        bigint REFERENCES accounts (id),
    uploaded_at        timestamptz NOT NULL DEFAULT now(),
    -- Text for search, filled in the background after the upload.
    extraction_status  text NOT NULL DEFAULT 'pending' CHECK (extraction_status IN ('pending', 'done', 'failed', 'skipped')),
    extraction_error   text NOT NULL DEFAULT '',
    extracted_text     text NOT NULL DEFAULT '',
    UNIQUE (document_id, number)
);
CREATE INDEX document_versions_sha_idx ON document_versions (sha256);

-- Where a document is attached. Targets live in several tables (meetings
-- now; agenda items, measures and news later), so the link names its type.
CREATE TABLE document_links (
    document_id  bigint NOT NULL REFERENCES documents (id) ON DELETE CASCADE,
    target_type  text NOT NULL CHECK (target_type IN ('meeting', 'agenda_item', 'measure', 'news')),
    target_id    bigint NOT NULL,
    created_at   timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (document_id, target_type, target_id)
);
CREATE INDEX document_links_target_idx ON document_links (target_type, target_id);

COMMIT;
