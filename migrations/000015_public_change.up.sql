BEGIN;
SET LOCAL lock_timeout = '10s';

-- The cache of signed-out pages (internal/server/pagecache.go) keeps what
-- the public sees in each instance's memory. Every write to a table whose
-- content the public may see announces itself on the channel
-- public_change, whoever writes (a request on any instance, a background
-- job, the command line, an import), and each instance drops its cache when
-- the announcement arrives. NOTIFY is delivered at commit, and PostgreSQL
-- sends one notification per transaction for the same payload, so a
-- rolled-back write announces nothing and a large import announces once
-- per table. Tables added later that the public sees add the same trigger.
CREATE FUNCTION notify_public_change() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    PERFORM pg_notify('public_change', TG_TABLE_NAME);
    RETURN NULL;
END
$$;

-- Statement-level: once per statement, however many rows it touches. Left
-- out on purpose: what the public never sees and what changes on every
-- signed-in request or sign-in (sessions, login_attempts, audit_log,
-- account_tokens, calendar_tokens, unsubscribe_tokens, submissions,
-- outbox, comment_flags, comment_versions, measure_follows,
-- meeting_attendance, minutes_remarks).
DO $$
DECLARE
    t text;
BEGIN
    FOREACH t IN ARRAY ARRAY[
        'bodies', 'people', 'accounts', 'mandates', 'seats',
        'meetings', 'agenda_items', 'minutes_versions', 'minutes_dissents', 'decisions', 'actions',
        'documents', 'document_versions', 'document_links',
        'plans', 'axes', 'measures', 'measure_bodies', 'indicators', 'campaigns', 'measure_updates',
        'recommendations', 'recommendation_measures', 'measure_links', 'agenda_item_measures', 'action_measures',
        'consultation_windows', 'comments',
        'news_articles', 'news_links'
    ] LOOP
        EXECUTE format('CREATE TRIGGER %I AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON %I
            FOR EACH STATEMENT EXECUTE FUNCTION notify_public_change()', t || '_public_change', t);
    END LOOP;
END
$$;

-- The next embargo to lift, read after each change to know until when a
-- cached page stays true (store.NextPublicChange).
CREATE INDEX documents_embargo_idx ON documents (embargo_until) WHERE embargo_until IS NOT NULL;

COMMIT;
