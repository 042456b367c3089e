package server

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"slices"
	"strconv"

	"comite/internal/access"
	"comite/internal/model"
	"comite/internal/store"
	"comite/web/view"
)

// The secretariat's back office of the plans. The routes sit in the admin
// group; each handler still asks access.CanManagePlans so that the policy,
// not the route table alone, decides.

// requirePlanManager refuses viewers who may not manage plans.
func requirePlanManager(ctx context.Context) error {
	if !access.CanManagePlans(viewerOf(ctx)) {
		return model.ErrForbidden
	}
	return nil
}

// Plans.

func (s *Server) adminPlans(w http.ResponseWriter, r *http.Request) error {
	if err := requirePlanManager(r.Context()); err != nil {
		return err
	}
	ps, err := s.store.Plans(r.Context())
	if err != nil {
		return err
	}
	s.render(w, r, http.StatusOK, view.AdminPlans(view.AdminPlansPage{Base: s.adminBase(r, "Plans"), Plans: ps}))
	return nil
}

var planFields = []view.Field{
	{Name: "title", Label: "Intitulé", Kind: "text", Required: true, Hint: "L'intitulé officiel, par exemple « Plan interministériel de lutte contre la traite des êtres humains »."},
	{Name: "short_title", Label: "Intitulé court", Kind: "text", Hint: "Facultatif. Affiché dans les listes, par exemple « 3e plan traite »."},
	{Name: "followed", Label: "Plan suivi par le comité", Kind: "checkbox", Hint: "Les autres plans sont enregistrés pour y rattacher des mesures."},
	{Name: "period", Label: "Période", Kind: "text", Hint: "Par exemple 2024-2027. Facultative."},
	{Name: "owner", Label: "Pilote du plan", Kind: "text", Hint: "Le ministère ou la mission qui porte le plan. Facultatif."},
	{Name: "presented_on", Label: "Date de présentation", Kind: "date", Hint: "Facultative. Format : AAAA-MM-JJ."},
	{Name: "description", Label: "Présentation", Kind: "textarea", Hint: "Facultative. Quelques lignes sur l'objet du plan."},
	{Name: "source_url", Label: "Source", Kind: "url", Hint: "Facultative. Adresse complète du texte du plan, par exemple https://www.egalite-femmes-hommes.gouv.fr/…"},
	{Name: "illustrative", Label: "Donnée illustrative", Kind: "checkbox", Hint: "Cochez tant que ces informations ne sont pas officielles : elles portent la mention « exemple »."},
}

func planForm(p model.Plan) *view.Form {
	f := view.NewForm()
	f.Values = map[string]string{"title": p.Title, "short_title": p.ShortTitle, "followed": checkboxValue(p.Followed), "period": p.Period,
		"owner": p.Owner, "presented_on": formatDate(p.PresentedOn), "description": p.Description, "source_url": p.SourceURL,
		"illustrative": checkboxValue(p.Illustrative)}
	return f
}

// checkboxValue is a checkbox's value in a view.Form.
func checkboxValue(on bool) string {
	if on {
		return "1"
	}
	return ""
}

func planFromForm(f *view.Form) model.Plan {
	c := newChecker(f, planFields)
	return model.Plan{
		Title:        c.text("title", 500),
		ShortTitle:   c.text("short_title", 100),
		Followed:     f.Value("followed") == "1",
		Period:       c.text("period", 50),
		Owner:        c.text("owner", 300),
		PresentedOn:  c.date("presented_on"),
		Description:  c.text("description", 5000),
		SourceURL:    c.webURL("source_url"),
		Illustrative: f.Value("illustrative") == "1",
	}
}

func (s *Server) planEditPage(r *http.Request, title, action, back string, f *view.Form) view.EditPage {
	return view.EditPage{Base: s.adminBase(r, title), Back: back, BackLabel: "Retour", Action: action, Submit: "Enregistrer",
		Form: f, Fields: planFields}
}

func (s *Server) newPlan(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	if err := requirePlanManager(ctx); err != nil {
		return err
	}
	const action, back = "/admin/plans/new", "/admin/plans"
	if r.Method == http.MethodGet {
		s.render(w, r, http.StatusOK, view.Edit(s.planEditPage(r, "Nouveau plan", action, back, view.NewForm())))
		return nil
	}
	f, err := readForm(r, planFields)
	if err != nil {
		return err
	}
	p := planFromForm(f)
	if !f.Valid() {
		s.render(w, r, http.StatusUnprocessableEntity, view.Edit(s.planEditPage(r, "Erreur – Nouveau plan", action, back, f)))
		return nil
	}
	location, err := s.createOnce(r, r.PostForm.Get(view.SubmissionField), func(tx *store.Store) (string, error) {
		// The first free slug made from the title: homonyms get a number.
		for n := 1; ; n++ {
			p.Slug = slugify(p.Title, n)
			id, err := tx.CreatePlan(ctx, p)
			if errors.Is(err, model.ErrConflict) && n < 50 {
				continue
			}
			if err != nil {
				return "", err
			}
			p.ID = id
			return fmt.Sprintf("/admin/plans/%d", id), s.record(ctx, tx, r, "plan.create", "plan", id, nil, p)
		}
	})
	if err != nil {
		return err
	}
	s.redirectWithFlash(w, r, location, "Le plan « "+p.Name()+" » a été créé.")
	return nil
}

func (s *Server) editPlan(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	if err := requirePlanManager(ctx); err != nil {
		return err
	}
	old, err := s.planFromPath(r)
	if err != nil {
		return err
	}
	action, back := fmt.Sprintf("/admin/plans/%d/edit", old.ID), fmt.Sprintf("/admin/plans/%d", old.ID)
	title := "Modifier « " + old.Name() + " »"
	if r.Method == http.MethodGet {
		s.render(w, r, http.StatusOK, view.Edit(s.planEditPage(r, title, action, back, planForm(old))))
		return nil
	}
	f, err := readForm(r, planFields)
	if err != nil {
		return err
	}
	p := planFromForm(f)
	if !f.Valid() {
		s.render(w, r, http.StatusUnprocessableEntity, view.Edit(s.planEditPage(r, "Erreur – "+title, action, back, f)))
		return nil
	}
	// The slug stays: public addresses and links made to the plan keep working.
	p.ID, p.Slug = old.ID, old.Slug
	err = s.store.InTx(ctx, func(tx *store.Store) error {
		if err := tx.UpdatePlan(ctx, p); err != nil {
			return err
		}
		return s.record(ctx, tx, r, "plan.update", "plan", p.ID, old, p)
	})
	if err != nil {
		return err
	}
	s.redirectWithFlash(w, r, back, "Le plan « "+p.Name()+" » a été modifié.")
	return nil
}

// adminPlan shows a plan's axes and its measures grouped by axis.
func (s *Server) adminPlan(w http.ResponseWriter, r *http.Request) error {
	if err := requirePlanManager(r.Context()); err != nil {
		return err
	}
	pl, err := s.planFromPath(r)
	if err != nil {
		return err
	}
	p, err := s.adminPlanPage(r, pl, view.NewForm())
	if err != nil {
		return err
	}
	s.render(w, r, http.StatusOK, view.AdminPlan(p))
	return nil
}

func (s *Server) adminPlanPage(r *http.Request, pl model.Plan, axisForm *view.Form) (view.AdminPlanPage, error) {
	ctx := r.Context()
	axes, err := s.store.Axes(ctx, pl.ID)
	if err != nil {
		return view.AdminPlanPage{}, err
	}
	ms, err := s.store.Measures(ctx, store.MeasureFilter{PlanID: pl.ID})
	if err != nil {
		return view.AdminPlanPage{}, err
	}
	p := view.AdminPlanPage{Base: s.adminBase(r, pl.Name()+" – axes et mesures"), Plan: pl, Axes: axes, AxisForm: axisForm,
		AxisFields: axisFields}
	if !axisForm.Valid() {
		p.Title = "Erreur – " + p.Title
	}
	// Every axis gets its group, even empty, so that the page shows where
	// measures are missing; measures without an axis come last.
	for i := range axes {
		g := view.AdminAxisGroup{Axis: &axes[i]}
		for _, m := range ms {
			if m.AxisID == axes[i].ID {
				g.Measures = append(g.Measures, m)
			}
		}
		p.Groups = append(p.Groups, g)
	}
	var loose []model.Measure
	for _, m := range ms {
		if m.AxisID == 0 {
			loose = append(loose, m)
		}
	}
	if len(loose) > 0 {
		p.Groups = append(p.Groups, view.AdminAxisGroup{Measures: loose})
	}
	return p, nil
}

// Axes.

var axisFields = []view.Field{
	{Name: "number", Label: "Numéro de l'axe", Kind: "number", Required: true, Hint: "Tel que le plan le numérote, par exemple 2."},
	{Name: "title", Label: "Intitulé de l'axe", Kind: "text", Required: true},
	{Name: "illustrative", Label: "Donnée illustrative", Kind: "checkbox"},
}

func axisForm(a model.Axis) *view.Form {
	f := view.NewForm()
	f.Values = map[string]string{"number": strconv.Itoa(a.Number), "title": a.Title, "illustrative": checkboxValue(a.Illustrative)}
	return f
}

func axisFromForm(f *view.Form) model.Axis {
	c := newChecker(f, axisFields)
	a := model.Axis{Title: c.text("title", 500), Illustrative: f.Value("illustrative") == "1"}
	a.Number = c.wholeNumber("number", 1, 99, "Saisissez le numéro de l'axe, un nombre entier entre 1 et 99.")
	return a
}

const axisTaken = "Ce numéro est déjà celui d'un autre axe du plan. Choisissez-en un autre."

func (s *Server) addAxis(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	if err := requirePlanManager(ctx); err != nil {
		return err
	}
	pl, err := s.planFromPath(r)
	if err != nil {
		return err
	}
	f, err := readForm(r, axisFields)
	if err != nil {
		return err
	}
	a := axisFromForm(f)
	a.PlanID = pl.ID
	location := fmt.Sprintf("/admin/plans/%d#axes", pl.ID)
	if f.Valid() {
		_, err = s.createOnce(r, r.PostForm.Get(view.SubmissionField), func(tx *store.Store) (string, error) {
			id, err := tx.CreateAxis(ctx, a)
			if err != nil {
				return "", err
			}
			a.ID = id
			return location, s.record(ctx, tx, r, "axis.create", "axis", id, nil, a)
		})
		if errors.Is(err, model.ErrConflict) {
			f.Fail("number", "Numéro de l'axe", axisTaken)
		} else if err != nil {
			return err
		}
	}
	if !f.Valid() {
		p, err := s.adminPlanPage(r, pl, f)
		if err != nil {
			return err
		}
		s.render(w, r, http.StatusUnprocessableEntity, view.AdminPlan(p))
		return nil
	}
	s.redirectWithFlash(w, r, location, fmt.Sprintf("L'axe %d « %s » a été ajouté.", a.Number, a.Title))
	return nil
}

func (s *Server) editAxis(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	if err := requirePlanManager(ctx); err != nil {
		return err
	}
	old, pl, err := s.axisFromPath(r)
	if err != nil {
		return err
	}
	action, back := fmt.Sprintf("/admin/axes/%d/edit", old.ID), fmt.Sprintf("/admin/plans/%d#axes", pl.ID)
	title := fmt.Sprintf("Modifier l'axe %d", old.Number)
	page := func(title string, f *view.Form) view.EditPage {
		return view.EditPage{Base: s.adminBase(r, title), Back: back, BackLabel: "Retour au plan", Intro: pl.Name(),
			Action: action, Submit: "Enregistrer", Form: f, Fields: axisFields}
	}
	if r.Method == http.MethodGet {
		s.render(w, r, http.StatusOK, view.Edit(page(title, axisForm(old))))
		return nil
	}
	f, err := readForm(r, axisFields)
	if err != nil {
		return err
	}
	a := axisFromForm(f)
	a.ID, a.PlanID = old.ID, old.PlanID
	if f.Valid() {
		err = s.store.InTx(ctx, func(tx *store.Store) error {
			if err := tx.UpdateAxis(ctx, a); err != nil {
				return err
			}
			return s.record(ctx, tx, r, "axis.update", "axis", a.ID, old, a)
		})
		if errors.Is(err, model.ErrConflict) {
			f.Fail("number", "Numéro de l'axe", axisTaken)
		} else if err != nil {
			return err
		}
	}
	if !f.Valid() {
		s.render(w, r, http.StatusUnprocessableEntity, view.Edit(page("Erreur – "+title, f)))
		return nil
	}
	s.redirectWithFlash(w, r, back, fmt.Sprintf("L'axe %d « %s » a été modifié.", a.Number, a.Title))
	return nil
}

func (s *Server) deleteAxis(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	if err := requirePlanManager(ctx); err != nil {
		return err
	}
	a, pl, err := s.axisFromPath(r)
	if err != nil {
		return err
	}
	back := fmt.Sprintf("/admin/plans/%d#axes", pl.ID)
	if r.Method == http.MethodGet {
		s.render(w, r, http.StatusOK, view.Confirm(view.ConfirmPage{Base: s.adminBase(r, fmt.Sprintf("Supprimer l'axe %d « %s »", a.Number, a.Title)),
			Message: "L'axe sera définitivement supprimé. Un axe qui comporte encore des mesures ne peut pas l'être : rattachez-les d'abord à un autre axe ou supprimez-les.",
			Action:  fmt.Sprintf("/admin/axes/%d/delete", a.ID), Submit: "Supprimer définitivement", Cancel: back}))
		return nil
	}
	err = s.store.InTx(ctx, func(tx *store.Store) error {
		if err := tx.DeleteAxis(ctx, a.ID); err != nil {
			return err
		}
		return s.record(ctx, tx, r, "axis.delete", "axis", a.ID, a, nil)
	})
	if errors.Is(err, model.ErrConflict) {
		s.redirectWithFlash(w, r, back, fmt.Sprintf("L'axe %d « %s » n'a pas été supprimé : il comporte encore des mesures. Rattachez-les d'abord à un autre axe ou supprimez-les.", a.Number, a.Title))
		return nil
	}
	if err != nil {
		return err
	}
	s.redirectWithFlash(w, r, back, fmt.Sprintf("L'axe %d « %s » a été supprimé.", a.Number, a.Title))
	return nil
}

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
			f.Fail("partners", bodyListLabel("partners"), "« "+names[id]+" » est coché comme pilote et comme partenaire : un organisme pilote n'est pas aussi partenaire de la mesure.")
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
		title = "Modifier la mesure « " + m.Label() + " »"
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
		"La mesure « "+m.Label()+" » a été créée. Vous pouvez maintenant lui ajouter des indicateurs et la rattacher à des recommandations.")
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
	s.redirectWithFlash(w, r, fmt.Sprintf("/admin/plans/%d#mesures", pl.ID), "La mesure « "+m.Label()+" » a été modifiée.")
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
		s.render(w, r, http.StatusOK, view.Confirm(view.ConfirmPage{Base: s.adminBase(r, "Supprimer la mesure « "+m.Label()+" »"),
			Message: "La mesure sera définitivement supprimée, avec ses indicateurs, ses points d'étape et ses liens aux recommandations et aux mesures d'autres plans. N'utilisez la suppression que pour une erreur de saisie : pour une mesure abandonnée, changez plutôt son état d'avancement.",
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
	s.redirectWithFlash(w, r, back, "La mesure « "+m.Label()+" » a été supprimée.")
	return nil
}

// Indicators, managed on their measure's page.

var indicatorFields = []view.Field{
	{Name: "label", Label: "Intitulé de l'indicateur", Kind: "text", Required: true, Hint: "Par exemple « Nombre de professionnels formés »."},
	{Name: "target", Label: "Cible", Kind: "text", Hint: "Facultative. Par exemple « 5 000 d'ici 2027 »."},
	{Name: "current", Label: "Valeur actuelle", Kind: "text", Hint: "Facultative. Les pilotes la mettent à jour dans leurs points d'étape."},
}

func indicatorFromForm(f *view.Form) model.Indicator {
	c := newChecker(f, indicatorFields)
	return model.Indicator{Label: c.text("label", 300), Target: c.text("target", 200), Current: c.text("current", 200)}
}

func (s *Server) addIndicator(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	if err := requirePlanManager(ctx); err != nil {
		return err
	}
	m, pl, err := s.measureFromPath(r)
	if err != nil {
		return err
	}
	f, err := readForm(r, indicatorFields)
	if err != nil {
		return err
	}
	i := indicatorFromForm(f)
	if !f.Valid() {
		p, err := s.adminMeasurePage(r, pl, m, measureForm(m), measurePageParts{indicator: f})
		if err != nil {
			return err
		}
		s.render(w, r, http.StatusUnprocessableEntity, view.AdminMeasure(p))
		return nil
	}
	i.MeasureID = m.ID
	location, err := s.createOnce(r, r.PostForm.Get(view.SubmissionField), func(tx *store.Store) (string, error) {
		id, err := tx.CreateIndicator(ctx, i)
		if err != nil {
			return "", err
		}
		i.ID = id
		return fmt.Sprintf("/admin/measures/%d/edit#indicateurs", m.ID), s.record(ctx, tx, r, "indicator.create", "indicator", id, nil, i)
	})
	if err != nil {
		return err
	}
	s.redirectWithFlash(w, r, location, "L'indicateur « "+i.Label+" » a été ajouté.")
	return nil
}

func (s *Server) editIndicator(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	if err := requirePlanManager(ctx); err != nil {
		return err
	}
	m, old, err := s.indicatorFromPath(r)
	if err != nil {
		return err
	}
	action, back := fmt.Sprintf("/admin/measures/%d/indicators/%d/edit", m.ID, old.ID), fmt.Sprintf("/admin/measures/%d/edit#indicateurs", m.ID)
	title := "Modifier l'indicateur « " + old.Label + " »"
	page := func(title string, f *view.Form) view.EditPage {
		return view.EditPage{Base: s.adminBase(r, title), Back: back, BackLabel: "Retour à la mesure", Intro: "Mesure « " + m.Label() + " »",
			Action: action, Submit: "Enregistrer", Form: f, Fields: indicatorFields}
	}
	if r.Method == http.MethodGet {
		f := view.NewForm()
		f.Values = map[string]string{"label": old.Label, "target": old.Target, "current": old.Current}
		s.render(w, r, http.StatusOK, view.Edit(page(title, f)))
		return nil
	}
	f, err := readForm(r, indicatorFields)
	if err != nil {
		return err
	}
	i := indicatorFromForm(f)
	if !f.Valid() {
		s.render(w, r, http.StatusUnprocessableEntity, view.Edit(page("Erreur – "+title, f)))
		return nil
	}
	i.ID, i.MeasureID = old.ID, m.ID
	err = s.store.InTx(ctx, func(tx *store.Store) error {
		if err := tx.UpdateIndicator(ctx, i); err != nil {
			return err
		}
		return s.record(ctx, tx, r, "indicator.update", "indicator", i.ID, old, i)
	})
	if err != nil {
		return err
	}
	s.redirectWithFlash(w, r, back, "L'indicateur « "+i.Label+" » a été modifié.")
	return nil
}

func (s *Server) deleteIndicator(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	if err := requirePlanManager(ctx); err != nil {
		return err
	}
	m, i, err := s.indicatorFromPath(r)
	if err != nil {
		return err
	}
	back := fmt.Sprintf("/admin/measures/%d/edit#indicateurs", m.ID)
	if r.Method == http.MethodGet {
		s.render(w, r, http.StatusOK, view.Confirm(view.ConfirmPage{Base: s.adminBase(r, "Supprimer l'indicateur « "+i.Label+" »"),
			Message: "L'indicateur de la mesure « " + m.Label() + " » sera définitivement supprimé, avec sa cible et sa valeur actuelle.",
			Action:  fmt.Sprintf("/admin/measures/%d/indicators/%d/delete", m.ID, i.ID), Submit: "Supprimer définitivement", Cancel: back}))
		return nil
	}
	err = s.store.InTx(ctx, func(tx *store.Store) error {
		if err := tx.DeleteIndicator(ctx, m.ID, i.ID); err != nil {
			return err
		}
		return s.record(ctx, tx, r, "indicator.delete", "indicator", i.ID, i, nil)
	})
	if err != nil {
		return err
	}
	s.redirectWithFlash(w, r, back, "L'indicateur « "+i.Label+" » a été supprimé.")
	return nil
}

// Links of a measure: to recommendations and to measures of other plans.

func (s *Server) measureRecommendations(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	if err := requirePlanManager(ctx); err != nil {
		return err
	}
	m, pl, err := s.measureFromPath(r)
	if err != nil {
		return err
	}
	link, err := linkAction(r)
	if err != nil {
		return err
	}
	back := fmt.Sprintf("/admin/measures/%d/edit#recommandations", m.ID)
	id := postedID(r, "recommendation")
	if !link && id == 0 {
		return errBadRequest
	}
	var rec model.Recommendation
	if id != 0 {
		rec, err = s.store.Recommendation(ctx, id)
		if err != nil && !errors.Is(err, model.ErrNotFound) {
			return err
		}
		if err != nil && !link {
			return err
		}
	}
	if link && rec.ID == 0 {
		f := view.NewForm()
		f.Values["recommendation"] = r.PostForm.Get("recommendation")
		f.Fail("recommendation", "Recommandation", "Choisissez dans la liste la recommandation à laquelle la mesure répond.")
		p, err := s.adminMeasurePage(r, pl, m, measureForm(m), measurePageParts{recommendation: f})
		if err != nil {
			return err
		}
		s.render(w, r, http.StatusUnprocessableEntity, view.AdminMeasure(p))
		return nil
	}
	detail := map[string]any{"recommendation_id": rec.ID, "measure_id": m.ID}
	// The link form carries a key, the unlink ones none.
	_, err = s.createOnce(r, r.PostForm.Get(view.SubmissionField), func(tx *store.Store) (string, error) {
		if !link {
			if err := tx.UnlinkRecommendation(ctx, rec.ID, m.ID); err != nil {
				return "", err
			}
			return back, s.record(ctx, tx, r, "recommendation.unlink", "recommendation", rec.ID, detail, nil)
		}
		if err := tx.LinkRecommendation(ctx, rec.ID, m.ID); err != nil {
			return "", err
		}
		return back, s.record(ctx, tx, r, "recommendation.link", "recommendation", rec.ID, nil, detail)
	})
	if err != nil {
		return err
	}
	if link {
		s.redirectWithFlash(w, r, back, "La mesure est rattachée à la recommandation "+view.AdminRecommendationRef(rec)+".")
	} else {
		s.redirectWithFlash(w, r, back, "La mesure n'est plus rattachée à la recommandation "+view.AdminRecommendationRef(rec)+".")
	}
	return nil
}

func (s *Server) measureLinksForm(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	if err := requirePlanManager(ctx); err != nil {
		return err
	}
	m, pl, err := s.measureFromPath(r)
	if err != nil {
		return err
	}
	link, err := linkAction(r)
	if err != nil {
		return err
	}
	back := fmt.Sprintf("/admin/measures/%d/edit#liens", m.ID)
	id := postedID(r, "other")
	if !link {
		if id == 0 {
			return errBadRequest
		}
		other, err := s.store.Measure(ctx, id)
		if err != nil {
			return err
		}
		err = s.store.InTx(ctx, func(tx *store.Store) error {
			if err := tx.UnlinkMeasures(ctx, m.ID, other.ID); err != nil {
				return err
			}
			return s.record(ctx, tx, r, "measure.unlink", "measure", m.ID, map[string]any{"other_id": other.ID}, nil)
		})
		if err != nil {
			return err
		}
		s.redirectWithFlash(w, r, back, "La mesure n'est plus liée à « "+other.Label()+" » ("+other.PlanName+").")
		return nil
	}
	var other model.Measure
	msg := "Choisissez dans la liste la mesure d'un autre plan à lier."
	if id != 0 {
		other, err = s.store.Measure(ctx, id)
		if err != nil && !errors.Is(err, model.ErrNotFound) {
			return err
		}
		if other.ID != 0 && other.PlanID == m.PlanID {
			// Links relate plans to one another; within a plan, the axes do.
			msg = "Choisissez une mesure d'un autre plan que « " + pl.Name() + " »."
			other = model.Measure{}
		}
	}
	if other.ID == 0 {
		f := view.NewForm()
		f.Values["other"] = r.PostForm.Get("other")
		f.Fail("other", "Mesure d'un autre plan", msg)
		p, err := s.adminMeasurePage(r, pl, m, measureForm(m), measurePageParts{other: f})
		if err != nil {
			return err
		}
		s.render(w, r, http.StatusUnprocessableEntity, view.AdminMeasure(p))
		return nil
	}
	_, err = s.createOnce(r, r.PostForm.Get(view.SubmissionField), func(tx *store.Store) (string, error) {
		if err := tx.LinkMeasures(ctx, m.ID, other.ID); err != nil {
			return "", err
		}
		return back, s.record(ctx, tx, r, "measure.link", "measure", m.ID, nil, map[string]any{"other_id": other.ID})
	})
	if err != nil {
		return err
	}
	s.redirectWithFlash(w, r, back, "La mesure est liée à « "+other.Label()+" » ("+other.PlanName+").")
	return nil
}

// Recommendations.

func (s *Server) adminRecommendations(w http.ResponseWriter, r *http.Request) error {
	if err := requirePlanManager(r.Context()); err != nil {
		return err
	}
	rs, err := s.store.Recommendations(r.Context(), store.RecommendationFilter{})
	if err != nil {
		return err
	}
	s.render(w, r, http.StatusOK, view.AdminRecommendations(view.AdminRecommendationsPage{Base: s.adminBase(r, "Recommandations"),
		Recommendations: rs}))
	return nil
}

var recommendationFields = []view.Field{
	{Name: "source", Label: "Auteur de la recommandation", Kind: "text", Required: true, Hint: "Par exemple GRETA, le groupe d'experts du Conseil de l'Europe."},
	{Name: "round", Label: "Cycle d'évaluation", Kind: "number", Required: true, Hint: "Numéro du cycle, par exemple 3 pour le troisième cycle d'évaluation."},
	{Name: "paragraph", Label: "Paragraphe", Kind: "text", Hint: "Facultatif. Numéro du paragraphe du rapport, par exemple 112."},
	{Name: "theme", Label: "Thème", Kind: "text", Hint: "Facultatif. Par exemple « Identification des victimes »."},
	{Name: "text", Label: "Texte de la recommandation", Kind: "textarea", Required: true},
	{Name: "strength", Label: "Formulation", Kind: "select", Required: true, Hint: "Le GRETA « exhorte » les autorités quand il constate un manquement, et « considère » qu'elles devraient agir pour une amélioration.",
		Options: []view.Option{{Value: "", Label: "Choisir une formulation"},
			{Value: string(model.StrengthUrges), Label: model.StrengthUrges.Label()},
			{Value: string(model.StrengthConsiders), Label: model.StrengthConsiders.Label()}}},
	{Name: "source_url", Label: "Source", Kind: "url", Hint: "Facultative. Adresse complète du rapport."},
	{Name: "illustrative", Label: "Donnée illustrative", Kind: "checkbox", Hint: "Cochez tant que ces informations ne sont pas officielles."},
}

func recommendationForm(rec model.Recommendation) *view.Form {
	f := view.NewForm()
	f.Values = map[string]string{"source": rec.Source, "paragraph": rec.Paragraph, "theme": rec.Theme, "text": rec.Text,
		"strength": string(rec.Strength), "source_url": rec.SourceURL, "illustrative": checkboxValue(rec.Illustrative)}
	if rec.Round > 0 {
		f.Values["round"] = strconv.Itoa(rec.Round)
	}
	return f
}

func recommendationFromForm(f *view.Form) model.Recommendation {
	c := newChecker(f, recommendationFields)
	rec := model.Recommendation{
		Source:       c.text("source", 100),
		Paragraph:    c.text("paragraph", 20),
		Theme:        c.text("theme", 200),
		Text:         c.text("text", 5000),
		Strength:     model.Strength(c.choice("strength")),
		SourceURL:    c.webURL("source_url"),
		Illustrative: f.Value("illustrative") == "1",
	}
	rec.Round = c.wholeNumber("round", 1, 20, "Saisissez le numéro du cycle d'évaluation, un nombre entier entre 1 et 20.")
	return rec
}

func (s *Server) recommendationPage(r *http.Request, title, action string, f *view.Form) view.EditPage {
	return view.EditPage{Base: s.adminBase(r, title), Back: "/admin/recommendations", BackLabel: "Toutes les recommandations",
		Action: action, Submit: "Enregistrer", Form: f, Fields: recommendationFields}
}

func (s *Server) newRecommendation(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	if err := requirePlanManager(ctx); err != nil {
		return err
	}
	const action = "/admin/recommendations/new"
	if r.Method == http.MethodGet {
		f := recommendationForm(model.Recommendation{Source: "GRETA"})
		s.render(w, r, http.StatusOK, view.Edit(s.recommendationPage(r, "Nouvelle recommandation", action, f)))
		return nil
	}
	f, err := readForm(r, recommendationFields)
	if err != nil {
		return err
	}
	rec := recommendationFromForm(f)
	if !f.Valid() {
		s.render(w, r, http.StatusUnprocessableEntity, view.Edit(s.recommendationPage(r, "Erreur – Nouvelle recommandation", action, f)))
		return nil
	}
	location, err := s.createOnce(r, r.PostForm.Get(view.SubmissionField), func(tx *store.Store) (string, error) {
		id, err := tx.CreateRecommendation(ctx, rec)
		if err != nil {
			return "", err
		}
		rec.ID = id
		return "/admin/recommendations", s.record(ctx, tx, r, "recommendation.create", "recommendation", id, nil, rec)
	})
	if err != nil {
		return err
	}
	s.redirectWithFlash(w, r, location, "La recommandation "+view.AdminRecommendationRef(rec)+" a été enregistrée. Rattachez-y les mesures qui y répondent depuis la page de chaque mesure.")
	return nil
}

func (s *Server) editRecommendation(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	if err := requirePlanManager(ctx); err != nil {
		return err
	}
	id, err := pathID(r)
	if err != nil {
		return err
	}
	old, err := s.store.Recommendation(ctx, id)
	if err != nil {
		return err
	}
	action := fmt.Sprintf("/admin/recommendations/%d/edit", id)
	title := "Modifier la recommandation " + view.AdminRecommendationRef(old)
	if r.Method == http.MethodGet {
		s.render(w, r, http.StatusOK, view.Edit(s.recommendationPage(r, title, action, recommendationForm(old))))
		return nil
	}
	f, err := readForm(r, recommendationFields)
	if err != nil {
		return err
	}
	rec := recommendationFromForm(f)
	if !f.Valid() {
		s.render(w, r, http.StatusUnprocessableEntity, view.Edit(s.recommendationPage(r, "Erreur – "+title, action, f)))
		return nil
	}
	rec.ID = id
	err = s.store.InTx(ctx, func(tx *store.Store) error {
		if err := tx.UpdateRecommendation(ctx, rec); err != nil {
			return err
		}
		return s.record(ctx, tx, r, "recommendation.update", "recommendation", id, old, rec)
	})
	if err != nil {
		return err
	}
	s.redirectWithFlash(w, r, "/admin/recommendations", "La recommandation "+view.AdminRecommendationRef(rec)+" a été modifiée.")
	return nil
}
