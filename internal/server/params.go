package server

import (
	"net/http"
	"strconv"

	"comite/internal/model"
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
