package store

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"

	"comite/internal/model"
)

const newsColumns = `n.id, n.slug, n.title, n.summary, n.body, n.body_html, n.visibility, n.published_at, n.slug_frozen, n.notify,
	n.news_mailed_at, n.version, n.illustrative, coalesce(n.created_by, 0), n.created_at, n.updated_at`

func scanNews(row pgx.Row, extra ...any) (model.NewsArticle, error) {
	var a model.NewsArticle
	dest := append([]any{&a.ID, &a.Slug, &a.Title, &a.Summary, &a.Body, &a.BodyHTML, &a.Visibility, &a.PublishedAt, &a.SlugFrozen, &a.Notify,
		&a.MailedAt, &a.Version, &a.Illustrative, &a.CreatedBy, &a.CreatedAt, &a.UpdatedAt}, extra...)
	err := row.Scan(dest...)
	return a, err
}

// NewsArticle returns the article with the given id.
func (s *Store) NewsArticle(ctx context.Context, id int64) (model.NewsArticle, error) {
	a, err := scanNews(s.db.QueryRow(ctx, `SELECT `+newsColumns+` FROM news_articles n WHERE n.id = $1`, id))
	if err != nil {
		return a, fmt.Errorf("news article %d: %w", id, mapErr(err))
	}
	return a, nil
}

// NewsBySlug returns the article at /news/{slug}.
func (s *Store) NewsBySlug(ctx context.Context, slug string) (model.NewsArticle, error) {
	a, err := scanNews(s.db.QueryRow(ctx, `SELECT `+newsColumns+` FROM news_articles n WHERE n.slug = $1`, slug))
	if err != nil {
		return a, fmt.Errorf("news article %q: %w", slug, mapErr(err))
	}
	return a, nil
}

// NewsFilter selects a page of articles. Levels are the audiences the
// viewer may read; Drafts also lists drafts and scheduled articles (for the
// secretariat), which are otherwise left out until Now.
type NewsFilter struct {
	Levels []model.Visibility
	Now    time.Time
	Drafts bool
	Limit  int
	Offset int
}

// NewsList returns a page of articles, newest first (drafts and scheduled
// articles first when listed), and how many match in all.
func (s *Store) NewsList(ctx context.Context, f NewsFilter) ([]model.NewsArticle, int, error) {
	levels := make([]string, len(f.Levels))
	for i, l := range f.Levels {
		levels[i] = string(l)
	}
	rows, err := s.db.Query(ctx, `SELECT `+newsColumns+`, count(*) OVER () FROM news_articles n
		WHERE n.visibility = ANY($1) AND ($2 OR n.published_at <= $3)
		ORDER BY n.published_at DESC NULLS FIRST, n.id DESC LIMIT $4 OFFSET $5`,
		levels, f.Drafts, f.Now, f.Limit, f.Offset)
	if err != nil {
		return nil, 0, fmt.Errorf("news list: %w", err)
	}
	defer rows.Close()
	var out []model.NewsArticle
	total := 0
	for rows.Next() {
		a, err := scanNews(rows, &total)
		if err != nil {
			return nil, 0, fmt.Errorf("news list: %w", err)
		}
		out = append(out, a)
	}
	return out, total, rows.Err()
}

// NewsSlugTaken reports whether another article than except uses slug.
func (s *Store) NewsSlugTaken(ctx context.Context, slug string, except int64) (bool, error) {
	var taken bool
	err := s.db.QueryRow(ctx, `SELECT EXISTS (SELECT 1 FROM news_articles WHERE slug = $1 AND id <> $2)`, slug, except).Scan(&taken)
	if err != nil {
		return false, fmt.Errorf("news slug: %w", err)
	}
	return taken, nil
}

// CreateNews inserts an article and returns its id.
func (s *Store) CreateNews(ctx context.Context, a model.NewsArticle) (int64, error) {
	var id int64
	err := s.db.QueryRow(ctx, `INSERT INTO news_articles (slug, title, summary, body, body_html, visibility, published_at,
		slug_frozen, notify, illustrative, created_by) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, nullif($11, 0)) RETURNING id`,
		a.Slug, a.Title, a.Summary, a.Body, a.BodyHTML, a.Visibility, a.PublishedAt, a.SlugFrozen, a.Notify, a.Illustrative, a.CreatedBy).Scan(&id)
	if err != nil {
		return 0, fmt.Errorf("create news article: %w", mapErr(err))
	}
	return id, nil
}

// UpdateNews saves an article edited from version base and returns it as
// stored. A save made on an older version than the stored one writes
// nothing and returns model.ErrConflict: two secretaries never overwrite
// each other silently.
func (s *Store) UpdateNews(ctx context.Context, a model.NewsArticle, base int) (model.NewsArticle, error) {
	saved, err := scanNews(s.db.QueryRow(ctx, `UPDATE news_articles n SET slug = $3, title = $4, summary = $5, body = $6,
		body_html = $7, visibility = $8, published_at = $9, notify = $10, slug_frozen = slug_frozen OR $11,
		version = version + 1, updated_at = now()
		WHERE id = $1 AND version = $2 RETURNING `+newsColumns,
		a.ID, base, a.Slug, a.Title, a.Summary, a.Body, a.BodyHTML, a.Visibility, a.PublishedAt, a.Notify, a.SlugFrozen))
	if err != nil {
		err = mapErr(err)
		if errors.Is(err, model.ErrNotFound) {
			err = model.ErrConflict
		}
		return saved, fmt.Errorf("update news article %d: %w", a.ID, err)
	}
	return saved, nil
}

// DeleteNews removes an article, its links and its attachments (the
// attached documents stay in the library).
func (s *Store) DeleteNews(ctx context.Context, id int64) error {
	if _, err := s.db.Exec(ctx, `DELETE FROM document_links WHERE target_type = 'news' AND target_id = $1`, id); err != nil {
		return fmt.Errorf("delete news attachments %d: %w", id, err)
	}
	tag, err := s.db.Exec(ctx, `DELETE FROM news_articles WHERE id = $1`, id)
	if err != nil {
		return fmt.Errorf("delete news article %d: %w", id, mapErr(err))
	}
	if tag.RowsAffected() == 0 {
		return fmt.Errorf("delete news article %d: %w", id, model.ErrNotFound)
	}
	return nil
}

// newsLinkQuery reads links with their targets' live titles, and what the
// access policy needs to decide whether a reader may follow them.
const newsLinkQuery = `SELECT l.article_id, l.position, l.target_type, l.target_id,
		coalesce(m.title, md.label, ms.title, d.title, ''), coalesce(ms.number, ''), coalesce(nullif(p.short_title, ''), p.title, ''),
		m.starts_at, coalesce(m.public_details, false),
		coalesce(md.jo_title, ''), coalesce(md.jorf, ''), coalesce(md.jo_text_number, ''), coalesce(md.nor, ''), coalesce(md.eli_url, ''),
		coalesce(d.visibility, ''), d.embargo_until, coalesce(d.embargo_visibility, ''),
		coalesce(d.held_for, ''), coalesce(d.held_id, 0), ` + heldSharedWith + `
	FROM news_links l
	LEFT JOIN meetings m ON m.id = l.meeting_id
	LEFT JOIN mandates md ON md.id = l.mandate_id
	LEFT JOIN measures ms ON ms.id = l.measure_id
	LEFT JOIN plans p ON p.id = ms.plan_id
	LEFT JOIN documents d ON d.id = l.document_id`

func scanNewsLink(row pgx.Row) (model.NewsLink, error) {
	var (
		l                              model.NewsLink
		number, plan                   string
		startsAt                       *time.Time
		publicDetails                  bool
		joTitle, jorf, textNumber, nor string
		visibility, embargoVisibility  string
		embargoUntil                   *time.Time
		heldFor                        string
		heldID                         int64
		sharedWith                     []int64
	)
	err := row.Scan(&l.ArticleID, &l.Position, &l.TargetType, &l.TargetID, &l.Title, &number, &plan,
		&startsAt, &publicDetails, &joTitle, &jorf, &textNumber, &nor, &l.ELIURL,
		&visibility, &embargoUntil, &embargoVisibility, &heldFor, &heldID, &sharedWith)
	if err != nil {
		return l, err
	}
	switch l.TargetType {
	case model.LinkMeeting:
		if startsAt != nil {
			l.Meeting = &model.Meeting{ID: l.TargetID, Title: l.Title, StartsAt: *startsAt, PublicDetails: publicDetails}
		}
	case model.LinkMandate:
		l.Reference = model.JOReference(model.Mandate{JOTitle: joTitle, JORF: jorf, JOTextNumber: textNumber, NOR: nor})
	case model.LinkMeasure:
		if number != "" {
			l.Title = number + ". " + l.Title
		}
		if plan != "" {
			l.Reference = plan
		}
	case model.LinkDocument:
		l.Document = &model.Document{ID: l.TargetID, Title: l.Title, Visibility: model.Visibility(visibility),
			EmbargoUntil: embargoUntil, EmbargoVisibility: model.Visibility(embargoVisibility),
			HeldFor: model.HoldKind(heldFor), HeldID: heldID, SharedWith: sharedWith}
	}
	return l, nil
}

// NewsLinks returns an article's internal links in their order.
func (s *Store) NewsLinks(ctx context.Context, articleID int64) ([]model.NewsLink, error) {
	rows, err := s.db.Query(ctx, newsLinkQuery+` WHERE l.article_id = $1 ORDER BY l.position`, articleID)
	if err != nil {
		return nil, fmt.Errorf("news links: %w", err)
	}
	links, err := pgx.CollectRows(rows, func(r pgx.CollectableRow) (model.NewsLink, error) { return scanNewsLink(r) })
	if err != nil {
		return nil, fmt.Errorf("news links: %w", err)
	}
	return links, nil
}

// AddNewsLink adds a link to the target at the article's next position,
// which it returns. Linking the same target twice is a model.ErrConflict;
// a target that does not exist is a model.ErrNotFound.
func (s *Store) AddNewsLink(ctx context.Context, articleID int64, t model.LinkTarget, targetID int64) (int, error) {
	if !t.Valid() {
		return 0, fmt.Errorf("news link: target type %q: %w", t, model.ErrNotFound)
	}
	var position int
	err := s.db.QueryRow(ctx, `UPDATE news_articles SET link_seq = link_seq + 1, updated_at = now() WHERE id = $1
		RETURNING link_seq`, articleID).Scan(&position)
	if err != nil {
		return 0, fmt.Errorf("news link: article %d: %w", articleID, mapErr(err))
	}
	// The column is named after the type, which Valid restricted to four
	// known words: no user input reaches the SQL text.
	_, err = s.db.Exec(ctx, `INSERT INTO news_links (article_id, position, target_type, `+string(t)+`_id)
		VALUES ($1, $2, $3, $4)`, articleID, position, t, targetID)
	var pgErr *pgconn.PgError
	if errors.As(err, &pgErr) && pgErr.Code == "23503" {
		// A foreign key violation: the target does not exist.
		return 0, fmt.Errorf("news link to %s %d: %w", t, targetID, model.ErrNotFound)
	}
	if err != nil {
		return 0, fmt.Errorf("news link to %s %d: %w", t, targetID, mapErr(err))
	}
	return position, nil
}

// RemoveNewsLink removes link number position of an article.
func (s *Store) RemoveNewsLink(ctx context.Context, articleID int64, position int) error {
	tag, err := s.db.Exec(ctx, `DELETE FROM news_links WHERE article_id = $1 AND position = $2`, articleID, position)
	if err != nil {
		return fmt.Errorf("remove news link: %w", err)
	}
	if tag.RowsAffected() == 0 {
		return fmt.Errorf("remove news link %d of %d: %w", position, articleID, model.ErrNotFound)
	}
	return nil
}

// LinkCandidates returns up to limit targets of type t whose title contains
// q (any when q is empty), for the editor's picker, the most recent first.
// The secretariat picks among everything; readers' access is checked when
// the article is shown.
func (s *Store) LinkCandidates(ctx context.Context, t model.LinkTarget, q string, limit int) ([]model.NewsLink, error) {
	pattern := "%" + strings.NewReplacer(`\`, `\\`, `%`, `\%`, `_`, `\_`).Replace(q) + "%"
	var sql string
	switch t {
	case model.LinkMeeting:
		sql = `SELECT id, title, '', starts_at FROM meetings
			WHERE title ILIKE $1 ORDER BY starts_at DESC, id DESC LIMIT $2`
	case model.LinkMandate:
		sql = `SELECT id, label, jo_title, NULL::timestamptz FROM mandates WHERE label ILIKE $1 OR jo_title ILIKE $1 OR nor ILIKE $1
			ORDER BY starts_on DESC, id DESC LIMIT $2`
	case model.LinkMeasure:
		sql = `SELECT ms.id, CASE WHEN ms.number = '' THEN ms.title ELSE ms.number || '. ' || ms.title END,
			coalesce(nullif(p.short_title, ''), p.title), NULL::timestamptz FROM measures ms JOIN plans p ON p.id = ms.plan_id
			WHERE ms.title ILIKE $1 OR ms.number || '.' ILIKE $1
			ORDER BY p.followed DESC, p.id, ms.id LIMIT $2`
	case model.LinkDocument:
		sql = `SELECT id, title, '', doc_date::timestamp AT TIME ZONE 'Europe/Paris' FROM documents WHERE title ILIKE $1
			ORDER BY doc_date DESC, id DESC LIMIT $2`
	default:
		return nil, fmt.Errorf("link candidates: target type %q: %w", t, model.ErrNotFound)
	}
	rows, err := s.db.Query(ctx, sql, pattern, limit)
	if err != nil {
		return nil, fmt.Errorf("link candidates: %w", err)
	}
	out, err := pgx.CollectRows(rows, func(r pgx.CollectableRow) (model.NewsLink, error) {
		l := model.NewsLink{TargetType: t}
		err := r.Scan(&l.TargetID, &l.Title, &l.Reference, &l.At)
		return l, err
	})
	if err != nil {
		return nil, fmt.Errorf("link candidates: %w", err)
	}
	return out, nil
}

// NewsByMail reports whether the account asked to receive articles by mail.
func (s *Store) NewsByMail(ctx context.Context, accountID int64) (bool, error) {
	var on bool
	err := s.db.QueryRow(ctx, `SELECT news_by_mail FROM accounts WHERE id = $1`, accountID).Scan(&on)
	if err != nil {
		return false, fmt.Errorf("news by mail: %w", mapErr(err))
	}
	return on, nil
}

// SetNewsByMail records the account's choice to receive articles by mail.
func (s *Store) SetNewsByMail(ctx context.Context, accountID int64, on bool) error {
	tag, err := s.db.Exec(ctx, `UPDATE accounts SET news_by_mail = $2 WHERE id = $1`, accountID, on)
	if err != nil {
		return fmt.Errorf("set news by mail: %w", err)
	}
	if tag.RowsAffected() == 0 {
		return fmt.Errorf("set news by mail: %w", model.ErrNotFound)
	}
	return nil
}

// NewsSubscribers returns the addresses of the active accounts that asked
// to receive articles by mail. Every account may read every article, so
// the article's audience does not narrow the list.
func (s *Store) NewsSubscribers(ctx context.Context) ([]string, error) {
	rows, err := s.db.Query(ctx, `SELECT email FROM accounts WHERE active AND news_by_mail ORDER BY id`)
	if err != nil {
		return nil, fmt.Errorf("news subscribers: %w", err)
	}
	emails, err := pgx.CollectRows(rows, pgx.RowTo[string])
	if err != nil {
		return nil, fmt.Errorf("news subscribers: %w", err)
	}
	return emails, nil
}

// UnmailedNews locks and returns, in the caller's transaction, up to limit
// articles visible by now whose mail is asked for and not queued yet. Rows
// another instance holds are skipped, so two instances never queue the same
// article's mails.
func (s *Store) UnmailedNews(ctx context.Context, now time.Time, limit int) ([]model.NewsArticle, error) {
	rows, err := s.db.Query(ctx, `SELECT `+newsColumns+` FROM news_articles n
		WHERE n.notify AND n.news_mailed_at IS NULL AND n.published_at <= $1
		ORDER BY n.published_at, n.id LIMIT $2 FOR UPDATE SKIP LOCKED`, now, limit)
	if err != nil {
		return nil, fmt.Errorf("unmailed news: %w", err)
	}
	out, err := pgx.CollectRows(rows, func(r pgx.CollectableRow) (model.NewsArticle, error) { return scanNews(r) })
	if err != nil {
		return nil, fmt.Errorf("unmailed news: %w", err)
	}
	return out, nil
}

// MarkNewsMailed records that the article's mails are queued; call it in
// the transaction that queued them.
func (s *Store) MarkNewsMailed(ctx context.Context, id int64, at time.Time) error {
	if _, err := s.db.Exec(ctx, `UPDATE news_articles SET news_mailed_at = $2 WHERE id = $1`, id, at); err != nil {
		return fmt.Errorf("mark news %d mailed: %w", id, err)
	}
	return nil
}

// EnsureNews creates the article with a.Slug unless it exists, and returns
// its id and whether it was created; for the demo data.
func (s *Store) EnsureNews(ctx context.Context, a model.NewsArticle) (int64, bool, error) {
	existing, err := s.NewsBySlug(ctx, a.Slug)
	if err == nil {
		return existing.ID, false, nil
	}
	if !errors.Is(err, model.ErrNotFound) {
		return 0, false, err
	}
	id, err := s.CreateNews(ctx, a)
	return id, err == nil, err
}
