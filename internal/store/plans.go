package store

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/jackc/pgx/v5"

	"comite/internal/model"
)

const planColumns = `id, slug, title, short_title, followed, period, owner, presented_on, description, source_url, illustrative,
	comment_categories, comments_public, premoderation`

func scanPlan(row pgx.Row) (model.Plan, error) {
	var p model.Plan
	var categories []string
	err := row.Scan(&p.ID, &p.Slug, &p.Title, &p.ShortTitle, &p.Followed, &p.Period, &p.Owner, &p.PresentedOn,
		&p.Description, &p.SourceURL, &p.Illustrative, &categories, &p.CommentsPublic, &p.Premoderation)
	for _, c := range categories {
		p.CommentCategories = append(p.CommentCategories, model.Category(c))
	}
	return p, err
}

// Plan returns the plan with the given id.
func (s *Store) Plan(ctx context.Context, id int64) (model.Plan, error) {
	p, err := scanPlan(s.db.QueryRow(ctx, `SELECT `+planColumns+` FROM plans WHERE id = $1`, id))
	if err != nil {
		return p, fmt.Errorf("plan %d: %w", id, mapErr(err))
	}
	return p, nil
}

// PlanBySlug returns the plan with the given slug.
func (s *Store) PlanBySlug(ctx context.Context, slug string) (model.Plan, error) {
	p, err := scanPlan(s.db.QueryRow(ctx, `SELECT `+planColumns+` FROM plans WHERE slug = $1`, slug))
	if err != nil {
		return p, fmt.Errorf("plan %q: %w", slug, mapErr(err))
	}
	return p, nil
}

// Plans returns every plan: the followed ones first, then by title.
func (s *Store) Plans(ctx context.Context) ([]model.Plan, error) {
	rows, err := s.db.Query(ctx, `SELECT `+planColumns+` FROM plans ORDER BY followed DESC, period DESC, title `+frenchOrder)
	if err != nil {
		return nil, fmt.Errorf("plans: %w", err)
	}
	ps, err := pgx.CollectRows(rows, func(r pgx.CollectableRow) (model.Plan, error) { return scanPlan(r) })
	if err != nil {
		return nil, fmt.Errorf("plans: %w", err)
	}
	return ps, nil
}

// CreatePlan inserts a plan and returns its id; a taken slug is
// model.ErrConflict.
func (s *Store) CreatePlan(ctx context.Context, p model.Plan) (int64, error) {
	var id int64
	// A taken slug inserts nothing rather than failing, so that the caller
	// can try the next one in the same transaction.
	err := s.db.QueryRow(ctx, `INSERT INTO plans (slug, title, short_title, followed, period, owner, presented_on, description, source_url, illustrative)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10) ON CONFLICT (slug) DO NOTHING RETURNING id`, p.Slug, p.Title, p.ShortTitle, p.Followed, p.Period, p.Owner,
		p.PresentedOn, p.Description, p.SourceURL, p.Illustrative).Scan(&id)
	if errors.Is(err, pgx.ErrNoRows) {
		return 0, fmt.Errorf("create plan: slug %q taken: %w", p.Slug, model.ErrConflict)
	}
	if err != nil {
		return 0, fmt.Errorf("create plan: %w", mapErr(err))
	}
	return id, nil
}

// UpdatePlan saves the editable fields of p.
func (s *Store) UpdatePlan(ctx context.Context, p model.Plan) error {
	tag, err := s.db.Exec(ctx, `UPDATE plans SET title = $2, short_title = $3, followed = $4, period = $5, owner = $6,
		presented_on = $7, description = $8, source_url = $9, illustrative = $10 WHERE id = $1`, p.ID, p.Title, p.ShortTitle,
		p.Followed, p.Period, p.Owner, p.PresentedOn, p.Description, p.SourceURL, p.Illustrative)
	if err != nil {
		return fmt.Errorf("update plan %d: %w", p.ID, mapErr(err))
	}
	if tag.RowsAffected() == 0 {
		return fmt.Errorf("update plan %d: %w", p.ID, model.ErrNotFound)
	}
	return nil
}

// Axes returns the plan's axes by number.
func (s *Store) Axes(ctx context.Context, planID int64) ([]model.Axis, error) {
	rows, err := s.db.Query(ctx, `SELECT id, plan_id, number, title, illustrative FROM axes WHERE plan_id = $1 ORDER BY number`, planID)
	if err != nil {
		return nil, fmt.Errorf("axes of plan %d: %w", planID, err)
	}
	as, err := pgx.CollectRows(rows, func(r pgx.CollectableRow) (model.Axis, error) {
		var a model.Axis
		err := r.Scan(&a.ID, &a.PlanID, &a.Number, &a.Title, &a.Illustrative)
		return a, err
	})
	if err != nil {
		return nil, fmt.Errorf("axes of plan %d: %w", planID, err)
	}
	return as, nil
}

// Axis returns one axis.
func (s *Store) Axis(ctx context.Context, id int64) (model.Axis, error) {
	var a model.Axis
	err := s.db.QueryRow(ctx, `SELECT id, plan_id, number, title, illustrative FROM axes WHERE id = $1`, id).
		Scan(&a.ID, &a.PlanID, &a.Number, &a.Title, &a.Illustrative)
	if err != nil {
		return a, fmt.Errorf("axis %d: %w", id, mapErr(err))
	}
	return a, nil
}

// CreateAxis inserts an axis; a number already used in the plan gives model.ErrConflict.
func (s *Store) CreateAxis(ctx context.Context, a model.Axis) (int64, error) {
	var id int64
	err := s.db.QueryRow(ctx, `INSERT INTO axes (plan_id, number, title, illustrative) VALUES ($1, $2, $3, $4) RETURNING id`,
		a.PlanID, a.Number, a.Title, a.Illustrative).Scan(&id)
	if err != nil {
		return 0, fmt.Errorf("create axis: %w", mapErr(err))
	}
	return id, nil
}

// UpdateAxis saves an axis's number and title.
func (s *Store) UpdateAxis(ctx context.Context, a model.Axis) error {
	tag, err := s.db.Exec(ctx, `UPDATE axes SET number = $2, title = $3, illustrative = $4 WHERE id = $1`, a.ID, a.Number, a.Title, a.Illustrative)
	if err != nil {
		return fmt.Errorf("update axis %d: %w", a.ID, mapErr(err))
	}
	if tag.RowsAffected() == 0 {
		return fmt.Errorf("update axis %d: %w", a.ID, model.ErrNotFound)
	}
	return nil
}

// DeleteAxis removes an axis that has no measure left.
func (s *Store) DeleteAxis(ctx context.Context, id int64) error {
	tag, err := s.db.Exec(ctx, `DELETE FROM axes WHERE id = $1 AND NOT EXISTS (SELECT 1 FROM measures WHERE axis_id = $1)`, id)
	if err != nil {
		return fmt.Errorf("delete axis %d: %w", id, err)
	}
	if tag.RowsAffected() == 0 {
		return fmt.Errorf("delete axis %d: %w", id, model.ErrConflict)
	}
	return nil
}

// MeasureFilter selects measures.
type MeasureFilter struct {
	PlanID      int64
	AxisID      int64
	Status      model.MeasureStatus
	PilotBodyID int64
	IDs         []int64
}

const measureColumns = `m.id, m.plan_id, coalesce(nullif(p.short_title, ''), p.title), coalesce(m.axis_id, 0), coalesce(a.number, 0),
	coalesce(a.title, ''), m.number, m.title, m.description, m.status, m.progress, m.source_url, m.illustrative, m.observatory, m.updated_at,
	coalesce((SELECT array_agg(b.id ORDER BY b.name) FROM measure_bodies mb JOIN bodies b ON b.id = mb.body_id WHERE mb.measure_id = m.id AND mb.role = 'pilot'), '{}'),
	coalesce((SELECT array_agg(coalesce(nullif(b.acronym, ''), b.name) ORDER BY b.name) FROM measure_bodies mb JOIN bodies b ON b.id = mb.body_id WHERE mb.measure_id = m.id AND mb.role = 'pilot'), '{}'),
	coalesce((SELECT array_agg(b.id ORDER BY b.name) FROM measure_bodies mb JOIN bodies b ON b.id = mb.body_id WHERE mb.measure_id = m.id AND mb.role = 'partner'), '{}'),
	coalesce((SELECT array_agg(coalesce(nullif(b.acronym, ''), b.name) ORDER BY b.name) FROM measure_bodies mb JOIN bodies b ON b.id = mb.body_id WHERE mb.measure_id = m.id AND mb.role = 'partner'), '{}')`

const measureJoins = ` FROM measures m JOIN plans p ON p.id = m.plan_id LEFT JOIN axes a ON a.id = m.axis_id`

func scanMeasure(row pgx.Row) (model.Measure, error) { return scanMeasureAnd(row) }

// scanMeasureAnd scans measureColumns, then the columns after them into extra.
func scanMeasureAnd(row pgx.Row, extra ...any) (model.Measure, error) {
	var m model.Measure
	var pilotIDs, partnerIDs []int64
	var pilotNames, partnerNames []string
	err := row.Scan(append([]any{&m.ID, &m.PlanID, &m.PlanName, &m.AxisID, &m.AxisNumber, &m.AxisTitle, &m.Number, &m.Title, &m.Description,
		&m.Status, &m.Progress, &m.SourceURL, &m.Illustrative, &m.Observatory, &m.UpdatedAt, &pilotIDs, &pilotNames, &partnerIDs, &partnerNames}, extra...)...)
	for i := range pilotIDs {
		m.Pilots = append(m.Pilots, model.BodyRef{ID: pilotIDs[i], Name: pilotNames[i]})
	}
	for i := range partnerIDs {
		m.Partners = append(m.Partners, model.BodyRef{ID: partnerIDs[i], Name: partnerNames[i]})
	}
	return m, err
}

// measureOrder sorts measures by axis, then by their number as the plan
// writes it ("2" before "10"), then by title.
const measureOrder = ` ORDER BY a.number NULLS LAST, nullif(regexp_replace(m.number, '[^0-9].*$', ''), '')::int NULLS LAST, m.number, m.title ` + frenchOrder

// Measure returns one measure with its pilots and partners.
func (s *Store) Measure(ctx context.Context, id int64) (model.Measure, error) {
	m, err := scanMeasure(s.db.QueryRow(ctx, `SELECT `+measureColumns+measureJoins+` WHERE m.id = $1`, id))
	if err != nil {
		return m, fmt.Errorf("measure %d: %w", id, mapErr(err))
	}
	return m, nil
}

// Measures returns the measures that match f, by axis and number.
func (s *Store) Measures(ctx context.Context, f MeasureFilter) ([]model.Measure, error) {
	where := []string{"true"}
	args := []any{}
	arg := func(v any) string {
		args = append(args, v)
		return fmt.Sprintf("$%d", len(args))
	}
	if f.PlanID != 0 {
		where = append(where, "m.plan_id = "+arg(f.PlanID))
	}
	if f.AxisID != 0 {
		where = append(where, "m.axis_id = "+arg(f.AxisID))
	}
	if f.Status != "" {
		where = append(where, "m.status = "+arg(f.Status))
	}
	if f.PilotBodyID != 0 {
		where = append(where, "EXISTS (SELECT 1 FROM measure_bodies mb WHERE mb.measure_id = m.id AND mb.role = 'pilot' AND mb.body_id = "+arg(f.PilotBodyID)+")")
	}
	if f.IDs != nil {
		where = append(where, "m.id = ANY("+arg(f.IDs)+")")
	}
	rows, err := s.db.Query(ctx, `SELECT `+measureColumns+measureJoins+` WHERE `+strings.Join(where, " AND ")+measureOrder, args...)
	if err != nil {
		return nil, fmt.Errorf("measures: %w", err)
	}
	ms, err := pgx.CollectRows(rows, func(r pgx.CollectableRow) (model.Measure, error) { return scanMeasure(r) })
	if err != nil {
		return nil, fmt.Errorf("measures: %w", err)
	}
	return ms, nil
}

// CreateMeasure inserts a measure and returns its id.
func (s *Store) CreateMeasure(ctx context.Context, m model.Measure) (int64, error) {
	var id int64
	err := s.db.QueryRow(ctx, `INSERT INTO measures (plan_id, axis_id, number, title, description, status, progress, source_url, illustrative)
		VALUES ($1, nullif($2, 0), $3, $4, $5, $6, $7, $8, $9) RETURNING id`, m.PlanID, m.AxisID, m.Number, m.Title, m.Description,
		m.Status, m.Progress, m.SourceURL, m.Illustrative).Scan(&id)
	if err != nil {
		return 0, fmt.Errorf("create measure: %w", mapErr(err))
	}
	return id, nil
}

// UpdateMeasure saves the editable fields of m, status and progress included.
func (s *Store) UpdateMeasure(ctx context.Context, m model.Measure) error {
	tag, err := s.db.Exec(ctx, `UPDATE measures SET axis_id = nullif($2, 0), number = $3, title = $4, description = $5,
		status = $6, progress = $7, source_url = $8, illustrative = $9, updated_at = now() WHERE id = $1`,
		m.ID, m.AxisID, m.Number, m.Title, m.Description, m.Status, m.Progress, m.SourceURL, m.Illustrative)
	if err != nil {
		return fmt.Errorf("update measure %d: %w", m.ID, mapErr(err))
	}
	if tag.RowsAffected() == 0 {
		return fmt.Errorf("update measure %d: %w", m.ID, model.ErrNotFound)
	}
	return nil
}

// DeleteMeasure removes a measure with its updates, indicators and links.
// The evidence its unpublished updates held becomes secretariat documents
// (withdrawHeld), whose ids it returns.
func (s *Store) DeleteMeasure(ctx context.Context, id int64) (withdrawn []int64, err error) {
	if withdrawn, err = s.withdrawHeld(ctx, `d.held_for = 'update'
		AND d.held_id IN (SELECT id FROM measure_updates WHERE measure_id = $1)`, id); err != nil {
		return nil, err
	}
	if _, err := s.db.Exec(ctx, `DELETE FROM document_links WHERE (target_type = 'measure' AND target_id = $1)
		OR (target_type = 'measure_update' AND target_id IN (SELECT id FROM measure_updates WHERE measure_id = $1))`, id); err != nil {
		return nil, fmt.Errorf("delete measure %d links: %w", id, err)
	}
	if _, err := s.db.Exec(ctx, `DELETE FROM measures WHERE id = $1`, id); err != nil {
		return nil, fmt.Errorf("delete measure %d: %w", id, err)
	}
	return withdrawn, nil
}

// SetMeasureBodies replaces the measure's pilots and partners; a body in
// both lists is a pilot.
func (s *Store) SetMeasureBodies(ctx context.Context, measureID int64, pilots, partners []int64) error {
	if _, err := s.db.Exec(ctx, `DELETE FROM measure_bodies WHERE measure_id = $1`, measureID); err != nil {
		return fmt.Errorf("bodies of measure %d: %w", measureID, err)
	}
	if _, err := s.db.Exec(ctx, `INSERT INTO measure_bodies (measure_id, body_id, role)
		SELECT $1, unnest($2::bigint[]), 'pilot' ON CONFLICT DO NOTHING`, measureID, pilots); err != nil {
		return fmt.Errorf("pilots of measure %d: %w", measureID, mapErr(err))
	}
	if _, err := s.db.Exec(ctx, `INSERT INTO measure_bodies (measure_id, body_id, role)
		SELECT $1, unnest($2::bigint[]), 'partner' ON CONFLICT DO NOTHING`, measureID, partners); err != nil {
		return fmt.Errorf("partners of measure %d: %w", measureID, mapErr(err))
	}
	return nil
}

// Indicators returns the measure's indicators.
func (s *Store) Indicators(ctx context.Context, measureID int64) ([]model.Indicator, error) {
	rows, err := s.db.Query(ctx, `SELECT id, measure_id, label, target, current_value, updated_at FROM indicators
		WHERE measure_id = $1 ORDER BY id`, measureID)
	if err != nil {
		return nil, fmt.Errorf("indicators of measure %d: %w", measureID, err)
	}
	is, err := pgx.CollectRows(rows, func(r pgx.CollectableRow) (model.Indicator, error) {
		var i model.Indicator
		err := r.Scan(&i.ID, &i.MeasureID, &i.Label, &i.Target, &i.Current, &i.UpdatedAt)
		return i, err
	})
	if err != nil {
		return nil, fmt.Errorf("indicators of measure %d: %w", measureID, err)
	}
	return is, nil
}

// CreateIndicator adds an indicator to a measure.
func (s *Store) CreateIndicator(ctx context.Context, i model.Indicator) (int64, error) {
	var id int64
	err := s.db.QueryRow(ctx, `INSERT INTO indicators (measure_id, label, target, current_value) VALUES ($1, $2, $3, $4) RETURNING id`,
		i.MeasureID, i.Label, i.Target, i.Current).Scan(&id)
	if err != nil {
		return 0, fmt.Errorf("create indicator: %w", mapErr(err))
	}
	return id, nil
}

// UpdateIndicator saves an indicator of the measure.
func (s *Store) UpdateIndicator(ctx context.Context, i model.Indicator) error {
	tag, err := s.db.Exec(ctx, `UPDATE indicators SET label = $3, target = $4, current_value = $5, updated_at = now()
		WHERE id = $1 AND measure_id = $2`, i.ID, i.MeasureID, i.Label, i.Target, i.Current)
	if err != nil {
		return fmt.Errorf("update indicator %d: %w", i.ID, mapErr(err))
	}
	if tag.RowsAffected() == 0 {
		return fmt.Errorf("update indicator %d: %w", i.ID, model.ErrNotFound)
	}
	return nil
}

// DeleteIndicator removes an indicator of the measure.
func (s *Store) DeleteIndicator(ctx context.Context, measureID, id int64) error {
	if _, err := s.db.Exec(ctx, `DELETE FROM indicators WHERE id = $1 AND measure_id = $2`, id, measureID); err != nil {
		return fmt.Errorf("delete indicator %d: %w", id, err)
	}
	return nil
}

// PlanGlance returns the followed plan's counts of measures by status and
// their mean progress; ErrNotFound when no plan is followed.
func (s *Store) PlanGlance(ctx context.Context) (model.PlanGlance, error) {
	var g model.PlanGlance
	err := s.db.QueryRow(ctx, `SELECT p.id, coalesce(nullif(p.short_title, ''), p.title), count(m.id),
			count(m.id) FILTER (WHERE m.status = 'done'), count(m.id) FILTER (WHERE m.status = 'in_progress'),
			count(m.id) FILTER (WHERE m.status = 'delayed'), coalesce(round(avg(m.progress)), 0)::int
		FROM plans p LEFT JOIN measures m ON m.plan_id = p.id
		WHERE p.followed GROUP BY p.id ORDER BY p.id LIMIT 1`).Scan(&g.PlanID, &g.Name, &g.Measures, &g.Done, &g.InProgress, &g.Delayed, &g.Progress)
	if errors.Is(err, pgx.ErrNoRows) {
		return g, model.ErrNotFound
	}
	if err != nil {
		return g, fmt.Errorf("plan at a glance: %w", err)
	}
	return g, nil
}
