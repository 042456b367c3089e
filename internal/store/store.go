// Package store reads and writes the portal's data in PostgreSQL with plain
// SQL. It knows nothing of HTTP; methods are named after what they return and
// turn "no row" into model.ErrNotFound and unique violations into
// model.ErrConflict.
package store

import (
	"context"
	"errors"
	"fmt"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
	"github.com/jackc/pgx/v5/pgxpool"

	"comite/internal/model"
)

// querier is what a pool, a transaction and a connection all offer.
type querier interface {
	Exec(ctx context.Context, sql string, args ...any) (pgconn.CommandTag, error)
	Query(ctx context.Context, sql string, args ...any) (pgx.Rows, error)
	QueryRow(ctx context.Context, sql string, args ...any) pgx.Row
	CopyFrom(ctx context.Context, tableName pgx.Identifier, columnNames []string, rowSrc pgx.CopyFromSource) (int64, error)
}

// Store is the portal's access to PostgreSQL.
type Store struct {
	pool *pgxpool.Pool
	db   querier
	// mailQueued is called with each mail QueueMail writes, in its
	// transaction (see OnMailQueued); nil does nothing more.
	mailQueued func(ctx context.Context, tx pgx.Tx, id int64) error
}

// New returns a store on pool.
func New(pool *pgxpool.Pool) *Store {
	return &Store{pool: pool, db: pool}
}

// Pool returns the underlying pool, for the session store and metrics.
func (s *Store) Pool() *pgxpool.Pool { return s.pool }

// InTx runs fn with a store whose every call goes through one transaction,
// committed when fn returns nil and rolled back otherwise.
func (s *Store) InTx(ctx context.Context, fn func(tx *Store) error) error {
	return pgx.BeginFunc(ctx, s.pool, func(tx pgx.Tx) error {
		return fn(&Store{pool: s.pool, db: tx, mailQueued: s.mailQueued})
	})
}

// Ping checks that the database answers.
func (s *Store) Ping(ctx context.Context) error {
	return s.pool.Ping(ctx)
}

// SchemaVersion returns the migration version recorded by golang-migrate and
// whether it is dirty.
func (s *Store) SchemaVersion(ctx context.Context) (uint, bool, error) {
	var v int64
	var dirty bool
	err := s.db.QueryRow(ctx, `SELECT version, dirty FROM schema_migrations LIMIT 1`).Scan(&v, &dirty)
	if err != nil {
		return 0, false, fmt.Errorf("schema version: %w", mapErr(err))
	}
	return uint(v), dirty, nil
}

// mapErr turns pgx errors into the model's sentinels.
func mapErr(err error) error {
	if errors.Is(err, pgx.ErrNoRows) {
		return model.ErrNotFound
	}
	var pgErr *pgconn.PgError
	if errors.As(err, &pgErr) && pgErr.Code == "23505" {
		return fmt.Errorf("%w: %s", model.ErrConflict, pgErr.ConstraintName)
	}
	return err
}
