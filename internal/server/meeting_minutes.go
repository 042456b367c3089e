package server

import (
	"errors"
	"fmt"
	"net/http"
	"strconv"

	"comite/internal/access"
	"comite/internal/markdown"
	"comite/internal/model"
	"comite/internal/store"
	"comite/internal/textdiff"
	"comite/web/view"
)

// answerInvitation records the viewer's answer to the meeting's invitation.
func (s *Server) answerInvitation(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	v := viewerOf(ctx)
	m, err := s.meetingFor(r)
	if err != nil {
		return err
	}
	back := fmt.Sprintf("/meetings/%d", m.ID)
	attendees, err := s.store.Attendees(ctx, m.ID, day(m))
	if err != nil {
		return err
	}
	invited := false
	for _, a := range attendees {
		invited = invited || (v.PersonID != 0 && a.PersonID == v.PersonID)
	}
	if !access.CanAnswerInvitation(v, m, invited, s.now()) {
		if !invited {
			return model.ErrForbidden
		}
		s.redirectWithFlash(w, r, back, "Il n'est plus possible de répondre à cette convocation.")
		return nil
	}
	if err := r.ParseForm(); err != nil {
		return err
	}
	answer := model.Answer(r.PostForm.Get("answer"))
	if answer == model.AnswerNone || !answer.Valid() {
		s.redirectWithFlash(w, r, back+"#reponse", "Choisissez votre réponse : présent, excusé ou représenté par votre suppléant.")
		return nil
	}
	err = s.store.InTx(ctx, func(tx *store.Store) error {
		if err := tx.SetAnswer(ctx, m.ID, v.PersonID, answer, v.AccountID); err != nil {
			return err
		}
		return s.record(ctx, tx, r, "meeting.answer", "meeting", m.ID, nil, map[string]any{"person": v.PersonID, "answer": answer})
	})
	if err != nil {
		return err
	}
	s.redirectWithFlash(w, r, back, "Votre réponse est enregistrée : "+answer.Label()+".")
	return nil
}

// maxMinutes bounds the minutes' length: a hundred pages, far more than any
// meeting needs, and short enough to render quickly.
const maxMinutes = 100000

// editMinutes is the minutes editor. The form carries the version it
// started from; a save on an older version is refused and shows what the
// other secretary saved, so that nothing is silently overwritten.
func (s *Server) editMinutes(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	v := viewerOf(ctx)
	m, err := s.managedMeeting(r)
	if err != nil {
		return err
	}
	back := fmt.Sprintf("/meetings/%d", m.ID)
	if m.Status != model.MeetingHeld && m.Status != model.MeetingMinutesDraft {
		s.redirectWithFlash(w, r, back, "Le compte rendu ne peut être modifié qu'entre la tenue de la réunion et son approbation.")
		return nil
	}
	p := view.MinutesEditPage{Base: s.base(r, "Compte rendu – "+m.Title), Meeting: m, Form: view.NewForm()}
	p.Nav = "meetings"
	if r.Method == http.MethodGet {
		p.Form.Values["text"] = m.MinutesText
		p.Form.Values["base"] = strconv.Itoa(m.MinutesVersion)
		s.render(w, r, http.StatusOK, view.MinutesEdit(p))
		return nil
	}
	if err := r.ParseForm(); err != nil {
		return err
	}
	text := r.PostForm.Get("text")
	base, err := strconv.Atoi(r.PostForm.Get("base"))
	if err != nil || base < 0 {
		return errBadRequest
	}
	p.Form.Values["text"] = text
	p.Form.Values["base"] = strconv.Itoa(base)
	switch {
	case len([]rune(text)) > maxMinutes:
		p.Form.Fail("text", "Compte rendu", "Le compte rendu ne peut dépasser 100 000 caractères.")
	case r.PostForm.Get("action") == "preview":
		p.Preview = markdown.Document(text)
		s.render(w, r, http.StatusOK, view.MinutesEdit(p))
		return nil
	case text == m.MinutesText && base == m.MinutesVersion:
		s.redirectWithFlash(w, r, back+"#compte-rendu", "Aucune modification à enregistrer.")
		return nil
	}
	if !p.Form.Valid() {
		s.render(w, r, http.StatusUnprocessableEntity, view.MinutesEdit(p))
		return nil
	}
	var version int
	err = s.store.InTx(ctx, func(tx *store.Store) error {
		if version, err = tx.SaveMinutes(ctx, m.ID, base, text, markdown.Document(text), v.AccountID); err != nil {
			return err
		}
		return s.record(ctx, tx, r, "minutes.save", "meeting", m.ID, map[string]any{"version": base}, map[string]any{"version": version})
	})
	if errors.Is(err, model.ErrConflict) {
		versions, err := s.store.MinutesVersions(ctx, m.ID)
		if err != nil {
			return err
		}
		if len(versions) == 0 {
			return errBadRequest
		}
		theirs := versions[0]
		p.Conflict = &view.MinutesConflict{Theirs: theirs, Hunks: textdiff.Compact(textdiff.Lines(theirs.Body, text), 2)}
		// The next save is a deliberate choice made after reading theirs.
		p.Form.Values["base"] = strconv.Itoa(theirs.Version)
		s.render(w, r, http.StatusConflict, view.MinutesEdit(p))
		return nil
	}
	if err != nil {
		return err
	}
	s.redirectWithFlash(w, r, back+"#compte-rendu", fmt.Sprintf("Le compte rendu est enregistré (version %d).", version))
	return nil
}

// minutesHistory lists the saved versions and shows the differences
// between two of them.
func (s *Server) minutesHistory(w http.ResponseWriter, r *http.Request) error {
	m, err := s.managedMeeting(r)
	if err != nil {
		return err
	}
	versions, err := s.store.MinutesVersions(r.Context(), m.ID)
	if err != nil {
		return err
	}
	p := view.MinutesHistoryPage{Base: s.base(r, "Versions du compte rendu – "+m.Title), Meeting: m, Versions: versions}
	p.Nav = "meetings"
	if len(versions) >= 2 {
		from, to := versions[1].Version, versions[0].Version
		q := r.URL.Query()
		if n, err := strconv.Atoi(q.Get("from")); err == nil {
			from = n
		}
		if n, err := strconv.Atoi(q.Get("to")); err == nil {
			to = n
		}
		var a, b *model.MinutesVersion
		for i := range versions {
			if versions[i].Version == from {
				a = &versions[i]
			}
			if versions[i].Version == to {
				b = &versions[i]
			}
		}
		if a == nil || b == nil {
			return model.ErrNotFound
		}
		p.From, p.To = *a, *b
		lines := textdiff.Lines(a.Body, b.Body)
		p.Inserted, p.Deleted = textdiff.Stats(lines)
		p.Hunks = textdiff.Compact(lines, 2)
	}
	s.render(w, r, http.StatusOK, view.MinutesHistory(p))
	return nil
}

// printableMinutes is the minutes alone, with their annexes, for printing.
func (s *Server) printableMinutes(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	v := viewerOf(ctx)
	m, err := s.meetingFor(r)
	if err != nil {
		return err
	}
	attendees, err := s.store.Attendees(ctx, m.ID, day(m))
	if err != nil {
		return err
	}
	attended, _ := presence(v, attendees)
	if !access.CanSeeMinutes(v, m, attended) || m.MinutesText == "" {
		if v.SignedIn() || m.Status == model.MeetingMinutesApproved {
			return model.ErrForbidden
		}
		return model.ErrNotFound
	}
	p := view.PrintableMinutesPage{Base: s.base(r, "Compte rendu – "+m.Title), Meeting: m, MinutesHTML: m.MinutesHTML}
	p.Nav = "meetings"
	if access.CanSeeAttendees(v) {
		p.Attendance = model.Summarize(attendees, 0)
	}
	if p.Dissents, err = s.store.Dissents(ctx, m.ID); err != nil {
		return err
	}
	if m.MinutesAdoptedAt != 0 {
		// Only a held meeting is cited: approvals recorded before that rule
		// may name a meeting that was cancelled since.
		if adopted, err := s.store.Meeting(ctx, m.MinutesAdoptedAt); err == nil && adopted.Status.Held() {
			p.AdoptedAt = &adopted
		}
	}
	s.render(w, r, http.StatusOK, view.PrintableMinutes(p))
	return nil
}

// addRemark records an attendee's remark on the draft minutes.
func (s *Server) addRemark(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	v := viewerOf(ctx)
	m, attended, _, err := s.meetingWithPresence(r)
	if err != nil {
		return err
	}
	if !access.CanRemarkOnMinutes(v, m, attended) {
		return model.ErrForbidden
	}
	text, shown, err := s.meetingText(w, r, m, view.RemarkField, 5000, func(p *view.MeetingPage, f *view.Form) { p.RemarkForm = f })
	if err != nil || shown {
		return err
	}
	location, err := s.createOnce(r, r.PostForm.Get(view.SubmissionField), func(tx *store.Store) (string, error) {
		id, err := tx.AddRemark(ctx, m.ID, v.AccountID, v.BodyID, text, markdown.Limited(text))
		if err != nil {
			return "", err
		}
		return fmt.Sprintf("/meetings/%d#remarques", m.ID),
			s.record(ctx, tx, r, "minutes.remark", "meeting", m.ID, nil, map[string]any{"remark": id, "text": text})
	})
	if err != nil {
		return err
	}
	s.redirectWithFlash(w, r, location, "Votre remarque est transmise au secrétariat.")
	return nil
}

// answerRemark records the secretariat's answer to a remark.
func (s *Server) answerRemark(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	v := viewerOf(ctx)
	m, err := s.managedMeeting(r)
	if err != nil {
		return err
	}
	id, err := pathInt(r, "remark")
	if err != nil {
		return err
	}
	if err := r.ParseForm(); err != nil {
		return err
	}
	state := model.RemarkState(r.PostForm.Get("state"))
	answer := r.PostForm.Get("answer")
	back := fmt.Sprintf("/meetings/%d#remarques", m.ID)
	if state != model.RemarkAnswered && state != model.RemarkIncorporated {
		return errBadRequest
	}
	if state == model.RemarkAnswered && len(answer) == 0 {
		s.redirectWithFlash(w, r, back, "Écrivez la réponse avant de l'envoyer.")
		return nil
	}
	if len([]rune(answer)) > 5000 {
		s.redirectWithFlash(w, r, back, "La réponse ne peut dépasser 5 000 caractères.")
		return nil
	}
	err = s.store.InTx(ctx, func(tx *store.Store) error {
		if err := tx.AnswerRemark(ctx, m.ID, id, state, answer, v.AccountID); err != nil {
			return err
		}
		return s.record(ctx, tx, r, "minutes.remark_answer", "meeting", m.ID, nil, map[string]any{"remark": id, "state": state, "answer": answer})
	})
	if err != nil {
		return err
	}
	s.redirectWithFlash(w, r, back, "La remarque est marquée « "+state.Label()+" ».")
	return nil
}

// setDissent annexes the viewer's body's dissenting position to the minutes.
func (s *Server) setDissent(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	v := viewerOf(ctx)
	m, _, bodySeated, err := s.meetingWithPresence(r)
	if err != nil {
		return err
	}
	if !access.CanAnnexDissent(v, m, bodySeated) {
		return model.ErrForbidden
	}
	text, shown, err := s.meetingText(w, r, m, view.DissentField, 10000, func(p *view.MeetingPage, f *view.Form) { p.DissentForm = f })
	if err != nil || shown {
		return err
	}
	err = s.store.InTx(ctx, func(tx *store.Store) error {
		id, err := tx.SetDissent(ctx, m.ID, v.BodyID, v.AccountID, text, markdown.Limited(text))
		if err != nil {
			return err
		}
		return s.record(ctx, tx, r, "minutes.dissent", "meeting", m.ID, nil, map[string]any{"dissent": id, "body": v.BodyID, "text": text})
	})
	if err != nil {
		return err
	}
	s.redirectWithFlash(w, r, fmt.Sprintf("/meetings/%d#positions", m.ID), "La position de votre organisme est annexée au projet de compte rendu.")
	return nil
}

// meetingText reads the one text field of a form posted from the meeting
// page. When it is not valid, the page is shown again with the form, put
// in its place by place, and shown is true.
func (s *Server) meetingText(w http.ResponseWriter, r *http.Request, m model.Meeting, field view.Field, max int,
	place func(*view.MeetingPage, *view.Form)) (text string, shown bool, err error) {
	fields := []view.Field{field}
	f, err := readForm(r, fields)
	if err != nil {
		return "", false, err
	}
	text = newChecker(f, fields).text(field.Name, max)
	if f.Valid() {
		return text, false, nil
	}
	p, err := s.meetingPage(r, m)
	if err != nil {
		return "", false, err
	}
	place(&p, f)
	s.render(w, r, http.StatusUnprocessableEntity, view.Meeting(p))
	return "", true, nil
}
