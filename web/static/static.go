// Package static serves the portal's CSS and images, embedded in the binary,
// under URLs that carry a hash of their content so browsers may cache them
// for a year and still see every change at once.
package static

import (
	"bytes"
	"compress/gzip"
	"crypto/sha256"
	"embed"
	"encoding/hex"
	"io/fs"
	"mime"
	"net/http"
	"path"
	"strconv"
	"strings"
	"sync"
	"time"
)

//go:embed css img js
var files embed.FS

type asset struct {
	name string // path inside files, e.g. css/app.css
	body []byte
	etag string
	// gzipped is body compressed once at start, nil when that does not
	// make it smaller (images).
	gzipped []byte
}

var assets = sync.OnceValue(func() map[string]asset {
	byURL := map[string]asset{}
	_ = fs.WalkDir(files, ".", func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		body, err := files.ReadFile(p)
		if err != nil {
			return err
		}
		sum := sha256.Sum256(body)
		h := hex.EncodeToString(sum[:])[:12]
		byURL[hashedURL(p, h)] = asset{name: p, body: body, etag: `"` + h + `"`, gzipped: gzipped(body)}
		return nil
	})
	return byURL
})

var urls = sync.OnceValue(func() map[string]string {
	m := map[string]string{}
	for u, a := range assets() {
		m[a.name] = u
	}
	return m
})

// gzipped compresses body at the best level, once; nil when that saves
// less than a tenth.
func gzipped(body []byte) []byte {
	var buf bytes.Buffer
	zw, _ := gzip.NewWriterLevel(&buf, gzip.BestCompression)
	_, _ = zw.Write(body)
	_ = zw.Close()
	if buf.Len() > len(body)*9/10 {
		return nil
	}
	return buf.Bytes()
}

// AcceptsGzip reports whether an Accept-Encoding header accepts gzip with a
// weight above zero: named, or else through "*". The static files and the
// cache of signed-out pages (internal/server) both read it so.
func AcceptsGzip(accept string) bool {
	star := false
	for part := range strings.SplitSeq(accept, ",") {
		name, params, _ := strings.Cut(part, ";")
		name = strings.TrimSpace(name)
		gzip := strings.EqualFold(name, "gzip")
		if !gzip && name != "*" {
			continue
		}
		q := 1.0
		for p := range strings.SplitSeq(params, ";") {
			if k, v, ok := strings.Cut(strings.TrimSpace(p), "="); ok && strings.EqualFold(k, "q") {
				if f, err := strconv.ParseFloat(strings.TrimSpace(v), 64); err == nil {
					q = f
				}
			}
		}
		if gzip {
			return q > 0
		}
		star = q > 0
	}
	return star
}

func hashedURL(p, hash string) string {
	ext := path.Ext(p)
	return "/static/" + strings.TrimSuffix(p, ext) + "." + hash + ext
}

// Path returns the URL of the embedded file name (e.g. "css/app.css"). It
// panics on an unknown name, which a test of every page catches.
func Path(name string) string {
	u, ok := urls()[name]
	if !ok {
		panic("static: unknown asset " + name)
	}
	return u
}

// Handler serves the hashed URLs returned by Path, with a one-year immutable
// cache lifetime; any other URL under /static/ is a 404.
func Handler() http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		a, ok := assets()[r.URL.Path]
		if !ok {
			http.NotFound(w, r)
			return
		}
		h := w.Header()
		h.Set("Cache-Control", "public, max-age=31536000, immutable")
		body, etag := a.body, a.etag
		if a.gzipped != nil {
			h.Set("Vary", "Accept-Encoding")
			if AcceptsGzip(r.Header.Get("Accept-Encoding")) {
				// A compressed representation has its own ETag (RFC 9110, 8.8.3).
				body, etag = a.gzipped, strings.TrimSuffix(a.etag, `"`)+`-gzip"`
				h.Set("Content-Encoding", "gzip")
				// ServeContent would sniff the type from the compressed bytes.
				h.Set("Content-Type", mime.TypeByExtension(path.Ext(a.name)))
			}
		}
		h.Set("ETag", etag)
		// The zero time leaves validation to the ETag, which follows the content.
		http.ServeContent(w, r, path.Base(a.name), time.Time{}, bytes.NewReader(body))
	})
}
