BEGIN;
SET LOCAL lock_timeout = '10s';
DROP TABLE document_links;
DROP TABLE document_versions;
DROP TABLE documents;
COMMIT;
