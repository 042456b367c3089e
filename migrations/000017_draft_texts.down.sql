BEGIN;
SET LOCAL lock_timeout = '10s';

DROP TABLE contribution_supports;
DROP TABLE contributions;
DROP TABLE text_paragraphs;
DROP TABLE text_versions;
DROP TABLE draft_texts;

COMMIT;
