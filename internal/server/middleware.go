package server

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"runtime/debug"
	"strings"
	"time"

	"github.com/go-chi/chi/v5"

	"comite/internal/access"
	"comite/internal/model"
)

type ctxKey int

const (
	requestIDKey ctxKey = iota
	viewerKey
)

// requestID gives every request an id, returned in X-Request-Id and written
// in every log line about it.
func (s *Server) requestID(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		b := make([]byte, 8)
		_, _ = rand.Read(b)
		id := hex.EncodeToString(b)
		w.Header().Set("X-Request-Id", id)
		next.ServeHTTP(w, r.WithContext(context.WithValue(r.Context(), requestIDKey, id)))
	})
}

func requestIDOf(ctx context.Context) string {
	id, _ := ctx.Value(requestIDKey).(string)
	return id
}

// statusRecorder remembers the status a handler wrote.
type statusRecorder struct {
	http.ResponseWriter
	status int
	bytes  int
}

func (w *statusRecorder) WriteHeader(code int) {
	if w.status == 0 {
		w.status = code
	}
	w.ResponseWriter.WriteHeader(code)
}

func (w *statusRecorder) Write(b []byte) (int, error) {
	if w.status == 0 {
		w.status = http.StatusOK
	}
	n, err := w.ResponseWriter.Write(b)
	w.bytes += n
	return n, err
}

// Unwrap lets http.ResponseController reach the real writer.
func (w *statusRecorder) Unwrap() http.ResponseWriter { return w.ResponseWriter }

func (w *statusRecorder) code() int {
	if w.status == 0 {
		return http.StatusOK
	}
	return w.status
}

func (s *Server) logRequests(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		start := time.Now()
		rec := &statusRecorder{ResponseWriter: w}
		next.ServeHTTP(rec, r)
		level := slog.LevelInfo
		if rec.code() >= 500 {
			level = slog.LevelError
		}
		s.log.LogAttrs(r.Context(), level, "request",
			slog.String("request_id", requestIDOf(r.Context())),
			slog.String("method", r.Method),
			slog.String("path", loggedPath(r)),
			slog.Int("status", rec.code()),
			slog.Int("bytes", rec.bytes),
			slog.Duration("duration", time.Since(start)),
			slog.String("ip", s.clientIP(r)),
		)
	})
}

// loggedPath is the request's path for the log, with secret link tokens
// (password reset, invitation, unsubscribe) left out: whoever reads logs
// must not be able to use them. chi has matched the route by now, so its
// pattern names the token's place.
func loggedPath(r *http.Request) string {
	if rc := chi.RouteContext(r.Context()); rc != nil {
		if pattern := rc.RoutePattern(); strings.Contains(pattern, "{token}") {
			return pattern
		}
	}
	return r.URL.Path
}

// recoverPanics turns a panic into the 500 page and a log line with the stack.
func (s *Server) recoverPanics(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		defer func() {
			v := recover()
			if v == nil {
				return
			}
			if v == http.ErrAbortHandler {
				panic(v)
			}
			s.log.Error("panic", "request_id", requestIDOf(r.Context()), "panic", fmt.Sprint(v), "stack", string(debug.Stack()))
			s.serveError(w, r, errors.New("panic"))
		}()
		next.ServeHTTP(w, r)
	})
}

// contentSecurityPolicy allows only the portal's own files: no inline script
// or style, no framing, no plugins.
const contentSecurityPolicy = "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; " +
	"object-src 'none'; base-uri 'none'; frame-ancestors 'none'; form-action 'self'"

func (s *Server) securityHeaders(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		h := w.Header()
		h.Set("Content-Security-Policy", contentSecurityPolicy)
		h.Set("X-Content-Type-Options", "nosniff")
		h.Set("Referrer-Policy", "strict-origin-when-cross-origin")
		h.Set("Cross-Origin-Opener-Policy", "same-origin")
		h.Set("X-Frame-Options", "DENY")
		h.Set("Permissions-Policy", "camera=(), microphone=(), geolocation=()")
		if s.cfg.TLS {
			h.Set("Strict-Transport-Security", "max-age=63072000; includeSubDomains")
		}
		next.ServeHTTP(w, r)
	})
}

// crossOrigin refuses state-changing requests sent by another site, using
// the browser's Sec-Fetch-Site and Origin headers (Go's CrossOriginProtection).
func (s *Server) crossOrigin(next http.Handler) http.Handler {
	cop := http.NewCrossOriginProtection()
	cop.SetDenyHandler(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		s.log.Warn("cross-origin request refused", "request_id", requestIDOf(r.Context()),
			"origin", r.Header.Get("Origin"), "sec_fetch_site", r.Header.Get("Sec-Fetch-Site"), "path", r.URL.Path)
		s.serveError(w, r, errCrossOrigin)
	}))
	return cop.Handler(next)
}

// limitBody caps request bodies. Forms are small; a multipart upload may
// carry a file up to the upload limit, which the upload checks exactly, plus
// room to read the rest of a too-large file and answer with a message.
func (s *Server) limitBody(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Body != nil {
			limit := s.cfg.MaxFormBytes
			if strings.HasPrefix(r.Header.Get("Content-Type"), "multipart/form-data") {
				limit = 2*s.cfg.MaxUploadBytes + s.cfg.MaxFormBytes
			}
			r.Body = http.MaxBytesReader(w, r.Body, limit)
		}
		next.ServeHTTP(w, r)
	})
}

// loadViewer turns the session into the viewer of the request. A session
// whose account is gone, deactivated, or whose epoch is older than the
// account's (password changed elsewhere) is ended.
func (s *Server) loadViewer(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		ctx := r.Context()
		var v access.Viewer
		if id := s.sessions.GetInt64(ctx, sessionAccountKey); id != 0 {
			a, err := s.store.Account(ctx, id)
			switch {
			case err == nil && a.Active && a.SessionEpoch == s.sessions.GetInt(ctx, sessionEpochKey):
				v = access.ViewerFor(a)
			case err == nil || errors.Is(err, model.ErrNotFound):
				_ = s.sessions.Destroy(ctx)
			default:
				s.serveError(w, r, err)
				return
			}
			// Pages of a signed-in viewer must not stay in shared or back-button caches.
			w.Header().Set("Cache-Control", "no-store")
		}
		next.ServeHTTP(w, r.WithContext(context.WithValue(ctx, viewerKey, v)))
	})
}

func viewerOf(ctx context.Context) access.Viewer {
	v, _ := ctx.Value(viewerKey).(access.Viewer)
	return v
}

// require lets a request through only when the policy allows act; otherwise
// a signed-out viewer is sent to the login page and a signed-in one gets 403.
func (s *Server) require(act access.Action) func(http.Handler) http.Handler {
	return func(next http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			if !access.Allows(viewerOf(r.Context()), act) {
				s.serveError(w, r, model.ErrForbidden)
				return
			}
			next.ServeHTTP(w, r)
		})
	}
}

// clientIP is the address of the client: the socket peer, or behind a
// trusted proxy the last address it appended to X-Forwarded-For.
func (s *Server) clientIP(r *http.Request) string {
	if s.cfg.TrustProxy {
		if xff := r.Header.Get("X-Forwarded-For"); xff != "" {
			parts := strings.Split(xff, ",")
			if ip := net.ParseIP(strings.TrimSpace(parts[len(parts)-1])); ip != nil {
				return ip.String()
			}
		}
	}
	host, _, err := net.SplitHostPort(r.RemoteAddr)
	if err != nil {
		return r.RemoteAddr
	}
	return host
}
