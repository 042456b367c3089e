package server

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"strconv"
	"time"

	"comite/internal/access"
	"comite/internal/model"
	"comite/internal/store"
	"comite/web/view"
)

func measureStatusOptions() []view.Option {
	var opts []view.Option
	for _, st := range model.MeasureStatuses {
		opts = append(opts, view.Option{Value: string(st), Label: st.Label()})
	}
	return opts
}

// updateFields is the update form: the new state of the measure, one field
// per indicator, the text, and an optional evidence file.
func (s *Server) updateFields(indicators []model.Indicator) []view.Field {
	fields := []view.Field{
		{Name: "status", Label: "Statut de la mesure", Kind: "select", Required: true, Options: measureStatusOptions()},
		{Name: "progress", Label: "Avancement (en %)", Kind: "number", Required: true, Hint: "Un nombre entier entre 0 et 100."},
		{Name: "happened_on", Label: "Date de l'étape", Kind: "date", Required: true},
		{Name: "text", Label: "Ce qui a été fait", Kind: "textarea", Required: true, Rows: 6, Hint: "10 000 caractères au plus."},
	}
	for _, i := range indicators {
		hint := "Facultatif."
		if i.Target != "" {
			hint = "Facultatif. Cible : " + i.Target + "."
		}
		fields = append(fields, view.Field{Name: "indicator-" + strconv.FormatInt(i.ID, 10), Label: "Indicateur : " + i.Label, Kind: "text", Hint: hint})
	}
	file := s.fileField("Justificatif")
	file.Required = false
	file.Hint = "Facultatif. " + file.Hint
	return append(fields,
		view.Field{Name: "evidence_title", Label: "Titre du justificatif", Kind: "text", Hint: "Facultatif. Par défaut : « Justificatif » suivi de l'intitulé de la mesure."},
		file)
}

// newMeasureUpdate lets a pilot of the measure submit an update for
// validation, and the secretariat publish one directly.
func (s *Server) newMeasureUpdate(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	v := viewerOf(ctx)
	id, err := pathID(r)
	if err != nil {
		return err
	}
	m, err := s.store.Measure(ctx, id)
	if err != nil {
		return err
	}
	manage := access.CanManagePlans(v)
	if !manage && !access.CanSubmitUpdate(v, m) {
		return model.ErrForbidden
	}
	indicators, err := s.store.Indicators(ctx, m.ID)
	if err != nil {
		return err
	}
	fields := s.updateFields(indicators)
	if r.Method == http.MethodGet {
		s.render(w, r, http.StatusOK, view.Edit(s.updatePage(r, m, fields, manage, updateForm(m, indicators, s.now()))))
		return nil
	}
	return s.saveMeasureUpdate(w, r, m, indicators, fields, manage)
}

// updatePage is the update form of measure m; manage says the update is
// published at once.
func (s *Server) updatePage(r *http.Request, m model.Measure, fields []view.Field, manage bool, f *view.Form) view.EditPage {
	p := view.EditPage{Base: s.base(r, "Mise à jour – "+m.Label()), Back: fmt.Sprintf("/measures/%d", m.ID), BackLabel: "Retour à la mesure",
		Action: fmt.Sprintf("/measures/%d/updates/new", m.ID), Form: f, Fields: fields, Multipart: true}
	p.Nav = "plan"
	if manage {
		p.Submit, p.Intro = "Publier la mise à jour", "La mise à jour sera publiée aussitôt dans la chronologie de la mesure, avec son justificatif."
	} else {
		p.Submit, p.Intro = "Envoyer pour validation", "Votre mise à jour sera publiée dans la chronologie de la mesure après validation par le secrétariat. D'ici là, seuls les pilotes de la mesure et le secrétariat la voient, justificatif compris."
	}
	return p
}

// updateForm starts an update from the measure as it stands, dated today.
func updateForm(m model.Measure, indicators []model.Indicator, now time.Time) *view.Form {
	f := view.NewForm()
	f.Values = map[string]string{"status": string(m.Status), "progress": strconv.Itoa(m.Progress),
		"happened_on": now.In(view.Paris).Format(time.DateOnly)}
	for _, i := range indicators {
		f.Values["indicator-"+strconv.FormatInt(i.ID, 10)] = i.Current
	}
	return f
}

// readMeasureUpdate checks the update form of measure m sent by v; only
// the indicators whose value changed are kept. title is the evidence's.
func readMeasureUpdate(c *checker, m model.Measure, indicators []model.Indicator, v access.Viewer, manage bool) (u model.MeasureUpdate, title string) {
	u = model.MeasureUpdate{MeasureID: m.ID, AuthorID: v.AccountID, BodyID: v.BodyID, State: model.UpdatePending,
		Status: model.MeasureStatus(c.choice("status")), Text: c.text("text", 10000), IndicatorValues: map[string]string{}}
	if manage {
		u.State = model.UpdatePublished
	}
	if d := c.date("happened_on"); d != nil {
		u.HappenedOn = *d
	}
	if n, err := strconv.Atoi(c.f.Value("progress")); err != nil || n < 0 || n > 100 {
		c.fail("progress", "Saisissez un nombre entier entre 0 et 100.")
	} else {
		u.Progress = n
	}
	for _, i := range indicators {
		key := strconv.FormatInt(i.ID, 10)
		if value := c.text("indicator-"+key, 200); value != "" && value != i.Current {
			u.IndicatorValues[key] = value
		}
	}
	return u, c.text("evidence_title", 300)
}

// saveMeasureUpdate records the update, with its evidence file if one was
// sent, once.
func (s *Server) saveMeasureUpdate(w http.ResponseWriter, r *http.Request, m model.Measure, indicators []model.Indicator, fields []view.Field, manage bool) error {
	ctx := r.Context()
	v := viewerOf(ctx)
	up, err := s.readUpload(r, fields)
	if err != nil {
		return err
	}
	defer up.Discard()
	u, title := readMeasureUpdate(newChecker(up.form, fields), m, indicators, v, manage)
	if !up.form.Valid() {
		s.render(w, r, up.status(), view.Edit(s.updatePage(r, m, fields, manage, up.form)))
		return nil
	}
	if campaign, err := s.store.OpenCampaign(ctx, m.PlanID, s.now()); err == nil {
		u.CampaignID = campaign.ID
	} else if !isNotFound(err) {
		return err
	}
	if up.staged != nil {
		if err := s.files.Commit(ctx, up.staged); err != nil {
			return err
		}
	}
	location, err := s.createOnce(r, up.form.Value(view.SubmissionField), func(tx *store.Store) (string, error) {
		location := fmt.Sprintf("/measures/%d#chronologie", m.ID)
		var err error
		if u.ID, err = tx.AddMeasureUpdate(ctx, u); err != nil {
			return "", err
		}
		if err := s.record(ctx, tx, r, "measure.update", "measure", m.ID, nil, u); err != nil {
			return "", err
		}
		if up.staged == nil {
			return location, nil
		}
		return location, s.addEvidence(ctx, tx, r, up, u, evidenceDocument(u, m, title, v.AccountID, manage))
	})
	if err != nil {
		return err
	}
	flash := "La mise à jour est publiée."
	if !manage {
		flash = "Votre mise à jour est transmise au secrétariat. Elle sera publiée après validation."
	}
	s.redirectWithFlash(w, r, location, flash)
	return nil
}

// evidenceDocument is the document that holds the evidence of update u:
// titled after the measure when its author gave no title, and held with
// the update until it is published (its measure's pilots and the
// secretariat see it until then), or public at once when the secretariat
// publishes the update itself.
func evidenceDocument(u model.MeasureUpdate, m model.Measure, title string, by int64, manage bool) model.Document {
	if title == "" {
		title = "Justificatif – " + m.Label()
		if len([]rune(title)) > 300 {
			title = string([]rune(title)[:299]) + "…"
		}
	}
	d := model.Document{Title: title, Kind: model.KindReport, Language: "fr", Date: u.HappenedOn,
		Visibility: model.VisibilityMembers, CreatedBy: by, HeldFor: model.HeldForUpdate, HeldID: u.ID}
	if manage {
		d.Visibility, d.HeldFor, d.HeldID = model.VisibilityPublic, "", 0
	}
	return d
}

// addEvidence stores the uploaded evidence as document d linked to update u.
func (s *Server) addEvidence(ctx context.Context, tx *store.Store, r *http.Request, up *upload, u model.MeasureUpdate, d model.Document) error {
	var err error
	if d.ID, err = tx.CreateDocument(ctx, d); err != nil {
		return err
	}
	version, err := s.storeVersion(ctx, tx, up, d.ID, d.CreatedBy)
	if err != nil {
		return err
	}
	if err := tx.LinkDocument(ctx, d.ID, "measure_update", u.ID); err != nil {
		return err
	}
	return s.record(ctx, tx, r, "document.create", "document", d.ID, nil, map[string]any{"document": d, "version": version, "update": u.ID})
}

// reviewUpdate publishes a pending update or returns it to its pilot with
// a remark; the author is told by mail.
func (s *Server) reviewUpdate(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	if !access.CanManagePlans(viewerOf(ctx)) {
		return model.ErrForbidden
	}
	u, m, err := s.updateFromPath(r)
	if err != nil {
		return err
	}
	if err := r.ParseForm(); err != nil {
		return err
	}
	back := fmt.Sprintf("/measures/%d#chronologie", m.ID)
	remark := r.PostForm.Get("remark")
	state, msg, err := reviewDecision(r.PostForm.Get("decision"), remark)
	if err != nil {
		return err
	}
	if msg != "" {
		s.redirectWithFlash(w, r, back, msg)
		return nil
	}
	err = s.store.InTx(ctx, func(tx *store.Store) error { return s.applyReview(ctx, tx, r, u, m, state, remark) })
	if errors.Is(err, model.ErrConflict) {
		s.redirectWithFlash(w, r, back, "Cette mise à jour a déjà été traitée.")
		return nil
	}
	if err != nil {
		return err
	}
	if state == model.UpdatePublished {
		s.redirectWithFlash(w, r, back, "La mise à jour est validée et publiée ; son auteur en est informé.")
	} else {
		s.redirectWithFlash(w, r, back, "La mise à jour est renvoyée au pilote avec votre remarque.")
	}
	return nil
}

// reviewDecision reads the secretariat's decision on an update: the state
// it moves to, or a message saying what is missing; an unknown decision is
// a bad request.
func reviewDecision(decision, remark string) (state model.UpdateState, msg string, err error) {
	switch decision {
	case "publish":
		state = model.UpdatePublished
	case "return":
		state = model.UpdateReturned
		if remark == "" {
			return state, "Indiquez au pilote, dans la remarque, ce qui doit être revu avant de renvoyer la mise à jour.", nil
		}
	default:
		return "", "", errBadRequest
	}
	if len([]rune(remark)) > 2000 {
		return state, "La remarque ne peut dépasser 2 000 caractères.", nil
	}
	return state, "", nil
}

// applyReview moves update u to state with the remark, publishes or holds
// its evidence again, and mails its author.
func (s *Server) applyReview(ctx context.Context, tx *store.Store, r *http.Request, u model.MeasureUpdate, m model.Measure, state model.UpdateState, remark string) error {
	reviewed, err := tx.ReviewUpdate(ctx, u.ID, state, remark, viewerOf(ctx).AccountID)
	if err != nil {
		return err
	}
	after := map[string]any{"update": u.ID, "state": state, "remark": remark}
	if state == model.UpdatePublished {
		if err := tx.PublishEvidence(ctx, u.ID); err != nil {
			return err
		}
		released, err := tx.ReleaseHeld(ctx, model.HeldForUpdate, u.ID)
		if err != nil {
			return err
		}
		if len(released) > 0 {
			after["evidence_released"] = released
		}
	} else if err := tx.HoldEvidence(ctx, u.ID); err != nil {
		return err
	}
	if err := s.record(ctx, tx, r, "measure.update_review", "measure", m.ID, map[string]any{"update": u.ID, "state": u.State},
		after); err != nil {
		return err
	}
	if reviewed.AuthorID == 0 {
		return nil
	}
	author, err := tx.Account(ctx, reviewed.AuthorID)
	if err != nil {
		return err
	}
	subject, text := reviewMail(author, m, state, remark, s.baseURL()+fmt.Sprintf("/measures/%d", m.ID))
	_, err = tx.QueueMail(ctx, author.Email, subject, text)
	return err
}

// pendingUpdates lists the updates awaiting validation.
func (s *Server) pendingUpdates(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	updates, err := s.store.PendingUpdates(ctx)
	if err != nil {
		return err
	}
	var ids []int64
	for _, u := range updates {
		ids = append(ids, u.MeasureID)
	}
	measures, err := s.store.Measures(ctx, store.MeasureFilter{IDs: ids})
	if err != nil {
		return err
	}
	p := view.PendingUpdatesPage{Base: s.adminBase(r, "Mises à jour à valider"), Updates: updates, Measures: map[int64]model.Measure{}}
	for _, m := range measures {
		p.Measures[m.ID] = m
	}
	s.render(w, r, http.StatusOK, view.PendingUpdates(p))
	return nil
}

func campaignFields() []view.Field {
	return []view.Field{
		{Name: "title", Label: "Intitulé de la campagne", Kind: "text", Required: true, Hint: "Par exemple « Bilan à mi-parcours »."},
		{Name: "due_on", Label: "Date limite de réponse", Kind: "date", Required: true},
	}
}

// newCampaign opens a reporting campaign: every pilot of the plan is asked,
// by mail, for an update by the due date.
func (s *Server) newCampaign(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	if !access.CanManagePlans(viewerOf(ctx)) {
		return model.ErrForbidden
	}
	pl, err := s.planFromPath(r)
	if err != nil {
		return err
	}
	page := func(f *view.Form) view.EditPage {
		p := view.EditPage{Base: s.base(r, "Lancer une campagne de bilan – "+pl.Name()), Back: fmt.Sprintf("/plans/%d", pl.ID),
			BackLabel: "Retour au plan", Action: fmt.Sprintf("/plans/%d/campaigns/new", pl.ID), Form: f, Fields: campaignFields(),
			Submit: "Lancer la campagne", Intro: "Chaque pilote d'une mesure du plan recevra un courriel lui demandant une mise à jour avant la date limite. La page de la campagne montre qui n'a pas encore répondu."}
		p.Nav = "plan"
		return p
	}
	if r.Method == http.MethodGet {
		f := view.NewForm()
		f.Values["due_on"] = s.now().In(view.Paris).AddDate(0, 1, 0).Format(time.DateOnly)
		s.render(w, r, http.StatusOK, view.Edit(page(f)))
		return nil
	}
	fields := campaignFields()
	f, err := readForm(r, fields)
	if err != nil {
		return err
	}
	c := newChecker(f, fields)
	today := s.now().In(view.Paris)
	campaign := model.Campaign{PlanID: pl.ID, Title: c.text("title", 300), OpensOn: time.Date(today.Year(), today.Month(), today.Day(), 0, 0, 0, 0, time.UTC)}
	if due := c.date("due_on"); due != nil {
		if due.Before(campaign.OpensOn) {
			c.fail("due_on", "La date limite ne peut précéder aujourd'hui.")
		}
		campaign.DueOn = *due
	}
	if !f.Valid() {
		s.render(w, r, http.StatusUnprocessableEntity, view.Edit(page(f)))
		return nil
	}
	queued := 0
	location, err := s.createOnce(r, r.PostForm.Get(view.SubmissionField), func(tx *store.Store) (string, error) {
		var err error
		if campaign.ID, err = tx.CreateCampaign(ctx, campaign); err != nil {
			return "", err
		}
		if err := s.record(ctx, tx, r, "campaign.create", "plan", pl.ID, nil, campaign); err != nil {
			return "", err
		}
		pilots, err := tx.PilotAccounts(ctx, pl.ID)
		if err != nil {
			return "", err
		}
		link := s.baseURL() + fmt.Sprintf("/plans/%d?pilot=", pl.ID)
		for _, a := range pilots {
			text := fmt.Sprintf(`Bonjour %s,

Le secrétariat du comité de coordination ouvre la campagne « %s » sur le %s.
Merci de rendre compte de l'avancement des mesures que votre organisme pilote avant le %s,
depuis la page de chaque mesure (bouton « Rendre compte de l'avancement ») :
%s%d

Le secrétariat du comité de coordination
`, a.DisplayName, campaign.Title, pl.Name(), view.Date(campaign.DueOn), link, a.BodyID)
			if _, err := tx.QueueMail(ctx, a.Email, "Campagne de bilan : "+campaign.Title, text); err != nil {
				return "", err
			}
			queued++
		}
		return fmt.Sprintf("/campaigns/%d", campaign.ID), nil
	})
	if err != nil {
		return err
	}
	s.redirectWithFlash(w, r, location, "La campagne est lancée. "+mailsQueued(queued, view.PluralWord(queued, "au pilote", "aux pilotes"), s.cfg.SMTP.Host != ""))
	return nil
}

// campaign shows who has answered a campaign and who has not.
func (s *Server) campaign(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	if !access.CanManagePlans(viewerOf(ctx)) {
		return model.ErrForbidden
	}
	id, err := pathID(r)
	if err != nil {
		return err
	}
	c, err := s.store.Campaign(ctx, id)
	if err != nil {
		return err
	}
	pl, err := s.store.Plan(ctx, c.PlanID)
	if err != nil {
		return err
	}
	answers, err := s.store.CampaignAnswers(ctx, c)
	if err != nil {
		return err
	}
	p := view.CampaignPage{Base: s.base(r, c.Title+" – "+pl.Name()), Campaign: c, Plan: pl, Today: s.now()}
	p.Nav = "plan"
	for _, a := range answers {
		if a.Answered {
			p.Answered = append(p.Answered, a.Measure)
		} else {
			p.Waiting = append(p.Waiting, a.Measure)
		}
	}
	s.render(w, r, http.StatusOK, view.CampaignDetail(p))
	return nil
}
