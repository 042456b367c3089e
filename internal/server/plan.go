package server

import (
	"net/http"
	"strconv"

	"comite/internal/access"
	"comite/internal/model"
	"comite/internal/store"
	"comite/web/view"
)

// plans lists the followed plan and the other national plans.
func (s *Server) plans(w http.ResponseWriter, r *http.Request) error {
	ps, err := s.store.Plans(r.Context())
	if err != nil {
		return err
	}
	p := view.PlansPage{Base: s.base(r, "Plans nationaux"), Plans: ps, Manage: access.CanManagePlans(viewerOf(r.Context()))}
	p.Nav = "plan"
	s.render(w, r, http.StatusOK, view.Plans(p))
	return nil
}

// plan shows a plan by axis: its measures with status, progress and
// pilots, the counts per status as a chart, filtered by status, pilot body
// and axis.
func (s *Server) plan(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	pl, err := s.planFromPath(r)
	if err != nil {
		return err
	}
	q := r.URL.Query()
	p := view.PlanPage{Base: s.base(r, pl.Name()), Plan: pl, Manage: access.CanManagePlans(viewerOf(ctx))}
	p.Nav = "plan"
	if p.Axes, err = s.store.Axes(ctx, pl.ID); err != nil {
		return err
	}
	all, err := s.store.Measures(ctx, store.MeasureFilter{PlanID: pl.ID})
	if err != nil {
		return err
	}
	p.Chart = view.CountByAxis(p.Axes, all)
	// Filters keep only what they name; anything unknown is ignored.
	f := store.MeasureFilter{PlanID: pl.ID}
	if st := model.MeasureStatus(q.Get("status")); st.Valid() {
		f.Status, p.Status = st, string(st)
	}
	if id, err := strconv.ParseInt(q.Get("axis"), 10, 64); err == nil {
		for _, a := range p.Axes {
			if a.ID == id {
				f.AxisID, p.Axis = id, q.Get("axis")
			}
		}
	}
	pilots := map[int64]string{}
	for _, m := range all {
		for _, b := range m.Pilots {
			pilots[b.ID] = b.Name
		}
	}
	if id, err := strconv.ParseInt(q.Get("pilot"), 10, 64); err == nil && pilots[id] != "" {
		f.PilotBodyID, p.Pilot = id, q.Get("pilot")
	}
	for id, name := range pilots {
		p.PilotOptions = append(p.PilotOptions, view.Option{Value: strconv.FormatInt(id, 10), Label: name})
	}
	view.SortOptions(p.PilotOptions)
	if f.Status != "" || f.AxisID != 0 || f.PilotBodyID != 0 {
		if p.Measures, err = s.store.Measures(ctx, f); err != nil {
			return err
		}
		p.Filtered = true
	} else {
		p.Measures = all
	}
	p.Total = len(all)
	if access.CanReadComments(viewerOf(ctx), pl) {
		if p.CommentCounts, err = s.store.CommentCounts(ctx, pl.ID); err != nil {
			return err
		}
	}
	if p.Manage {
		if p.Campaigns, err = s.store.Campaigns(ctx, pl.ID); err != nil {
			return err
		}
	}
	s.render(w, r, http.StatusOK, view.PlanDetail(p))
	return nil
}

// measure shows one measure: its facts, indicators, timeline of published
// updates (and, for its pilots and the secretariat, those pending), the
// recommendations it answers and the related measures of other plans.
func (s *Server) measure(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r)
	if err != nil {
		return err
	}
	m, err := s.store.Measure(r.Context(), id)
	if err != nil {
		return err
	}
	p, err := s.measurePage(r, m)
	if err != nil {
		return err
	}
	s.render(w, r, http.StatusOK, view.MeasureDetail(p))
	return nil
}

func (s *Server) measurePage(r *http.Request, m model.Measure) (view.MeasurePage, error) {
	ctx := r.Context()
	v := viewerOf(ctx)
	p := view.MeasurePage{Base: s.base(r, m.Label()), Measure: m, CanSubmit: access.CanSubmitUpdate(v, m),
		Manage: access.CanManagePlans(v), ReviewForm: view.NewForm()}
	p.Nav = "plan"
	var err error
	if p.Plan, err = s.store.Plan(ctx, m.PlanID); err != nil {
		return p, err
	}
	if p.Indicators, err = s.store.Indicators(ctx, m.ID); err != nil {
		return p, err
	}
	updates, err := s.store.MeasureUpdates(ctx, m.ID, true)
	if err != nil {
		return p, err
	}
	var ids []int64
	for _, u := range updates {
		if access.CanSeeUpdate(v, u, m) {
			p.Updates = append(p.Updates, u)
			ids = append(ids, u.ID)
		}
	}
	if p.Evidence, err = s.store.AttachedDocuments(ctx, access.DocumentReader(v), "measure_update", ids); err != nil {
		return p, err
	}
	documents, err := s.store.AttachedDocuments(ctx, access.DocumentReader(v), "measure", []int64{m.ID})
	if err != nil {
		return p, err
	}
	p.Documents, p.CanAttach = documents[m.ID], access.CanAttachDocuments(v)
	if p.Recommendations, err = s.store.Recommendations(ctx, store.RecommendationFilter{MeasureID: m.ID}); err != nil {
		return p, err
	}
	if p.Related, err = s.store.RelatedMeasures(ctx, m.ID); err != nil {
		return p, err
	}
	// Meetings to come are for members; so is this list.
	if access.Allows(v, access.ReadMemberArea) {
		if p.Discussions, err = s.store.DiscussionsOfMeasure(ctx, m.ID, access.CanSeeDraftAgendas(v)); err != nil {
			return p, err
		}
		p.ShowDiscussions = true
	}
	if p.Comments, err = s.commentsSection(ctx, p.Plan, m, nil, 0, r.URL.Query()); err != nil {
		return p, err
	}
	return p, nil
}

// recommendations lists the monitoring body's recommendations by round,
// each with the measures that answer it; those no measure answers stand out.
func (s *Server) recommendations(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	p := view.RecommendationsPage{Base: s.base(r, "Recommandations du GRETA"), Uncovered: r.URL.Query().Get("uncovered") == "1"}
	p.Nav = "plan"
	all, err := s.store.Recommendations(ctx, store.RecommendationFilter{})
	if err != nil {
		return err
	}
	for _, rec := range all {
		if len(rec.Measures) > 0 {
			p.Covered++
		}
		if !p.Uncovered || len(rec.Measures) == 0 {
			p.Recommendations = append(p.Recommendations, rec)
		}
	}
	p.Total = len(all)
	s.render(w, r, http.StatusOK, view.Recommendations(p))
	return nil
}

// matrix crosses the followed plan's axes with the other plans: each cell
// counts the measures of the axis linked to measures of that plan.
func (s *Server) matrix(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	ps, err := s.store.Plans(ctx)
	if err != nil {
		return err
	}
	p := view.MatrixPage{Base: s.base(r, "Matrice de complémentarité des plans")}
	p.Nav = "plan"
	// The followed plan named by ?plan=, or the first one.
	want, _ := strconv.ParseInt(r.URL.Query().Get("plan"), 10, 64)
	for _, pl := range ps {
		if pl.Followed && (pl.ID == want || (want == 0 && p.Plan.ID == 0)) {
			p.Plan = pl
		}
	}
	if want != 0 && p.Plan.ID != want {
		return model.ErrNotFound
	}
	for _, pl := range ps {
		if pl.ID != p.Plan.ID && !pl.Followed {
			p.Others = append(p.Others, pl)
		}
	}
	if p.Plan.ID == 0 {
		s.render(w, r, http.StatusOK, view.Matrix(p))
		return nil
	}
	if p.Axes, err = s.store.Axes(ctx, p.Plan.ID); err != nil {
		return err
	}
	cells, err := s.store.Matrix(ctx, p.Plan.ID)
	if err != nil {
		return err
	}
	p.Cells = map[[2]int64][]int64{}
	var ids []int64
	for _, c := range cells {
		p.Cells[[2]int64{c.AxisID, c.PlanID}] = c.Measures
		ids = append(ids, c.Measures...)
	}
	measures, err := s.store.Measures(ctx, store.MeasureFilter{IDs: ids})
	if err != nil {
		return err
	}
	p.Measures = map[int64]model.Measure{}
	for _, m := range measures {
		p.Measures[m.ID] = m
	}
	s.render(w, r, http.StatusOK, view.Matrix(p))
	return nil
}
