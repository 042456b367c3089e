package server

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"slices"
	"strings"
	"time"

	"comite/internal/model"
	"comite/internal/store"
	"comite/web/view"
)

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
			{Name: "approved_on", Label: "Date d'approbation", Kind: "date", Required: true},
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
		return "adopted_at", "La réunion « " + adopting.Title + " » n'a pas encore été tenue (" + view.Date(adopting.StartsAt) +
			", statut « " + adopting.Status.Label() + " ») : le compte rendu ne peut y avoir été adopté. " +
			"Déclarez-la tenue une fois qu'elle a eu lieu, ou choisissez « Approuvé par écrit, hors réunion »."
	}
	if on.Before(day(adopting)) {
		return "approved_on", "La date d'approbation ne peut précéder la réunion « " + adopting.Title + " » du " +
			view.Date(adopting.StartsAt) + ", au cours de laquelle le compte rendu a été adopté."
	}
	return "", ""
}

// adoptionError is an adoptionProblem found under the lock of the
// transaction: the form is shown again with its message.
type adoptionError struct{ field, msg string }

func (e adoptionError) Error() string { return e.msg }

// statusRefusal says why the meeting cannot move to status to at now, or
// "": the move must be in the lifecycle, and some moves wait for a date or
// for the minutes.
func statusRefusal(m model.Meeting, to model.MeetingStatus, now time.Time) string {
	if !m.Status.CanBecome(to) {
		return "Ce changement de statut n'est pas possible : la réunion est au statut « " + m.Status.Label() + " »."
	}
	if !m.CanMove(to, now) {
		if to == model.MeetingHeld {
			return "La réunion n'a pas encore commencé : elle ne peut être déclarée tenue avant sa date."
		}
		return "La réunion a déjà commencé : les membres ne peuvent plus être convoqués. Déclarez-la tenue pour enregistrer les présences."
	}
	switch to {
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
		return "La réunion sera déclarée tenue : vous pourrez enregistrer les présences, le relevé de décisions et le compte rendu. Si les membres n'ont pas été convoqués par le portail, la liste de présence reprend les personnes qui siégeaient ce jour-là."
	case model.MeetingMinutesDraft:
		return "Le projet de compte rendu sera communiqué aux participants, qui pourront faire des remarques et annexer une position divergente."
	case model.MeetingMinutesApproved:
		return "Le compte rendu approuvé sera publié aux membres avec les positions annexées. Il ne pourra plus être modifié."
	case model.MeetingPlanned:
		return "Indiquez la nouvelle date. La réunion redevient programmée ; publiez ensuite son ordre du jour pour convoquer de nouveau les membres."
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
	m, err := s.managedMeeting(r)
	if err != nil {
		return err
	}
	to := model.MeetingStatus(r.URL.Query().Get("to"))
	if msg := statusRefusal(m, to, s.now()); msg != "" {
		return &redirectError{location: fmt.Sprintf("/meetings/%d", m.ID), flash: msg}
	}
	fields, err := s.statusFields(r, m, to)
	if err != nil {
		return err
	}
	if r.Method == http.MethodGet {
		return s.showStatus(w, r, m, to, fields, http.StatusOK, statusForm(m, to, s.now()))
	}
	return s.saveStatus(w, r, m, to, fields)
}

// statusForm is the confirmation form as first shown: the meeting's date
// to reprogram it, today as the day minutes are approved.
func statusForm(m model.Meeting, to model.MeetingStatus, now time.Time) *view.Form {
	switch to {
	case model.MeetingPlanned:
		return meetingForm(m)
	case model.MeetingMinutesApproved:
		f := view.NewForm()
		f.Values["approved_on"] = now.In(view.Paris).Format(time.DateOnly)
		return f
	}
	return view.NewForm()
}

func (s *Server) showStatus(w http.ResponseWriter, r *http.Request, m model.Meeting, to model.MeetingStatus, fields []view.Field, status int, f *view.Form) error {
	p, err := s.statusPage(r, m, to, fields, f)
	if err != nil {
		return err
	}
	s.render(w, r, status, view.Edit(p))
	return nil
}

// statusChange is what the confirmation form of a move says: the meeting
// as it will be, and for approved minutes the day and the adopting meeting.
type statusChange struct {
	to         model.MeetingStatus
	meeting    model.Meeting
	approvedOn *time.Time
	adoptedAt  int64
}

// readStatusChange checks the confirmation form of a move of m to to.
func (s *Server) readStatusChange(ctx context.Context, c *checker, m model.Meeting, to model.MeetingStatus, fields []view.Field) (statusChange, error) {
	ch := statusChange{to: to, meeting: m}
	ch.meeting.Status = to
	switch to {
	case model.MeetingPostponed, model.MeetingCancelled:
		ch.meeting.StatusReason = c.text("reason", 1000)
	case model.MeetingPlanned:
		date := c.date("date")
		if start := c.clock("start", date); start != nil {
			ch.meeting.StartsAt = *start
			ch.meeting.EndsAt = nil
		}
		if end := c.clock("end", date); end != nil && !ch.meeting.StartsAt.IsZero() {
			if !end.After(ch.meeting.StartsAt) {
				c.fail("end", "L'heure de fin doit suivre l'heure de début.")
			}
			ch.meeting.EndsAt = end
		}
		ch.meeting.StatusReason = ""
	case model.MeetingMinutesApproved:
		ch.approvedOn = c.date("approved_on")
		ch.adoptedAt = c.id("adopted_at")
		if ch.adoptedAt != 0 && !slices.ContainsFunc(fields[1].Options, func(o view.Option) bool { return o.Value == formatID(ch.adoptedAt) }) {
			c.fail("adopted_at", "Faites un choix dans la liste.")
		} else if ch.adoptedAt != 0 && ch.approvedOn != nil {
			adopting, err := s.store.Meeting(ctx, ch.adoptedAt)
			if err != nil {
				return ch, err
			}
			if field, msg := adoptionProblem(adopting, *ch.approvedOn); msg != "" {
				c.fail(field, msg)
			}
		}
	}
	return ch, nil
}

// saveStatus moves the meeting under its lock, checking again that nobody
// moved it since the form was shown, and tells the people concerned.
func (s *Server) saveStatus(w http.ResponseWriter, r *http.Request, m model.Meeting, to model.MeetingStatus, fields []view.Field) error {
	ctx := r.Context()
	f, err := readForm(r, fields)
	if err != nil {
		return err
	}
	c := newChecker(f, fields)
	ch, err := s.readStatusChange(ctx, c, m, to, fields)
	if err != nil {
		return err
	}
	if !f.Valid() {
		return s.showStatus(w, r, m, to, fields, http.StatusUnprocessableEntity, f)
	}
	var queued, missing int
	err = s.store.InTx(ctx, func(tx *store.Store) error {
		var err error
		queued, missing, err = s.applyStatus(ctx, tx, r, m, ch)
		return err
	})
	back := fmt.Sprintf("/meetings/%d", m.ID)
	if errors.Is(err, model.ErrConflict) {
		s.redirectWithFlash(w, r, back, "Le statut de la réunion a changé entre-temps : vérifiez-le avant de recommencer.")
		return nil
	}
	if ae := (adoptionError{}); errors.As(err, &ae) {
		c.fail(ae.field, ae.msg)
		return s.showStatus(w, r, m, to, fields, http.StatusUnprocessableEntity, f)
	}
	if err != nil {
		return err
	}
	s.redirectWithFlash(w, r, back, statusFlash(to, queued, missing, s.cfg.SMTP.Host != ""))
	return nil
}

// statusFlash tells the secretariat the meeting's new status and what
// became of its mails.
func statusFlash(to model.MeetingStatus, queued, missing int, sending bool) string {
	flash := "Statut de la réunion : " + to.Label() + "."
	if queued > 0 {
		flash += " " + mailsQueued(queued, "aux personnes concernées", sending)
	}
	if missing > 0 {
		flash += " " + view.Plural(missing, "personne n'a pas d'adresse électronique", "personnes n'ont pas d'adresse électronique") + " : prévenez-les autrement."
	}
	return flash
}

// applyStatus is the move of m inside the transaction: the status and what
// goes with it, the held documents, the audit entry and the mails.
func (s *Server) applyStatus(ctx context.Context, tx *store.Store, r *http.Request, m model.Meeting, ch statusChange) (queued, missing int, err error) {
	current, err := tx.MeetingForUpdate(ctx, m.ID)
	if err != nil {
		return 0, 0, err
	}
	if current.Status != m.Status {
		return 0, 0, model.ErrConflict
	}
	if err := moveMeeting(ctx, tx, m, current, ch); err != nil {
		return 0, 0, err
	}
	detail := map[string]any{"from": m.Status, "to": ch.to}
	if ch.meeting.StatusReason != "" {
		detail["reason"] = ch.meeting.StatusReason
	}
	if err := moveAgendaDocuments(ctx, tx, current, ch.to, detail); err != nil {
		return 0, 0, err
	}
	if err := s.record(ctx, tx, r, "meeting.status", "meeting", m.ID, map[string]any{"status": m.Status}, detail); err != nil {
		return 0, 0, err
	}
	updated, err := tx.Meeting(ctx, m.ID)
	if err != nil {
		return 0, 0, err
	}
	return s.notifyStatus(ctx, tx, r, updated, ch.to)
}

// moveMeeting writes the new status of the meeting locked as current.
func moveMeeting(ctx context.Context, tx *store.Store, m, current model.Meeting, ch statusChange) error {
	switch ch.to {
	case model.MeetingMinutesApproved:
		if ch.adoptedAt != 0 {
			// Checked again under the adopting meeting's lock: its date
			// may have been edited since the form was read.
			adopting, err := tx.MeetingForUpdate(ctx, ch.adoptedAt)
			if err != nil {
				return err
			}
			if field, msg := adoptionProblem(adopting, *ch.approvedOn); msg != "" {
				return adoptionError{field, msg}
			}
		}
		return tx.ApproveMinutes(ctx, m.ID, *ch.approvedOn, ch.adoptedAt)
	case model.MeetingAgendaPublished:
		// Invitees of an earlier publication (postponed since) get a
		// new version of the event.
		_, err := tx.ConveneMeeting(ctx, m.ID, m.Status, day(current), current.InvitationsSent)
		return err
	case model.MeetingPlanned:
		changed := ch.meeting
		changed.ICSSequence = current.ICSSequence
		if err := tx.UpdateMeeting(ctx, changed, false); err != nil {
			return err
		}
		return tx.SetMeetingStatus(ctx, m.ID, m.Status, ch.to, "", false)
	}
	// The invitees' calendars must see any new version of the event.
	bump := (ch.to == model.MeetingPostponed || ch.to == model.MeetingCancelled) && current.InvitationsSent
	return tx.SetMeetingStatus(ctx, m.ID, m.Status, ch.to, ch.meeting.StatusReason, bump)
}

// moveAgendaDocuments releases the documents uploaded onto a draft agenda
// when it goes out, and gives them to the secretariat when a meeting is
// cancelled before its agenda was published; detail records which.
func moveAgendaDocuments(ctx context.Context, tx *store.Store, current model.Meeting, to model.MeetingStatus, detail map[string]any) error {
	moved := current
	moved.Status = to
	switch {
	case moved.AgendaPublished() && !current.AgendaPublished():
		released, err := tx.ReleaseHeld(ctx, model.HeldForAgenda, current.ID)
		if err != nil {
			return err
		}
		if len(released) > 0 {
			detail["documents_released"] = released
		}
	case to == model.MeetingCancelled && !current.AgendaPublished():
		withdrawn, err := tx.WithdrawAgendaDocuments(ctx, current.ID)
		if err != nil {
			return err
		}
		if len(withdrawn) > 0 {
			detail["documents_withdrawn"] = withdrawn
		}
	}
	return nil
}

// notifyStatus queues the mails of a move: convocations, cancellations,
// the draft minutes; a meeting recorded as held afterwards gets its list of
// the people seated that day.
func (s *Server) notifyStatus(ctx context.Context, tx *store.Store, r *http.Request, updated model.Meeting, to model.MeetingStatus) (queued, missing int, err error) {
	switch {
	case to == model.MeetingHeld:
		// A meeting recorded afterwards has no invitation list yet: the
		// people seated that day are the ones whose presence is recorded.
		_, err := tx.InviteSeated(ctx, updated.ID, day(updated))
		return 0, 0, err
	case to == model.MeetingAgendaPublished:
		return s.notifyInvitees(ctx, tx, r, updated, noticeInvitation)
	case (to == model.MeetingPostponed || to == model.MeetingCancelled) && updated.InvitationsSent:
		return s.notifyInvitees(ctx, tx, r, updated, noticeCancel)
	case to == model.MeetingMinutesDraft:
		queued, err := s.notifyDraft(ctx, tx, r, updated)
		return queued, 0, err
	}
	return 0, 0, nil
}
