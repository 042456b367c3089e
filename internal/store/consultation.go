package store

import (
	"context"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"

	"comite/internal/model"
)

// ConsultationWindows returns the windows of a measure and those of its
// axis (axisID 0 for none), each by opening date.
func (s *Store) ConsultationWindows(ctx context.Context, measureID, axisID int64) (own, axis []model.ConsultationWindow, err error) {
	rows, err := s.db.Query(ctx, `SELECT id, coalesce(axis_id, 0), coalesce(measure_id, 0), opens_at, closes_at
		FROM consultation_windows WHERE measure_id = $1 OR axis_id = $2 ORDER BY opens_at, id`, measureID, axisID)
	if err != nil {
		return nil, nil, fmt.Errorf("consultation windows of measure %d: %w", measureID, err)
	}
	ws, err := pgx.CollectRows(rows, pgx.RowToStructByPos[model.ConsultationWindow])
	if err != nil {
		return nil, nil, fmt.Errorf("consultation windows of measure %d: %w", measureID, err)
	}
	for _, w := range ws {
		if w.MeasureID != 0 {
			own = append(own, w)
		} else {
			axis = append(axis, w)
		}
	}
	return own, axis, nil
}

// ConsultationWindow returns one window.
func (s *Store) ConsultationWindow(ctx context.Context, id int64) (model.ConsultationWindow, error) {
	var w model.ConsultationWindow
	err := s.db.QueryRow(ctx, `SELECT id, coalesce(axis_id, 0), coalesce(measure_id, 0), opens_at, closes_at
		FROM consultation_windows WHERE id = $1`, id).Scan(&w.ID, &w.AxisID, &w.MeasureID, &w.OpensAt, &w.ClosesAt)
	if err != nil {
		return w, fmt.Errorf("consultation window %d: %w", id, mapErr(err))
	}
	return w, nil
}

// AddConsultationWindow opens a window on a measure or on an axis (exactly
// one of the two ids set) and returns its id.
func (s *Store) AddConsultationWindow(ctx context.Context, w model.ConsultationWindow, by int64) (int64, error) {
	var axis, measure *int64
	if w.AxisID != 0 {
		axis = &w.AxisID
	}
	if w.MeasureID != 0 {
		measure = &w.MeasureID
	}
	var id int64
	err := s.db.QueryRow(ctx, `INSERT INTO consultation_windows (axis_id, measure_id, opens_at, closes_at, created_by)
		VALUES ($1, $2, $3, $4, nullif($5, 0)) RETURNING id`, axis, measure, w.OpensAt, w.ClosesAt, by).Scan(&id)
	if err != nil {
		return 0, fmt.Errorf("add consultation window: %w", mapErr(err))
	}
	return id, nil
}

// CloseConsultationWindow ends a window at a time (now, usually); a window
// not yet open ends empty.
func (s *Store) CloseConsultationWindow(ctx context.Context, id int64, at time.Time) error {
	return s.execOne(ctx, fmt.Sprintf("close consultation window %d", id),
		`UPDATE consultation_windows SET closes_at = greatest(opens_at, $2::timestamptz),
			opens_at = least(opens_at, $2::timestamptz) WHERE id = $1 AND closes_at > $2`, id, at)
}

// DeleteConsultationWindow removes a window.
func (s *Store) DeleteConsultationWindow(ctx context.Context, id int64) error {
	return s.execOne(ctx, fmt.Sprintf("delete consultation window %d", id), `DELETE FROM consultation_windows WHERE id = $1`, id)
}

// Follow records that an account follows a measure; following twice is
// following once.
func (s *Store) Follow(ctx context.Context, accountID, measureID int64) error {
	_, err := s.db.Exec(ctx, `INSERT INTO measure_follows (account_id, measure_id) VALUES ($1, $2)
		ON CONFLICT (account_id, measure_id) DO NOTHING`, accountID, measureID)
	if err != nil {
		return fmt.Errorf("follow measure %d: %w", measureID, mapErr(err))
	}
	return nil
}

// AddUnsubscribeToken records the hash of the token of an unsubscribe link
// mailed to a follower of a measure; the clear token is only in the mail.
// The link works until the account stops following the measure.
func (s *Store) AddUnsubscribeToken(ctx context.Context, accountID, measureID int64, hash []byte) error {
	_, err := s.db.Exec(ctx, `INSERT INTO unsubscribe_tokens (token_hash, account_id, measure_id) VALUES ($1, $2, $3)`,
		hash, accountID, measureID)
	if err != nil {
		return fmt.Errorf("unsubscribe token for measure %d: %w", measureID, mapErr(err))
	}
	return nil
}

// Unfollow stops an account following a measure; it is not an error if it
// did not.
func (s *Store) Unfollow(ctx context.Context, accountID, measureID int64) error {
	if _, err := s.db.Exec(ctx, `DELETE FROM measure_follows WHERE account_id = $1 AND measure_id = $2`, accountID, measureID); err != nil {
		return fmt.Errorf("unfollow measure %d: %w", measureID, err)
	}
	return nil
}

// Follows reports whether an account follows a measure.
func (s *Store) Follows(ctx context.Context, accountID, measureID int64) (bool, error) {
	var yes bool
	err := s.db.QueryRow(ctx, `SELECT EXISTS (SELECT 1 FROM measure_follows WHERE account_id = $1 AND measure_id = $2)`,
		accountID, measureID).Scan(&yes)
	if err != nil {
		return false, fmt.Errorf("follows measure %d: %w", measureID, err)
	}
	return yes, nil
}

// Follower is an account to tell about a new comment.
type Follower struct {
	AccountID int64
	Email     string
	Name      string
}

// Followers returns the active accounts following a measure.
func (s *Store) Followers(ctx context.Context, measureID int64) ([]Follower, error) {
	rows, err := s.db.Query(ctx, `SELECT a.id, a.email, a.display_name
		FROM measure_follows f JOIN accounts a ON a.id = f.account_id WHERE f.measure_id = $1 AND a.active ORDER BY a.id`, measureID)
	if err != nil {
		return nil, fmt.Errorf("followers of measure %d: %w", measureID, err)
	}
	fs, err := pgx.CollectRows(rows, pgx.RowToStructByPos[Follower])
	if err != nil {
		return nil, fmt.Errorf("followers of measure %d: %w", measureID, err)
	}
	return fs, nil
}

// FollowByToken returns the account and measure of the unsubscribe link
// whose token has this hash.
func (s *Store) FollowByToken(ctx context.Context, hash []byte) (accountID, measureID int64, err error) {
	err = s.db.QueryRow(ctx, `SELECT account_id, measure_id FROM unsubscribe_tokens WHERE token_hash = $1`, hash).
		Scan(&accountID, &measureID)
	if err != nil {
		return 0, 0, fmt.Errorf("follow by token: %w", mapErr(err))
	}
	return accountID, measureID, nil
}

// PlanWindows returns every window of a plan's axes and measures, latest
// opening first.
func (s *Store) PlanWindows(ctx context.Context, planID int64) ([]model.ConsultationWindow, error) {
	rows, err := s.db.Query(ctx, `SELECT w.id, coalesce(w.axis_id, 0), coalesce(w.measure_id, 0), w.opens_at, w.closes_at
		FROM consultation_windows w LEFT JOIN axes a ON a.id = w.axis_id LEFT JOIN measures m ON m.id = w.measure_id
		WHERE a.plan_id = $1 OR m.plan_id = $1 ORDER BY w.opens_at DESC, w.id DESC`, planID)
	if err != nil {
		return nil, fmt.Errorf("windows of plan %d: %w", planID, err)
	}
	ws, err := pgx.CollectRows(rows, pgx.RowToStructByPos[model.ConsultationWindow])
	if err != nil {
		return nil, fmt.Errorf("windows of plan %d: %w", planID, err)
	}
	return ws, nil
}

// PlanOfWindow returns the id of the plan a window's axis or measure
// belongs to.
func (s *Store) PlanOfWindow(ctx context.Context, w model.ConsultationWindow) (int64, error) {
	var id int64
	err := s.db.QueryRow(ctx, `SELECT plan_id FROM axes WHERE id = $1 UNION ALL SELECT plan_id FROM measures WHERE id = $2`,
		w.AxisID, w.MeasureID).Scan(&id)
	if err != nil {
		return 0, fmt.Errorf("plan of window %d: %w", w.ID, mapErr(err))
	}
	return id, nil
}
