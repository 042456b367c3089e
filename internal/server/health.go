package server

import (
	"context"
	"crypto/subtle"
	"fmt"
	"net"
	"net/http"
	"time"

	"comite/internal/dbmigrate"
)

// healthz answers as long as the process serves HTTP.
func (s *Server) healthz(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("Content-Type", "text/plain; charset=utf-8")
	fmt.Fprintln(w, "ok")
}

// readyz answers 200 only when the database answers and its schema is the one
// this binary expects, and 503 while draining.
func (s *Server) readyz(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("Content-Type", "text/plain; charset=utf-8")
	w.Header().Set("Cache-Control", "no-store")
	if err := s.ready(r.Context()); err != nil {
		w.WriteHeader(http.StatusServiceUnavailable)
		fmt.Fprintln(w, "not ready:", err)
		return
	}
	fmt.Fprintln(w, "ready")
}

func (s *Server) ready(ctx context.Context) error {
	if s.draining.Load() {
		return fmt.Errorf("shutting down")
	}
	ctx, cancel := context.WithTimeout(ctx, 2*time.Second)
	defer cancel()
	if err := s.store.Ping(ctx); err != nil {
		return fmt.Errorf("database unreachable")
	}
	want, err := dbmigrate.Latest()
	if err != nil {
		return fmt.Errorf("read embedded migrations: %w", err)
	}
	got, dirty, err := s.store.SchemaVersion(ctx)
	if err != nil {
		return fmt.Errorf("schema version unknown")
	}
	if dirty || got != want {
		return fmt.Errorf("schema at version %d (dirty=%v), want %d", got, dirty, want)
	}
	return nil
}

// serveMetrics exposes Prometheus metrics to a scraper holding the token, or
// to a client on the same machine when no token is set.
func (s *Server) serveMetrics(w http.ResponseWriter, r *http.Request) {
	allowed := false
	if s.cfg.MetricsToken != "" {
		allowed = subtle.ConstantTimeCompare([]byte(r.Header.Get("Authorization")), []byte("Bearer "+s.cfg.MetricsToken)) == 1
	} else if host, _, err := net.SplitHostPort(r.RemoteAddr); err == nil {
		ip := net.ParseIP(host)
		allowed = ip != nil && ip.IsLoopback() && r.Header.Get("X-Forwarded-For") == ""
	}
	if !allowed {
		http.Error(w, "forbidden", http.StatusForbidden)
		return
	}
	s.metrics.handler.ServeHTTP(w, r)
}
