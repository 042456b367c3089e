BEGIN;
SET LOCAL lock_timeout = '10s';

-- unaccent is a trusted extension: the database owner may create it.
CREATE EXTENSION IF NOT EXISTS unaccent;

-- French stemming after accents are folded, so that "traite" finds
-- "traité" and "etrangers" finds "étrangers".
CREATE TEXT SEARCH CONFIGURATION comite_fr (COPY = pg_catalog.french);
ALTER TEXT SEARCH CONFIGURATION comite_fr
    ALTER MAPPING FOR hword, hword_part, word WITH unaccent, french_stem;

-- Titles weigh A, short texts B, long texts C. Long texts are cut so that
-- no tsvector reaches PostgreSQL's 1 MB limit.
ALTER TABLE meetings
    ADD COLUMN search tsvector GENERATED ALWAYS AS (
        setweight(to_tsvector('comite_fr', title), 'A') || setweight(to_tsvector('comite_fr', summary), 'B')) STORED,
    ADD COLUMN minutes_search tsvector GENERATED ALWAYS AS (
        setweight(to_tsvector('comite_fr', left(minutes_text, 200000)), 'C')) STORED;
CREATE INDEX meetings_search_idx ON meetings USING gin (search);
CREATE INDEX meetings_minutes_search_idx ON meetings USING gin (minutes_search);

ALTER TABLE agenda_items ADD COLUMN search tsvector GENERATED ALWAYS AS (
    setweight(to_tsvector('comite_fr', title), 'A') || setweight(to_tsvector('comite_fr', presenter), 'C')) STORED;
CREATE INDEX agenda_items_search_idx ON agenda_items USING gin (search);

ALTER TABLE decisions ADD COLUMN search tsvector GENERATED ALWAYS AS (
    setweight(to_tsvector('comite_fr', text), 'B')) STORED;
CREATE INDEX decisions_search_idx ON decisions USING gin (search);

ALTER TABLE documents ADD COLUMN search tsvector GENERATED ALWAYS AS (
    setweight(to_tsvector('comite_fr', title), 'A') || setweight(to_tsvector('comite_fr', description), 'B')) STORED;
CREATE INDEX documents_search_idx ON documents USING gin (search);

ALTER TABLE document_versions ADD COLUMN search tsvector GENERATED ALWAYS AS (
    setweight(to_tsvector('comite_fr', left(extracted_text, 200000)), 'C')) STORED;
CREATE INDEX document_versions_search_idx ON document_versions USING gin (search);
-- Search reads the latest version of each document.
CREATE INDEX document_versions_latest_idx ON document_versions (document_id, number DESC);

ALTER TABLE measures ADD COLUMN search tsvector GENERATED ALWAYS AS (
    setweight(to_tsvector('comite_fr', number || ' ' || title), 'A') || setweight(to_tsvector('comite_fr', description), 'B')) STORED;
CREATE INDEX measures_search_idx ON measures USING gin (search);

ALTER TABLE measure_updates ADD COLUMN search tsvector GENERATED ALWAYS AS (
    setweight(to_tsvector('comite_fr', text), 'B')) STORED;
CREATE INDEX measure_updates_search_idx ON measure_updates USING gin (search);

ALTER TABLE recommendations ADD COLUMN search tsvector GENERATED ALWAYS AS (
    setweight(to_tsvector('comite_fr', theme), 'A') || setweight(to_tsvector('comite_fr', text), 'B')) STORED;
CREATE INDEX recommendations_search_idx ON recommendations USING gin (search);

ALTER TABLE comments ADD COLUMN search tsvector GENERATED ALWAYS AS (
    setweight(to_tsvector('comite_fr', text_md), 'B')) STORED;
CREATE INDEX comments_search_idx ON comments USING gin (search);

ALTER TABLE news_articles ADD COLUMN search tsvector GENERATED ALWAYS AS (
    setweight(to_tsvector('comite_fr', title), 'A') || setweight(to_tsvector('comite_fr', summary), 'B')
    || setweight(to_tsvector('comite_fr', left(body, 200000)), 'C')) STORED;
CREATE INDEX news_articles_search_idx ON news_articles USING gin (search);

COMMIT;
