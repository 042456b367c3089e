package store

import (
	"context"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"
)

// PublicChangeChannel is the channel on which migration 15's trigger
// function notify_public_change() announces, at commit, every write to a
// table whose content the public may see; the payload is the table's name.
const PublicChangeChannel = "public_change"

// PublicChangeListener is the application_name of the listening
// connection.
const PublicChangeListener = "comite page cache"

// PublicChanges is one connection of its own, outside the pool, listening
// on PublicChangeChannel: a pooled connection would be handed to other
// requests and lose the LISTEN.
type PublicChanges struct {
	conn *pgx.Conn
	st   *Store
}

// ListenPublicChanges opens a connection with the pool's settings and
// listens on PublicChangeChannel. Announcements of commits made after it
// returns are received by Wait; the caller closes it.
func (s *Store) ListenPublicChanges(ctx context.Context) (*PublicChanges, error) {
	cfg := s.pool.Config().ConnConfig.Copy()
	// Named, so that pg_stat_activity tells it from the pool's.
	cfg.RuntimeParams["application_name"] = PublicChangeListener
	conn, err := pgx.ConnectConfig(ctx, cfg)
	if err != nil {
		return nil, fmt.Errorf("listen for public changes: %w", err)
	}
	if _, err := conn.Exec(ctx, "LISTEN "+PublicChangeChannel); err != nil {
		_ = conn.Close(context.WithoutCancel(ctx))
		return nil, fmt.Errorf("listen for public changes: %w", err)
	}
	return &PublicChanges{conn: conn, st: &Store{pool: s.pool, db: conn}}, nil
}

// Wait blocks until a change is announced and returns the table it was
// made to. It returns ctx's error when ctx ends first, and the
// connection's when it breaks (then the caller closes it and listens anew).
// A ctx ended while waiting leaves the connection usable.
func (p *PublicChanges) Wait(ctx context.Context) (string, error) {
	n, err := p.conn.WaitForNotification(ctx)
	if err != nil {
		return "", err
	}
	return n.Payload, nil
}

// NextChange is NextPublicChange on the listening connection, so that it
// needs no pooled connection and sees every commit announced so far.
func (p *PublicChanges) NextChange(ctx context.Context, now time.Time) (time.Time, error) {
	return p.st.NextPublicChange(ctx, now)
}

// Close ends the connection.
func (p *PublicChanges) Close(ctx context.Context) error { return p.conn.Close(ctx) }

// NextPublicChange returns the first instant after now at which what the
// public sees changes without any write announcing it: an embargo that
// lifts, an article published at its hour, a meeting that starts (it
// moves from « à venir » to the past ones, and shows on the public list),
// ends, or leaves the calendar feed's year, a consultation window that
// opens or closes. Dates without an hour (seats, mandates) change at
// midnight, which the caller adds. Zero means none is scheduled. Each part
// reads an index or a small table.
func (s *Store) NextPublicChange(ctx context.Context, now time.Time) (time.Time, error) {
	var next *time.Time
	err := s.db.QueryRow(ctx, `SELECT least(
		(SELECT min(embargo_until) FROM documents WHERE embargo_until > $1),
		(SELECT min(published_at) FROM news_articles WHERE published_at > $1),
		(SELECT min(starts_at) FROM meetings WHERE starts_at > $1),
		(SELECT min(coalesce(ends_at, starts_at + interval '2 hours')) FROM meetings
			WHERE coalesce(ends_at, starts_at + interval '2 hours') > $1),
		(SELECT min(starts_at) + interval '1 year' FROM meetings WHERE starts_at > $1 - interval '1 year'),
		(SELECT min(opens_at) FROM consultation_windows WHERE opens_at > $1),
		(SELECT min(closes_at) FROM consultation_windows WHERE closes_at > $1))`, now).Scan(&next)
	if err != nil {
		return time.Time{}, fmt.Errorf("next public change: %w", err)
	}
	if next == nil {
		return time.Time{}, nil
	}
	return *next, nil
}
