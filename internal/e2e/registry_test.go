package e2e

import (
	"context"
	"encoding/json"
	"os"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"

	"comite/internal/browsertest"
	"comite/internal/jo"
)

// The demo committee's mandate, and two of its associations.
const (
	mandateLabel = "Mandature 2024"
	ccem         = "Comité contre l'esclavage moderne"
	ecpat        = "ECPAT France"
)

// Links that the portal mails: an invitation and a password reset.
var (
	invitationLinkRe = regexp.MustCompile(`/invitation/[A-Za-z0-9_-]+`)
	resetLinkRe      = regexp.MustCompile(`/password-reset/[A-Za-z0-9_-]+`)
)

func TestJOImportInBrowser(t *testing.T) {
	t.Parallel()
	arrete, err := os.ReadFile("../jo/testdata/arrete-2024-comite.txt")
	if err != nil {
		t.Fatal(err)
	}
	parsed := jo.Parse(string(arrete))
	if len(parsed.Unrecognised) == 0 {
		t.Fatalf("jo.Parse finds no unrecognised line in the test arrêté: the test needs its garbled line")
	}
	garbled := parsed.Unrecognised[0]
	p := newPortal(t)
	sec := browsertest.NewTab(t, alloc)
	pub := browsertest.NewTab(t, alloc)
	signIn(t, sec, p, "secretariat")
	mandate := openMandate(t, sec, p)

	if got := followElement(t, sec, linkByText("main", "Importer l'arrêté du Journal officiel"), "link to the JO import"); got != 200 {
		t.Fatalf("GET %s: status %d, want 200", location(t, sec).Path, got)
	}
	if got, want := location(t, sec).Path, mandate+"/import"; got != want {
		t.Fatalf("import link: landed on %s, want %s", got, want)
	}
	if got, want := text(t, sec, "h1"), "Importer l'arrêté – "+mandateLabel; got != want {
		t.Errorf("import heading: got %q, want %q", got, want)
	}
	setField(t, sec, "#champ-text", string(arrete))
	setField(t, sec, "#champ-effective", "2026-01-05")
	if got := follow(t, sec, chromedp.Click(chromedp.CSS("[data-testid=preview]"))); got != 200 {
		t.Fatalf("preview: status %d, want 200 (%s)", got, textOrNone(t, sec, "[data-testid=error-summary]"))
	}
	do(t, sec, chromedp.WaitVisible(chromedp.CSS("[data-testid=import-preview]")))
	if problems := textOrNone(t, sec, "[data-testid=import-problems]"); problems != "" {
		t.Errorf("preview shows problems: %s", problems)
	}
	lines := js[[]string](t, sec, `[...document.querySelectorAll('[data-testid=import-unrecognised] li')].map(li => li.textContent)`)
	prefix := "Ligne " + strconv.Itoa(garbled.Number) + " :"
	if !slices.ContainsFunc(lines, func(l string) bool {
		l = squeeze(l)
		return strings.HasPrefix(l, prefix) && strings.Contains(l, squeeze(garbled.Text))
	}) {
		t.Errorf("unrecognised lines %q, want one %q with %q", lines, prefix, garbled.Text)
	}
	summary := squeeze(text(t, sec, "[data-testid=import-summary]"))
	if want := "à compter du 5 janvier 2026"; !strings.Contains(summary, want) {
		t.Errorf("import summary %q, want it to say %q", summary, want)
	}

	// The preview wrote nothing: the public still sees the demo holders.
	visit(t, pub, p.URL+"/members")
	before := holdersOf(t, pub, "Associations", ccem)
	if len(before) == 0 {
		t.Fatalf("/members lists no holder for %s", ccem)
	}
	for _, h := range before {
		if !h.Example || strings.Contains(h.Text, "Camille ROUSSEL") {
			t.Errorf("before the import, /members lists %+v for %s, want a demo holder tagged « exemple »", h, ccem)
		}
	}
	if got, want := followElement(t, pub, "document.querySelector('[data-testid=members-lead] a')", "link to the mandate"), int64(200); got != want {
		t.Fatalf("GET mandate page: status %d, want %d", got, want)
	}
	publicMandate := location(t, pub).Path
	if ref := text(t, pub, "[data-testid=jo-reference]"); strings.Contains(ref, parsed.NOR) {
		t.Errorf("before the import, %s already shows NOR %s:\n%s", publicMandate, parsed.NOR, ref)
	}

	if got := follow(t, sec, chromedp.Click(chromedp.CSS("[data-testid=confirm-import]"))); got != 200 {
		t.Fatalf("confirm import: status %d, want 200", got)
	}
	if got := location(t, sec).Path; got != mandate {
		t.Errorf("after the import: landed on %s, want %s", got, mandate)
	}
	if got := text(t, sec, "[data-testid=flash]"); !strings.HasPrefix(got, "Import terminé") {
		t.Errorf("flash after the import: got %q, want it to start with « Import terminé »", got)
	}

	visit(t, pub, p.URL+"/members")
	after := holdersOf(t, pub, "Associations", ccem)
	if want := (holder{Text: "Titulaire : Mme Camille ROUSSEL"}); !slices.Contains(after, want) {
		t.Errorf("after the import, /members lists %+v for %s, want %+v", after, ccem, want)
	}
	if got := visit(t, pub, p.URL+publicMandate); got != 200 {
		t.Fatalf("GET %s: status %d, want 200", publicMandate, got)
	}
	if ref := squeeze(text(t, pub, "[data-testid=jo-reference]")); !strings.Contains(ref, "NOR DFEA2406543A") {
		t.Errorf("after the import, %s JO reference:\n%s\nwant NOR DFEA2406543A", publicMandate, ref)
	}
}

func TestReplacementKeepsHistoryInBrowser(t *testing.T) {
	t.Parallel()
	p := newPortal(t)
	sec := browsertest.NewTab(t, alloc)
	signIn(t, sec, p, "secretariat")
	mandate := openMandate(t, sec, p)

	row := seatRow(ccem, "Titulaire")
	former := seatHolder(t, sec, row)
	if got := followElement(t, sec, rowLink(row, "Remplacer"), "Remplacer link for the "+ccem+" titulaire"); got != 200 {
		t.Fatalf("GET replace form: status %d, want 200", got)
	}
	if got, want := text(t, sec, "h1"), "Remplacer "+former+" ("+ccem+")"; got != want {
		t.Errorf("replace heading: got %q, want %q", got, want)
	}
	replaceForm := location(t, sec).Path

	// Without a date, the form comes back with its errors.
	if got := follow(t, sec, chromedp.Click(chromedp.CSS("[data-testid=submit]"))); got != 422 {
		t.Errorf("replacement without a date: status %d, want 422", got)
	}
	do(t, sec, chromedp.WaitVisible(chromedp.CSS("[data-testid=error-summary]")))
	if got, want := squeeze(text(t, sec, "[data-testid=error-summary]")), "Date de prise de fonction du remplaçant : Saisissez une date."; !strings.Contains(got, want) {
		t.Errorf("error summary %q, want it to contain %q", got, want)
	}
	links := js[[]string](t, sec, `[...document.querySelectorAll('[data-testid=error-summary] a')].map(a => a.getAttribute('href'))`)
	if !slices.Contains(links, "#champ-from") {
		t.Errorf("error summary links %q, want one to #champ-from", links)
	}
	if title := get(t, sec, chromedp.Title()); !strings.HasPrefix(title, "Erreur") {
		t.Errorf("title %q, want it to start with Erreur", title)
	}
	if got := location(t, sec).Path; got != replaceForm {
		t.Errorf("after the refused form: on %s, want %s", got, replaceForm)
	}

	setField(t, sec, "#champ-from", "2025-09-01")
	setField(t, sec, "#champ-new_civility", "Mme")
	setField(t, sec, "#champ-new_given_name", "Jeanne")
	setField(t, sec, "#champ-new_family_name", "NOUVEL")
	if got := follow(t, sec, chromedp.Click(chromedp.CSS("[data-testid=submit]"))); got != 200 {
		t.Fatalf("replacement: status %d, want 200 (%s)", got, textOrNone(t, sec, "[data-testid=error-summary]"))
	}
	if got := location(t, sec).Path; got != mandate {
		t.Errorf("after the replacement: landed on %s, want %s", got, mandate)
	}
	if got, want := text(t, sec, "[data-testid=flash]"), "Le remplacement a été enregistré ; l'ancien siège est clos au 31 août 2025."; got != want {
		t.Errorf("flash: got %q, want %q", got, want)
	}
	if got, want := seatHolder(t, sec, row), "Mme Jeanne NOUVEL"; got != want {
		t.Errorf("%s titulaire on %s: got %q, want %q", ccem, mandate, got, want)
	}

	// The public sees the new holder, and the former one in the history.
	pub := browsertest.NewTab(t, alloc)
	visit(t, pub, p.URL+"/members")
	if got := followElement(t, pub, linkByText("[data-testid=category]", ccem), "link to "+ccem); got != 200 {
		t.Fatalf("GET body page: status %d, want 200", got)
	}
	if got := text(t, pub, "h1"); !strings.HasPrefix(got, ccem) {
		t.Errorf("body page heading: got %q, want %q", got, ccem)
	}
	current := seatsUnder(t, pub, "Sièges actuels")
	if !slices.ContainsFunc(current, func(r string) bool {
		return strings.HasSuffix(r, " | Titulaire | Mme Jeanne NOUVEL | depuis le 1er septembre 2025")
	}) {
		t.Errorf("« Sièges actuels » rows %q, want Mme Jeanne NOUVEL, titulaire depuis le 1er septembre 2025", current)
	}
	past := seatsUnder(t, pub, "Historique")
	if !slices.ContainsFunc(past, func(r string) bool {
		return strings.HasSuffix(r, " | Titulaire | "+former+" | du 21 mars 2024 au 31 août 2025")
	}) {
		t.Errorf("« Historique » rows %q, want %s, titulaire du 21 mars 2024 au 31 août 2025", past, former)
	}
	if slices.ContainsFunc(current, func(r string) bool { return strings.Contains(r, former) }) {
		t.Errorf("« Sièges actuels » rows %q still list %s", current, former)
	}
}

func TestInvitationFromOutboxInBrowser(t *testing.T) {
	t.Parallel()
	const (
		email    = "invitee@test.example"
		password = "trois pommes vertes sous la pluie"
	)
	p := newPortal(t)
	sec := browsertest.NewTab(t, alloc)
	signIn(t, sec, p, "secretariat")
	mandate := openMandate(t, sec, p)
	row := seatRow(ecpat, "Titulaire")
	name := seatHolder(t, sec, row)

	// The secretariat gives the holder an e-mail address…
	visit(t, sec, p.URL+"/admin/people")
	person := `[...document.querySelectorAll('[data-testid=people] tbody tr')].find(tr =>
		tr.cells[0].textContent.trim().startsWith(` + jsString(name) + `) && tr.cells[1].textContent.trim() === ` + jsString(ecpat) + `)`
	if got := followElement(t, sec, rowLink(person, "Modifier"), "Modifier link for "+name); got != 200 {
		t.Fatalf("GET person form: status %d, want 200", got)
	}
	setField(t, sec, "#champ-email", email)
	if got := follow(t, sec, chromedp.Click(chromedp.CSS("[data-testid=submit]"))); got != 200 {
		t.Fatalf("save person: status %d, want 200 (%s)", got, textOrNone(t, sec, "[data-testid=error-summary]"))
	}
	if got, want := text(t, sec, "[data-testid=flash]"), "La fiche de "+name+" a été modifiée."; got != want {
		t.Errorf("flash after saving the person: got %q, want %q", got, want)
	}

	// …then invites them from their seat.
	visit(t, sec, p.URL+mandate)
	if got := followElement(t, sec, rowLink(row, "Inviter"), "Inviter link for the "+ecpat+" titulaire"); got != 200 {
		t.Fatalf("GET invitation page: status %d, want 200", got)
	}
	if got, want := text(t, sec, "h1"), "Inviter "+name; got != want {
		t.Errorf("invitation heading: got %q, want %q", got, want)
	}
	if got := text(t, sec, "[role=alert]"); !strings.Contains(got, email) || !strings.Contains(got, ecpat) {
		t.Errorf("invitation message %q, want it to name %s and %s", got, email, ecpat)
	}
	if got := follow(t, sec, chromedp.Click(chromedp.CSS("[data-testid=confirm]"))); got != 200 {
		t.Fatalf("send invitation: status %d, want 200", got)
	}
	if got, want := text(t, sec, "[data-testid=flash]"), "L'invitation a été envoyée à "+email+"."; got != want {
		t.Errorf("flash after the invitation: got %q, want %q", got, want)
	}
	if got := js[string](t, sec, `(`+row+`)?.cells[2].innerText ?? ''`); !strings.Contains(got, "Compte\u00a0: "+email) {
		t.Errorf("%s titulaire cell %q, want it to show « Compte : %s »", ecpat, got, email)
	}
	if js[bool](t, sec, `!!(`+rowLink(row, "Inviter")+`)`) {
		t.Errorf("the %s titulaire, invited, still has an Inviter link", ecpat)
	}
	link := mailedLink(t, sec, p, email, invitationLinkRe)

	// The invitee chooses a password and is signed in.
	invitee := browsertest.NewTab(t, alloc)
	if got := visit(t, invitee, p.URL+link); got != 200 {
		t.Fatalf("GET invitation link: status %d, want 200", got)
	}
	if got, want := text(t, invitee, "h1"), "Activer votre compte"; got != want {
		t.Errorf("invitation page heading: got %q, want %q", got, want)
	}
	choosePassword(t, invitee, password)
	if got, want := text(t, invitee, "[data-testid=account-body]"), ecpat; !strings.HasPrefix(got, want) {
		t.Errorf("/account body: got %q, want %q", got, want)
	}
	if got, want := text(t, invitee, "[data-testid=account-role]"), "Membre"; got != want {
		t.Errorf("/account role: got %q, want %q", got, want)
	}
	if got := text(t, invitee, "[data-testid=account-link]"); got != name {
		t.Errorf("header account link: got %q, want %q", got, name)
	}

	follow(t, invitee, chromedp.Click(chromedp.CSS("[data-testid=logout]")))
	if got, want := text(t, invitee, "[data-testid=flash]"), "Vous êtes déconnecté."; got != want {
		t.Errorf("flash after sign-out: got %q, want %q", got, want)
	}
	signInWith(t, invitee, p, email, password, name)

	// The link served once.
	wantInvalidLink(t, browsertest.NewTab(t, alloc), p.URL+link)
}

func TestPasswordResetOnceInBrowser(t *testing.T) {
	t.Parallel()
	const password = "une autre phrase pour mon compte"
	p := newPortal(t)
	who := p.creds["association"]

	pub := browsertest.NewTab(t, alloc)
	visit(t, pub, p.URL+"/login")
	if got := followElement(t, pub, linkByText("main", "Mot de passe oublié\u202f?"), "link « Mot de passe oublié ? »"); got != 200 {
		t.Fatalf("GET /password-reset: status %d, want 200", got)
	}
	if got, want := text(t, pub, "h1"), "Mot de passe oublié"; got != want {
		t.Errorf("reset page heading: got %q, want %q", got, want)
	}
	setField(t, pub, "#champ-email", who.Email)
	if got := follow(t, pub, chromedp.Click(chromedp.CSS("[data-testid=submit]"))); got != 200 {
		t.Fatalf("reset request: status %d, want 200 (%s)", got, textOrNone(t, pub, "[data-testid=error-summary]"))
	}
	if got := location(t, pub).Path; got != "/login" {
		t.Errorf("after the reset request: landed on %s, want /login", got)
	}
	if got := text(t, pub, "[data-testid=flash]"); !strings.HasPrefix(got, "Si un compte correspond à cette adresse") {
		t.Errorf("flash after the reset request: got %q, want it to start with « Si un compte correspond à cette adresse »", got)
	}

	sec := browsertest.NewTab(t, alloc)
	signIn(t, sec, p, "secretariat")
	link := mailedLink(t, sec, p, who.Email, resetLinkRe)

	if got := visit(t, pub, p.URL+link); got != 200 {
		t.Fatalf("GET reset link: status %d, want 200", got)
	}
	if got, want := text(t, pub, "h1"), "Choisir un nouveau mot de passe"; got != want {
		t.Errorf("reset link heading: got %q, want %q", got, want)
	}
	choosePassword(t, pub, password)
	if got := text(t, pub, "[data-testid=account-link]"); got != p.names["association"] {
		t.Errorf("header account link: got %q, want %q", got, p.names["association"])
	}

	other := browsertest.NewTab(t, alloc)
	wantInvalidLink(t, other, p.URL+link)

	// The old password no longer works; the new one does.
	visit(t, other, p.URL+"/login")
	do(t, other,
		chromedp.SendKeys(chromedp.CSS("#champ-email"), who.Email),
		chromedp.SendKeys(chromedp.CSS("#champ-password"), who.Password),
	)
	if got := follow(t, other, chromedp.Click(chromedp.CSS("[data-testid=login-submit]"))); got != 401 {
		t.Errorf("sign-in with the old password: status %d, want 401", got)
	}
	signInWith(t, other, p, who.Email, password, p.names["association"])
}

// openMandate follows, from the list of mandates, the link to the demo
// mandate's seats, and returns the path of that page.
func openMandate(t testing.TB, ctx context.Context, p *portal) string {
	t.Helper()
	visit(t, ctx, p.URL+"/admin/mandates")
	if got := followElement(t, ctx, linkByText("main", mandateLabel), "link to "+mandateLabel); got != 200 {
		t.Fatalf("GET mandate seats: status %d, want 200", got)
	}
	if got := text(t, ctx, "h1"); got != mandateLabel {
		t.Fatalf("mandate heading: got %q, want %q", got, mandateLabel)
	}
	return location(t, ctx).Path
}

// followElement clicks the element that the JavaScript expression el
// returns, as follow does; what names it when it is missing.
func followElement(t testing.TB, ctx context.Context, el, what string) int64 {
	t.Helper()
	if !js[bool](t, ctx, `!!(`+el+`)`) {
		t.Fatalf("%s: no %s", location(t, ctx).Path, what)
	}
	return follow(t, ctx, chromedp.Click(chromedp.JSPath(el)))
}

// linkByText is a JavaScript expression for the first link under the CSS
// selector scope whose text is text.
func linkByText(scope, text string) string {
	return `[...document.querySelectorAll(` + jsString(scope+" a") + `)].find(a => a.textContent.trim() === ` + jsString(text) + `)`
}

// seatRow is a JavaScript expression for the row of the open seats table
// of a mandate for the seat of body in role.
func seatRow(body, role string) string {
	return `[...document.querySelectorAll('[data-testid=open-seats] tbody tr')].find(tr =>
		tr.cells[0].textContent.trim() === ` + jsString(body) + ` && tr.cells[1].textContent.trim() === ` + jsString(role) + `)`
}

// rowLink is a JavaScript expression for the link of the row whose text
// starts with action.
func rowLink(row, action string) string {
	return `[...((` + row + `)?.querySelectorAll('a') ?? [])].find(a => a.textContent.trim().startsWith(` + jsString(action) + `))`
}

// seatHolder returns the name of the holder in a row of the seats table.
func seatHolder(t testing.TB, ctx context.Context, row string) string {
	t.Helper()
	name := js[string](t, ctx, `(() => {
		const tr = `+row+`;
		return tr ? tr.cells[2].innerText.split('\n')[0].trim() : '';
	})()`)
	if name == "" {
		t.Fatalf("%s: no such seat row, or vacant: %s", location(t, ctx).Path, row)
	}
	return name
}

// holder is one line of a body's holders on /members.
type holder struct {
	// Text is the line without its « exemple » tag: « Titulaire : Mme … ».
	Text string `json:"text"`
	// Example tells whether the line has the tag of illustrative data.
	Example bool `json:"example"`
}

// holdersOf returns the holders listed under body in the category section
// of /members whose heading starts with category.
func holdersOf(t testing.TB, ctx context.Context, category, body string) []holder {
	t.Helper()
	holders := js[[]holder](t, ctx, `(() => {
		const s = [...document.querySelectorAll('[data-testid=category]')]
			.find(s => s.querySelector('h2').textContent.trim().startsWith(`+jsString(category)+`));
		const a = s && [...s.querySelectorAll('ul.bodies > li > a')].find(a => a.textContent.trim() === `+jsString(body)+`);
		return a ? [...a.parentElement.querySelectorAll('ul.holders > li')].map(li => {
			const c = li.cloneNode(true), tag = c.querySelector('.tag-example');
			if (tag) tag.remove();
			return {text: c.textContent, example: !!tag};
		}) : [];
	})()`)
	for i := range holders {
		holders[i].Text = squeeze(holders[i].Text)
	}
	return holders
}

// seatsUnder returns the rows of the seat table below the heading, each as
// its cells' text joined by " | ", without the « exemple » tags.
func seatsUnder(t testing.TB, ctx context.Context, heading string) []string {
	t.Helper()
	rows := js[[][]string](t, ctx, `(() => {
		const h = [...document.querySelectorAll('main h2')].find(h => h.textContent.trim() === `+jsString(heading)+`);
		let table = h && h.nextElementSibling;
		if (table && table.matches('.table-scroll')) table = table.querySelector('table');
		if (!table || !table.matches('table')) return [];
		return [...table.querySelectorAll('tbody tr')].map(tr => [...tr.cells].map(td => {
			const c = td.cloneNode(true);
			c.querySelectorAll('.tag-example').forEach(tag => tag.remove());
			return c.textContent;
		}));
	})()`)
	var out []string
	for _, cells := range rows {
		for i, c := range cells {
			cells[i] = squeeze(c)
		}
		out = append(out, strings.Join(cells, " | "))
	}
	return out
}

// mailedLink opens the outbox, checks that the newest mail to the address
// to shows the link that matches re with its token masked, and returns the
// path of the whole link, read in the mail as sent (the outbox table).
func mailedLink(t testing.TB, ctx context.Context, p *portal, to string, re *regexp.Regexp) string {
	t.Helper()
	if got := visit(t, ctx, p.URL+"/admin/outbox"); got != 200 {
		t.Fatalf("GET /admin/outbox: status %d, want 200", got)
	}
	type mail struct {
		Meta string `json:"meta"`
		Body string `json:"body"`
	}
	mails := js[[]mail](t, ctx, `[...document.querySelectorAll('[data-testid=mail]')].map(m => ({
		meta: m.querySelector('.meta').textContent,
		body: m.querySelector('pre').textContent,
	}))`)
	for _, m := range mails {
		if !strings.Contains(squeeze(m.Meta), "À "+to+",") {
			continue
		}
		sent, err := p.store.MailsTo(context.Background(), to)
		if err != nil || len(sent) == 0 {
			t.Fatalf("mails to %s in the outbox table: %d, %v", to, len(sent), err)
		}
		link := re.FindString(sent[0].Text)
		if link == "" {
			t.Fatalf("the newest mail to %s has no link %s:\n%s", to, re, sent[0].Text)
		}
		prefix, token := link[:strings.LastIndexByte(link, '/')+1], link[strings.LastIndexByte(link, '/')+1:]
		if strings.Contains(m.Body, token) || !strings.Contains(m.Body, prefix+token[:4]+"…") {
			t.Fatalf("/admin/outbox shows the mail to %s with its link not masked as %s…:\n%s", to, prefix+token[:4], m.Body)
		}
		return link
	}
	t.Fatalf("/admin/outbox has no mail to %s among %d", to, len(mails))
	return ""
}

// choosePassword fills the form of an invitation or reset link and checks
// that it signs the user in.
func choosePassword(t testing.TB, ctx context.Context, password string) {
	t.Helper()
	do(t, ctx,
		chromedp.SendKeys(chromedp.CSS("#champ-new"), password),
		chromedp.SendKeys(chromedp.CSS("#champ-confirm"), password),
	)
	if got := follow(t, ctx, chromedp.Click(chromedp.CSS("[data-testid=submit]"))); got != 200 {
		t.Fatalf("choose password: status %d, want 200 (%s)", got, textOrNone(t, ctx, "[data-testid=error-summary]"))
	}
	if got := location(t, ctx).Path; got != "/account" {
		t.Errorf("after choosing a password: landed on %s, want /account", got)
	}
	if got, want := text(t, ctx, "[data-testid=flash]"), "Votre mot de passe est enregistré. Vous êtes connecté."; got != want {
		t.Errorf("flash after choosing a password: got %q, want %q", got, want)
	}
}

// signInWith signs in through the login form and checks that the header
// then names the account.
func signInWith(t testing.TB, ctx context.Context, p *portal, email, password, name string) {
	t.Helper()
	if got := visit(t, ctx, p.URL+"/login"); got != 200 {
		t.Fatalf("GET /login: status %d, want 200", got)
	}
	do(t, ctx,
		chromedp.SendKeys(chromedp.CSS("#champ-email"), email),
		chromedp.SendKeys(chromedp.CSS("#champ-password"), password),
	)
	if got := follow(t, ctx, chromedp.Click(chromedp.CSS("[data-testid=login-submit]"))); got != 200 {
		t.Fatalf("sign-in as %s: status %d, want 200 (%s)", email, got, textOrNone(t, ctx, "[data-testid=login-problem]"))
	}
	if got := text(t, ctx, "[data-testid=account-link]"); got != name {
		t.Fatalf("header account link after signing in as %s: got %q, want %q", email, got, name)
	}
}

// wantInvalidLink opens a used link and checks the « Lien invalide » page.
func wantInvalidLink(t testing.TB, ctx context.Context, link string) {
	t.Helper()
	if got := visit(t, ctx, link); got != 404 {
		t.Errorf("GET the used link again: status %d, want 404", got)
	}
	if got, want := text(t, ctx, "[data-testid=error-title]"), "Lien invalide"; got != want {
		t.Errorf("used link heading: got %q, want %q", got, want)
	}
	if got, want := get(t, ctx, chromedp.Title()), "Lien invalide"+siteName; got != want {
		t.Errorf("used link title: got %q, want %q", got, want)
	}
	if got := text(t, ctx, "main"); !strings.Contains(got, "Ce lien n'est plus valable") {
		t.Errorf("used link page:\n%s\nwant it to explain « Ce lien n'est plus valable »", got)
	}
}

// setField sets the value of a form field as typing would, with the
// events a page may listen to; SendKeys is slow for long texts.
func setField(t testing.TB, ctx context.Context, sel, value string) {
	t.Helper()
	ok := js[bool](t, ctx, `(() => {
		const el = document.querySelector(`+jsString(sel)+`), v = `+jsString(value)+`;
		if (!el) return false;
		el.value = v;
		el.dispatchEvent(new Event('input', {bubbles: true}));
		el.dispatchEvent(new Event('change', {bubbles: true}));
		return el.value === v.replace(/\r\n?/g, '\n');
	})()`)
	if !ok {
		t.Fatalf("%s: cannot set %s to %.40q", location(t, ctx).Path, sel, value)
	}
}

// textOrNone returns the text of the first element that matches sel, or ""
// when there is none, without waiting.
func textOrNone(t testing.TB, ctx context.Context, sel string) string {
	t.Helper()
	return strings.TrimSpace(js[string](t, ctx, `document.querySelector(`+jsString(sel)+`)?.innerText ?? ''`))
}

// jsString quotes s as a JavaScript string literal.
func jsString(s string) string {
	b, err := json.Marshal(s)
	if err != nil {
		panic(err)
	}
	return string(b)
}

// squeeze collapses the runs of white space in s, as a reader sees them.
func squeeze(s string) string { return strings.Join(strings.Fields(s), " ") }
