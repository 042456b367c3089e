package server

import (
	"context"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"comite/internal/store"
)

func sessionCookie(c *client, p *portal) string {
	u, _ := url.Parse(p.ts.URL)
	for _, ck := range c.http.Jar.Cookies(u) {
		if ck.Name == "comite_session" {
			return ck.Value
		}
	}
	return ""
}

func TestLoginSameAnswerForUnknownEmailAndWrongPassword(t *testing.T) {
	p := newPortal(t, nil)
	c := p.client()
	unknown := c.postForm("/login", url.Values{"email": {"personne@test.example"}, "password": {"quelque chose de long"}})
	wrong := c.postForm("/login", url.Values{"email": {p.emails[roleAssociation]}, "password": {"quelque chose de long"}})
	if unknown.StatusCode != wrong.StatusCode {
		t.Fatalf("unknown e-mail got %d, wrong password got %d: want the same status", unknown.StatusCode, wrong.StatusCode)
	}
	for name, res := range map[string]response{"unknown": unknown, "wrong": wrong} {
		if !strings.Contains(res.body, badCredentials) {
			t.Errorf("%s: page lacks %q", name, badCredentials)
		}
	}
	if !strings.Contains(wrong.body, `value="`+p.emails[roleAssociation]+`"`) {
		t.Error("the typed e-mail was not kept in the form")
	}
	if strings.Contains(wrong.body, "quelque chose de long") {
		t.Error("the password was written back into the page")
	}
}

func TestLoginRenewsSessionTokenAndLogoutEndsIt(t *testing.T) {
	p := newPortal(t, nil)
	c := p.client()
	c.get("/login")
	// Plant a session before signing in, as a session-fixation attacker would.
	c.postForm("/login", url.Values{"email": {"x@test.example"}, "password": {"mauvais mot de passe"}})
	before := sessionCookie(c, p)
	res := c.postForm("/login", url.Values{"email": {p.emails[roleUnion]}, "password": {testPassword}, "next": {"/meetings"}})
	if res.StatusCode != http.StatusSeeOther || res.Header.Get("Location") != "/meetings" {
		t.Fatalf("login: got %d to %q, want 303 to /meetings", res.StatusCode, res.Header.Get("Location"))
	}
	after := sessionCookie(c, p)
	if after == "" || after == before {
		t.Fatalf("session token not renewed at login: before %q, after %q", before, after)
	}
	if got := c.get("/account").StatusCode; got != http.StatusOK {
		t.Fatalf("members' page after login: got %d, want 200", got)
	}
	stolen := p.client()
	u, _ := url.Parse(p.ts.URL)
	stolen.http.Jar.SetCookies(u, []*http.Cookie{{Name: "comite_session", Value: after, Path: "/"}})

	res = c.postForm("/logout", nil)
	if res.StatusCode != http.StatusSeeOther {
		t.Fatalf("logout: got %d, want 303", res.StatusCode)
	}
	if res.Header.Get("Clear-Site-Data") == "" {
		t.Error("logout answer has no Clear-Site-Data header")
	}
	if got := stolen.get("/account").StatusCode; got != http.StatusSeeOther {
		t.Fatalf("old session token after logout: got %d, want 303 to login", got)
	}
}

func TestLoginRefusesOffsiteNext(t *testing.T) {
	p := newPortal(t, nil)
	for _, next := range []string{"https://evil.example/", "//evil.example/x", "/\\evil.example", "javascript:alert(1)"} {
		res := p.client().postForm("/login", url.Values{"email": {p.emails[roleUnion]}, "password": {testPassword}, "next": {next}})
		if loc := res.Header.Get("Location"); loc != "/" {
			t.Errorf("next=%q: redirected to %q, want /", next, loc)
		}
	}
}

func TestLoginThrottling(t *testing.T) {
	p := newPortal(t, map[string]string{"COMITE_TRUST_PROXY": "true"})
	email := p.emails[roleAssociation]
	from := func(ip string) map[string]string {
		return map[string]string{"Sec-Fetch-Site": "same-origin", "X-Forwarded-For": ip}
	}
	attacker := p.client()
	for i := 0; i < maxFailuresPerEmailIP; i++ {
		res := attacker.postFormWith("/login", url.Values{"email": {email}, "password": {"essai numéro quelconque"}}, from("203.0.113.7"))
		if res.StatusCode != http.StatusUnauthorized {
			t.Fatalf("attempt %d: got %d, want 401", i+1, res.StatusCode)
		}
	}
	res := attacker.postFormWith("/login", url.Values{"email": {email}, "password": {testPassword}}, from("203.0.113.7"))
	if res.StatusCode != http.StatusTooManyRequests {
		t.Fatalf("right password after %d failures from one address: got %d, want 429", maxFailuresPerEmailIP, res.StatusCode)
	}
	if !strings.Contains(res.body, "patientez 15 minutes") {
		t.Error("throttled page does not say how long to wait")
	}
	// The real user, elsewhere, still signs in: the attacker cannot lock them out.
	res = p.client().postFormWith("/login", url.Values{"email": {email}, "password": {testPassword}}, from("198.51.100.20"))
	if res.StatusCode != http.StatusSeeOther {
		t.Fatalf("real user from another address: got %d, want 303", res.StatusCode)
	}
	// And the block lifts by itself once the window has passed.
	p.srv.now = func() time.Time { return time.Now().Add(loginWindow + time.Minute) }
	res = attacker.postFormWith("/login", url.Values{"email": {email}, "password": {testPassword}}, from("203.0.113.7"))
	if res.StatusCode != http.StatusSeeOther {
		t.Fatalf("after the window: got %d, want 303", res.StatusCode)
	}
}

func TestLoginThrottledDecision(t *testing.T) {
	tests := []struct {
		f    store.LoginFailures
		want bool
	}{
		{store.LoginFailures{}, false},
		{store.LoginFailures{ByEmailAndIP: maxFailuresPerEmailIP - 1, ByIP: maxFailuresPerEmailIP - 1, ByEmail: maxFailuresPerEmailIP - 1}, false},
		{store.LoginFailures{ByEmailAndIP: maxFailuresPerEmailIP}, true},
		{store.LoginFailures{ByIP: maxFailuresPerIP}, true},
		{store.LoginFailures{ByEmail: maxFailuresPerEmailAll - 1}, false},
		{store.LoginFailures{ByEmail: maxFailuresPerEmailAll}, true},
	}
	for _, tt := range tests {
		if got := loginThrottled(tt.f); got != tt.want {
			t.Errorf("loginThrottled(%+v): got %v, want %v", tt.f, got, tt.want)
		}
	}
}

func TestPasswordChangeEndsOtherSessions(t *testing.T) {
	p := newPortal(t, nil)
	laptop := p.as(rolePilot)
	phone := p.as(rolePilot)
	const newPassword = "un tout nouveau mot de passe"

	res := laptop.postForm("/account/password", url.Values{"current": {"faux mot de passe"}, "new": {"court"}, "confirm": {"autre"}})
	if res.StatusCode != http.StatusUnprocessableEntity {
		t.Fatalf("bad change: got %d, want 422", res.StatusCode)
	}
	for _, msg := range []string{"Le mot de passe actuel est incorrect.", "au moins 12 caractères", `href="#champ-current"`} {
		if !strings.Contains(res.body, msg) {
			t.Errorf("bad change: page lacks %q", msg)
		}
	}

	res = laptop.postForm("/account/password", url.Values{"current": {testPassword}, "new": {newPassword}, "confirm": {newPassword}})
	if res.StatusCode != http.StatusSeeOther {
		t.Fatalf("change: got %d, want 303", res.StatusCode)
	}
	if got := laptop.get("/account").StatusCode; got != http.StatusOK {
		t.Fatalf("session that changed the password: got %d, want 200", got)
	}
	if got := phone.get("/account").StatusCode; got != http.StatusSeeOther {
		t.Fatalf("other session after the change: got %d, want 303 to login", got)
	}
	res = p.client().postForm("/login", url.Values{"email": {p.emails[rolePilot]}, "password": {newPassword}})
	if res.StatusCode != http.StatusSeeOther {
		t.Fatalf("login with the new password: got %d, want 303", res.StatusCode)
	}
	entries, _, err := p.store.AuditLog(context.Background(), store.AuditFilter{}, 50, store.Cursor{})
	if err != nil {
		t.Fatal(err)
	}
	found := false
	for _, e := range entries {
		found = found || e.Action == "account.password_change"
	}
	if !found {
		t.Error("the password change is not in the audit log")
	}
}

func TestDeactivatedAccountLosesSession(t *testing.T) {
	p := newPortal(t, nil)
	c := p.as(roleIndependent)
	a, err := p.store.AccountByEmail(context.Background(), p.emails[roleIndependent])
	if err != nil {
		t.Fatal(err)
	}
	if _, err := p.store.Pool().Exec(context.Background(), `UPDATE accounts SET active = false WHERE id = $1`, a.ID); err != nil {
		t.Fatal(err)
	}
	if got := c.get("/account").StatusCode; got != http.StatusSeeOther {
		t.Fatalf("deactivated account: got %d, want 303 to login", got)
	}
	res := p.client().postForm("/login", url.Values{"email": {p.emails[roleIndependent]}, "password": {testPassword}})
	if res.StatusCode != http.StatusUnauthorized {
		t.Fatalf("login of a deactivated account: got %d, want 401", res.StatusCode)
	}
}
