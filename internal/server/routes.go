package server

import (
	"net/http"

	"github.com/go-chi/chi/v5"

	"comite/internal/access"
	"comite/web/static"
)

// Handler returns the portal's routes wrapped in its middleware. This file is
// the table of contents: every route and who may use it.
func (s *Server) Handler() http.Handler {
	r := chi.NewRouter()
	r.Use(s.requestID, s.metrics.instrument, s.logRequests, s.recoverPanics, s.securityHeaders, s.crossOrigin, s.limitBody)
	r.NotFound(s.handle(func(w http.ResponseWriter, r *http.Request) error { return errNotFound }))
	r.MethodNotAllowed(s.handle(func(w http.ResponseWriter, r *http.Request) error { return errMethodNotAllowed }))

	// Operations: no session, no page shell.
	r.Get("/healthz", s.healthz)
	r.Get("/readyz", s.readyz)
	r.Get("/metrics", s.serveMetrics)
	r.Handle("/static/*", static.Handler())

	r.Group(func(r chi.Router) {
		r.Use(s.sessions.LoadAndSave, s.loadViewer)

		// Public pages.
		r.Group(func(r chi.Router) {
			r.Use(s.require(access.ReadPublic))
			r.Get("/", s.handle(s.home))
			r.Get("/members", s.handle(s.members))
			r.Get("/members.csv", s.handle(s.membersCSV))
			r.Get("/members/{id}", s.handle(s.body))
			r.Get("/mandates/{id}", s.handle(s.mandate))
			r.Get("/api/v1/members", s.handle(s.membersAPI))
			r.Get("/plans", s.handle(s.plans))
			r.Get("/documents", s.handle(s.documents))
			r.Get("/news", s.handle(s.news))
			r.Get("/accessibility", s.handle(s.accessibility))
			r.Get("/privacy", s.handle(s.privacy))
			r.Get("/legal", s.handle(s.legal))
			r.Get("/login", s.handle(s.loginForm))
			r.Post("/login", s.handle(s.login))
			r.Post("/logout", s.handle(s.logout))
		})

		// Members' area.
		r.Group(func(r chi.Router) {
			r.Use(s.require(access.ReadMemberArea))
			r.Get("/meetings", s.handle(s.meetings))
			r.Get("/meetings/{id}", s.handle(s.meeting))
		})

		// The viewer's own account.
		r.Group(func(r chi.Router) {
			r.Use(s.require(access.ManageOwnAccount))
			r.Get("/account", s.handle(s.account))
			r.Post("/account/password", s.handle(s.changePassword))
		})

		// Back office.
		r.Group(func(r chi.Router) {
			r.Use(s.require(access.Administer))
			r.Get("/admin", s.handle(s.admin))
			r.Get("/admin/audit", s.handle(s.auditLog))
		})
	})

	return r
}
