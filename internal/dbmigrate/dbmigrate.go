// Package dbmigrate applies the embedded SQL migrations with golang-migrate.
// golang-migrate holds a PostgreSQL advisory lock while it works, so several
// instances starting at once apply each file exactly once.
package dbmigrate

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/url"
	"os"
	"time"

	"github.com/golang-migrate/migrate/v4"
	// registers the "pgx5" URL scheme
	_ "github.com/golang-migrate/migrate/v4/database/pgx/v5"
	"github.com/golang-migrate/migrate/v4/source/iofs"
	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/riverqueue/river/riverdriver/riverpgxv5"
	"github.com/riverqueue/river/rivermigrate"

	"comite/migrations"
)

// ErrDirty reports a database left half-migrated by an earlier failure; an
// operator must look at it before the portal may start.
var ErrDirty = errors.New("la base de données est dans un état de migration incomplet (dirty) : corrigez-la puis lancez « comite migrate force » ou restaurez une sauvegarde")

// open builds a migrator on the embedded files for the PostgreSQL URL dbURL.
func open(dbURL string) (*migrate.Migrate, error) {
	u, err := url.Parse(dbURL)
	if err != nil {
		return nil, fmt.Errorf("parse database url: %w", err)
	}
	u.Scheme = "pgx5"
	src, err := iofs.New(migrations.FS, ".")
	if err != nil {
		return nil, fmt.Errorf("open embedded migrations: %w", err)
	}
	m, err := migrate.NewWithSourceInstance("iofs", src, u.String())
	if err != nil {
		return nil, fmt.Errorf("open migrator: %w", err)
	}
	return m, nil
}

func closeMigrator(m *migrate.Migrate, err error) error {
	srcErr, dbErr := m.Close()
	return errors.Join(err, srcErr, dbErr)
}

// Up applies every migration not yet applied, then river's migrations (its
// job tables, which internal/jobs needs). It refuses to touch a dirty
// database. River's tables are not versioned in schema_migrations, so Down
// leaves them alone and a later Up finds them in place.
func Up(dbURL string) (err error) {
	m, err := open(dbURL)
	if err != nil {
		return err
	}
	defer func() { err = closeMigrator(m, err) }()
	// The dirty check happens inside Up, under the advisory lock: checking
	// before would see another instance's migration in progress as dirty.
	err = m.Up()
	var dirty migrate.ErrDirty
	switch {
	case errors.As(err, &dirty):
		return fmt.Errorf("version %d: %w", dirty.Version, ErrDirty)
	case err != nil && !errors.Is(err, migrate.ErrNoChange):
		return fmt.Errorf("migrate up: %w", err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), riverTimeout)
	defer cancel()
	return upRiver(ctx, dbURL)
}

// riverTimeout bounds river's migrations, waiting for another instance's
// included.
const riverTimeout = 5 * time.Minute

// upRiver applies river's migrations. River's migrator takes no lock of its
// own, so an advisory lock, held on a connection of its own, makes instances
// starting at once apply them one after the other; the later ones find
// nothing left to do.
func upRiver(ctx context.Context, dbURL string) error {
	cfg, err := pgxpool.ParseConfig(dbURL)
	if err != nil {
		return fmt.Errorf("river migrations: %w", err)
	}
	// One connection holds the lock, the migrator uses the others.
	cfg.MaxConns = 3
	pool, err := pgxpool.NewWithConfig(ctx, cfg)
	if err != nil {
		return fmt.Errorf("river migrations: %w", err)
	}
	// Closing the pool ends the lock's session, which releases the lock
	// whatever happens below.
	defer pool.Close()
	lock, err := pool.Acquire(ctx)
	if err != nil {
		return fmt.Errorf("river migrations: %w", err)
	}
	defer lock.Release()
	if _, err := lock.Exec(ctx, `SELECT pg_advisory_lock(hashtextextended('comite: river migrations', 0))`); err != nil {
		return fmt.Errorf("river migrations: lock: %w", err)
	}
	migrator, err := rivermigrate.New(riverpgxv5.New(pool), &rivermigrate.Config{
		Logger: slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: slog.LevelWarn})),
	})
	if err != nil {
		return fmt.Errorf("river migrations: %w", err)
	}
	if _, err := migrator.Migrate(ctx, rivermigrate.DirectionUp, nil); err != nil {
		return fmt.Errorf("river migrations: %w", err)
	}
	if _, err := lock.Exec(ctx, `SELECT pg_advisory_unlock(hashtextextended('comite: river migrations', 0))`); err != nil {
		return fmt.Errorf("river migrations: unlock: %w", err)
	}
	return nil
}

// Down reverts the last n migrations.
func Down(dbURL string, n int) (err error) {
	if n < 1 {
		return fmt.Errorf("le nombre de migrations à annuler doit être au moins 1 (reçu %d)", n)
	}
	m, err := open(dbURL)
	if err != nil {
		return err
	}
	defer func() { err = closeMigrator(m, err) }()
	if err := m.Steps(-n); err != nil && !errors.Is(err, migrate.ErrNoChange) {
		return fmt.Errorf("migrate down: %w", err)
	}
	return nil
}

// Force marks version v as applied and clean, for an operator who repaired a
// dirty database by hand.
func Force(dbURL string, v int) (err error) {
	m, err := open(dbURL)
	if err != nil {
		return err
	}
	defer func() { err = closeMigrator(m, err) }()
	return m.Force(v)
}

// Version returns the applied version (0 when none) and whether it is dirty.
func Version(dbURL string) (version uint, dirty bool, err error) {
	m, err := open(dbURL)
	if err != nil {
		return 0, false, err
	}
	defer func() { err = closeMigrator(m, err) }()
	version, dirty, err = m.Version()
	if errors.Is(err, migrate.ErrNilVersion) {
		return 0, false, nil
	}
	return version, dirty, err
}

// Latest returns the highest version among the embedded files: the version a
// current database must be at.
func Latest() (uint, error) {
	src, err := iofs.New(migrations.FS, ".")
	if err != nil {
		return 0, err
	}
	defer src.Close()
	v, err := src.First()
	if err != nil {
		return 0, err
	}
	for {
		next, err := src.Next(v)
		if err != nil {
			return v, nil
		}
		v = next
	}
}
