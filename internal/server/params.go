package server

import (
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"comite/internal/model"
	"comite/internal/store"
)

// pathID reads the numeric {id} of the route; anything else is a 404.
func pathID(r *http.Request) (int64, error) {
	return pathInt(r, "id")
}

func pathInt(r *http.Request, name string) (int64, error) {
	id, err := strconv.ParseInt(r.PathValue(name), 10, 64)
	if err != nil || id < 1 {
		return 0, model.ErrNotFound
	}
	return id, nil
}

// postedID reads a posted id; 0 when absent or malformed.
func postedID(r *http.Request, name string) int64 {
	id, err := strconv.ParseInt(r.PostForm.Get(name), 10, 64)
	if err != nil || id < 1 {
		return 0
	}
	return id
}

// linkAction reads the hidden action of a link form; anything else than
// link or unlink is a forged request.
func linkAction(r *http.Request) (bool, error) {
	if err := r.ParseForm(); err != nil {
		return false, err
	}
	switch r.PostForm.Get("action") {
	case "link":
		return true, nil
	case "unlink":
		return false, nil
	}
	return false, errBadRequest
}

// cursorParam reads a keyset page's start from the query's « avant »
// (microseconds since 1970, a dot, the id of the previous page's last row);
// none is the first page.
func cursorParam(q url.Values) (store.Cursor, error) {
	v := q.Get("avant")
	if v == "" {
		return store.Cursor{}, nil
	}
	at, id, ok := strings.Cut(v, ".")
	micros, err1 := strconv.ParseInt(at, 10, 64)
	n, err2 := strconv.ParseInt(id, 10, 64)
	if !ok || err1 != nil || err2 != nil || n <= 0 {
		return store.Cursor{}, errBadRequest
	}
	return store.Cursor{At: time.UnixMicro(micros), ID: n}, nil
}

// nextPageQuery is the query string of the page after page, which starts
// after c, keeping the other parameters of q.
func nextPageQuery(q url.Values, page int, c store.Cursor) string {
	next := url.Values{}
	for k, vs := range q {
		next[k] = vs
	}
	next.Set("page", strconv.Itoa(page+1))
	next.Set("avant", strconv.FormatInt(c.At.UnixMicro(), 10)+"."+strconv.FormatInt(c.ID, 10))
	return next.Encode()
}

// maxPage bounds page numbers: far beyond any list, small enough that
// multiplying by a page size cannot overflow.
const maxPage = 100_000

// pageNumber reads the "page" query parameter: 1 when absent, errBadRequest
// when it is not a page number.
func pageNumber(q url.Values) (int, error) {
	v := q.Get("page")
	if v == "" {
		return 1, nil
	}
	n, err := strconv.Atoi(v)
	if err != nil || n < 1 || n > maxPage {
		return 0, errBadRequest
	}
	return n, nil
}
