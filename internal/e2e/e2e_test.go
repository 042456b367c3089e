package e2e

import (
	"context"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
	"github.com/chromedp/chromedp/kb"

	"comite/internal/browsertest"
)

// meetingTitle is the title of the seeded meeting.
const meetingTitle = "Première réunion du comité de coordination de la nouvelle mandature"

// siteName ends the title of every page.
const siteName = " – Comité de coordination"

func TestPublicVisitor(t *testing.T) {
	t.Parallel()
	p := newPortal(t)
	ctx := browsertest.NewTab(t, alloc)

	pages := []struct {
		path   string
		status int64
		title  string
		check  func(t *testing.T, ctx context.Context)
	}{
		{path: "/", status: 200, title: "Accueil"},
		{path: "/members", status: 200, title: "Membres du comité", check: checkMemberList},
		{path: "/accessibility", status: 200, title: "Déclaration d'accessibilité"},
		{path: "/privacy", status: 200, title: "Données personnelles"},
		{path: "/legal", status: 200, title: "Mentions légales"},
		{path: "/plans", status: 200, title: "Plans nationaux"},
		{path: "/documents", status: 200, title: "Documents"},
		{path: "/news", status: 200, title: "Actualités"},
		{path: "/login", status: 200, title: "Se connecter"},
		{path: "/nope", status: 404, title: "Page introuvable", check: func(t *testing.T, ctx context.Context) {
			if got, want := text(t, ctx, "[data-testid=error-title]"), "Page introuvable"; got != want {
				t.Errorf("/nope heading: got %q, want %q", got, want)
			}
		}},
	}
	pathOfTitle := map[string]string{}
	for _, pg := range pages {
		if got := visit(t, ctx, p.URL+pg.path); got != pg.status {
			t.Errorf("GET %s: status %d, want %d", pg.path, got, pg.status)
		}
		title := get(t, ctx, chromedp.Title())
		if want := pg.title + siteName; title != want {
			t.Errorf("%s: title %q, want %q", pg.path, title, want)
		}
		if other, ok := pathOfTitle[title]; ok {
			t.Errorf("%s and %s have the same title %q", other, pg.path, title)
		}
		pathOfTitle[title] = pg.path
		if got := js[string](t, ctx, `document.documentElement.lang`); got != "fr" {
			t.Errorf("%s: <html lang=%q>, want %q", pg.path, got, "fr")
		}
		footer := js[[]string](t, ctx, `[...document.querySelectorAll('footer a')].map(a => a.getAttribute('href'))`)
		for _, want := range []string{"/accessibility", "/privacy", "/legal"} {
			if !slices.Contains(footer, want) {
				t.Errorf("%s: footer links %q, want one to %s", pg.path, footer, want)
			}
		}
		if pg.check != nil {
			pg.check(t, ctx)
		}
	}

	// Past meetings are public by their date and title.
	visit(t, ctx, p.URL+"/meetings")
	if got := textOrNone(t, ctx, "[data-testid=past-meetings]"); !strings.Contains(got, "Première réunion du comité de coordination") {
		t.Errorf("/meetings for the public: past meetings %q, want the demo's first meeting", got)
	}
	// The meeting to come is the members': the public learns it exists.
	if got, want := squeeze(textOrNone(t, ctx, "[data-testid=members-only-meetings]")), "Une réunion réservée aux membres du comité est programmée."; !strings.HasPrefix(got, want) {
		t.Errorf("/meetings for the public: %q, want it to start with %q", got, want)
	}

	// The members' area and the back office send the public to sign in,
	// and back afterwards.
	for _, path := range []string{"/account", "/admin"} {
		if got := visit(t, ctx, p.URL+path); got != 200 {
			t.Errorf("GET %s, signed out: status %d after redirects, want 200", path, got)
		}
		wantLoginFor(t, ctx, path)
	}
}

// checkMemberList checks that the member list of the demo committee groups
// the bodies under category headings.
func checkMemberList(t *testing.T, ctx context.Context) {
	t.Helper()
	headings := js[[]string](t, ctx, `[...document.querySelectorAll('[data-testid=category] h2')].map(h => h.textContent.trim())`)
	if !slices.ContainsFunc(headings, func(h string) bool { return strings.HasPrefix(h, "Associations") }) {
		t.Errorf("/members headings %q, want one for Associations", headings)
	}
	associations := js[string](t, ctx, `(() => {
		const s = [...document.querySelectorAll('[data-testid=category]')]
			.find(s => s.querySelector('h2').textContent.trim().startsWith('Associations'));
		return s ? s.innerText : '';
	})()`)
	if want := "Comité contre l'esclavage moderne"; !strings.Contains(associations, want) {
		t.Errorf("/members Associations section:\n%s\nwant it to list %q", associations, want)
	}
}

func TestSignInAsEachRole(t *testing.T) {
	t.Parallel()
	p := newPortal(t)
	roles := []struct {
		who   string
		label string
		admin bool
	}{
		{"secretariat", "Secrétariat", true},
		{"pilote", "Pilote de mesures", false},
		{"association", "Membre", false},
		{"syndicat", "Membre", false},
		{"instance", "Membre", false},
	}
	for _, r := range roles {
		t.Run(r.who, func(t *testing.T) {
			t.Parallel()
			ctx := browsertest.NewTab(t, alloc)
			signIn(t, ctx, p, r.who)
			if got, want := text(t, ctx, "[data-testid=flash]"), "Vous êtes connecté."; got != want {
				t.Errorf("flash after sign-in: got %q, want %q", got, want)
			}

			if got := visit(t, ctx, p.URL+"/meetings"); got != 200 {
				t.Fatalf("GET /meetings: status %d, want 200", got)
			}
			href := js[string](t, ctx, `(() => {
				const a = [...document.querySelectorAll('[data-testid=past-meetings] a')]
					.find(a => a.textContent.trim() === `+strconv.Quote(meetingTitle)+`);
				return a ? a.getAttribute('href') : '';
			})()`)
			if href == "" {
				t.Fatalf("/meetings does not list %q", meetingTitle)
			}
			if got := follow(t, ctx, chromedp.Click(chromedp.CSS(`[data-testid=past-meetings] a[href="`+href+`"]`))); got != 200 {
				t.Fatalf("GET %s: status %d, want 200", href, got)
			}
			if got := text(t, ctx, "h1"); got != meetingTitle {
				t.Errorf("%s heading: got %q, want %q", href, got, meetingTitle)
			}

			if got := visit(t, ctx, p.URL+"/account"); got != 200 {
				t.Fatalf("GET /account: status %d, want 200", got)
			}
			if got := text(t, ctx, "[data-testid=account-role]"); got != r.label {
				t.Errorf("/account role: got %q, want %q", got, r.label)
			}

			status := visit(t, ctx, p.URL+"/admin")
			if r.admin {
				if status != 200 {
					t.Errorf("GET /admin: status %d, want 200", status)
				}
				if got, want := text(t, ctx, "h1"), "Administration"; got != want {
					t.Errorf("/admin heading: got %q, want %q", got, want)
				}
			} else {
				if status != 403 {
					t.Errorf("GET /admin: status %d, want 403", status)
				}
				if got, want := text(t, ctx, "[data-testid=error-title]"), "Accès refusé"; got != want {
					t.Errorf("/admin heading: got %q, want %q", got, want)
				}
			}

			follow(t, ctx, chromedp.Click(chromedp.CSS("[data-testid=logout]")))
			if got := location(t, ctx).Path; got != "/" {
				t.Errorf("after sign-out: landed on %q, want /", got)
			}
			if got, want := text(t, ctx, "[data-testid=flash]"), "Vous êtes déconnecté."; got != want {
				t.Errorf("flash after sign-out: got %q, want %q", got, want)
			}
			visit(t, ctx, p.URL+"/account")
			wantLoginFor(t, ctx, "/account")
		})
	}
}

func TestKeyboardOnly(t *testing.T) {
	t.Parallel()
	p := newPortal(t)
	ctx := browsertest.NewTab(t, alloc)
	visit(t, ctx, p.URL+"/login")

	// The first Tab reaches the skip link, which shows itself.
	do(t, ctx, chromedp.KeyEvent(kb.Tab))
	if got, want := js[string](t, ctx, `document.activeElement.textContent.trim()`), "Aller au contenu"; got != want {
		t.Fatalf("focus after the first Tab: got %q, want the skip link %q", got, want)
	}
	if left := js[float64](t, ctx, `document.activeElement.getBoundingClientRect().left`); left < 0 {
		t.Errorf("the focused skip link is off screen (left = %vpx)", left)
	}
	do(t, ctx, chromedp.KeyEvent(kb.Enter))
	waitFor(t, ctx, `location.hash === '#contenu' && document.activeElement.id === 'contenu'`,
		`'hash ' + location.hash + ', focus on ' + document.activeElement.outerHTML.slice(0, 80)`)

	// From the content, the form by keyboard only.
	email := p.creds["association"].Email
	do(t, ctx, chromedp.KeyEvent(kb.Tab))
	wantFocus(t, ctx, "champ-email")
	do(t, ctx, chromedp.KeyEvent(email), chromedp.KeyEvent(kb.Tab))
	wantFocus(t, ctx, "champ-password")
	do(t, ctx, chromedp.KeyEvent("pas-le-bon-mot-de-passe"))
	if got := follow(t, ctx, chromedp.KeyEvent(kb.Enter)); got != 401 {
		t.Errorf("sign-in with a wrong password: status %d, want 401", got)
	}
	if got, want := text(t, ctx, "[data-testid=login-problem]"), "Adresse électronique ou mot de passe incorrect."; got != want {
		t.Errorf("error: got %q, want %q", got, want)
	}
	if got := get(t, ctx, chromedp.Value(chromedp.CSS("#champ-email"))); got != email {
		t.Errorf("e-mail field after the error: got %q, want the typed %q", got, email)
	}
}

func TestLoginEmptyForm(t *testing.T) {
	t.Parallel()
	p := newPortal(t)
	ctx := browsertest.NewTab(t, alloc)
	visit(t, ctx, p.URL+"/login")

	if got := follow(t, ctx, chromedp.Click(chromedp.CSS("[data-testid=login-submit]"))); got != 422 {
		t.Errorf("empty sign-in form: status %d, want 422", got)
	}
	do(t, ctx, chromedp.WaitVisible(chromedp.CSS("[data-testid=error-summary]")))
	links := js[[]string](t, ctx, `[...document.querySelectorAll('[data-testid=error-summary] a')].map(a => a.getAttribute('href'))`)
	if want := []string{"#champ-email", "#champ-password"}; !slices.Equal(links, want) {
		t.Errorf("error summary links: got %q, want %q", links, want)
	}
	if title := get(t, ctx, chromedp.Title()); !strings.HasPrefix(title, "Erreur") {
		t.Errorf("title %q, want it to start with Erreur", title)
	}
	// A link of the summary takes the user to the field.
	do(t, ctx, chromedp.Click(chromedp.CSS(`[data-testid=error-summary] a[href="#champ-password"]`)))
	waitFor(t, ctx, `document.activeElement.id === 'champ-password'`,
		`'focus on ' + document.activeElement.outerHTML.slice(0, 80)`)
}

func TestFocusVisible(t *testing.T) {
	t.Parallel()
	p := newPortal(t)
	ctx := browsertest.NewTab(t, alloc)
	visit(t, ctx, p.URL+"/login")

	// Tab to the button, as a keyboard user does, so that :focus-visible applies.
	const onButton = `document.activeElement.matches('[data-testid=login-submit]')`
	for i := 0; i < 30 && !js[bool](t, ctx, onButton); i++ {
		do(t, ctx, chromedp.KeyEvent(kb.Tab))
	}
	if !js[bool](t, ctx, onButton) {
		t.Fatalf("30 presses of Tab did not reach the login button")
	}
	type focusStyle struct {
		Style        string `json:"style"`
		Width        string `json:"width"`
		FocusVisible bool   `json:"focusVisible"`
	}
	got := js[focusStyle](t, ctx, `(() => {
		const el = document.activeElement, s = getComputedStyle(el);
		return {style: s.outlineStyle, width: s.outlineWidth, focusVisible: el.matches(':focus-visible')};
	})()`)
	if !got.FocusVisible {
		t.Errorf("the login button, reached with Tab, does not match :focus-visible")
	}
	if got.Style == "none" {
		t.Errorf("focused login button: outline-style %q, want a visible outline", got.Style)
	}
	if got.Width != "3px" {
		t.Errorf("focused login button: outline-width %q, want %q", got.Width, "3px")
	}
}

func TestScreenshots(t *testing.T) {
	dir := os.Getenv("E2E_SCREENSHOTS")
	if dir == "" {
		t.Skip("set E2E_SCREENSHOTS to a folder to save screenshots of the main pages")
	}
	t.Parallel()
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	p := newPortal(t)
	ctx := browsertest.NewTab(t, alloc)
	shot := func(name string) {
		t.Helper()
		path := filepath.Join(dir, name+".png")
		if err := browsertest.Screenshot(ctx, path); err != nil {
			t.Fatal(err)
		}
		t.Logf("saved %s", path)
	}

	visit(t, ctx, p.URL+"/")
	shot("home")
	visit(t, ctx, p.URL+"/members")
	shot("members")
	visit(t, ctx, p.URL+"/login")
	follow(t, ctx, chromedp.Click(chromedp.CSS("[data-testid=login-submit]")))
	shot("login-errors")
	signIn(t, ctx, p, "secretariat")
	visit(t, ctx, p.URL+"/meetings")
	shot("meetings")
	visit(t, ctx, p.URL+"/admin")
	shot("admin")
}

// wantFocus checks that the element with id has the focus.
func wantFocus(t testing.TB, ctx context.Context, id string) {
	t.Helper()
	if got := js[string](t, ctx, `document.activeElement.id`); got != id {
		t.Fatalf("focus on #%s, want #%s", got, id)
	}
}

// waitFor waits up to 5 seconds for the JavaScript condition cond; if it
// stays false, it stops the test with the value of the expression state.
func waitFor(t testing.TB, ctx context.Context, cond, state string) {
	t.Helper()
	_, err := chromedp.Run(ctx, chromedp.Poll[bool](cond, chromedp.WithPollingTimeout(5*time.Second)))
	if err != nil {
		t.Fatalf("waiting for %s: %v (%s)", cond, err, js[string](t, ctx, state))
	}
}
