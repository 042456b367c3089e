package server

import (
	"context"
	"fmt"
	"net/http"
	"net/mail"
	"net/url"
	"strings"

	"comite/internal/access"
	"comite/internal/ical"
	"comite/internal/model"
	"comite/internal/store"
	"comite/web/view"
)

// notice is what a mail to the invitees announces.
type notice int

const (
	noticeInvitation notice = iota // the agenda is published
	noticeUpdate                   // date, time or place changed
	noticeCancel                   // cancelled or postponed
)

// meetingUID names the meeting's event in every calendar: updates and
// cancellations must carry the same one to replace it.
func (s *Server) meetingUID(r *http.Request, m model.Meeting) string {
	host := "comite"
	if u, err := url.Parse(s.baseURL()); err == nil && u.Hostname() != "" {
		host = u.Hostname()
	}
	return fmt.Sprintf("meeting-%d@%s", m.ID, host)
}

// meetingEvent is the meeting as a calendar event; withLink adds the place
// and video link that only members may see.
func (s *Server) meetingEvent(r *http.Request, m model.Meeting, details, withVideo bool) ical.Event {
	e := ical.Event{UID: s.meetingUID(r, m), Sequence: m.ICSSequence, Start: m.StartsAt, End: m.End(), Stamp: s.now(),
		Summary: m.Title, URL: s.baseURL() + fmt.Sprintf("/meetings/%d", m.ID), Status: "CONFIRMED"}
	switch m.Status {
	case model.MeetingCancelled, model.MeetingPostponed:
		e.Status = "CANCELLED"
	case model.MeetingPlanned:
		e.Status = "TENTATIVE"
	}
	if details {
		e.Location = m.Place
		e.Description = m.Summary
	}
	if withVideo && m.VideoURL != "" {
		e.Description = strings.TrimSpace(e.Description + "\n\nVisioconférence : " + m.VideoURL)
		if e.Location == "" {
			e.Location = m.VideoURL
		}
	}
	if e.Description != "" {
		e.Description += "\n\n"
	}
	e.Description += "Page de la réunion : " + e.URL
	return e
}

// organizer is the address invitations come from.
func (s *Server) organizer() (name, email string) {
	if a, err := mail.ParseAddress(s.cfg.SMTP.From); err == nil {
		return "Secrétariat du comité de coordination", a.Address
	}
	return "Secrétariat du comité de coordination", ""
}

// notifyInvitees queues, in the transaction of the change, one mail with an
// iCalendar part to each invitee who has an address, and returns how many
// were queued and how many invitees had no address.
func (s *Server) notifyInvitees(ctx context.Context, tx *store.Store, r *http.Request, m model.Meeting, what notice) (queued, missing int, err error) {
	attendees, err := tx.Attendees(ctx, m.ID, day(m))
	if err != nil {
		return 0, 0, err
	}
	var agenda []model.AgendaItem
	var docs []model.Document
	if what == noticeInvitation {
		if agenda, err = tx.AgendaItems(ctx, m.ID); err != nil {
			return 0, 0, err
		}
		if docs, err = tx.MeetingDocuments(ctx, access.ConvocationReader(), m.ID, convocationDocuments); err != nil {
			return 0, 0, err
		}
	}
	orgName, orgEmail := s.organizer()
	for _, a := range attendees {
		if a.Email == "" {
			missing++
			continue
		}
		event := s.meetingEvent(r, m, true, true)
		event.OrganizerName, event.OrganizerEmail = orgName, orgEmail
		event.AttendeeName, event.AttendeeEmail = a.Name, a.Email
		cal := ical.Calendar{Method: "REQUEST", Events: []ical.Event{event}}
		var subject, text string
		switch what {
		case noticeInvitation:
			subject = "Convocation : " + m.Title + " – " + view.Date(m.StartsAt)
			text = invitationMail(a, m, agenda, docs, s.baseURL(), event.URL)
		case noticeUpdate:
			subject = "Modification : " + m.Title + " – " + view.Date(m.StartsAt)
			text = updateMail(a, m, event.URL)
		case noticeCancel:
			cal.Method = "CANCEL"
			subject = cancelSubject(m) + m.Title
			text = cancelMail(a, m, event.URL)
		}
		if _, err := tx.QueueCalendarMail(ctx, a.Email, subject, text, string(cal.Bytes())); err != nil {
			return 0, 0, err
		}
		queued++
	}
	return queued, missing, nil
}

func whenAndWhere(m model.Meeting) string {
	s := "Date : " + view.DateTime(m.StartsAt) + "\n"
	if m.Place != "" {
		s += "Lieu : " + m.Place + "\n"
	}
	if m.VideoURL != "" {
		s += "Visioconférence : " + m.VideoURL + "\n"
	}
	return s
}

// convocationDocuments caps the documents a convocation lists; the meeting
// page has them all.
const convocationDocuments = 30

func invitationMail(a model.Attendee, m model.Meeting, agenda []model.AgendaItem, docs []model.Document, base, link string) string {
	var b strings.Builder
	fmt.Fprintf(&b, "Bonjour %s,\n\nVous êtes convoqué(e) à la réunion « %s ».\n\n%s\n", a.Name, m.Title, whenAndWhere(m))
	if len(agenda) > 0 {
		b.WriteString("Ordre du jour :\n")
		for _, it := range agenda {
			fmt.Fprintf(&b, "%d. %s\n", it.Position, it.Title)
		}
		b.WriteString("\n")
	}
	if len(docs) > 0 {
		b.WriteString("Documents de la réunion (à consulter après connexion au portail) :\n")
		for _, d := range docs {
			fmt.Fprintf(&b, "- %s : %s/documents/%d\n", d.Title, base, d.ID)
		}
		b.WriteString("\n")
	}
	fmt.Fprintf(&b, `Merci d'indiquer sur le portail si vous serez présent(e), excusé(e) ou représenté(e) par votre suppléant :
%s

L'invitation jointe peut être ajoutée à votre agenda.

Le secrétariat du comité de coordination
`, link)
	return b.String()
}

func updateMail(a model.Attendee, m model.Meeting, link string) string {
	return fmt.Sprintf(`Bonjour %s,

Les informations pratiques de la réunion « %s » ont changé :

%s
L'invitation jointe met à jour votre agenda. Vous pouvez revoir votre réponse sur le portail :
%s

Le secrétariat du comité de coordination
`, a.Name, m.Title, whenAndWhere(m), link)
}

func cancelSubject(m model.Meeting) string {
	if m.Status == model.MeetingPostponed {
		return "Report : "
	}
	return "Annulation : "
}

func cancelMail(a model.Attendee, m model.Meeting, link string) string {
	what := "est annulée"
	if m.Status == model.MeetingPostponed {
		what = "est reportée à une date ultérieure ; une nouvelle convocation vous sera adressée"
	}
	reason := ""
	if m.StatusReason != "" {
		reason = "Motif : " + m.StatusReason + "\n\n"
	}
	return fmt.Sprintf(`Bonjour %s,

La réunion « %s » prévue le %s %s.

%sL'invitation jointe retire l'événement de votre agenda.
%s

Le secrétariat du comité de coordination
`, a.Name, m.Title, view.DateTime(m.StartsAt), what, reason, link)
}

// notifyDraft tells the people present that the draft minutes await their
// remarks, and returns how many mails were queued.
func (s *Server) notifyDraft(ctx context.Context, tx *store.Store, r *http.Request, m model.Meeting) (int, error) {
	attendees, err := tx.Attendees(ctx, m.ID, day(m))
	if err != nil {
		return 0, err
	}
	link := s.baseURL() + fmt.Sprintf("/meetings/%d#compte-rendu", m.ID)
	queued := 0
	for _, a := range attendees {
		if !a.WasPresent() || a.Email == "" {
			continue
		}
		text := fmt.Sprintf(`Bonjour %s,

Le projet de compte rendu de la réunion « %s » du %s est disponible sur le portail.
Vous pouvez y faire vos remarques ; votre organisme peut aussi y annexer une position divergente,
jusqu'à l'approbation du compte rendu :
%s

Le secrétariat du comité de coordination
`, a.Name, m.Title, view.Date(m.StartsAt), link)
		if _, err := tx.QueueMail(ctx, a.Email, "Projet de compte rendu : "+m.Title, text); err != nil {
			return 0, err
		}
		queued++
	}
	return queued, nil
}
