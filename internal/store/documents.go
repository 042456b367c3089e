package store

import (
	"context"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"

	"comite/internal/model"
)

const documentColumns = `d.id, d.title, d.kind, d.language, d.doc_date, d.visibility, d.embargo_until,
	coalesce(d.embargo_visibility, ''), d.description, coalesce(d.created_by, 0), d.created_at, d.updated_at,
	coalesce(d.held_for, ''), coalesce(d.held_id, 0), ` + heldSharedWith

// heldSharedWith is model.Document.SharedWith: the bodies that pilot the
// measure of the update whose evidence d is, while it is held.
const heldSharedWith = `CASE WHEN d.held_for = 'update' THEN ARRAY(SELECT hb.body_id FROM measure_updates hu
	JOIN measure_bodies hb ON hb.measure_id = hu.measure_id AND hb.role = 'pilot' WHERE hu.id = d.held_id ORDER BY hb.body_id)
	ELSE '{}'::bigint[] END`

// heldVisible is the hold part of access.CanSeeDocument in SQL, for the
// reader given by its placeholders (model.DocumentReader's Secretariat and
// BodyID): a document not held, or held and seen by the secretariat, or
// held evidence shared with the reader's body. The updates of the body's
// measures are an uncorrelated subquery, hashed once: as a correlated
// EXISTS the planner costed it per document and chose to read the whole
// table rather than documents_date_idx (docs/queries.md).
func heldVisible(secretariat, body string) string {
	return `(d.held_for IS NULL OR ` + secretariat + ` OR (d.held_for = 'update' AND ` + body + ` <> 0 AND d.held_id IN (
		SELECT hu.id FROM measure_updates hu JOIN measure_bodies hb ON hb.measure_id = hu.measure_id AND hb.role = 'pilot'
		WHERE hb.body_id = ` + body + `)))`
}

func levelNames(levels []model.Visibility) []string {
	names := make([]string, len(levels))
	for i, l := range levels {
		names[i] = string(l)
	}
	return names
}

const versionColumns = `v.id, v.document_id, v.number, v.sha256, v.size_bytes, v.media_type, v.filename,
	coalesce(v.uploaded_by, 0), coalesce(u.display_name, ''), v.uploaded_at, v.extraction_status, v.extraction_error`

// effectiveVisibility is the SQL form of model.Document.VisibilityAt(now).
const effectiveVisibility = `(CASE WHEN d.embargo_until IS NOT NULL AND d.embargo_until <= now()
	THEN d.embargo_visibility ELSE d.visibility END)`

func scanDocument(row pgx.Row, extra ...any) (model.Document, error) {
	var d model.Document
	dest := append([]any{&d.ID, &d.Title, &d.Kind, &d.Language, &d.Date, &d.Visibility, &d.EmbargoUntil,
		&d.EmbargoVisibility, &d.Description, &d.CreatedBy, &d.CreatedAt, &d.UpdatedAt, &d.HeldFor, &d.HeldID, &d.SharedWith}, extra...)
	err := row.Scan(dest...)
	return d, err
}

func scanVersion(row pgx.Row) (model.DocumentVersion, error) {
	var v model.DocumentVersion
	err := row.Scan(&v.ID, &v.DocumentID, &v.Number, &v.SHA256, &v.Size, &v.MediaType, &v.Filename,
		&v.UploadedBy, &v.UploaderName, &v.UploadedAt, &v.ExtractionStatus, &v.ExtractionError)
	return v, err
}

// Document returns the document with its latest version.
func (s *Store) Document(ctx context.Context, id int64) (model.Document, error) {
	d, err := scanDocument(s.db.QueryRow(ctx, `SELECT `+documentColumns+` FROM documents d WHERE d.id = $1`, id))
	if err != nil {
		return d, fmt.Errorf("document %d: %w", id, mapErr(err))
	}
	v, err := scanVersion(s.db.QueryRow(ctx, `SELECT `+versionColumns+` FROM document_versions v
		LEFT JOIN accounts u ON u.id = v.uploaded_by WHERE v.document_id = $1 ORDER BY v.number DESC LIMIT 1`, id))
	if err == nil {
		d.Latest = &v
	} else if err = mapErr(err); err != model.ErrNotFound {
		return d, fmt.Errorf("document %d latest version: %w", id, err)
	}
	return d, nil
}

// DocumentFilter selects documents for the library. Reader is who reads
// them, from the access policy, which the query applies.
type DocumentFilter struct {
	Reader model.DocumentReader
	Kind   model.DocumentKind
	Year   int
	// AttachedToMeeting keeps the documents attached to some meeting.
	AttachedToMeeting bool
	Limit             int
	Offset            int
}

// DocumentCountCap is the most documents the library counts: beyond it
// the page says « plus de 1 000 documents » and counting stays cheap.
const DocumentCountCap = 1000

// where returns the filter's conditions on d and their arguments: only
// those the filter sets, so that the planner sees each query as it is.
func (f DocumentFilter) where() (string, []any) {
	args := []any{levelNames(f.Reader.Levels), f.Reader.Secretariat, f.Reader.BodyID}
	w := documentVisible("now()", "$1") + ` AND ` + heldVisible("$2", "$3")
	if f.Kind != "" {
		args = append(args, string(f.Kind))
		w += fmt.Sprintf(` AND d.kind = $%d`, len(args))
	}
	if f.Year != 0 {
		args = append(args, time.Date(f.Year, 1, 1, 0, 0, 0, 0, time.UTC), time.Date(f.Year+1, 1, 1, 0, 0, 0, 0, time.UTC))
		w += fmt.Sprintf(` AND d.doc_date >= $%d AND d.doc_date < $%d`, len(args)-1, len(args))
	}
	if f.AttachedToMeeting {
		w += ` AND EXISTS (SELECT 1 FROM document_links l WHERE l.document_id = d.id AND l.target_type = 'meeting')`
	}
	return w, args
}

// Documents returns a page of the documents the filter allows, newest
// first, with their latest version, and how many match in all, counted up
// to DocumentCountCap (a total above it means « more than the cap »). The
// page's ids are found first, in documents_date_idx alone (an offset
// skips index entries, not rows), and only they are read with their
// latest version.
func (s *Store) Documents(ctx context.Context, f DocumentFilter) ([]model.Document, int, error) {
	where, args := f.where()
	n := len(args)
	rows, err := s.db.Query(ctx, `SELECT `+documentColumns+`, `+latestColumns+`
		FROM (SELECT d.id FROM documents d WHERE `+where+`
			ORDER BY d.doc_date DESC, d.id DESC LIMIT $`+fmt.Sprint(n+1)+` OFFSET $`+fmt.Sprint(n+2)+`) page
		JOIN documents d ON d.id = page.id `+latestJoin+`
		ORDER BY d.doc_date DESC, d.id DESC`, append(args, f.Limit, f.Offset)...)
	if err != nil {
		return nil, 0, fmt.Errorf("documents: %w", err)
	}
	docs, err := pgx.CollectRows(rows, func(r pgx.CollectableRow) (model.Document, error) { return scanListedDocument(r) })
	if err != nil {
		return nil, 0, fmt.Errorf("documents: %w", err)
	}
	total := f.Offset + len(docs)
	if len(docs) == f.Limit || (len(docs) == 0 && f.Offset > 0) {
		err = s.db.QueryRow(ctx, `SELECT count(*) FROM (SELECT 1 FROM documents d WHERE `+where+` LIMIT $`+fmt.Sprint(n+1)+`) c`,
			append(args, DocumentCountCap+1)...).Scan(&total)
		if err != nil {
			return nil, 0, fmt.Errorf("documents count: %w", err)
		}
	}
	return docs, total, nil
}

// MeetingDocuments returns the documents attached to a meeting that the
// reader may see, newest first, at most limit of them.
func (s *Store) MeetingDocuments(ctx context.Context, r model.DocumentReader, meetingID int64, limit int) ([]model.Document, error) {
	rows, err := s.db.Query(ctx, `SELECT `+documentColumns+`, `+latestColumns+`
		FROM document_links l JOIN documents d ON d.id = l.document_id `+latestJoin+`
		WHERE l.target_type = 'meeting' AND l.target_id = $1 AND `+effectiveVisibility+` = ANY($2) AND `+heldVisible("$3", "$4")+`
		ORDER BY d.doc_date DESC, d.id DESC LIMIT $5`, meetingID, levelNames(r.Levels), r.Secretariat, r.BodyID, limit)
	if err != nil {
		return nil, fmt.Errorf("meeting %d documents: %w", meetingID, err)
	}
	docs, err := pgx.CollectRows(rows, func(r pgx.CollectableRow) (model.Document, error) { return scanListedDocument(r) })
	if err != nil {
		return nil, fmt.Errorf("meeting %d documents: %w", meetingID, err)
	}
	return docs, nil
}

// latestColumns and latestJoin add each document's latest version to a list.
const (
	latestColumns = `lv.id, lv.number, lv.sha256, lv.size_bytes, lv.media_type, lv.filename, lv.uploaded_at`
	latestJoin    = `LEFT JOIN LATERAL (SELECT * FROM document_versions v WHERE v.document_id = d.id
		ORDER BY v.number DESC LIMIT 1) lv ON true`
)

// scanListedDocument reads a document, the extra columns, then its latest
// version (absent for a document whose upload is pending).
func scanListedDocument(row pgx.Row, extra ...any) (model.Document, error) {
	var (
		vid, size            *int64
		number               *int
		sha, media, filename *string
		uploaded             *time.Time
	)
	d, err := scanDocument(row, append(extra, &vid, &number, &sha, &size, &media, &filename, &uploaded)...)
	if err != nil {
		return d, err
	}
	if vid != nil {
		d.Latest = &model.DocumentVersion{ID: *vid, DocumentID: d.ID, Number: *number, SHA256: *sha, Size: *size,
			MediaType: *media, Filename: *filename, UploadedAt: *uploaded}
	}
	return d, nil
}

// AttachedDocuments returns, for each of the targets, the documents the
// reader may see attached to it, latest first: one query for a whole
// agenda rather than one per item.
func (s *Store) AttachedDocuments(ctx context.Context, r model.DocumentReader, targetType string, ids []int64) (map[int64][]model.Document, error) {
	rows, err := s.db.Query(ctx, `SELECT `+documentColumns+`, l.target_id, `+latestColumns+`
		FROM document_links l JOIN documents d ON d.id = l.document_id `+latestJoin+`
		WHERE l.target_type = $1 AND l.target_id = ANY($2) AND `+effectiveVisibility+` = ANY($3) AND `+heldVisible("$4", "$5")+`
		ORDER BY d.doc_date DESC, d.id DESC`, targetType, ids, levelNames(r.Levels), r.Secretariat, r.BodyID)
	if err != nil {
		return nil, fmt.Errorf("attached documents: %w", err)
	}
	defer rows.Close()
	out := map[int64][]model.Document{}
	for rows.Next() {
		var target int64
		d, err := scanListedDocument(rows, &target)
		if err != nil {
			return nil, fmt.Errorf("attached documents: %w", err)
		}
		out[target] = append(out[target], d)
	}
	return out, rows.Err()
}

// DocumentYears returns the years that have documents, latest first, for
// the library's filter: one index probe per year (a loose scan of
// documents_date_idx) rather than a read of every document.
func (s *Store) DocumentYears(ctx context.Context) ([]int, error) {
	rows, err := s.db.Query(ctx, `WITH RECURSIVE y(d) AS (
			SELECT max(doc_date) FROM documents
			UNION ALL
			SELECT (SELECT max(doc_date) FROM documents WHERE doc_date < date_trunc('year', y.d)) FROM y WHERE y.d IS NOT NULL)
		SELECT extract(year FROM d)::int FROM y WHERE d IS NOT NULL`)
	if err != nil {
		return nil, fmt.Errorf("document years: %w", err)
	}
	return pgx.CollectRows(rows, pgx.RowTo[int])
}

// CreateDocument inserts a document's metadata, held if d.HeldFor says
// so, and returns its id.
func (s *Store) CreateDocument(ctx context.Context, d model.Document) (int64, error) {
	var id int64
	err := s.db.QueryRow(ctx, `INSERT INTO documents (title, kind, language, doc_date, visibility, embargo_until,
		embargo_visibility, description, created_by, held_for, held_id)
		VALUES ($1, $2, $3, $4, $5, $6, nullif($7, ''), $8, nullif($9, 0), nullif($10, ''), CASE WHEN $10 <> '' THEN $11::bigint END) RETURNING id`,
		d.Title, d.Kind, d.Language, d.Date, d.Visibility, d.EmbargoUntil, d.EmbargoVisibility, d.Description, d.CreatedBy,
		d.HeldFor, d.HeldID).Scan(&id)
	if err != nil {
		return 0, fmt.Errorf("create document: %w", mapErr(err))
	}
	return id, nil
}

// UpdateDocument saves a document's metadata.
func (s *Store) UpdateDocument(ctx context.Context, d model.Document) error {
	tag, err := s.db.Exec(ctx, `UPDATE documents SET title = $2, kind = $3, language = $4, doc_date = $5, visibility = $6,
		embargo_until = $7, embargo_visibility = nullif($8, ''), description = $9, updated_at = now() WHERE id = $1`,
		d.ID, d.Title, d.Kind, d.Language, d.Date, d.Visibility, d.EmbargoUntil, d.EmbargoVisibility, d.Description)
	if err != nil {
		return fmt.Errorf("update document %d: %w", d.ID, mapErr(err))
	}
	if tag.RowsAffected() == 0 {
		return fmt.Errorf("update document %d: %w", d.ID, model.ErrNotFound)
	}
	return nil
}

// DeleteDocument removes a document, its versions and links. Its files stay
// in the blob store until the sweeper finds them unreferenced.
func (s *Store) DeleteDocument(ctx context.Context, id int64) error {
	tag, err := s.db.Exec(ctx, `DELETE FROM documents WHERE id = $1`, id)
	if err != nil {
		return fmt.Errorf("delete document %d: %w", id, mapErr(err))
	}
	if tag.RowsAffected() == 0 {
		return fmt.Errorf("delete document %d: %w", id, model.ErrNotFound)
	}
	return nil
}

// AddVersion records a stored file as the document's next version and
// returns the version's id and number. The document row is locked so that
// two uploads at once get distinct numbers.
func (s *Store) AddVersion(ctx context.Context, v model.DocumentVersion) (int64, int, error) {
	if _, err := s.db.Exec(ctx, `SELECT 1 FROM documents WHERE id = $1 FOR UPDATE`, v.DocumentID); err != nil {
		return 0, 0, fmt.Errorf("lock document %d: %w", v.DocumentID, err)
	}
	var id int64
	var number int
	err := s.db.QueryRow(ctx, `INSERT INTO document_versions (document_id, number, sha256, size_bytes, media_type, filename, uploaded_by)
		SELECT $1, coalesce(max(number), 0) + 1, $2, $3, $4, $5, nullif($6, 0) FROM document_versions WHERE document_id = $1
		RETURNING id, number`, v.DocumentID, v.SHA256, v.Size, v.MediaType, v.Filename, v.UploadedBy).Scan(&id, &number)
	if err != nil {
		return 0, 0, fmt.Errorf("add version to document %d: %w", v.DocumentID, mapErr(err))
	}
	if _, err := s.db.Exec(ctx, `UPDATE documents SET updated_at = now() WHERE id = $1`, v.DocumentID); err != nil {
		return 0, 0, err
	}
	return id, number, nil
}

// Versions returns every version of a document, newest first.
func (s *Store) Versions(ctx context.Context, documentID int64) ([]model.DocumentVersion, error) {
	rows, err := s.db.Query(ctx, `SELECT `+versionColumns+` FROM document_versions v
		LEFT JOIN accounts u ON u.id = v.uploaded_by WHERE v.document_id = $1 ORDER BY v.number DESC`, documentID)
	if err != nil {
		return nil, fmt.Errorf("versions: %w", err)
	}
	vs, err := pgx.CollectRows(rows, func(r pgx.CollectableRow) (model.DocumentVersion, error) { return scanVersion(r) })
	if err != nil {
		return nil, fmt.Errorf("versions: %w", err)
	}
	return vs, nil
}

// Version returns version number n of a document.
func (s *Store) Version(ctx context.Context, documentID int64, n int) (model.DocumentVersion, error) {
	v, err := scanVersion(s.db.QueryRow(ctx, `SELECT `+versionColumns+` FROM document_versions v
		LEFT JOIN accounts u ON u.id = v.uploaded_by WHERE v.document_id = $1 AND v.number = $2`, documentID, n))
	if err != nil {
		return v, fmt.Errorf("document %d version %d: %w", documentID, n, mapErr(err))
	}
	return v, nil
}

// BlobReferenced reports whether any version uses the stored file, for the sweeper.
func (s *Store) BlobReferenced(ctx context.Context, sha256 string) (bool, error) {
	var ok bool
	err := s.db.QueryRow(ctx, `SELECT EXISTS (SELECT 1 FROM document_versions WHERE sha256 = $1)`, sha256).Scan(&ok)
	return ok, err
}

// DocumentLinkTargets returns where a document is attached with, in the
// same query, what the access rules and labels need of each target (see
// model.DocumentLinkTarget), in the order the links were made.
func (s *Store) DocumentLinkTargets(ctx context.Context, documentID int64) ([]model.DocumentLinkTarget, error) {
	rows, err := s.db.Query(ctx, `SELECT l.document_id, l.target_type, l.target_id,
			CASE l.target_type WHEN 'meeting' THEN mt.id IS NOT NULL WHEN 'agenda_item' THEN ai.id IS NOT NULL AND mt.id IS NOT NULL
				WHEN 'measure' THEN me.id IS NOT NULL WHEN 'news' THEN n.id IS NOT NULL ELSE false END,
			coalesce(mt.id, 0), coalesce(mt.title, ''), coalesce(mt.starts_at, 'epoch'), coalesce(mt.status, ''),
			coalesce(mt.public_details, false), coalesce(mt.invitations_sent, false), coalesce(ai.title, ''),
			coalesce(me.id, 0), coalesce(me.number, ''), coalesce(me.title, ''),
			coalesce(n.id, 0), coalesce(n.slug, ''), coalesce(n.title, ''), coalesce(n.visibility, ''), n.published_at
		FROM document_links l
		LEFT JOIN agenda_items ai ON l.target_type = 'agenda_item' AND ai.id = l.target_id
		LEFT JOIN meetings mt ON mt.id = CASE l.target_type WHEN 'meeting' THEN l.target_id WHEN 'agenda_item' THEN ai.meeting_id END
		LEFT JOIN measures me ON l.target_type = 'measure' AND me.id = l.target_id
		LEFT JOIN news_articles n ON l.target_type = 'news' AND n.id = l.target_id
		WHERE l.document_id = $1 ORDER BY l.created_at`, documentID)
	if err != nil {
		return nil, fmt.Errorf("document link targets: %w", err)
	}
	targets, err := pgx.CollectRows(rows, func(r pgx.CollectableRow) (model.DocumentLinkTarget, error) {
		var t model.DocumentLinkTarget
		err := r.Scan(&t.Link.DocumentID, &t.Link.TargetType, &t.Link.TargetID, &t.Found,
			&t.Meeting.ID, &t.Meeting.Title, &t.Meeting.StartsAt, &t.Meeting.Status, &t.Meeting.PublicDetails, &t.Meeting.InvitationsSent,
			&t.ItemTitle, &t.Measure.ID, &t.Measure.Number, &t.Measure.Title,
			&t.News.ID, &t.News.Slug, &t.News.Title, &t.News.Visibility, &t.News.PublishedAt)
		return t, err
	})
	if err != nil {
		return nil, fmt.Errorf("document link targets: %w", err)
	}
	return targets, nil
}

// LinkDocument attaches a document to a target; attaching twice is harmless.
func (s *Store) LinkDocument(ctx context.Context, documentID int64, targetType string, targetID int64) error {
	_, err := s.db.Exec(ctx, `INSERT INTO document_links (document_id, target_type, target_id) VALUES ($1, $2, $3)
		ON CONFLICT DO NOTHING`, documentID, targetType, targetID)
	if err != nil {
		return fmt.Errorf("link document %d: %w", documentID, mapErr(err))
	}
	return nil
}

// UnlinkDocument detaches a document from a target.
func (s *Store) UnlinkDocument(ctx context.Context, documentID int64, targetType string, targetID int64) error {
	tag, err := s.db.Exec(ctx, `DELETE FROM document_links WHERE document_id = $1 AND target_type = $2 AND target_id = $3`,
		documentID, targetType, targetID)
	if err != nil {
		return fmt.Errorf("unlink document %d: %w", documentID, err)
	}
	if tag.RowsAffected() == 0 {
		return fmt.Errorf("unlink document %d: %w", documentID, model.ErrNotFound)
	}
	return nil
}

// ReleaseHeld lifts the holds of kind on the documents held for id (the
// update or the meeting just published): their own visibility applies
// again. It returns their ids, for the audit log.
func (s *Store) ReleaseHeld(ctx context.Context, kind model.HoldKind, id int64) ([]int64, error) {
	rows, err := s.db.Query(ctx, `UPDATE documents SET held_for = NULL, held_id = NULL, updated_at = now()
		WHERE held_for = $1 AND held_id = $2 RETURNING id`, string(kind), id)
	if err != nil {
		return nil, fmt.Errorf("release documents held for %s %d: %w", kind, id, err)
	}
	ids, err := pgx.CollectRows(rows, pgx.RowTo[int64])
	if err != nil {
		return nil, fmt.Errorf("release documents held for %s %d: %w", kind, id, err)
	}
	return ids, nil
}

// withdrawHeld turns the documents held for an object that goes away (a
// deleted meeting or measure, a meeting cancelled before its agenda was
// published) into secretariat documents, without embargo: nobody else
// was to see them yet, and the secretariat may open them up by editing
// them. It returns their ids.
func (s *Store) withdrawHeld(ctx context.Context, where string, args ...any) ([]int64, error) {
	rows, err := s.db.Query(ctx, `UPDATE documents d SET visibility = 'secretariat', embargo_until = NULL, embargo_visibility = NULL,
		held_for = NULL, held_id = NULL, updated_at = now() WHERE `+where+` RETURNING d.id`, args...)
	if err != nil {
		return nil, fmt.Errorf("withdraw held documents: %w", err)
	}
	ids, err := pgx.CollectRows(rows, pgx.RowTo[int64])
	if err != nil {
		return nil, fmt.Errorf("withdraw held documents: %w", err)
	}
	return ids, nil
}

// WithdrawAgendaDocuments turns the documents held for the meeting's
// draft agenda into secretariat documents (see withdrawHeld), when the
// meeting is cancelled before its agenda was published.
func (s *Store) WithdrawAgendaDocuments(ctx context.Context, meetingID int64) ([]int64, error) {
	return s.withdrawHeld(ctx, `d.held_for = 'agenda' AND d.held_id = $1`, meetingID)
}
