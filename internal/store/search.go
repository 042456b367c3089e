package store

import (
	"context"
	"fmt"
	"slices"
	"time"

	"github.com/jackc/pgx/v5"

	"comite/internal/model"
	"comite/internal/search"
)

// SearchViewer is what the search query needs to know of the viewer to
// apply, inside SQL, the same rules as package access.
type SearchViewer struct {
	SignedIn    bool
	Secretariat bool
	AccountID   int64
	// Levels are the document visibilities the viewer may see.
	Levels []model.Visibility
}

// SearchFilter narrows a search; zero values keep everything.
type SearchFilter struct {
	Kind model.SearchKind
	// Year is a calendar year, or NoYear for what has no date.
	Year int
}

// NoYear filters the results without a date (recommendations, measures).
const NoYear = -1

func (f SearchFilter) inYear(year int) bool {
	return f.Year == 0 || f.Year == year || (f.Year == NoYear && year == 0)
}

// SearchResults is one page of results with the counts of every match
// the viewer may see, per kind (within the year filter) and per year
// (within the kind filter).
type SearchResults struct {
	Hits   []model.SearchHit
	Total  int
	Kinds  map[model.SearchKind]int
	Years  map[int]int
	Parsed search.Query
}

// visibleMatches lists, for the query $1, every object the viewer may
// open: one branch per kind of object, each with the rule of package
// access written as SQL. $2 signed in, $3 secretariat, $4 account id, $5
// visible document levels, $6 now. Columns: kind, sub-kind, id, link
// (path), title, date, rank, text to excerpt.
const visibleMatches = `
q AS (SELECT to_tsquery('comite_fr', $1) AS q),
hits AS (
	SELECT 'meeting' AS kind, 'meeting' AS sub, m.id, '/meetings/' || m.id AS link, m.title, m.starts_at AS at,
		ts_rank(m.search, q.q) AS rank, m.summary AS body
	FROM meetings m, q WHERE m.search @@ q.q AND ($2 OR m.starts_at < $6 OR m.public_details)
	UNION ALL
	SELECT 'meeting', 'minutes', m.id, '/meetings/' || m.id || '#compte-rendu', m.title, m.starts_at,
		ts_rank(m.minutes_search, q.q), m.minutes_text
	FROM meetings m, q WHERE m.minutes_search @@ q.q AND m.status = 'minutes_approved' AND ($2 OR m.public_minutes)
	UNION ALL
	SELECT 'meeting', 'agenda', a.id, '/meetings/' || m.id || '#ordre-du-jour', m.title, m.starts_at,
		ts_rank(a.search, q.q), a.title || ' ' || a.presenter
	FROM agenda_items a JOIN meetings m ON m.id = a.meeting_id, q WHERE a.search @@ q.q AND ($2 OR m.public_details)
	UNION ALL
	SELECT 'meeting', 'decision', d.id, '/meetings/' || m.id || '#decisions', m.title, m.starts_at,
		ts_rank(d.search, q.q), d.text
	FROM decisions d JOIN meetings m ON m.id = d.meeting_id, q WHERE d.search @@ q.q AND ($2 OR m.public_details)
	UNION ALL
	SELECT 'document', 'document', d.id, '/documents/' || d.id, d.title, d.doc_date::timestamptz,
		ts_rank(d.search, q.q), d.description
	FROM documents d, q WHERE d.search @@ q.q AND ` + documentVisibleAt + ` = ANY($5)
	UNION ALL
	SELECT 'document', 'document', d.id, '/documents/' || d.id, d.title, d.doc_date::timestamptz,
		ts_rank(v.search, q.q), left(v.extracted_text, 100000)
	FROM document_versions v JOIN documents d ON d.id = v.document_id, q
	WHERE v.search @@ q.q AND ` + documentVisibleAt + ` = ANY($5)
		AND v.number = (SELECT max(number) FROM document_versions l WHERE l.document_id = v.document_id)
	UNION ALL
	SELECT 'measure', 'measure', m.id, '/measures/' || m.id, CASE WHEN m.number = '' THEN m.title ELSE m.number || '. ' || m.title END,
		NULL::timestamptz, ts_rank(m.search, q.q), m.description
	FROM measures m, q WHERE m.search @@ q.q
	UNION ALL
	SELECT 'measure', 'update', u.id, '/measures/' || m.id || '#chronologie',
		CASE WHEN m.number = '' THEN m.title ELSE m.number || '. ' || m.title END, u.happened_on::timestamptz,
		ts_rank(u.search, q.q), u.text
	FROM measure_updates u JOIN measures m ON m.id = u.measure_id, q WHERE u.search @@ q.q AND u.state = 'published'
	UNION ALL
	SELECT 'recommendation', 'recommendation', r.id, '/recommendations#recommandation-' || r.id,
		r.source || ' – ' || r.round || 'e cycle' || CASE WHEN r.paragraph = '' THEN '' ELSE ', § ' || r.paragraph END,
		NULL::timestamptz, ts_rank(r.search, q.q), r.text
	FROM recommendations r, q WHERE r.search @@ q.q
	UNION ALL
	SELECT 'comment', 'comment', c.id, '/measures/' || m.id || '#commentaire-' || c.id,
		CASE WHEN m.number = '' THEN m.title ELSE m.number || '. ' || m.title END, c.created_at,
		ts_rank(c.search, q.q), c.text_md
	FROM comments c JOIN measures m ON m.id = c.measure_id JOIN plans p ON p.id = m.plan_id, q
	WHERE c.search @@ q.q AND c.withdrawn_at IS NULL AND ($2 OR p.comments_public)
		AND (c.state = 'published' OR $3 OR c.author_id = $4) AND (c.hidden_at IS NULL OR $3)
	UNION ALL
	SELECT 'news', 'news', n.id, '/news/' || n.slug, n.title, n.published_at, ts_rank(n.search, q.q), n.summary || ' ' || n.body
	FROM news_articles n, q WHERE n.search @@ q.q
		AND ($3 OR (n.published_at <= $6 AND (n.visibility = 'public' OR $2)))
),
uniq AS (
	SELECT DISTINCT ON (kind, sub, id) *, coalesce(extract(year FROM at AT TIME ZONE 'Europe/Paris')::int, 0) AS year
	FROM hits ORDER BY kind, sub, id, rank DESC
)`

// documentVisibleAt is model.Document.VisibilityAt in SQL: from its end,
// an embargo's visibility applies when it is wider.
const documentVisibleAt = `(CASE WHEN d.embargo_until IS NOT NULL AND $6 >= d.embargo_until
	AND array_position(ARRAY['public', 'members', 'secretariat'], d.embargo_visibility)
		< array_position(ARRAY['public', 'members', 'secretariat'], d.visibility)
	THEN d.embargo_visibility ELSE d.visibility END)`

// Search finds what the viewer may open among meetings (title, agenda,
// approved minutes, decisions), documents (metadata and the latest
// version's text), measures and their published updates,
// recommendations, visible comments and news. Nothing the viewer may not
// open is matched, so counts and excerpts never tell of it.
func (s *Store) Search(ctx context.Context, text string, v SearchViewer, f SearchFilter, now time.Time, limit, offset int) (SearchResults, error) {
	res := SearchResults{Parsed: search.Parse(text), Kinds: map[model.SearchKind]int{}, Years: map[int]int{}}
	if res.Parsed.TSQuery == "" {
		return res, nil
	}
	levels := make([]string, len(v.Levels))
	for i, l := range v.Levels {
		levels[i] = string(l)
	}
	args := []any{res.Parsed.TSQuery, v.SignedIn, v.Secretariat, v.AccountID, levels, now}
	rows, err := s.db.Query(ctx, `WITH `+visibleMatches+` SELECT kind, year, count(*) FROM uniq GROUP BY kind, year`, args...)
	if err != nil {
		return res, fmt.Errorf("search counts: %w", err)
	}
	var kind string
	var year, n int
	_, err = pgx.ForEachRow(rows, []any{&kind, &year, &n}, func() error {
		k := model.SearchKind(kind)
		if f.inYear(year) {
			res.Kinds[k] += n
		}
		if f.Kind == "" || f.Kind == k {
			res.Years[year] += n
			if f.inYear(year) {
				res.Total += n
			}
		}
		return nil
	})
	if err != nil {
		return res, fmt.Errorf("search counts: %w", err)
	}
	if res.Total == 0 || offset >= res.Total {
		return res, nil
	}
	options := fmt.Sprintf("StartSel=%s, StopSel=%s, MaxWords=35, MinWords=15, MaxFragments=2, FragmentDelimiter=\" … \"",
		search.StartMark, search.StopMark)
	rows, err = s.db.Query(ctx, `WITH `+visibleMatches+`,
		page AS (SELECT * FROM uniq WHERE ($7 = '' OR kind = $7) AND ($8 = 0 OR year = greatest($8, 0))
			ORDER BY rank DESC, at DESC NULLS LAST, id DESC LIMIT $9 OFFSET $10)
		SELECT kind, sub, id, link, title, at, year,
			ts_headline('comite_fr', title, (SELECT q FROM q), 'HighlightAll=true, StartSel=`+search.StartMark+`, StopSel=`+search.StopMark+`'),
			ts_headline('comite_fr', body, (SELECT q FROM q), $11)
		FROM page ORDER BY rank DESC, at DESC NULLS LAST, id DESC`,
		append(args, string(f.Kind), f.Year, limit, offset, options)...)
	if err != nil {
		return res, fmt.Errorf("search: %w", err)
	}
	res.Hits, err = pgx.CollectRows(rows, func(r pgx.CollectableRow) (model.SearchHit, error) {
		var h model.SearchHit
		var kind, sub string
		err := r.Scan(&kind, &sub, &h.ID, &h.Link, &h.Title, &h.At, &h.Year, &h.TitleHighlight, &h.Excerpt)
		h.Kind, h.Sub = model.SearchKind(kind), sub
		h.TitleHTML, h.ExcerptHTML = search.Highlight(h.TitleHighlight), search.Highlight(h.Excerpt)
		return h, err
	})
	if err != nil {
		return res, fmt.Errorf("search: %w", err)
	}
	return res, nil
}

// SearchYears returns the years of a result's counts, latest first.
func (r SearchResults) SearchYears() []int {
	var ys []int
	for y := range r.Years {
		ys = append(ys, y)
	}
	slices.Sort(ys)
	slices.Reverse(ys)
	return ys
}
