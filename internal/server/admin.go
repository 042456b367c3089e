package server

import (
	"net/http"
	"strconv"

	"comite/web/view"
)

func (s *Server) admin(w http.ResponseWriter, r *http.Request) error {
	accounts, err := s.store.Accounts(r.Context())
	if err != nil {
		return err
	}
	p := view.AdminPage{Base: s.base(r, "Administration"), Accounts: accounts}
	p.Nav = "admin"
	s.render(w, r, http.StatusOK, view.Admin(p))
	return nil
}

const auditPageSize = 50

func (s *Server) auditLog(w http.ResponseWriter, r *http.Request) error {
	page, err := strconv.Atoi(r.URL.Query().Get("page"))
	if err != nil || page < 1 {
		page = 1
	}
	entries, more, err := s.store.AuditLog(r.Context(), auditPageSize, (page-1)*auditPageSize)
	if err != nil {
		return err
	}
	title := "Journal des modifications"
	if page > 1 {
		title += " – page " + strconv.Itoa(page)
	}
	p := view.AuditPage{Base: s.base(r, title), Entries: entries, Page: page, More: more}
	p.Nav = "admin"
	s.render(w, r, http.StatusOK, view.Audit(p))
	return nil
}
