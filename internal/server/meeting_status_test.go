package server

import (
	"strings"
	"testing"
	"time"

	"comite/internal/model"
)

func TestStatusRefusal(t *testing.T) {
	now := time.Date(2026, 11, 28, 12, 0, 0, 0, time.UTC)
	next := model.Meeting{Status: model.MeetingPlanned, StartsAt: now.Add(24 * time.Hour)}
	past := model.Meeting{Status: model.MeetingPlanned, StartsAt: now.Add(-24 * time.Hour)}
	held := model.Meeting{Status: model.MeetingHeld, StartsAt: now.Add(-24 * time.Hour)}
	written := held
	written.MinutesText = "Compte rendu"
	for _, tc := range []struct {
		name string
		m    model.Meeting
		to   model.MeetingStatus
		want string // part of the message; "" when the move is allowed
	}{
		{"a meeting to come is convened", next, model.MeetingAgendaPublished, ""},
		{"a meeting that has begun is not convened", past, model.MeetingAgendaPublished, "a déjà commencé"},
		{"a meeting to come is not held", next, model.MeetingHeld, "pas encore commencé"},
		{"a past meeting is held", past, model.MeetingHeld, ""},
		{"minutes not written are not sent", held, model.MeetingMinutesDraft, "Rédigez le compte rendu"},
		{"written minutes are sent", written, model.MeetingMinutesDraft, ""},
		{"a move outside the lifecycle", held, model.MeetingCancelled, "n'est pas possible"},
		{"an unknown status", next, model.MeetingStatus("closed"), "n'est pas possible"},
	} {
		got := statusRefusal(tc.m, tc.to, now)
		if (tc.want == "") != (got == "") || !strings.Contains(got, tc.want) {
			t.Errorf("%s: got %q, want %q", tc.name, got, tc.want)
		}
	}
}

func TestStatusFlash(t *testing.T) {
	for _, tc := range []struct {
		queued, missing int
		sending         bool
		want            string
	}{
		{0, 0, false, "Statut de la réunion : Annulée."},
		{1, 0, true, "Statut de la réunion : Annulée. 1 courriel aux personnes concernées est en file d'envoi : il part dans les minutes qui viennent (suivi dans la boîte d'envoi)."},
		{3, 2, false, "Statut de la réunion : Annulée. 3 courriels aux personnes concernées attendent dans la boîte d'envoi : aucun serveur d'envoi n'est configuré, ils ne partiront pas tant qu'il ne l'est pas. 2 personnes n'ont pas d'adresse électronique : prévenez-les autrement."},
	} {
		if got := statusFlash(model.MeetingCancelled, tc.queued, tc.missing, tc.sending); got != tc.want {
			t.Errorf("statusFlash(%d, %d) = %q, want %q", tc.queued, tc.missing, got, tc.want)
		}
	}
}

func TestStatusForm(t *testing.T) {
	now := time.Date(2026, 11, 28, 23, 30, 0, 0, time.UTC) // already the 29th in Paris
	if got := statusForm(model.Meeting{}, model.MeetingMinutesApproved, now).Value("approved_on"); got != "2026-11-29" {
		t.Errorf("approval day: got %q, want the day in Paris", got)
	}
	m := model.Meeting{StartsAt: time.Date(2026, 12, 3, 13, 30, 0, 0, time.UTC)}
	if got := statusForm(m, model.MeetingPlanned, now).Value("date"); got != "2026-12-03" {
		t.Errorf("a reprogrammed meeting's form: got date %q, want its own", got)
	}
	if got := statusForm(m, model.MeetingCancelled, now).Value("reason"); got != "" {
		t.Errorf("a cancellation starts with no reason, got %q", got)
	}
}

func TestInvitationMailListsDocuments(t *testing.T) {
	m := model.Meeting{Title: "Réunion plénière", StartsAt: time.Date(2027, 1, 21, 13, 0, 0, 0, time.UTC)}
	docs := []model.Document{{ID: 7, Title: "Note de cadrage"}, {ID: 9, Title: "Bilan 2026"}}
	text := invitationMail(model.Attendee{Name: "Inès Martin"}, m, nil, docs, "https://comite.example.fr", "https://comite.example.fr/meetings/1")
	for _, want := range []string{"Documents de la réunion", "- Note de cadrage : https://comite.example.fr/documents/7\n", "- Bilan 2026 : https://comite.example.fr/documents/9\n"} {
		if !strings.Contains(text, want) {
			t.Errorf("convocation:\n%s\nwant %q", text, want)
		}
	}
	if text := invitationMail(model.Attendee{Name: "Inès Martin"}, m, nil, nil, "https://comite.example.fr", ""); strings.Contains(text, "Documents de la réunion") {
		t.Errorf("a convocation without documents announces some:\n%s", text)
	}
}
