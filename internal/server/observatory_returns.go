package server

import (
	"context"
	"fmt"
	"net/http"
	"strconv"

	"comite/internal/access"
	"comite/internal/model"
	"comite/internal/store"
	"comite/web/view"
)

// An association's return: filled in by its members, read by those it
// chose, and every reading from outside listed to it.

// returnFields is the questionnaire as a form: one count per variable,
// who may read the figures, and whether to send them now.
func returnFields() []view.Field {
	var fields []view.Field
	for _, g := range model.SurveyGroups {
		for i, v := range g.Vars {
			f := view.Field{Name: v.Key, Label: g.Title + " – " + v.Label, Kind: "number"}
			if g.Breakdown != "" && i == 0 {
				f.Hint = "Les chiffres de ce bloc (" + g.Title + ") doivent faire ensemble le nombre de victimes accompagnées."
			}
			fields = append(fields, f)
		}
	}
	var sharing []view.Option
	for _, sh := range model.Sharings {
		sharing = append(sharing, view.Option{Value: string(sh), Label: sh.Label()})
	}
	return append(fields,
		view.Field{Name: "sharing", Label: "Qui peut lire nos chiffres", Kind: "select", Required: true, Options: sharing,
			Hint: "Dans tous les cas, vos chiffres entrent dans l'agrégat publié. Le secrétariat ne lit vos chiffres que si vous les rendez publics."},
		view.Field{Name: "state", Label: "Enregistrement", Kind: "select", Required: true, Options: []view.Option{
			{Value: string(model.ReturnDraft), Label: "Enregistrer comme brouillon"},
			{Value: string(model.ReturnSubmitted), Label: "Transmettre notre réponse"},
		}, Hint: "Pour transmettre, chaque chiffre doit être saisi (0 si aucune victime) et les totaux doivent concorder."})
}

// returnForm fills the form with a return's figures and choices.
func returnForm(c model.Counts, sharing model.Sharing, state model.ReturnState) *view.Form {
	f := view.NewForm()
	for key, n := range c {
		f.Values[key] = strconv.Itoa(n)
	}
	f.Values["sharing"], f.Values["state"] = string(sharing), string(state)
	return f
}

// readReturn checks the typed figures: whole numbers; to submit, every
// count and totals that agree, each mismatch explained on its field.
func readReturn(c *checker) (model.Counts, model.Sharing, model.ReturnState) {
	counts := model.Counts{}
	for _, v := range model.SurveyVariables() {
		raw := c.f.Value(v.Key)
		if raw == "" {
			continue
		}
		n, err := strconv.Atoi(raw)
		if err != nil || n < 0 || n > 1_000_000 {
			c.fail(v.Key, "Saisissez un nombre entier de victimes, positif ou nul (par exemple 12).")
			continue
		}
		counts[v.Key] = n
	}
	sharing := model.Sharing(c.choice("sharing"))
	state := model.ReturnState(c.choice("state"))
	if state == model.ReturnSubmitted && c.f.Valid() {
		for _, key := range counts.Missing() {
			c.fail(key, "Saisissez ce chiffre pour transmettre votre réponse (0 si aucune victime).")
		}
		for _, m := range counts.Mismatches() {
			c.fail(m.Field, m.Message)
		}
	}
	return counts, sharing, state
}

// surveyForReturn reads the survey of the path and checks that v may file
// its association's return to it.
func (s *Server) surveyForReturn(r *http.Request) (model.Survey, error) {
	id, err := pathID(r)
	if err != nil {
		return model.Survey{}, err
	}
	sv, err := s.store.Survey(r.Context(), id)
	if err != nil {
		return sv, err
	}
	if !access.CanFileReturn(viewerOf(r.Context()), sv, s.now()) {
		return sv, model.ErrForbidden
	}
	return sv, nil
}

// ownReturn is v's association's return to sv; a zero return when it has
// none yet.
func (s *Server) ownReturn(ctx context.Context, sv model.Survey, v access.Viewer) (model.SurveyReturn, error) {
	ret, err := s.store.ReturnOf(ctx, sv.ID, v.BodyID)
	if isNotFound(err) {
		return model.SurveyReturn{SurveyID: sv.ID, BodyID: v.BodyID, Sharing: model.SharingAggregate, State: model.ReturnDraft}, nil
	}
	return ret, err
}

// ownFigures are the figures of the return ownReturn gave: none for a
// return not saved yet.
func (s *Server) ownFigures(ctx context.Context, ret model.SurveyReturn) (model.Counts, error) {
	if ret.ID == 0 {
		return model.Counts{}, nil
	}
	return s.store.ReturnFigures(ctx, ret.ID)
}

func (s *Server) returnPage(r *http.Request, sv model.Survey, f *view.Form, intro string) view.EditPage {
	if intro == "" {
		intro = "Saisissez le nombre de victimes que votre association a accompagnées en " + strconv.Itoa(sv.Year) +
			". Vous pouvez enregistrer un brouillon, puis transmettre et corriger votre réponse jusqu'à la clôture de l'enquête."
	}
	p := view.EditPage{Base: s.base(r, "Notre réponse à l'enquête "+strconv.Itoa(sv.Year)), Back: "/observatory/returns",
		BackLabel: "Retour à l'espace de l'observatoire", Intro: intro, Action: fmt.Sprintf("/observatory/surveys/%d/return", sv.ID),
		Submit: "Enregistrer", Form: f, Fields: returnFields()}
	p.Nav = "observatory"
	return p
}

// fileReturn shows and saves the association's return to a survey.
func (s *Server) fileReturn(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	v := viewerOf(ctx)
	sv, err := s.surveyForReturn(r)
	if err != nil {
		return err
	}
	ret, err := s.ownReturn(ctx, sv, v)
	if err != nil {
		return err
	}
	fields := returnFields()
	if r.Method == http.MethodGet {
		figures, err := s.ownFigures(ctx, ret)
		if err != nil {
			return err
		}
		s.render(w, r, http.StatusOK, view.Edit(s.returnPage(r, sv, returnForm(figures, ret.Sharing, ret.State), "")))
		return nil
	}
	f, err := readForm(r, fields)
	if err != nil {
		return err
	}
	counts, sharing, state := readReturn(newChecker(f, fields))
	if !f.Valid() {
		s.render(w, r, http.StatusUnprocessableEntity, view.Edit(s.returnPage(r, sv, f, "")))
		return nil
	}
	location, err := s.createOnce(r, r.PostForm.Get(view.SubmissionField), func(tx *store.Store) (string, error) {
		locked, err := tx.SurveyForUpdate(ctx, sv.ID)
		if err != nil {
			return "", err
		}
		if !locked.AcceptsReturns(s.now()) {
			return "", &redirectError{location: "/observatory/returns", flash: "L'enquête est close : votre réponse n'a pas été enregistrée."}
		}
		saved, err := tx.SaveReturn(ctx, model.SurveyReturn{SurveyID: sv.ID, BodyID: v.BodyID, State: state, Sharing: sharing, Counts: counts},
			ret.Version, v.AccountID, s.now())
		if err != nil {
			return "", err
		}
		// The audit log is read by the secretariat: it records the
		// version, the state and the sharing, never the figures.
		if err := s.record(ctx, tx, r, "survey_return.save", "survey_return", saved.ID, nil,
			map[string]any{"version": saved.Version, "state": saved.State, "sharing": saved.Sharing, "year": sv.Year}); err != nil {
			return "", err
		}
		return fmt.Sprintf("/observatory/returns/%d", saved.ID), nil
	})
	if err != nil {
		return err
	}
	flash := "Votre brouillon est enregistré."
	if state == model.ReturnSubmitted {
		flash = "Votre réponse est transmise. Vous pouvez la corriger jusqu'à la clôture de l'enquête."
	}
	s.redirectWithFlash(w, r, location, flash)
	return nil
}

// returnFromPath reads the return of the path, without its figures.
func (s *Server) returnFromPath(r *http.Request) (model.SurveyReturn, error) {
	id, err := pathID(r)
	if err != nil {
		return model.SurveyReturn{}, err
	}
	return s.store.ReturnStatus(r.Context(), id)
}

// surveyReturn shows a return's figures to those the association allowed.
// A reading from outside the association is recorded, in the audit log
// and in the association's list, before the figures are shown.
func (s *Server) surveyReturn(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	v := viewerOf(ctx)
	ret, err := s.returnFromPath(r)
	if err != nil {
		return err
	}
	if !access.CanReadReturn(v, ret) {
		return model.ErrForbidden
	}
	if access.ReadingIsRecorded(v, ret) {
		err := s.store.InTx(ctx, func(tx *store.Store) error {
			reader := v.Name
			if !v.SignedIn() {
				reader = "Visiteur non connecté"
			} else if v.BodyName != "" {
				reader += " (" + v.BodyName + ")"
			}
			if err := tx.AddReading(ctx, ret.ID, v.AccountID, reader, access.ReadingCapacity(v)); err != nil {
				return err
			}
			return s.record(ctx, tx, r, "survey_return.read", "survey_return", ret.ID, nil, map[string]any{"body": ret.BodyID, "year": ret.Year})
		})
		if err != nil {
			return err
		}
	}
	figures, err := s.store.ReturnFigures(ctx, ret.ID)
	if err != nil {
		return err
	}
	p := view.ReturnPage{Base: s.base(r, "Chiffres "+strconv.Itoa(ret.Year)+" – "+ret.BodyName), Return: ret, Figures: figures,
		Own: access.OwnsReturn(v, ret), NoteForm: view.NewForm(), NoteFile: s.noteField()}
	p.Nav = "observatory"
	if ret.NoteDocumentID != 0 {
		p.NoteURL = fmt.Sprintf("/documents/%d", ret.NoteDocumentID)
	}
	if p.Own {
		if err := s.ownReturnParts(ctx, &p); err != nil {
			return err
		}
	}
	// Each reading is recorded: no shared cache may answer in our place.
	w.Header().Set("Cache-Control", "no-store")
	s.render(w, r, http.StatusOK, view.ReturnDetail(p))
	return nil
}

// ownReturnParts adds what only the association sees: who read its
// figures, the cells they feed, and whether it may still correct them.
func (s *Server) ownReturnParts(ctx context.Context, p *view.ReturnPage) error {
	var err error
	if p.Readings, err = s.store.Readings(ctx, p.Return.ID, 100); err != nil {
		return err
	}
	p.Fed = fedCells(p.Figures)
	sv, err := s.store.Survey(ctx, p.Return.SurveyID)
	if err != nil {
		return err
	}
	p.CanEdit = access.CanFileReturn(viewerOf(ctx), sv, s.now())
	p.EditURL = fmt.Sprintf("/observatory/surveys/%d/return", sv.ID)
	return nil
}

// observatoryReturns is the space of an association (its returns, the
// open survey) and of a statistician (the returns shared with them).
func (s *Server) observatoryReturns(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	v := viewerOf(ctx)
	p := view.ReturnsPage{Base: s.base(r, "Espace de l'observatoire"), Statistician: access.IsStatistician(v)}
	p.Nav = "observatory"
	if access.IsAssociationMember(v) {
		var err error
		if p.Mine, err = s.store.BodyReturns(ctx, v.BodyID); err != nil {
			return err
		}
		_, open, err := s.publishedSurveys(r)
		if err != nil {
			return err
		}
		if open != nil && access.CanFileReturn(v, *open, s.now()) {
			p.Open, p.CanFile = open, true
			if ret, err := s.store.ReturnOf(ctx, open.ID, v.BodyID); err == nil {
				p.OpenReturn = &ret
			} else if !isNotFound(err) {
				return err
			}
		}
	}
	if p.Statistician {
		var err error
		if p.Shared, err = s.store.SharedReturns(ctx, []model.Sharing{model.SharingStatisticians, model.SharingPublic}); err != nil {
			return err
		}
	}
	s.render(w, r, http.StatusOK, view.Returns(p))
	return nil
}

// noteField is the methodology note's file field.
func (s *Server) noteField() view.Field {
	f := s.fileField("Note méthodologique")
	return f
}

// attachNote stores a methodology note as a members' document and attaches
// it to the association's return.
func (s *Server) attachNote(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	v := viewerOf(ctx)
	ret, err := s.returnFromPath(r)
	if err != nil {
		return err
	}
	sv, err := s.store.Survey(ctx, ret.SurveyID)
	if err != nil {
		return err
	}
	if !access.OwnsReturn(v, ret) || !access.CanFileReturn(v, sv, s.now()) {
		return model.ErrForbidden
	}
	fields := []view.Field{s.noteField()}
	up, err := s.readUpload(r, fields)
	if err != nil {
		return err
	}
	defer up.Discard()
	if !up.form.Valid() {
		figures, err := s.store.ReturnFigures(ctx, ret.ID)
		if err != nil {
			return err
		}
		p := view.ReturnPage{Base: s.base(r, "Chiffres "+strconv.Itoa(ret.Year)+" – "+ret.BodyName), Return: ret, Figures: figures,
			Own: true, NoteForm: up.form, NoteFile: fields[0]}
		if err := s.ownReturnParts(ctx, &p); err != nil {
			return err
		}
		s.render(w, r, up.status(), view.ReturnDetail(p))
		return nil
	}
	if err := s.files.Commit(ctx, up.staged); err != nil {
		return err
	}
	location, err := s.createOnce(r, up.form.Value(view.SubmissionField), func(tx *store.Store) (string, error) {
		d := model.Document{Title: "Note méthodologique – " + ret.BodyName + " – données " + strconv.Itoa(ret.Year), Kind: model.KindReport,
			Language: "fr", Date: s.now(), Visibility: model.VisibilityMembers, CreatedBy: v.AccountID}
		var err error
		if d.ID, err = tx.CreateDocument(ctx, d); err != nil {
			return "", err
		}
		version, err := s.storeVersion(ctx, tx, up, d.ID, v.AccountID)
		if err != nil {
			return "", err
		}
		if err := tx.SetReturnNote(ctx, ret.ID, d.ID); err != nil {
			return "", err
		}
		if err := s.record(ctx, tx, r, "document.create", "document", d.ID, nil, map[string]any{"document": d, "version": version, "survey_return": ret.ID}); err != nil {
			return "", err
		}
		return fmt.Sprintf("/observatory/returns/%d", ret.ID), nil
	})
	if err != nil {
		return err
	}
	s.redirectWithFlash(w, r, location, "La note méthodologique est jointe à votre réponse.")
	return nil
}
