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
	if p.SignedIn {
		next, err := s.store.MeetingsAfter(ctx, s.now(), 1)
		if err != nil {
			return err
		}
		if len(next) == 1 {
			p.NextMeeting = &next[0]
		}
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
