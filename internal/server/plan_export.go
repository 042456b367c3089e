package server

import (
	"bytes"
	"net/http"
	"slices"
	"strconv"
	"strings"

	"comite/internal/access"
	"comite/internal/export"
	"comite/internal/model"
	"comite/internal/store"
	"comite/web/view"
)

// planCSVHeader is the header line of /plans/{id}.csv.
var planCSVHeader = []string{"Axe", "Numéro", "Mesure", "Pilotes", "Partenaires", "Statut", "Avancement (%)",
	"Date de la dernière mise à jour publiée", "Dernière mise à jour publiée", "Recommandations", "Donnée illustrative"}

// planCSV serves a plan's measures as a CSV file for spreadsheets: one row
// per measure, with its latest published update and the recommendations
// it answers. Published data only, whoever asks.
func (s *Server) planCSV(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	pl, err := s.planFromPath(r)
	if err != nil {
		return err
	}
	ms, err := s.store.Measures(ctx, store.MeasureFilter{PlanID: pl.ID})
	if err != nil {
		return err
	}
	latest, err := s.latestUpdates(r, ms)
	if err != nil {
		return err
	}
	recs, err := s.recommendationsByMeasure(r)
	if err != nil {
		return err
	}
	rows := make([][]string, 0, len(ms))
	for _, m := range ms {
		axis := ""
		if m.AxisID != 0 {
			axis = "Axe " + strconv.Itoa(m.AxisNumber) + " – " + m.AxisTitle
		}
		var on, text string
		if u, ok := latest[m.ID]; ok {
			on, text = export.Date(u.HappenedOn), u.Text
		}
		var refs []string
		for _, rec := range recs[m.ID] {
			refs = append(refs, recommendationRef(rec))
		}
		rows = append(rows, []string{axis, m.Number, m.Title, bodyList(m.Pilots), bodyList(m.Partners), m.Status.Label(),
			strconv.Itoa(m.Progress), on, text, strings.Join(refs, " | "), yesNo(m.Illustrative)})
	}
	var buf bytes.Buffer
	if err := export.WriteCSV(&buf, planCSVHeader, rows); err != nil {
		return err
	}
	exportHeaders(w, "text/csv; charset=utf-8")
	sendAttachment(w, "text/csv; charset=utf-8", "mesures-"+pl.Slug+"-"+export.Date(s.now().In(view.Paris))+".csv", &buf)
	return nil
}

// recommendationRef names a recommendation in a list: its source, round
// and paragraph, or its theme while the paragraph is not known.
func recommendationRef(r model.Recommendation) string {
	ref := r.Source + " cycle " + strconv.Itoa(r.Round)
	switch {
	case r.Paragraph != "":
		ref += " § " + r.Paragraph
	case r.Theme != "":
		ref += " – " + r.Theme
	}
	return ref
}

func bodyList(bs []model.BodyRef) string {
	names := make([]string, len(bs))
	for i, b := range bs {
		names[i] = b.Name
	}
	return strings.Join(names, ", ")
}

// yesNo is a flag as a French spreadsheet reader expects it; the
// illustrative flag must survive the export, where no "exemple" tag does.
func yesNo(on bool) string {
	if on {
		return "oui"
	}
	return "non"
}

// latestUpdates returns each measure's latest published update, for the
// measures that have one. Pending and returned updates are not the plan's
// record yet, whoever asks.
func (s *Server) latestUpdates(r *http.Request, ms []model.Measure) (map[int64]model.MeasureUpdate, error) {
	out := map[int64]model.MeasureUpdate{}
	for _, m := range ms {
		us, err := s.store.MeasureUpdates(r.Context(), m.ID, false)
		if err != nil {
			return nil, err
		}
		if len(us) > 0 {
			out[m.ID] = us[0]
		}
	}
	return out, nil
}

// recommendationsByMeasure returns, for each measure, the recommendations
// it answers.
func (s *Server) recommendationsByMeasure(r *http.Request) (map[int64][]model.Recommendation, error) {
	all, err := s.store.Recommendations(r.Context(), store.RecommendationFilter{})
	if err != nil {
		return nil, err
	}
	out := map[int64][]model.Recommendation{}
	for _, rec := range all {
		for _, m := range rec.Measures {
			out[m.ID] = append(out[m.ID], rec)
		}
	}
	return out, nil
}

// planReport is the plan's implementation report (?axis=ID for one axis):
// per axis, each measure with its status, progress, pilots, latest
// published update and that update's evidence; then GRETA's
// recommendations and the measures of the plan that answer them.
func (s *Server) planReport(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	v := viewerOf(ctx)
	pl, err := s.planFromPath(r)
	if err != nil {
		return err
	}
	axes, err := s.store.Axes(ctx, pl.ID)
	if err != nil {
		return err
	}
	p := view.PlanReportPage{Base: s.base(r, "Bilan de mise en œuvre – "+pl.Name()), Plan: pl, Today: s.now().In(view.Paris)}
	p.Nav = "plan"
	if axes, p.Axis, err = reportAxis(axes, r.URL.Query().Get("axis")); err != nil {
		return err
	}
	f := store.MeasureFilter{PlanID: pl.ID}
	if p.Axis != nil {
		f.AxisID = p.Axis.ID
		p.Title += ", axe " + strconv.Itoa(p.Axis.Number)
	}
	ms, err := s.store.Measures(ctx, f)
	if err != nil {
		return err
	}
	latest, err := s.latestUpdates(r, ms)
	if err != nil {
		return err
	}
	var updateIDs []int64
	for _, u := range latest {
		updateIDs = append(updateIDs, u.ID)
	}
	evidence, err := s.store.AttachedDocuments(ctx, access.DocumentReader(v), "measure_update", updateIDs)
	if err != nil {
		return err
	}
	p.Sections, p.Counts = reportSections(axes, ms, latest, evidence)
	p.Total = len(ms)
	recs, err := s.store.Recommendations(ctx, store.RecommendationFilter{})
	if err != nil {
		return err
	}
	p.Recommendations = reportRecommendations(recs, pl.ID, p.Axis != nil, ms)
	s.render(w, r, http.StatusOK, view.PlanReport(p))
	return nil
}

// reportAxis narrows the report to the axis of the ?axis= query, q. A
// report said to be about one axis must be about it: an axis that is not
// the plan's is not found, not silently widened. Without q, every axis.
func reportAxis(axes []model.Axis, q string) ([]model.Axis, *model.Axis, error) {
	if q == "" {
		return axes, nil, nil
	}
	id, err := strconv.ParseInt(q, 10, 64)
	i := slices.IndexFunc(axes, func(a model.Axis) bool { return a.ID == id })
	if err != nil || i < 0 {
		return nil, nil, errNotFound
	}
	return axes[i : i+1], &axes[i], nil
}

// reportSections puts each measure, with its latest published update and
// that update's evidence, under its axis, and counts the measures per
// status. A measure of no listed axis gets a section without one.
func reportSections(axes []model.Axis, ms []model.Measure, latest map[int64]model.MeasureUpdate, evidence map[int64][]model.Document) ([]view.ReportSection, map[model.MeasureStatus]int) {
	var sections []view.ReportSection
	counts := map[model.MeasureStatus]int{}
	for _, a := range axes {
		sections = append(sections, view.ReportSection{Axis: a})
	}
	for _, m := range ms {
		counts[m.Status]++
		rm := view.ReportMeasure{Measure: m}
		if u, ok := latest[m.ID]; ok {
			rm.Latest, rm.Evidence = &u, evidence[u.ID]
		}
		i := slices.IndexFunc(sections, func(sec view.ReportSection) bool { return sec.Axis.ID == m.AxisID })
		if i < 0 {
			sections = append(sections, view.ReportSection{})
			i = len(sections) - 1
		}
		sections[i].Measures = append(sections[i].Measures, rm)
	}
	return sections, counts
}

// reportRecommendations lists the recommendations with the measures of
// plan planID that answer them; a report on one axis (oneAxis) keeps
// those answered by a measure of the report, ms.
func reportRecommendations(recs []model.Recommendation, planID int64, oneAxis bool, ms []model.Measure) []view.ReportRecommendation {
	inReport := map[int64]bool{}
	for _, m := range ms {
		inReport[m.ID] = true
	}
	var out []view.ReportRecommendation
	for _, rec := range recs {
		rr := view.ReportRecommendation{Recommendation: rec}
		inAxis := false
		for _, m := range rec.Measures {
			if m.PlanID == planID {
				rr.Measures = append(rr.Measures, m)
				inAxis = inAxis || inReport[m.ID]
			}
		}
		if !oneAxis || inAxis {
			out = append(out, rr)
		}
	}
	return out
}
