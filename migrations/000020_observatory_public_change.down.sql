BEGIN;
DROP TRIGGER IF EXISTS survey_returns_public_change ON survey_returns;
DROP TRIGGER IF EXISTS surveys_public_change ON surveys;
COMMIT;
