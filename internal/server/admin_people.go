package server

import (
	"errors"
	"fmt"
	"net/http"

	"comite/internal/model"
	"comite/internal/store"
	"comite/web/view"
)

func (s *Server) adminPeople(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	people, err := s.store.People(ctx)
	if err != nil {
		return err
	}
	bodies, err := s.store.Bodies(ctx)
	if err != nil {
		return err
	}
	names := map[int64]string{}
	for _, b := range bodies {
		names[b.ID] = b.DisplayName()
	}
	s.render(w, r, http.StatusOK, view.AdminPeople(view.AdminPeoplePage{Base: s.adminBase(r, "Personnes"), People: people, Bodies: names}))
	return nil
}

func personFields(bodies []model.Body) []view.Field {
	return []view.Field{
		{Name: "civility", Label: "Civilité", Kind: "select", Options: []view.Option{{Value: "", Label: "Non précisée"}, {Value: "Mme", Label: "Mme"}, {Value: "M.", Label: "M."}}},
		{Name: "given_name", Label: "Prénom", Kind: "text", Autocomplete: "off"},
		{Name: "family_name", Label: "Nom", Kind: "text", Required: true, Hint: "Tel qu'il figure au Journal officiel.", Autocomplete: "off"},
		{Name: "title", Label: "Fonction", Kind: "text", Hint: "Par exemple « cheffe de bureau ». Facultatif."},
		{Name: "body", Label: "Organisme", Kind: "select", Options: bodyOptions(bodies, "Aucun")},
		{Name: "email", Label: "Adresse électronique", Kind: "email", Hint: "Jamais publiée. Nécessaire pour inviter la personne sur le portail.", Autocomplete: "off"},
		{Name: "phone", Label: "Téléphone", Kind: "text", Hint: "Jamais publié. Facultatif.", Autocomplete: "off"},
	}
}

func personForm(p model.Person) *view.Form {
	f := view.NewForm()
	f.Values = map[string]string{"civility": p.Civility, "given_name": p.GivenName, "family_name": p.FamilyName,
		"title": p.Title, "body": formatID(p.BodyID), "email": p.Email, "phone": p.Phone}
	return f
}

func personFromForm(f *view.Form, fields []view.Field) model.Person {
	c := newChecker(f, fields)
	return model.Person{
		Civility:   c.choice("civility"),
		GivenName:  c.text("given_name", 100),
		FamilyName: c.text("family_name", 200),
		Title:      c.text("title", 200),
		BodyID:     c.id("body"),
		Email:      c.email("email"),
		Phone:      c.text("phone", 40),
	}
}

func (s *Server) personPage(r *http.Request, title, action string, f *view.Form, fields []view.Field) view.EditPage {
	return view.EditPage{Base: s.adminBase(r, title), Back: "/admin/people", BackLabel: "Toutes les personnes",
		Action: action, Submit: "Enregistrer", Form: f, Fields: fields}
}

func (s *Server) newPerson(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	bodies, err := s.store.Bodies(ctx)
	if err != nil {
		return err
	}
	fields := personFields(bodies)
	if r.Method == http.MethodGet {
		s.render(w, r, http.StatusOK, view.Edit(s.personPage(r, "Nouvelle personne", "/admin/people/new", view.NewForm(), fields)))
		return nil
	}
	f, err := readForm(r, fields)
	if err != nil {
		return err
	}
	p := personFromForm(f, fields)
	if !f.Valid() {
		s.render(w, r, http.StatusUnprocessableEntity, view.Edit(s.personPage(r, "Erreur – Nouvelle personne", "/admin/people/new", f, fields)))
		return nil
	}
	location, err := s.createOnce(r, r.PostForm.Get(view.SubmissionField), func(tx *store.Store) (string, error) {
		id, err := tx.CreatePerson(ctx, p)
		if err != nil {
			return "", err
		}
		p.ID = id
		return "/admin/people", s.record(ctx, tx, r, "person.create", "person", id, nil, p)
	})
	if err != nil {
		return err
	}
	s.redirectWithFlash(w, r, location, p.FullName()+" a été ajouté(e).")
	return nil
}

func (s *Server) editPerson(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	id, err := pathID(r)
	if err != nil {
		return err
	}
	old, err := s.store.Person(ctx, id)
	if err != nil {
		return err
	}
	bodies, err := s.store.Bodies(ctx)
	if err != nil {
		return err
	}
	fields := personFields(bodies)
	action := fmt.Sprintf("/admin/people/%d/edit", id)
	if r.Method == http.MethodGet {
		s.render(w, r, http.StatusOK, view.Edit(s.personPage(r, "Modifier "+old.FullName(), action, personForm(old), fields)))
		return nil
	}
	f, err := readForm(r, fields)
	if err != nil {
		return err
	}
	p := personFromForm(f, fields)
	if !f.Valid() {
		s.render(w, r, http.StatusUnprocessableEntity, view.Edit(s.personPage(r, "Erreur – Modifier "+old.FullName(), action, f, fields)))
		return nil
	}
	p.ID, p.Illustrative = id, old.Illustrative
	err = s.store.InTx(ctx, func(tx *store.Store) error {
		if err := tx.UpdatePerson(ctx, p); err != nil {
			return err
		}
		return s.record(ctx, tx, r, "person.update", "person", id, old, p)
	})
	if err != nil {
		return err
	}
	s.redirectWithFlash(w, r, "/admin/people", "La fiche de "+p.FullName()+" a été modifiée.")
	return nil
}

func (s *Server) deletePerson(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	id, err := pathID(r)
	if err != nil {
		return err
	}
	p, err := s.store.Person(ctx, id)
	if err != nil {
		return err
	}
	if r.Method == http.MethodGet {
		s.render(w, r, http.StatusOK, view.Confirm(view.ConfirmPage{Base: s.adminBase(r, "Supprimer "+p.FullName()),
			Message: "La fiche sera définitivement supprimée. Une personne qui a occupé un siège ou qui a un compte est conservée pour l'historique.",
			Action:  fmt.Sprintf("/admin/people/%d/delete", id), Submit: "Supprimer définitivement", Cancel: "/admin/people"}))
		return nil
	}
	err = s.store.InTx(ctx, func(tx *store.Store) error {
		if err := tx.DeletePerson(ctx, id); err != nil {
			return err
		}
		return s.record(ctx, tx, r, "person.delete", "person", id, p, nil)
	})
	if errors.Is(err, model.ErrConflict) {
		s.redirectWithFlash(w, r, "/admin/people", p.FullName()+" n'a pas été supprimé(e) : cette personne a occupé un siège ou dispose d'un compte.")
		return nil
	}
	if err != nil {
		return err
	}
	s.redirectWithFlash(w, r, "/admin/people", "La fiche de "+p.FullName()+" a été supprimée.")
	return nil
}
