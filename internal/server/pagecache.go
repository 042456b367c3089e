package server

import (
	"context"
	"net/http"
	"strconv"
	"strings"
	"sync/atomic"
	"time"

	"github.com/alexedwards/scs/v2"
	"github.com/go-chi/chi/v5"

	"comite/internal/pagecache"
	"comite/internal/store"
	"comite/web/static"
	"comite/web/view"
)

// The cache of signed-out pages (package pagecache): what a visitor
// without a session sees of the public pages, feeds, exports and API is
// the same for everyone, so it is built once and then handed out from
// memory, gzip-compressed once. Each instance holds its own copy and
// empties it when PostgreSQL announces a write to a table the public sees
// (migration 15, LISTEN on a connection of its own: WatchPublicChanges),
// when the next scheduled change that no write announces is reached (an
// embargo, an article's hour, a meeting's start, midnight: see
// store.NextPublicChange), and an entry never outlives pageCacheMaxAge.
// While the instance is not listening it serves nothing from the cache.
const (
	// pageCacheBytes bounds the memory the entries take (bodies, both
	// variants, and headers); the least recently used go first.
	pageCacheBytes = 64 << 20
	// pageCacheMaxAge is the safety net for a change that neither a
	// notification nor the schedule announces.
	pageCacheMaxAge = 5 * time.Minute
	// The listener's reconnection waits grow from the first to the last.
	listenBackoffMin = 100 * time.Millisecond
	listenBackoffMax = 30 * time.Second
)

// serveCached answers from the cache a GET or HEAD that carries no session
// cookie, when an entry for its path and query is there. Anything else
// goes on to the router. A request with a session cookie is never served
// from the cache, even if its session turns out to be signed out: only
// the session could tell, and reading it is what the cache saves.
func (s *Server) serveCached(next http.Handler) http.Handler {
	if s.pages == nil {
		return next
	}
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if (r.Method == http.MethodGet || r.Method == http.MethodHead) && !s.hasSessionCookie(r) {
			if e, ok := s.pages.Get(cacheKey(r), s.now()); ok {
				if rc := chi.RouteContext(r.Context()); rc != nil {
					rc.RoutePatterns = append(rc.RoutePatterns, e.Route)
				}
				writeEntry(w, r, e)
				return
			}
		}
		next.ServeHTTP(w, r)
	})
}

// fillCache, on the group of the public pages that may be cached, builds
// the answer of a signed-out GET without a session cookie as a first visit
// would (without its conditional headers, so that it is the whole 200
// with its ETag, see revalidate) and stores it, unless it is not a 200,
// asks not to be stored (no-store), set a cookie or touched the session,
// or the cache changed while it was built. Then it answers as a hit would,
// so that a miss and a hit send the same bytes.
func (s *Server) fillCache(next http.Handler) http.Handler {
	if s.pages == nil {
		return next
	}
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method != http.MethodGet || viewerOf(r.Context()).SignedIn() || s.hasSessionCookie(r) || isDownload(r) {
			next.ServeHTTP(w, r)
			return
		}
		ticket := s.pages.Begin()
		if !ticket.Ready() {
			// Not listening: the cache stores nothing, and the page goes
			// out as without it.
			next.ServeHTTP(w, r)
			return
		}
		first := r.Clone(r.Context())
		for _, h := range []string{"If-None-Match", "If-Modified-Since", "If-Match", "If-Unmodified-Since", "If-Range", "Range"} {
			first.Header.Del(h)
		}
		bw := &bufferedWriter{header: http.Header{}}
		next.ServeHTTP(bw, first)
		if bw.code() != http.StatusOK || bw.header.Get("ETag") == "" || len(bw.header.Values("Set-Cookie")) > 0 ||
			strings.Contains(bw.header.Get("Cache-Control"), "no-store") || s.sessions.Status(r.Context()) != scs.Unmodified {
			h := w.Header()
			for k, v := range bw.header {
				h[k] = v
			}
			w.WriteHeader(bw.code())
			_, _ = w.Write(bw.body.Bytes())
			return
		}
		route := ""
		if rc := chi.RouteContext(r.Context()); rc != nil {
			route = rc.RoutePattern()
		}
		e := pagecache.NewEntry(bw.header, bw.body.Bytes(), bw.header.Get("ETag"), route)
		s.pages.Put(ticket, cacheKey(r), e, s.now())
		writeEntry(w, r, e)
	})
}

// cacheKey names a page in the cache: its path and query as sent.
func cacheKey(r *http.Request) string {
	if r.URL.RawQuery == "" {
		return r.URL.EscapedPath()
	}
	return r.URL.EscapedPath() + "?" + r.URL.RawQuery
}

func (s *Server) hasSessionCookie(r *http.Request) bool {
	_, err := r.Cookie(s.sessions.Cookie.Name)
	return err == nil
}

// writeEntry sends e: gzip-compressed when the client accepts it, 304 when
// the client's copy is current, headers only for HEAD. The compression
// wrapper outside leaves an answer with Content-Encoding alone, and has
// already said Vary: Accept-Encoding.
func writeEntry(w http.ResponseWriter, r *http.Request, e *pagecache.Entry) {
	h := w.Header()
	for k, v := range e.Header {
		h[k] = v
	}
	body, tag := e.Body, e.ETag
	if e.Gzip != nil && static.AcceptsGzip(r.Header.Get("Accept-Encoding")) {
		body, tag = e.Gzip, e.GzipETag()
		h.Set("Content-Encoding", "gzip")
	}
	h.Set("ETag", tag)
	if notModified(r, h, tag) {
		h.Del("Content-Type")
		h.Del("Content-Encoding")
		w.WriteHeader(http.StatusNotModified)
		return
	}
	h.Set("Content-Length", strconv.Itoa(len(body)))
	w.WriteHeader(http.StatusOK)
	if r.Method != http.MethodHead {
		_, _ = w.Write(body)
	}
}

// WatchPublicChanges keeps the cache of signed-out pages true until ctx
// ends: it listens on a connection of its own for the changes the
// database announces and empties the cache at each, computes after each
// the next scheduled change, and reconnects with a growing wait when the
// connection is lost (the cache serves nothing meanwhile, since changes
// would go unheard). It returns at once when the cache is off.
func (s *Server) WatchPublicChanges(ctx context.Context) {
	if s.pages == nil {
		return
	}
	wait := listenBackoffMin
	for {
		listened, err := s.listenPublicChanges(ctx)
		s.pages.Invalidate()
		if ctx.Err() != nil {
			return
		}
		if listened {
			wait = listenBackoffMin
		}
		s.log.Warn("page cache: not listening for public changes, serving every page afresh", "err", err, "retry_in", wait)
		select {
		case <-ctx.Done():
			return
		case <-time.After(wait):
		}
		wait = min(2*wait, listenBackoffMax)
	}
}

// listenPublicChanges is one connection's life: it reports whether the
// cache was ready at some point, and why the connection ended.
func (s *Server) listenPublicChanges(ctx context.Context) (listened bool, err error) {
	pc, err := s.store.ListenPublicChanges(ctx)
	if err != nil {
		return false, err
	}
	defer func() {
		closeCtx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 5*time.Second)
		defer cancel()
		_ = pc.Close(closeCtx)
	}()
	table := ""
	for {
		// Whatever happened before this point (before the LISTEN, or the
		// change just announced) may be in the cache: start afresh.
		s.pages.Invalidate()
		next, err := pc.NextChange(ctx, s.now())
		if err != nil {
			return listened, err
		}
		// The next start of a day in Paris, when dates without an hour
		// (seats, mandates, « aujourd'hui ») move on.
		midnight := parisMidnight(s.now().In(view.Paris)).AddDate(0, 0, 1)
		if next.IsZero() || midnight.Before(next) {
			next = midnight
		}
		s.pages.Ready(next)
		listened = true
		if s.cacheReady != nil {
			s.cacheReady(table)
		}
		if table, err = waitPublicChange(ctx, pc, s.pages.Expired()); err != nil {
			return listened, err
		}
	}
}

// waitPublicChange returns the table of a change announced, or "" when the
// cache reaches its next scheduled change, or the connection's error.
func waitPublicChange(ctx context.Context, pc *store.PublicChanges, expired <-chan struct{}) (string, error) {
	waitCtx, cancel := context.WithCancel(ctx)
	defer cancel()
	var due atomic.Bool
	stop := make(chan struct{})
	go func() {
		select {
		case <-expired:
			due.Store(true)
			cancel()
		case <-stop:
		}
	}()
	table, err := pc.Wait(waitCtx)
	close(stop)
	if err != nil && due.Load() && ctx.Err() == nil {
		return "", nil
	}
	return table, err
}
