BEGIN;
SET LOCAL lock_timeout = '10s';

-- The secretariat's articles. published_at NULL is a draft; a future
-- published_at is a scheduled article, invisible until then. The slug is
-- made from the title and frozen once the article has been published, so
-- that shared addresses keep working.
CREATE TABLE news_articles (
    id            bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    slug          text NOT NULL UNIQUE CHECK (slug ~ '^[a-z0-9][a-z0-9-]*$' AND slug <> 'new'),
    title         text NOT NULL CHECK (length(title) BETWEEN 1 AND 200),
    summary       text NOT NULL DEFAULT '' CHECK (length(summary) <= 600),
    body          text NOT NULL DEFAULT '',
    -- body rendered and sanitised when saved; [[lien:N]] tokens stay as
    -- text and are replaced at display time by the live title of link N.
    body_html     text NOT NULL DEFAULT '',
    visibility    text NOT NULL CHECK (visibility IN ('public', 'members')),
    published_at  timestamptz,
    -- slug_frozen is set once the article has been visible: moving its
    -- date back to the future later does not free its address.
    slug_frozen   boolean NOT NULL DEFAULT false,
    -- notify asks for a mail to the members who opted in, once, when the
    -- article becomes visible; news_mailed_at records that it was queued.
    notify        boolean NOT NULL DEFAULT true,
    news_mailed_at timestamptz,
    -- version is the optimistic lock of the editor.
    version       integer NOT NULL DEFAULT 1,
    -- link_seq gives each new internal link the next position, so that a
    -- removed link's [[lien:N]] never comes to mean another target.
    link_seq      integer NOT NULL DEFAULT 0,
    illustrative  boolean NOT NULL DEFAULT false,
    created_by    bigint REFERENCES accounts (id),
    created_at    timestamptz NOT NULL DEFAULT now(),
    updated_at    timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX news_articles_published_idx ON news_articles (published_at DESC, id DESC) WHERE published_at IS NOT NULL;
-- What the mailer looks for: visible articles whose mail is not queued yet.
CREATE INDEX news_articles_unmailed_idx ON news_articles (published_at) WHERE notify AND news_mailed_at IS NULL;

-- Internal links of an article, in the author's order. One foreign key per
-- kind of target, so that a link cannot point to nothing: deleting the
-- target deletes the link. position is the N of [[lien:N]] in the body and
-- never changes once given.
CREATE TABLE news_links (
    article_id   bigint NOT NULL REFERENCES news_articles (id) ON DELETE CASCADE,
    position     integer NOT NULL CHECK (position >= 1),
    target_type  text NOT NULL CHECK (target_type IN ('meeting', 'mandate', 'measure', 'document')),
    meeting_id   bigint REFERENCES meetings (id) ON DELETE CASCADE,
    mandate_id   bigint REFERENCES mandates (id) ON DELETE CASCADE,
    measure_id   bigint REFERENCES measures (id) ON DELETE CASCADE,
    document_id  bigint REFERENCES documents (id) ON DELETE CASCADE,
    target_id    bigint GENERATED ALWAYS AS (coalesce(meeting_id, mandate_id, measure_id, document_id)) STORED,
    PRIMARY KEY (article_id, position),
    UNIQUE (article_id, target_type, target_id),
    CHECK (num_nonnulls(meeting_id, mandate_id, measure_id, document_id) = 1),
    CHECK (CASE target_type
        WHEN 'meeting' THEN meeting_id IS NOT NULL
        WHEN 'mandate' THEN mandate_id IS NOT NULL
        WHEN 'measure' THEN measure_id IS NOT NULL
        ELSE document_id IS NOT NULL END)
);
CREATE INDEX news_links_meeting_idx ON news_links (meeting_id) WHERE meeting_id IS NOT NULL;
CREATE INDEX news_links_mandate_idx ON news_links (mandate_id) WHERE mandate_id IS NOT NULL;
CREATE INDEX news_links_measure_idx ON news_links (measure_id) WHERE measure_id IS NOT NULL;
CREATE INDEX news_links_document_idx ON news_links (document_id) WHERE document_id IS NOT NULL;

-- The account setting "Recevoir les actualités par courriel".
ALTER TABLE accounts ADD COLUMN news_by_mail boolean NOT NULL DEFAULT false;

COMMIT;
