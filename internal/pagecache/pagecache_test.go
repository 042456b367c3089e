package pagecache

import (
	"bytes"
	"compress/gzip"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"
)

var t0 = time.Date(2026, 12, 4, 10, 0, 0, 0, time.UTC)

func entry(body string) *Entry {
	return NewEntry(http.Header{"Content-Type": {"text/html"}, "Content-Length": {"3"}}, []byte(body), `"tag"`, "/")
}

func TestCacheServesOnlyWhenReadyAndUntilTheNextChange(t *testing.T) {
	c := New(1<<20, 5*time.Minute)
	if c.Put(c.Begin(), "/", entry("a"), t0) {
		t.Fatal("stored before Ready")
	}
	c.Ready(t0.Add(time.Hour))
	if !c.Put(c.Begin(), "/", entry("a"), t0) {
		t.Fatal("not stored once ready")
	}
	if _, ok := c.Get("/", t0.Add(time.Minute)); !ok {
		t.Fatal("miss on a stored page")
	}
	if _, ok := c.Get("/", t0.Add(5*time.Minute)); ok {
		t.Fatal("hit past the maximum age")
	}
	c.Put(c.Begin(), "/", entry("a"), t0.Add(58*time.Minute))
	if _, ok := c.Get("/", t0.Add(time.Hour)); ok {
		t.Fatal("hit at the next scheduled change")
	}
	select {
	case <-c.Expired():
	default:
		t.Fatal("the next scheduled change reached was not signalled")
	}
	if c.Put(c.Begin(), "/", entry("a"), t0.Add(time.Hour)) {
		t.Fatal("stored after the next scheduled change, before Ready")
	}
	c.Ready(time.Time{})
	if !c.Put(c.Begin(), "/", entry("b"), t0.Add(time.Hour)) {
		t.Fatal("not stored once ready again")
	}
	st := c.Stats()
	if st.Hits != 1 || st.Invalidations != 1 || st.Entries != 1 {
		t.Fatalf("stats %+v, want 1 hit, 1 invalidation, 1 entry", st)
	}
}

func TestCacheRefusesAPageBuiltBeforeAnInvalidation(t *testing.T) {
	c := New(1<<20, 5*time.Minute)
	c.Ready(time.Time{})
	before := c.Begin()
	c.Invalidate()
	c.Ready(time.Time{})
	if c.Put(before, "/", entry("old"), t0) {
		t.Fatal("a page built before the invalidation was stored")
	}
	if _, ok := c.Get("/", t0); ok {
		t.Fatal("hit after a refused Put")
	}
	c.Put(c.Begin(), "/", entry("new"), t0)
	c.Invalidate()
	if _, ok := c.Get("/", t0); ok {
		t.Fatal("hit after Invalidate")
	}
}

func TestCacheEvictsTheLeastRecentlyUsed(t *testing.T) {
	one := entry(strings.Repeat("x", 100)).size() + 2 // and a two-byte key
	c := New(10*one, time.Hour)
	c.Ready(time.Time{})
	keys := []string{"/a", "/b", "/c", "/d", "/e", "/f", "/g", "/h", "/i", "/j"}
	for _, k := range keys {
		c.Put(c.Begin(), k, entry(strings.Repeat("x", 100)), t0)
	}
	c.Get("/a", t0) // /b is now the least recently used
	c.Put(c.Begin(), "/k", entry(strings.Repeat("x", 100)), t0)
	for _, k := range append(keys, "/k") {
		if _, ok := c.Get(k, t0); ok != (k != "/b") {
			t.Errorf("%s cached: got %v, want %v", k, ok, k != "/b")
		}
	}
	if st := c.Stats(); st.Bytes > 10*one || st.Entries != 10 {
		t.Errorf("holds %d entries, %d bytes, over its bound", st.Entries, st.Bytes)
	}
}

func TestNewEntryCompressesOnce(t *testing.T) {
	body := strings.Repeat("<p>Comité</p>", 100)
	e := entry(body)
	if e.Header.Get("Content-Length") != "" {
		t.Error("Content-Length kept: it depends on the variant sent")
	}
	zr, err := gzip.NewReader(bytes.NewReader(e.Gzip))
	if err != nil {
		t.Fatal(err)
	}
	plain, _ := io.ReadAll(zr)
	if string(plain) != body || len(e.Gzip) >= len(body) {
		t.Errorf("gzip variant: %d bytes for %d, decompresses to the body: %v", len(e.Gzip), len(body), string(plain) == body)
	}
	if got := e.GzipETag(); got != `"tag-gzip"` {
		t.Errorf("gzip tag %s", got)
	}
	if small := entry("a"); small.Gzip != nil {
		t.Error("a tiny body was compressed")
	}
}
