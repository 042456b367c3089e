package store

import (
	"context"
	"fmt"
	"slices"

	"github.com/jackc/pgx/v5"

	"comite/internal/model"
)

const agendaColumns = `id, meeting_id, position, title, presenter, coalesce(duration_minutes, 0), coalesce(action_id, 0)`

func scanAgendaItem(row pgx.Row) (model.AgendaItem, error) {
	var it model.AgendaItem
	err := row.Scan(&it.ID, &it.MeetingID, &it.Position, &it.Title, &it.Presenter, &it.DurationMinutes, &it.ActionID)
	return it, err
}

// AgendaItems returns the meeting's agenda in order.
func (s *Store) AgendaItems(ctx context.Context, meetingID int64) ([]model.AgendaItem, error) {
	rows, err := s.db.Query(ctx, `SELECT `+agendaColumns+` FROM agenda_items WHERE meeting_id = $1 ORDER BY position`, meetingID)
	if err != nil {
		return nil, fmt.Errorf("agenda of meeting %d: %w", meetingID, err)
	}
	items, err := pgx.CollectRows(rows, func(r pgx.CollectableRow) (model.AgendaItem, error) { return scanAgendaItem(r) })
	if err != nil {
		return nil, fmt.Errorf("agenda of meeting %d: %w", meetingID, err)
	}
	return items, nil
}

// AgendaItem returns one agenda item.
func (s *Store) AgendaItem(ctx context.Context, id int64) (model.AgendaItem, error) {
	it, err := scanAgendaItem(s.db.QueryRow(ctx, `SELECT `+agendaColumns+` FROM agenda_items WHERE id = $1`, id))
	if err != nil {
		return it, fmt.Errorf("agenda item %d: %w", id, mapErr(err))
	}
	return it, nil
}

// LockAgenda locks the meeting's row until the end of the transaction, so
// that the changes of its agenda's numbering (an item added, removed or
// moved) run one after the other: each then reads the positions the
// previous one committed. Without it, two items added at once would both
// take the next position, and one would fail the unique (meeting,
// position) check at commit. Call it in a transaction.
func (s *Store) LockAgenda(ctx context.Context, meetingID int64) error {
	var id int64
	if err := s.db.QueryRow(ctx, `SELECT id FROM meetings WHERE id = $1 FOR UPDATE`, meetingID).Scan(&id); err != nil {
		return fmt.Errorf("lock agenda of meeting %d: %w", meetingID, mapErr(err))
	}
	return nil
}

// AddAgendaItem appends an item at the end of the meeting's agenda. Call it
// in a transaction: the meeting stays locked until the end (LockAgenda).
func (s *Store) AddAgendaItem(ctx context.Context, it model.AgendaItem) (int64, error) {
	if err := s.LockAgenda(ctx, it.MeetingID); err != nil {
		return 0, err
	}
	var id int64
	err := s.db.QueryRow(ctx, `INSERT INTO agenda_items (meeting_id, position, title, presenter, duration_minutes, action_id)
		SELECT $1, coalesce(max(position), 0) + 1, $2, $3, nullif($4, 0), nullif($5, 0) FROM agenda_items WHERE meeting_id = $1
		RETURNING id`, it.MeetingID, it.Title, it.Presenter, it.DurationMinutes, it.ActionID).Scan(&id)
	if err != nil {
		return 0, fmt.Errorf("add agenda item: %w", mapErr(err))
	}
	return id, nil
}

// UpdateAgendaItem saves an item's title, presenter and duration.
func (s *Store) UpdateAgendaItem(ctx context.Context, it model.AgendaItem) error {
	tag, err := s.db.Exec(ctx, `UPDATE agenda_items SET title = $2, presenter = $3, duration_minutes = nullif($4, 0) WHERE id = $1`,
		it.ID, it.Title, it.Presenter, it.DurationMinutes)
	if err != nil {
		return fmt.Errorf("update agenda item %d: %w", it.ID, mapErr(err))
	}
	if tag.RowsAffected() == 0 {
		return fmt.Errorf("update agenda item %d: %w", it.ID, model.ErrNotFound)
	}
	return nil
}

// DeleteAgendaItem removes an item and its document links, and closes the
// gap in the numbering. Call it in a transaction: the meeting stays locked
// until the end (LockAgenda), and the gap closed is where the item was
// when the lock was obtained, not when the caller read it. An item removed
// meanwhile is model.ErrNotFound.
func (s *Store) DeleteAgendaItem(ctx context.Context, it model.AgendaItem) error {
	if err := s.LockAgenda(ctx, it.MeetingID); err != nil {
		return err
	}
	var position int
	err := s.db.QueryRow(ctx, `DELETE FROM agenda_items WHERE id = $1 AND meeting_id = $2 RETURNING position`,
		it.ID, it.MeetingID).Scan(&position)
	if err != nil {
		return fmt.Errorf("delete agenda item %d: %w", it.ID, mapErr(err))
	}
	if _, err := s.db.Exec(ctx, `DELETE FROM document_links WHERE target_type = 'agenda_item' AND target_id = $1`, it.ID); err != nil {
		return fmt.Errorf("delete agenda item %d links: %w", it.ID, err)
	}
	if _, err := s.db.Exec(ctx, `UPDATE agenda_items SET position = position - 1 WHERE meeting_id = $1 AND position > $2`,
		it.MeetingID, position); err != nil {
		return fmt.Errorf("renumber agenda of meeting %d: %w", it.MeetingID, err)
	}
	return nil
}

// ReorderAgenda numbers the meeting's items in the order of ids, which must
// be exactly the meeting's items; otherwise (an item added or removed
// meanwhile) it fails with model.ErrConflict. Call it in a transaction: the
// unique position constraint is checked at commit, and the meeting stays
// locked until then (LockAgenda).
func (s *Store) ReorderAgenda(ctx context.Context, meetingID int64, ids []int64) error {
	if err := s.LockAgenda(ctx, meetingID); err != nil {
		return err
	}
	items, err := s.AgendaItems(ctx, meetingID)
	if err != nil {
		return err
	}
	current := make([]int64, len(items))
	for i, it := range items {
		current[i] = it.ID
	}
	sorted := slices.Clone(ids)
	slices.Sort(sorted)
	slices.Sort(current)
	if !slices.Equal(sorted, current) {
		return fmt.Errorf("reorder agenda of meeting %d: %w", meetingID, model.ErrConflict)
	}
	if _, err := s.db.Exec(ctx, `UPDATE agenda_items a SET position = o.n
		FROM unnest($2::bigint[]) WITH ORDINALITY AS o(id, n) WHERE a.id = o.id AND a.meeting_id = $1`, meetingID, ids); err != nil {
		return fmt.Errorf("reorder agenda of meeting %d: %w", meetingID, err)
	}
	return nil
}
