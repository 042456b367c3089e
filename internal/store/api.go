package store

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"

	"comite/internal/model"
)

// The open-data API (/api/v1) reads its lists a page at a time, resuming
// after the key of the previous page's last row (keyset pagination: no
// OFFSET, no row read twice or skipped when rows are added meanwhile), and
// reads the children of a whole page in one query each.
//
// Each page function reads one row more than asked to know whether another
// page follows; next is the key to resume after, nil on the last page.

// MeetingKey is where a page of meetings resumes: after this start and id.
type MeetingKey struct {
	StartsAt time.Time
	ID       int64
}

// apiMeetingColumns are meetingColumns without the minutes' text and HTML,
// which the API never shows: a page stays small.
var apiMeetingColumns = strings.Replace(meetingColumns, "minutes_text, minutes_html,", "'', '',", 1)

// PublicMeetings returns up to limit meetings that a signed-out viewer may
// see at now, soonest first, after the key (nil for the first page). The
// condition is the SQL form of access.CanSeeMeeting for a signed-out
// viewer (started before now, or details opened by the secretariat): keep
// the two in step.
func (s *Store) PublicMeetings(ctx context.Context, now time.Time, after *MeetingKey, limit int) (ms []model.Meeting, next *MeetingKey, err error) {
	args := []any{now, limit + 1}
	cond := ""
	if after != nil {
		args = append(args, after.StartsAt, after.ID)
		cond = ` AND (starts_at, id) > ($3, $4)`
	}
	ms, err = s.meetings(ctx, `SELECT `+apiMeetingColumns+` FROM meetings
		WHERE (starts_at < $1 OR public_details)`+cond+` ORDER BY starts_at, id LIMIT $2`, args...)
	if err != nil {
		return nil, nil, err
	}
	if len(ms) > limit {
		ms = ms[:limit]
		last := ms[limit-1]
		next = &MeetingKey{StartsAt: last.StartsAt, ID: last.ID}
	}
	return ms, next, nil
}

// AgendaItemsOf returns the agendas of the meetings, in order, by meeting.
func (s *Store) AgendaItemsOf(ctx context.Context, meetingIDs []int64) (map[int64][]model.AgendaItem, error) {
	rows, err := s.db.Query(ctx, `SELECT `+agendaColumns+` FROM agenda_items WHERE meeting_id = ANY($1)
		ORDER BY meeting_id, position`, meetingIDs)
	if err != nil {
		return nil, fmt.Errorf("agendas: %w", err)
	}
	items, err := pgx.CollectRows(rows, func(r pgx.CollectableRow) (model.AgendaItem, error) { return scanAgendaItem(r) })
	if err != nil {
		return nil, fmt.Errorf("agendas: %w", err)
	}
	out := make(map[int64][]model.AgendaItem, len(meetingIDs))
	for _, it := range items {
		out[it.MeetingID] = append(out[it.MeetingID], it)
	}
	return out, nil
}

// DecisionsOf returns the relevés de décisions of the meetings, by meeting,
// each in agenda order as Decisions gives it, without their actions.
func (s *Store) DecisionsOf(ctx context.Context, meetingIDs []int64) (map[int64][]model.Decision, error) {
	rows, err := s.db.Query(ctx, `SELECT d.id, d.meeting_id, coalesce(d.agenda_item_id, 0), coalesce(i.title, ''), d.text
		FROM decisions d LEFT JOIN agenda_items i ON i.id = d.agenda_item_id
		WHERE d.meeting_id = ANY($1) ORDER BY d.meeting_id, i.position NULLS LAST, d.id`, meetingIDs)
	if err != nil {
		return nil, fmt.Errorf("decisions: %w", err)
	}
	ds, err := pgx.CollectRows(rows, func(r pgx.CollectableRow) (model.Decision, error) {
		var d model.Decision
		err := r.Scan(&d.ID, &d.MeetingID, &d.AgendaItemID, &d.AgendaItemTitle, &d.Text)
		return d, err
	})
	if err != nil {
		return nil, fmt.Errorf("decisions: %w", err)
	}
	out := make(map[int64][]model.Decision, len(meetingIDs))
	for _, d := range ds {
		out[d.MeetingID] = append(out[d.MeetingID], d)
	}
	return out, nil
}

// MeasureKey is where a page of measures resumes: after this measure in
// the order of MeasuresPage.
type MeasureKey struct {
	PlanID int64
	Axis   *int // the axis number, nil for a measure outside any axis
	Prefix *int // the leading number of the measure's number, nil when none
	Number string
	Title  string
	ID     int64
}

// measureKeyColumns are the sort key of MeasuresPage: the plans in the
// order of Plans (pr.rank), then measureOrder within a plan, then the id.
// "x IS NULL, coalesce(x, 0)" sorts NULLS LAST in a form that a row
// comparison can resume from.
const measureKeyColumns = `pr.rank, a.number IS NULL, coalesce(a.number, 0),
	nullif(regexp_replace(m.number, '[^0-9].*$', ''), '')::int IS NULL,
	coalesce(nullif(regexp_replace(m.number, '[^0-9].*$', ''), '')::int, 0),
	m.number, m.title ` + frenchOrder + `, m.id`

// MeasuresPage returns up to limit measures of the plan (of every plan
// when planID is 0) after the key: the plans in the order of Plans (the
// followed first), and in each the order of Measures (axis, number,
// title). A key whose plan was deleted since resumes nowhere: the page is
// empty.
func (s *Store) MeasuresPage(ctx context.Context, planID int64, after *MeasureKey, limit int) (ms []model.Measure, next *MeasureKey, err error) {
	args := []any{planID, limit + 1}
	cond := ""
	if after != nil {
		args = append(args, after.PlanID, after.Axis, after.Prefix, after.Number, after.Title, after.ID)
		cond = ` AND (` + measureKeyColumns + `) > ((SELECT rank FROM pr WHERE id = $3),
			$4::int IS NULL, coalesce($4::int, 0), $5::int IS NULL, coalesce($5::int, 0), $6::text, $7::text, $8::bigint)`
	}
	rows, err := s.db.Query(ctx, `WITH pr AS (
			SELECT id, row_number() OVER (ORDER BY followed DESC, period DESC, title `+frenchOrder+`, id) AS rank FROM plans)
		SELECT `+measureColumns+`, a.number, nullif(regexp_replace(m.number, '[^0-9].*$', ''), '')::int`+measureJoins+`
		JOIN pr ON pr.id = m.plan_id
		WHERE ($1::bigint = 0 OR m.plan_id = $1)`+cond+`
		ORDER BY `+measureKeyColumns+` LIMIT $2`, args...)
	if err != nil {
		return nil, nil, fmt.Errorf("measures page: %w", err)
	}
	var keys []MeasureKey
	ms, err = pgx.CollectRows(rows, func(r pgx.CollectableRow) (model.Measure, error) {
		var k MeasureKey
		m, err := scanMeasureAnd(r, &k.Axis, &k.Prefix)
		k.PlanID, k.Number, k.Title, k.ID = m.PlanID, m.Number, m.Title, m.ID
		keys = append(keys, k)
		return m, err
	})
	if err != nil {
		return nil, nil, fmt.Errorf("measures page: %w", err)
	}
	if len(ms) > limit {
		ms = ms[:limit]
		next = &keys[limit-1]
	}
	return ms, next, nil
}

// IndicatorsOf returns the indicators of the measures, by measure.
func (s *Store) IndicatorsOf(ctx context.Context, measureIDs []int64) (map[int64][]model.Indicator, error) {
	rows, err := s.db.Query(ctx, `SELECT id, measure_id, label, target, current_value, updated_at FROM indicators
		WHERE measure_id = ANY($1) ORDER BY measure_id, id`, measureIDs)
	if err != nil {
		return nil, fmt.Errorf("indicators: %w", err)
	}
	is, err := pgx.CollectRows(rows, func(r pgx.CollectableRow) (model.Indicator, error) {
		var i model.Indicator
		err := r.Scan(&i.ID, &i.MeasureID, &i.Label, &i.Target, &i.Current, &i.UpdatedAt)
		return i, err
	})
	if err != nil {
		return nil, fmt.Errorf("indicators: %w", err)
	}
	out := make(map[int64][]model.Indicator, len(measureIDs))
	for _, i := range is {
		out[i.MeasureID] = append(out[i.MeasureID], i)
	}
	return out, nil
}

// SeatKey is where a page of seats resumes: after this seat in the order
// of SeatsOnPage.
type SeatKey struct {
	Category  model.Category
	BodyName  string
	Suppleant bool
	StartsOn  time.Time
	ID        int64
}

// seatKeyColumns sort seats as the member list does: categories in
// model.Categories order ($1), then the order of the store's seat lists.
const seatKeyColumns = `array_position($1::text[], b.category), b.name ` + frenchOrder + `, s.role = 'suppleant', s.starts_on, s.id`

// SeatsOnPage returns up to limit seats of the mandate open on day d, in
// the member list's order (categories in model.Categories order, then body
// name, titulaire before suppléant), after the key.
func (s *Store) SeatsOnPage(ctx context.Context, mandateID int64, d time.Time, after *SeatKey, limit int) (seats []model.Seat, next *SeatKey, err error) {
	categories := make([]string, len(model.Categories))
	for i, c := range model.Categories {
		categories[i] = string(c)
	}
	args := []any{categories, mandateID, d.Format(time.DateOnly), limit + 1}
	cond := ""
	if after != nil {
		args = append(args, string(after.Category), after.BodyName, after.Suppleant, after.StartsOn.Format(time.DateOnly), after.ID)
		cond = ` AND (` + seatKeyColumns + `) > (array_position($1::text[], $5::text), $6::text, $7::boolean, $8::date, $9::bigint)`
	}
	rows, err := s.db.Query(ctx, `SELECT `+seatColumns+seatJoins+`
		WHERE s.mandate_id = $2 AND s.starts_on <= $3::date AND (s.ends_on IS NULL OR s.ends_on >= $3::date)`+cond+`
		ORDER BY `+seatKeyColumns+` LIMIT $4`, args...)
	if err != nil {
		return nil, nil, fmt.Errorf("seats page: %w", err)
	}
	seats, err = pgx.CollectRows(rows, func(r pgx.CollectableRow) (model.Seat, error) { return scanSeat(r) })
	if err != nil {
		return nil, nil, fmt.Errorf("seats page: %w", err)
	}
	if len(seats) > limit {
		seats = seats[:limit]
		last := seats[limit-1]
		next = &SeatKey{Category: last.BodyCategory, BodyName: last.BodyName, Suppleant: last.Role == model.SeatSuppleant,
			StartsOn: last.StartsOn, ID: last.ID}
	}
	return seats, next, nil
}
