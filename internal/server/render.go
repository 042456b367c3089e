package server

import (
	"bytes"
	"net/http"

	"github.com/a-h/templ"

	"comite/internal/access"

	"comite/web/view"
)

// base builds the shared part of a page for the request's viewer.
func (s *Server) base(r *http.Request, title string) view.Base {
	b := view.Base{Title: title}
	v := viewerOf(r.Context())
	if v.SignedIn() {
		b.User = &view.User{Name: v.Name, RoleLabel: v.Role.Label(), BodyName: v.BodyName, Secretariat: access.Allows(v, access.Administer)}
	}
	if _, ok := r.Context().Value(viewerKey).(access.Viewer); ok {
		b.Flash = s.sessions.PopString(r.Context(), sessionFlashKey)
	}
	return b
}

// render writes a component with a status. It renders into a buffer first so
// that a failure mid-page becomes a clean 500, not half a page.
func (s *Server) render(w http.ResponseWriter, r *http.Request, status int, c templ.Component) {
	var buf bytes.Buffer
	if err := c.Render(r.Context(), &buf); err != nil {
		s.log.Error("render", "request_id", requestIDOf(r.Context()), "err", err)
		http.Error(w, "Erreur interne", http.StatusInternalServerError)
		return
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.WriteHeader(status)
	_, _ = w.Write(buf.Bytes())
}

// redirectWithFlash sends the viewer to url with a one-time message (Post/Redirect/Get).
func (s *Server) redirectWithFlash(w http.ResponseWriter, r *http.Request, url, flash string) {
	if flash != "" {
		s.sessions.Put(r.Context(), sessionFlashKey, flash)
	}
	http.Redirect(w, r, url, http.StatusSeeOther)
}
