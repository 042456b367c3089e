BEGIN;
SET LOCAL lock_timeout = '10s';

DROP TABLE survey_return_readings;
DROP TABLE survey_return_versions;
DROP TABLE survey_returns;
DROP TABLE surveys;
ALTER TABLE measures DROP COLUMN observatory;
ALTER TABLE accounts DROP COLUMN statistician;

COMMIT;
