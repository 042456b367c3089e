package server

import (
	"errors"
	"fmt"
	"net/http"

	"comite/internal/model"
	"comite/internal/store"
	"comite/web/view"
)

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
		s.redirectWithFlash(w, r, back, "La mesure n'est plus liée à « "+other.Label()+" » ("+other.PlanName+").")
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
			msg = "Choisissez une mesure d'un autre plan que « " + pl.Name() + " »."
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
	s.redirectWithFlash(w, r, back, "La mesure est liée à « "+other.Label()+" » ("+other.PlanName+").")
	return nil
}
