package store

import (
	"context"
	"encoding/json"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"

	"comite/internal/model"
)

// The observatory: yearly surveys, the associations' returns and who read
// them. Lists are bounded: surveys are one a year, returns one per
// association and survey.

const surveyColumns = `s.id, s.data_year, s.opens_on, s.closes_on, s.state, s.publication, s.published_at, s.source,
	(SELECT count(*) FROM survey_returns r WHERE r.survey_id = s.id AND r.state = 'submitted')`

func scanSurvey(row pgx.Row) (model.Survey, error) {
	var s model.Survey
	var pub []byte
	if err := row.Scan(&s.ID, &s.Year, &s.OpensOn, &s.ClosesOn, &s.State, &pub, &s.PublishedAt, &s.Source, &s.Answered); err != nil {
		return s, err
	}
	if pub != nil {
		s.Publication = new(model.Publication)
		if err := json.Unmarshal(pub, s.Publication); err != nil {
			return s, fmt.Errorf("publication of %d: %w", s.Year, err)
		}
	}
	return s, nil
}

// CreateSurvey opens the survey of a data year; a year that has one
// already is a conflict.
func (s *Store) CreateSurvey(ctx context.Context, sv model.Survey) (int64, error) {
	var id int64
	err := s.db.QueryRow(ctx, `INSERT INTO surveys (data_year, opens_on, closes_on, state) VALUES ($1, $2, $3, 'open') RETURNING id`,
		sv.Year, sv.OpensOn, sv.ClosesOn).Scan(&id)
	if err != nil {
		return 0, fmt.Errorf("create survey %d: %w", sv.Year, mapErr(err))
	}
	return id, nil
}

// ImportPublishedSurvey records an earlier year's published figures (no
// returns); created reports false when the year exists already, which is
// then left as it is.
func (s *Store) ImportPublishedSurvey(ctx context.Context, pub model.Publication, publishedOn time.Time) (id int64, created bool, err error) {
	doc, err := json.Marshal(pub)
	if err != nil {
		return 0, false, err
	}
	err = s.db.QueryRow(ctx, `INSERT INTO surveys (data_year, state, publication, published_at, source)
		VALUES ($1, 'published', $2, $3, $4) ON CONFLICT (data_year) DO NOTHING RETURNING id`,
		pub.Year, doc, publishedOn, pub.Source).Scan(&id)
	if err == pgx.ErrNoRows {
		return 0, false, nil
	}
	if err != nil {
		return 0, false, fmt.Errorf("import survey %d: %w", pub.Year, mapErr(err))
	}
	return id, true, nil
}

// Survey returns one survey with the number of submitted returns.
func (s *Store) Survey(ctx context.Context, id int64) (model.Survey, error) {
	sv, err := scanSurvey(s.db.QueryRow(ctx, `SELECT `+surveyColumns+` FROM surveys s WHERE s.id = $1`, id))
	if err != nil {
		return sv, fmt.Errorf("survey %d: %w", id, mapErr(err))
	}
	return sv, nil
}

// SurveyForUpdate returns the survey locked until the end of the
// transaction, so that closing it and a return sent meanwhile follow
// each other.
func (s *Store) SurveyForUpdate(ctx context.Context, id int64) (model.Survey, error) {
	sv, err := scanSurvey(s.db.QueryRow(ctx, `SELECT `+surveyColumns+` FROM surveys s WHERE s.id = $1 FOR UPDATE`, id))
	if err != nil {
		return sv, fmt.Errorf("survey %d: %w", id, mapErr(err))
	}
	return sv, nil
}

// SurveyByYear returns the survey of a data year.
func (s *Store) SurveyByYear(ctx context.Context, year int) (model.Survey, error) {
	sv, err := scanSurvey(s.db.QueryRow(ctx, `SELECT `+surveyColumns+` FROM surveys s WHERE s.data_year = $1`, year))
	if err != nil {
		return sv, fmt.Errorf("survey of %d: %w", year, mapErr(err))
	}
	return sv, nil
}

// Surveys returns the surveys, the latest year first (one a year: the
// limit is never reached in practice).
func (s *Store) Surveys(ctx context.Context) ([]model.Survey, error) {
	rows, err := s.db.Query(ctx, `SELECT `+surveyColumns+` FROM surveys s ORDER BY s.data_year DESC LIMIT 200`)
	if err != nil {
		return nil, fmt.Errorf("surveys: %w", err)
	}
	out, err := pgx.CollectRows(rows, func(r pgx.CollectableRow) (model.Survey, error) { return scanSurvey(r) })
	if err != nil {
		return nil, fmt.Errorf("surveys: %w", err)
	}
	return out, nil
}

// PublishSurvey closes the survey with its publication (nil: closed and
// not published, when the tables failed the disclosure check).
func (s *Store) PublishSurvey(ctx context.Context, id int64, pub *model.Publication, at time.Time) error {
	state, doc := model.SurveyClosed, []byte(nil)
	if pub != nil {
		var err error
		if doc, err = json.Marshal(pub); err != nil {
			return err
		}
		state = model.SurveyPublished
	}
	_, err := s.db.Exec(ctx, `UPDATE surveys SET state = $2, publication = $3,
		published_at = CASE WHEN $3::jsonb IS NULL THEN NULL ELSE $4::timestamptz END WHERE id = $1`, id, state, doc, at)
	if err != nil {
		return fmt.Errorf("publish survey %d: %w", id, err)
	}
	return nil
}

const returnColumns = `r.id, r.survey_id, s.data_year, r.body_id, b.name, r.state, r.sharing, r.version, r.example,
	coalesce(r.note_document_id, 0), r.submitted_at, r.updated_at`

const returnJoins = ` FROM survey_returns r JOIN surveys s ON s.id = r.survey_id JOIN bodies b ON b.id = r.body_id`

func scanReturn(row pgx.Row, extra ...any) (model.SurveyReturn, error) {
	var r model.SurveyReturn
	err := row.Scan(append([]any{&r.ID, &r.SurveyID, &r.Year, &r.BodyID, &r.BodyName, &r.State, &r.Sharing, &r.Version, &r.Example,
		&r.NoteDocumentID, &r.SubmittedAt, &r.UpdatedAt}, extra...)...)
	return r, err
}

// ReturnStatus returns a return without its figures: who sent it, its
// state and dates, and whom it is shared with.
func (s *Store) ReturnStatus(ctx context.Context, id int64) (model.SurveyReturn, error) {
	r, err := scanReturn(s.db.QueryRow(ctx, `SELECT `+returnColumns+returnJoins+` WHERE r.id = $1`, id))
	if err != nil {
		return r, fmt.Errorf("return %d: %w", id, mapErr(err))
	}
	return r, nil
}

// ReturnFigures returns the counts of a return. It is a query of its
// own so that no page reads an association's figures by the way: the
// handler asks access.CanReadReturn first.
func (s *Store) ReturnFigures(ctx context.Context, id int64) (model.Counts, error) {
	var c model.Counts
	if err := s.db.QueryRow(ctx, `SELECT counts FROM survey_returns WHERE id = $1`, id).Scan(&c); err != nil {
		return nil, fmt.Errorf("figures of return %d: %w", id, mapErr(err))
	}
	return c, nil
}

// ReturnOf returns the status of body's return to survey, ErrNotFound
// when it has none.
func (s *Store) ReturnOf(ctx context.Context, surveyID, bodyID int64) (model.SurveyReturn, error) {
	r, err := scanReturn(s.db.QueryRow(ctx, `SELECT `+returnColumns+returnJoins+` WHERE r.survey_id = $1 AND r.body_id = $2`, surveyID, bodyID))
	if err != nil {
		return r, fmt.Errorf("return of body %d to survey %d: %w", bodyID, surveyID, mapErr(err))
	}
	return r, nil
}

// SaveReturn writes body's return (creating it on first save) as a new
// version, and returns it. version is the version the form was read at (0
// for a new return): a return changed meanwhile is a conflict.
func (s *Store) SaveReturn(ctx context.Context, r model.SurveyReturn, version int, by int64, now time.Time) (model.SurveyReturn, error) {
	counts, err := json.Marshal(r.Counts)
	if err != nil {
		return r, err
	}
	var submitted *time.Time
	if r.State == model.ReturnSubmitted {
		submitted = &now
	}
	var tag int64
	if version == 0 {
		err = s.db.QueryRow(ctx, `INSERT INTO survey_returns (survey_id, body_id, state, sharing, counts, example, submitted_at, updated_at, updated_by)
			VALUES ($1, $2, $3, $4, $5, $6, $7, $8, nullif($9, 0)) RETURNING id`,
			r.SurveyID, r.BodyID, r.State, r.Sharing, counts, r.Example, submitted, now, by).Scan(&tag)
	} else {
		err = s.db.QueryRow(ctx, `UPDATE survey_returns SET state = $3, sharing = $4, counts = $5, version = version + 1,
			submitted_at = coalesce($6, CASE WHEN $3 = 'submitted' THEN submitted_at END), updated_at = $7, updated_by = nullif($8, 0)
			WHERE survey_id = $1 AND body_id = $2 AND version = $9 RETURNING id`,
			r.SurveyID, r.BodyID, r.State, r.Sharing, counts, submitted, now, by, version).Scan(&tag)
	}
	if err == pgx.ErrNoRows {
		return r, fmt.Errorf("return of body %d: changed meanwhile: %w", r.BodyID, model.ErrConflict)
	}
	if err != nil {
		return r, fmt.Errorf("save return of body %d: %w", r.BodyID, mapErr(err))
	}
	_, err = s.db.Exec(ctx, `INSERT INTO survey_return_versions (return_id, version, state, sharing, counts, account_id)
		SELECT id, version, state, sharing, counts, nullif($2, 0) FROM survey_returns WHERE id = $1`, tag, by)
	if err != nil {
		return r, fmt.Errorf("version of return %d: %w", tag, err)
	}
	return s.ReturnStatus(ctx, tag)
}

// ClaimSurveyReminder marks the survey's automatic reminder as sent, and
// reports false when it was already: the reminder goes once, whichever
// instance runs the maintenance.
func (s *Store) ClaimSurveyReminder(ctx context.Context, id int64, at time.Time) (bool, error) {
	tag, err := s.db.Exec(ctx, `UPDATE surveys SET reminded_at = $2 WHERE id = $1 AND reminded_at IS NULL AND state = 'open'`, id, at)
	if err != nil {
		return false, fmt.Errorf("reminder of survey %d: %w", id, err)
	}
	return tag.RowsAffected() == 1, nil
}

// SetReturnNote attaches the methodology note document to a return.
func (s *Store) SetReturnNote(ctx context.Context, returnID, documentID int64) error {
	if _, err := s.db.Exec(ctx, `UPDATE survey_returns SET note_document_id = $2 WHERE id = $1`, returnID, documentID); err != nil {
		return fmt.Errorf("note of return %d: %w", returnID, err)
	}
	return nil
}

// SurveyReturns lists the returns to a survey without their figures, by
// association name (one per association).
func (s *Store) SurveyReturns(ctx context.Context, surveyID int64) ([]model.SurveyReturn, error) {
	return s.returns(ctx, `SELECT `+returnColumns+returnJoins+` WHERE r.survey_id = $1 ORDER BY b.name LIMIT 1000`, surveyID)
}

// BodyReturns lists a body's returns, the latest year first.
func (s *Store) BodyReturns(ctx context.Context, bodyID int64) ([]model.SurveyReturn, error) {
	return s.returns(ctx, `SELECT `+returnColumns+returnJoins+` WHERE r.body_id = $1 ORDER BY s.data_year DESC LIMIT 200`, bodyID)
}

// SharedReturns lists the submitted returns shared with the given
// audiences, the latest year first, then by association.
func (s *Store) SharedReturns(ctx context.Context, sharings []model.Sharing) ([]model.SurveyReturn, error) {
	return s.returns(ctx, `SELECT `+returnColumns+returnJoins+` WHERE r.state = 'submitted' AND r.sharing = ANY($1)
		ORDER BY s.data_year DESC, b.name LIMIT 1000`, sharings)
}

// PublicReturns lists the submitted returns of a data year that their
// associations made public, by association name.
func (s *Store) PublicReturns(ctx context.Context, year int) ([]model.SurveyReturn, error) {
	return s.returns(ctx, `SELECT `+returnColumns+returnJoins+` WHERE s.data_year = $1 AND r.state = 'submitted' AND r.sharing = 'public'
		ORDER BY b.name LIMIT 1000`, year)
}

func (s *Store) returns(ctx context.Context, query string, args ...any) ([]model.SurveyReturn, error) {
	rows, err := s.db.Query(ctx, query, args...)
	if err != nil {
		return nil, fmt.Errorf("returns: %w", err)
	}
	out, err := pgx.CollectRows(rows, func(r pgx.CollectableRow) (model.SurveyReturn, error) { return scanReturn(r) })
	if err != nil {
		return nil, fmt.Errorf("returns: %w", err)
	}
	return out, nil
}

// SubmittedFigures returns the counts of every submitted return to a
// survey, for its publication only.
func (s *Store) SubmittedFigures(ctx context.Context, surveyID int64) ([]model.Counts, error) {
	rows, err := s.db.Query(ctx, `SELECT counts FROM survey_returns WHERE survey_id = $1 AND state = 'submitted' ORDER BY id`, surveyID)
	if err != nil {
		return nil, fmt.Errorf("figures of survey %d: %w", surveyID, err)
	}
	out, err := pgx.CollectRows(rows, pgx.RowTo[model.Counts])
	if err != nil {
		return nil, fmt.Errorf("figures of survey %d: %w", surveyID, err)
	}
	return out, nil
}

// HasExampleReturns reports whether fictitious demo returns are among the
// survey's submitted ones: its publication then says so.
func (s *Store) HasExampleReturns(ctx context.Context, surveyID int64) (bool, error) {
	var any bool
	err := s.db.QueryRow(ctx, `SELECT EXISTS (SELECT 1 FROM survey_returns WHERE survey_id = $1 AND state = 'submitted' AND example)`, surveyID).Scan(&any)
	if err != nil {
		return false, fmt.Errorf("example returns of survey %d: %w", surveyID, err)
	}
	return any, nil
}

// AddReading records that an account (0 for the public) read a return.
func (s *Store) AddReading(ctx context.Context, returnID, accountID int64, reader, capacity string) error {
	_, err := s.db.Exec(ctx, `INSERT INTO survey_return_readings (return_id, account_id, reader, capacity) VALUES ($1, nullif($2, 0), $3, $4)`,
		returnID, accountID, reader, capacity)
	if err != nil {
		return fmt.Errorf("reading of return %d: %w", returnID, err)
	}
	return nil
}

// Readings lists the latest readings of a return, newest first.
func (s *Store) Readings(ctx context.Context, returnID int64, limit int) ([]model.ReturnReading, error) {
	rows, err := s.db.Query(ctx, `SELECT reader, capacity, read_at FROM survey_return_readings WHERE return_id = $1
		ORDER BY read_at DESC, id DESC LIMIT $2`, returnID, limit)
	if err != nil {
		return nil, fmt.Errorf("readings of return %d: %w", returnID, err)
	}
	out, err := pgx.CollectRows(rows, func(r pgx.CollectableRow) (model.ReturnReading, error) {
		var rd model.ReturnReading
		return rd, r.Scan(&rd.Reader, &rd.Capacity, &rd.ReadAt)
	})
	if err != nil {
		return nil, fmt.Errorf("readings of return %d: %w", returnID, err)
	}
	return out, nil
}

// AssociationAddresses returns the addresses of the active accounts of
// member associations; waitingFor, when not 0, keeps those whose body has
// not submitted a return to that survey.
func (s *Store) AssociationAddresses(ctx context.Context, waitingFor int64) ([]string, error) {
	rows, err := s.db.Query(ctx, `SELECT a.email FROM accounts a JOIN bodies b ON b.id = a.body_id
		WHERE a.active AND b.category = 'association'
		AND ($1 = 0 OR NOT EXISTS (SELECT 1 FROM survey_returns r WHERE r.survey_id = $1 AND r.body_id = b.id AND r.state = 'submitted'))
		ORDER BY a.email LIMIT 5000`, waitingFor)
	if err != nil {
		return nil, fmt.Errorf("association addresses: %w", err)
	}
	out, err := pgx.CollectRows(rows, pgx.RowTo[string])
	if err != nil {
		return nil, fmt.Errorf("association addresses: %w", err)
	}
	return out, nil
}

// SetStatistician names an account one of the observatory's
// statisticians, or takes the role back.
func (s *Store) SetStatistician(ctx context.Context, accountID int64, on bool) error {
	return s.execOne(ctx, fmt.Sprintf("statistician %d", accountID), `UPDATE accounts SET statistician = $2 WHERE id = $1`, accountID, on)
}

// Statisticians lists the observatory's statisticians by name.
func (s *Store) Statisticians(ctx context.Context) ([]model.Account, error) {
	rows, err := s.db.Query(ctx, `SELECT `+accountColumns+` FROM accounts a LEFT JOIN bodies b ON b.id = a.body_id
		WHERE a.statistician ORDER BY a.display_name LIMIT 500`)
	if err != nil {
		return nil, fmt.Errorf("statisticians: %w", err)
	}
	out, err := pgx.CollectRows(rows, func(r pgx.CollectableRow) (model.Account, error) { return scanAccount(r) })
	if err != nil {
		return nil, fmt.Errorf("statisticians: %w", err)
	}
	return out, nil
}

// MarkObservatoryMeasure makes measure the one whose page links to the
// observatory.
func (s *Store) MarkObservatoryMeasure(ctx context.Context, measureID int64) error {
	if _, err := s.db.Exec(ctx, `UPDATE measures SET observatory = (id = $1) WHERE observatory OR id = $1`, measureID); err != nil {
		return fmt.Errorf("observatory measure %d: %w", measureID, err)
	}
	return nil
}
