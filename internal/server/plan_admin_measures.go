package server

import (
	"context"
	"fmt"
	"net/http"
	"slices"
	"strconv"

	"comite/internal/model"
	"comite/internal/store"
	"comite/web/view"
)

// Measures.

func measureFields(axes []model.Axis) []view.Field {
	axisOpts := []view.Option{{Value: "", Label: "Aucun axe"}}
	for _, a := range axes {
		axisOpts = append(axisOpts, view.Option{Value: strconv.FormatInt(a.ID, 10), Label: fmt.Sprintf("Axe %d – %s", a.Number, a.Title)})
	}
	statusOpts := []view.Option{{Value: "", Label: "Choisir un état d'avancement"}}
	for _, st := range model.MeasureStatuses {
		statusOpts = append(statusOpts, view.Option{Value: string(st), Label: st.Label()})
	}
	return []view.Field{
		{Name: "axis", Label: "Axe", Kind: "select", Options: axisOpts},
		{Name: "number", Label: "Numéro de la mesure", Kind: "text", Hint: "Tel que le plan le numérote, par exemple 12 ou 2.3. Facultatif."},
		{Name: "title", Label: "Intitulé de la mesure", Kind: "text", Required: true},
		{Name: "description", Label: "Description", Kind: "textarea", Hint: "Facultative. Le contenu de la mesure tel que le plan le présente."},
		{Name: "status", Label: "État d'avancement", Kind: "select", Required: true, Options: statusOpts},
		{Name: "progress", Label: "Avancement (en %)", Kind: "number", Required: true, Hint: "Un nombre entier entre 0 et 100."},
		{Name: "source_url", Label: "Source", Kind: "url", Hint: "Facultative. Adresse complète de la page qui présente la mesure."},
		{Name: "illustrative", Label: "Donnée illustrative", Kind: "checkbox", Hint: "Cochez tant que ces informations ne sont pas officielles."},
	}
}

func measureForm(m model.Measure) *view.Form {
	f := view.NewForm()
	f.Values = map[string]string{"axis": formatID(m.AxisID), "number": m.Number, "title": m.Title, "description": m.Description,
		"status": string(m.Status), "progress": strconv.Itoa(m.Progress), "source_url": m.SourceURL, "illustrative": checkboxValue(m.Illustrative)}
	return f
}

// measureFromForm validates the measure form, pilots and partners included;
// the ids of the checked bodies are returned with the measure.
func measureFromForm(r *http.Request, f *view.Form, fields []view.Field, bodies []model.Body) (model.Measure, []int64, []int64) {
	c := newChecker(f, fields)
	m := model.Measure{
		Number:       c.text("number", 20),
		Title:        c.text("title", 500),
		Description:  c.text("description", 10000),
		Status:       model.MeasureStatus(c.choice("status")),
		SourceURL:    c.webURL("source_url"),
		Illustrative: f.Value("illustrative") == "1",
	}
	if axis := c.choice("axis"); axis != "" {
		m.AxisID, _ = strconv.ParseInt(axis, 10, 64)
	}
	if f.Value("progress") == "" {
		c.fail("progress", "Saisissez l'avancement, un nombre entier entre 0 et 100.")
	} else {
		m.Progress = c.wholeNumber("progress", 0, 100, "L'avancement est un nombre entier entre 0 et 100.")
	}
	names := map[int64]string{}
	for _, b := range bodies {
		names[b.ID] = b.DisplayName()
	}
	pick := func(name string) []int64 {
		var ids []int64
		for _, v := range r.PostForm[name] {
			id, err := strconv.ParseInt(v, 10, 64)
			if _, ok := names[id]; err != nil || !ok {
				f.Fail(name, bodyListLabel(name), "Cochez des organismes de la liste.")
				continue
			}
			if !slices.Contains(ids, id) {
				ids = append(ids, id)
			}
		}
		return ids
	}
	pilots, partners := pick("pilots"), pick("partners")
	for _, id := range partners {
		if slices.Contains(pilots, id) {
			f.Fail("partners", bodyListLabel("partners"), "« "+names[id]+" » est coché comme pilote et comme partenaire : un organisme pilote n'est pas aussi partenaire de la mesure.")
			break
		}
	}
	for _, id := range pilots {
		m.Pilots = append(m.Pilots, model.BodyRef{ID: id, Name: names[id]})
	}
	for _, id := range partners {
		m.Partners = append(m.Partners, model.BodyRef{ID: id, Name: names[id]})
	}
	return m, pilots, partners
}

func bodyListLabel(name string) string {
	if name == "pilots" {
		return "Organismes pilotes"
	}
	return "Organismes partenaires"
}

func bodySet(refs []model.BodyRef) map[int64]bool {
	set := map[int64]bool{}
	for _, b := range refs {
		set[b.ID] = true
	}
	return set
}

// measurePageParts are what the measure page shows besides the measure
// form; the forms carry what was typed when one of them is invalid.
type measurePageParts struct {
	indicator, recommendation, other *view.Form
}

// adminMeasurePage builds the page of a new (m.ID == 0) or existing measure.
func (s *Server) adminMeasurePage(r *http.Request, pl model.Plan, m model.Measure, f *view.Form, parts measurePageParts) (view.AdminMeasurePage, error) {
	ctx := r.Context()
	axes, err := s.store.Axes(ctx, pl.ID)
	if err != nil {
		return view.AdminMeasurePage{}, err
	}
	bodies, err := s.store.Bodies(ctx)
	if err != nil {
		return view.AdminMeasurePage{}, err
	}
	p := view.AdminMeasurePage{Plan: pl, Measure: m, Form: f, Fields: measureFields(axes), Bodies: bodies,
		Pilots: bodySet(m.Pilots), Partners: bodySet(m.Partners), IndicatorFields: indicatorFields,
		IndicatorForm: formOrNew(parts.indicator), RecommendationForm: formOrNew(parts.recommendation), OtherForm: formOrNew(parts.other)}
	title := "Nouvelle mesure"
	p.Action, p.Submit = fmt.Sprintf("/admin/plans/%d/measures/new", pl.ID), "Créer la mesure"
	if m.ID != 0 {
		title = "Modifier la mesure « " + m.Label() + " »"
		p.Action, p.Submit = fmt.Sprintf("/admin/measures/%d/edit", m.ID), "Enregistrer"
		if err := s.measureLinks(ctx, &p); err != nil {
			return p, err
		}
	}
	for _, form := range []*view.Form{f, p.IndicatorForm, p.RecommendationForm, p.OtherForm} {
		if !form.Valid() {
			title = "Erreur – " + title
			break
		}
	}
	p.Base = s.adminBase(r, title)
	return p, nil
}

// measureLinks fills the measure page's indicators, recommendations and
// related measures, with the choices not linked yet.
func (s *Server) measureLinks(ctx context.Context, p *view.AdminMeasurePage) error {
	m := p.Measure
	var err error
	if p.Indicators, err = s.store.Indicators(ctx, m.ID); err != nil {
		return err
	}
	all, err := s.store.Recommendations(ctx, store.RecommendationFilter{})
	if err != nil {
		return err
	}
	p.RecommendationOptions = []view.Option{{Value: "", Label: "Choisir une recommandation"}}
	for _, rec := range all {
		if slices.ContainsFunc(rec.Measures, func(ref model.MeasureRef) bool { return ref.ID == m.ID }) {
			p.Recommendations = append(p.Recommendations, rec)
			continue
		}
		p.RecommendationOptions = append(p.RecommendationOptions, view.Option{Value: strconv.FormatInt(rec.ID, 10),
			Label: view.AdminRecommendationRef(rec) + " – " + optionExcerpt(rec.Text, 90)})
	}
	if p.Related, err = s.store.RelatedMeasures(ctx, m.ID); err != nil {
		return err
	}
	others, err := s.store.Measures(ctx, store.MeasureFilter{})
	if err != nil {
		return err
	}
	plans, err := s.store.Plans(ctx)
	if err != nil {
		return err
	}
	// One group per other plan, in the order of the plans list.
	for _, pl := range plans {
		if pl.ID == m.PlanID {
			continue
		}
		g := view.AdminOptionGroup{Label: pl.Name()}
		for _, o := range others {
			if o.PlanID != pl.ID || slices.ContainsFunc(p.Related, func(ref model.MeasureRef) bool { return ref.ID == o.ID }) {
				continue
			}
			g.Options = append(g.Options, view.Option{Value: strconv.FormatInt(o.ID, 10), Label: o.Label()})
		}
		if len(g.Options) > 0 {
			p.Others = append(p.Others, g)
		}
	}
	return nil
}

func formOrNew(f *view.Form) *view.Form {
	if f == nil {
		return view.NewForm()
	}
	return f
}

// optionExcerpt shortens a text for a select's option.
func optionExcerpt(s string, n int) string {
	runes := []rune(s)
	if len(runes) <= n {
		return s
	}
	return string(runes[:n]) + "…"
}

func (s *Server) newMeasure(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	if err := requirePlanManager(ctx); err != nil {
		return err
	}
	pl, err := s.planFromPath(r)
	if err != nil {
		return err
	}
	if r.Method == http.MethodGet {
		f := measureForm(model.Measure{Status: model.MeasureNotStarted})
		p, err := s.adminMeasurePage(r, pl, model.Measure{}, f, measurePageParts{})
		if err != nil {
			return err
		}
		s.render(w, r, http.StatusOK, view.AdminMeasure(p))
		return nil
	}
	m, pilots, partners, f, err := s.readMeasure(r, pl)
	if err != nil {
		return err
	}
	if !f.Valid() {
		p, err := s.adminMeasurePage(r, pl, m, f, measurePageParts{})
		if err != nil {
			return err
		}
		s.render(w, r, http.StatusUnprocessableEntity, view.AdminMeasure(p))
		return nil
	}
	m.PlanID = pl.ID
	location, err := s.createOnce(r, r.PostForm.Get(view.SubmissionField), func(tx *store.Store) (string, error) {
		id, err := tx.CreateMeasure(ctx, m)
		if err != nil {
			return "", err
		}
		m.ID = id
		if err := tx.SetMeasureBodies(ctx, id, pilots, partners); err != nil {
			return "", err
		}
		return fmt.Sprintf("/admin/measures/%d/edit#indicateurs", id), s.record(ctx, tx, r, "measure.create", "measure", id, nil, m)
	})
	if err != nil {
		return err
	}
	s.redirectWithFlash(w, r, location,
		"La mesure « "+m.Label()+" » a été créée. Vous pouvez maintenant lui ajouter des indicateurs et la rattacher à des recommandations.")
	return nil
}

// readMeasure reads and validates the posted measure form of plan pl.
func (s *Server) readMeasure(r *http.Request, pl model.Plan) (model.Measure, []int64, []int64, *view.Form, error) {
	axes, err := s.store.Axes(r.Context(), pl.ID)
	if err != nil {
		return model.Measure{}, nil, nil, nil, err
	}
	bodies, err := s.store.Bodies(r.Context())
	if err != nil {
		return model.Measure{}, nil, nil, nil, err
	}
	fields := measureFields(axes)
	f, err := readForm(r, fields)
	if err != nil {
		return model.Measure{}, nil, nil, nil, err
	}
	m, pilots, partners := measureFromForm(r, f, fields, bodies)
	return m, pilots, partners, f, nil
}

func (s *Server) editMeasure(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	if err := requirePlanManager(ctx); err != nil {
		return err
	}
	old, pl, err := s.measureFromPath(r)
	if err != nil {
		return err
	}
	if r.Method == http.MethodGet {
		p, err := s.adminMeasurePage(r, pl, old, measureForm(old), measurePageParts{})
		if err != nil {
			return err
		}
		s.render(w, r, http.StatusOK, view.AdminMeasure(p))
		return nil
	}
	m, pilots, partners, f, err := s.readMeasure(r, pl)
	if err != nil {
		return err
	}
	m.ID, m.PlanID = old.ID, old.PlanID
	if !f.Valid() {
		p, err := s.adminMeasurePage(r, pl, m, f, measurePageParts{})
		if err != nil {
			return err
		}
		s.render(w, r, http.StatusUnprocessableEntity, view.AdminMeasure(p))
		return nil
	}
	err = s.store.InTx(ctx, func(tx *store.Store) error {
		if err := tx.UpdateMeasure(ctx, m); err != nil {
			return err
		}
		if err := tx.SetMeasureBodies(ctx, m.ID, pilots, partners); err != nil {
			return err
		}
		return s.record(ctx, tx, r, "measure.update", "measure", m.ID, old, m)
	})
	if err != nil {
		return err
	}
	s.redirectWithFlash(w, r, fmt.Sprintf("/admin/plans/%d#mesures", pl.ID), "La mesure « "+m.Label()+" » a été modifiée.")
	return nil
}

func (s *Server) deleteMeasure(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	if err := requirePlanManager(ctx); err != nil {
		return err
	}
	m, pl, err := s.measureFromPath(r)
	if err != nil {
		return err
	}
	back := fmt.Sprintf("/admin/plans/%d#mesures", pl.ID)
	if r.Method == http.MethodGet {
		s.render(w, r, http.StatusOK, view.Confirm(view.ConfirmPage{Base: s.adminBase(r, "Supprimer la mesure « "+m.Label()+" »"),
			Message: "La mesure sera définitivement supprimée, avec ses indicateurs, ses points d'étape et ses liens aux recommandations et aux mesures d'autres plans. N'utilisez la suppression que pour une erreur de saisie : pour une mesure abandonnée, changez plutôt son état d'avancement.",
			Action:  fmt.Sprintf("/admin/measures/%d/delete", m.ID), Submit: "Supprimer définitivement",
			Cancel: fmt.Sprintf("/admin/measures/%d/edit", m.ID)}))
		return nil
	}
	err = s.store.InTx(ctx, func(tx *store.Store) error {
		withdrawn, err := tx.DeleteMeasure(ctx, m.ID)
		if err != nil {
			return err
		}
		var after any
		if len(withdrawn) > 0 {
			after = map[string]any{"documents_withdrawn": withdrawn}
		}
		return s.record(ctx, tx, r, "measure.delete", "measure", m.ID, m, after)
	})
	if err != nil {
		return err
	}
	s.redirectWithFlash(w, r, back, "La mesure « "+m.Label()+" » a été supprimée.")
	return nil
}
