package server

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"strconv"
	"strings"

	"comite/internal/access"
	"comite/internal/model"
	"comite/internal/store"
	"comite/web/view"
)

func agendaItemFields() []view.Field {
	return []view.Field{
		{Name: "title", Label: "Intitulé du point", Kind: "text", Required: true},
		{Name: "presenter", Label: "Présenté par", Kind: "text", Hint: "Facultatif. Personne ou organisme."},
		{Name: "duration", Label: "Durée prévue (en minutes)", Kind: "number", Hint: "Facultatif. Entre 1 et 600."},
	}
}

// measureOptions are the measures of the followed plans, for the boxes that
// link agenda items and actions to them.
func (s *Server) measureOptions(ctx context.Context) ([]view.Option, error) {
	plans, err := s.store.Plans(ctx)
	if err != nil {
		return nil, err
	}
	var opts []view.Option
	for _, pl := range plans {
		if !pl.Followed {
			continue
		}
		ms, err := s.store.Measures(ctx, store.MeasureFilter{PlanID: pl.ID})
		if err != nil {
			return nil, err
		}
		for _, m := range ms {
			opts = append(opts, view.Option{Value: strconv.FormatInt(m.ID, 10), Label: m.Label()})
		}
	}
	return opts, nil
}

func agendaItemFromForm(f *view.Form, fields []view.Field) model.AgendaItem {
	c := newChecker(f, fields)
	it := model.AgendaItem{Title: c.text("title", 300), Presenter: c.text("presenter", 200)}
	if v := f.Value("duration"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 || n > 600 {
			c.fail("duration", "Saisissez une durée en minutes, entre 1 et 600.")
		} else {
			it.DurationMinutes = n
		}
	}
	return it
}

func (s *Server) addAgendaItem(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	m, err := s.agendaMeeting(r)
	if err != nil {
		return err
	}
	f, err := readForm(r, agendaItemFields())
	if err != nil {
		return err
	}
	it := agendaItemFromForm(f, agendaItemFields())
	if !f.Valid() {
		p, err := s.meetingPage(r, m)
		if err != nil {
			return err
		}
		p.ItemForm = f
		s.render(w, r, http.StatusUnprocessableEntity, view.Meeting(p))
		return nil
	}
	it.MeetingID = m.ID
	location, err := s.createOnce(r, r.PostForm.Get(view.SubmissionField), func(tx *store.Store) (string, error) {
		id, err := tx.AddAgendaItem(ctx, it)
		if err != nil {
			return "", err
		}
		return fmt.Sprintf("/meetings/%d#ordre-du-jour", m.ID),
			s.record(ctx, tx, r, "agenda.add", "meeting", m.ID, nil, map[string]any{"item": id, "title": it.Title})
	})
	if err != nil {
		return err
	}
	s.redirectWithFlash(w, r, location, "Le point « "+it.Title+" » est ajouté à l'ordre du jour.")
	return nil
}

// addActionToAgenda puts the follow-up of an open action on the agenda.
func (s *Server) addActionToAgenda(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	m, err := s.agendaMeeting(r)
	if err != nil {
		return err
	}
	if err := r.ParseForm(); err != nil {
		return err
	}
	id, err := strconv.ParseInt(r.PostForm.Get("action"), 10, 64)
	if err != nil {
		return errBadRequest
	}
	a, err := s.store.Action(ctx, id)
	if err != nil {
		return err
	}
	if !a.Open() {
		s.redirectWithFlash(w, r, fmt.Sprintf("/meetings/%d#ordre-du-jour", m.ID), "L'action « "+a.Title+" » est close : son suivi n'a plus à être inscrit à l'ordre du jour.")
		return nil
	}
	it := model.AgendaItem{MeetingID: m.ID, Title: "Suivi de l'action : " + a.Title, Presenter: a.OwnerBodyName, ActionID: a.ID}
	if len([]rune(it.Title)) > 300 {
		it.Title = string([]rune(it.Title)[:299]) + "…"
	}
	location, err := s.createOnce(r, r.PostForm.Get(view.SubmissionField), func(tx *store.Store) (string, error) {
		itemID, err := tx.AddAgendaItem(ctx, it)
		if err != nil {
			return "", err
		}
		return fmt.Sprintf("/meetings/%d#ordre-du-jour", m.ID),
			s.record(ctx, tx, r, "agenda.add", "meeting", m.ID, nil, map[string]any{"item": itemID, "title": it.Title, "action": a.ID})
	})
	if err != nil {
		return err
	}
	s.redirectWithFlash(w, r, location, "Le suivi de l'action « "+a.Title+" » est inscrit à l'ordre du jour.")
	return nil
}

func (s *Server) editAgendaItem(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	m, it, err := s.agendaItemToChange(r)
	if err != nil {
		return err
	}
	back := fmt.Sprintf("/meetings/%d#ordre-du-jour", m.ID)
	options, err := s.measureOptions(ctx)
	if err != nil {
		return err
	}
	fields := agendaItemFields()
	if len(options) > 0 {
		fields = append(fields, view.Field{Name: "measures", Label: "Mesures du plan concernées", Kind: "checkboxes", Options: options,
			Hint: "Facultatif. Le point apparaîtra sur la page de chaque mesure cochée."})
	}
	page := func(f *view.Form) view.EditPage {
		p := view.EditPage{Base: s.base(r, "Modifier le point « "+it.Title+" »"), Back: back, BackLabel: "Retour à la réunion",
			Action: fmt.Sprintf("/meetings/%d/agenda/%d/edit", m.ID, it.ID), Submit: "Enregistrer", Form: f, Fields: fields}
		p.Nav = "meetings"
		return p
	}
	if r.Method == http.MethodGet {
		f := view.NewForm()
		f.Values = map[string]string{"title": it.Title, "presenter": it.Presenter}
		if it.DurationMinutes > 0 {
			f.Values["duration"] = strconv.Itoa(it.DurationMinutes)
		}
		linked, err := s.store.MeasuresOfAgenda(ctx, m.ID)
		if err != nil {
			return err
		}
		var ids []string
		for _, ref := range linked[it.ID] {
			ids = append(ids, strconv.FormatInt(ref.ID, 10))
		}
		f.Values["measures"] = strings.Join(ids, ",")
		s.render(w, r, http.StatusOK, view.Edit(page(f)))
		return nil
	}
	f, err := readForm(r, fields)
	if err != nil {
		return err
	}
	changed := agendaItemFromForm(f, fields)
	measures := newChecker(f, fields).ids("measures")
	if !f.Valid() {
		s.render(w, r, http.StatusUnprocessableEntity, view.Edit(page(f)))
		return nil
	}
	changed.ID, changed.MeetingID, changed.Position, changed.ActionID = it.ID, it.MeetingID, it.Position, it.ActionID
	err = s.store.InTx(ctx, func(tx *store.Store) error {
		if err := tx.UpdateAgendaItem(ctx, changed); err != nil {
			return err
		}
		if err := tx.SetAgendaItemMeasures(ctx, it.ID, measures); err != nil {
			return err
		}
		return s.record(ctx, tx, r, "agenda.update", "meeting", m.ID, it, map[string]any{"item": changed, "measures": measures})
	})
	if err != nil {
		return err
	}
	s.redirectWithFlash(w, r, back, "Le point « "+changed.Title+" » est modifié.")
	return nil
}

func (s *Server) deleteAgendaItem(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	m, it, err := s.agendaItemToChange(r)
	if err != nil {
		return err
	}
	back := fmt.Sprintf("/meetings/%d#ordre-du-jour", m.ID)
	if r.Method == http.MethodGet {
		s.render(w, r, http.StatusOK, view.Confirm(view.ConfirmPage{Base: s.base(r, "Retirer le point « "+it.Title+" »"),
			Message: "Le point sera retiré de l'ordre du jour. Les documents qui lui sont joints restent dans la bibliothèque.",
			Action:  fmt.Sprintf("/meetings/%d/agenda/%d/delete", m.ID, it.ID), Submit: "Retirer le point", Cancel: back}))
		return nil
	}
	err = s.store.InTx(ctx, func(tx *store.Store) error {
		if err := tx.DeleteAgendaItem(ctx, it); err != nil {
			return err
		}
		return s.record(ctx, tx, r, "agenda.delete", "meeting", m.ID, it, nil)
	})
	if errors.Is(err, model.ErrNotFound) {
		// Removed meanwhile: the same confirmation sent twice.
		s.redirectWithFlash(w, r, back, "Le point « "+it.Title+" » avait déjà été retiré de l'ordre du jour.")
		return nil
	}
	if err != nil {
		return err
	}
	s.redirectWithFlash(w, r, back, "Le point « "+it.Title+" » est retiré de l'ordre du jour.")
	return nil
}

// moveAgendaItem swaps an item with its neighbour: the reordering that
// works without JavaScript. The neighbour is read under the meeting's lock,
// so that two moves at once both apply, one after the other.
func (s *Server) moveAgendaItem(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	m, it, err := s.agendaItemToChange(r)
	if err != nil {
		return err
	}
	if err := r.ParseForm(); err != nil {
		return err
	}
	down := r.PostForm.Get("direction") == "down"
	to := -1
	err = s.store.InTx(ctx, func(tx *store.Store) error {
		if err := tx.LockAgenda(ctx, m.ID); err != nil {
			return err
		}
		items, err := tx.AgendaItems(ctx, m.ID)
		if err != nil {
			return err
		}
		ids := make([]int64, len(items))
		at := -1
		for i, x := range items {
			ids[i] = x.ID
			if x.ID == it.ID {
				at = i
			}
		}
		next := at - 1
		if down {
			next = at + 1
		}
		if at < 0 || next < 0 || next >= len(ids) {
			return nil
		}
		ids[at], ids[next] = ids[next], ids[at]
		to = next
		if err := tx.ReorderAgenda(ctx, m.ID, ids); err != nil {
			return err
		}
		return s.record(ctx, tx, r, "agenda.reorder", "meeting", m.ID, nil, map[string]any{"order": ids})
	})
	if err != nil {
		return err
	}
	back := fmt.Sprintf("/meetings/%d#ordre-du-jour", m.ID)
	if to < 0 {
		http.Redirect(w, r, back, http.StatusSeeOther)
		return nil
	}
	s.redirectWithFlash(w, r, back, fmt.Sprintf("Le point « %s » est désormais le point %d.", it.Title, to+1))
	return nil
}

func (s *Server) reorder(r *http.Request, m model.Meeting, ids []int64) error {
	ctx := r.Context()
	return s.store.InTx(ctx, func(tx *store.Store) error {
		if err := tx.ReorderAgenda(ctx, m.ID, ids); err != nil {
			return err
		}
		return s.record(ctx, tx, r, "agenda.reorder", "meeting", m.ID, nil, map[string]any{"order": ids})
	})
}

// reorderAgenda takes the whole order after a drag and drop: the form field
// order holds the item ids, comma-separated. Scripts get 204; a stale order
// (an item added or removed meanwhile) gets 409 and the page reloads.
func (s *Server) reorderAgenda(w http.ResponseWriter, r *http.Request) error {
	m, err := s.agendaMeeting(r)
	if err != nil {
		return err
	}
	if err := r.ParseForm(); err != nil {
		return err
	}
	var ids []int64
	for _, part := range strings.Split(r.PostForm.Get("order"), ",") {
		id, err := strconv.ParseInt(strings.TrimSpace(part), 10, 64)
		if err != nil {
			return errBadRequest
		}
		ids = append(ids, id)
	}
	err = s.reorder(r, m, ids)
	if errors.Is(err, model.ErrConflict) {
		w.WriteHeader(http.StatusConflict)
		return nil
	}
	if err != nil {
		return err
	}
	if r.Header.Get("X-Requested-With") == "fetch" {
		w.WriteHeader(http.StatusNoContent)
		return nil
	}
	s.redirectWithFlash(w, r, fmt.Sprintf("/meetings/%d#ordre-du-jour", m.ID), "L'ordre du jour est réordonné.")
	return nil
}

// recordAttendance lets the secretariat tick who came.
func (s *Server) recordAttendance(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	m, err := s.managedMeeting(r)
	if err != nil {
		return err
	}
	back := fmt.Sprintf("/meetings/%d", m.ID)
	if !m.Status.Held() {
		s.redirectWithFlash(w, r, back, "Les présences s'enregistrent une fois la réunion déclarée tenue.")
		return nil
	}
	attendees, err := s.store.Attendees(ctx, m.ID, day(m))
	if err != nil {
		return err
	}
	if r.Method == http.MethodGet {
		p := view.AttendancePage{Base: s.base(r, "Présences – "+m.Title), Meeting: m, Summary: model.Summarize(attendees, 0)}
		p.Nav = "meetings"
		s.render(w, r, http.StatusOK, view.Attendance(p))
		return nil
	}
	if err := r.ParseForm(); err != nil {
		return err
	}
	invited := map[int64]bool{}
	for _, a := range attendees {
		invited[a.PersonID] = true
	}
	var present []int64
	for _, v := range r.PostForm["present"] {
		id, err := strconv.ParseInt(v, 10, 64)
		if err != nil || !invited[id] {
			return errBadRequest
		}
		present = append(present, id)
	}
	err = s.store.InTx(ctx, func(tx *store.Store) error {
		if err := tx.SetPresence(ctx, m.ID, present); err != nil {
			return err
		}
		return s.record(ctx, tx, r, "meeting.attendance", "meeting", m.ID, nil, map[string]any{"present": present})
	})
	if err != nil {
		return err
	}
	s.redirectWithFlash(w, r, back+"#participation", view.Plural(len(present), "personne présente est enregistrée", "personnes présentes sont enregistrées")+".")
	return nil
}

func decisionFields(p view.MeetingPage) []view.Field {
	return []view.Field{
		{Name: "item", Label: "Point de l'ordre du jour", Kind: "select", Options: p.ItemOptions},
		{Name: "text", Label: "Décision", Kind: "textarea", Required: true},
		{Name: "action_title", Label: "Action", Kind: "text"},
		{Name: "action_body", Label: "Organisme chargé de l'action", Kind: "select", Options: p.BodyOptions},
		{Name: "action_due", Label: "Échéance", Kind: "date"},
		{Name: "action_measures", Label: "Mesures du plan concernées par l'action", Kind: "checkboxes", Options: p.MeasureOptions},
	}
}

// decisionsOpen reports whether the relevé de décisions may change: from
// the meeting until its minutes are approved.
func decisionsOpen(m model.Meeting) bool {
	return m.Status == model.MeetingHeld || m.Status == model.MeetingMinutesDraft
}

// addDecision records a decision of a held meeting, and the action it
// creates when one is given.
func (s *Server) addDecision(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	m, err := s.managedMeeting(r)
	if err != nil {
		return err
	}
	if !decisionsOpen(m) {
		s.redirectWithFlash(w, r, fmt.Sprintf("/meetings/%d", m.ID), "Les décisions s'enregistrent entre la tenue de la réunion et l'approbation de son compte rendu.")
		return nil
	}
	p, err := s.meetingPage(r, m)
	if err != nil {
		return err
	}
	fields := decisionFields(p)
	f, err := readForm(r, fields)
	if err != nil {
		return err
	}
	c := newChecker(f, fields)
	d := model.Decision{MeetingID: m.ID, AgendaItemID: c.id("item"), Text: c.text("text", 2000)}
	if d.AgendaItemID != 0 {
		c.choice("item")
	}
	a := model.Action{Title: c.text("action_title", 300), OwnerBodyID: c.id("action_body"), DueOn: c.date("action_due")}
	measures := c.ids("action_measures")
	if a.OwnerBodyID != 0 {
		c.choice("action_body")
	}
	if a.Title == "" && (a.OwnerBodyID != 0 || a.DueOn != nil) {
		c.fail("action_title", "Décrivez l'action, ou videz l'organisme et l'échéance.")
	}
	if a.Title != "" && a.OwnerBodyID == 0 {
		c.fail("action_body", "Choisissez l'organisme chargé de l'action.")
	}
	if !f.Valid() {
		p.DecisionForm = f
		s.render(w, r, http.StatusUnprocessableEntity, view.Meeting(p))
		return nil
	}
	location, err := s.createOnce(r, r.PostForm.Get(view.SubmissionField), func(tx *store.Store) (string, error) {
		location := fmt.Sprintf("/meetings/%d#decisions", m.ID)
		id, err := tx.AddDecision(ctx, d)
		if err != nil {
			return "", err
		}
		d.ID = id
		if err := s.record(ctx, tx, r, "decision.create", "meeting", m.ID, nil, d); err != nil {
			return "", err
		}
		if a.Title == "" {
			return location, nil
		}
		a.DecisionID = id
		if a.ID, err = tx.AddAction(ctx, a); err != nil {
			return "", err
		}
		if err := tx.SetActionMeasures(ctx, a.ID, measures); err != nil {
			return "", err
		}
		return location, s.record(ctx, tx, r, "action.create", "action", a.ID, nil, map[string]any{"action": a, "measures": measures})
	})
	if err != nil {
		return err
	}
	flash := "La décision est enregistrée."
	if a.Title != "" {
		flash = "La décision et l'action « " + a.Title + " » sont enregistrées. L'action sera proposée à l'ordre du jour de la prochaine réunion jusqu'à sa clôture."
	}
	s.redirectWithFlash(w, r, location, flash)
	return nil
}

func (s *Server) deleteDecision(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	m, err := s.managedMeeting(r)
	if err != nil {
		return err
	}
	id, err := pathInt(r, "decision")
	if err != nil {
		return err
	}
	d, err := s.store.Decision(ctx, id)
	if err != nil {
		return err
	}
	if d.MeetingID != m.ID {
		return model.ErrNotFound
	}
	back := fmt.Sprintf("/meetings/%d#decisions", m.ID)
	if !decisionsOpen(m) {
		s.redirectWithFlash(w, r, back, "Les décisions s'enregistrent entre la tenue de la réunion et l'approbation de son compte rendu.")
		return nil
	}
	if r.Method == http.MethodGet {
		s.render(w, r, http.StatusOK, view.Confirm(view.ConfirmPage{Base: s.base(r, "Supprimer une décision"),
			Message: "La décision « " + d.Text + " » et les actions qu'elle a créées seront supprimées.",
			Action:  fmt.Sprintf("/meetings/%d/decisions/%d/delete", m.ID, d.ID), Submit: "Supprimer la décision", Cancel: back}))
		return nil
	}
	err = s.store.InTx(ctx, func(tx *store.Store) error {
		if err := tx.DeleteDecision(ctx, d.ID); err != nil {
			return err
		}
		return s.record(ctx, tx, r, "decision.delete", "meeting", m.ID, d, nil)
	})
	if err != nil {
		return err
	}
	s.redirectWithFlash(w, r, back, "La décision est supprimée.")
	return nil
}

// closeAction closes an open action today: it is no longer proposed for
// the agenda.
func (s *Server) closeAction(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	if !access.CanManageMeetings(viewerOf(ctx)) {
		return model.ErrForbidden
	}
	id, err := pathID(r)
	if err != nil {
		return err
	}
	a, err := s.store.Action(ctx, id)
	if err != nil {
		return err
	}
	back := fmt.Sprintf("/meetings/%d#decisions", a.MeetingID)
	err = s.store.InTx(ctx, func(tx *store.Store) error {
		if err := tx.CloseAction(ctx, a.ID, s.now().In(view.Paris), ""); err != nil {
			return err
		}
		return s.record(ctx, tx, r, "action.close", "action", a.ID, a, map[string]any{"closed": true})
	})
	if errors.Is(err, model.ErrConflict) {
		s.redirectWithFlash(w, r, back, "Cette action était déjà close.")
		return nil
	}
	if err != nil {
		return err
	}
	s.redirectWithFlash(w, r, back, "L'action « "+a.Title+" » est close.")
	return nil
}
