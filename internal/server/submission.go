package server

import (
	"net/http"

	"comite/internal/store"
)

// A create form carries a random key drawn when it is rendered
// (view.SubmissionKey). A double click, a browser or proxy that retries,
// or the form sent again from the history sends that copy twice: the
// object must be created once, and both requests must lead to it.
//
// A request without a key (a page rendered before keys existed, a script)
// is not de-duplicated: a key made up by the server would be new at each
// request and guard nothing, and refusing would break those clients.

// submittedError answers a request whose key was already used: serveError
// sends the browser where the first request sent it.
type submittedError struct{ location string }

func (e *submittedError) Error() string { return "form already submitted; result at " + e.location }

// createOnce runs create in a transaction that first claims the form's
// key for the viewer, and returns the location create chose. When the key
// was claimed already it writes nothing and returns a *submittedError with
// the first request's location, however close together they came: the
// second waits on the key's primary key until the first commits.
func (s *Server) createOnce(r *http.Request, key string, create func(tx *store.Store) (location string, err error)) (string, error) {
	ctx := r.Context()
	account := viewerOf(ctx).AccountID
	if !validSubmissionKey(key) {
		return "", errBadRequest
	}
	var location string
	err := s.store.InTx(ctx, func(tx *store.Store) error {
		once := key != "" && account != 0
		if once {
			first, claimed, err := tx.ClaimSubmission(ctx, account, key)
			if err != nil {
				return err
			}
			if !claimed {
				return &submittedError{location: first}
			}
		}
		var err error
		if location, err = create(tx); err != nil || !once {
			return err
		}
		return tx.SetSubmissionLocation(ctx, account, key, location)
	})
	return location, err
}

// validSubmissionKey accepts the keys forms carry (rand.Text: base32) and
// the like, up to 64 characters, so that a crafted key is a 400 rather than
// a database error; empty means no key.
func validSubmissionKey(key string) bool {
	if len(key) > 64 {
		return false
	}
	for _, c := range key {
		if !('a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9' || c == '-' || c == '_') {
			return false
		}
	}
	return true
}
