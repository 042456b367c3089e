package store

import (
	"context"
	"fmt"
	"slices"
	"time"

	"github.com/jackc/pgx/v5"

	"comite/internal/model"
)

const commentColumns = `c.id, c.measure_id, coalesce(c.parent_id, 0), c.author_id, a.display_name, coalesce(c.body_id, 0),
	coalesce(b.name, ''), c.category, c.text_md, c.text_html, c.official, c.state, c.version, c.edited_at, c.withdrawn_at,
	c.hidden_at, c.hidden_reason, c.illustrative, c.created_at,
	(SELECT count(*) FROM comment_flags f WHERE f.comment_id = c.id AND f.resolution = '')`

const commentJoins = ` FROM comments c JOIN accounts a ON a.id = c.author_id LEFT JOIN bodies b ON b.id = c.body_id`

func scanComment(row pgx.Row) (model.Comment, error) {
	var c model.Comment
	err := row.Scan(&c.ID, &c.MeasureID, &c.ParentID, &c.AuthorID, &c.AuthorName, &c.BodyID, &c.BodyName, &c.Category,
		&c.Text, &c.HTML, &c.Official, &c.State, &c.Version, &c.EditedAt, &c.WithdrawnAt, &c.HiddenAt, &c.HiddenReason,
		&c.Illustrative, &c.CreatedAt, &c.OpenFlags)
	return c, err
}

func (s *Store) comments(ctx context.Context, what, where string, args ...any) ([]model.Comment, error) {
	rows, err := s.db.Query(ctx, `SELECT `+commentColumns+commentJoins+` WHERE `+where, args...)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", what, err)
	}
	cs, err := pgx.CollectRows(rows, func(r pgx.CollectableRow) (model.Comment, error) { return scanComment(r) })
	if err != nil {
		return nil, fmt.Errorf("%s: %w", what, err)
	}
	return cs, nil
}

// Comment returns one comment, without its replies.
func (s *Store) Comment(ctx context.Context, id int64) (model.Comment, error) {
	c, err := scanComment(s.db.QueryRow(ctx, `SELECT `+commentColumns+commentJoins+` WHERE c.id = $1`, id))
	if err != nil {
		return c, fmt.Errorf("comment %d: %w", id, mapErr(err))
	}
	return c, nil
}

// Threads returns every comment of a measure as threads: top-level
// comments oldest first, each with its replies, official answers first and
// then by date. Callers filter what the viewer may see.
func (s *Store) Threads(ctx context.Context, measureID int64) ([]model.Comment, error) {
	all, err := s.comments(ctx, fmt.Sprintf("comments of measure %d", measureID),
		`c.measure_id = $1 ORDER BY c.created_at, c.id`, measureID)
	if err != nil {
		return nil, err
	}
	return Thread(all), nil
}

// Thread groups comments (oldest first) into threads.
func Thread(all []model.Comment) []model.Comment {
	var threads []model.Comment
	at := map[int64]int{}
	for _, c := range all {
		if c.ParentID == 0 {
			at[c.ID] = len(threads)
			threads = append(threads, c)
		}
	}
	for _, c := range all {
		if i, ok := at[c.ParentID]; ok && c.ParentID != 0 {
			threads[i].Replies = append(threads[i].Replies, c)
		}
	}
	for i := range threads {
		sortReplies(threads[i].Replies)
	}
	return threads
}

// sortReplies puts the official answers first, keeping the order otherwise.
func sortReplies(rs []model.Comment) {
	slices.SortStableFunc(rs, func(a, b model.Comment) int {
		switch {
		case a.Official && !b.Official:
			return -1
		case b.Official && !a.Official:
			return 1
		}
		return 0
	})
}

// CreateComment saves a new comment and its first version and returns its
// id. A reply must answer a top-level comment of the same measure: the
// parent is locked so that it cannot become a reply meanwhile.
func (s *Store) CreateComment(ctx context.Context, c model.Comment) (int64, error) {
	var parent *int64
	if c.ParentID != 0 {
		var measureID int64
		var grandParent *int64
		err := s.db.QueryRow(ctx, `SELECT measure_id, parent_id FROM comments WHERE id = $1 FOR SHARE`, c.ParentID).Scan(&measureID, &grandParent)
		if err != nil {
			return 0, fmt.Errorf("reply to comment %d: %w", c.ParentID, mapErr(err))
		}
		if measureID != c.MeasureID || grandParent != nil {
			return 0, fmt.Errorf("reply to comment %d: %w", c.ParentID, model.ErrNotFound)
		}
		parent = &c.ParentID
	}
	var body *int64
	if c.BodyID != 0 {
		body = &c.BodyID
	}
	var id int64
	err := s.db.QueryRow(ctx, `INSERT INTO comments (measure_id, parent_id, author_id, body_id, category, text_md, text_html,
		official, state, illustrative, created_at, activity_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, coalesce($11, now()),
		CASE WHEN $2::bigint IS NULL THEN coalesce($11, now()) END) RETURNING id`,
		c.MeasureID, parent, c.AuthorID, body, c.Category, c.Text, c.HTML, c.Official, c.State, c.Illustrative,
		nonZeroTime(c.CreatedAt)).Scan(&id)
	if err != nil {
		return 0, fmt.Errorf("create comment: %w", mapErr(err))
	}
	if _, err := s.db.Exec(ctx, `INSERT INTO comment_versions (comment_id, version, text_md, created_at)
		SELECT id, 1, text_md, created_at FROM comments WHERE id = $1`, id); err != nil {
		return 0, fmt.Errorf("create comment version: %w", err)
	}
	if parent != nil {
		// A reply brings its thread back to the first page.
		if _, err := s.db.Exec(ctx, `UPDATE comments p SET activity_at = greatest(p.activity_at, r.created_at)
			FROM comments r WHERE r.id = $1 AND p.id = r.parent_id`, id); err != nil {
			return 0, fmt.Errorf("thread activity of comment %d: %w", id, err)
		}
	}
	return id, nil
}

func nonZeroTime(t time.Time) *time.Time {
	if t.IsZero() {
		return nil
	}
	return &t
}

// LockCommentsOf makes the account's posts wait for one another until the
// transaction ends, so that the rate limit's count and the insert after it
// are never overtaken by a parallel post. It locks the account's row: NO KEY
// UPDATE leaves alone the rows that only refer to the account.
func (s *Store) LockCommentsOf(ctx context.Context, accountID int64) error {
	if _, err := s.db.Exec(ctx, `SELECT 1 FROM accounts WHERE id = $1 FOR NO KEY UPDATE`, accountID); err != nil {
		return fmt.Errorf("lock comments of account %d: %w", accountID, err)
	}
	return nil
}

// RecentCommentCount counts the comments an account posted since a time,
// withdrawn ones included, for the rate limit.
func (s *Store) RecentCommentCount(ctx context.Context, accountID int64, since time.Time) (int, error) {
	var n int
	err := s.db.QueryRow(ctx, `SELECT count(*) FROM comments WHERE author_id = $1 AND created_at > $2`, accountID, since).Scan(&n)
	if err != nil {
		return 0, fmt.Errorf("recent comments of account %d: %w", accountID, err)
	}
	return n, nil
}

// EditComment replaces a comment's text if it is still at version, and
// keeps the new text as the next version. A stale version writes nothing
// and answers ErrConflict.
func (s *Store) EditComment(ctx context.Context, id int64, version int, text, html string, at time.Time) error {
	tag, err := s.db.Exec(ctx, `UPDATE comments SET text_md = $3, text_html = $4, version = version + 1, edited_at = $5
		WHERE id = $1 AND version = $2`, id, version, text, html, at)
	if err != nil {
		return fmt.Errorf("edit comment %d: %w", id, mapErr(err))
	}
	if tag.RowsAffected() == 0 {
		return fmt.Errorf("edit comment %d: %w", id, model.ErrConflict)
	}
	if _, err := s.db.Exec(ctx, `INSERT INTO comment_versions (comment_id, version, text_md, created_at) VALUES ($1, $2, $3, $4)`,
		id, version+1, text, at); err != nil {
		return fmt.Errorf("edit comment %d: %w", id, err)
	}
	return nil
}

// CommentVersions returns every text the comment has had, oldest first.
func (s *Store) CommentVersions(ctx context.Context, id int64) ([]model.CommentVersion, error) {
	rows, err := s.db.Query(ctx, `SELECT version, text_md, created_at FROM comment_versions WHERE comment_id = $1 ORDER BY version`, id)
	if err != nil {
		return nil, fmt.Errorf("versions of comment %d: %w", id, err)
	}
	vs, err := pgx.CollectRows(rows, pgx.RowToStructByPos[model.CommentVersion])
	if err != nil {
		return nil, fmt.Errorf("versions of comment %d: %w", id, err)
	}
	return vs, nil
}

// WithdrawComment marks the comment withdrawn by its author. Its text
// stays in the versions for the audit, never in the thread.
func (s *Store) WithdrawComment(ctx context.Context, id int64, at time.Time) error {
	return s.execOne(ctx, fmt.Sprintf("withdraw comment %d", id),
		`UPDATE comments SET withdrawn_at = $2, official = false WHERE id = $1 AND withdrawn_at IS NULL`, id, at)
}

// SetCommentOfficial marks a reply as its body's official answer, or not.
func (s *Store) SetCommentOfficial(ctx context.Context, id int64, official bool) error {
	return s.execOne(ctx, fmt.Sprintf("official answer %d", id),
		`UPDATE comments SET official = $2 WHERE id = $1 AND parent_id IS NOT NULL`, id, official)
}

// HideComment hides a comment behind a public reason.
func (s *Store) HideComment(ctx context.Context, id int64, reason string, at time.Time) error {
	return s.execOne(ctx, fmt.Sprintf("hide comment %d", id),
		`UPDATE comments SET hidden_at = $2, hidden_reason = $3 WHERE id = $1`, id, at, reason)
}

// RestoreComment shows a hidden comment again.
func (s *Store) RestoreComment(ctx context.Context, id int64) error {
	return s.execOne(ctx, fmt.Sprintf("restore comment %d", id),
		`UPDATE comments SET hidden_at = NULL, hidden_reason = '' WHERE id = $1 AND hidden_at IS NOT NULL`, id)
}

// SetCommentState moves a pre-moderated comment from pending to published
// or rejected.
func (s *Store) SetCommentState(ctx context.Context, id int64, state model.CommentState) error {
	return s.execOne(ctx, fmt.Sprintf("moderate comment %d", id),
		`UPDATE comments SET state = $2 WHERE id = $1 AND state = 'pending'`, id, state)
}

// execOne runs a statement that must change exactly one row; none is
// ErrNotFound.
func (s *Store) execOne(ctx context.Context, what, sql string, args ...any) error {
	tag, err := s.db.Exec(ctx, sql, args...)
	if err != nil {
		return fmt.Errorf("%s: %w", what, mapErr(err))
	}
	if tag.RowsAffected() == 0 {
		return fmt.Errorf("%s: %w", what, model.ErrNotFound)
	}
	return nil
}

// FlagComment records a member's report; a second report of the same
// comment by the same account is ErrConflict.
func (s *Store) FlagComment(ctx context.Context, commentID, accountID int64, reason string) (int64, error) {
	var id int64
	err := s.db.QueryRow(ctx, `INSERT INTO comment_flags (comment_id, account_id, reason) VALUES ($1, $2, $3) RETURNING id`,
		commentID, accountID, reason).Scan(&id)
	if err != nil {
		return 0, fmt.Errorf("flag comment %d: %w", commentID, mapErr(err))
	}
	return id, nil
}

// ResolveFlags closes the comment's open flags with a resolution
// ("hidden" or "dismissed") and returns how many were open.
func (s *Store) ResolveFlags(ctx context.Context, commentID int64, resolution string, by int64, at time.Time) (int, error) {
	tag, err := s.db.Exec(ctx, `UPDATE comment_flags SET resolution = $2, resolved_by = $3, resolved_at = $4
		WHERE comment_id = $1 AND resolution = ''`, commentID, resolution, by, at)
	if err != nil {
		return 0, fmt.Errorf("resolve flags of comment %d: %w", commentID, err)
	}
	return int(tag.RowsAffected()), nil
}

// OpenFlags returns the unresolved flags, oldest first, at most limit.
func (s *Store) OpenFlags(ctx context.Context, limit int) ([]model.CommentFlag, error) {
	rows, err := s.db.Query(ctx, `SELECT f.id, f.comment_id, f.account_id, a.display_name, f.reason, f.created_at, f.resolution
		FROM comment_flags f JOIN accounts a ON a.id = f.account_id WHERE f.resolution = '' ORDER BY f.created_at, f.id LIMIT $1`, limit)
	if err != nil {
		return nil, fmt.Errorf("open flags: %w", err)
	}
	fs, err := pgx.CollectRows(rows, pgx.RowToStructByPos[model.CommentFlag])
	if err != nil {
		return nil, fmt.Errorf("open flags: %w", err)
	}
	return fs, nil
}

// CommentsByID returns the comments with the given ids, oldest first.
func (s *Store) CommentsByID(ctx context.Context, ids []int64) ([]model.Comment, error) {
	return s.comments(ctx, "comments by id", `c.id = ANY($1) ORDER BY c.created_at, c.id`, ids)
}

// CommentsInState returns the comments waiting in pre-moderation (or in
// another state), oldest first, at most limit.
func (s *Store) CommentsInState(ctx context.Context, state model.CommentState, limit int) ([]model.Comment, error) {
	return s.comments(ctx, "comments by state", `c.state = $1 AND c.withdrawn_at IS NULL ORDER BY c.created_at, c.id LIMIT $2`, state, limit)
}

// CommentCountInState counts the comments in a state, not withdrawn, up
// to model.CommentCountCap + 1.
func (s *Store) CommentCountInState(ctx context.Context, state model.CommentState) (int, error) {
	var n int
	err := s.db.QueryRow(ctx, `SELECT count(*) FROM (SELECT 1 FROM comments c WHERE c.state = $1 AND c.withdrawn_at IS NULL LIMIT $2) x`,
		state, model.CommentCountCap+1).Scan(&n)
	if err != nil {
		return 0, fmt.Errorf("comments in state %s: %w", state, err)
	}
	return n, nil
}

// HiddenComments returns the comments the moderation hid, latest first.
func (s *Store) HiddenComments(ctx context.Context, limit int) ([]model.Comment, error) {
	return s.comments(ctx, "hidden comments", `c.hidden_at IS NOT NULL ORDER BY c.hidden_at DESC LIMIT $1`, limit)
}

// CommentsOfBody returns the comments posted for a body, latest first,
// with the plan settings their visibility depends on.
func (s *Store) CommentsOfBody(ctx context.Context, bodyID int64, offset, limit int) ([]model.Comment, error) {
	return s.comments(ctx, fmt.Sprintf("comments of body %d", bodyID),
		`c.id IN (SELECT c.id FROM comments c WHERE c.body_id = $1 ORDER BY c.created_at DESC, c.id DESC OFFSET $2 LIMIT $3)
		ORDER BY c.created_at DESC, c.id DESC`, bodyID, offset, limit)
}

// publishedComment is the condition of a comment that readers of the
// measure see, that of the partial index comments_published_idx.
const publishedComment = `c.state = 'published' AND c.withdrawn_at IS NULL AND c.hidden_at IS NULL`

// MeasuresAwaitingAnswer lists the measures with at least one visible
// top-level comment whose thread has no official answer, the longest
// waiting first. Each measure's oldest such comment is read from
// comments_published_idx, and they are counted up to
// model.AwaitingCountCap + 1: never the whole table.
func (s *Store) MeasuresAwaitingAnswer(ctx context.Context) ([]model.MeasureAwaitingAnswer, error) {
	const unanswered = `c.measure_id = m.id AND c.parent_id IS NULL AND ` + publishedComment + `
		AND NOT EXISTS (SELECT 1 FROM comments r WHERE r.parent_id = c.id AND r.official
			AND r.state = 'published' AND r.withdrawn_at IS NULL AND r.hidden_at IS NULL)`
	rows, err := s.db.Query(ctx, `SELECT m.id, CASE WHEN m.number = '' THEN m.title ELSE m.number || '. ' || m.title END,
			(SELECT count(*) FROM (SELECT 1 FROM comments c WHERE `+unanswered+` LIMIT $1) n), oldest.created_at
		FROM measures m
		JOIN LATERAL (SELECT c.created_at FROM comments c WHERE `+unanswered+` ORDER BY c.created_at LIMIT 1) oldest ON true
		ORDER BY oldest.created_at, m.id`, model.AwaitingCountCap+1)
	if err != nil {
		return nil, fmt.Errorf("measures awaiting an answer: %w", err)
	}
	ms, err := pgx.CollectRows(rows, pgx.RowToStructByPos[model.MeasureAwaitingAnswer])
	if err != nil {
		return nil, fmt.Errorf("measures awaiting an answer: %w", err)
	}
	return ms, nil
}

// CommentCounts returns, per measure of the plan, how many published
// comments members can read, up to model.CommentCountCap + 1 (from
// comments_published_idx alone), for the plan page.
func (s *Store) CommentCounts(ctx context.Context, planID int64) (map[int64]int, error) {
	rows, err := s.db.Query(ctx, `SELECT m.id, (SELECT count(*) FROM (SELECT 1 FROM comments c
			WHERE c.measure_id = m.id AND `+publishedComment+` LIMIT $2) n)
		FROM measures m WHERE m.plan_id = $1`, planID, model.CommentCountCap+1)
	if err != nil {
		return nil, fmt.Errorf("comment counts of plan %d: %w", planID, err)
	}
	counts := map[int64]int{}
	var id int64
	var n int
	_, err = pgx.ForEachRow(rows, []any{&id, &n}, func() error {
		if n > 0 {
			counts[id] = n
		}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("comment counts of plan %d: %w", planID, err)
	}
	return counts, nil
}

// SetPlanConsultation saves who may comment on the plan's measures, who
// reads the comments, and whether they are pre-moderated.
func (s *Store) SetPlanConsultation(ctx context.Context, planID int64, categories []model.Category, public, premoderation bool) error {
	cs := make([]string, 0, len(categories))
	for _, c := range categories {
		cs = append(cs, string(c))
	}
	return s.execOne(ctx, fmt.Sprintf("consultation of plan %d", planID),
		`UPDATE plans SET comment_categories = $2, comments_public = $3, premoderation = $4 WHERE id = $1`,
		planID, cs, public, premoderation)
}

// SetRejectionReason keeps why the moderation refused a pending comment,
// for its author.
func (s *Store) SetRejectionReason(ctx context.Context, id int64, reason string) error {
	return s.execOne(ctx, fmt.Sprintf("rejection reason of comment %d", id),
		`UPDATE comments SET hidden_reason = $2 WHERE id = $1 AND state = 'rejected'`, id, reason)
}

// CommentScope says which comments a reader sees besides the published
// ones: every one (All) or also the reader's own (AuthorID). The server
// derives it from access and still checks each comment it shows.
type CommentScope struct {
	All      bool
	AuthorID int64
}

// visible is the scope's condition on comment c, its two arguments
// numbered from n.
func visible(n int) string {
	return fmt.Sprintf(`(c.state = 'published' OR $%d::boolean OR c.author_id = $%d)`, n, n+1)
}

// CommentTotals counts the comments of a measure in the scope: all of
// them, the threads, and the official answers still shown.
func (s *Store) CommentTotals(ctx context.Context, measureID int64, scope CommentScope) (model.CommentTotals, error) {
	var t model.CommentTotals
	err := s.db.QueryRow(ctx, `SELECT count(*), count(*) FILTER (WHERE c.parent_id IS NULL),
			count(*) FILTER (WHERE c.official AND c.withdrawn_at IS NULL AND c.hidden_at IS NULL)
		FROM comments c WHERE c.measure_id = $1 AND `+visible(2), measureID, scope.All, scope.AuthorID).
		Scan(&t.Comments, &t.Threads, &t.Official)
	if err != nil {
		return t, fmt.Errorf("comment totals of measure %d: %w", measureID, err)
	}
	return t, nil
}

// ThreadPage returns a page of a measure's threads in the scope, latest
// activity first, each with at most replyCap of its replies (the official
// answers and the latest ones, shown official first and then by date)
// and ReplyCount set to all of them.
func (s *Store) ThreadPage(ctx context.Context, measureID int64, scope CommentScope, offset, limit, replyCap int) ([]model.Comment, error) {
	threads, err := s.comments(ctx, fmt.Sprintf("threads of measure %d", measureID),
		// The page's ids first, from the index alone: joined before
		// the OFFSET, every skipped thread would be read.
		`c.id IN (SELECT c.id FROM comments c WHERE c.measure_id = $1 AND c.parent_id IS NULL AND `+visible(2)+`
			ORDER BY c.activity_at DESC, c.id DESC OFFSET $4 LIMIT $5) ORDER BY c.activity_at DESC, c.id DESC`,
		measureID, scope.All, scope.AuthorID, offset, limit)
	if err != nil {
		return nil, err
	}
	return threads, s.AttachReplies(ctx, threads, scope, replyCap)
}

// OneThread returns a top-level comment with every reply in the scope.
func (s *Store) OneThread(ctx context.Context, id int64, scope CommentScope) (model.Comment, error) {
	t, err := s.Comment(ctx, id)
	if err != nil {
		return t, err
	}
	if t.ParentID != 0 {
		return t, fmt.Errorf("thread %d: %w", id, model.ErrNotFound)
	}
	threads := []model.Comment{t}
	err = s.AttachReplies(ctx, threads, scope, 0)
	return threads[0], err
}

// AttachReplies fills the threads' replies in the scope, at most max of
// each unless max is 0.
func (s *Store) AttachReplies(ctx context.Context, threads []model.Comment, scope CommentScope, max int) error {
	if len(threads) == 0 {
		return nil
	}
	ids := make([]int64, len(threads))
	at := map[int64]int{}
	for i, t := range threads {
		ids[i] = t.ID
		at[t.ID] = i
	}
	rows, err := s.db.Query(ctx, `SELECT c.parent_id, count(*) FROM comments c WHERE c.parent_id = ANY($1) AND `+visible(2)+`
		GROUP BY c.parent_id`, ids, scope.All, scope.AuthorID)
	if err != nil {
		return fmt.Errorf("reply counts: %w", err)
	}
	var parent int64
	var n int
	if _, err := pgx.ForEachRow(rows, []any{&parent, &n}, func() error { threads[at[parent]].ReplyCount = n; return nil }); err != nil {
		return fmt.Errorf("reply counts: %w", err)
	}
	if max <= 0 {
		max = 1 << 30
	}
	replies, err := s.comments(ctx, "replies", `c.id IN (SELECT id FROM (SELECT c.id, row_number() OVER (PARTITION BY c.parent_id
			ORDER BY c.official DESC, c.created_at DESC, c.id DESC) AS n FROM comments c WHERE c.parent_id = ANY($1) AND `+visible(2)+`) r
		WHERE r.n <= $4) ORDER BY c.created_at, c.id`, ids, scope.All, scope.AuthorID, max)
	if err != nil {
		return err
	}
	for _, r := range replies {
		i := at[r.ParentID]
		threads[i].Replies = append(threads[i].Replies, r)
	}
	for i := range threads {
		sortReplies(threads[i].Replies)
	}
	return nil
}

// ThreadPosition counts the threads of the measure in the scope that
// come before thread id, latest activity first.
func (s *Store) ThreadPosition(ctx context.Context, measureID, id int64, scope CommentScope) (int, error) {
	var n int
	err := s.db.QueryRow(ctx, `SELECT count(*) FROM comments c, comments t
		WHERE t.id = $4 AND c.measure_id = $1 AND c.parent_id IS NULL AND `+visible(2)+`
			AND (c.activity_at > t.activity_at OR (c.activity_at = t.activity_at AND c.id > t.id))`,
		measureID, scope.All, scope.AuthorID, id).Scan(&n)
	if err != nil {
		return 0, fmt.Errorf("position of thread %d: %w", id, err)
	}
	return n, nil
}

// OfficialAnswers returns a page of a measure's official answers in the
// scope, latest first, each as its thread's first comment with the
// answer as its only reply.
func (s *Store) OfficialAnswers(ctx context.Context, measureID int64, scope CommentScope, offset, limit int) ([]model.Comment, error) {
	answers, err := s.comments(ctx, fmt.Sprintf("official answers of measure %d", measureID),
		`c.id IN (SELECT c.id FROM comments c WHERE c.measure_id = $1 AND c.official AND c.withdrawn_at IS NULL
			AND c.hidden_at IS NULL AND `+visible(2)+` ORDER BY c.created_at DESC, c.id DESC OFFSET $4 LIMIT $5)
		ORDER BY c.created_at DESC, c.id DESC`, measureID, scope.All, scope.AuthorID, offset, limit)
	if err != nil || len(answers) == 0 {
		return nil, err
	}
	ids := make([]int64, len(answers))
	for i, a := range answers {
		ids[i] = a.ParentID
	}
	parents, err := s.CommentsByID(ctx, ids)
	if err != nil {
		return nil, err
	}
	byID := map[int64]model.Comment{}
	for _, p := range parents {
		byID[p.ID] = p
	}
	threads := make([]model.Comment, 0, len(answers))
	for _, a := range answers {
		t := byID[a.ParentID]
		t.Replies = []model.Comment{a}
		threads = append(threads, t)
	}
	return threads, nil
}
