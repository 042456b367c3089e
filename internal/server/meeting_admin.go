package server

import (
	"errors"
	"fmt"
	"net/http"
	"slices"
	"strings"
	"time"

	"comite/internal/access"
	"comite/internal/model"
	"comite/internal/store"
	"comite/web/view"
)

func meetingFields() []view.Field {
	return []view.Field{
		{Name: "title", Label: "Titre", Kind: "text", Required: true},
		{Name: "date", Label: "Date", Kind: "date", Required: true, Hint: "Format : AAAA-MM-JJ."},
		{Name: "start", Label: "Heure de début", Kind: "time", Required: true, Hint: "Heure de Paris, par exemple 14:30."},
		{Name: "end", Label: "Heure de fin", Kind: "time", Hint: "Facultative."},
		{Name: "place", Label: "Lieu", Kind: "text", Hint: "Adresse et salle. Facultatif si la réunion se tient en ligne."},
		{Name: "video_url", Label: "Lien de visioconférence", Kind: "url", Hint: "Facultatif. Visible des seuls membres."},
		{Name: "summary", Label: "Présentation", Kind: "textarea", Hint: "Facultative. Quelques lignes sur l'objet de la réunion."},
		{Name: "public_details", Label: "Rendre publics l'horaire, le lieu, l'ordre du jour, les effectifs et les décisions", Kind: "checkbox"},
		{Name: "public_minutes", Label: "Rendre public le compte rendu une fois approuvé", Kind: "checkbox"},
	}
}

func meetingForm(m model.Meeting) *view.Form {
	f := view.NewForm()
	start := m.StartsAt.In(view.Paris)
	f.Values = map[string]string{"title": m.Title, "date": start.Format(time.DateOnly), "start": start.Format("15:04"),
		"place": m.Place, "video_url": m.VideoURL, "summary": m.Summary}
	if m.EndsAt != nil {
		f.Values["end"] = m.EndsAt.In(view.Paris).Format("15:04")
	}
	if m.PublicDetails {
		f.Values["public_details"] = "1"
	}
	if m.PublicMinutes {
		f.Values["public_minutes"] = "1"
	}
	return f
}

func meetingFromForm(f *view.Form, fields []view.Field) model.Meeting {
	c := newChecker(f, fields)
	m := model.Meeting{Title: c.text("title", 300), Place: c.text("place", 300), VideoURL: c.webURL("video_url"),
		Summary: c.text("summary", 2000), PublicDetails: f.Value("public_details") == "1", PublicMinutes: f.Value("public_minutes") == "1"}
	date := c.date("date")
	if start := c.clock("start", date); start != nil {
		m.StartsAt = *start
	}
	if end := c.clock("end", date); end != nil && !m.StartsAt.IsZero() {
		if !end.After(m.StartsAt) {
			c.fail("end", "L'heure de fin doit suivre l'heure de début.")
		}
		m.EndsAt = end
	}
	return m
}

func (s *Server) editMeetingPage(r *http.Request, title, action, back string, f *view.Form) view.EditPage {
	p := view.EditPage{Base: s.base(r, title), Back: back, BackLabel: "Retour", Action: action, Form: f, Fields: meetingFields(),
		Submit: "Enregistrer"}
	p.Nav = "meetings"
	return p
}

func (s *Server) newMeeting(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	if !access.CanManageMeetings(viewerOf(ctx)) {
		return model.ErrForbidden
	}
	if r.Method == http.MethodGet {
		f := view.NewForm()
		f.Values["start"] = "14:00"
		f.Values["end"] = "17:00"
		s.render(w, r, http.StatusOK, view.Edit(s.editMeetingPage(r, "Programmer une réunion", "/meetings/new", "/meetings", f)))
		return nil
	}
	fields := meetingFields()
	f, err := readForm(r, fields)
	if err != nil {
		return err
	}
	m := meetingFromForm(f, fields)
	if !f.Valid() {
		s.render(w, r, http.StatusUnprocessableEntity, view.Edit(s.editMeetingPage(r, "Programmer une réunion", "/meetings/new", "/meetings", f)))
		return nil
	}
	location, err := s.createOnce(r, r.PostForm.Get(view.SubmissionField), func(tx *store.Store) (string, error) {
		id, err := tx.CreateMeeting(ctx, m)
		if err != nil {
			return "", err
		}
		m.ID, m.Status = id, model.MeetingPlanned
		return fmt.Sprintf("/meetings/%d", id), s.record(ctx, tx, r, "meeting.create", "meeting", id, nil, m)
	})
	if err != nil {
		return err
	}
	s.redirectWithFlash(w, r, location, "La réunion est programmée. Établissez son ordre du jour, puis publiez-le pour convoquer les membres.")
	return nil
}

func (s *Server) editMeeting(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	m, err := s.managedMeeting(r)
	if err != nil {
		return err
	}
	action, back := fmt.Sprintf("/meetings/%d/edit", m.ID), fmt.Sprintf("/meetings/%d", m.ID)
	title := "Modifier « " + m.Title + " »"
	if r.Method == http.MethodGet {
		s.render(w, r, http.StatusOK, view.Edit(s.editMeetingPage(r, title, action, back, meetingForm(m))))
		return nil
	}
	fields := meetingFields()
	f, err := readForm(r, fields)
	if err != nil {
		return err
	}
	changed := meetingFromForm(f, fields)
	if !f.Valid() {
		s.render(w, r, http.StatusUnprocessableEntity, view.Edit(s.editMeetingPage(r, title, action, back, f)))
		return nil
	}
	changed.ID = m.ID
	// Invitees get an update when what their calendar holds has changed.
	practical := !changed.StartsAt.Equal(m.StartsAt) || !equalTime(changed.EndsAt, m.EndsAt) || changed.Place != m.Place ||
		changed.VideoURL != m.VideoURL || changed.Title != m.Title
	notify := practical && m.InvitationsSent && m.Status == model.MeetingAgendaPublished
	queued := 0
	err = s.store.InTx(ctx, func(tx *store.Store) error {
		// Minutes adopted at this meeting cannot be approved before it: its
		// date cannot move past their approval. Under the meeting's lock,
		// which an approval citing it takes too.
		if _, err := tx.MeetingForUpdate(ctx, m.ID); err != nil {
			return err
		}
		adopted, err := tx.MinutesAdoptedAt(ctx, m.ID)
		if err != nil {
			return err
		}
		for _, a := range adopted {
			if a.MinutesApprovedOn != nil && a.MinutesApprovedOn.Before(day(changed)) {
				return adoptionError{"date", "Le compte rendu de la réunion « " + a.Title + " » a été approuvé le " +
					view.Date(*a.MinutesApprovedOn) + " au cours de cette réunion : sa date ne peut être postérieure au " +
					view.Date(*a.MinutesApprovedOn) + "."}
			}
		}
		if err := tx.UpdateMeeting(ctx, changed, notify); err != nil {
			return err
		}
		if err := s.record(ctx, tx, r, "meeting.update", "meeting", m.ID, m, changed); err != nil {
			return err
		}
		if !notify {
			return nil
		}
		updated, err := tx.Meeting(ctx, m.ID)
		if err != nil {
			return err
		}
		queued, _, err = s.notifyInvitees(ctx, tx, r, updated, noticeUpdate)
		return err
	})
	if ae := (adoptionError{}); errors.As(err, &ae) {
		newChecker(f, fields).fail(ae.field, ae.msg)
		s.render(w, r, http.StatusUnprocessableEntity, view.Edit(s.editMeetingPage(r, title, action, back, f)))
		return nil
	}
	if err != nil {
		return err
	}
	flash := "La réunion est modifiée."
	if notify {
		s.wakeMail()
		flash += " " + view.Plural(queued, "membre convoqué a reçu", "membres convoqués ont reçu") + " la mise à jour de leur invitation."
	}
	s.redirectWithFlash(w, r, back, flash)
	return nil
}

func equalTime(a, b *time.Time) bool {
	if a == nil || b == nil {
		return a == b
	}
	return a.Equal(*b)
}

func (s *Server) deleteMeeting(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	m, err := s.managedMeeting(r)
	if err != nil {
		return err
	}
	back := fmt.Sprintf("/meetings/%d", m.ID)
	if m.Status != model.MeetingPlanned || m.InvitationsSent {
		s.redirectWithFlash(w, r, back, "Une réunion déjà annoncée aux membres ne peut être supprimée : annulez-la.")
		return nil
	}
	if r.Method == http.MethodGet {
		s.render(w, r, http.StatusOK, view.Confirm(view.ConfirmPage{Base: s.base(r, "Supprimer « "+m.Title+" »"),
			Message: "La réunion et son ordre du jour seront supprimés définitivement. Les documents joints sont conservés dans la bibliothèque ; ceux qui avaient été déposés pour son ordre du jour y restent réservés au secrétariat.",
			Action:  back + "/delete", Submit: "Supprimer la réunion", Cancel: back}))
		return nil
	}
	err = s.store.InTx(ctx, func(tx *store.Store) error {
		withdrawn, err := tx.DeleteMeeting(ctx, m.ID)
		if err != nil {
			return err
		}
		var after any
		if len(withdrawn) > 0 {
			after = map[string]any{"documents_withdrawn": withdrawn}
		}
		return s.record(ctx, tx, r, "meeting.delete", "meeting", m.ID, m, after)
	})
	if errors.Is(err, model.ErrConflict) {
		s.redirectWithFlash(w, r, back, "Une réunion déjà annoncée aux membres ne peut être supprimée : annulez-la.")
		return nil
	}
	if err != nil {
		return err
	}
	s.redirectWithFlash(w, r, "/meetings", "La réunion « "+m.Title+" » a été supprimée.")
	return nil
}

// statusFields are the fields the status change asks for: a reason to
// postpone or cancel, a new date to reprogram, the approval's record.
func (s *Server) statusFields(r *http.Request, m model.Meeting, to model.MeetingStatus) ([]view.Field, error) {
	switch to {
	case model.MeetingPostponed, model.MeetingCancelled:
		return []view.Field{{Name: "reason", Label: "Motif", Kind: "textarea", Required: true, Rows: 3,
			Hint: "Communiqué aux membres convoqués et affiché sur la page de la réunion."}}, nil
	case model.MeetingPlanned:
		return meetingFields()[1:4], nil
	case model.MeetingMinutesApproved:
		opts := []view.Option{{Value: "", Label: "Approuvé par écrit, hors réunion"}}
		later, _, err := s.store.MeetingList(r.Context(), store.MeetingFilter{Upcoming: true, Now: m.StartsAt.Add(time.Minute), Limit: 50})
		if err != nil {
			return nil, err
		}
		for _, l := range later {
			if l.Status != model.MeetingCancelled && l.Status != model.MeetingPostponed {
				opts = append(opts, view.Option{Value: formatID(l.ID), Label: l.Title + " (" + view.Date(l.StartsAt) + ")"})
			}
		}
		return []view.Field{
			{Name: "approved_on", Label: "Date d'approbation", Kind: "date", Required: true, Hint: "Format : AAAA-MM-JJ."},
			{Name: "adopted_at", Label: "Réunion au cours de laquelle le compte rendu a été adopté", Kind: "select", Options: opts,
				Hint: "Seule une réunion déjà tenue peut être retenue, et la date d'approbation ne peut la précéder."},
		}, nil
	}
	return nil, nil
}

// adoptionProblem says why minutes cannot be recorded as adopted at the
// meeting adopting on the day on, or returns "" when they can: the meeting
// must have been held (a meeting to come may yet be cancelled or
// postponed, while a held one never can) and the approval cannot precede
// it. The field is the one the message belongs to.
func adoptionProblem(adopting model.Meeting, on time.Time) (field, msg string) {
	if !adopting.Status.Held() {
		return "adopted_at", "La réunion « " + adopting.Title + " » n'a pas encore été tenue (" + view.Date(adopting.StartsAt) +
			", statut « " + adopting.Status.Label() + " ») : le compte rendu ne peut y avoir été adopté. " +
			"Déclarez-la tenue une fois qu'elle a eu lieu, ou choisissez « Approuvé par écrit, hors réunion »."
	}
	if on.Before(day(adopting)) {
		return "approved_on", "La date d'approbation ne peut précéder la réunion « " + adopting.Title + " » du " +
			view.Date(adopting.StartsAt) + ", au cours de laquelle le compte rendu a été adopté."
	}
	return "", ""
}

// adoptionError is an adoptionProblem found under the lock of the
// transaction: the form is shown again with its message.
type adoptionError struct{ field, msg string }

func (e adoptionError) Error() string { return e.msg }

// statusPrecondition says why the meeting cannot move to status to yet, or "".
func (s *Server) statusPrecondition(m model.Meeting, to model.MeetingStatus) string {
	switch to {
	case model.MeetingAgendaPublished:
		if !m.StartsAt.After(s.now()) {
			return "La réunion a déjà commencé : les membres ne peuvent plus être convoqués. Déclarez-la tenue pour enregistrer les présences."
		}
	case model.MeetingHeld:
		if m.StartsAt.After(s.now()) {
			return "La réunion n'a pas encore commencé : elle ne peut être déclarée tenue avant sa date."
		}
	case model.MeetingMinutesDraft:
		if strings.TrimSpace(m.MinutesText) == "" {
			return "Rédigez le compte rendu avant de le soumettre aux participants."
		}
	}
	return ""
}

func statusIntro(m model.Meeting, to model.MeetingStatus, invitees int) string {
	switch to {
	case model.MeetingAgendaPublished:
		return fmt.Sprintf("L'ordre du jour et les documents déposés pour la réunion seront visibles des membres, et les %d personnes qui siègent au comité le %s recevront une convocation par courriel avec une invitation pour leur agenda.", invitees, view.Date(m.StartsAt))
	case model.MeetingHeld:
		return "La réunion sera déclarée tenue : vous pourrez enregistrer les présences, le relevé de décisions et le compte rendu. Si les membres n'ont pas été convoqués par le portail, la liste de présence reprend les personnes qui siégeaient ce jour-là."
	case model.MeetingMinutesDraft:
		return "Le projet de compte rendu sera communiqué aux participants, qui pourront faire des remarques et annexer une position divergente."
	case model.MeetingMinutesApproved:
		return "Le compte rendu approuvé sera publié aux membres avec les positions annexées. Il ne pourra plus être modifié."
	case model.MeetingPlanned:
		return "Indiquez la nouvelle date. La réunion redevient programmée ; publiez ensuite son ordre du jour pour convoquer de nouveau les membres."
	case model.MeetingPostponed:
		if invitees > 0 {
			return view.Plural(invitees, "personne convoquée sera prévenue", "personnes convoquées seront prévenues") + " et l'événement sera retiré de leur agenda."
		}
		return "La réunion sera reportée sans nouvelle date."
	case model.MeetingCancelled:
		if invitees > 0 {
			return view.Plural(invitees, "personne convoquée sera prévenue", "personnes convoquées seront prévenues") + " et l'événement sera retiré de leur agenda."
		}
		if !m.AgendaPublished() {
			return "La réunion sera annulée. Son ordre du jour n'ayant pas été publié, les documents déposés pour la réunion resteront réservés au secrétariat."
		}
		return "La réunion sera annulée."
	}
	return ""
}

func (s *Server) statusPage(r *http.Request, m model.Meeting, to model.MeetingStatus, fields []view.Field, f *view.Form) (view.EditPage, error) {
	invitees := 0
	switch {
	case to == model.MeetingAgendaPublished:
		n, err := s.store.SeatedPeople(r.Context(), day(m))
		if err != nil {
			return view.EditPage{}, err
		}
		invitees = n
	case m.InvitationsSent:
		as, err := s.store.Attendees(r.Context(), m.ID, day(m))
		if err != nil {
			return view.EditPage{}, err
		}
		invitees = len(as)
	}
	p := view.EditPage{Base: s.base(r, view.TransitionLabel(to)+" – "+m.Title), Back: fmt.Sprintf("/meetings/%d", m.ID),
		BackLabel: "Retour à la réunion", Intro: statusIntro(m, to, invitees),
		Action: fmt.Sprintf("/meetings/%d/status?to=%s", m.ID, to), Submit: view.TransitionLabel(to), Form: f, Fields: fields}
	p.Nav = "meetings"
	return p, nil
}

// meetingStatus moves a meeting along its lifecycle, after a confirmation
// page that asks what the move needs.
func (s *Server) meetingStatus(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	m, err := s.managedMeeting(r)
	if err != nil {
		return err
	}
	back := fmt.Sprintf("/meetings/%d", m.ID)
	to := model.MeetingStatus(r.URL.Query().Get("to"))
	if !m.Status.CanBecome(to) {
		s.redirectWithFlash(w, r, back, "Ce changement de statut n'est pas possible : la réunion est au statut « "+m.Status.Label()+" ».")
		return nil
	}
	if msg := s.statusPrecondition(m, to); msg != "" {
		s.redirectWithFlash(w, r, back, msg)
		return nil
	}
	fields, err := s.statusFields(r, m, to)
	if err != nil {
		return err
	}
	if r.Method == http.MethodGet {
		f := view.NewForm()
		if to == model.MeetingPlanned {
			f = meetingForm(m)
		}
		if to == model.MeetingMinutesApproved {
			f.Values["approved_on"] = s.now().In(view.Paris).Format(time.DateOnly)
		}
		p, err := s.statusPage(r, m, to, fields, f)
		if err != nil {
			return err
		}
		s.render(w, r, http.StatusOK, view.Edit(p))
		return nil
	}
	f, err := readForm(r, fields)
	if err != nil {
		return err
	}
	c := newChecker(f, fields)
	changed := m
	changed.Status = to
	var approvedOn *time.Time
	var adoptedAt int64
	switch to {
	case model.MeetingPostponed, model.MeetingCancelled:
		changed.StatusReason = c.text("reason", 1000)
	case model.MeetingPlanned:
		date := c.date("date")
		if start := c.clock("start", date); start != nil {
			changed.StartsAt = *start
			changed.EndsAt = nil
		}
		if end := c.clock("end", date); end != nil && !changed.StartsAt.IsZero() {
			if !end.After(changed.StartsAt) {
				c.fail("end", "L'heure de fin doit suivre l'heure de début.")
			}
			changed.EndsAt = end
		}
		changed.StatusReason = ""
	case model.MeetingMinutesApproved:
		approvedOn = c.date("approved_on")
		adoptedAt = c.id("adopted_at")
		if adoptedAt != 0 && !slices.ContainsFunc(fields[1].Options, func(o view.Option) bool { return o.Value == formatID(adoptedAt) }) {
			c.fail("adopted_at", "Faites un choix dans la liste.")
		} else if adoptedAt != 0 && approvedOn != nil {
			adopting, err := s.store.Meeting(ctx, adoptedAt)
			if err != nil {
				return err
			}
			if field, msg := adoptionProblem(adopting, *approvedOn); msg != "" {
				c.fail(field, msg)
			}
		}
	}
	if !f.Valid() {
		p, err := s.statusPage(r, m, to, fields, f)
		if err != nil {
			return err
		}
		s.render(w, r, http.StatusUnprocessableEntity, view.Edit(p))
		return nil
	}
	queued, missing := 0, 0
	err = s.store.InTx(ctx, func(tx *store.Store) error {
		current, err := tx.MeetingForUpdate(ctx, m.ID)
		if err != nil {
			return err
		}
		if current.Status != m.Status {
			return model.ErrConflict
		}
		switch to {
		case model.MeetingMinutesApproved:
			if adoptedAt != 0 {
				// Checked again under the adopting meeting's lock: its date
				// may have been edited since the form was read.
				adopting, err := tx.MeetingForUpdate(ctx, adoptedAt)
				if err != nil {
					return err
				}
				if field, msg := adoptionProblem(adopting, *approvedOn); msg != "" {
					return adoptionError{field, msg}
				}
			}
			err = tx.ApproveMinutes(ctx, m.ID, *approvedOn, adoptedAt)
		case model.MeetingAgendaPublished:
			// Invitees of an earlier publication (postponed since) get a
			// new version of the event.
			_, err = tx.ConveneMeeting(ctx, m.ID, m.Status, day(current), current.InvitationsSent)
		case model.MeetingPlanned:
			changed.ICSSequence = current.ICSSequence
			if err = tx.UpdateMeeting(ctx, changed, false); err == nil {
				err = tx.SetMeetingStatus(ctx, m.ID, m.Status, to, "", false)
			}
		default:
			// The invitees' calendars must see any new version of the event.
			bump := (to == model.MeetingPostponed || to == model.MeetingCancelled) && current.InvitationsSent
			err = tx.SetMeetingStatus(ctx, m.ID, m.Status, to, changed.StatusReason, bump)
		}
		if err != nil {
			return err
		}
		detail := map[string]any{"from": m.Status, "to": to}
		if changed.StatusReason != "" {
			detail["reason"] = changed.StatusReason
		}
		// The documents uploaded onto a draft agenda go out with it; a
		// draft never published stays with the secretariat.
		moved := current
		moved.Status = to
		switch {
		case moved.AgendaPublished() && !current.AgendaPublished():
			released, err := tx.ReleaseHeld(ctx, model.HeldForAgenda, m.ID)
			if err != nil {
				return err
			}
			if len(released) > 0 {
				detail["documents_released"] = released
			}
		case to == model.MeetingCancelled && !current.AgendaPublished():
			withdrawn, err := tx.WithdrawAgendaDocuments(ctx, m.ID)
			if err != nil {
				return err
			}
			if len(withdrawn) > 0 {
				detail["documents_withdrawn"] = withdrawn
			}
		}
		if err := s.record(ctx, tx, r, "meeting.status", "meeting", m.ID, map[string]any{"status": m.Status}, detail); err != nil {
			return err
		}
		updated, err := tx.Meeting(ctx, m.ID)
		if err != nil {
			return err
		}
		switch {
		case to == model.MeetingHeld:
			// A meeting recorded afterwards has no invitation list yet: the
			// people seated that day are the ones whose presence is recorded.
			_, err := tx.InviteSeated(ctx, m.ID, day(updated))
			return err
		case to == model.MeetingAgendaPublished:
			queued, missing, err = s.notifyInvitees(ctx, tx, r, updated, noticeInvitation)
			return err
		case (to == model.MeetingPostponed || to == model.MeetingCancelled) && updated.InvitationsSent:
			queued, missing, err = s.notifyInvitees(ctx, tx, r, updated, noticeCancel)
			return err
		case to == model.MeetingMinutesDraft:
			queued, err = s.notifyDraft(ctx, tx, r, updated)
			return err
		}
		return nil
	})
	if errors.Is(err, model.ErrConflict) {
		s.redirectWithFlash(w, r, back, "Le statut de la réunion a changé entre-temps : vérifiez-le avant de recommencer.")
		return nil
	}
	if ae := (adoptionError{}); errors.As(err, &ae) {
		c.fail(ae.field, ae.msg)
		p, err := s.statusPage(r, m, to, fields, f)
		if err != nil {
			return err
		}
		s.render(w, r, http.StatusUnprocessableEntity, view.Edit(p))
		return nil
	}
	if err != nil {
		return err
	}
	flash := "Statut de la réunion : " + to.Label() + "."
	if queued > 0 {
		s.wakeMail()
		flash += " " + view.Plural(queued, "courriel a été envoyé", "courriels ont été envoyés") + " aux personnes concernées."
	}
	if missing > 0 {
		flash += " " + view.Plural(missing, "personne n'a pas d'adresse électronique", "personnes n'ont pas d'adresse électronique") + " : prévenez-les autrement."
	}
	s.redirectWithFlash(w, r, back, flash)
	return nil
}
