package server

import (
	"context"
	"errors"
	"fmt"
	"net/http"

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
	{Name: "title", Label: "Intitulé", Kind: "text", Required: true, Hint: "L'intitulé officiel, par exemple « Plan interministériel de lutte contre la traite des êtres humains »."},
	{Name: "short_title", Label: "Intitulé court", Kind: "text", Hint: "Facultatif. Affiché dans les listes, par exemple « 3e plan traite »."},
	{Name: "followed", Label: "Plan suivi par le comité", Kind: "checkbox", Hint: "Les autres plans sont enregistrés pour y rattacher des mesures."},
	{Name: "period", Label: "Période", Kind: "text", Hint: "Par exemple 2024-2027. Facultative."},
	{Name: "owner", Label: "Pilote du plan", Kind: "text", Hint: "Le ministère ou la mission qui porte le plan. Facultatif."},
	{Name: "presented_on", Label: "Date de présentation", Kind: "date", Hint: "Facultative."},
	{Name: "description", Label: "Présentation", Kind: "textarea", Hint: "Facultative. Quelques lignes sur l'objet du plan."},
	{Name: "source_url", Label: "Source", Kind: "url", Hint: "Facultative. Adresse complète du texte du plan, par exemple https://www.egalite-femmes-hommes.gouv.fr/…"},
	{Name: "illustrative", Label: "Donnée illustrative", Kind: "checkbox", Hint: "Cochez tant que ces informations ne sont pas officielles : elles portent la mention « exemple »."},
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
	s.redirectWithFlash(w, r, location, "Le plan « "+p.Name()+" » a été créé.")
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
	title := "Modifier « " + old.Name() + " »"
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
	s.redirectWithFlash(w, r, back, "Le plan « "+p.Name()+" » a été modifié.")
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
