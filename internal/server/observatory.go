package server

import (
	"bytes"
	"encoding/json"
	"net/http"
	"slices"
	"strconv"

	"comite/internal/access"
	"comite/internal/export"
	"comite/internal/model"
	"comite/web/view"
)

// The public observatory: the published tables, their trends and
// downloads. Only publications are read here, never a return.

// publishedSurveys returns the published years in year order, and the
// survey open to returns, if any.
func (s *Server) publishedSurveys(r *http.Request) (pubs []model.Publication, open *model.Survey, err error) {
	surveys, err := s.store.Surveys(r.Context())
	if err != nil {
		return nil, nil, err
	}
	for _, sv := range surveys {
		switch {
		case sv.State == model.SurveyPublished && sv.Publication != nil:
			pubs = append(pubs, *sv.Publication)
		case sv.State == model.SurveyOpen && open == nil:
			open = &sv
		}
	}
	slices.SortFunc(pubs, func(a, b model.Publication) int { return a.Year - b.Year })
	return pubs, open, nil
}

// observatory is the public page: the year asked for (?annee=) or the
// latest published, and the trends.
func (s *Server) observatory(w http.ResponseWriter, r *http.Request) error {
	pubs, open, err := s.publishedSurveys(r)
	if err != nil {
		return err
	}
	v := viewerOf(r.Context())
	p := view.ObservatoryPage{Base: s.base(r, "Observatoire"), Years: view.Trends(pubs), Open: open,
		MemberArea: access.IsAssociationMember(v) || access.IsStatistician(v)}
	p.Nav = "observatory"
	if y := r.URL.Query().Get("annee"); y != "" {
		year, err := strconv.Atoi(y)
		if err != nil {
			return &plainError{status: http.StatusBadRequest, text: "L'année demandée n'est pas valide."}
		}
		i := slices.IndexFunc(pubs, func(p model.Publication) bool { return p.Year == year })
		if i < 0 {
			return errNotFound
		}
		p.Shown = &pubs[i]
	} else if len(pubs) > 0 {
		p.Shown = &pubs[len(pubs)-1]
	}
	if p.Shown != nil {
		if p.Public, err = s.store.PublicReturns(r.Context(), p.Shown.Year); err != nil {
			return err
		}
	}
	s.render(w, r, http.StatusOK, view.Observatory(p))
	return nil
}

// observatoryCSVHeader is the header line of /observatory.csv: one row per
// published cell.
var observatoryCSVHeader = []string{"Année", "Associations répondantes", "Tableau", "Unité", "Catégorie", "Valeur", "Marque", "Source"}

// observatoryCSV serves every published cell, with its suppression mark,
// as a CSV file for French spreadsheets.
func (s *Server) observatoryCSV(w http.ResponseWriter, r *http.Request) error {
	pubs, _, err := s.publishedSurveys(r)
	if err != nil {
		return err
	}
	var rows [][]string
	for _, p := range pubs {
		for _, t := range p.Tables {
			for _, c := range t.Cells {
				value := ""
				if c.Value != nil && c.Mark == "" {
					value = strconv.Itoa(*c.Value)
				}
				rows = append(rows, []string{strconv.Itoa(p.Year), strconv.Itoa(p.Respondents), t.Title, t.Unit, c.Label, value, c.Mark, p.Source})
			}
		}
	}
	var buf bytes.Buffer
	if err := export.WriteCSV(&buf, observatoryCSVHeader, rows); err != nil {
		return err
	}
	exportHeaders(w, "text/csv; charset=utf-8")
	sendAttachment(w, "text/csv; charset=utf-8", "observatoire-traite.csv", &buf)
	return nil
}

// observatoryJSON serves the publications as JSON, suppressed cells with
// a null value and their mark.
func (s *Server) observatoryJSON(w http.ResponseWriter, r *http.Request) error {
	pubs, _, err := s.publishedSurveys(r)
	if err != nil {
		return err
	}
	if pubs == nil {
		pubs = []model.Publication{}
	}
	body, err := json.Marshal(map[string]any{
		"titre":        "Observatoire de la traite et de l'exploitation des êtres humains : victimes accompagnées par les associations",
		"marques":      map[string]string{"< 5": "moins de 5 victimes", "s": "secret statistique (moins de 3 associations, ou case qui permettrait d'en retrouver une autre)"},
		"publications": pubs,
	})
	if err != nil {
		return err
	}
	exportHeaders(w, "application/json; charset=utf-8")
	w.Header().Set("Content-Length", strconv.Itoa(len(body)))
	_, _ = w.Write(body)
	return nil
}
