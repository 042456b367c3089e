package server

import (
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"
)

// A change of the agenda of a held meeting is refused by the loader with a
// typed error, which serveError turns into the redirect and its message.
func TestAgendaOfHeldMeetingRedirects(t *testing.T) {
	p := newPortal(t, nil)
	sec := p.as(roleSecretariat)
	id := heldMeeting(t, p, sec)
	back := "/meetings/" + strconv.FormatInt(id, 10)
	res := sec.postForm(back+"/agenda", url.Values{"title": {"Point de trop"}})
	if res.StatusCode != http.StatusSeeOther || res.Header.Get("Location") != back {
		t.Fatalf("agenda of a held meeting: got %d to %q, want 303 to %s", res.StatusCode, res.Header.Get("Location"), back)
	}
	if page := sec.get(back).body; !strings.Contains(page, "L&#39;ordre du jour ne peut plus être modifié") && !strings.Contains(page, "L'ordre du jour ne peut plus être modifié") {
		t.Fatal("the meeting page does not say why the agenda was not changed")
	}
}
