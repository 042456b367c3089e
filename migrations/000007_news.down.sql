BEGIN;
SET LOCAL lock_timeout = '10s';

ALTER TABLE accounts DROP COLUMN news_by_mail;
DELETE FROM document_links WHERE target_type = 'news';
DROP TABLE news_links;
DROP TABLE news_articles;

COMMIT;
