BEGIN;
SET LOCAL lock_timeout = '10s';

DROP TABLE submissions;

COMMIT;
