package store

import (
	"context"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"

	"comite/internal/model"
)

// Decisions returns the meeting's relevé de décisions, in agenda order, each
// with the actions it created.
func (s *Store) Decisions(ctx context.Context, meetingID int64) ([]model.Decision, error) {
	rows, err := s.db.Query(ctx, `SELECT d.id, d.meeting_id, coalesce(d.agenda_item_id, 0), coalesce(i.title, ''), d.text
		FROM decisions d LEFT JOIN agenda_items i ON i.id = d.agenda_item_id
		WHERE d.meeting_id = $1 ORDER BY i.position NULLS LAST, d.id`, meetingID)
	if err != nil {
		return nil, fmt.Errorf("decisions of meeting %d: %w", meetingID, err)
	}
	ds, err := pgx.CollectRows(rows, func(r pgx.CollectableRow) (model.Decision, error) {
		var d model.Decision
		err := r.Scan(&d.ID, &d.MeetingID, &d.AgendaItemID, &d.AgendaItemTitle, &d.Text)
		return d, err
	})
	if err != nil {
		return nil, fmt.Errorf("decisions of meeting %d: %w", meetingID, err)
	}
	actions, err := s.actions(ctx, `d.meeting_id = $1`, meetingID)
	if err != nil {
		return nil, err
	}
	for i := range ds {
		for _, a := range actions {
			if a.DecisionID == ds[i].ID {
				ds[i].Actions = append(ds[i].Actions, a)
			}
		}
	}
	return ds, nil
}

// Decision returns one decision, without its actions.
func (s *Store) Decision(ctx context.Context, id int64) (model.Decision, error) {
	var d model.Decision
	err := s.db.QueryRow(ctx, `SELECT id, meeting_id, coalesce(agenda_item_id, 0), text FROM decisions WHERE id = $1`, id).
		Scan(&d.ID, &d.MeetingID, &d.AgendaItemID, &d.Text)
	if err != nil {
		return d, fmt.Errorf("decision %d: %w", id, mapErr(err))
	}
	return d, nil
}

// AddDecision records a decision of the meeting, on one of its agenda items
// or on none (0).
func (s *Store) AddDecision(ctx context.Context, d model.Decision) (int64, error) {
	var id int64
	err := s.db.QueryRow(ctx, `INSERT INTO decisions (meeting_id, agenda_item_id, text) VALUES ($1, nullif($2, 0), $3) RETURNING id`,
		d.MeetingID, d.AgendaItemID, d.Text).Scan(&id)
	if err != nil {
		return 0, fmt.Errorf("add decision: %w", mapErr(err))
	}
	return id, nil
}

// DeleteDecision removes a decision and the actions it created.
func (s *Store) DeleteDecision(ctx context.Context, id int64) error {
	if _, err := s.db.Exec(ctx, `DELETE FROM decisions WHERE id = $1`, id); err != nil {
		return fmt.Errorf("delete decision %d: %w", id, err)
	}
	return nil
}

const actionColumns = `a.id, a.decision_id, a.title, a.owner_body_id, b.name, a.due_on, a.closed_on, a.closing_note,
	mt.id, mt.title, mt.starts_at`

const actionJoins = ` FROM actions a JOIN decisions d ON d.id = a.decision_id JOIN meetings mt ON mt.id = d.meeting_id
	JOIN bodies b ON b.id = a.owner_body_id`

func (s *Store) actions(ctx context.Context, where string, args ...any) ([]model.Action, error) {
	rows, err := s.db.Query(ctx, `SELECT `+actionColumns+actionJoins+` WHERE `+where+`
		ORDER BY a.closed_on IS NOT NULL, a.due_on NULLS LAST, a.id`, args...)
	if err != nil {
		return nil, fmt.Errorf("actions: %w", err)
	}
	as, err := pgx.CollectRows(rows, func(r pgx.CollectableRow) (model.Action, error) {
		var a model.Action
		err := r.Scan(&a.ID, &a.DecisionID, &a.Title, &a.OwnerBodyID, &a.OwnerBodyName, &a.DueOn, &a.ClosedOn, &a.ClosingNote,
			&a.MeetingID, &a.MeetingTitle, &a.MeetingStartsAt)
		return a, err
	})
	if err != nil {
		return nil, fmt.Errorf("actions: %w", err)
	}
	return as, nil
}

// Action returns one action.
func (s *Store) Action(ctx context.Context, id int64) (model.Action, error) {
	as, err := s.actions(ctx, `a.id = $1`, id)
	if err != nil {
		return model.Action{}, err
	}
	if len(as) == 0 {
		return model.Action{}, fmt.Errorf("action %d: %w", id, model.ErrNotFound)
	}
	return as[0], nil
}

// OpenActions returns every action not yet closed, soonest due first.
func (s *Store) OpenActions(ctx context.Context) ([]model.Action, error) {
	return s.actions(ctx, `a.closed_on IS NULL`)
}

// ActionsOfBody returns the actions a body owns, open ones first.
func (s *Store) ActionsOfBody(ctx context.Context, bodyID int64) ([]model.Action, error) {
	return s.actions(ctx, `a.owner_body_id = $1`, bodyID)
}

// AddAction records an action created by a decision.
func (s *Store) AddAction(ctx context.Context, a model.Action) (int64, error) {
	var id int64
	err := s.db.QueryRow(ctx, `INSERT INTO actions (decision_id, title, owner_body_id, due_on) VALUES ($1, $2, $3, $4) RETURNING id`,
		a.DecisionID, a.Title, a.OwnerBodyID, a.DueOn).Scan(&id)
	if err != nil {
		return 0, fmt.Errorf("add action: %w", mapErr(err))
	}
	return id, nil
}

// CloseAction closes an open action on day with a note.
func (s *Store) CloseAction(ctx context.Context, id int64, day time.Time, note string) error {
	tag, err := s.db.Exec(ctx, `UPDATE actions SET closed_on = $2, closing_note = $3 WHERE id = $1 AND closed_on IS NULL`,
		id, day.Format(time.DateOnly), note)
	if err != nil {
		return fmt.Errorf("close action %d: %w", id, mapErr(err))
	}
	if tag.RowsAffected() == 0 {
		return fmt.Errorf("close action %d: %w", id, model.ErrConflict)
	}
	return nil
}

// ReopenAction opens a closed action again.
func (s *Store) ReopenAction(ctx context.Context, id int64) error {
	if _, err := s.db.Exec(ctx, `UPDATE actions SET closed_on = NULL, closing_note = '' WHERE id = $1`, id); err != nil {
		return fmt.Errorf("reopen action %d: %w", id, err)
	}
	return nil
}
