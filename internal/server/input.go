package server

import (
	"errors"
	"net/http"
	"net/url"
	"strings"
	"unicode/utf8"
)

// errBadText is a request whose path, query or form holds bytes that no
// field of the portal may hold. PostgreSQL refuses NUL and invalid UTF-8, so
// letting them through would turn a typing accident into a 500.
var errBadText = errors.New("invalid characters in request")

// maxFormFields caps the fields of one form: the largest form of the portal
// (attendance of a whole committee) has a few hundred.
const maxFormFields = 2000

// checkInput is the one edge check of what a request carries: its path and
// query, and an url-encoded form body, parsed here once. Handlers then read
// r.PostForm knowing every value is clean text. Multipart forms are checked
// part by part as they stream (readUpload), never held whole.
func (s *Server) checkInput(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if !cleanLine(r.URL.Path) {
			s.serveError(w, r, errBadText)
			return
		}
		q, err := url.ParseQuery(r.URL.RawQuery)
		if err != nil || !cleanValues(q) {
			s.serveError(w, r, errBadText)
			return
		}
		if r.Method == http.MethodPost && !strings.HasPrefix(r.Header.Get("Content-Type"), "multipart/form-data") {
			if err := r.ParseForm(); err != nil {
				var maxBytes *http.MaxBytesError
				if errors.As(err, &maxBytes) {
					s.serveError(w, r, err)
				} else {
					s.serveError(w, r, errBadRequest)
				}
				return
			}
			if !cleanValues(r.PostForm) {
				s.serveError(w, r, errBadText)
				return
			}
			if fieldCount(r.PostForm) > maxFormFields {
				s.serveError(w, r, errBadRequest)
				return
			}
		}
		next.ServeHTTP(w, r)
	})
}

func cleanValues(vs url.Values) bool {
	for k, list := range vs {
		if !cleanLine(k) {
			return false
		}
		for _, v := range list {
			if !cleanText(v) {
				return false
			}
		}
	}
	return true
}

func fieldCount(vs url.Values) int {
	n := 0
	for _, list := range vs {
		n += len(list)
	}
	return n
}

// cleanText reports whether s is valid UTF-8 without control characters other
// than tab and line breaks: what a person can type in a text area.
func cleanText(s string) bool { return clean(s, true) }

// cleanLine is cleanText without line breaks or tabs: a path, a name, an id.
func cleanLine(s string) bool { return clean(s, false) }

func clean(s string, breaks bool) bool {
	if !utf8.ValidString(s) {
		return false
	}
	for _, c := range s {
		if isControl(c) && !(breaks && (c == '\t' || c == '\n' || c == '\r')) {
			return false
		}
	}
	return true
}

// isControl is a C0 or C1 control character, or DEL.
func isControl(c rune) bool { return c < 0x20 || (c >= 0x7f && c <= 0x9f) }
