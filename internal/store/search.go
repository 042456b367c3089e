package store

import (
	"cmp"
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
	// Documents is the viewer as a reader of documents.
	Documents model.DocumentReader
}

// SearchFilter narrows a search; zero values keep everything.
type SearchFilter struct {
	Kind model.SearchKind
	// Year is a calendar year, or NoYear for what has no date.
	Year int
}

// NoYear filters the results without a date (recommendations, measures).
const NoYear = -1

// SearchResults is one page of results with the counts of the matches
// the viewer may see, up to the cap, per kind (within the year filter) and
// per year (within the kind filter).
type SearchResults struct {
	Hits  []model.SearchHit
	Total int
	Kinds map[model.SearchKind]int
	Years map[int]int
	// TotalCapped and KindsCapped tell a count that stopped at the cap
	// ("more than"); YearsCapped, years offered without counts.
	TotalCapped bool
	KindsCapped map[model.SearchKind]bool
	YearsCapped bool
	Parsed      search.Query
}

// SearchCap is how many matches of each part of the search (a meeting's
// minutes, documents, comments…) are counted and ranked, newest first.
// Beyond it the counts say "more than" and the year filter has no
// counts: counting and ranking every match of a common word among
// hundreds of thousands of comments takes seconds, and nobody reads past
// the first pages of such a search before narrowing it.
const SearchCap = 100

// visibleMatches lists, for the query $1, the newest objects the viewer
// may open, at most $9 of each branch: one branch per part of the
// search, each with the rule of package access written as SQL and its
// own ORDER BY … LIMIT so that a common word is read newest first from a
// date index and a rare one from the GIN index. $2 signed in, $3
// secretariat, $4 account id, $5 visible document levels, $6 now, $7
// kind (empty for all), $8 year (0 for all, -1 for undated only), $10
// and $11 the document reader's Secretariat and BodyID (held documents).
// The
// tsquery is written in each branch, not taken from a CTE, so that the
// planner sees it and knows how common its words are; ranks are computed
// outside each LIMIT, on the kept rows only. Columns: kind, sub-kind, id,
// link (path), title, date, rank, and year in dated.
var visibleMatches = `
hits AS (
	SELECT 'meeting' AS kind, 'meeting' AS sub, x.id, '/meetings/' || x.id AS link, x.title, x.at,
		ts_rank(x.search, to_tsquery('comite_fr', $1)) AS rank
	FROM (SELECT m.id, m.title, m.starts_at AS at, m.search FROM meetings m
		WHERE m.search @@ to_tsquery('comite_fr', $1) AND ($2 OR m.starts_at < $6 OR m.public_details)
			AND ($7 = '' OR $7 = 'meeting') AND ` + inYear("m.starts_at") + `
		ORDER BY m.starts_at DESC, m.id DESC LIMIT $9) x
	UNION ALL
	SELECT 'meeting', 'minutes', x.id, '/meetings/' || x.id || '#compte-rendu', x.title, x.at,
		ts_rank(x.minutes_search, to_tsquery('comite_fr', $1))
	FROM (SELECT m.id, m.title, m.starts_at AS at, m.minutes_search FROM meetings m
		WHERE m.minutes_search @@ to_tsquery('comite_fr', $1) AND m.status = 'minutes_approved' AND ($2 OR m.public_minutes)
			AND ($7 = '' OR $7 = 'meeting') AND ` + inYear("m.starts_at") + `
		ORDER BY m.starts_at DESC, m.id DESC LIMIT $9) x
	UNION ALL
	SELECT 'meeting', 'agenda', x.id, '/meetings/' || x.meeting_id || '#ordre-du-jour', x.mtitle, x.at,
		ts_rank(x.search, to_tsquery('comite_fr', $1))
	FROM (SELECT a.id, a.meeting_id, m.title AS mtitle, m.starts_at AS at, a.search
		FROM agenda_items a JOIN meetings m ON m.id = a.meeting_id
		WHERE a.search @@ to_tsquery('comite_fr', $1) AND ($3 OR ($2 OR m.public_details) AND ` + agendaPublished + `)
			AND ($7 = '' OR $7 = 'meeting') AND ` + inYear("m.starts_at") + `
		ORDER BY m.starts_at DESC, a.id DESC LIMIT $9) x
	UNION ALL
	SELECT 'meeting', 'decision', x.id, '/meetings/' || x.meeting_id || '#decisions', x.title, x.at,
		ts_rank(x.search, to_tsquery('comite_fr', $1))
	FROM (SELECT d.id, d.meeting_id, m.title, m.starts_at AS at, d.search
		FROM decisions d JOIN meetings m ON m.id = d.meeting_id
		WHERE d.search @@ to_tsquery('comite_fr', $1) AND ($2 OR m.public_details)
			AND ($7 = '' OR $7 = 'meeting') AND ` + inYear("m.starts_at") + `
		ORDER BY m.starts_at DESC, d.id DESC LIMIT $9) x
	UNION ALL
	SELECT 'document', 'document', x.id, '/documents/' || x.id, x.title, x.at,
		ts_rank(x.search, to_tsquery('comite_fr', $1)) + ts_rank(x.text_search, to_tsquery('comite_fr', $1))
	FROM (SELECT d.id, d.title, d.doc_date::timestamptz AS at, d.search, d.text_search FROM documents d
		WHERE (d.search @@ to_tsquery('comite_fr', $1) OR d.text_search @@ to_tsquery('comite_fr', $1))
			AND ` + documentVisible("$6", "$5") + ` AND ` + heldVisible("$10", "$11") + `
			AND ($7 = '' OR $7 = 'document') AND ` + inYearDate("d.doc_date") + `
		ORDER BY d.doc_date DESC, d.id DESC LIMIT $9) x
	UNION ALL
	SELECT 'measure', 'measure', m.id, '/measures/' || m.id, CASE WHEN m.number = '' THEN m.title ELSE m.number || '. ' || m.title END,
		NULL::timestamptz, ts_rank(m.search, to_tsquery('comite_fr', $1))
	FROM (SELECT * FROM measures m WHERE m.search @@ to_tsquery('comite_fr', $1) AND ($7 = '' OR $7 = 'measure') AND $8 <= 0
		ORDER BY m.id LIMIT $9) m
	UNION ALL
	SELECT 'measure', 'update', x.id, '/measures/' || x.measure_id || '#chronologie', x.mtitle, x.at,
		ts_rank(x.search, to_tsquery('comite_fr', $1))
	FROM (SELECT u.id, u.measure_id, CASE WHEN m.number = '' THEN m.title ELSE m.number || '. ' || m.title END AS mtitle,
			u.happened_on::timestamptz AS at, u.search
		FROM measure_updates u JOIN measures m ON m.id = u.measure_id
		WHERE u.search @@ to_tsquery('comite_fr', $1) AND u.state = 'published'
			AND ($7 = '' OR $7 = 'measure') AND ` + inYearDate("u.happened_on") + `
		ORDER BY u.happened_on DESC, u.id DESC LIMIT $9) x
	UNION ALL
	SELECT 'recommendation', 'recommendation', r.id, '/recommendations#recommandation-' || r.id,
		r.source || ' – ' || r.round || 'e cycle' || CASE WHEN r.paragraph = '' THEN '' ELSE ', § ' || r.paragraph END,
		NULL::timestamptz, ts_rank(r.search, to_tsquery('comite_fr', $1))
	FROM (SELECT * FROM recommendations r WHERE r.search @@ to_tsquery('comite_fr', $1) AND ($7 = '' OR $7 = 'recommendation') AND $8 <= 0
		ORDER BY r.id LIMIT $9) r
	UNION ALL
	SELECT 'comment', 'comment', x.id, '/comments/' || x.id || '#commentaire-' || x.id, x.mtitle, x.at,
		ts_rank(x.search, to_tsquery('comite_fr', $1))
	FROM (SELECT c.id, c.measure_id, CASE WHEN m.number = '' THEN m.title ELSE m.number || '. ' || m.title END AS mtitle,
			c.created_at AS at, c.search
		FROM comments c JOIN measures m ON m.id = c.measure_id JOIN plans p ON p.id = m.plan_id
		WHERE c.search @@ to_tsquery('comite_fr', $1) AND c.withdrawn_at IS NULL AND ($2 OR p.comments_public)
			-- Checked once: without it, a visitor's search reads every
			-- matching comment to find that none is public.
			AND ($2 OR EXISTS (SELECT 1 FROM plans WHERE comments_public))
			AND (c.state = 'published' OR $3 OR c.author_id = $4) AND (c.hidden_at IS NULL OR $3)
			AND ($7 = '' OR $7 = 'comment') AND ` + inYear("c.created_at") + `
		ORDER BY c.created_at DESC, c.id DESC LIMIT $9) x
	UNION ALL
	SELECT 'news', 'news', x.id, '/news/' || x.slug, x.title, x.at, ts_rank(x.search, to_tsquery('comite_fr', $1))
	FROM (SELECT n.id, n.slug, n.title, n.published_at AS at, n.search FROM news_articles n
		WHERE n.search @@ to_tsquery('comite_fr', $1) AND ($3 OR (n.published_at <= $6 AND (n.visibility = 'public' OR $2)))
			AND ($7 = '' OR $7 = 'news') AND ` + inYear("n.published_at") + `
		ORDER BY n.published_at DESC, n.id DESC LIMIT $9) x
),
dated AS (SELECT *, coalesce(extract(year FROM at AT TIME ZONE 'Europe/Paris')::int, 0) AS year FROM hits)`

// inYear is the year filter $8 on a timestamptz column; with the year
// known when the query is planned, the planner keeps only the branch of
// the OR that applies.
func inYear(column string) string {
	return `$8 >= 0 AND ($8 = 0 OR ` + column + ` >= make_timestamptz($8, 1, 1, 0, 0, 0, 'Europe/Paris')
		AND ` + column + ` < make_timestamptz($8 + 1, 1, 1, 0, 0, 0, 'Europe/Paris'))`
}

// inYearDate is inYear on a date column.
func inYearDate(column string) string {
	return `$8 >= 0 AND ($8 = 0 OR ` + column + ` >= make_date($8, 1, 1) AND ` + column + ` < make_date($8 + 1, 1, 1))`
}

// documentVisible is model.Document.VisibilityAt in SQL, at the time now,
// tested against the viewer's levels: from its end, an embargo's
// visibility applies when it is wider. Since a viewer who sees a level
// sees every wider one, that is the document's own visibility or, once
// the embargo is over, the embargo's. Written as plain comparisons
// rather than a CASE so that the planner can estimate how many documents
// pass.
func documentVisible(now, levels string) string {
	return `(d.visibility = ANY(` + levels + `) OR d.embargo_until IS NOT NULL AND ` + now + ` >= d.embargo_until
	AND d.embargo_visibility = ANY(` + levels + `)
	AND array_position(ARRAY['public', 'members', 'secretariat'], d.embargo_visibility)
		< array_position(ARRAY['public', 'members', 'secretariat'], d.visibility))`
}

// Search finds what the viewer may open among meetings (title, agenda,
// approved minutes, decisions), documents (metadata and the latest
// version's text), measures and their published updates,
// recommendations, visible comments and news. Nothing the viewer may not
// open is matched, so counts and excerpts never tell of it. Each part
// counts and ranks its SearchCap newest matches (see SearchCap).
func (s *Store) Search(ctx context.Context, text string, v SearchViewer, f SearchFilter, now time.Time, limit, offset int) (SearchResults, error) {
	res := SearchResults{Parsed: search.Parse(text), Kinds: map[model.SearchKind]int{}, Years: map[int]int{}, KindsCapped: map[model.SearchKind]bool{}}
	if res.Parsed.TSQuery == "" {
		return res, nil
	}
	levels := levelNames(v.Documents.Levels)
	args := []any{res.Parsed.TSQuery, v.SignedIn, v.Secretariat, v.AccountID, levels, now}
	reader := []any{v.Documents.Secretariat, v.Documents.BodyID}
	// One snapshot for the matches, the counts and the excerpts: an object
	// hidden meanwhile cannot lend its text to an excerpt.
	err := pgx.BeginTxFunc(ctx, s.pool, pgx.TxOptions{IsoLevel: pgx.RepeatableRead, AccessMode: pgx.ReadOnly}, func(tx pgx.Tx) error {
		// The kinds' counts are within the year filter, the years' counts
		// within the kind filter: one query when no year is chosen.
		inYear, err := searchCandidates(ctx, tx, args, reader, "", f.Year)
		if err != nil {
			return err
		}
		for part, hits := range inYear {
			res.Kinds[part.kind] += len(hits)
			res.KindsCapped[part.kind] = res.KindsCapped[part.kind] || part.capped
		}
		var page []model.SearchHit
		for part, hits := range inYear {
			if f.Kind == "" || f.Kind == part.kind {
				res.Total += len(hits)
				res.TotalCapped = res.TotalCapped || part.capped
				page = append(page, hits...)
			}
		}
		ofKind := inYear
		if f.Year != 0 {
			if ofKind, err = searchCandidates(ctx, tx, args, reader, f.Kind, 0); err != nil {
				return err
			}
		}
		for part, hits := range ofKind {
			if f.Kind == "" || f.Kind == part.kind {
				res.YearsCapped = res.YearsCapped || part.capped
				for _, h := range hits {
					res.Years[h.Year]++
				}
			}
		}
		if res.YearsCapped {
			// Counts per year would only cover the newest matches: the years
			// are offered without counts, back to the first year of a
			// visible meeting or document.
			first, err := firstVisibleYear(ctx, tx, v, now)
			if err != nil {
				return err
			}
			for y := first; y > 0 && y <= now.Year(); y++ {
				res.Years[y] += 0
			}
		}
		slices.SortFunc(page, byRelevance)
		if offset >= len(page) {
			return nil
		}
		res.Hits = page[offset:min(offset+limit, len(page))]
		return highlight(ctx, tx, res.Parsed.TSQuery, res.Hits)
	})
	if err != nil {
		return SearchResults{}, fmt.Errorf("search: %w", err)
	}
	return res, nil
}

// searchPart is one part of the search (kind and sub-kind); capped tells
// that it holds more matches than were kept.
type searchPart struct {
	kind   model.SearchKind
	sub    string
	capped bool
}

// searchCandidates returns the newest matches of each part of the search,
// at most SearchCap, within the kind and year filters.
func searchCandidates(ctx context.Context, tx pgx.Tx, args, reader []any, kind model.SearchKind, year int) (map[searchPart][]model.SearchHit, error) {
	// Planned with the values (an unnamed statement), never as a generic
	// plan: whether a word is common decides between two plans.
	rows, err := tx.Query(ctx, `WITH `+visibleMatches+` SELECT kind, sub, id, link, title, at, year, rank + `+titleBoost+` FROM dated`,
		append(append(append([]any{pgx.QueryExecModeDescribeExec}, args...), string(kind), year, SearchCap+1), reader...)...)
	if err != nil {
		return nil, err
	}
	hits, err := pgx.CollectRows(rows, func(r pgx.CollectableRow) (model.SearchHit, error) {
		var h model.SearchHit
		var kind string
		err := r.Scan(&kind, &h.Sub, &h.ID, &h.Link, &h.Title, &h.At, &h.Year, &h.Rank)
		h.Kind = model.SearchKind(kind)
		return h, err
	})
	if err != nil {
		return nil, err
	}
	byPart := map[searchPart][]model.SearchHit{}
	for _, h := range hits {
		p := searchPart{kind: h.Kind, sub: h.Sub}
		byPart[p] = append(byPart[p], h)
	}
	parts := map[searchPart][]model.SearchHit{}
	for p, hs := range byPart {
		if len(hs) > SearchCap {
			// The one more than the cap only told that there are more; the
			// oldest goes, as the query kept the newest.
			slices.SortFunc(hs, byDate)
			hs, p.capped = hs[:SearchCap], true
		}
		parts[p] = hs
	}
	return parts, nil
}

// byRelevance orders results by rank, then newest first.
func byRelevance(a, b model.SearchHit) int {
	if a.Rank != b.Rank {
		return cmp.Compare(b.Rank, a.Rank)
	}
	return byDate(a, b)
}

// byDate orders results newest first, undated last.
func byDate(a, b model.SearchHit) int {
	switch {
	case a.At != nil && b.At != nil && !a.At.Equal(*b.At):
		return b.At.Compare(*a.At)
	case a.At == nil && b.At != nil:
		return 1
	case a.At != nil && b.At == nil:
		return -1
	}
	return cmp.Compare(b.ID, a.ID)
}

// plainText is the SQL that reads markdown expr as the plain text an
// excerpt is cut from: without news link tokens ([[lien:3]]), heading,
// list and quote marks at line starts, emphasis and code marks, and with a
// link's text instead of the link. Extracted document text is plain
// already and does not go through it.
func plainText(expr string) string {
	return "regexp_replace(regexp_replace(regexp_replace(regexp_replace(" + expr +
		", '\\[\\[[a-z]+:[0-9]+\\]\\]', '', 'g')" +
		", '\\[([^]]*)\\]\\([^)]*\\)', '\\1', 'g')" +
		", '^[ \\t]*(#{1,6}|>|[-*+]|[0-9]+\\.)[ \\t]+', '', 'gn')" +
		", '(\\*\\*|__|[*`]|~~)', '', 'g')"
}

// titleBoost ranks a result whose own title holds the words above those
// that only mention them (a comment's or an update's "title" is its
// measure's, so they get none).
const titleBoost = `CASE WHEN sub IN ('meeting', 'document', 'measure', 'news') AND to_tsvector('comite_fr', title) @@ to_tsquery('comite_fr', $1) THEN 1 ELSE 0 END`

// excerptHead is how much of a long text is searched first for an
// excerpt.
const excerptHead = 3000

// highlight fills the hits' highlighted titles and excerpts, taken from
// the text each matched in.
func highlight(ctx context.Context, tx pgx.Tx, tsquery string, hits []model.SearchHit) error {
	subs, ids, titles := make([]string, len(hits)), make([]int64, len(hits)), make([]string, len(hits))
	for i, h := range hits {
		subs[i], ids[i], titles[i] = h.Sub, h.ID, h.Title
	}
	excerpt := fmt.Sprintf("StartSel=%s, StopSel=%s, MaxWords=35, MinWords=15, MaxFragments=2, FragmentDelimiter=\" … \"",
		search.StartMark, search.StopMark)
	whole := fmt.Sprintf("HighlightAll=true, StartSel=%s, StopSel=%s", search.StartMark, search.StopMark)
	// ts_headline parses the whole text it is given: the start of a long
	// text is tried first, and the rest read only when the start does not
	// hold the words.
	rows, err := tx.Query(ctx, `SELECT ts_headline('comite_fr', p.title, to_tsquery('comite_fr', $1), $5),
		CASE WHEN length(b.body) <= $7 OR strpos(h.head, $8) > 0 THEN h.head
			ELSE ts_headline('comite_fr', b.body, to_tsquery('comite_fr', $1), $6) END
		FROM unnest($2::text[], $3::bigint[], $4::text[]) WITH ORDINALITY AS p(sub, id, title, n)
		CROSS JOIN LATERAL (SELECT CASE p.sub
			WHEN 'meeting' THEN (SELECT summary FROM meetings WHERE id = p.id)
			WHEN 'minutes' THEN (SELECT `+plainText("minutes_text")+` FROM meetings WHERE id = p.id)
			WHEN 'agenda' THEN (SELECT title || ' ' || presenter FROM agenda_items WHERE id = p.id)
			WHEN 'decision' THEN (SELECT text FROM decisions WHERE id = p.id)
			WHEN 'document' THEN (SELECT CASE WHEN d.text_search @@ to_tsquery('comite_fr', $1)
				THEN (SELECT left(v.extracted_text, 100000) FROM document_versions v WHERE v.document_id = d.id ORDER BY v.number DESC LIMIT 1)
				ELSE d.description END FROM documents d WHERE d.id = p.id)
			WHEN 'measure' THEN (SELECT `+plainText("description")+` FROM measures WHERE id = p.id)
			WHEN 'update' THEN (SELECT `+plainText("text")+` FROM measure_updates WHERE id = p.id)
			WHEN 'recommendation' THEN (SELECT text FROM recommendations WHERE id = p.id)
			WHEN 'comment' THEN (SELECT `+plainText("text_md")+` FROM comments WHERE id = p.id)
			WHEN 'news' THEN (SELECT `+plainText("summary || ' ' || body")+` FROM news_articles WHERE id = p.id)
		END AS body OFFSET 0) b -- OFFSET 0: read each text once, not once per use
		CROSS JOIN LATERAL (SELECT ts_headline('comite_fr', left(b.body, $7), to_tsquery('comite_fr', $1), $6) AS head OFFSET 0) h
		ORDER BY p.n`, tsquery, subs, ids, titles, whole, excerpt, excerptHead, search.StartMark)
	if err != nil {
		return err
	}
	i := 0
	for rows.Next() {
		h := &hits[i]
		if err := rows.Scan(&h.TitleHighlight, &h.Excerpt); err != nil {
			return err
		}
		h.TitleHTML, h.ExcerptHTML = search.Highlight(h.TitleHighlight), search.Highlight(h.Excerpt)
		i++
	}
	return rows.Err()
}

// firstVisibleYear is the year of the oldest meeting or document the
// viewer may open, 0 when there is none.
func firstVisibleYear(ctx context.Context, tx pgx.Tx, v SearchViewer, now time.Time) (int, error) {
	var year int
	err := tx.QueryRow(ctx, `SELECT coalesce(extract(year FROM least(
			(SELECT min(m.starts_at) FROM meetings m WHERE $1 OR m.starts_at < $3 OR m.public_details),
			(SELECT min(d.doc_date) FROM documents d WHERE `+documentVisible("$3", "$2")+` AND `+heldVisible("$4", "$5")+`)::timestamptz
		) AT TIME ZONE 'Europe/Paris')::int, 0)`, v.SignedIn, levelNames(v.Documents.Levels), now, v.Documents.Secretariat, v.Documents.BodyID).Scan(&year)
	return year, err
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
