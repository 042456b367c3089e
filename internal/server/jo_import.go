package server

import (
	"context"
	"fmt"
	"net/http"
	"strings"
	"time"

	"comite/internal/jo"
	"comite/internal/model"
	"comite/internal/store"
	"comite/web/view"
)

// planImport compares the members read from an arrêté with the mandate's open
// seats and decides, for each, what the import will do. It writes nothing.
func planImport(res jo.Result, bodies []model.Body, people []model.Person, open []model.Seat, effective time.Time) view.ImportPlan {
	plan := view.ImportPlan{Effective: effective, Unrecognised: res.Unrecognised, Lines: res.Lines, Understood: res.Understood,
		Title: res.Title, NOR: res.NOR, JORF: res.JORF}
	byName := map[string]model.Body{}
	for _, b := range bodies {
		byName[foldName(b.Name)] = b
		if b.Acronym != "" {
			byName[foldName(b.Acronym)] = b
		}
	}
	newBodies := map[string]bool{}
	used := map[int64]bool{}
	for _, m := range res.Members {
		it := view.ImportItem{Line: m.Line, Role: m.Role, Person: memberName(m), Representing: m.Representing}
		it.BodyName, it.Category = importBody(m)
		if it.BodyName == "" {
			it.Problem = "Organisme non identifié : ajoutez un intitulé d'organisme au-dessus de cette ligne."
			plan.Items = append(plan.Items, it)
			continue
		}
		if b, ok := byName[foldName(it.BodyName)]; ok {
			it.BodyID, it.BodyName = b.ID, b.Name
		} else {
			it.NewBody = true
			if it.Category == "" {
				it.Category = model.CategoryInstitution
			}
			if !newBodies[foldName(it.BodyName)] {
				newBodies[foldName(it.BodyName)] = true
				plan.NewBodies++
			}
		}
		it.PersonID = findPerson(people, it.BodyID, m)
		it.Action = "new_seat"
		if it.BodyID != 0 {
			if st, ok := findSeat(open, used, it.BodyID, m.Role, it.PersonID, true); ok {
				it.Action, it.SeatID, it.OldHolder = "unchanged", st.ID, holderName(st)
				used[st.ID] = true
			} else if st, ok := findSeat(open, used, it.BodyID, m.Role, 0, false); ok {
				it.Action, it.SeatID, it.OldHolder = "replace", st.ID, holderName(st)
				used[st.ID] = true
				if !effective.After(st.StartsOn) {
					it.Problem = "La date d'effet doit être postérieure au " + view.Date(st.StartsOn) + ", début du siège actuel."
				}
			}
		}
		if it.PersonID == 0 {
			plan.NewPeople++
		}
		plan.Items = append(plan.Items, it)
	}
	for _, st := range open {
		if used[st.ID] {
			continue
		}
		it := view.ImportItem{Action: "close", SeatID: st.ID, BodyID: st.BodyID, BodyName: st.BodyName, Role: st.Role, OldHolder: holderName(st)}
		if effective.AddDate(0, 0, -1).Before(st.StartsOn) {
			it.Problem = "La date d'effet doit être postérieure au " + view.Date(st.StartsOn) + " pour clore ce siège."
		}
		plan.Closed = append(plan.Closed, it)
	}
	for _, it := range append(plan.Items, plan.Closed...) {
		if it.Problem != "" {
			plan.Problems++
		}
		plan.Count(it.Action)
	}
	return plan
}

// importBody names the body a member sits for: the printed body, or for a
// State representative the authority represented, or for a qualified person
// the person.
func importBody(m jo.Member) (string, model.Category) {
	switch {
	case m.Body != "":
		return m.Body, m.Category
	case m.Qualified:
		return "Personnalité qualifiée : " + memberName(m), model.CategoryQualifiedPerson
	case m.Representing != "":
		name := strings.TrimSpace(strings.TrimPrefix(strings.TrimPrefix(m.Representing, "représentant "), "représentante "))
		if name == "" {
			return "", m.Category
		}
		return strings.ToUpper(name[:1]) + name[1:], m.Category
	}
	return "", m.Category
}

func memberName(m jo.Member) string {
	return model.Person{Civility: m.Civility, GivenName: m.GivenName, FamilyName: m.FamilyName}.FullName()
}

// foldName compares names whatever their case, spacing and apostrophes.
func foldName(s string) string {
	s = strings.ToLower(strings.Join(strings.Fields(s), " "))
	return strings.NewReplacer("’", "'", "é", "e", "è", "e", "ê", "e", "à", "a", "ç", "c", "ô", "o", "î", "i").Replace(s)
}

func findPerson(people []model.Person, bodyID int64, m jo.Member) int64 {
	if bodyID == 0 {
		return 0
	}
	for _, p := range people {
		if p.BodyID == bodyID && foldName(p.FamilyName) == foldName(m.FamilyName) && foldName(p.GivenName) == foldName(m.GivenName) {
			return p.ID
		}
	}
	return 0
}

// findSeat finds an open, not yet matched seat of the body with the role;
// with samePerson, only one held by personID.
func findSeat(open []model.Seat, used map[int64]bool, bodyID int64, role model.SeatRole, personID int64, samePerson bool) (model.Seat, bool) {
	for _, st := range open {
		if used[st.ID] || st.BodyID != bodyID || st.Role != role {
			continue
		}
		if samePerson && (personID == 0 || st.PersonID != personID) {
			continue
		}
		return st, true
	}
	return model.Seat{}, false
}

var importFields = []view.Field{
	{Name: "text", Label: "Texte de l'arrêté", Kind: "textarea", Required: true, Rows: 16,
		Hint: "Copiez le texte tel que Légifrance l'affiche, du titre à la signature, et collez-le ici."},
	{Name: "effective", Label: "Date d'effet", Kind: "date", Required: true,
		Hint: "Les nouveaux sièges commencent ce jour-là ; les sièges remplacés ou absents du texte sont clos la veille."},
}

func (s *Server) importMandate(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	m, err := s.mandateFromPath(r)
	if err != nil {
		return err
	}
	id := m.ID
	back := fmt.Sprintf("/admin/mandates/%d", id)
	p := view.ImportPage{Base: s.adminBase(r, "Importer l'arrêté – "+m.Label), Mandate: m, Fields: importFields,
		Action: fmt.Sprintf("/admin/mandates/%d/import", id), Back: back}
	if r.Method == http.MethodGet {
		p.Form = view.NewForm()
		today, _ := parseDay("", s.now())
		p.Form.Values["effective"] = today.Format(time.DateOnly)
		s.render(w, r, http.StatusOK, view.Import(p))
		return nil
	}
	if p.Form, err = readForm(r, importFields); err != nil {
		return err
	}
	// Keep the text exactly as pasted: line numbers refer to it.
	p.Form.Values["text"] = r.PostForm.Get("text")
	c := newChecker(p.Form, importFields)
	c.text("text", 200000)
	effective := c.date("effective")
	if effective != nil && (effective.Before(m.StartsOn) || (m.EndsOn != nil && effective.After(*m.EndsOn))) {
		c.fail("effective", "La date d'effet doit tomber pendant la mandature (à partir du "+view.Date(m.StartsOn)+").")
	}
	if !p.Form.Valid() {
		p.Title = "Erreur – " + p.Title
		s.render(w, r, http.StatusUnprocessableEntity, view.Import(p))
		return nil
	}
	res := jo.Parse(p.Form.Value("text"))
	plan, err := s.importPlan(ctx, s.store, m, res, *effective)
	if err != nil {
		return err
	}
	p.Plan = &plan
	if len(res.Members) == 0 {
		c.fail("text", "Aucun membre n'a été reconnu dans ce texte. Vérifiez qu'il contient la liste « Sont nommés membres… ».")
	}
	if r.PostForm.Get("confirm") == "" || plan.Problems > 0 || !p.Form.Valid() {
		status := http.StatusOK
		if !p.Form.Valid() {
			p.Title = "Erreur – " + p.Title
			status = http.StatusUnprocessableEntity
		}
		s.render(w, r, status, view.Import(p))
		return nil
	}
	location, err := s.createOnce(r, r.PostForm.Get(view.SubmissionField), func(tx *store.Store) (string, error) {
		// Imports into one mandate run one after the other, and each plans
		// again under the lock, against what the previous one wrote: a
		// confirmation sent twice finds its bodies, people and seats in place.
		locked, err := tx.MandateForUpdate(ctx, m.ID)
		if err != nil {
			return "", err
		}
		if plan, err = s.importPlan(ctx, tx, locked, res, *effective); err != nil {
			return "", err
		}
		if plan.Problems > 0 {
			// The registry changed since the preview.
			return "", model.ErrConflict
		}
		return back, s.applyImport(ctx, tx, r, locked, res, plan)
	})
	if err != nil {
		return err
	}
	s.redirectWithFlash(w, r, location, fmt.Sprintf("Import terminé : %d siège(s) créé(s), %d remplacement(s), %d siège(s) clos, %d inchangé(s).",
		plan.NewSeats, plan.Replaced, len(plan.Closed), plan.Unchanged))
	return nil
}

// importPlan reads the registry through st (the pool for a preview, the
// import's transaction when confirming) and plans the import.
func (s *Server) importPlan(ctx context.Context, st *store.Store, m model.Mandate, res jo.Result, effective time.Time) (view.ImportPlan, error) {
	bodies, err := st.Bodies(ctx)
	if err != nil {
		return view.ImportPlan{}, err
	}
	people, err := st.People(ctx)
	if err != nil {
		return view.ImportPlan{}, err
	}
	open, err := st.SeatsOfMandate(ctx, m.ID)
	if err != nil {
		return view.ImportPlan{}, err
	}
	var current []model.Seat
	for _, st := range open {
		if st.EndsOn == nil {
			current = append(current, st)
		}
	}
	return planImport(res, bodies, people, current, effective), nil
}

// applyImport carries the plan out inside one transaction: everything is
// written, or nothing.
func (s *Server) applyImport(ctx context.Context, tx *store.Store, r *http.Request, m model.Mandate, res jo.Result, plan view.ImportPlan) error {
	im := &seatImport{s: s, tx: tx, r: r, created: map[string]int64{}}
	for i, it := range plan.Items {
		if err := im.seat(ctx, m, res.Members[i], it, plan.Effective); err != nil {
			return err
		}
	}
	if err := im.close(ctx, plan.Closed, plan.Effective.AddDate(0, 0, -1)); err != nil {
		return err
	}
	if updated, ok := mandateFromJO(m, res); ok {
		if err := tx.UpdateMandate(ctx, updated); err != nil {
			return err
		}
		if err := s.record(ctx, tx, r, "mandate.update", "mandate", m.ID, m, updated); err != nil {
			return err
		}
	}
	return s.record(ctx, tx, r, "mandate.import", "mandate", m.ID, nil, map[string]any{
		"lines": res.Lines, "understood": res.Understood, "unrecognised": len(res.Unrecognised),
		"new_seats": plan.NewSeats, "replaced": plan.Replaced, "closed": len(plan.Closed), "unchanged": plan.Unchanged})
}

// seatImport writes an import plan inside its transaction; created holds
// the bodies it created, by folded name, so that a body named twice in the
// arrêté is created once.
type seatImport struct {
	s       *Server
	tx      *store.Store
	r       *http.Request
	created map[string]int64
}

// body is the id of the item's body, created at its first mention.
func (im *seatImport) body(ctx context.Context, it view.ImportItem) (int64, error) {
	if !it.NewBody {
		return it.BodyID, nil
	}
	if id, ok := im.created[foldName(it.BodyName)]; ok {
		return id, nil
	}
	id, err := im.s.createBody(ctx, im.tx, im.r, model.Body{Name: it.BodyName, Category: it.Category})
	im.created[foldName(it.BodyName)] = id
	return id, err
}

// seat writes one item of the plan: the person if new, then a new seat or
// the replacement of the seat's holder from the day the arrêté takes effect.
func (im *seatImport) seat(ctx context.Context, m model.Mandate, member jo.Member, it view.ImportItem, effective time.Time) error {
	bid, err := im.body(ctx, it)
	if err != nil {
		return err
	}
	personID := it.PersonID
	if personID == 0 {
		p := model.Person{Civility: member.Civility, GivenName: member.GivenName, FamilyName: member.FamilyName, BodyID: bid}
		if personID, err = im.tx.CreatePerson(ctx, p); err != nil {
			return err
		}
		p.ID = personID
		if err := im.s.record(ctx, im.tx, im.r, "person.create", "person", personID, nil, p); err != nil {
			return err
		}
	}
	switch it.Action {
	case "new_seat":
		st := model.Seat{MandateID: m.ID, BodyID: bid, PersonID: personID, Role: it.Role, PostLabel: it.Representing, StartsOn: effective}
		if st.ID, err = im.tx.CreateSeat(ctx, st); err != nil {
			return err
		}
		return im.s.record(ctx, im.tx, im.r, "seat.create", "seat", st.ID, nil, st)
	case "replace":
		newID, err := im.tx.ReplaceSeat(ctx, it.SeatID, personID, effective)
		if err != nil {
			return err
		}
		return im.s.record(ctx, im.tx, im.r, "seat.replace", "seat", newID, map[string]any{"seat_id": it.SeatID, "holder": it.OldHolder},
			map[string]any{"person_id": personID, "from": effective.Format(time.DateOnly)})
	}
	return nil
}

// close ends on the day end the seats the arrêté no longer names.
func (im *seatImport) close(ctx context.Context, items []view.ImportItem, end time.Time) error {
	for _, it := range items {
		old, err := im.tx.Seat(ctx, it.SeatID)
		if err != nil {
			return err
		}
		closed := old
		closed.EndsOn = &end
		if err := im.tx.UpdateSeat(ctx, closed); err != nil {
			return err
		}
		if err := im.s.record(ctx, im.tx, im.r, "seat.close", "seat", old.ID, old, closed); err != nil {
			return err
		}
	}
	return nil
}

// mandateFromJO is mandate m with the references of the arrêté read by
// the import, no longer illustrative; ok is false when the text gave
// neither a title nor a NOR, and m is left as it is.
func mandateFromJO(m model.Mandate, res jo.Result) (updated model.Mandate, ok bool) {
	if res.Title == "" && res.NOR == "" {
		return m, false
	}
	updated = m
	updated.JOTitle, updated.NOR, updated.JORF, updated.JOTextNumber, updated.ELIURL = res.Title, res.NOR, res.JORF, res.TextNumber, res.ELI
	if !res.Date.IsZero() {
		d := res.Date
		updated.JODate = &d
	}
	updated.Illustrative = false
	return updated, true
}
