package store

import (
	"context"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"

	"comite/internal/model"
)

const draftTextColumns = `t.id, t.title, t.context_md, t.context_html, t.opens_at, t.closes_at, t.categories, t.premoderation,
	t.current_version, coalesce(t.agenda_item_id, 0), t.illustrative, t.created_at`

func scanDraftText(row pgx.Row, extra ...any) (model.DraftText, error) {
	var t model.DraftText
	var cats []string
	dest := append([]any{&t.ID, &t.Title, &t.ContextMD, &t.ContextHTML, &t.OpensAt, &t.ClosesAt, &cats, &t.Premoderation,
		&t.CurrentVersion, &t.AgendaItemID, &t.Illustrative, &t.CreatedAt}, extra...)
	err := row.Scan(dest...)
	for _, c := range cats {
		t.Categories = append(t.Categories, model.Category(c))
	}
	return t, err
}

func categoryStrings(cs []model.Category) []string {
	out := make([]string, 0, len(cs))
	for _, c := range cs {
		out = append(out, string(c))
	}
	return out
}

// CreateDraftText inserts a draft text's settings; its first version is
// added by AddTextVersion in the same transaction.
func (s *Store) CreateDraftText(ctx context.Context, t model.DraftText, createdBy int64) (int64, error) {
	var id int64
	err := s.db.QueryRow(ctx, `INSERT INTO draft_texts (title, context_md, context_html, opens_at, closes_at, categories,
		premoderation, current_version, agenda_item_id, illustrative, created_by)
		VALUES ($1, $2, $3, $4, $5, $6, $7, 0, nullif($8, 0), $9, nullif($10, 0)) RETURNING id`,
		t.Title, t.ContextMD, t.ContextHTML, t.OpensAt, t.ClosesAt, categoryStrings(t.Categories), t.Premoderation,
		t.AgendaItemID, t.Illustrative, createdBy).Scan(&id)
	if err != nil {
		return 0, fmt.Errorf("create draft text: %w", mapErr(err))
	}
	return id, nil
}

// UpdateDraftText changes a text's settings (not its versions).
func (s *Store) UpdateDraftText(ctx context.Context, t model.DraftText) error {
	return s.execOne(ctx, fmt.Sprintf("update draft text %d", t.ID), `UPDATE draft_texts SET title = $2, context_md = $3,
		context_html = $4, opens_at = $5, closes_at = $6, categories = $7, premoderation = $8, agenda_item_id = nullif($9, 0)
		WHERE id = $1`,
		t.ID, t.Title, t.ContextMD, t.ContextHTML, t.OpensAt, t.ClosesAt, categoryStrings(t.Categories), t.Premoderation, t.AgendaItemID)
}

// DraftText returns one text's settings.
func (s *Store) DraftText(ctx context.Context, id int64) (model.DraftText, error) {
	t, err := scanDraftText(s.db.QueryRow(ctx, `SELECT `+draftTextColumns+` FROM draft_texts t WHERE t.id = $1`, id))
	if err != nil {
		return t, fmt.Errorf("draft text %d: %w", id, mapErr(err))
	}
	return t, nil
}

// LockDraftText takes the text's row for the transaction, so that new
// versions and the answers that merge amendments run one after the other.
func (s *Store) LockDraftText(ctx context.Context, id int64) (model.DraftText, error) {
	t, err := scanDraftText(s.db.QueryRow(ctx, `SELECT `+draftTextColumns+` FROM draft_texts t WHERE t.id = $1 FOR UPDATE`, id))
	if err != nil {
		return t, fmt.Errorf("lock draft text %d: %w", id, mapErr(err))
	}
	return t, nil
}

// DraftTexts returns a page of texts, newest first, each with its count of
// published contributions, and how many texts there are (0 for a page past
// the end, which reads no row to count them on).
func (s *Store) DraftTexts(ctx context.Context, offset, limit int) ([]model.DraftText, int, error) {
	rows, err := s.db.Query(ctx, `SELECT `+draftTextColumns+`,
		(SELECT count(*) FROM contributions c WHERE c.text_id = t.id AND c.state = 'published' AND c.withdrawn_at IS NULL),
		count(*) OVER ()
		FROM draft_texts t ORDER BY t.created_at DESC, t.id DESC OFFSET $1 LIMIT $2`, offset, limit)
	if err != nil {
		return nil, 0, fmt.Errorf("draft texts: %w", err)
	}
	total := 0
	ts, err := pgx.CollectRows(rows, func(r pgx.CollectableRow) (model.DraftText, error) {
		var n int
		t, err := scanDraftText(r, &n, &total)
		t.Contributions = n
		return t, err
	})
	if err != nil {
		return nil, 0, fmt.Errorf("draft texts: %w", err)
	}
	return ts, total, nil
}

// DraftTextsOnAgenda returns the texts tabled on the given agenda items.
func (s *Store) DraftTextsOnAgenda(ctx context.Context, itemIDs []int64) ([]model.DraftText, error) {
	rows, err := s.db.Query(ctx, `SELECT `+draftTextColumns+` FROM draft_texts t WHERE t.agenda_item_id = ANY($1) ORDER BY t.id`, itemIDs)
	if err != nil {
		return nil, fmt.Errorf("draft texts on agenda: %w", err)
	}
	ts, err := pgx.CollectRows(rows, func(r pgx.CollectableRow) (model.DraftText, error) { return scanDraftText(r) })
	if err != nil {
		return nil, fmt.Errorf("draft texts on agenda: %w", err)
	}
	return ts, nil
}

// AddTextVersion stores version v of a text with its blocks and makes it
// the text's current version. Call it under LockDraftText.
func (s *Store) AddTextVersion(ctx context.Context, v model.TextVersion, createdBy int64) error {
	lost := v.Lost
	if lost == nil {
		lost = []string{}
	}
	_, err := s.db.Exec(ctx, `INSERT INTO text_versions (text_id, version, source_md, note, lost, created_by, created_at)
		VALUES ($1, $2, $3, $4, $5, nullif($6, 0), $7)`, v.TextID, v.Version, v.SourceMD, v.Note, lost, createdBy, v.CreatedAt)
	if err != nil {
		return fmt.Errorf("add version %d of text %d: %w", v.Version, v.TextID, mapErr(err))
	}
	rows := make([][]any, 0, len(v.Blocks))
	for i, b := range v.Blocks {
		rows = append(rows, []any{v.TextID, v.Version, i + 1, b.Number, b.Level, b.Anchor, b.Text, b.HTML})
	}
	if _, err := s.db.CopyFrom(ctx, pgx.Identifier{"text_paragraphs"}, []string{"text_id", "version", "position", "number", "level", "anchor", "text_md", "text_html"},
		pgx.CopyFromRows(rows)); err != nil {
		return fmt.Errorf("add paragraphs of version %d of text %d: %w", v.Version, v.TextID, mapErr(err))
	}
	if _, err := s.db.Exec(ctx, `UPDATE draft_texts SET current_version = $2 WHERE id = $1`, v.TextID, v.Version); err != nil {
		return fmt.Errorf("current version of text %d: %w", v.TextID, err)
	}
	return nil
}

// TextVersion returns one version of a text with its blocks in order.
func (s *Store) TextVersion(ctx context.Context, textID int64, version int) (model.TextVersion, error) {
	v := model.TextVersion{TextID: textID, Version: version}
	err := s.db.QueryRow(ctx, `SELECT source_md, note, lost, created_at FROM text_versions WHERE text_id = $1 AND version = $2`,
		textID, version).Scan(&v.SourceMD, &v.Note, &v.Lost, &v.CreatedAt)
	if err != nil {
		return v, fmt.Errorf("version %d of text %d: %w", version, textID, mapErr(err))
	}
	rows, err := s.db.Query(ctx, `SELECT number, level, anchor, text_md, text_html FROM text_paragraphs
		WHERE text_id = $1 AND version = $2 ORDER BY position`, textID, version)
	if err != nil {
		return v, fmt.Errorf("paragraphs of version %d of text %d: %w", version, textID, err)
	}
	v.Blocks, err = pgx.CollectRows(rows, func(r pgx.CollectableRow) (model.TextBlock, error) {
		var b model.TextBlock
		err := r.Scan(&b.Number, &b.Level, &b.Anchor, &b.Text, &b.HTML)
		return b, err
	})
	if err != nil {
		return v, fmt.Errorf("paragraphs of version %d of text %d: %w", version, textID, err)
	}
	return v, nil
}

const contributionColumns = `c.id, c.text_id, c.version, c.anchor, c.kind, c.quote, c.text_md, c.text_html, c.wording,
	c.author_id, a.display_name, coalesce(c.body_id, 0), coalesce(b.name, ''), c.category, c.state, c.edited_at,
	c.withdrawn_at, c.hidden_at, c.hidden_reason, c.answer, c.answer_reason, c.answered_at, coalesce(c.merged_in, 0),
	c.illustrative, c.created_at, coalesce(p.text_md, ''), coalesce(p.text_html, ''), coalesce(p.number, 0),
	coalesce((SELECT array_agg(sb.name ORDER BY s.created_at) FROM contribution_supports s JOIN bodies sb ON sb.id = s.body_id
		WHERE s.contribution_id = c.id), '{}')`

const contributionJoins = ` FROM contributions c JOIN accounts a ON a.id = c.author_id LEFT JOIN bodies b ON b.id = c.body_id
	LEFT JOIN text_paragraphs p ON p.text_id = c.text_id AND p.version = c.version AND p.anchor = c.anchor`

func scanContribution(row pgx.Row) (model.Contribution, error) {
	var c model.Contribution
	err := row.Scan(&c.ID, &c.TextID, &c.Version, &c.Anchor, &c.Kind, &c.Quote, &c.Text, &c.HTML, &c.Wording,
		&c.AuthorID, &c.AuthorName, &c.BodyID, &c.BodyName, &c.Category, &c.State, &c.EditedAt,
		&c.WithdrawnAt, &c.HiddenAt, &c.HiddenReason, &c.Verdict, &c.AnswerReason, &c.AnsweredAt, &c.MergedIn,
		&c.Illustrative, &c.CreatedAt, &c.Paragraph, &c.ParagraphHTML, &c.Number, &c.Supporters)
	return c, err
}

// Contribution returns one contribution with the paragraph it was posted on.
func (s *Store) Contribution(ctx context.Context, id int64) (model.Contribution, error) {
	c, err := scanContribution(s.db.QueryRow(ctx, `SELECT `+contributionColumns+contributionJoins+` WHERE c.id = $1`, id))
	if err != nil {
		return c, fmt.Errorf("contribution %d: %w", id, mapErr(err))
	}
	return c, nil
}

// ContributionCap is the most contributions a text's page reads; a text
// past it shows the first ones and says so.
const ContributionCap = 2000

// Contributions returns the contributions posted on versions up to
// version of a text, oldest first, at most ContributionCap. all adds the
// unpublished ones; otherwise only those of author (0: none) are added.
func (s *Store) Contributions(ctx context.Context, textID int64, version int, all bool, author int64) ([]model.Contribution, error) {
	rows, err := s.db.Query(ctx, `SELECT `+contributionColumns+contributionJoins+`
		WHERE c.text_id = $1 AND c.version <= $2 AND `+visible(3)+`
		ORDER BY c.created_at, c.id LIMIT $5`, textID, version, all, author, ContributionCap)
	if err != nil {
		return nil, fmt.Errorf("contributions of text %d: %w", textID, err)
	}
	cs, err := pgx.CollectRows(rows, func(r pgx.CollectableRow) (model.Contribution, error) { return scanContribution(r) })
	if err != nil {
		return nil, fmt.Errorf("contributions of text %d: %w", textID, err)
	}
	return cs, nil
}

// CreateContribution inserts a contribution; the paragraph must exist in
// the version it names.
func (s *Store) CreateContribution(ctx context.Context, c model.Contribution) (int64, error) {
	var id int64
	err := s.db.QueryRow(ctx, `INSERT INTO contributions (text_id, version, anchor, kind, quote, text_md, text_html, wording,
		author_id, body_id, category, state, illustrative, created_at)
		SELECT $1, $2, $3, $4, $5, $6, $7, $8, $9, nullif($10, 0), $11, $12, $13, $14
		WHERE EXISTS (SELECT 1 FROM text_paragraphs WHERE text_id = $1 AND version = $2 AND anchor = $3 AND level = 0)
		RETURNING id`,
		c.TextID, c.Version, c.Anchor, c.Kind, c.Quote, c.Text, c.HTML, c.Wording, c.AuthorID, c.BodyID, c.Category, c.State,
		c.Illustrative, c.CreatedAt).Scan(&id)
	if err != nil {
		return 0, fmt.Errorf("create contribution on text %d: %w", c.TextID, mapErr(err))
	}
	return id, nil
}

// RecentContributionCount counts the contributions an account posted since
// a time, withdrawn ones included, for the rate limit (taken under
// LockCommentsOf, as comments are).
func (s *Store) RecentContributionCount(ctx context.Context, accountID int64, since time.Time) (int, error) {
	var n int
	err := s.db.QueryRow(ctx, `SELECT count(*) FROM contributions WHERE author_id = $1 AND created_at > $2`, accountID, since).Scan(&n)
	if err != nil {
		return 0, fmt.Errorf("recent contributions of account %d: %w", accountID, err)
	}
	return n, nil
}

// EditContribution replaces a contribution's texts.
func (s *Store) EditContribution(ctx context.Context, id int64, text, html, wording string, at time.Time) error {
	_, err := s.db.Exec(ctx, `UPDATE contributions SET text_md = $2, text_html = $3, wording = $4, edited_at = $5 WHERE id = $1`,
		id, text, html, wording, at)
	if err != nil {
		return fmt.Errorf("edit contribution %d: %w", id, mapErr(err))
	}
	return nil
}

// WithdrawContribution marks a contribution withdrawn by its author.
func (s *Store) WithdrawContribution(ctx context.Context, id int64, at time.Time) error {
	if _, err := s.db.Exec(ctx, `UPDATE contributions SET withdrawn_at = $2 WHERE id = $1 AND withdrawn_at IS NULL`, id, at); err != nil {
		return fmt.Errorf("withdraw contribution %d: %w", id, err)
	}
	return nil
}

// SetSupport adds or removes a body's support of a contribution.
func (s *Store) SetSupport(ctx context.Context, contributionID, bodyID, accountID int64, on bool) error {
	var err error
	if on {
		_, err = s.db.Exec(ctx, `INSERT INTO contribution_supports (contribution_id, body_id, account_id) VALUES ($1, $2, $3)
			ON CONFLICT DO NOTHING`, contributionID, bodyID, accountID)
	} else {
		_, err = s.db.Exec(ctx, `DELETE FROM contribution_supports WHERE contribution_id = $1 AND body_id = $2`, contributionID, bodyID)
	}
	if err != nil {
		return fmt.Errorf("support of contribution %d: %w", contributionID, err)
	}
	return nil
}

// Supports returns the contributions on a text that a body supports.
func (s *Store) Supports(ctx context.Context, bodyID, textID int64) (map[int64]bool, error) {
	rows, err := s.db.Query(ctx, `SELECT s.contribution_id FROM contribution_supports s
		JOIN contributions c ON c.id = s.contribution_id WHERE s.body_id = $1 AND c.text_id = $2`, bodyID, textID)
	if err != nil {
		return nil, fmt.Errorf("supports of body %d: %w", bodyID, err)
	}
	ids, err := pgx.CollectRows(rows, pgx.RowTo[int64])
	if err != nil {
		return nil, fmt.Errorf("supports of body %d: %w", bodyID, err)
	}
	out := map[int64]bool{}
	for _, id := range ids {
		out[id] = true
	}
	return out, nil
}

// AnswerContribution records the secretariat's answer.
func (s *Store) AnswerContribution(ctx context.Context, id int64, verdict model.Verdict, reason string, by int64, at time.Time) error {
	_, err := s.db.Exec(ctx, `UPDATE contributions SET answer = $2, answer_reason = $3, answered_by = nullif($4, 0), answered_at = $5 WHERE id = $1`,
		id, verdict, reason, by, at)
	if err != nil {
		return fmt.Errorf("answer contribution %d: %w", id, mapErr(err))
	}
	return nil
}

// ModerateContribution sets a contribution's pre-moderation state and its
// hiding (hiddenAt nil shows it again).
func (s *Store) ModerateContribution(ctx context.Context, id int64, state model.CommentState, hiddenAt *time.Time, reason string) error {
	_, err := s.db.Exec(ctx, `UPDATE contributions SET state = $2, hidden_at = $3, hidden_reason = $4 WHERE id = $1`,
		id, state, hiddenAt, reason)
	if err != nil {
		return fmt.Errorf("moderate contribution %d: %w", id, mapErr(err))
	}
	return nil
}

// MarkMerged records that version took in the accepted amendments of a
// text whose wording it now holds as a paragraph, and returns their ids.
func (s *Store) MarkMerged(ctx context.Context, textID int64, version int) ([]int64, error) {
	rows, err := s.db.Query(ctx, `SELECT id, wording FROM contributions WHERE text_id = $1 AND kind = 'amendment'
		AND answer IN ('accepted', 'partly_accepted') AND merged_in IS NULL AND withdrawn_at IS NULL`, textID)
	if err != nil {
		return nil, fmt.Errorf("amendments of text %d: %w", textID, err)
	}
	type amendment struct {
		id      int64
		wording string
	}
	as, err := pgx.CollectRows(rows, func(r pgx.CollectableRow) (amendment, error) {
		var a amendment
		err := r.Scan(&a.id, &a.wording)
		return a, err
	})
	if err != nil {
		return nil, fmt.Errorf("amendments of text %d: %w", textID, err)
	}
	var merged []int64
	for _, a := range as {
		var ok bool
		err := s.db.QueryRow(ctx, `SELECT EXISTS (SELECT 1 FROM text_paragraphs WHERE text_id = $1 AND version = $2
			AND (anchor = $3 OR anchor LIKE $3 || '-%'))`, textID, version, "p-"+model.ParagraphHash(a.wording)).Scan(&ok)
		if err != nil {
			return nil, fmt.Errorf("amendment %d: %w", a.id, err)
		}
		if !ok {
			continue
		}
		if _, err := s.db.Exec(ctx, `UPDATE contributions SET merged_in = $2 WHERE id = $1`, a.id, version); err != nil {
			return nil, fmt.Errorf("merge amendment %d: %w", a.id, err)
		}
		merged = append(merged, a.id)
	}
	return merged, nil
}

// FollowDraftText makes an account follow a text (or stop, with on false).
func (s *Store) FollowDraftText(ctx context.Context, accountID, textID int64, on bool) error {
	var err error
	if on {
		_, err = s.db.Exec(ctx, `INSERT INTO draft_text_follows (account_id, text_id) VALUES ($1, $2) ON CONFLICT DO NOTHING`, accountID, textID)
	} else {
		_, err = s.db.Exec(ctx, `DELETE FROM draft_text_follows WHERE account_id = $1 AND text_id = $2`, accountID, textID)
	}
	if err != nil {
		return fmt.Errorf("follow text %d: %w", textID, mapErr(err))
	}
	return nil
}

// FollowsDraftText reports whether an account follows a text.
func (s *Store) FollowsDraftText(ctx context.Context, accountID, textID int64) (bool, error) {
	var yes bool
	err := s.db.QueryRow(ctx, `SELECT EXISTS (SELECT 1 FROM draft_text_follows WHERE account_id = $1 AND text_id = $2)`,
		accountID, textID).Scan(&yes)
	if err != nil {
		return false, fmt.Errorf("follows text %d: %w", textID, err)
	}
	return yes, nil
}

// DraftTextFollowers returns the active accounts that follow a text.
func (s *Store) DraftTextFollowers(ctx context.Context, textID int64) ([]Follower, error) {
	rows, err := s.db.Query(ctx, `SELECT a.id, a.email, a.display_name
		FROM draft_text_follows f JOIN accounts a ON a.id = f.account_id WHERE f.text_id = $1 AND a.active ORDER BY a.id`, textID)
	if err != nil {
		return nil, fmt.Errorf("followers of text %d: %w", textID, err)
	}
	fs, err := pgx.CollectRows(rows, pgx.RowToStructByPos[Follower])
	if err != nil {
		return nil, fmt.Errorf("followers of text %d: %w", textID, err)
	}
	return fs, nil
}

// PendingContributions returns the oldest contributions waiting in
// pre-moderation, at most limit, for the moderation desk.
func (s *Store) PendingContributions(ctx context.Context, limit int) ([]model.Contribution, error) {
	rows, err := s.db.Query(ctx, `SELECT `+contributionColumns+contributionJoins+`
		WHERE c.state = 'pending' AND c.withdrawn_at IS NULL ORDER BY c.created_at, c.id LIMIT $1`, limit)
	if err != nil {
		return nil, fmt.Errorf("pending contributions: %w", err)
	}
	cs, err := pgx.CollectRows(rows, func(r pgx.CollectableRow) (model.Contribution, error) { return scanContribution(r) })
	if err != nil {
		return nil, fmt.Errorf("pending contributions: %w", err)
	}
	return cs, nil
}
