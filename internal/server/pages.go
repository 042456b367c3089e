package server

import (
	"errors"
	"net/http"

	"comite/internal/access"
	"comite/internal/model"
	"comite/web/view"
)

func (s *Server) home(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	v := viewerOf(ctx)
	p := view.HomePage{Base: s.base(r, "Accueil"), SignedIn: access.Allows(v, access.ReadMemberArea)}
	// The next meeting the viewer may see; the public, who may not see a
	// members' meeting, is told that one is coming.
	next, err := s.store.MeetingsAfter(ctx, s.now(), 5)
	if err != nil {
		return err
	}
	for i, m := range next {
		if access.CanSeeMeeting(v, m, s.now()) {
			p.NextMeeting = &next[i]
			break
		}
		if m.Status.Announced() {
			p.MembersOnlyMeeting = true
		}
	}
	switch glance, err := s.store.PlanGlance(ctx); {
	case err == nil:
		p.Plan = &glance
	case !errors.Is(err, model.ErrNotFound):
		return err
	}
	mandate, err := s.store.CurrentMandate(ctx)
	switch {
	case err == nil:
		p.Mandate = &mandate
		bodies, err := s.store.BodiesSeatedIn(ctx, mandate.ID)
		if err != nil {
			return err
		}
		p.BodyCount = len(bodies)
	case !errors.Is(err, model.ErrNotFound):
		return err
	}
	if p.News, err = s.latestNews(ctx, v); err != nil {
		return err
	}
	s.render(w, r, http.StatusOK, view.Home(p))
	return nil
}

func (s *Server) accessibility(w http.ResponseWriter, r *http.Request) error {
	s.render(w, r, http.StatusOK, view.Accessibility(view.StaticPage{Base: s.base(r, "Déclaration d'accessibilité")}))
	return nil
}

func (s *Server) privacy(w http.ResponseWriter, r *http.Request) error {
	s.render(w, r, http.StatusOK, view.Privacy(view.StaticPage{Base: s.base(r, "Données personnelles")}))
	return nil
}

func (s *Server) legal(w http.ResponseWriter, r *http.Request) error {
	s.render(w, r, http.StatusOK, view.Legal(view.StaticPage{Base: s.base(r, "Mentions légales")}))
	return nil
}
