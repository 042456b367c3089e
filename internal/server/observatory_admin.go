package server

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"time"

	"comite/internal/access"
	"comite/internal/model"
	"comite/internal/store"
	"comite/web/view"
)

// The secretariat's side of the observatory: it opens a survey, mails the
// associations, reminds those who did not answer, closes and publishes.
// It sees who answered and when, never an association's figures.

func (s *Server) manageSurveys(r *http.Request) error {
	if !access.CanManageSurveys(viewerOf(r.Context())) {
		return model.ErrForbidden
	}
	return nil
}

// surveysAdmin lists the surveys and the statisticians.
func (s *Server) surveysAdmin(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	if err := s.manageSurveys(r); err != nil {
		return err
	}
	surveys, err := s.store.Surveys(ctx)
	if err != nil {
		return err
	}
	stats, err := s.store.Statisticians(ctx)
	if err != nil {
		return err
	}
	accounts, err := s.store.Accounts(ctx)
	if err != nil {
		return err
	}
	p := view.SurveysAdminPage{Base: s.base(r, "Observatoire : enquêtes et statisticiens"), Surveys: surveys, Statisticians: stats}
	for _, a := range accounts {
		if a.Active && !a.Statistician {
			label := a.DisplayName
			if a.BodyName != "" {
				label += " (" + a.BodyName + ")"
			}
			p.Accounts = append(p.Accounts, view.Option{Value: strconv.FormatInt(a.ID, 10), Label: label})
		}
	}
	s.render(w, r, http.StatusOK, view.SurveysAdmin(p))
	return nil
}

// errYearTaken: a survey of that data year exists already.
var errYearTaken = errors.New("observatory: a survey of that year exists")

func surveyFields() []view.Field {
	return []view.Field{
		{Name: "year", Label: "Année des données", Kind: "number", Required: true, Hint: "L'année sur laquelle portent les chiffres, par exemple 2025."},
		{Name: "opens_on", Label: "Ouverture", Kind: "date", Required: true, Hint: "Format : AAAA-MM-JJ."},
		{Name: "closes_on", Label: "Date limite de réponse", Kind: "date", Required: true, Hint: "Format : AAAA-MM-JJ."},
	}
}

func (s *Server) surveyFormPage(r *http.Request, f *view.Form) view.EditPage {
	return view.EditPage{Base: s.base(r, "Ouvrir une enquête annuelle"), Back: "/admin/observatory", BackLabel: "Retour aux enquêtes",
		Intro:  "Chaque association membre reçoit un courriel qui l'invite à transmettre ses chiffres avant la date limite.",
		Action: "/admin/observatory/new", Submit: "Ouvrir l'enquête et écrire aux associations", Form: f, Fields: surveyFields()}
}

// newSurvey opens a yearly survey and mails every association, in one
// transaction.
func (s *Server) newSurvey(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	if err := s.manageSurveys(r); err != nil {
		return err
	}
	if r.Method == http.MethodGet {
		f := view.NewForm()
		today := s.now().In(view.Paris)
		f.Values = map[string]string{"year": strconv.Itoa(today.Year() - 1), "opens_on": today.Format(time.DateOnly),
			"closes_on": today.AddDate(0, 2, 0).Format(time.DateOnly)}
		s.render(w, r, http.StatusOK, view.Edit(s.surveyFormPage(r, f)))
		return nil
	}
	fields := surveyFields()
	f, err := readForm(r, fields)
	if err != nil {
		return err
	}
	c := newChecker(f, fields)
	sv := model.Survey{Year: c.wholeNumber("year", 2000, 2199, "Saisissez une année entre 2000 et 2199."), OpensOn: c.date("opens_on"), ClosesOn: c.date("closes_on")}
	if sv.OpensOn != nil && sv.ClosesOn != nil && sv.ClosesOn.Before(*sv.OpensOn) {
		c.fail("closes_on", "La date limite doit suivre l'ouverture.")
	}
	if !f.Valid() {
		s.render(w, r, http.StatusUnprocessableEntity, view.Edit(s.surveyFormPage(r, f)))
		return nil
	}
	var mailed int
	location, err := s.createOnce(r, r.PostForm.Get(view.SubmissionField), func(tx *store.Store) (string, error) {
		var err error
		// The year is checked here, after the form's key: the same form
		// sent twice leads to the first's survey, another one to a message.
		if sv.ID, err = tx.CreateSurvey(ctx, sv); errors.Is(err, model.ErrConflict) {
			return "", errYearTaken
		} else if err != nil {
			return "", err
		}
		if mailed, err = s.mailAssociations(ctx, tx, sv, false); err != nil {
			return "", err
		}
		return fmt.Sprintf("/admin/observatory/%d", sv.ID), s.record(ctx, tx, r, "survey.open", "survey", sv.ID, nil, map[string]any{"survey": sv, "mailed": mailed})
	})
	if errors.Is(err, errYearTaken) {
		c.fail("year", "Une enquête existe déjà pour les données "+strconv.Itoa(sv.Year)+".")
		s.render(w, r, http.StatusUnprocessableEntity, view.Edit(s.surveyFormPage(r, f)))
		return nil
	}
	if err != nil {
		return err
	}
	s.redirectWithFlash(w, r, location, fmt.Sprintf("L'enquête %d est ouverte ; %d courriel(s) envoyé(s) aux associations.", sv.Year, mailed))
	return nil
}

// mailAssociations queues the survey's invitation (or, with reminder, a
// reminder to those whose association has not submitted) in tx.
func (s *Server) mailAssociations(ctx context.Context, tx *store.Store, sv model.Survey, reminder bool) (int, error) {
	waitingFor := int64(0)
	subject := fmt.Sprintf("Enquête annuelle sur les victimes de traite accompagnées : données %d", sv.Year)
	if reminder {
		waitingFor = sv.ID
		subject = "Rappel – " + subject
	}
	addresses, err := tx.AssociationAddresses(ctx, waitingFor)
	if err != nil {
		return 0, err
	}
	var b strings.Builder
	b.WriteString("Bonjour,\n\n")
	if reminder {
		b.WriteString(fmt.Sprintf("Votre association n'a pas encore transmis ses chiffres de l'année %d.", sv.Year))
	} else {
		b.WriteString(fmt.Sprintf("L'enquête annuelle sur les victimes de traite des êtres humains accompagnées par les associations est ouverte pour les données de l'année %d.", sv.Year))
	}
	if sv.ClosesOn != nil {
		b.WriteString(" Vous pouvez répondre jusqu'au " + view.Date(*sv.ClosesOn) + ".")
	}
	b.WriteString("\n\nVotre réponse se remplit sur le portail, où vous choisissez qui peut lire vos chiffres : seul l'agrégat de toutes les réponses est publié.\n\n")
	b.WriteString(s.baseURL() + "/observatory/returns\n\nLe secrétariat du comité de coordination\n")
	for _, a := range addresses {
		if _, err := tx.QueueMail(ctx, a, subject, b.String()); err != nil {
			return 0, err
		}
	}
	return len(addresses), nil
}

// surveyFromPath reads the survey of the path, for the secretariat.
func (s *Server) surveyFromPath(r *http.Request) (model.Survey, error) {
	if err := s.manageSurveys(r); err != nil {
		return model.Survey{}, err
	}
	id, err := pathID(r)
	if err != nil {
		return model.Survey{}, err
	}
	return s.store.Survey(r.Context(), id)
}

// surveyAdmin shows who answered a survey and when.
func (s *Server) surveyAdmin(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	sv, err := s.surveyFromPath(r)
	if err != nil {
		return err
	}
	returns, err := s.store.SurveyReturns(ctx, sv.ID)
	if err != nil {
		return err
	}
	p := view.SurveyAdminPage{Base: s.base(r, "Enquête "+strconv.Itoa(sv.Year)), Survey: sv, Returns: returns}
	if sv.State == model.SurveyOpen {
		waiting, err := s.store.AssociationAddresses(ctx, sv.ID)
		if err != nil {
			return err
		}
		p.Waiting = len(waiting)
	}
	s.render(w, r, http.StatusOK, view.SurveyAdmin(p))
	return nil
}

// remindSurvey mails the associations that have not submitted.
func (s *Server) remindSurvey(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	sv, err := s.surveyFromPath(r)
	if err != nil {
		return err
	}
	back := fmt.Sprintf("/admin/observatory/%d", sv.ID)
	if sv.State != model.SurveyOpen {
		return &redirectError{location: back, flash: "L'enquête est close : plus de relance possible."}
	}
	var mailed int
	err = s.store.InTx(ctx, func(tx *store.Store) error {
		var err error
		if mailed, err = s.mailAssociations(ctx, tx, sv, true); err != nil {
			return err
		}
		return s.record(ctx, tx, r, "survey.remind", "survey", sv.ID, nil, map[string]any{"mailed": mailed})
	})
	if err != nil {
		return err
	}
	s.redirectWithFlash(w, r, back, fmt.Sprintf("%d courriel(s) de relance envoyé(s).", mailed))
	return nil
}

// reminderLead is how long before its closing date the maintenance
// reminds the associations that have not answered a survey.
const reminderLead = 7 * 24 * time.Hour

// RemindSurveys mails, once per survey, the associations that have not
// answered an open survey closing within reminderLead, and returns how
// many mails it queued. The hourly maintenance calls it.
func (s *Server) RemindSurveys(ctx context.Context) (int, error) {
	surveys, err := s.store.Surveys(ctx)
	if err != nil {
		return 0, err
	}
	now, total := s.now(), 0
	for _, sv := range surveys {
		if sv.State != model.SurveyOpen || sv.ClosesOn == nil || !sv.AcceptsReturns(now) || sv.ClosesOn.Sub(now) > reminderLead {
			continue
		}
		err := s.store.InTx(ctx, func(tx *store.Store) error {
			claimed, err := tx.ClaimSurveyReminder(ctx, sv.ID, now)
			if err != nil || !claimed {
				return err
			}
			n, err := s.mailAssociations(ctx, tx, sv, true)
			if err != nil {
				return err
			}
			total += n
			return tx.Record(ctx, store.Audit{Action: "survey.remind", ObjectType: "survey", ObjectID: sv.ID,
				Detail: map[string]any{"by": "maintenance", "mailed": n}})
		})
		if err != nil {
			return total, err
		}
	}
	return total, nil
}

// closeSurvey closes the survey and publishes its aggregate, suppressed
// and checked; when the check fails the survey is closed and nothing is
// published.
func (s *Server) closeSurvey(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	sv, err := s.surveyFromPath(r)
	if err != nil {
		return err
	}
	back := fmt.Sprintf("/admin/observatory/%d", sv.ID)
	flash := ""
	err = s.store.InTx(ctx, func(tx *store.Store) error {
		locked, err := tx.SurveyForUpdate(ctx, sv.ID)
		if err != nil {
			return err
		}
		if locked.State == model.SurveyPublished {
			return &redirectError{location: back, flash: "L'enquête est déjà publiée."}
		}
		figures, err := tx.SubmittedFigures(ctx, sv.ID)
		if err != nil {
			return err
		}
		pub, err := buildPublication(sv.Year, figures, locked.Publication)
		switch {
		case errors.Is(err, errUnsafePublication):
			s.log.Warn("observatory: publication refused", "survey", sv.ID, "err", err)
			flash = "L'enquête est close, mais rien n'est publié : les tableaux ne passent pas la vérification du secret statistique."
			pub = nil
		case err != nil:
			return err
		default:
			flash = fmt.Sprintf("L'enquête est close et l'agrégat de %d réponse(s) est publié.", len(figures))
			example, err := tx.HasExampleReturns(ctx, sv.ID)
			if err != nil {
				return err
			}
			if example {
				pub.Note = "Exemple : ces résultats agrègent des réponses fictives de démonstration."
			}
		}
		if err := tx.PublishSurvey(ctx, sv.ID, pub, s.now()); err != nil {
			return err
		}
		return s.record(ctx, tx, r, "survey.close", "survey", sv.ID, nil, map[string]any{"published": pub != nil, "returns": len(figures)})
	})
	if err != nil {
		return err
	}
	s.redirectWithFlash(w, r, back, flash)
	return nil
}

// setStatistician names an account one of the observatory's
// statisticians, or takes the role back.
func (s *Server) setStatistician(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	if err := s.manageSurveys(r); err != nil {
		return err
	}
	if err := r.ParseForm(); err != nil {
		return err
	}
	id := postedID(r, "account")
	grant := r.PostForm.Get("grant") == "1"
	if id == 0 {
		return errBadRequest
	}
	err := s.store.InTx(ctx, func(tx *store.Store) error {
		if err := tx.SetStatistician(ctx, id, grant); err != nil {
			return err
		}
		return s.record(ctx, tx, r, "account.statistician", "account", id, nil, map[string]any{"statistician": grant})
	})
	if err != nil {
		return err
	}
	flash := "Le compte est nommé statisticien de l'observatoire."
	if !grant {
		flash = "Le compte n'est plus statisticien de l'observatoire."
	}
	s.redirectWithFlash(w, r, "/admin/observatory", flash)
	return nil
}

func pastYearsFields() []view.Field {
	return []view.Field{{Name: "csv", Label: "Chiffres publiés", Kind: "textarea", Required: true, Rows: 8,
		Hint: "Une ligne par année, séparateur point-virgule : annee;associations;reperees;accompagnees;source. " +
			"Laissez vide un chiffre non publié. Exemple : 2021;44;4868;2872;https://contrelatraite.net/node/671"}}
}

func (s *Server) importSurveyPage(r *http.Request, f *view.Form) view.EditPage {
	return view.EditPage{Base: s.base(r, "Importer des années publiées"), Back: "/admin/observatory", BackLabel: "Retour aux enquêtes",
		Intro:  "Les années déjà présentes sont laissées telles quelles.",
		Action: "/admin/observatory/import", Submit: "Importer", Form: f, Fields: pastYearsFields()}
}

// parsePublishedYears reads the import's lines into publications; problem
// is in French.
func parsePublishedYears(text string) (pubs []model.Publication, problem string) {
	for i, line := range strings.Split(strings.ReplaceAll(text, "\r", ""), "\n") {
		line = strings.TrimSpace(strings.TrimPrefix(line, "\ufeff"))
		if line == "" || strings.HasPrefix(line, "annee") {
			continue
		}
		cols := strings.Split(line, ";")
		if len(cols) != 5 {
			return nil, fmt.Sprintf("Ligne %d : il faut cinq colonnes séparées par des points-virgules.", i+1)
		}
		num := func(s string) (*int, bool) {
			s = strings.TrimSpace(s)
			if s == "" {
				return nil, true
			}
			n, err := strconv.Atoi(s)
			return &n, err == nil && n >= 0
		}
		year, ok1 := num(cols[0])
		respondents, ok2 := num(cols[1])
		identified, ok3 := num(cols[2])
		supported, ok4 := num(cols[3])
		if !ok1 || !ok2 || !ok3 || !ok4 || year == nil || *year < 2000 || *year > 2199 {
			return nil, fmt.Sprintf("Ligne %d : l'année et les chiffres doivent être des nombres entiers.", i+1)
		}
		source := strings.TrimSpace(cols[4])
		if source != "" && !strings.HasPrefix(source, "https://") && !strings.HasPrefix(source, "http://") {
			return nil, fmt.Sprintf("Ligne %d : la source doit être une adresse web (http ou https).", i+1)
		}
		p := model.Publication{Year: *year, Source: source}
		if respondents != nil {
			p.Respondents = *respondents
		}
		p.Tables = []model.PublishedTable{{Key: "victims", Title: model.GroupTitle("victims"), Unit: "victimes", Cells: []model.PublishedCell{
			{Key: model.VarSupported, Label: model.VariableLabel(model.VarSupported), Value: supported},
			{Key: model.VarIdentified, Label: model.VariableLabel(model.VarIdentified), Value: identified},
		}}}
		pubs = append(pubs, p)
	}
	if len(pubs) == 0 {
		return nil, "Saisissez au moins une année."
	}
	return pubs, ""
}

// importSurveys records earlier years' published figures.
func (s *Server) importSurveys(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	if err := s.manageSurveys(r); err != nil {
		return err
	}
	if r.Method == http.MethodGet {
		s.render(w, r, http.StatusOK, view.Edit(s.importSurveyPage(r, view.NewForm())))
		return nil
	}
	fields := pastYearsFields()
	f, err := readForm(r, fields)
	if err != nil {
		return err
	}
	c := newChecker(f, fields)
	pubs, problem := parsePublishedYears(c.text("csv", 20000))
	if f.Valid() && problem != "" {
		c.fail("csv", problem)
	}
	if !f.Valid() {
		s.render(w, r, http.StatusUnprocessableEntity, view.Edit(s.importSurveyPage(r, f)))
		return nil
	}
	created := 0
	_, err = s.createOnce(r, r.PostForm.Get(view.SubmissionField), func(tx *store.Store) (string, error) {
		for _, p := range pubs {
			id, ok, err := tx.ImportPublishedSurvey(ctx, p, s.now())
			if err != nil {
				return "", err
			}
			if ok {
				created++
				if err := s.record(ctx, tx, r, "survey.import", "survey", id, nil, p); err != nil {
					return "", err
				}
			}
		}
		return "/admin/observatory", nil
	})
	if err != nil {
		return err
	}
	s.redirectWithFlash(w, r, "/admin/observatory", fmt.Sprintf("%d année(s) importée(s).", created))
	return nil
}
