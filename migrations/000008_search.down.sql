BEGIN;
ALTER TABLE news_articles DROP COLUMN search;
ALTER TABLE comments DROP COLUMN search;
ALTER TABLE recommendations DROP COLUMN search;
ALTER TABLE measure_updates DROP COLUMN search;
ALTER TABLE measures DROP COLUMN search;
DROP INDEX document_versions_latest_idx;
ALTER TABLE document_versions DROP COLUMN search;
ALTER TABLE documents DROP COLUMN search;
ALTER TABLE decisions DROP COLUMN search;
ALTER TABLE agenda_items DROP COLUMN search;
ALTER TABLE meetings DROP COLUMN search, DROP COLUMN minutes_search;
DROP TEXT SEARCH CONFIGURATION comite_fr;
-- unaccent stays: other objects of the database may use it.
COMMIT;
