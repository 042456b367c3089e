package server

import (
	"bytes"
	_ "embed"
	"encoding/base64"
	"encoding/json"
	"errors"
	"net/http"
	"net/url"
	"strconv"
	"strings"
)

// The open-data API under /api/v1: public, read-only JSON, open to every
// origin. Every answer goes through writeAPI, every failure (a bad
// parameter, an unknown path, a refused method, a database down, a bug)
// has the one error body of writeAPIError, and every list is read a page
// at a time, with the address of the next page. openapi.yaml describes it
// all, and TestOpenAPI checks the answers against it.

// openAPISpec is the description of the API, served at /api/v1/openapi.yaml.
//
//go:embed openapi.yaml
var openAPISpec []byte

// apiContentType is the media type of every /api/ answer, errors included.
const apiContentType = "application/json; charset=utf-8"

// Page sizes: ?limit= is at most apiMaxLimit (a larger one is taken as
// apiMaxLimit; the next link gives the rest).
const (
	apiDefaultLimit = 100
	apiMaxLimit     = 500
)

// isAPI reports whether the request is for the API: its failures are
// answered in JSON, not with an HTML page.
func isAPI(r *http.Request) bool { return strings.HasPrefix(r.URL.Path, "/api/") }

// writeAPI writes v as a JSON answer with status. A successful answer may be
// cached by a signed-out viewer's browser or a shared cache for a few
// minutes; the session middleware has set no-store for a signed-in one.
func writeAPI(w http.ResponseWriter, status int, v any) error {
	var buf bytes.Buffer
	if err := json.NewEncoder(&buf).Encode(v); err != nil {
		return err
	}
	h := w.Header()
	h.Set("Content-Type", apiContentType)
	h.Set("Access-Control-Allow-Origin", "*")
	if status != http.StatusOK {
		h.Set("Cache-Control", "no-store")
	} else if h.Get("Cache-Control") == "" {
		h.Set("Cache-Control", exportCacheControl)
	}
	h.Set("Content-Length", strconv.Itoa(buf.Len()))
	w.WriteHeader(status)
	_, _ = buf.WriteTo(w)
	return nil
}

// apiError is the body of every failed API answer.
type apiError struct {
	Error apiErrorDetail `json:"error"`
}

type apiErrorDetail struct {
	// Status repeats the HTTP status.
	Status int `json:"status"`
	// Code is stable, for programs: see apiErrorCodes and paramError.
	Code string `json:"code"`
	// Message is for people, in French.
	Message string `json:"message"`
}

// apiErrorCodes name each status the API may answer with.
var apiErrorCodes = map[int]string{
	http.StatusBadRequest:            "bad_request",
	http.StatusForbidden:             "forbidden",
	http.StatusNotFound:              "not_found",
	http.StatusMethodNotAllowed:      "method_not_allowed",
	http.StatusConflict:              "conflict",
	http.StatusRequestEntityTooLarge: "too_large",
	http.StatusInternalServerError:   "internal_error",
	http.StatusServiceUnavailable:    "unavailable",
}

// paramError is a query parameter the API cannot use: a 400 answer with
// its own code and message.
type paramError struct{ code, message string }

func (e *paramError) Error() string { return "bad parameter: " + e.code }

// errBadCursor answers a ?cursor= that no next link of this API gave.
var errBadCursor = &paramError{"invalid_cursor",
	"Curseur invalide : utilisez tel quel le lien « next » de la page précédente, ou omettez ?cursor= pour la première page."}

// errBadLimit answers a ?limit= that is not a positive whole number.
var errBadLimit = &paramError{"invalid_limit",
	"Limite invalide : indiquez un nombre entier de 1 à " + strconv.Itoa(apiMaxLimit) + ", par exemple ?limit=100."}

// writeAPIError answers an API request that failed with status (chosen by
// serveError) and message; err gives the code of a bad parameter.
func (s *Server) writeAPIError(w http.ResponseWriter, status int, message string, err error) {
	code := apiErrorCodes[status]
	if code == "" {
		code = "error"
	}
	var p *paramError
	switch {
	case errors.As(err, &p):
		code = p.code
	case status == http.StatusNotFound:
		message = "Cette adresse n'existe pas dans l'API. Sa description est à l'adresse " + s.baseURL() + "/api/v1/openapi.yaml."
	case status == http.StatusMethodNotAllowed:
		message = "Cette adresse de l'API n'accepte que les requêtes GET et HEAD."
	}
	h := w.Header()
	h.Del("Content-Length")
	if err := writeAPI(w, status, apiError{apiErrorDetail{Status: status, Code: code, Message: message}}); err != nil {
		http.Error(w, message, status)
	}
}

// apiCursor is the decoded ?cursor=: the store's key of the last row of the
// previous page, under the name of the list it belongs to, so that a
// cursor of one list is refused by another.
type apiCursor struct {
	List string          `json:"l"`
	Key  json.RawMessage `json:"k"`
}

// readPage reads ?limit= (def when absent) and ?cursor=, which it decodes
// into key (a pointer to a nil pointer to the store's key type; left nil
// for the first page).
func readPage(r *http.Request, list string, def int, key any) (limit int, err error) {
	q := r.URL.Query()
	limit = def
	if v := q.Get("limit"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 {
			return 0, errBadLimit
		}
		limit = min(n, apiMaxLimit)
	}
	if v := q.Get("cursor"); v != "" {
		raw, err := base64.RawURLEncoding.DecodeString(v)
		if err != nil {
			return 0, errBadCursor
		}
		var c apiCursor
		dec := json.NewDecoder(bytes.NewReader(raw))
		dec.DisallowUnknownFields()
		if dec.Decode(&c) != nil || c.List != list || len(c.Key) == 0 {
			return 0, errBadCursor
		}
		dec = json.NewDecoder(bytes.NewReader(c.Key))
		dec.DisallowUnknownFields()
		if dec.Decode(key) != nil {
			return 0, errBadCursor
		}
	}
	return limit, nil
}

// nextLink is the absolute address of the page after key, built from the
// configured base URL (never the request's Host) with the list's filters q,
// the limit and the cursor; nil when there is no next page.
func (s *Server) nextLink(path string, q url.Values, list string, limit int, key any, last bool) *string {
	if last {
		return nil
	}
	k, err := json.Marshal(key)
	if err != nil {
		panic(err) // the store's keys are plain values
	}
	c, err := json.Marshal(apiCursor{List: list, Key: k})
	if err != nil {
		panic(err)
	}
	if q == nil {
		q = url.Values{}
	}
	q.Set("limit", strconv.Itoa(limit))
	q.Set("cursor", base64.RawURLEncoding.EncodeToString(c))
	u := s.baseURL() + path + "?" + q.Encode()
	return &u
}

// openAPI serves the description of the API.
func (s *Server) openAPI(w http.ResponseWriter, r *http.Request) {
	h := w.Header()
	h.Set("Content-Type", "application/yaml")
	h.Set("Access-Control-Allow-Origin", "*")
	h.Set("Cache-Control", exportCacheControl)
	h.Set("Content-Length", strconv.Itoa(len(openAPISpec)))
	_, _ = w.Write(openAPISpec)
}
