// Package static serves the portal's CSS and images, embedded in the binary,
// under URLs that carry a hash of their content so browsers may cache them
// for a year and still see every change at once.
package static

import (
	"bytes"
	"crypto/sha256"
	"embed"
	"encoding/hex"
	"io/fs"
	"net/http"
	"path"
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
		byURL[hashedURL(p, h)] = asset{name: p, body: body, etag: `"` + h + `"`}
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
		w.Header().Set("Cache-Control", "public, max-age=31536000, immutable")
		w.Header().Set("ETag", a.etag)
		// The zero time leaves validation to the ETag, which follows the content.
		http.ServeContent(w, r, path.Base(a.name), time.Time{}, bytes.NewReader(a.body))
	})
}
