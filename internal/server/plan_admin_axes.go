package server

import (
	"errors"
	"fmt"
	"net/http"
	"strconv"

	"comite/internal/model"
	"comite/internal/store"
	"comite/web/view"
)

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
	s.redirectWithFlash(w, r, location, fmt.Sprintf("L'axe %d « %s » a été ajouté.", a.Number, a.Title))
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
	s.redirectWithFlash(w, r, back, fmt.Sprintf("L'axe %d « %s » a été modifié.", a.Number, a.Title))
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
		s.render(w, r, http.StatusOK, view.Confirm(view.ConfirmPage{Base: s.adminBase(r, fmt.Sprintf("Supprimer l'axe %d « %s »", a.Number, a.Title)),
			Message: "L'axe sera définitivement supprimé. Un axe qui comporte encore des mesures ne peut pas l'être : rattachez-les d'abord à un autre axe ou supprimez-les.",
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
		s.redirectWithFlash(w, r, back, fmt.Sprintf("L'axe %d « %s » n'a pas été supprimé : il comporte encore des mesures. Rattachez-les d'abord à un autre axe ou supprimez-les.", a.Number, a.Title))
		return nil
	}
	if err != nil {
		return err
	}
	s.redirectWithFlash(w, r, back, fmt.Sprintf("L'axe %d « %s » a été supprimé.", a.Number, a.Title))
	return nil
}
