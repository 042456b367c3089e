package server

import (
	"net/http"
	"strconv"
	"strings"

	"comite/internal/access"
	"comite/internal/model"
	"comite/internal/store"
	"comite/web/view"
)

const searchPageSize = 20

// searchViewer is the viewer as the search query applies the rights.
func searchViewer(v access.Viewer) store.SearchViewer {
	return store.SearchViewer{SignedIn: access.Allows(v, access.ReadMemberArea), Secretariat: access.SeesUnpublished(v),
		AccountID: v.AccountID, Documents: access.DocumentReader(v)}
}

// search finds, in French, what the viewer may open, with filters by
// kind and year and their counts.
func (s *Server) search(w http.ResponseWriter, r *http.Request) error {
	q := r.URL.Query()
	p := view.SearchPage{Base: s.base(r, "Recherche"), Query: strings.TrimSpace(q.Get("q")), Page: 1}
	if len([]rune(p.Query)) > 200 {
		p.Query = string([]rune(p.Query)[:200])
	}
	f := store.SearchFilter{}
	if k := model.SearchKind(q.Get("kind")); k.Valid() {
		f.Kind, p.Kind = k, string(k)
	}
	if y, err := strconv.Atoi(q.Get("year")); err == nil && y >= store.NoYear && y < 10000 {
		f.Year, p.Year = y, y
	}
	page, err := pageNumber(q)
	if err != nil {
		return err
	}
	p.Page = page
	if p.Query != "" {
		p.Base.Title = "Recherche : " + p.Query
		res, err := s.store.Search(r.Context(), p.Query, searchViewer(viewerOf(r.Context())), f, s.now(), searchPageSize, (p.Page-1)*searchPageSize)
		if err != nil {
			return err
		}
		p.Searched = true
		p.Hits, p.Total, p.Kinds, p.YearHits, p.Years = res.Hits, res.Total, res.Kinds, res.Years, res.SearchYears()
		p.TotalCapped, p.KindsCapped, p.YearsCapped, p.Cap = res.TotalCapped, res.KindsCapped, res.YearsCapped, store.SearchCap
		p.More = p.Page*searchPageSize < res.Total
	}
	s.render(w, r, http.StatusOK, view.Search(p))
	return nil
}
