package server

import (
	"fmt"
	"net/http"
	"strconv"

	"comite/internal/model"
	"comite/internal/store"
	"comite/web/view"
)

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
	{Name: "theme", Label: "Thème", Kind: "text", Hint: "Facultatif. Par exemple « Identification des victimes »."},
	{Name: "text", Label: "Texte de la recommandation", Kind: "textarea", Required: true},
	{Name: "strength", Label: "Formulation", Kind: "select", Required: true, Hint: "Le GRETA « exhorte » les autorités quand il constate un manquement, et « considère » qu'elles devraient agir pour une amélioration.",
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
