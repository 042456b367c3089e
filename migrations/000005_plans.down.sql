BEGIN;
SET LOCAL lock_timeout = '10s';
DELETE FROM document_links WHERE target_type = 'measure_update';
ALTER TABLE document_links DROP CONSTRAINT document_links_target_type_check;
ALTER TABLE document_links ADD CONSTRAINT document_links_target_type_check
    CHECK (target_type IN ('meeting', 'agenda_item', 'measure', 'news'));
DROP TABLE action_measures;
DROP TABLE agenda_item_measures;
DROP TABLE measure_links;
DROP TABLE recommendation_measures;
DROP TABLE recommendations;
DROP TABLE measure_updates;
DROP TABLE campaigns;
DROP TABLE indicators;
DROP TABLE measure_bodies;
DROP TABLE measures;
DROP TABLE axes;
DROP TABLE plans;
COMMIT;
