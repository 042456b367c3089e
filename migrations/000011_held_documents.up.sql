BEGIN;
SET LOCAL lock_timeout = '10s';

-- A held document waits, whatever its visibility, for what it was uploaded
-- for to be published: the evidence of an implementation update until the
-- update is published (seen meanwhile by the pilots of its measure and the
-- secretariat), a file uploaded onto a draft agenda until the agenda is
-- published (seen meanwhile by the secretariat). held_id is the update or
-- the meeting. No foreign key, as for document_links: deleting a meeting
-- or a measure turns the documents it held into secretariat documents
-- (store.DeleteMeeting, store.DeleteMeasure), and a hold whose object is
-- gone still holds.
ALTER TABLE documents
    ADD COLUMN held_for text CHECK (held_for IN ('update', 'agenda')),
    ADD COLUMN held_id bigint,
    ADD CONSTRAINT documents_hold_check CHECK ((held_for IS NULL) = (held_id IS NULL));
CREATE INDEX documents_held_idx ON documents (held_for, held_id) WHERE held_for IS NOT NULL;

-- The evidence of updates not published, readable by every member until now.
UPDATE documents d SET held_for = 'update', held_id = u.id
FROM document_links l JOIN measure_updates u ON u.id = l.target_id
WHERE l.document_id = d.id AND l.target_type = 'measure_update' AND u.state <> 'published';

-- The files uploaded onto agendas not published yet. An upload links its
-- document in its own transaction, so both rows have the same created_at
-- (now() is the transaction's start); documents attached afterwards were
-- in the library before and stay there.
UPDATE documents d SET held_for = 'agenda', held_id = m.id
FROM document_links l
    LEFT JOIN agenda_items i ON l.target_type = 'agenda_item' AND i.id = l.target_id
    JOIN meetings m ON m.id = CASE l.target_type WHEN 'meeting' THEN l.target_id ELSE i.meeting_id END
WHERE l.document_id = d.id AND l.target_type IN ('meeting', 'agenda_item') AND l.created_at = d.created_at
    AND d.held_for IS NULL
    AND NOT (m.status IN ('agenda_published', 'held', 'minutes_draft', 'minutes_approved') OR m.invitations_sent);

COMMIT;
