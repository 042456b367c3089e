package server

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"regexp"
	"strconv"
	"time"

	"comite/internal/model"
	"comite/internal/store"
	"comite/web/view"
)

func (s *Server) adminMandates(w http.ResponseWriter, r *http.Request) error {
	ms, err := s.store.Mandates(r.Context())
	if err != nil {
		return err
	}
	s.render(w, r, http.StatusOK, view.AdminMandates(view.AdminMandatesPage{Base: s.adminBase(r, "Mandatures et sièges"), Mandates: ms}))
	return nil
}

var mandateFields = []view.Field{
	{Name: "label", Label: "Intitulé", Kind: "text", Required: true, Hint: "Par exemple « Mandature 2024 »."},
	{Name: "starts_on", Label: "Début", Kind: "date", Required: true},
	{Name: "ends_on", Label: "Fin", Kind: "date", Hint: "Laissez vide tant que la mandature est en cours."},
	{Name: "jo_title", Label: "Titre du texte de nomination", Kind: "text", Hint: "Par exemple « Arrêté du 12 mars 2024 portant nomination des membres du comité de coordination… »."},
	{Name: "jo_date", Label: "Date du texte", Kind: "date"},
	{Name: "nor", Label: "NOR", Kind: "text", Hint: "Quatre lettres, sept chiffres, une lettre : par exemple DFEA2406543A."},
	{Name: "jorf", Label: "Publication au Journal officiel", Kind: "text", Hint: "Par exemple « JORF n°0062 du 14 mars 2024 »."},
	{Name: "jo_text_number", Label: "Numéro du texte", Kind: "text", Hint: "Par exemple 33."},
	{Name: "eli_url", Label: "Lien Légifrance (ELI)", Kind: "url", Hint: "Adresse complète commençant par https://www.legifrance.gouv.fr/."},
	{Name: "quorum", Label: "Quorum (nombre d'organismes)", Kind: "number", Hint: "Facultatif. Nombre d'organismes membres qui doivent être représentés ; laissez vide si le texte n'en fixe pas."},
}

var norPattern = regexp.MustCompile(`^[A-Z]{4}[0-9]{7}[A-Z]$`)

func mandateForm(m model.Mandate) *view.Form {
	f := view.NewForm()
	f.Values = map[string]string{"label": m.Label, "starts_on": formatDate(&m.StartsOn), "ends_on": formatDate(m.EndsOn),
		"jo_title": m.JOTitle, "jo_date": formatDate(m.JODate), "nor": m.NOR, "jorf": m.JORF,
		"jo_text_number": m.JOTextNumber, "eli_url": m.ELIURL}
	if m.Quorum > 0 {
		f.Values["quorum"] = strconv.Itoa(m.Quorum)
	}
	return f
}

func mandateFromForm(f *view.Form) model.Mandate {
	c := newChecker(f, mandateFields)
	m := model.Mandate{
		Label:        c.text("label", 200),
		EndsOn:       c.date("ends_on"),
		JOTitle:      c.text("jo_title", 1000),
		JODate:       c.date("jo_date"),
		NOR:          c.text("nor", 12),
		JORF:         c.text("jorf", 200),
		JOTextNumber: c.text("jo_text_number", 20),
		ELIURL:       c.webURL("eli_url"),
	}
	if start := c.date("starts_on"); start != nil {
		m.StartsOn = *start
		if m.EndsOn != nil && m.EndsOn.Before(*start) {
			c.fail("ends_on", "La fin ne peut précéder le début.")
		}
	}
	if q := f.Value("quorum"); q != "" {
		n, err := strconv.Atoi(q)
		if err != nil || n < 1 || n > 1000 {
			c.fail("quorum", "Saisissez un nombre entier d'organismes, par exemple 16, ou laissez le champ vide.")
		} else {
			m.Quorum = n
		}
	}
	if m.NOR != "" && !norPattern.MatchString(m.NOR) {
		c.fail("nor", "Le NOR comporte quatre lettres, sept chiffres et une lettre, par exemple DFEA2406543A.")
	}
	return m
}

// mandatePeriod writes a mandate's dates as a sentence part.
func mandatePeriod(m model.Mandate) string {
	if m.EndsOn == nil {
		return "depuis le " + view.Date(m.StartsOn) + ", sans date de fin"
	}
	return "du " + view.Date(m.StartsOn) + " au " + view.Date(*m.EndsOn)
}

// mandateOverlap is a mandate whose period shares a day with the one being
// saved: two mandates in force on the same day would leave the registry
// with no single composition (the latest started would win, often empty).
type mandateOverlap struct{ other model.Mandate }

func (e mandateOverlap) Error() string {
	return "Ces dates chevauchent la mandature « " + e.other.Label + " » (" + mandatePeriod(e.other) + ") : une seule mandature " +
		"peut être en vigueur à une date donnée. Modifiez ces dates, ou d'abord celles de « " + e.other.Label + " » (par exemple sa date de fin)."
}

// checkMandatePeriod refuses, inside tx, a period that overlaps another
// mandate's; the table stays locked until tx ends, so that two saves cannot
// both pass the check.
func checkMandatePeriod(ctx context.Context, tx *store.Store, m model.Mandate) error {
	if err := tx.LockMandates(ctx); err != nil {
		return err
	}
	others, err := tx.OverlappingMandates(ctx, m.StartsOn, m.EndsOn, m.ID)
	if err != nil {
		return err
	}
	if len(others) > 0 {
		return mandateOverlap{others[0]}
	}
	return nil
}

func (s *Server) mandatePage(r *http.Request, title, action, back string, f *view.Form) view.EditPage {
	return view.EditPage{Base: s.adminBase(r, title), Back: back, BackLabel: "Retour",
		Action: action, Submit: "Enregistrer", Form: f, Fields: mandateFields}
}

func (s *Server) newMandate(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	if r.Method == http.MethodGet {
		s.render(w, r, http.StatusOK, view.Edit(s.mandatePage(r, "Nouvelle mandature", "/admin/mandates/new", "/admin/mandates", view.NewForm())))
		return nil
	}
	f, err := readForm(r, mandateFields)
	if err != nil {
		return err
	}
	m := mandateFromForm(f)
	if !f.Valid() {
		s.render(w, r, http.StatusUnprocessableEntity, view.Edit(s.mandatePage(r, "Erreur – Nouvelle mandature", "/admin/mandates/new", "/admin/mandates", f)))
		return nil
	}
	location, err := s.createOnce(r, r.PostForm.Get(view.SubmissionField), func(tx *store.Store) (string, error) {
		if err := checkMandatePeriod(ctx, tx, m); err != nil {
			return "", err
		}
		m.Slug = "mandature-" + strconv.FormatInt(s.now().UnixNano(), 36)
		id, err := tx.CreateMandate(ctx, m)
		if err != nil {
			return "", err
		}
		m.ID = id
		return fmt.Sprintf("/admin/mandates/%d", id), s.record(ctx, tx, r, "mandate.create", "mandate", id, nil, m)
	})
	if s.showOverlap(w, r, err, f, s.mandatePage(r, "Erreur – Nouvelle mandature", "/admin/mandates/new", "/admin/mandates", f)) {
		return nil
	}
	if err != nil {
		return err
	}
	s.redirectWithFlash(w, r, location, "La mandature « "+m.Label+" » a été créée.")
	return nil
}

// showOverlap shows the mandate form page again when err is a period that
// overlaps another mandate's, with the message on the start date, and
// reports whether it did.
func (s *Server) showOverlap(w http.ResponseWriter, r *http.Request, err error, f *view.Form, page view.EditPage) bool {
	overlap := mandateOverlap{}
	if !errors.As(err, &overlap) {
		return false
	}
	newChecker(f, mandateFields).fail("starts_on", overlap.Error())
	s.render(w, r, http.StatusUnprocessableEntity, view.Edit(page))
	return true
}

func (s *Server) editMandate(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	old, err := s.mandateFromPath(r)
	if err != nil {
		return err
	}
	id := old.ID
	action, back := fmt.Sprintf("/admin/mandates/%d/edit", id), fmt.Sprintf("/admin/mandates/%d", id)
	if r.Method == http.MethodGet {
		s.render(w, r, http.StatusOK, view.Edit(s.mandatePage(r, "Modifier « "+old.Label+" »", action, back, mandateForm(old))))
		return nil
	}
	f, err := readForm(r, mandateFields)
	if err != nil {
		return err
	}
	m := mandateFromForm(f)
	if !f.Valid() {
		s.render(w, r, http.StatusUnprocessableEntity, view.Edit(s.mandatePage(r, "Erreur – Modifier « "+old.Label+" »", action, back, f)))
		return nil
	}
	m.ID, m.Slug = id, old.Slug
	// Filling in the JO reference by hand makes it an official fact.
	m.Illustrative = old.Illustrative && m.NOR == "" && m.ELIURL == ""
	err = s.store.InTx(ctx, func(tx *store.Store) error {
		if err := checkMandatePeriod(ctx, tx, m); err != nil {
			return err
		}
		if err := tx.UpdateMandate(ctx, m); err != nil {
			return err
		}
		return s.record(ctx, tx, r, "mandate.update", "mandate", id, old, m)
	})
	if s.showOverlap(w, r, err, f, s.mandatePage(r, "Erreur – Modifier « "+old.Label+" »", action, back, f)) {
		return nil
	}
	if err != nil {
		return err
	}
	s.redirectWithFlash(w, r, back, "La mandature « "+m.Label+" » a été modifiée.")
	return nil
}

func (s *Server) adminMandate(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	m, err := s.mandateFromPath(r)
	if err != nil {
		return err
	}
	id := m.ID
	seats, err := s.store.SeatsOfMandate(ctx, id)
	if err != nil {
		return err
	}
	accounts, err := s.store.AccountEmailsByPerson(ctx)
	if err != nil {
		return err
	}
	p := view.AdminMandatePage{Base: s.adminBase(r, m.Label+" – sièges"), Mandate: m, Accounts: accounts}
	for _, st := range seats {
		if st.EndsOn == nil {
			p.Open = append(p.Open, st)
		} else {
			p.Closed = append(p.Closed, st)
		}
	}
	s.render(w, r, http.StatusOK, view.AdminMandate(p))
	return nil
}

// holderFields let the secretariat pick a known person or type a new one.
func holderFields(people []model.Person) []view.Field {
	opts := []view.Option{{Value: "", Label: "Siège vacant, ou nouvelle personne ci-dessous"}}
	for _, p := range people {
		opts = append(opts, view.Option{Value: strconv.FormatInt(p.ID, 10), Label: p.FullName()})
	}
	return []view.Field{
		{Name: "person", Label: "Personne déjà enregistrée", Kind: "select", Options: opts},
		{Name: "new_civility", Label: "Nouvelle personne : civilité", Kind: "select", Options: []view.Option{{Value: "", Label: "Non précisée"}, {Value: "Mme", Label: "Mme"}, {Value: "M.", Label: "M."}}},
		{Name: "new_given_name", Label: "Nouvelle personne : prénom", Kind: "text", Autocomplete: "off"},
		{Name: "new_family_name", Label: "Nouvelle personne : nom", Kind: "text", Hint: "Remplissez ces champs seulement si la personne n'est pas dans la liste.", Autocomplete: "off"},
		{Name: "new_email", Label: "Nouvelle personne : adresse électronique", Kind: "email", Hint: "Jamais publiée. Facultative.", Autocomplete: "off"},
	}
}

// holder is the person chosen or typed in the holder fields.
type holder struct {
	personID int64
	newcomer *model.Person
}

func holderFromForm(c *checker, bodyID int64) holder {
	h := holder{personID: c.id("person")}
	family := c.text("new_family_name", 200)
	given := c.text("new_given_name", 100)
	civility := c.choice("new_civility")
	email := c.email("new_email")
	if family == "" {
		if given != "" || email != "" {
			c.fail("new_family_name", "Saisissez le nom de la nouvelle personne.")
		}
		return h
	}
	if h.personID != 0 {
		c.fail("person", "Choisissez une personne dans la liste ou saisissez-en une nouvelle, pas les deux.")
	}
	h.newcomer = &model.Person{Civility: civility, GivenName: given, FamilyName: family, Email: email, BodyID: bodyID}
	return h
}

// resolve creates the newcomer, if any, and returns the holder's person id.
func (s *Server) resolveHolder(ctx context.Context, tx *store.Store, r *http.Request, h holder) (int64, error) {
	if h.newcomer == nil {
		if h.personID != 0 {
			if _, err := tx.Person(ctx, h.personID); err != nil {
				return 0, err
			}
		}
		return h.personID, nil
	}
	id, err := tx.CreatePerson(ctx, *h.newcomer)
	if err != nil {
		return 0, err
	}
	h.newcomer.ID = id
	return id, s.record(ctx, tx, r, "person.create", "person", id, nil, *h.newcomer)
}

var seatRoleOptions = []view.Option{{Value: string(model.SeatTitulaire), Label: "Titulaire"}, {Value: string(model.SeatSuppleant), Label: "Suppléant"}}

func (s *Server) newSeat(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	m, err := s.mandateFromPath(r)
	if err != nil {
		return err
	}
	id := m.ID
	bodies, err := s.store.Bodies(ctx)
	if err != nil {
		return err
	}
	people, err := s.store.People(ctx)
	if err != nil {
		return err
	}
	fields := append([]view.Field{
		{Name: "body", Label: "Organisme", Kind: "select", Required: true, Options: bodyOptions(bodies, "Choisir un organisme")},
		{Name: "role", Label: "Qualité", Kind: "select", Required: true, Options: seatRoleOptions},
		{Name: "post_label", Label: "Représentation", Kind: "text", Hint: "Tel que le texte l'imprime, par exemple « représentant le ministre chargé du travail ». Facultatif."},
		{Name: "starts_on", Label: "Début", Kind: "date", Required: true},
	}, holderFields(people)...)
	action, back := fmt.Sprintf("/admin/mandates/%d/seats/new", id), fmt.Sprintf("/admin/mandates/%d", id)
	page := func(title string, f *view.Form) view.EditPage {
		return view.EditPage{Base: s.adminBase(r, title), Back: back, BackLabel: "Retour aux sièges", Action: action,
			Submit: "Créer le siège", Form: f, Fields: fields, Intro: m.Label}
	}
	if r.Method == http.MethodGet {
		f := view.NewForm()
		f.Values["starts_on"] = formatDate(&m.StartsOn)
		s.render(w, r, http.StatusOK, view.Edit(page("Nouveau siège", f)))
		return nil
	}
	f, err := readForm(r, fields)
	if err != nil {
		return err
	}
	c := newChecker(f, fields)
	st := model.Seat{MandateID: id, BodyID: c.id("body"), Role: model.SeatRole(c.choice("role")), PostLabel: c.text("post_label", 300)}
	if start := c.date("starts_on"); start != nil {
		st.StartsOn = *start
		if start.Before(m.StartsOn) || (m.EndsOn != nil && start.After(*m.EndsOn)) {
			c.fail("starts_on", "Le siège doit commencer pendant la mandature ("+view.Date(m.StartsOn)+" au plus tôt).")
		}
	}
	h := holderFromForm(c, st.BodyID)
	if !f.Valid() {
		s.render(w, r, http.StatusUnprocessableEntity, view.Edit(page("Erreur – Nouveau siège", f)))
		return nil
	}
	location, err := s.createOnce(r, r.PostForm.Get(view.SubmissionField), func(tx *store.Store) (string, error) {
		var err error
		if st.PersonID, err = s.resolveHolder(ctx, tx, r, h); err != nil {
			return "", err
		}
		if st.ID, err = tx.CreateSeat(ctx, st); err != nil {
			return "", err
		}
		return back, s.record(ctx, tx, r, "seat.create", "seat", st.ID, nil, st)
	})
	if err != nil {
		return err
	}
	s.redirectWithFlash(w, r, location, "Le siège a été créé.")
	return nil
}

// mandateFromPath reads the mandate of the URL.
func (s *Server) mandateFromPath(r *http.Request) (model.Mandate, error) {
	id, err := pathID(r)
	if err != nil {
		return model.Mandate{}, err
	}
	return s.store.Mandate(r.Context(), id)
}

// seatFromPath reads the seat of the URL.
func (s *Server) seatFromPath(r *http.Request) (model.Seat, error) {
	id, err := pathID(r)
	if err != nil {
		return model.Seat{}, err
	}
	return s.store.Seat(r.Context(), id)
}

func (s *Server) editSeat(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	old, err := s.seatFromPath(r)
	if err != nil {
		return err
	}
	fields := []view.Field{
		{Name: "role", Label: "Qualité", Kind: "select", Required: true, Options: seatRoleOptions},
		{Name: "post_label", Label: "Représentation", Kind: "text", Hint: "Facultatif."},
		{Name: "starts_on", Label: "Début", Kind: "date", Required: true},
		{Name: "ends_on", Label: "Fin", Kind: "date", Hint: "Laissez vide si le siège est en cours. Pour changer de titulaire, utilisez « Remplacer » : l'historique est ainsi conservé."},
	}
	action, back := fmt.Sprintf("/admin/seats/%d/edit", old.ID), fmt.Sprintf("/admin/mandates/%d", old.MandateID)
	title := "Modifier le siège de " + old.BodyName
	page := func(title string, f *view.Form) view.EditPage {
		return view.EditPage{Base: s.adminBase(r, title), Back: back, BackLabel: "Retour aux sièges", Action: action,
			Submit: "Enregistrer", Form: f, Fields: fields, Intro: "Titulaire du siège : " + holderName(old)}
	}
	if r.Method == http.MethodGet {
		f := view.NewForm()
		f.Values = map[string]string{"role": string(old.Role), "post_label": old.PostLabel, "starts_on": formatDate(&old.StartsOn), "ends_on": formatDate(old.EndsOn)}
		s.render(w, r, http.StatusOK, view.Edit(page(title, f)))
		return nil
	}
	f, err := readForm(r, fields)
	if err != nil {
		return err
	}
	c := newChecker(f, fields)
	st := old
	st.Role, st.PostLabel, st.EndsOn = model.SeatRole(c.choice("role")), c.text("post_label", 300), c.date("ends_on")
	if start := c.date("starts_on"); start != nil {
		st.StartsOn = *start
		if st.EndsOn != nil && st.EndsOn.Before(*start) {
			c.fail("ends_on", "La fin ne peut précéder le début.")
		}
	}
	if !f.Valid() {
		s.render(w, r, http.StatusUnprocessableEntity, view.Edit(page("Erreur – "+title, f)))
		return nil
	}
	err = s.store.InTx(ctx, func(tx *store.Store) error {
		if err := tx.UpdateSeat(ctx, st); err != nil {
			return err
		}
		return s.record(ctx, tx, r, "seat.update", "seat", st.ID, old, st)
	})
	if err != nil {
		return err
	}
	s.redirectWithFlash(w, r, back, "Le siège a été modifié.")
	return nil
}

func holderName(st model.Seat) string {
	if st.Vacant() {
		return "siège vacant"
	}
	return st.Person.FullName()
}

func (s *Server) replaceSeat(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	old, err := s.seatFromPath(r)
	if err != nil {
		return err
	}
	// A replacement sent twice finds the seat closed by the first: its
	// key, claimed under createOnce, sends it where the first went.
	if old.EndsOn != nil && r.Method == http.MethodGet {
		return fmt.Errorf("seat %d already closed: %w", old.ID, model.ErrConflict)
	}
	people, err := s.store.People(ctx)
	if err != nil {
		return err
	}
	fields := append([]view.Field{
		{Name: "from", Label: "Date de prise de fonction du remplaçant", Kind: "date", Required: true,
			Hint: "Le siège actuel sera clos la veille."},
	}, holderFields(people)...)
	action, back := fmt.Sprintf("/admin/seats/%d/replace", old.ID), fmt.Sprintf("/admin/mandates/%d", old.MandateID)
	title := "Remplacer " + holderName(old) + " (" + old.BodyName + ")"
	page := func(title string, f *view.Form) view.EditPage {
		return view.EditPage{Base: s.adminBase(r, title), Back: back, BackLabel: "Retour aux sièges", Action: action,
			Submit: "Enregistrer le remplacement", Form: f, Fields: fields,
			Intro: old.Role.Label() + " depuis le " + view.Date(old.StartsOn) + ". Le remplacement clôt ce siège et en ouvre un nouveau : l'historique est conservé."}
	}
	if r.Method == http.MethodGet {
		s.render(w, r, http.StatusOK, view.Edit(page(title, view.NewForm())))
		return nil
	}
	f, err := readForm(r, fields)
	if err != nil {
		return err
	}
	c := newChecker(f, fields)
	from := c.date("from")
	if from != nil && !from.After(old.StartsOn) {
		c.fail("from", "La date doit être postérieure au début du siège actuel ("+view.Date(old.StartsOn)+").")
	}
	h := holderFromForm(c, old.BodyID)
	if h.personID != 0 && h.personID == old.PersonID {
		c.fail("person", "Choisissez une autre personne que le titulaire actuel.")
	}
	if !f.Valid() {
		s.render(w, r, http.StatusUnprocessableEntity, view.Edit(page("Erreur – "+title, f)))
		return nil
	}
	location, err := s.createOnce(r, r.PostForm.Get(view.SubmissionField), func(tx *store.Store) (string, error) {
		personID, err := s.resolveHolder(ctx, tx, r, h)
		if err != nil {
			return "", err
		}
		newID, err := tx.ReplaceSeat(ctx, old.ID, personID, *from)
		if err != nil {
			return "", err
		}
		return back, s.record(ctx, tx, r, "seat.replace", "seat", newID, old, map[string]any{"replaces": old.ID, "person_id": personID, "from": from.Format(time.DateOnly)})
	})
	if err != nil {
		return err
	}
	s.redirectWithFlash(w, r, location, "Le remplacement a été enregistré ; l'ancien siège est clos au "+view.Date(from.AddDate(0, 0, -1))+".")
	return nil
}

func (s *Server) deleteSeat(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	st, err := s.seatFromPath(r)
	if err != nil {
		return err
	}
	back := fmt.Sprintf("/admin/mandates/%d", st.MandateID)
	if r.Method == http.MethodGet {
		s.render(w, r, http.StatusOK, view.Confirm(view.ConfirmPage{Base: s.adminBase(r, "Supprimer un siège de "+st.BodyName),
			Message: "Le siège (" + st.Role.Label() + ", " + holderName(st) + ") sera définitivement supprimé. N'utilisez la suppression que pour une erreur de saisie : pour un départ, utilisez « Remplacer » ou une date de fin.",
			Action:  fmt.Sprintf("/admin/seats/%d/delete", st.ID), Submit: "Supprimer définitivement", Cancel: back}))
		return nil
	}
	err = s.store.InTx(ctx, func(tx *store.Store) error {
		if err := tx.DeleteSeat(ctx, st.ID); err != nil {
			return err
		}
		return s.record(ctx, tx, r, "seat.delete", "seat", st.ID, st, nil)
	})
	if errors.Is(err, model.ErrConflict) {
		s.redirectWithFlash(w, r, back, "Ce siège fait partie de l'historique d'un remplacement et ne peut être supprimé.")
		return nil
	}
	if err != nil {
		return err
	}
	s.redirectWithFlash(w, r, back, "Le siège a été supprimé.")
	return nil
}
