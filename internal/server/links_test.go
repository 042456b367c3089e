package server

import (
	"context"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"
)

// withHost sends a request whose Host header names another site, as an
// attacker may when the portal is reached directly.
func (c *client) withHost(method, path, host string, form url.Values) response {
	c.p.t.Helper()
	var body *strings.Reader
	if form != nil {
		body = strings.NewReader(form.Encode())
	} else {
		body = strings.NewReader("")
	}
	req, err := http.NewRequest(method, c.p.ts.URL+path, body)
	if err != nil {
		c.p.t.Fatal(err)
	}
	req.Host = host
	// The jar picks cookies by the Host header: hand over the portal's.
	for _, ck := range c.http.Jar.Cookies(req.URL) {
		req.AddCookie(ck)
	}
	if form != nil {
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		req.Header.Set("Sec-Fetch-Site", "same-origin")
	}
	return c.do(req)
}

// unfold joins the folded lines of an iCalendar text.
func unfold(s string) string { return strings.ReplaceAll(s, "\r\n ", "") }

// Links in mails, feeds, calendars and exports are built from the
// configured base URL: a request that names another host (Host:
// evil.example) cannot make the portal mail a reset link pointing there.
func TestLinksIgnoreTheRequestHost(t *testing.T) {
	p := newPortal(t, nil)
	ctx := context.Background()
	const evil = "evil.example"
	base := p.srv.cfg.BaseURL
	if base == "" {
		base = p.ts.URL
	}

	// A password reset asked by anyone for the union's account.
	if res := p.client().withHost(http.MethodPost, "/password-reset", evil, url.Values{"email": {p.emails[roleUnion]}}); res.StatusCode != http.StatusSeeOther {
		t.Fatalf("reset request: got %d\n%s", res.StatusCode, res.body)
	}
	resets := calendarMails(t, p, "Réinitialisation")
	if len(resets) != 1 {
		t.Fatalf("%d reset mails, want 1", len(resets))
	}
	if strings.Contains(resets[0].Text, evil) || !strings.Contains(resets[0].Text, base+"/password-reset/") {
		t.Fatalf("reset mail links to the request's host, want %s:\n%s", base, resets[0].Text)
	}

	// An invitation sent by the secretariat from a request naming another host.
	mandate, err := p.store.CurrentMandate(ctx)
	if err != nil {
		t.Fatal(err)
	}
	seats, err := p.store.SeatsOfMandate(ctx, mandate.ID)
	if err != nil {
		t.Fatal(err)
	}
	var seat int64
	for _, st := range seats {
		if st.PersonID != 0 {
			seat = st.ID
			break
		}
	}
	sec := p.as(roleSecretariat)
	if res := sec.withHost(http.MethodPost, "/admin/seats/"+strconv.FormatInt(seat, 10)+"/invite", evil, url.Values{}); res.StatusCode != http.StatusSeeOther {
		t.Fatalf("invitation: got %d\n%s", res.StatusCode, res.body)
	}
	invitations := calendarMails(t, p, "Invitation au portail")
	if len(invitations) != 1 || strings.Contains(invitations[0].Text, evil) || !strings.Contains(invitations[0].Text, base+"/invitation/") {
		t.Fatalf("invitation mails: %+v, want one linking to %s", invitations, base)
	}

	// Feeds, calendars and exports.
	first, err := p.store.MeetingBySlug(ctx, "cc-2024-03-21")
	if err != nil {
		t.Fatal(err)
	}
	for _, path := range []string{"/news.atom", "/meetings.ics", "/meetings/" + strconv.FormatInt(first.ID, 10) + ".ics",
		"/api/v1/meetings", "/api/v1/measures"} {
		res := p.client().withHost(http.MethodGet, path, evil, nil)
		if res.StatusCode != http.StatusOK {
			t.Errorf("GET %s: status %d", path, res.StatusCode)
			continue
		}
		if body := unfold(res.body); strings.Contains(body, evil) {
			t.Errorf("GET %s with Host: %s names that host:\n%s", path, evil, body)
		}
	}
}
