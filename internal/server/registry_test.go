package server

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"comite/internal/model"
	"comite/internal/store"
)

// seatOf returns the open seat of the body with the role in the current mandate.
func seatOf(t *testing.T, p *portal, slug string, role model.SeatRole) model.Seat {
	t.Helper()
	ctx := context.Background()
	b, err := p.store.BodyBySlug(ctx, slug)
	if err != nil {
		t.Fatal(err)
	}
	m, err := p.store.CurrentMandate(ctx)
	if err != nil {
		t.Fatal(err)
	}
	seats, err := p.store.SeatsOn(ctx, m.ID, p.srv.now())
	if err != nil {
		t.Fatal(err)
	}
	for _, st := range seats {
		if st.BodyID == b.ID && st.Role == role {
			return st
		}
	}
	t.Fatalf("no open %s seat for %s", role, slug)
	return model.Seat{}
}

func TestReplacementKeepsHistory(t *testing.T) {
	p := newPortal(t, nil)
	sec := p.as(roleSecretariat)
	old := seatOf(t, p, "ccem", model.SeatTitulaire)
	oldName := old.Person.FullName()
	path := fmt.Sprintf("/admin/seats/%d/replace", old.ID)

	res := sec.postForm(path, url.Values{"from": {"2020-01-01"}, "new_given_name": {"Jeanne"}})
	if res.StatusCode != http.StatusUnprocessableEntity {
		t.Fatalf("bad replacement: got %d, want 422", res.StatusCode)
	}
	for _, want := range []string{"postérieure au début", "Saisissez le nom de la nouvelle personne.", `value="Jeanne"`, `value="2020-01-01"`} {
		if !strings.Contains(res.body, want) {
			t.Errorf("bad replacement page lacks %q", want)
		}
	}

	res = sec.postForm(path, url.Values{"from": {"2025-09-01"}, "new_civility": {"Mme"}, "new_given_name": {"Jeanne"}, "new_family_name": {"NOUVEL"}})
	if res.StatusCode != http.StatusSeeOther {
		t.Fatalf("replacement: got %d, want 303: %s", res.StatusCode, res.body)
	}
	now := seatOf(t, p, "ccem", model.SeatTitulaire)
	if now.Person.FullName() != "Mme Jeanne NOUVEL" || now.ReplacesID != old.ID {
		t.Fatalf("new seat: got %q replacing %d, want Mme Jeanne NOUVEL replacing %d", now.Person.FullName(), now.ReplacesID, old.ID)
	}
	closed, err := p.store.Seat(context.Background(), old.ID)
	if err != nil {
		t.Fatal(err)
	}
	if closed.EndsOn == nil || closed.EndsOn.Format("2006-01-02") != "2025-08-31" {
		t.Fatalf("old seat end: got %v, want 2025-08-31", closed.EndsOn)
	}

	public := p.client()
	body := public.get(fmt.Sprintf("/members/%d", old.BodyID)).body
	current, history, ok := strings.Cut(body, "Historique")
	if !ok || !strings.Contains(current, "Mme Jeanne NOUVEL") || !strings.Contains(history, oldName) {
		t.Fatalf("body page: want the new holder as current and %s in the history", oldName)
	}
	if !strings.Contains(history, "au 31 août 2025") {
		t.Error("history does not show when the old seat ended")
	}
	// Composition on a past date still shows the former holder.
	if page := public.get("/members?date=2025-01-15").body; !strings.Contains(page, oldName) || strings.Contains(page, "Jeanne NOUVEL") {
		t.Error("member list on 2025-01-15 does not show the holder of that day")
	}

	// Replacing a closed seat again is refused.
	if res := sec.postForm(path, url.Values{"from": {"2026-01-01"}}); res.StatusCode != http.StatusConflict {
		t.Fatalf("replacing a closed seat: got %d, want 409", res.StatusCode)
	}
	entries, _, err := p.store.AuditLog(context.Background(), store.AuditFilter{ObjectType: "seat"}, 10, store.Cursor{})
	if err != nil || len(entries) == 0 || entries[0].Action != "seat.replace" || !strings.Contains(entries[0].Detail, `"before"`) {
		t.Fatalf("audit of the replacement: %+v %v", entries, err)
	}
}

var linkPattern = regexp.MustCompile(`https?://\S+/(invitation|password-reset)/[A-Za-z0-9_-]+`)

// linkIn returns the path of the single-use link in the latest mail to addr.
func linkIn(t *testing.T, p *portal, addr string) string {
	t.Helper()
	mails, err := p.store.MailsTo(context.Background(), addr)
	if err != nil || len(mails) == 0 {
		t.Fatalf("no mail to %s: %v", addr, err)
	}
	m := linkPattern.FindString(mails[0].Text)
	if m == "" {
		t.Fatalf("no link in the mail: %q", mails[0].Text)
	}
	u, err := url.Parse(m)
	if err != nil {
		t.Fatal(err)
	}
	return u.Path
}

func TestInvitationSetsPasswordOnce(t *testing.T) {
	p := newPortal(t, nil)
	sec := p.as(roleSecretariat)
	seat := seatOf(t, p, "ecpat", model.SeatTitulaire)
	invite := fmt.Sprintf("/admin/seats/%d/invite", seat.ID)

	res := sec.postForm(invite, nil)
	if res.StatusCode != http.StatusSeeOther {
		t.Fatalf("invite without e-mail: got %d", res.StatusCode)
	}
	if n, _ := p.store.MailsTo(context.Background(), ""); len(n) != 0 {
		t.Fatal("a mail was queued without an address")
	}
	person, err := p.store.Person(context.Background(), seat.PersonID)
	if err != nil {
		t.Fatal(err)
	}
	person.Email = "nouvelle.membre@test.example"
	if err := p.store.UpdatePerson(context.Background(), person); err != nil {
		t.Fatal(err)
	}
	if res := sec.postForm(invite, nil); res.StatusCode != http.StatusSeeOther {
		t.Fatalf("invite: got %d, want 303", res.StatusCode)
	}
	if page := sec.get("/admin/outbox").body; !strings.Contains(page, "nouvelle.membre@test.example") {
		t.Fatal("the invitation is not in the outbox page")
	}
	link := linkIn(t, p, "nouvelle.membre@test.example")

	newcomer := p.client()
	if res := newcomer.get(link); res.StatusCode != http.StatusOK {
		t.Fatalf("invitation link: got %d, want 200", res.StatusCode)
	}
	res = newcomer.postForm(link, url.Values{"new": {"court"}, "confirm": {"court"}})
	if res.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(res.body, "au moins 12 caractères") {
		t.Fatalf("short password: got %d", res.StatusCode)
	}
	const pw = "une invitation bien reçue"
	if res := newcomer.postForm(link, url.Values{"new": {pw}, "confirm": {pw}}); res.StatusCode != http.StatusSeeOther {
		t.Fatalf("set password: got %d, want 303", res.StatusCode)
	}
	page := newcomer.get("/account")
	if page.StatusCode != http.StatusOK || !strings.Contains(page.body, "ECPAT France") || !strings.Contains(page.body, "Membre") {
		t.Fatalf("account after invitation: %d, want the member role with the seat's body", page.StatusCode)
	}
	if res := p.client().get(link); res.StatusCode != http.StatusNotFound {
		t.Fatalf("second use of the link: got %d, want 404", res.StatusCode)
	}
	if res := p.client().postForm("/login", url.Values{"email": {"nouvelle.membre@test.example"}, "password": {pw}}); res.StatusCode != http.StatusSeeOther {
		t.Fatalf("sign-in with the chosen password: got %d", res.StatusCode)
	}
	if res := sec.postForm(invite, nil); res.StatusCode != http.StatusSeeOther {
		t.Fatalf("second invitation: got %d", res.StatusCode)
	}
	if mails, _ := p.store.MailsTo(context.Background(), "nouvelle.membre@test.example"); len(mails) != 1 {
		t.Fatalf("a second invitation was sent to a person with an account: %d mails", len(mails))
	}
}

func TestPasswordResetWorksOnceAndSaysNothing(t *testing.T) {
	p := newPortal(t, nil)
	email := p.emails[roleAssociation]
	known := p.client().postForm("/password-reset", url.Values{"email": {email}})
	unknown := p.client().postForm("/password-reset", url.Values{"email": {"personne@test.example"}})
	if known.StatusCode != unknown.StatusCode || known.Header.Get("Location") != unknown.Header.Get("Location") {
		t.Fatalf("known and unknown addresses answered differently: %d %q / %d %q", known.StatusCode,
			known.Header.Get("Location"), unknown.StatusCode, unknown.Header.Get("Location"))
	}
	if mails, _ := p.store.MailsTo(context.Background(), "personne@test.example"); len(mails) != 0 {
		t.Fatal("a mail was sent to an unknown address")
	}
	link := linkIn(t, p, email)
	other := p.as(roleAssociation)
	const pw = "un mot de passe retrouvé"
	if res := p.client().postForm(link, url.Values{"new": {pw}, "confirm": {pw}}); res.StatusCode != http.StatusSeeOther {
		t.Fatalf("reset: got %d, want 303", res.StatusCode)
	}
	if res := p.client().postForm(link, url.Values{"new": {pw + "!"}, "confirm": {pw + "!"}}); res.StatusCode != http.StatusNotFound {
		t.Fatalf("second use of the reset link: got %d, want 404", res.StatusCode)
	}
	if got := other.get("/account").StatusCode; got != http.StatusSeeOther {
		t.Fatalf("session opened before the reset: got %d, want 303 to login", got)
	}
	if res := p.client().postForm("/login", url.Values{"email": {email}, "password": {pw}}); res.StatusCode != http.StatusSeeOther {
		t.Fatalf("sign-in with the new password: got %d", res.StatusCode)
	}
	for i := 0; i < maxResetsPerHour+2; i++ {
		p.client().postForm("/password-reset", url.Values{"email": {email}})
	}
	if mails, _ := p.store.MailsTo(context.Background(), email); len(mails) > maxResetsPerHour {
		t.Fatalf("%d reset mails in an hour, want at most %d", len(mails), maxResetsPerHour)
	}
}

func TestDeactivationEndsSessionsAtOnce(t *testing.T) {
	p := newPortal(t, nil)
	member := p.as(roleUnion)
	a, err := p.store.AccountByEmail(context.Background(), p.emails[roleUnion])
	if err != nil {
		t.Fatal(err)
	}
	sec := p.as(roleSecretariat)
	if res := sec.postForm(fmt.Sprintf("/admin/accounts/%d", a.ID), url.Values{"action": {"deactivate"}}); res.StatusCode != http.StatusSeeOther {
		t.Fatalf("deactivate: got %d", res.StatusCode)
	}
	if got := member.get("/account").StatusCode; got != http.StatusSeeOther {
		t.Fatalf("session of a deactivated account: got %d, want 303 to login", got)
	}
	if res := sec.postForm(fmt.Sprintf("/admin/accounts/%d", a.ID), url.Values{"action": {"role"}, "role": {"pilot"}}); res.StatusCode != http.StatusSeeOther {
		t.Fatalf("role change: got %d", res.StatusCode)
	}
	if got, _ := p.store.Account(context.Background(), a.ID); got.Role != model.RolePilot {
		t.Fatalf("role: got %s, want pilot", got.Role)
	}
	if res := sec.postForm(fmt.Sprintf("/admin/accounts/%d", a.ID), url.Values{"action": {"role"}, "role": {"emperor"}}); res.StatusCode != http.StatusBadRequest {
		t.Fatalf("unknown role: got %d, want 400", res.StatusCode)
	}
}

func TestContactDetailsStayPrivate(t *testing.T) {
	p := newPortal(t, nil)
	seat := seatOf(t, p, "cncdh", model.SeatTitulaire)
	person, _ := p.store.Person(context.Background(), seat.PersonID)
	person.Email, person.Phone = "secret.titulaire@test.example", "01 23 45 67 89"
	if err := p.store.UpdatePerson(context.Background(), person); err != nil {
		t.Fatal(err)
	}
	for _, r := range []role{rolePublic, roleIndependent, rolePilot} {
		c := p.as(r)
		for _, path := range []string{"/members", fmt.Sprintf("/members/%d", seat.BodyID), "/members.csv", "/api/v1/members",
			fmt.Sprintf("/mandates/%d", seat.MandateID)} {
			res := c.get(path)
			if strings.Contains(res.body, "secret.titulaire") || strings.Contains(res.body, "01 23 45") {
				t.Errorf("%s as %s shows a personal contact detail", path, r)
			}
		}
		for _, path := range []string{"/admin/people", fmt.Sprintf("/admin/people/%d/edit", person.ID)} {
			if res := c.get(path); res.StatusCode == http.StatusOK {
				t.Errorf("%s as %s: got 200", path, r)
			}
		}
	}
	if page := p.as(roleSecretariat).get("/admin/people").body; !strings.Contains(page, "secret.titulaire@test.example") {
		t.Error("the secretariat does not see the contact details it manages")
	}
}

func TestBodyFormKeepsInputAndAudits(t *testing.T) {
	p := newPortal(t, nil)
	sec := p.as(roleSecretariat)
	res := sec.postForm("/admin/bodies/new", url.Values{"name": {"Fondation d'exemple"}, "category": {"aucune"}, "website": {"exemple.fr"}})
	if res.StatusCode != http.StatusUnprocessableEntity {
		t.Fatalf("invalid body: got %d", res.StatusCode)
	}
	for _, want := range []string{"Faites un choix dans la liste.", "commençant par https://", `value="Fondation d&#39;exemple"`, `href="#champ-category"`} {
		if !strings.Contains(res.body, want) {
			t.Errorf("invalid body page lacks %q", want)
		}
	}
	res = sec.postForm("/admin/bodies/new", url.Values{"name": {"Fondation d'exemple"}, "category": {"association"}, "website": {"https://exemple.fr"}})
	if res.StatusCode != http.StatusSeeOther {
		t.Fatalf("create body: got %d", res.StatusCode)
	}
	b, err := p.store.BodyBySlug(context.Background(), "fondation-d-exemple")
	if err != nil {
		t.Fatal(err)
	}
	if res := sec.postForm(fmt.Sprintf("/admin/bodies/%d/delete", b.ID), nil); res.StatusCode != http.StatusSeeOther {
		t.Fatalf("delete: got %d", res.StatusCode)
	}
	if _, err := p.store.Body(context.Background(), b.ID); err == nil {
		t.Fatal("the body still exists after its deletion")
	}
	page := sec.get("/admin/audit?type=body").body
	for _, want := range []string{"body.create", "body.delete"} {
		if !strings.Contains(page, want) {
			t.Errorf("audit filtered on bodies lacks %s", want)
		}
	}
	if strings.Contains(sec.get("/admin/audit?type=seat").body, "body.create") {
		t.Error("the audit filter on seats shows body changes")
	}
}
