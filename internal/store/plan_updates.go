package store

import (
	"context"
	"encoding/json"
	"fmt"
	"strconv"
	"time"

	"github.com/jackc/pgx/v5"

	"comite/internal/model"
)

const updateColumns = `u.id, u.measure_id, coalesce(u.campaign_id, 0), coalesce(u.author_id, 0), coalesce(a.display_name, ''),
	coalesce(u.body_id, 0), coalesce(b.name, ''), u.state, u.status, u.progress, u.text, u.indicator_values, u.happened_on,
	u.created_at, coalesce(r.display_name, ''), u.reviewed_at, u.review_remark, u.illustrative`

const updateJoins = ` FROM measure_updates u LEFT JOIN accounts a ON a.id = u.author_id LEFT JOIN bodies b ON b.id = u.body_id
	LEFT JOIN accounts r ON r.id = u.reviewed_by`

func scanUpdate(row pgx.Row) (model.MeasureUpdate, error) {
	var u model.MeasureUpdate
	err := row.Scan(&u.ID, &u.MeasureID, &u.CampaignID, &u.AuthorID, &u.AuthorName, &u.BodyID, &u.BodyName, &u.State, &u.Status,
		&u.Progress, &u.Text, &u.IndicatorValues, &u.HappenedOn, &u.CreatedAt, &u.ReviewedByName, &u.ReviewedAt, &u.ReviewRemark, &u.Illustrative)
	return u, err
}

func (s *Store) updates(ctx context.Context, where string, args ...any) ([]model.MeasureUpdate, error) {
	rows, err := s.db.Query(ctx, `SELECT `+updateColumns+updateJoins+` WHERE `+where+` ORDER BY u.happened_on DESC, u.id DESC`, args...)
	if err != nil {
		return nil, fmt.Errorf("measure updates: %w", err)
	}
	us, err := pgx.CollectRows(rows, func(r pgx.CollectableRow) (model.MeasureUpdate, error) { return scanUpdate(r) })
	if err != nil {
		return nil, fmt.Errorf("measure updates: %w", err)
	}
	return us, nil
}

// MeasureUpdates returns the measure's updates, latest first: the published
// ones, and with all also those pending or returned.
func (s *Store) MeasureUpdates(ctx context.Context, measureID int64, all bool) ([]model.MeasureUpdate, error) {
	return s.updates(ctx, `u.measure_id = $1 AND ($2 OR u.state = 'published')`, measureID, all)
}

// MeasureUpdate returns one update.
func (s *Store) MeasureUpdate(ctx context.Context, id int64) (model.MeasureUpdate, error) {
	us, err := s.updates(ctx, `u.id = $1`, id)
	if err != nil {
		return model.MeasureUpdate{}, err
	}
	if len(us) == 0 {
		return model.MeasureUpdate{}, fmt.Errorf("measure update %d: %w", id, model.ErrNotFound)
	}
	return us[0], nil
}

// PendingUpdates returns the updates awaiting the secretariat, oldest first.
func (s *Store) PendingUpdates(ctx context.Context) ([]model.MeasureUpdate, error) {
	us, err := s.updates(ctx, `u.state = 'pending'`)
	if err != nil {
		return nil, err
	}
	for i, j := 0, len(us)-1; i < j; i, j = i+1, j-1 {
		us[i], us[j] = us[j], us[i]
	}
	return us, nil
}

// AddMeasureUpdate records an update; a published one applies at once.
func (s *Store) AddMeasureUpdate(ctx context.Context, u model.MeasureUpdate) (int64, error) {
	values, err := json.Marshal(u.IndicatorValues)
	if err != nil {
		return 0, err
	}
	if u.IndicatorValues == nil {
		values = []byte("{}")
	}
	var id int64
	err = s.db.QueryRow(ctx, `INSERT INTO measure_updates (measure_id, campaign_id, author_id, body_id, state, status, progress,
			text, indicator_values, happened_on, reviewed_by, reviewed_at, illustrative)
		VALUES ($1, nullif($2, 0), nullif($3, 0), nullif($4, 0), $5, $6, $7, $8, $9, $10,
			CASE WHEN $5 = 'published' THEN nullif($3, 0) END, CASE WHEN $5 = 'published' THEN now() END, $11) RETURNING id`,
		u.MeasureID, u.CampaignID, u.AuthorID, u.BodyID, u.State, u.Status, u.Progress, u.Text, values, u.HappenedOn, u.Illustrative).Scan(&id)
	if err != nil {
		return 0, fmt.Errorf("add measure update: %w", mapErr(err))
	}
	if u.State == model.UpdatePublished {
		u.ID = id
		if err := s.applyUpdate(ctx, u); err != nil {
			return 0, err
		}
	}
	return id, nil
}

// ReviewUpdate publishes a pending update (applying its status, progress
// and indicator values to the measure) or returns it to its pilot with a
// remark. An update no longer pending gives model.ErrConflict.
func (s *Store) ReviewUpdate(ctx context.Context, id int64, state model.UpdateState, remark string, by int64) (model.MeasureUpdate, error) {
	tag, err := s.db.Exec(ctx, `UPDATE measure_updates SET state = $2, review_remark = $3, reviewed_by = $4, reviewed_at = now()
		WHERE id = $1 AND state = 'pending'`, id, state, remark, by)
	if err != nil {
		return model.MeasureUpdate{}, fmt.Errorf("review update %d: %w", id, err)
	}
	if tag.RowsAffected() == 0 {
		return model.MeasureUpdate{}, fmt.Errorf("review update %d: %w", id, model.ErrConflict)
	}
	u, err := s.MeasureUpdate(ctx, id)
	if err != nil {
		return u, err
	}
	if state == model.UpdatePublished {
		return u, s.applyUpdate(ctx, u)
	}
	return u, nil
}

// applyUpdate carries a published update onto its measure, unless a later
// update was published already: the measure shows its latest known state.
func (s *Store) applyUpdate(ctx context.Context, u model.MeasureUpdate) error {
	if _, err := s.db.Exec(ctx, `UPDATE measures SET status = $2, progress = $3, updated_at = now() WHERE id = $1
		AND NOT EXISTS (SELECT 1 FROM measure_updates l WHERE l.measure_id = $1 AND l.state = 'published' AND l.id <> $4
			AND l.happened_on > $5)`, u.MeasureID, u.Status, u.Progress, u.ID, u.HappenedOn); err != nil {
		return fmt.Errorf("apply update %d: %w", u.ID, err)
	}
	for key, value := range u.IndicatorValues {
		indicator, err := strconv.ParseInt(key, 10, 64)
		if err != nil {
			continue
		}
		if _, err := s.db.Exec(ctx, `UPDATE indicators SET current_value = $3, updated_at = now() WHERE id = $1 AND measure_id = $2`,
			indicator, u.MeasureID, value); err != nil {
			return fmt.Errorf("apply update %d to indicator %d: %w", u.ID, indicator, err)
		}
	}
	return nil
}

const recommendationColumns = `r.id, r.source, r.round, r.paragraph, r.theme, r.text, r.strength, r.source_url, r.illustrative`

// RecommendationFilter selects recommendations.
type RecommendationFilter struct {
	Round     int
	MeasureID int64
	// Uncovered keeps those that no measure answers.
	Uncovered bool
}

// Recommendations returns the recommendations that match f, by round and
// paragraph, each with the measures that answer it.
func (s *Store) Recommendations(ctx context.Context, f RecommendationFilter) ([]model.Recommendation, error) {
	rows, err := s.db.Query(ctx, `SELECT `+recommendationColumns+` FROM recommendations r
		WHERE ($1 = 0 OR r.round = $1)
			AND ($2 = 0 OR EXISTS (SELECT 1 FROM recommendation_measures rm WHERE rm.recommendation_id = r.id AND rm.measure_id = $2))
			AND (NOT $3 OR NOT EXISTS (SELECT 1 FROM recommendation_measures rm WHERE rm.recommendation_id = r.id))
		ORDER BY r.round DESC, r.paragraph `+frenchOrder+`, r.id`, f.Round, f.MeasureID, f.Uncovered)
	if err != nil {
		return nil, fmt.Errorf("recommendations: %w", err)
	}
	rs, err := pgx.CollectRows(rows, func(r pgx.CollectableRow) (model.Recommendation, error) {
		var rec model.Recommendation
		err := r.Scan(&rec.ID, &rec.Source, &rec.Round, &rec.Paragraph, &rec.Theme, &rec.Text, &rec.Strength, &rec.SourceURL, &rec.Illustrative)
		return rec, err
	})
	if err != nil {
		return nil, fmt.Errorf("recommendations: %w", err)
	}
	byRec := map[int64][]model.MeasureRef{}
	refs, err := s.db.Query(ctx, `SELECT rm.recommendation_id, m.id, m.number, m.title, m.plan_id,
			coalesce(nullif(p.short_title, ''), p.title), p.followed
		FROM recommendation_measures rm JOIN measures m ON m.id = rm.measure_id JOIN plans p ON p.id = m.plan_id
		ORDER BY m.number, m.title`)
	if err != nil {
		return nil, fmt.Errorf("recommendation links: %w", err)
	}
	defer refs.Close()
	for refs.Next() {
		var rec int64
		var m model.MeasureRef
		if err := refs.Scan(&rec, &m.ID, &m.Number, &m.Title, &m.PlanID, &m.PlanName, &m.Followed); err != nil {
			return nil, fmt.Errorf("recommendation links: %w", err)
		}
		byRec[rec] = append(byRec[rec], m)
	}
	if err := refs.Err(); err != nil {
		return nil, fmt.Errorf("recommendation links: %w", err)
	}
	for i := range rs {
		rs[i].Measures = byRec[rs[i].ID]
	}
	return rs, nil
}

// Recommendation returns one recommendation with its measures.
func (s *Store) Recommendation(ctx context.Context, id int64) (model.Recommendation, error) {
	var rec model.Recommendation
	err := s.db.QueryRow(ctx, `SELECT `+recommendationColumns+` FROM recommendations r WHERE r.id = $1`, id).
		Scan(&rec.ID, &rec.Source, &rec.Round, &rec.Paragraph, &rec.Theme, &rec.Text, &rec.Strength, &rec.SourceURL, &rec.Illustrative)
	if err != nil {
		return rec, fmt.Errorf("recommendation %d: %w", id, mapErr(err))
	}
	return rec, nil
}

// CreateRecommendation inserts a recommendation and returns its id.
func (s *Store) CreateRecommendation(ctx context.Context, r model.Recommendation) (int64, error) {
	var id int64
	err := s.db.QueryRow(ctx, `INSERT INTO recommendations (source, round, paragraph, theme, text, strength, source_url, illustrative)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING id`, r.Source, r.Round, r.Paragraph, r.Theme, r.Text, r.Strength,
		r.SourceURL, r.Illustrative).Scan(&id)
	if err != nil {
		return 0, fmt.Errorf("create recommendation: %w", mapErr(err))
	}
	return id, nil
}

// LinkRecommendation records that the measure answers the recommendation.
func (s *Store) LinkRecommendation(ctx context.Context, recommendationID, measureID int64) error {
	if _, err := s.db.Exec(ctx, `INSERT INTO recommendation_measures (recommendation_id, measure_id) VALUES ($1, $2)
		ON CONFLICT DO NOTHING`, recommendationID, measureID); err != nil {
		return fmt.Errorf("link recommendation %d to measure %d: %w", recommendationID, measureID, mapErr(err))
	}
	return nil
}

// UnlinkRecommendation removes that link.
func (s *Store) UnlinkRecommendation(ctx context.Context, recommendationID, measureID int64) error {
	if _, err := s.db.Exec(ctx, `DELETE FROM recommendation_measures WHERE recommendation_id = $1 AND measure_id = $2`,
		recommendationID, measureID); err != nil {
		return fmt.Errorf("unlink recommendation %d from measure %d: %w", recommendationID, measureID, err)
	}
	return nil
}

// RelatedMeasures returns the measures of other plans linked to the measure.
func (s *Store) RelatedMeasures(ctx context.Context, measureID int64) ([]model.MeasureRef, error) {
	rows, err := s.db.Query(ctx, `SELECT m.id, m.number, m.title, m.plan_id, coalesce(nullif(p.short_title, ''), p.title), p.followed
		FROM measure_links l JOIN measures m ON m.id = CASE WHEN l.measure_id = $1 THEN l.other_id ELSE l.measure_id END
		JOIN plans p ON p.id = m.plan_id
		WHERE l.measure_id = $1 OR l.other_id = $1 ORDER BY p.title `+frenchOrder+`, m.number, m.title`, measureID)
	if err != nil {
		return nil, fmt.Errorf("related measures of %d: %w", measureID, err)
	}
	refs, err := pgx.CollectRows(rows, func(r pgx.CollectableRow) (model.MeasureRef, error) {
		var m model.MeasureRef
		err := r.Scan(&m.ID, &m.Number, &m.Title, &m.PlanID, &m.PlanName, &m.Followed)
		return m, err
	})
	if err != nil {
		return nil, fmt.Errorf("related measures of %d: %w", measureID, err)
	}
	return refs, nil
}

// LinkMeasures records that two measures of different plans are related.
func (s *Store) LinkMeasures(ctx context.Context, a, b int64) error {
	if _, err := s.db.Exec(ctx, `INSERT INTO measure_links (measure_id, other_id) VALUES (least($1::bigint, $2::bigint), greatest($1::bigint, $2::bigint))
		ON CONFLICT DO NOTHING`, a, b); err != nil {
		return fmt.Errorf("link measures %d and %d: %w", a, b, mapErr(err))
	}
	return nil
}

// UnlinkMeasures removes that link.
func (s *Store) UnlinkMeasures(ctx context.Context, a, b int64) error {
	if _, err := s.db.Exec(ctx, `DELETE FROM measure_links WHERE measure_id = least($1::bigint, $2::bigint) AND other_id = greatest($1::bigint, $2::bigint)`, a, b); err != nil {
		return fmt.Errorf("unlink measures %d and %d: %w", a, b, err)
	}
	return nil
}

// MatrixCell is how many measures of one axis of the followed plan are
// linked to measures of one other plan.
type MatrixCell struct {
	AxisID, PlanID int64
	Measures       []int64
}

// Matrix returns the cells of the followed plan's axes by other plans that
// have at least one link.
func (s *Store) Matrix(ctx context.Context, planID int64) ([]MatrixCell, error) {
	rows, err := s.db.Query(ctx, `SELECT m.axis_id, o.plan_id, array_agg(DISTINCT m.id ORDER BY m.id)
		FROM measures m
		JOIN measure_links l ON l.measure_id = m.id OR l.other_id = m.id
		JOIN measures o ON o.id = CASE WHEN l.measure_id = m.id THEN l.other_id ELSE l.measure_id END
		WHERE m.plan_id = $1 AND o.plan_id <> $1 AND m.axis_id IS NOT NULL
		GROUP BY m.axis_id, o.plan_id`, planID)
	if err != nil {
		return nil, fmt.Errorf("matrix of plan %d: %w", planID, err)
	}
	cells, err := pgx.CollectRows(rows, func(r pgx.CollectableRow) (MatrixCell, error) {
		var c MatrixCell
		err := r.Scan(&c.AxisID, &c.PlanID, &c.Measures)
		return c, err
	})
	if err != nil {
		return nil, fmt.Errorf("matrix of plan %d: %w", planID, err)
	}
	return cells, nil
}

// Campaigns returns the plan's reporting campaigns, latest first.
func (s *Store) Campaigns(ctx context.Context, planID int64) ([]model.Campaign, error) {
	rows, err := s.db.Query(ctx, `SELECT id, plan_id, title, opens_on, due_on FROM campaigns WHERE plan_id = $1 ORDER BY opens_on DESC, id DESC`, planID)
	if err != nil {
		return nil, fmt.Errorf("campaigns of plan %d: %w", planID, err)
	}
	cs, err := pgx.CollectRows(rows, func(r pgx.CollectableRow) (model.Campaign, error) {
		var c model.Campaign
		err := r.Scan(&c.ID, &c.PlanID, &c.Title, &c.OpensOn, &c.DueOn)
		return c, err
	})
	if err != nil {
		return nil, fmt.Errorf("campaigns of plan %d: %w", planID, err)
	}
	return cs, nil
}

// Campaign returns one campaign.
func (s *Store) Campaign(ctx context.Context, id int64) (model.Campaign, error) {
	var c model.Campaign
	err := s.db.QueryRow(ctx, `SELECT id, plan_id, title, opens_on, due_on FROM campaigns WHERE id = $1`, id).
		Scan(&c.ID, &c.PlanID, &c.Title, &c.OpensOn, &c.DueOn)
	if err != nil {
		return c, fmt.Errorf("campaign %d: %w", id, mapErr(err))
	}
	return c, nil
}

// OpenCampaign returns the plan's campaign open on day, if any.
func (s *Store) OpenCampaign(ctx context.Context, planID int64, day time.Time) (model.Campaign, error) {
	var c model.Campaign
	err := s.db.QueryRow(ctx, `SELECT id, plan_id, title, opens_on, due_on FROM campaigns
		WHERE plan_id = $1 AND opens_on <= $2::date AND due_on >= $2::date ORDER BY opens_on DESC LIMIT 1`, planID, day.Format(time.DateOnly)).
		Scan(&c.ID, &c.PlanID, &c.Title, &c.OpensOn, &c.DueOn)
	if err != nil {
		return c, fmt.Errorf("open campaign of plan %d: %w", planID, mapErr(err))
	}
	return c, nil
}

// CreateCampaign inserts a campaign and returns its id.
func (s *Store) CreateCampaign(ctx context.Context, c model.Campaign) (int64, error) {
	var id int64
	err := s.db.QueryRow(ctx, `INSERT INTO campaigns (plan_id, title, opens_on, due_on) VALUES ($1, $2, $3, $4) RETURNING id`,
		c.PlanID, c.Title, c.OpensOn, c.DueOn).Scan(&id)
	if err != nil {
		return 0, fmt.Errorf("create campaign: %w", mapErr(err))
	}
	return id, nil
}

// CampaignAnswer is whether one measure has had an update during a campaign.
type CampaignAnswer struct {
	Measure  model.Measure
	Answered bool
}

// CampaignAnswers returns, for each measure of the campaign's plan that has
// a pilot, whether it has an update that answers the campaign: one linked to
// it (submitted while it was open) or submitted after it was launched (late,
// or while a later campaign of the plan was open too), and not returned.
// Updates from before the launch, even of the same day, do not answer it.
func (s *Store) CampaignAnswers(ctx context.Context, c model.Campaign) ([]CampaignAnswer, error) {
	ms, err := s.Measures(ctx, MeasureFilter{PlanID: c.PlanID})
	if err != nil {
		return nil, err
	}
	rows, err := s.db.Query(ctx, `SELECT DISTINCT u.measure_id FROM measure_updates u
		JOIN measures m ON m.id = u.measure_id JOIN campaigns c ON c.id = $2
		WHERE m.plan_id = $1 AND (u.campaign_id = c.id OR u.created_at >= c.created_at) AND u.state <> 'returned'`,
		c.PlanID, c.ID)
	if err != nil {
		return nil, fmt.Errorf("answers to campaign %d: %w", c.ID, err)
	}
	answered, err := pgx.CollectRows(rows, pgx.RowTo[int64])
	if err != nil {
		return nil, fmt.Errorf("answers to campaign %d: %w", c.ID, err)
	}
	done := map[int64]bool{}
	for _, id := range answered {
		done[id] = true
	}
	var out []CampaignAnswer
	for _, m := range ms {
		if len(m.Pilots) > 0 {
			out = append(out, CampaignAnswer{Measure: m, Answered: done[m.ID]})
		}
	}
	return out, nil
}

// UpdateRecommendation saves the editable fields of r; its links to
// measures are kept.
func (s *Store) UpdateRecommendation(ctx context.Context, r model.Recommendation) error {
	tag, err := s.db.Exec(ctx, `UPDATE recommendations SET source = $2, round = $3, paragraph = $4, theme = $5, text = $6,
		strength = $7, source_url = $8, illustrative = $9 WHERE id = $1`, r.ID, r.Source, r.Round, r.Paragraph, r.Theme, r.Text,
		r.Strength, r.SourceURL, r.Illustrative)
	if err != nil {
		return fmt.Errorf("update recommendation %d: %w", r.ID, mapErr(err))
	}
	if tag.RowsAffected() == 0 {
		return fmt.Errorf("update recommendation %d: %w", r.ID, model.ErrNotFound)
	}
	return nil
}

// PublishEvidence opens to the public the documents attached to an update
// that is being published: the timeline they back is public.
func (s *Store) PublishEvidence(ctx context.Context, updateID int64) error {
	if _, err := s.db.Exec(ctx, `UPDATE documents d SET visibility = 'public', updated_at = now()
		FROM document_links l WHERE l.document_id = d.id AND l.target_type = 'measure_update' AND l.target_id = $1
			AND d.visibility = 'members'`, updateID); err != nil {
		return fmt.Errorf("publish evidence of update %d: %w", updateID, err)
	}
	return nil
}

// HoldEvidence holds back the documents attached to an update returned to
// its pilot, as they were while it was pending (model.HeldForUpdate): the
// measure's pilots and the secretariat keep them, nobody else sees them.
func (s *Store) HoldEvidence(ctx context.Context, updateID int64) error {
	if _, err := s.db.Exec(ctx, `UPDATE documents d SET held_for = 'update', held_id = $1, updated_at = now()
		FROM document_links l WHERE l.document_id = d.id AND l.target_type = 'measure_update' AND l.target_id = $1
			AND d.held_for IS DISTINCT FROM 'update'`, updateID); err != nil {
		return fmt.Errorf("hold evidence of update %d: %w", updateID, err)
	}
	return nil
}

// PilotAccounts returns the active accounts of the bodies that pilot at
// least one measure of the plan: the people a reporting campaign asks.
func (s *Store) PilotAccounts(ctx context.Context, planID int64) ([]model.Account, error) {
	rows, err := s.db.Query(ctx, `SELECT `+accountColumns+` FROM accounts a LEFT JOIN bodies b ON b.id = a.body_id
		WHERE a.active AND a.body_id IN (SELECT mb.body_id FROM measure_bodies mb JOIN measures m ON m.id = mb.measure_id
			WHERE m.plan_id = $1 AND mb.role = 'pilot')
		ORDER BY a.email`, planID)
	if err != nil {
		return nil, fmt.Errorf("pilot accounts of plan %d: %w", planID, err)
	}
	as, err := pgx.CollectRows(rows, func(r pgx.CollectableRow) (model.Account, error) { return scanAccount(r) })
	if err != nil {
		return nil, fmt.Errorf("pilot accounts of plan %d: %w", planID, err)
	}
	return as, nil
}
