package server

import (
	"fmt"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"time"

	"comite/internal/model"
	"comite/internal/store"
	"comite/web/view"
)

var consultationFields = []view.Field{
	{Name: "categories", Label: "Catégories de membres qui peuvent commenter", Kind: "checkboxes",
		Hint: "Les pilotes d'une mesure peuvent toujours répondre aux commentaires qui la concernent."},
	{Name: "public", Label: "Rendre les commentaires lisibles par le public", Kind: "checkbox",
		Hint: "Sans cette case, seuls les membres connectés lisent les commentaires."},
	{Name: "premoderation", Label: "Publier chaque commentaire après validation par le secrétariat (prémodération)", Kind: "checkbox",
		Hint: "Recommandé quand les échanges risquent de permettre l'identification de victimes."},
}

var windowFields = []view.Field{
	{Name: "scope", Label: "Objet de la consultation", Kind: "select", Required: true},
	{Name: "opens", Label: "Ouverture le", Kind: "date", Required: true, Hint: "À 0 h, heure de Paris."},
	{Name: "closes", Label: "Clôture le", Kind: "date", Required: true, Hint: "Inclus : la consultation se termine à minuit ce jour-là."},
}

// categoryChoices are the body categories as checkboxes: the select's
// options without its empty prompt.
func categoryChoices() []view.Option { return categoryOptions()[1:] }

// readCategories keeps the valid categories among the form's values, each
// once, in the order given: nil when none is.
func readCategories(values []string) []model.Category {
	var cats []model.Category
	for _, v := range values {
		if c := model.Category(v); c.Valid() && !slices.Contains(cats, c) {
			cats = append(cats, c)
		}
	}
	return cats
}

// joinCategories is the value of a categories field: the codes, separated
// by commas.
func joinCategories(cs []model.Category) string {
	codes := make([]string, 0, len(cs))
	for _, c := range cs {
		codes = append(codes, string(c))
	}
	return strings.Join(codes, ",")
}

// consultationAdmin shows and saves a plan's consultation settings and
// lists its windows with the form that opens a new one.
func (s *Server) consultationAdmin(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	pl, err := s.planFromPath(r)
	if err != nil {
		return err
	}
	fields := slices.Clone(consultationFields)
	fields[0].Options = categoryChoices()
	var form *view.Form
	if r.Method == http.MethodPost {
		if form, err = readForm(r, fields); err != nil {
			return err
		}
		cats := readCategories(r.PostForm["categories"])
		public, premod := form.Value("public") == "1", form.Value("premoderation") == "1"
		err = s.store.InTx(ctx, func(tx *store.Store) error {
			if err := tx.SetPlanConsultation(ctx, pl.ID, cats, public, premod); err != nil {
				return err
			}
			return s.record(ctx, tx, r, "plan.consultation", "plan", pl.ID,
				map[string]any{"categories": pl.CommentCategories, "public": pl.CommentsPublic, "premoderation": pl.Premoderation},
				map[string]any{"categories": cats, "public": public, "premoderation": premod})
		})
		if err != nil {
			return err
		}
		flash := "Les paramètres de la consultation sont enregistrés."
		if len(cats) == 0 {
			flash += " Aucune catégorie n'étant cochée, seuls les pilotes peuvent désormais répondre aux commentaires existants."
		}
		s.redirectWithFlash(w, r, fmt.Sprintf("/admin/plans/%d/consultation", pl.ID), flash)
		return nil
	}
	form = view.NewForm()
	form.Values["categories"] = joinCategories(pl.CommentCategories)
	if pl.CommentsPublic {
		form.Values["public"] = "1"
	}
	if pl.Premoderation {
		form.Values["premoderation"] = "1"
	}
	return s.renderConsultationAdmin(w, r, pl, form, nil, http.StatusOK)
}

func (s *Server) renderConsultationAdmin(w http.ResponseWriter, r *http.Request, pl model.Plan, form, windowForm *view.Form, status int) error {
	ctx := r.Context()
	p := view.ConsultationAdminPage{Base: s.adminBase(r, "Consultation – "+pl.Name()), Plan: pl, Form: form, WindowForm: windowForm,
		Now: s.now()}
	p.Fields = slices.Clone(consultationFields)
	p.Fields[0].Options = categoryChoices()
	p.WindowFields = slices.Clone(windowFields)
	if p.WindowForm == nil {
		p.WindowForm = view.NewForm()
		today := s.now().In(view.Paris)
		p.WindowForm.Values["opens"] = today.Format(time.DateOnly)
		p.WindowForm.Values["closes"] = today.AddDate(0, 1, 0).Format(time.DateOnly)
	}
	axes, err := s.store.Axes(ctx, pl.ID)
	if err != nil {
		return err
	}
	measures, err := s.store.Measures(ctx, store.MeasureFilter{PlanID: pl.ID})
	if err != nil {
		return err
	}
	scope := []view.Option{{Value: "", Label: "Choisir un axe ou une mesure"}}
	label := map[string]string{}
	for _, a := range axes {
		v := "axis:" + strconv.FormatInt(a.ID, 10)
		label[v] = fmt.Sprintf("Axe %d – %s (toutes ses mesures)", a.Number, a.Title)
		scope = append(scope, view.Option{Value: v, Label: label[v]})
	}
	for _, m := range measures {
		v := "measure:" + strconv.FormatInt(m.ID, 10)
		label[v] = "Mesure " + m.Label()
		scope = append(scope, view.Option{Value: v, Label: label[v]})
	}
	p.WindowFields[0].Options = scope
	windows, err := s.store.PlanWindows(ctx, pl.ID)
	if err != nil {
		return err
	}
	for _, win := range windows {
		key := "axis:" + strconv.FormatInt(win.AxisID, 10)
		if win.MeasureID != 0 {
			key = "measure:" + strconv.FormatInt(win.MeasureID, 10)
		}
		p.Windows = append(p.Windows, view.WindowRow{Window: win, Scope: label[key]})
	}
	s.render(w, r, status, view.ConsultationAdmin(p))
	return nil
}

// parseScope reads "axis:ID" or "measure:ID" and checks that the axis or
// measure belongs to the plan.
func (s *Server) parseScope(r *http.Request, pl model.Plan, raw string) (model.ConsultationWindow, bool) {
	kind, idText, ok := strings.Cut(raw, ":")
	id, err := strconv.ParseInt(idText, 10, 64)
	if !ok || err != nil {
		return model.ConsultationWindow{}, false
	}
	switch kind {
	case "axis":
		axes, err := s.store.Axes(r.Context(), pl.ID)
		if err == nil && slices.ContainsFunc(axes, func(a model.Axis) bool { return a.ID == id }) {
			return model.ConsultationWindow{AxisID: id}, true
		}
	case "measure":
		m, err := s.store.Measure(r.Context(), id)
		if err == nil && m.PlanID == pl.ID {
			return model.ConsultationWindow{MeasureID: id}, true
		}
	}
	return model.ConsultationWindow{}, false
}

// addWindow opens a consultation window on an axis or a measure, or, with
// now=1 from a measure's page, closes that measure's consultation at once.
func (s *Server) addWindow(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	v := viewerOf(ctx)
	pl, err := s.planFromPath(r)
	if err != nil {
		return err
	}
	form, err := readForm(r, windowFields)
	if err != nil {
		return err
	}
	c := newChecker(form, windowFields)
	win, ok := s.parseScope(r, pl, form.Value("scope"))
	if !ok {
		c.fail("scope", "Choisissez un axe ou une mesure du plan.")
	}
	now := s.now()
	if r.PostForm.Get("now") == "1" {
		if !ok || win.MeasureID == 0 {
			return errBadRequest
		}
		m, err := s.store.Measure(ctx, win.MeasureID)
		if err != nil {
			return err
		}
		cons, err := s.consultationOf(ctx, m)
		if err != nil {
			return err
		}
		location, err := s.createOnce(r, r.PostForm.Get(view.SubmissionField), func(tx *store.Store) (string, error) {
			if cons.Open && cons.Window != nil && cons.Window.MeasureID == m.ID {
				if err := tx.CloseConsultationWindow(ctx, cons.Window.ID, now); err != nil {
					return "", err
				}
			} else if cons.Open {
				// An empty window of its own overrides the axis's or the
				// default opening.
				win.OpensAt, win.ClosesAt = now, now
				if _, err := tx.AddConsultationWindow(ctx, win, v.AccountID); err != nil {
					return "", err
				}
			}
			return fmt.Sprintf("/measures/%d#titre-commentaires", m.ID),
				s.record(ctx, tx, r, "consultation.close", "measure", m.ID, nil, map[string]any{"at": now})
		})
		if err != nil {
			return err
		}
		s.redirectWithFlash(w, r, location, "La consultation sur cette mesure est close ; le fil reste consultable.")
		return nil
	}
	opens, closes := c.date("opens"), c.date("closes")
	if opens != nil && closes != nil && closes.Before(*opens) {
		c.fail("closes", "La date de clôture doit être postérieure ou égale à la date d'ouverture.")
	}
	if !form.Valid() {
		settings := view.NewForm()
		// The settings form shows the saved values again.
		settings.Values["categories"] = joinCategories(pl.CommentCategories)
		return s.renderConsultationAdmin(w, r, pl, settings, form, http.StatusUnprocessableEntity)
	}
	win.OpensAt = parisMidnight(*opens)
	win.ClosesAt = parisMidnight(closes.AddDate(0, 0, 1))
	location, err := s.createOnce(r, r.PostForm.Get(view.SubmissionField), func(tx *store.Store) (string, error) {
		id, err := tx.AddConsultationWindow(ctx, win, v.AccountID)
		if err != nil {
			return "", err
		}
		return fmt.Sprintf("/admin/plans/%d/consultation", pl.ID), s.record(ctx, tx, r, "consultation.window_add", "consultation_window", id, nil, win)
	})
	if err != nil {
		return err
	}
	s.redirectWithFlash(w, r, location, "La période de consultation est enregistrée.")
	return nil
}

// parisMidnight is the start of the given calendar day in Paris.
func parisMidnight(day time.Time) time.Time {
	return time.Date(day.Year(), day.Month(), day.Day(), 0, 0, 0, 0, view.Paris)
}

// windowFor loads the window named in the path and the plan it belongs to.
func (s *Server) windowFor(r *http.Request) (model.ConsultationWindow, int64, error) {
	id, err := pathID(r)
	if err != nil {
		return model.ConsultationWindow{}, 0, err
	}
	win, err := s.store.ConsultationWindow(r.Context(), id)
	if err != nil {
		return win, 0, err
	}
	planID, err := s.store.PlanOfWindow(r.Context(), win)
	return win, planID, err
}

// closeWindow ends a window now.
func (s *Server) closeWindow(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	win, planID, err := s.windowFor(r)
	if err != nil {
		return err
	}
	now := s.now()
	back := fmt.Sprintf("/admin/plans/%d/consultation", planID)
	err = s.store.InTx(ctx, func(tx *store.Store) error {
		if err := tx.CloseConsultationWindow(ctx, win.ID, now); err != nil {
			return err
		}
		return s.record(ctx, tx, r, "consultation.window_close", "consultation_window", win.ID, win, map[string]any{"closes_at": now})
	})
	if err != nil {
		return err
	}
	s.redirectWithFlash(w, r, back, "La période de consultation est close.")
	return nil
}

// deleteWindow removes a window after confirmation.
func (s *Server) deleteWindow(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	win, planID, err := s.windowFor(r)
	if err != nil {
		return err
	}
	back := fmt.Sprintf("/admin/plans/%d/consultation", planID)
	if r.Method == http.MethodGet {
		p := view.ConfirmPage{Base: s.adminBase(r, "Supprimer une période de consultation"),
			Message: "La période du " + view.DateTime(win.OpensAt) + " au " + view.DateTime(win.ClosesAt) +
				" sera supprimée. Les commentaires déjà publiés restent ; l'ouverture des mesures concernées sera de nouveau décidée par les autres périodes.",
			Action: fmt.Sprintf("/admin/windows/%d/delete", win.ID), Submit: "Supprimer la période", Cancel: back}
		s.render(w, r, http.StatusOK, view.Confirm(p))
		return nil
	}
	err = s.store.InTx(ctx, func(tx *store.Store) error {
		if err := tx.DeleteConsultationWindow(ctx, win.ID); err != nil {
			return err
		}
		return s.record(ctx, tx, r, "consultation.window_delete", "consultation_window", win.ID, win, nil)
	})
	if err != nil {
		return err
	}
	s.redirectWithFlash(w, r, back, "La période de consultation est supprimée.")
	return nil
}
