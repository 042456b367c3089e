BEGIN;
SET LOCAL lock_timeout = '10s';

-- Search matches a document on its latest version only. Keeping that
-- version's vector on the document lets one GIN index answer, instead of
-- finding the latest version of every matching version at query time.
ALTER TABLE documents ADD COLUMN text_search tsvector NOT NULL DEFAULT ''::tsvector;
UPDATE documents d SET text_search = v.search
FROM (SELECT DISTINCT ON (document_id) document_id, search FROM document_versions ORDER BY document_id, number DESC) v
WHERE v.document_id = d.id;
CREATE INDEX documents_text_search_idx ON documents USING gin (text_search);

DROP INDEX document_versions_search_idx;
ALTER TABLE document_versions DROP COLUMN search;

-- A trigger rather than the store: versions are added by uploads, their
-- text arrives later from the extraction job, and the generator copies
-- them in bulk; all three must keep the document's vector right.
CREATE FUNCTION documents_keep_text_search() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    UPDATE documents d
    SET text_search = setweight(to_tsvector('comite_fr', left(NEW.extracted_text, 200000)), 'C')
    WHERE d.id = NEW.document_id
        AND NOT EXISTS (SELECT 1 FROM document_versions n WHERE n.document_id = NEW.document_id AND n.number > NEW.number);
    RETURN NULL;
END
$$;
CREATE TRIGGER document_versions_text_search AFTER INSERT OR UPDATE OF extracted_text ON document_versions
    FOR EACH ROW EXECUTE FUNCTION documents_keep_text_search();

-- Searches for common words read comments newest first and stop early.
CREATE INDEX comments_created_idx ON comments (created_at DESC);

-- The planner needs the new column's statistics to tell common words from
-- rare ones.
ANALYZE documents;

COMMIT;
