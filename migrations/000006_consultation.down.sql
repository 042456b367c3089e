BEGIN;
DROP TABLE measure_follows;
DROP TABLE comment_flags;
DROP TABLE comment_versions;
DROP TABLE comments;
DROP TABLE consultation_windows;
ALTER TABLE plans DROP COLUMN comment_categories, DROP COLUMN comments_public, DROP COLUMN premoderation;
COMMIT;
