package server

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"strings"

	"comite/internal/model"
	"comite/internal/store"
	"comite/web/view"
)

// adminBase is the base of a back-office page.
func (s *Server) adminBase(r *http.Request, title string) view.Base {
	b := s.base(r, title)
	b.Nav = "admin"
	return b
}

func (s *Server) adminBodies(w http.ResponseWriter, r *http.Request) error {
	bodies, err := s.store.Bodies(r.Context())
	if err != nil {
		return err
	}
	s.render(w, r, http.StatusOK, view.AdminBodies(view.AdminBodiesPage{Base: s.adminBase(r, "Organismes"), Bodies: bodies}))
	return nil
}

func bodyFields(bodies []model.Body, self int64) []view.Field {
	var others []model.Body
	for _, b := range bodies {
		if b.ID != self {
			others = append(others, b)
		}
	}
	return []view.Field{
		{Name: "name", Label: "Nom", Kind: "text", Required: true},
		{Name: "acronym", Label: "Sigle", Kind: "text", Hint: "Par exemple DGT. Facultatif."},
		{Name: "category", Label: "Catégorie", Kind: "select", Required: true, Options: categoryOptions()},
		{Name: "parent", Label: "Organisme de rattachement", Kind: "select", Options: bodyOptions(others, "Aucun"),
			Hint: "Par exemple le ministère dont relève une direction. Facultatif."},
		{Name: "website", Label: "Site internet", Kind: "url", Hint: "Adresse complète, par exemple https://www.exemple.fr. Facultatif."},
	}
}

func bodyForm(b model.Body) *view.Form {
	f := view.NewForm()
	f.Values = map[string]string{"name": b.Name, "acronym": b.Acronym, "category": string(b.Category),
		"parent": formatID(b.ParentID), "website": b.Website}
	return f
}

// bodyFromForm validates the body form; the slug and id are the caller's.
func bodyFromForm(f *view.Form, fields []view.Field) model.Body {
	c := newChecker(f, fields)
	b := model.Body{
		Name:     c.text("name", 300),
		Acronym:  c.text("acronym", 30),
		Category: model.Category(c.choice("category")),
		ParentID: c.id("parent"),
		Website:  c.webURL("website"),
	}
	return b
}

func (s *Server) bodyEditPage(r *http.Request, title, action string, f *view.Form, fields []view.Field) view.EditPage {
	return view.EditPage{Base: s.adminBase(r, title), Back: "/admin/bodies", BackLabel: "Tous les organismes",
		Action: action, Submit: "Enregistrer", Form: f, Fields: fields}
}

func (s *Server) newBody(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	bodies, err := s.store.Bodies(ctx)
	if err != nil {
		return err
	}
	fields := bodyFields(bodies, 0)
	if r.Method == http.MethodGet {
		s.render(w, r, http.StatusOK, view.Edit(s.bodyEditPage(r, "Nouvel organisme", "/admin/bodies/new", view.NewForm(), fields)))
		return nil
	}
	f, err := readForm(r, fields)
	if err != nil {
		return err
	}
	b := bodyFromForm(f, fields)
	if !f.Valid() {
		s.render(w, r, http.StatusUnprocessableEntity, view.Edit(s.bodyEditPage(r, "Erreur – Nouvel organisme", "/admin/bodies/new", f, fields)))
		return nil
	}
	location, err := s.createOnce(r, r.PostForm.Get(view.SubmissionField), func(tx *store.Store) (string, error) {
		_, err := s.createBody(ctx, tx, r, b)
		return "/admin/bodies", err
	})
	if err != nil {
		return err
	}
	s.redirectWithFlash(w, r, location, "L'organisme « "+b.Name+" » a été créé.")
	return nil
}

// createBody inserts b under the first free slug made from its name, and
// audits it. Homonyms get a numbered slug.
func (s *Server) createBody(ctx context.Context, tx *store.Store, r *http.Request, b model.Body) (int64, error) {
	for n := 1; ; n++ {
		b.Slug = slugify(b.Name, n)
		id, err := tx.CreateBody(ctx, b)
		if errors.Is(err, model.ErrConflict) && n < 50 {
			continue
		}
		if err != nil {
			return 0, err
		}
		b.ID = id
		return id, s.record(ctx, tx, r, "body.create", "body", id, nil, b)
	}
}

func (s *Server) editBody(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	id, err := pathID(r)
	if err != nil {
		return err
	}
	old, err := s.store.Body(ctx, id)
	if err != nil {
		return err
	}
	bodies, err := s.store.Bodies(ctx)
	if err != nil {
		return err
	}
	fields := bodyFields(bodies, id)
	action := fmt.Sprintf("/admin/bodies/%d/edit", id)
	if r.Method == http.MethodGet {
		s.render(w, r, http.StatusOK, view.Edit(s.bodyEditPage(r, "Modifier « "+old.Name+" »", action, bodyForm(old), fields)))
		return nil
	}
	f, err := readForm(r, fields)
	if err != nil {
		return err
	}
	b := bodyFromForm(f, fields)
	if !f.Valid() {
		s.render(w, r, http.StatusUnprocessableEntity, view.Edit(s.bodyEditPage(r, "Erreur – Modifier « "+old.Name+" »", action, f, fields)))
		return nil
	}
	b.ID, b.Slug, b.Illustrative = id, old.Slug, old.Illustrative
	err = s.store.InTx(ctx, func(tx *store.Store) error {
		if err := tx.UpdateBody(ctx, b); err != nil {
			return err
		}
		return s.record(ctx, tx, r, "body.update", "body", id, old, b)
	})
	if err != nil {
		return err
	}
	s.redirectWithFlash(w, r, "/admin/bodies", "L'organisme « "+b.Name+" » a été modifié.")
	return nil
}

func (s *Server) deleteBody(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	id, err := pathID(r)
	if err != nil {
		return err
	}
	b, err := s.store.Body(ctx, id)
	if err != nil {
		return err
	}
	if r.Method == http.MethodGet {
		s.render(w, r, http.StatusOK, view.Confirm(view.ConfirmPage{Base: s.adminBase(r, "Supprimer « "+b.Name+" »"),
			Message: "L'organisme sera définitivement supprimé. Un organisme qui a siégé, qui a des membres ou des comptes ne peut pas l'être : son historique est conservé.",
			Action:  fmt.Sprintf("/admin/bodies/%d/delete", id), Submit: "Supprimer définitivement", Cancel: "/admin/bodies"}))
		return nil
	}
	err = s.store.InTx(ctx, func(tx *store.Store) error {
		if err := tx.DeleteBody(ctx, id); err != nil {
			return err
		}
		return s.record(ctx, tx, r, "body.delete", "body", id, b, nil)
	})
	if errors.Is(err, model.ErrConflict) {
		s.redirectWithFlash(w, r, "/admin/bodies", "L'organisme « "+b.Name+" » n'a pas été supprimé : il a siégé au comité ou des personnes, comptes ou organismes y sont rattachés.")
		return nil
	}
	if err != nil {
		return err
	}
	s.redirectWithFlash(w, r, "/admin/bodies", "L'organisme « "+b.Name+" » a été supprimé.")
	return nil
}

// slugify turns a name into the URL-safe slug of a new body; n > 1 adds a
// suffix to tell homonyms apart.
func slugify(name string, n int) string {
	var b strings.Builder
	dash := false
	for _, r := range strings.ToLower(name) {
		if f, ok := foldAccents[r]; ok {
			r = f
		}
		if (r >= 'a' && r <= 'z') || (r >= '0' && r <= '9') {
			b.WriteRune(r)
			dash = false
		} else if !dash && b.Len() > 0 {
			b.WriteByte('-')
			dash = true
		}
		if b.Len() >= 60 {
			break
		}
	}
	slug := strings.Trim(b.String(), "-")
	if slug == "" {
		slug = "organisme"
	}
	if n > 1 {
		slug += fmt.Sprintf("-%d", n)
	}
	return slug
}

var foldAccents = map[rune]rune{'à': 'a', 'â': 'a', 'ä': 'a', 'á': 'a', 'ç': 'c', 'é': 'e', 'è': 'e', 'ê': 'e', 'ë': 'e',
	'î': 'i', 'ï': 'i', 'í': 'i', 'ô': 'o', 'ö': 'o', 'ó': 'o', 'ù': 'u', 'û': 'u', 'ü': 'u', 'ú': 'u', 'ÿ': 'y', 'ñ': 'n', 'œ': 'o', 'æ': 'a'}
