// Package pagecache keeps in memory the answers that are the same for every
// signed-out visitor, so that a page the public reads again is handed out
// without queries, rendering or compression.
//
// The cache knows nothing of HTTP routing or of the database: its owner
// says when it may serve (Ready, with the instant at which time alone
// changes a page) and when it must forget (Invalidate), and builds the
// entries. What it guarantees is that an entry is never served after the
// Invalidate or the instant that follow it, nor older than its maximum age,
// and that a page built before an Invalidate is not stored after it (the
// Ticket taken before building it has gone stale).
package pagecache

import (
	"bytes"
	"compress/gzip"
	"container/list"
	"net/http"
	"sync"
	"sync/atomic"
	"time"
)

// Entry is one stored answer: a 200 whose headers and bodies do not depend
// on who asks.
type Entry struct {
	// Header holds the handler's headers (Content-Type, ETag, Cache-Control,
	// …), without Content-Length or Content-Encoding, which depend on the
	// variant sent. It is shared by every request that is served the entry:
	// copy its values, never append to them.
	Header http.Header
	// Body is the answer as the handler wrote it.
	Body []byte
	// Gzip is Body compressed once when stored, or nil when Body is too
	// small to gain from it.
	Gzip []byte
	// ETag is the plain body's strong tag; the gzip variant's is GzipETag.
	ETag string
	// Route is the route pattern that built the answer, for the request
	// metrics of a hit (which never reaches the router).
	Route string
}

// GzipMinSize is the smallest body worth compressing, the same threshold
// as the server's compression of other answers.
const GzipMinSize = 512

// NewEntry builds an entry of body, compressing it once now.
func NewEntry(header http.Header, body []byte, etag, route string) *Entry {
	h := header.Clone() // one exact-size array per value: appends never share it
	h.Del("Content-Length")
	h.Del("Content-Encoding")
	e := &Entry{Header: h, Body: bytes.Clone(body), ETag: etag, Route: route}
	if len(body) >= GzipMinSize {
		var buf bytes.Buffer
		zw, _ := gzip.NewWriterLevel(&buf, gzip.DefaultCompression)
		_, _ = zw.Write(body) // writes to a bytes.Buffer do not fail
		_ = zw.Close()
		e.Gzip = buf.Bytes()
	}
	return e
}

// GzipETag is the tag of the gzip variant: the plain tag with "-gzip" before
// its closing quote, as the compression of other answers names it.
func (e *Entry) GzipETag() string {
	if len(e.ETag) < 2 {
		return e.ETag
	}
	return e.ETag[:len(e.ETag)-1] + `-gzip"`
}

func (e *Entry) size() int {
	n := len(e.Body) + len(e.Gzip) + len(e.ETag) + len(e.Route)
	for k, vs := range e.Header {
		n += len(k)
		for _, v := range vs {
			n += len(v)
		}
	}
	return n
}

// Stats are the cache's counters since it was made, for the metrics.
type Stats struct {
	// Hits are answers served from the cache; Misses are answers that
	// could have come from it but were built (absent, expired, or the
	// cache not ready).
	Hits, Misses uint64
	// Invalidations count the times the cache was emptied: an announced
	// change, the next scheduled change reached, the listener lost.
	Invalidations uint64
	// Entries and Bytes are what it holds now.
	Entries, Bytes int
}

// Cache is a size-bounded, least-recently-used map from a request's path
// and query to its Entry. Its zero value is not usable: call New.
type Cache struct {
	maxBytes int
	maxAge   time.Duration

	mu    sync.Mutex
	items map[string]*list.Element
	order list.List // of *item, most recently used first
	bytes int
	// gen moves on with every Invalidate and Ready, so that a Ticket taken
	// before either cannot store a page built from what was true then.
	gen   uint64
	ready bool
	// until is the next instant at which time alone changes a page (zero:
	// none known); nothing is served at or after it.
	until time.Time

	expired                     chan struct{}
	hits, misses, invalidations atomic.Uint64
}

type item struct {
	key    string
	entry  *Entry
	stored time.Time
	size   int
}

// New returns an empty cache that holds at most maxBytes of entries, none
// served once older than maxAge. It serves nothing until Ready is called.
func New(maxBytes int, maxAge time.Duration) *Cache {
	return &Cache{maxBytes: maxBytes, maxAge: maxAge, items: map[string]*list.Element{}, expired: make(chan struct{}, 1)}
}

// Get returns the entry stored under key when it may be served at now.
// When now has reached the next scheduled change, the cache empties itself,
// stops serving and signals Expired: its owner must compute the next one
// and call Ready.
func (c *Cache) Get(key string, now time.Time) (*Entry, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if !c.ready {
		return nil, false
	}
	if !c.until.IsZero() && !now.Before(c.until) {
		c.invalidateLocked()
		select {
		case c.expired <- struct{}{}:
		default:
		}
		return nil, false
	}
	el, ok := c.items[key]
	if !ok {
		return nil, false
	}
	it := el.Value.(*item)
	if now.Sub(it.stored) >= c.maxAge || now.Before(it.stored) {
		c.removeLocked(el)
		return nil, false
	}
	c.order.MoveToFront(el)
	c.hits.Add(1)
	return it.entry, true
}

// Ticket is taken before a page is built, and given back to Put with it.
type Ticket struct {
	gen uint64
	ok  bool
}

// Ready reports whether a page built with t may be stored, as far as the
// cache knew when t was taken.
func (t Ticket) Ready() bool { return t.ok }

// Begin counts a miss and returns the ticket with which the page about to
// be built may be stored.
func (c *Cache) Begin() Ticket {
	c.misses.Add(1)
	c.mu.Lock()
	defer c.mu.Unlock()
	return Ticket{gen: c.gen, ok: c.ready}
}

// Put stores e under key, unless the cache changed since t was taken (the
// page may show what an announced change replaced), is not ready, or now
// has reached the next scheduled change. It evicts the least recently used
// entries to stay within its size; an entry larger than an eighth of it is
// not stored. It reports whether e was stored.
func (c *Cache) Put(t Ticket, key string, e *Entry, now time.Time) bool {
	size := e.size() + len(key)
	if size > c.maxBytes/8 {
		return false
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if !t.ok || !c.ready || t.gen != c.gen || (!c.until.IsZero() && !now.Before(c.until)) {
		return false
	}
	if el, ok := c.items[key]; ok {
		c.removeLocked(el)
	}
	c.items[key] = c.order.PushFront(&item{key: key, entry: e, stored: now, size: size})
	c.bytes += size
	for c.bytes > c.maxBytes {
		c.removeLocked(c.order.Back())
	}
	return true
}

// Invalidate empties the cache and stops it serving until Ready: what it
// held may no longer be true, and until its owner knows the next scheduled
// change it cannot tell how long a new page would stay true.
func (c *Cache) Invalidate() {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.invalidateLocked()
}

// Ready lets the cache serve and store pages again, each until next (the
// next instant at which time alone changes a page; zero for none known).
// Pages whose building began before are still refused.
func (c *Cache) Ready(next time.Time) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.gen++
	c.ready = true
	c.until = next
}

// Expired signals that a Get found the next scheduled change reached: the
// cache is empty and waits for Ready.
func (c *Cache) Expired() <-chan struct{} { return c.expired }

// Stats returns the counters and the current size.
func (c *Cache) Stats() Stats {
	c.mu.Lock()
	n, b := len(c.items), c.bytes
	c.mu.Unlock()
	return Stats{Hits: c.hits.Load(), Misses: c.misses.Load(), Invalidations: c.invalidations.Load(), Entries: n, Bytes: b}
}

func (c *Cache) invalidateLocked() {
	c.gen++
	c.ready = false
	c.items = map[string]*list.Element{}
	c.order.Init()
	c.bytes = 0
	c.invalidations.Add(1)
}

func (c *Cache) removeLocked(el *list.Element) {
	it := c.order.Remove(el).(*item)
	delete(c.items, it.key)
	c.bytes -= it.size
}
