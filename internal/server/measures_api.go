package server

import (
	"net/http"
	"net/url"
	"strconv"

	"comite/internal/model"
	"comite/internal/store"
)

// apiMeasure is a measure in the open-data JSON: its public fields only.
type apiMeasure struct {
	ID           int64          `json:"id"`
	Plan         apiPlanRef     `json:"plan"`
	Axis         *apiAxis       `json:"axis"`
	Number       string         `json:"number"`
	Title        string         `json:"title"`
	Status       string         `json:"status"`
	StatusLabel  string         `json:"status_label"`
	Progress     int            `json:"progress"`
	Pilots       []apiBody      `json:"pilots"`
	Partners     []apiBody      `json:"partners"`
	Indicators   []apiIndicator `json:"indicators"`
	Illustrative bool           `json:"illustrative"`
	URL          string         `json:"url"`
}

type apiPlanRef struct {
	ID    int64  `json:"id"`
	Title string `json:"title"`
}

type apiAxis struct {
	Number int    `json:"number"`
	Title  string `json:"title"`
}

type apiBody struct {
	ID   int64  `json:"id"`
	Name string `json:"name"`
}

type apiIndicator struct {
	Label   string `json:"label"`
	Target  string `json:"target"`
	Current string `json:"current"`
}

// apiMeasures is a page of /api/v1/measures.
type apiMeasures struct {
	Measures []apiMeasure `json:"measures"`
	Next     *string      `json:"next"`
}

// errBadPlan answers a malformed ?plan= on the measures API.
var errBadPlan = &paramError{"invalid_plan", "Plan invalide : indiquez l'identifiant numérique d'un plan, par exemple ?plan=1."}

// measuresAPI lists the measures of every plan (or of ?plan=ID) as JSON,
// the followed plan first, a page at a time. A page takes three queries:
// the plans' titles, the measures with their bodies, their indicators.
func (s *Server) measuresAPI(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	filters := url.Values{}
	var planID int64
	if q := r.URL.Query().Get("plan"); q != "" {
		id, err := strconv.ParseInt(q, 10, 64)
		if err != nil || id < 1 {
			return errBadPlan
		}
		planID = id
		filters.Set("plan", strconv.FormatInt(id, 10))
	}
	var after *store.MeasureKey
	limit, err := readPage(r, "measures", apiDefaultLimit, &after)
	if err != nil {
		return err
	}
	plans, err := s.store.Plans(ctx)
	if err != nil {
		return err
	}
	titles := map[int64]string{}
	for _, p := range plans {
		titles[p.ID] = p.Title
	}
	ms, next, err := s.store.MeasuresPage(ctx, planID, after, limit)
	if err != nil {
		return err
	}
	indicators := map[int64][]model.Indicator{}
	if len(ms) > 0 {
		ids := make([]int64, len(ms))
		for i, m := range ms {
			ids[i] = m.ID
		}
		if indicators, err = s.store.IndicatorsOf(ctx, ids); err != nil {
			return err
		}
	}
	out := apiMeasures{Measures: make([]apiMeasure, 0, len(ms))}
	for _, m := range ms {
		a := apiMeasure{ID: m.ID, Plan: apiPlanRef{ID: m.PlanID, Title: titles[m.PlanID]}, Number: m.Number, Title: m.Title,
			Status: string(m.Status), StatusLabel: m.Status.Label(), Progress: m.Progress, Pilots: apiBodies(m.Pilots),
			Partners: apiBodies(m.Partners), Indicators: []apiIndicator{}, Illustrative: m.Illustrative,
			URL: s.baseURL() + "/measures/" + strconv.FormatInt(m.ID, 10)}
		if m.AxisID != 0 {
			a.Axis = &apiAxis{Number: m.AxisNumber, Title: m.AxisTitle}
		}
		for _, i := range indicators[m.ID] {
			a.Indicators = append(a.Indicators, apiIndicator{Label: i.Label, Target: i.Target, Current: i.Current})
		}
		out.Measures = append(out.Measures, a)
	}
	out.Next = s.nextLink("/api/v1/measures", filters, "measures", limit, next, next == nil)
	return writeAPI(w, http.StatusOK, out)
}

func apiBodies(bs []model.BodyRef) []apiBody {
	out := make([]apiBody, len(bs))
	for i, b := range bs {
		out[i] = apiBody{ID: b.ID, Name: b.Name}
	}
	return out
}
