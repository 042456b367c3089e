BEGIN;
SET LOCAL lock_timeout = '10s';

DELETE FROM document_links WHERE target_type IN ('contribution', 'comment');
ALTER TABLE document_links DROP CONSTRAINT document_links_target_type_check;
ALTER TABLE document_links ADD CONSTRAINT document_links_target_type_check
    CHECK (target_type IN ('meeting', 'agenda_item', 'measure', 'measure_update', 'news'));

DROP TABLE draft_text_follows;
DROP TABLE contribution_supports;
DROP TABLE contributions;
DROP TABLE text_paragraphs;
DROP TABLE text_versions;
DROP TABLE draft_texts;

COMMIT;
