package store

import (
	"context"
	"fmt"

	"comite/internal/model"
)

// SetAgendaItemMeasures replaces the measures an agenda item concerns.
func (s *Store) SetAgendaItemMeasures(ctx context.Context, itemID int64, measures []int64) error {
	if _, err := s.db.Exec(ctx, `DELETE FROM agenda_item_measures WHERE agenda_item_id = $1`, itemID); err != nil {
		return fmt.Errorf("measures of agenda item %d: %w", itemID, err)
	}
	if _, err := s.db.Exec(ctx, `INSERT INTO agenda_item_measures (agenda_item_id, measure_id)
		SELECT $1, unnest($2::bigint[]) ON CONFLICT DO NOTHING`, itemID, measures); err != nil {
		return fmt.Errorf("measures of agenda item %d: %w", itemID, mapErr(err))
	}
	return nil
}

// SetActionMeasures replaces the measures an action concerns.
func (s *Store) SetActionMeasures(ctx context.Context, actionID int64, measures []int64) error {
	if _, err := s.db.Exec(ctx, `DELETE FROM action_measures WHERE action_id = $1`, actionID); err != nil {
		return fmt.Errorf("measures of action %d: %w", actionID, err)
	}
	if _, err := s.db.Exec(ctx, `INSERT INTO action_measures (action_id, measure_id)
		SELECT $1, unnest($2::bigint[]) ON CONFLICT DO NOTHING`, actionID, measures); err != nil {
		return fmt.Errorf("measures of action %d: %w", actionID, mapErr(err))
	}
	return nil
}

// MeasuresOfAgenda returns, per agenda item of the meeting, the measures it concerns.
func (s *Store) MeasuresOfAgenda(ctx context.Context, meetingID int64) (map[int64][]model.MeasureRef, error) {
	return s.measureRefs(ctx, `SELECT l.agenda_item_id, m.id, m.number, m.title, m.plan_id, coalesce(nullif(p.short_title, ''), p.title), p.followed
		FROM agenda_item_measures l JOIN agenda_items i ON i.id = l.agenda_item_id JOIN measures m ON m.id = l.measure_id
		JOIN plans p ON p.id = m.plan_id WHERE i.meeting_id = $1 ORDER BY m.number, m.title`, meetingID)
}

// MeasuresOfActions returns, per action of the meeting's decisions, the measures it concerns.
func (s *Store) MeasuresOfActions(ctx context.Context, meetingID int64) (map[int64][]model.MeasureRef, error) {
	return s.measureRefs(ctx, `SELECT l.action_id, m.id, m.number, m.title, m.plan_id, coalesce(nullif(p.short_title, ''), p.title), p.followed
		FROM action_measures l JOIN actions a ON a.id = l.action_id JOIN decisions d ON d.id = a.decision_id
		JOIN measures m ON m.id = l.measure_id JOIN plans p ON p.id = m.plan_id WHERE d.meeting_id = $1 ORDER BY m.number, m.title`, meetingID)
}

func (s *Store) measureRefs(ctx context.Context, sql string, args ...any) (map[int64][]model.MeasureRef, error) {
	rows, err := s.db.Query(ctx, sql, args...)
	if err != nil {
		return nil, fmt.Errorf("measures: %w", err)
	}
	defer rows.Close()
	out := map[int64][]model.MeasureRef{}
	for rows.Next() {
		var key int64
		var m model.MeasureRef
		if err := rows.Scan(&key, &m.ID, &m.Number, &m.Title, &m.PlanID, &m.PlanName, &m.Followed); err != nil {
			return nil, fmt.Errorf("measures: %w", err)
		}
		out[key] = append(out[key], m)
	}
	return out, rows.Err()
}

// DiscussionsOfMeasure returns the agenda items and actions that concern
// the measure, latest meeting first; the items of draft agendas only with
// drafts (access.CanSeeDraftAgendas).
func (s *Store) DiscussionsOfMeasure(ctx context.Context, measureID int64, drafts bool) ([]model.MeasureDiscussion, error) {
	rows, err := s.db.Query(ctx, `SELECT m.id, m.title, m.starts_at, 'Point de l''ordre du jour : ' || i.title
			FROM agenda_item_measures l JOIN agenda_items i ON i.id = l.agenda_item_id JOIN meetings m ON m.id = i.meeting_id
			WHERE l.measure_id = $1 AND ($2 OR `+agendaPublished+`)
		UNION ALL
		SELECT mt.id, mt.title, mt.starts_at, 'Action : ' || a.title
			FROM action_measures l JOIN actions a ON a.id = l.action_id JOIN decisions d ON d.id = a.decision_id
			JOIN meetings mt ON mt.id = d.meeting_id WHERE l.measure_id = $1
		ORDER BY 3 DESC`, measureID, drafts)
	if err != nil {
		return nil, fmt.Errorf("discussions of measure %d: %w", measureID, err)
	}
	defer rows.Close()
	var out []model.MeasureDiscussion
	for rows.Next() {
		var d model.MeasureDiscussion
		if err := rows.Scan(&d.MeetingID, &d.MeetingTitle, &d.StartsAt, &d.What); err != nil {
			return nil, fmt.Errorf("discussions of measure %d: %w", measureID, err)
		}
		out = append(out, d)
	}
	return out, rows.Err()
}
