BEGIN;
SET LOCAL lock_timeout = '10s';

-- The observatory's public page, its CSV and its JSON read the published
-- surveys and the returns their associations made public; migration 16
-- created those tables before the cache of signed-out pages existed
-- (migration 15), so they announce their changes here. The draft texts of
-- migration 17 are for members only and never reach the cache.
CREATE TRIGGER surveys_public_change AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON surveys
    FOR EACH STATEMENT EXECUTE FUNCTION notify_public_change();
CREATE TRIGGER survey_returns_public_change AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON survey_returns
    FOR EACH STATEMENT EXECUTE FUNCTION notify_public_change();

COMMIT;
