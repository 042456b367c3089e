package server

import (
	"net/http"
	"strings"

	"github.com/klauspost/compress/gzhttp"
)

// compress encodes answers for the clients that accept it (gzip, or zstd
// when preferred): pages, CSS, JSON, CSV, iCalendar and Atom shrink five to
// ten times. Downloads of documents are sent as stored: they are often
// compressed formats already, and a compressed answer could not honour the
// Range requests that resume a long download. Static assets come
// precompressed (package static), which the wrapper leaves alone. A
// compressed answer's ETag (etag.go) gets the suffix "-gzip" or "-zstd":
// its bytes differ from the plain answer's, so its strong tag must too.
func (s *Server) compress(next http.Handler) http.Handler {
	wrap, err := gzhttp.NewWrapper(gzhttp.MinSize(512), gzhttp.SuffixETag("-gzip"))
	if err != nil {
		// The options above are constants; an error here is a programming error.
		panic(err)
	}
	compressed := wrap(next)
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if isDownload(r) {
			next.ServeHTTP(w, r)
			return
		}
		compressed.ServeHTTP(w, r)
	})
}

// isDownload reports whether r asks for a document's file: answered as
// stored, streamed with Range and its own validators, so neither compressed
// nor buffered for an ETag.
func isDownload(r *http.Request) bool { return strings.HasSuffix(r.URL.Path, "/download") }
