BEGIN;
SET LOCAL lock_timeout = '10s';

-- The outbox's filters (/admin/outbox). Its pages read outbox_created_idx
-- newest first and stop at the page's end, which is quick while the
-- filtered mails are frequent; a rare state or kind (no failure in months,
-- no observatory survey) would read the whole table. With 230 000 mails,
-- « en échec » or « enquêtes » with none to find took 230 ms by a
-- sequential scan and take well under a millisecond with these.
--
-- A state, newest first: the page reads this index in its order.
CREATE INDEX outbox_status_created_idx ON outbox (status, created_at DESC, id DESC);
-- A kind is known by its subject's start (model.MailKinds): one LIKE
-- 'prefix%' per start, which text_pattern_ops turns into a range.
CREATE INDEX outbox_subject_idx ON outbox (subject text_pattern_ops);

COMMIT;
