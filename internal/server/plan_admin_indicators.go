package server

import (
	"fmt"
	"net/http"

	"comite/internal/model"
	"comite/internal/store"
	"comite/web/view"
)

// Indicators, managed on their measure's page.

var indicatorFields = []view.Field{
	{Name: "label", Label: "Intitulé de l'indicateur", Kind: "text", Required: true, Hint: "Par exemple « Nombre de professionnels formés »."},
	{Name: "target", Label: "Cible", Kind: "text", Hint: "Facultative. Par exemple « 5 000 d'ici 2027 »."},
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
	s.redirectWithFlash(w, r, location, "L'indicateur « "+i.Label+" » a été ajouté.")
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
	title := "Modifier l'indicateur « " + old.Label + " »"
	page := func(title string, f *view.Form) view.EditPage {
		return view.EditPage{Base: s.adminBase(r, title), Back: back, BackLabel: "Retour à la mesure", Intro: "Mesure « " + m.Label() + " »",
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
	s.redirectWithFlash(w, r, back, "L'indicateur « "+i.Label+" » a été modifié.")
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
		s.render(w, r, http.StatusOK, view.Confirm(view.ConfirmPage{Base: s.adminBase(r, "Supprimer l'indicateur « "+i.Label+" »"),
			Message: "L'indicateur de la mesure « " + m.Label() + " » sera définitivement supprimé, avec sa cible et sa valeur actuelle.",
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
	s.redirectWithFlash(w, r, back, "L'indicateur « "+i.Label+" » a été supprimé.")
	return nil
}
