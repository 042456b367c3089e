package server

import (
	"bytes"
	"crypto/sha256"
	"encoding/base64"
	"net/http"
	"strings"
	"time"
)

// publicCacheControl lets browsers and proxies keep a signed-out viewer's
// page but ask each time whether it changed: the answer is then a 304
// without a body when it has not.
const publicCacheControl = "no-cache"

// revalidate gives the answers of signed-out GET and HEAD requests a strong
// ETag, the hash of the body, and answers 304 Not Modified when the
// request's If-None-Match names it (or, without If-None-Match, when
// If-Modified-Since is not older than a Last-Modified the handler set).
// Pages are rendered into a buffer anyway (render, writeAPI), so the cost
// is one more copy and a hash; the page is still built. Signed-in viewers'
// answers (no-store), other methods, errors and document downloads (which
// stream, with their own validators) pass through untouched.
//
// The compression wrapper sits outside this one and suffixes the tag of a
// compressed answer ("…-gzip", "…-zstd"), since its bytes differ from the
// plain answer's; matchingTag accepts those suffixes.
func (s *Server) revalidate(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if (r.Method != http.MethodGet && r.Method != http.MethodHead) || viewerOf(r.Context()).SignedIn() || isDownload(r) {
			next.ServeHTTP(w, r)
			return
		}
		bw := &bufferedWriter{header: w.Header()}
		next.ServeHTTP(bw, r)
		h := w.Header()
		status := bw.code()
		if status != http.StatusOK || strings.Contains(h.Get("Cache-Control"), "no-store") {
			w.WriteHeader(status)
			_, _ = w.Write(bw.body.Bytes())
			return
		}
		tag := etagOf(bw.body.Bytes())
		h.Set("ETag", tag)
		if h.Get("Cache-Control") == "" {
			h.Set("Cache-Control", publicCacheControl)
		}
		if notModified(r, h, tag) {
			h.Del("Content-Length")
			h.Del("Content-Type")
			w.WriteHeader(http.StatusNotModified)
			return
		}
		w.WriteHeader(status)
		_, _ = w.Write(bw.body.Bytes())
	})
}

// etagOf is a strong entity tag for body: 128 bits of its SHA-256.
func etagOf(body []byte) string {
	sum := sha256.Sum256(body)
	return `"` + base64.RawURLEncoding.EncodeToString(sum[:16]) + `"`
}

// notModified reports whether the client's copy is current, and when it is
// sets the ETag header to the tag the client holds (RFC 9110, 13.1.2 and
// 15.4.5: the 304 carries the tag the 200 would have had).
func notModified(r *http.Request, h http.Header, tag string) bool {
	if inm := r.Header.Get("If-None-Match"); inm != "" {
		if held := matchingTag(inm, tag); held != "" {
			h.Set("ETag", held)
			return true
		}
		return false
	}
	lm, err := http.ParseTime(h.Get("Last-Modified"))
	if err != nil {
		return false
	}
	ims, err := http.ParseTime(r.Header.Get("If-Modified-Since"))
	return err == nil && !lm.Truncate(time.Second).After(ims)
}

// matchingTag returns the tag of the If-None-Match list that names tag
// (weak comparison, as RFC 9110 asks for If-None-Match), with or without the
// compression wrapper's suffix, or "" when none does.
func matchingTag(ifNoneMatch, tag string) string {
	bare := strings.TrimSuffix(tag, `"`)
	for t := range strings.SplitSeq(ifNoneMatch, ",") {
		t = strings.TrimSpace(t)
		if t == "*" {
			return tag
		}
		opaque := strings.TrimPrefix(t, "W/")
		switch opaque {
		case tag, bare + `-gzip"`, bare + `-zstd"`:
			return opaque
		}
	}
	return ""
}

// bufferedWriter keeps a handler's answer in memory so that revalidate can
// hash it before anything is sent.
type bufferedWriter struct {
	header http.Header
	status int
	body   bytes.Buffer
}

func (w *bufferedWriter) Header() http.Header { return w.header }

func (w *bufferedWriter) WriteHeader(code int) {
	if w.status == 0 {
		w.status = code
	}
}

func (w *bufferedWriter) Write(b []byte) (int, error) {
	if w.status == 0 {
		w.status = http.StatusOK
	}
	return w.body.Write(b)
}

func (w *bufferedWriter) code() int {
	if w.status == 0 {
		return http.StatusOK
	}
	return w.status
}
