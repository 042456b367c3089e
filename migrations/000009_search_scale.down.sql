BEGIN;
DROP INDEX comments_created_idx;
DROP TRIGGER document_versions_text_search ON document_versions;
DROP FUNCTION documents_keep_text_search();
ALTER TABLE document_versions ADD COLUMN search tsvector GENERATED ALWAYS AS (
    setweight(to_tsvector('comite_fr', left(extracted_text, 200000)), 'C')) STORED;
CREATE INDEX document_versions_search_idx ON document_versions USING gin (search);
ALTER TABLE documents DROP COLUMN text_search;
COMMIT;
