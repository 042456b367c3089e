// Package server is the portal's HTTP layer: routes, handlers, middleware and
// the one mapping from errors to HTTP statuses. Handlers read the request,
// ask the access policy, call the store and render a view.
package server

import (
	"context"
	"log/slog"
	"net/http"
	"sync/atomic"
	"time"

	"github.com/alexedwards/scs/pgxstore"
	"github.com/alexedwards/scs/v2"
	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/prometheus/client_golang/prometheus"

	"comite/internal/blob"
	"comite/internal/config"
	"comite/internal/jobs"
	"comite/internal/pagecache"
	"comite/internal/store"
)

// Server holds what the handlers need. Build it with New.
type Server struct {
	cfg      config.Config
	log      *slog.Logger
	store    *store.Store
	sessions *scs.SessionManager
	metrics  *metrics
	// draining turns /readyz to 503 while the process shuts down.
	draining atomic.Bool
	// now is the clock, replaceable in tests of time-based rules.
	now func() time.Time
	// files stores uploaded files; jobs runs their text extraction. Both
	// nil means documents cannot be uploaded or downloaded.
	files *blob.Store
	jobs  *jobs.Runner
	// pages is the cache of signed-out pages (pagecache.go); nil when
	// COMITE_PAGE_CACHE is off. It serves nothing until WatchPublicChanges
	// listens.
	pages *pagecache.Cache
	// cacheReady, when set (by tests), is called each time the cache may
	// serve again, with the table whose announced change emptied it ("" at
	// the start and at a scheduled change).
	cacheReady func(table string)
}

// New builds the server on an opened store.
func New(cfg config.Config, log *slog.Logger, st *store.Store) *Server {
	s := &Server{cfg: cfg, log: log, store: st, now: time.Now}
	sm := scs.New()
	// No clean-up goroutine in pgxstore: its start races with StopCleanup.
	// The hourly maintenance deletes expired sessions instead.
	sm.Store = pgxstore.NewWithCleanupInterval(st.Pool(), 0)
	sm.Lifetime = cfg.SessionLifetime
	sm.IdleTimeout = cfg.SessionIdle
	sm.Cookie.Name = "comite_session"
	if cfg.TLS {
		// The __Host- prefix makes the browser refuse the cookie unless it is
		// Secure, host-only and for the whole site.
		sm.Cookie.Name = "__Host-session"
	}
	sm.Cookie.HttpOnly = true
	sm.Cookie.Secure = cfg.TLS
	sm.Cookie.SameSite = http.SameSiteLaxMode
	sm.Cookie.Path = "/"
	sm.Cookie.Persist = false
	sm.ErrorFunc = s.sessionError
	s.sessions = sm
	if cfg.PageCache {
		s.pages = pagecache.New(pageCacheBytes, pageCacheMaxAge)
	}
	s.metrics = newMetrics(prometheus.NewRegistry(), st.Pool(), s.pages)
	return s
}

// SetSessionPool makes sessions be written through pool, whose connections
// commit without waiting for the WAL flush (synchronous_commit off): with an
// idle timeout scs rewrites the session on every signed-in request, to push
// its deadline, and waiting for the disk there cost 1 to 50 ms per page on a
// busy machine (docs/benchmarks.md). A crash may lose the last fraction of
// a second of such writes: an idle deadline pushed a little less far, or a
// sign-in to do again. Ending a session (sign-out, renewal) still goes
// through the server's own pool and waits for the disk, so that a session
// ended stays ended. Call it before Handler.
func (s *Server) SetSessionPool(pool *pgxpool.Pool) {
	s.sessions.Store = sessionStore{write: pgxstore.NewWithCleanupInterval(pool, 0),
		end: pgxstore.NewWithCleanupInterval(s.store.Pool(), 0)}
}

// sessionStore reads and writes sessions through one store and deletes them
// through another (see SetSessionPool).
type sessionStore struct{ write, end *pgxstore.PostgresStore }

func (st sessionStore) Find(token string) ([]byte, bool, error) { return st.write.Find(token) }

func (st sessionStore) Commit(token string, b []byte, expiry time.Time) error {
	return st.write.Commit(token, b, expiry)
}

func (st sessionStore) Delete(token string) error { return st.end.Delete(token) }

// SetDocuments gives the server its file store and job runner.
func (s *Server) SetDocuments(files *blob.Store, runner *jobs.Runner) {
	s.files, s.jobs = files, runner
}

// Drain marks the server as shutting down: /readyz answers 503 so that a load
// balancer stops sending new requests.
func (s *Server) Drain() { s.draining.Store(true) }

// SetClock replaces the server's clock, for tests of time-based rules
// (scheduled articles, embargoes). Call it before serving: the clock is
// read without a lock.
func (s *Server) SetClock(now func() time.Time) { s.now = now }

// Maintenance intervals: the hourly clean-up, and the look for scheduled
// articles that became visible, to mail them.
const (
	cleanupInterval  = time.Hour
	newsMailInterval = time.Minute
)

// ScheduleMaintenance registers the server's periodic work with the job
// runner, which runs it on one instance: once an hour it deletes expired
// sessions, old login attempts, submission keys older than a day and stored
// files that no document references, and reminds the associations a week
// before a survey closes; every minute it mails the articles
// that became visible. Call it before the runner starts.
func (s *Server) ScheduleMaintenance(r *jobs.Runner) error {
	if err := r.Every("cleanup", cleanupInterval, s.cleanup); err != nil {
		return err
	}
	return r.Every("news_mail", newsMailInterval, s.mailNews)
}

// cleanup is the hourly part of the maintenance.
func (s *Server) cleanup(ctx context.Context) {
	if err := s.store.DeleteLoginAttemptsBefore(ctx, s.now().Add(-30*24*time.Hour)); err != nil && ctx.Err() == nil {
		s.log.Warn("delete old login attempts", "err", err)
	}
	if err := s.store.DeleteExpiredSessions(ctx); err != nil && ctx.Err() == nil {
		s.log.Warn("delete expired sessions", "err", err)
	}
	// A form is sent twice within seconds; a day covers a retry after
	// a long outage too.
	if err := s.store.DeleteSubmissionsBefore(ctx, s.now().Add(-24*time.Hour)); err != nil && ctx.Err() == nil {
		s.log.Warn("delete old submission keys", "err", err)
	}
	if n, err := s.RemindSurveys(ctx); err != nil && ctx.Err() == nil {
		s.log.Warn("remind the observatory's survey", "err", err)
	} else if n > 0 {
		s.log.Info("queued survey reminders", "count", n)
	}
	if s.files != nil {
		// A day's grace leaves alone a file whose row is still being committed.
		n, err := s.files.Sweep(ctx, s.now(), 24*time.Hour, s.store.BlobReferenced)
		if err != nil && ctx.Err() == nil {
			s.log.Warn("sweep unreferenced files", "err", err)
		} else if n > 0 {
			s.log.Info("swept unreferenced files", "count", n)
		}
	}
}

// mailNews queues the mails of the articles that became visible.
func (s *Server) mailNews(ctx context.Context) {
	if n, err := s.MailDueNews(ctx); err != nil && ctx.Err() == nil {
		s.log.Warn("mail due news", "err", err)
	} else if n > 0 {
		s.log.Info("queued news mails", "count", n)
	}
}
