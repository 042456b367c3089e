package server

import (
	"context"
	"html"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"
	"time"

	"comite/internal/model"
)

// recordedMeeting creates a meeting that took place at at, declares it held
// and returns its id.
func recordedMeeting(t *testing.T, p *portal, sec *client, title string, at time.Time) int64 {
	t.Helper()
	id := newMeetingAt(t, sec, title, at)
	if res := move(t, sec, id, model.MeetingHeld, url.Values{}); res.StatusCode != http.StatusSeeOther || meetingStatus(t, p, id) != model.MeetingHeld {
		t.Fatalf("declare %q held: got %d, status %s", title, res.StatusCode, meetingStatus(t, p, id))
	}
	return id
}

// Minutes are approved at a meeting that was held, on or after its date:
// not at a meeting still to come (which may yet be cancelled), nor on a day
// before the meeting that adopted them. A refusal is a 422 with a French
// message and the typed values kept. A held meeting cannot be cancelled
// afterwards, so the approval never cites a cancelled meeting.
func TestMinutesApprovedAtAHeldMeetingOnly(t *testing.T) {
	p := newPortal(t, nil)
	sec := p.as(roleSecretariat)
	first := recordedMeeting(t, p, sec, "Réunion de janvier", time.Date(2025, 1, 16, 14, 0, 0, 0, parisTZ))
	sid := strconv.FormatInt(first, 10)
	if res := sec.postForm("/meetings/"+sid+"/minutes/edit", url.Values{"base": {"0"}, "action": {"save"}, "text": {"# Ouverture\n\nLa séance est ouverte."}}); res.StatusCode != http.StatusSeeOther {
		t.Fatalf("save minutes: got %d", res.StatusCode)
	}
	if res := move(t, sec, first, model.MeetingMinutesDraft, url.Values{}); res.StatusCode != http.StatusSeeOther {
		t.Fatalf("draft: got %d", res.StatusCode)
	}
	future := newMeetingAt(t, sec, "Réunion à venir", p.srv.now().AddDate(0, 0, 20))
	adopting := recordedMeeting(t, p, sec, "Réunion de février", time.Date(2025, 2, 13, 14, 0, 0, 0, parisTZ))

	refused := func(form url.Values, want string) {
		t.Helper()
		res := move(t, sec, first, model.MeetingMinutesApproved, form)
		if res.StatusCode != http.StatusUnprocessableEntity {
			t.Fatalf("approval %v: got %d, want 422", form, res.StatusCode)
		}
		body := html.UnescapeString(res.body)
		if !strings.Contains(body, want) {
			t.Errorf("approval %v: the page does not say %q:\n%s", form, want, body)
		}
		if !strings.Contains(res.body, `value="`+form.Get("approved_on")+`"`) ||
			!strings.Contains(res.body, `<option value="`+form.Get("adopted_at")+`" selected`) {
			t.Errorf("approval %v: the typed values are not kept", form)
		}
		if got := meetingStatus(t, p, first); got != model.MeetingMinutesDraft {
			t.Fatalf("refused approval: status %s, want minutes_draft", got)
		}
	}
	// At a meeting to come, even dated after it.
	refused(url.Values{"approved_on": {p.srv.now().AddDate(0, 0, 30).Format(time.DateOnly)}, "adopted_at": {strconv.FormatInt(future, 10)}},
		"« Réunion à venir » n'a pas encore été tenue")
	// At a held meeting, dated before it.
	refused(url.Values{"approved_on": {"2025-02-12"}, "adopted_at": {strconv.FormatInt(adopting, 10)}},
		"ne peut précéder la réunion « Réunion de février » du 13 février 2025")

	if res := move(t, sec, first, model.MeetingMinutesApproved, url.Values{"approved_on": {"2025-02-13"}, "adopted_at": {strconv.FormatInt(adopting, 10)}}); res.StatusCode != http.StatusSeeOther {
		t.Fatalf("approval at the February meeting on its day: got %d\n%s", res.StatusCode, res.body)
	}
	m, err := p.store.Meeting(context.Background(), first)
	if err != nil {
		t.Fatal(err)
	}
	if m.Status != model.MeetingMinutesApproved || m.MinutesAdoptedAt != adopting || m.MinutesApprovedOn.Format(time.DateOnly) != "2025-02-13" {
		t.Fatalf("approved minutes: status %s, adopted at %d, on %v", m.Status, m.MinutesAdoptedAt, m.MinutesApprovedOn)
	}
	// Nor can its date move past the approval.
	edit := sec.postForm("/meetings/"+strconv.FormatInt(adopting, 10)+"/edit", url.Values{"title": {"Réunion de février"},
		"date": {"2025-02-20"}, "start": {"14:00"}, "end": {"17:00"}, "place": {"Paris, salle 1"}})
	if edit.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(html.UnescapeString(edit.body), "sa date ne peut être postérieure au 13 février 2025") {
		t.Fatalf("moving the adopting meeting after the approval: got %d, want 422 with a message", edit.StatusCode)
	}
	// The adopting meeting, held, can no longer be cancelled.
	move(t, sec, adopting, model.MeetingCancelled, url.Values{"reason": {"Erreur"}})
	if got := meetingStatus(t, p, adopting); got != model.MeetingHeld {
		t.Fatalf("cancelling the held adopting meeting: status %s, want held", got)
	}
	if page := html.UnescapeString(sec.get("/meetings/" + sid).body); !strings.Contains(page, "approuvé le 13 février 2025 lors de la réunion") {
		t.Error("the meeting page does not cite the meeting that adopted its minutes")
	}

	// An approval recorded before this rule may cite a meeting cancelled
	// since: the pages no longer name it.
	if res := move(t, sec, future, model.MeetingCancelled, url.Values{"reason": {"Report sine die"}}); res.StatusCode != http.StatusSeeOther || meetingStatus(t, p, future) != model.MeetingCancelled {
		t.Fatalf("cancel the meeting to come: got %d", res.StatusCode)
	}
	if _, err := p.store.Pool().Exec(context.Background(), `UPDATE meetings SET minutes_adopted_at = $2 WHERE id = $1`, first, future); err != nil {
		t.Fatal(err)
	}
	for _, path := range []string{"/meetings/" + sid, "/meetings/" + sid + "/minutes"} {
		if page := html.UnescapeString(sec.get(path).body); strings.Contains(page, "lors de la réunion") || !strings.Contains(page, "pprouvé le 13 février 2025") {
			t.Errorf("%s cites a cancelled meeting as the one that adopted the minutes", path)
		}
	}
}
