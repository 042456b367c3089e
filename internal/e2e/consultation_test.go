package e2e

import (
	"cmp"
	"context"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/chromedp/chromedp"

	"comite/internal/browsertest"
	"comite/internal/model"
)

// The consultation's second measure, in the same plan as dgtMeasure, and
// the address of the CNCDH member, who follows it.
const (
	otherMeasure  = "Mesure 4.1 (exemple)"
	instanceEmail = "instance@demo.comite.example"
)

var (
	// commentFragmentRe is where a posted comment sends its author back.
	commentFragmentRe = regexp.MustCompile(`^commentaire-(\d+)$`)
	// unsubscribeLinkRe is the link of a follower's mail.
	unsubscribeLinkRe = regexp.MustCompile(`https?://\S+/unsubscribe/[A-Za-z0-9_-]+`)
)

// A consultation on the DGT's demo measure, in the browser: a comment with
// markup that stays text, a union's reply and the pilot's official answer
// shown first, the author's edit and withdrawal, a flag the secretariat
// settles by hiding the comment, the closing of the consultation, a
// category the plan leaves out, and a follower's mail and its
// unsubscribe link.
func TestConsultationInBrowser(t *testing.T) {
	t.Parallel()
	p := newPortal(t)
	began := time.Now()
	step := func(what string) { t.Logf("%5.1fs %s", time.Since(began).Seconds(), what) }

	step("0. sign in, find the two measures")
	assoc, union, pilot, sec := consultationTab(t, "association"), consultationTab(t, "syndicat"), consultationTab(t, "pilote"), consultationTab(t, "secretariat")
	signInAs(t, assoc, p, "association")
	signInAs(t, union, p, "syndicat")
	signInAs(t, pilot, p, "pilote")
	signInAs(t, sec, p, "secretariat")
	planPath := openFollowedPlan(t, assoc, p)
	var measure, other string
	for _, r := range measureRows(t, assoc) {
		switch {
		case strings.HasPrefix(r.Label, dgtMeasure):
			measure = r.Href
		case strings.HasPrefix(r.Label, otherMeasure):
			other = r.Href
		}
	}
	if !measurePathRe.MatchString(measure) || !measurePathRe.MatchString(other) {
		t.Fatalf("%s lists %q at %q and %q at %q, want both at /measures/{id}", planPath, dgtMeasure, measure, otherMeasure, other)
	}

	step("1. the CCEM member comments with markup that must stay text")
	first := commentWithMarkup(t, assoc, p, measure)

	step("2-3. the union replies, then the DGT pilot answers officially")
	unionReply := "Nous partageons ce constat et demandons un bilan des contrôles."
	reply(t, union, p, measure, first, unionReply, false)
	wantNoScript(t, union, "the union member")
	pilotReply := "La DGT prévoit une formation commune des agents de contrôle."
	reply(t, pilot, p, measure, first, pilotReply, true)
	browsertest.CheckAxe(t, pilot)
	wantReplies(t, pilot, first, "the pilot", pilotReply, unionReply)
	reopen(t, assoc, p.URL+measure)
	wantReplies(t, assoc, first, "the CCEM member", pilotReply, unionReply)

	step("4. the CCEM member edits, then withdraws the comment")
	editAndWithdraw(t, assoc, p, measure, first)
	wantReplies(t, assoc, first, "the CCEM member after the withdrawal", pilotReply, unionReply)
	reopen(t, union, p.URL+measure)
	if got := textOrNone(t, union, commentSel(first)+" [data-testid=withdrawn]"); got != "Commentaire retiré par son auteur." {
		t.Errorf("withdrawn comment seen by the union member: %q, want « Commentaire retiré par son auteur. »", got)
	}
	wantReplies(t, union, first, "the union member after the withdrawal", pilotReply, unionReply)
	if has(t, union, "[data-testid=reply-toggle-"+first+"]") {
		t.Errorf("the withdrawn comment still takes replies")
	}

	step("5. a flag, settled by the secretariat")
	flagAndHide(t, assoc, union, sec, p, measure)

	step("6. the secretariat closes the consultation on the measure")
	closeConsultation(t, assoc, sec, p, measure)

	step("7. the plan leaves the unions out, on the other measure")
	leaveUnionsOut(t, union, sec, p, planPath, other)

	step("8. the CNCDH member follows the other measure, then unsubscribes")
	followAndUnsubscribe(t, assoc, sec, p, other)
	step("done")
}

// consultationTab opens a tab in a browser context of its own, as
// meetingTab does; when the test fails, it saves a screenshot of the page
// the tab shows, in $E2E_SCREENSHOTS or the temporary folder.
func consultationTab(t *testing.T, name string) context.Context {
	t.Helper()
	ctx := meetingTab(t)
	// Cleanups run last first: this one runs before the tab closes.
	t.Cleanup(func() {
		if !t.Failed() {
			return
		}
		dir := cmp.Or(os.Getenv("E2E_SCREENSHOTS"), os.TempDir())
		path := filepath.Join(dir, fmt.Sprintf("consultation-%d-%s.png", os.Getpid(), name))
		if err := browsertest.Screenshot(ctx, path); err != nil {
			t.Logf("screenshot of the %s tab: %v", name, err)
			return
		}
		t.Logf("screenshot of the %s tab: %s", name, path)
	})
	return ctx
}

// signInAs signs in as the demo account who, as signIn does, but fills
// the form at once and leaves axe out: the login page has its own tests,
// and this one signs in five times.
func signInAs(t testing.TB, ctx context.Context, p *portal, who string) {
	t.Helper()
	c := p.creds[who]
	if got := reopen(t, ctx, p.URL+"/login"); got != 200 {
		t.Fatalf("GET /login: status %d, want 200", got)
	}
	setField(t, ctx, "#champ-email", c.Email)
	setField(t, ctx, "#champ-password", c.Password)
	if got := pressCSS(t, ctx, "[data-testid=login-submit]"); got != 200 {
		t.Fatalf("sign-in as %s: status %d, want 200", who, got)
	}
	if got := textOrNone(t, ctx, "[data-testid=account-link]"); got != p.names[who] {
		t.Fatalf("header account link after signing in as %s: got %q, want %q", who, got, p.names[who])
	}
}

// reopen opens url as visit does, without checking the page with axe:
// for a page the test has checked in the same state of its markup.
func reopen(t testing.TB, ctx context.Context, url string) int64 {
	t.Helper()
	resp := get(t, ctx, chromedp.NavigateResponse(url))
	do(t, ctx, chromedp.WaitReady(chromedp.CSS("body")))
	return resp.Status
}

// press clicks the element el, a JavaScript expression, and waits for the
// page it loads, as followElement does, without checking that page with
// axe.
func press(t testing.TB, ctx context.Context, el, what string) int64 {
	t.Helper()
	if !js[bool](t, ctx, `!!(`+el+`)`) {
		t.Fatalf("%s: no %s", location(t, ctx).Path, what)
	}
	resp, err := chromedp.RunResponse(ctx, chromedp.Click(chromedp.JSPath(el)))
	if err != nil {
		t.Fatalf("browser: %v", err)
	}
	do(t, ctx, chromedp.WaitReady(chromedp.CSS("body")))
	return resp.Status
}

// pressCSS is press for the element that matches sel.
func pressCSS(t testing.TB, ctx context.Context, sel string) int64 {
	t.Helper()
	return press(t, ctx, `document.querySelector(`+jsString(sel)+`)`, sel)
}

// commentSel is the CSS selector of the comment with id on a measure page.
func commentSel(id string) string { return "#commentaire-" + id }

// has reports whether the page shown has an element that matches sel.
func has(t testing.TB, ctx context.Context, sel string) bool {
	t.Helper()
	return js[bool](t, ctx, `!!document.querySelector(`+jsString(sel)+`)`)
}

// frenchCount writes n as comments.js does: thousands set apart by a
// narrow no-break space.
func frenchCount(n int) string {
	s := strconv.Itoa(n)
	var b strings.Builder
	for i, r := range s {
		if i > 0 && (len(s)-i)%3 == 0 {
			b.WriteRune('\u202f')
		}
		b.WriteRune(r)
	}
	return b.String()
}

// counterFor is what comments.js shows under a field holding text.
func counterFor(text string) string {
	return frenchCount(model.CommentMaxLength-utf8.RuneCountInString(text)) + " caractères restants sur " + frenchCount(model.CommentMaxLength) + "."
}

// postedComment checks the flash of a published comment and returns the
// id its address names.
func postedComment(t *testing.T, ctx context.Context, measure, who string) string {
	t.Helper()
	u := location(t, ctx)
	m := commentFragmentRe.FindStringSubmatch(u.Fragment)
	if u.Path != measure || m == nil {
		t.Fatalf("after posting as %s: landed on %s, want %s#commentaire-{id} (%s)", who, u.String(), measure, textOrNone(t, ctx, "[data-testid=error-summary]"))
	}
	if got, want := textOrNone(t, ctx, "[data-testid=flash]"), "Votre commentaire est publié."; got != want {
		t.Errorf("flash after posting as %s: got %q, want %q", who, got, want)
	}
	return m[1]
}

// postComment opens measure and publishes a new comment with text.
func postComment(t *testing.T, ctx context.Context, p *portal, measure, text, who string) string {
	t.Helper()
	if got := reopen(t, ctx, p.URL+measure); got != 200 {
		t.Fatalf("GET %s as %s: status %d, want 200", measure, who, got)
	}
	setField(t, ctx, "#texte-0", text)
	if got := pressCSS(t, ctx, "[data-testid=comment-form-0] [data-testid=post-comment]"); got != 200 {
		t.Fatalf("comment as %s: status %d, want 200 (%s)", who, got, textOrNone(t, ctx, "[data-testid=error-summary]"))
	}
	id := postedComment(t, ctx, measure, who)
	if got := squeeze(textOrNone(t, ctx, commentSel(id)+" [data-testid=comment-text]")); got != squeeze(text) {
		t.Errorf("comment %s as %s shows %q, want %q", id, who, got, text)
	}
	return id
}

// wantNoScript checks that no script of a comment ran on the page shown.
func wantNoScript(t *testing.T, ctx context.Context, who string) {
	t.Helper()
	if got := js[string](t, ctx, `typeof window.__xss === 'undefined' ? '' : String(window.__xss)`); got != "" {
		t.Errorf("a comment's script ran in the page of %s: window.__xss = %s", who, got)
	}
}

// commentWithMarkup types a comment full of markup as the CCEM member,
// checks the character counter on the way, and checks that the markup
// shows as text, with only the https link left a link. It returns the
// comment's id.
func commentWithMarkup(t *testing.T, assoc context.Context, p *portal, measure string) string {
	t.Helper()
	const (
		typedFirst = `Texte <img src=x onerror="window.__xss=1"> `
		typedRest  = `<script>window.__xss=2</script> [clic](javascript:window.__xss=3) et [site](https://exemple.fr)`
		typed      = typedFirst + typedRest
	)
	if got := visit(t, assoc, p.URL+measure); got != 200 {
		t.Fatalf("GET %s as the CCEM member: status %d, want 200", measure, got)
	}
	if has(t, assoc, "[data-testid=threads]") {
		t.Fatalf("%s has comments before the test posts any", measure)
	}
	if has(t, assoc, "[data-testid=consultation-notice]") {
		t.Errorf("%s, open with no window, shows the notice %q", measure, textOrNone(t, assoc, "[data-testid=consultation-notice]"))
	}
	const counter = "#compteur-texte-0"
	counterText := func() string {
		return strings.TrimSpace(js[string](t, assoc, `document.querySelector(`+jsString(counter)+`)?.textContent ?? ''`))
	}
	if got, want := counterText(), counterFor(""); got != want {
		t.Errorf("counter of the empty comment field: %q, want %q (comments.js)", got, want)
	}
	do(t, assoc, chromedp.SendKeys(chromedp.CSS("#texte-0"), typedFirst))
	waitFor(t, assoc, `document.querySelector(`+jsString(counter)+`).textContent.trim() === `+jsString(counterFor(typedFirst)),
		`document.querySelector(`+jsString(counter)+`).textContent`)
	do(t, assoc, chromedp.SendKeys(chromedp.CSS("#texte-0"), typedRest))
	waitFor(t, assoc, `document.querySelector(`+jsString(counter)+`).textContent.trim() === `+jsString(counterFor(typed)),
		`document.querySelector(`+jsString(counter)+`).textContent`)
	if got := valueOf(t, assoc, "#texte-0"); got != typed {
		t.Fatalf("comment field after typing: %q, want %q", got, typed)
	}
	if got := followCSS(t, assoc, "[data-testid=comment-form-0] [data-testid=post-comment]"); got != 200 {
		t.Fatalf("comment: status %d, want 200 (%s)", got, textOrNone(t, assoc, "[data-testid=error-summary]"))
	}
	id := postedComment(t, assoc, measure, "the CCEM member")

	type rendered struct {
		Text    string   `json:"text"`
		Markup  int      `json:"markup"`
		JSLinks []string `json:"jsLinks"`
		Links   []string `json:"links"`
		Site    string   `json:"site"`
		Rel     string   `json:"rel"`
	}
	got := js[rendered](t, assoc, `(() => {
		const body = document.querySelector(`+jsString(commentSel(id)+" [data-testid=comment-text]")+`);
		const site = body?.querySelector('a[href="https://exemple.fr"]');
		return {
			text: body?.innerText ?? '',
			markup: body ? body.querySelectorAll('img, script, iframe, object, embed, [onerror], [onload]').length : -1,
			jsLinks: [...document.querySelectorAll('a[href], area[href], form[action]')]
				.filter(e => /^\s*javascript:/i.test(e.getAttribute('href') ?? e.getAttribute('action'))).map(e => e.outerHTML),
			links: [...(body?.querySelectorAll('a') ?? [])].map(a => a.getAttribute('href')),
			site: site?.textContent ?? '',
			rel: site?.getAttribute('rel') ?? '',
		};
	})()`)
	text := squeeze(got.Text)
	for _, want := range []string{`Texte <img src=x onerror="window.__xss=1">`, `<script>window.__xss=2</script>`, "clic", "et site"} {
		if !strings.Contains(text, want) {
			t.Errorf("comment %s shows %q, want the text %q", id, text, want)
		}
	}
	if got.Markup != 0 {
		t.Errorf("comment %s carries %d elements of the typed markup", id, got.Markup)
	}
	if len(got.JSLinks) > 0 {
		t.Errorf("the page carries javascript: links: %q", got.JSLinks)
	}
	if len(got.Links) != 1 || got.Site != "site" || got.Rel != "nofollow noopener" {
		t.Errorf("comment %s links %q, the https one %q with rel=%q; want only « site » to https://exemple.fr with rel=\"nofollow noopener\"", id, got.Links, got.Site, got.Rel)
	}
	wantNoScript(t, assoc, "the CCEM member")
	return id
}

// reply answers comment id through its « Répondre » toggle, as the
// measure's pilot's official answer when official.
func reply(t *testing.T, ctx context.Context, p *portal, measure, id, text string, official bool) {
	t.Helper()
	who := "the union member"
	if official {
		who = "the DGT pilot"
	}
	if got := reopen(t, ctx, p.URL+measure); got != 200 {
		t.Fatalf("GET %s as %s: status %d, want 200", measure, who, got)
	}
	toggle := "[data-testid=reply-toggle-" + id + "]"
	if got := textOrNone(t, ctx, toggle); got != "Répondre" {
		t.Fatalf("%s as %s: reply toggle %q, want « Répondre »", measure, who, got)
	}
	if js[bool](t, ctx, `document.querySelector(`+jsString(toggle)+`).parentElement.open`) {
		t.Errorf("%s as %s: the reply form is open before « Répondre » is clicked", measure, who)
	}
	clickCSS(t, ctx, toggle)
	waitFor(t, ctx, `document.querySelector(`+jsString(toggle)+`).parentElement.open && !!document.getElementById('texte-`+id+`')?.checkVisibility()`,
		`document.querySelector(`+jsString(toggle)+`).parentElement.outerHTML.slice(0, 200)`)
	box := "#officiel-" + id
	if !official {
		if has(t, ctx, box) {
			t.Errorf("%s as %s: the reply form offers an official answer", measure, who)
		}
	} else {
		if got, want := textOrNone(t, ctx, "label[for=officiel-"+id+"]"), "Réponse officielle – "+dgtName; got != want {
			t.Errorf("official answer box: label %q, want %q", got, want)
		}
		// The open form, with its box, as axe sees it.
		browsertest.CheckAxe(t, ctx)
		clickCSS(t, ctx, box)
		if !js[bool](t, ctx, `document.querySelector(`+jsString(box)+`).checked`) {
			t.Fatalf("clicking %s did not tick it", box)
		}
	}
	do(t, ctx, chromedp.SendKeys(chromedp.CSS("#texte-"+id), text))
	if got := pressCSS(t, ctx, "[data-testid=comment-form-"+id+"] [data-testid=post-comment]"); got != 200 {
		t.Fatalf("reply as %s: status %d, want 200 (%s)", who, got, textOrNone(t, ctx, "[data-testid=error-summary]"))
	}
	postedComment(t, ctx, measure, who)
}

// wantReplies checks the replies to comment id on the page shown, in
// order: the official answer first, highlighted, then the others.
func wantReplies(t *testing.T, ctx context.Context, id, who, official string, others ...string) {
	t.Helper()
	type shown struct {
		Official string `json:"official"`
		Class    string `json:"class"`
		Text     string `json:"text"`
		Look     string `json:"look"` // its background and border, as drawn
	}
	replies := js[[]shown](t, ctx, `[...(document.querySelector(`+jsString(commentSel(id))+`)?.closest('li')
		.querySelectorAll(':scope > ol.replies > li > [data-testid=comment]') ?? [])].map(a => ({
			official: a.querySelector('[data-testid=official-answer]')?.textContent.trim() ?? '',
			class: a.className,
			text: a.querySelector('[data-testid=comment-text]')?.innerText.trim() ?? '',
			look: (s => s.backgroundColor + ' ' + s.borderLeftStyle + ' ' + s.borderLeftColor)(getComputedStyle(a)),
		}))`)
	if len(replies) != 1+len(others) {
		t.Fatalf("replies to comment %s seen by %s: %+v, want %d", id, who, replies, 1+len(others))
	}
	if r := replies[0]; r.Text != official || squeeze(r.Official) != "Réponse officielle – "+dgtName || !strings.Contains(r.Class, "comment-official") {
		t.Errorf("first reply to comment %s seen by %s: %+v, want the highlighted official answer %q of the %s", id, who, r, official, dgtName)
	}
	for i, want := range others {
		r := replies[1+i]
		if r.Text != want || r.Official != "" {
			t.Errorf("reply %d to comment %s seen by %s: %+v, want %q, not official", 2+i, id, who, r, want)
		}
		if r.Look == replies[0].Look {
			t.Errorf("replies to comment %s seen by %s: the official answer looks like the others (%s)", id, who, r.Look)
		}
	}
}

// editAndWithdraw edits comment id as its author, then withdraws it.
func editAndWithdraw(t *testing.T, assoc context.Context, p *portal, measure, id string) {
	t.Helper()
	const edited = "Texte corrigé : les contrôles repèrent encore peu l'exploitation domestique."
	article := commentSel(id)
	if has(t, assoc, article+" [data-testid=edited]") {
		t.Errorf("comment %s says « modifié » before any edit", id)
	}
	if got := squeeze(textOrNone(t, assoc, article+" [data-testid=edit-comment]")); got != "Modifier le commentaire" {
		t.Errorf("edit link of comment %s: %q, want « Modifier » with its hidden « le commentaire »", id, got)
	}
	if got := followCSS(t, assoc, article+" [data-testid=edit-comment]"); got != 200 {
		t.Fatalf("GET /comments/%s/edit: status %d, want 200", id, got)
	}
	if got := location(t, assoc).Path; got != "/comments/"+id+"/edit" {
		t.Fatalf("« Modifier »: landed on %s, want /comments/%s/edit", got, id)
	}
	if got := valueOf(t, assoc, "#texte-commentaire"); !strings.HasPrefix(got, "Texte <img src=x") {
		t.Errorf("edit form: text %q, want the comment's markdown", got)
	}
	setField(t, assoc, "#texte-commentaire", edited)
	if got := pressCSS(t, assoc, "[data-testid=submit]"); got != 200 {
		t.Fatalf("save the edit: status %d, want 200 (%s)", got, textOrNone(t, assoc, "[data-testid=error-summary]"))
	}
	if u := location(t, assoc); u.Path != measure || u.Fragment != "commentaire-"+id {
		t.Errorf("after the edit: landed on %s, want %s#commentaire-%s", u, measure, id)
	}
	if got, want := textOrNone(t, assoc, "[data-testid=flash]"), "Votre commentaire est modifié."; got != want {
		t.Errorf("flash after the edit: got %q, want %q", got, want)
	}
	if got := textOrNone(t, assoc, article+" [data-testid=edited]"); got != "modifié" {
		t.Errorf("edited comment %s: mention %q, want « modifié »", id, got)
	}
	if got := textOrNone(t, assoc, article+" [data-testid=comment-text]"); got != edited {
		t.Errorf("edited comment %s shows %q, want %q", id, got, edited)
	}

	if got := followCSS(t, assoc, article+" [data-testid=withdraw-comment]"); got != 200 {
		t.Fatalf("GET /comments/%s/withdraw: status %d, want 200", id, got)
	}
	if got := location(t, assoc).Path; got != "/comments/"+id+"/withdraw" {
		t.Fatalf("« Retirer »: landed on %s, want /comments/%s/withdraw", got, id)
	}
	if got, want := mustText(t, assoc, "h1"), "Retirer votre commentaire"; got != want {
		t.Errorf("withdrawal page heading: %q, want %q", got, want)
	}
	if got := followCSS(t, assoc, "[data-testid=confirm]"); got != 200 {
		t.Fatalf("withdraw: status %d, want 200", got)
	}
	if got, want := textOrNone(t, assoc, "[data-testid=flash]"), "Votre commentaire est retiré."; got != want {
		t.Errorf("flash after the withdrawal: got %q, want %q", got, want)
	}
	if got := textOrNone(t, assoc, article+" [data-testid=withdrawn]"); got != "Commentaire retiré par son auteur." {
		t.Errorf("withdrawn comment %s: %q, want « Commentaire retiré par son auteur. »", id, got)
	}
	if has(t, assoc, article+" [data-testid=comment-text], "+article+" [data-testid=edited], "+article+" [data-testid=edit-comment]") {
		t.Errorf("withdrawn comment %s still shows its text, « modifié » or « Modifier »", id)
	}
	if main := textOrNone(t, assoc, "main"); strings.Contains(main, edited) {
		t.Errorf("%s still shows the withdrawn text %q", measure, edited)
	}
}

// flagAndHide has the union member flag a fresh comment of the CCEM
// member, and the secretariat hide it from /admin/moderation.
func flagAndHide(t *testing.T, assoc, union, sec context.Context, p *portal, measure string) {
	t.Helper()
	const (
		text   = "Second commentaire : la victime reçue à l'accueil de jour de Lille mardi dernier confirme ce constat."
		reason = "Le commentaire permet d'identifier une victime."
		public = "propos permettant d'identifier une personne"
	)
	id := postComment(t, assoc, p, measure, text, "the CCEM member")
	article := commentSel(id)

	if got := reopen(t, union, p.URL+measure); got != 200 {
		t.Fatalf("GET %s as the union member: status %d, want 200", measure, got)
	}
	if got := followCSS(t, union, article+" [data-testid=flag-comment]"); got != 200 {
		t.Fatalf("GET /comments/%s/flag: status %d, want 200", id, got)
	}
	if got := location(t, union).Path; got != "/comments/"+id+"/flag" {
		t.Fatalf("« Signaler »: landed on %s, want /comments/%s/flag", got, id)
	}
	if got := squeeze(textOrNone(t, union, "main blockquote")); !strings.Contains(got, text) {
		t.Errorf("flag page quotes %q, want %q", got, text)
	}
	setField(t, union, "#champ-reason", reason)
	if got := pressCSS(t, union, "[data-testid=submit]"); got != 200 {
		t.Fatalf("flag: status %d, want 200 (%s)", got, textOrNone(t, union, "[data-testid=error-summary]"))
	}
	if got, want := textOrNone(t, union, "[data-testid=flash]"), "Merci. Votre signalement est transmis au secrétariat."; got != want {
		t.Errorf("flash after flagging: got %q, want %q", got, want)
	}

	if got := visit(t, sec, p.URL+"/admin/moderation"); got != 200 {
		t.Fatalf("GET /admin/moderation: status %d, want 200", got)
	}
	item := `[...document.querySelectorAll('[data-testid=flagged-comment]')].find(li => li.querySelector('a[href$="#commentaire-` + id + `"]'))`
	flagged := squeeze(js[string](t, sec, `(`+item+`)?.innerText ?? ''`))
	if flagged == "" {
		t.Fatalf("/admin/moderation lists no flag of comment %s:\n%s", id, textOrNone(t, sec, "main"))
	}
	for _, want := range []string{text, reason, p.names["syndicat"], "1 signalement"} {
		if !strings.Contains(flagged, want) {
			t.Errorf("/admin/moderation flag of comment %s: %q, want %q", id, flagged, want)
		}
	}
	setField(t, sec, "#motif-hide-"+id, public)
	if got := followElement(t, sec, `(`+item+`)?.querySelector('[data-testid=hide]')`, "« Masquer le commentaire »"); got != 200 {
		t.Fatalf("hide comment %s: status %d, want 200", id, got)
	}
	if got, want := textOrNone(t, sec, "[data-testid=flash]"), "Le commentaire est masqué ; son auteur en est informé."; got != want {
		t.Errorf("flash after hiding: got %q, want %q", got, want)
	}
	if js[bool](t, sec, `!!(`+item+`)`) {
		t.Errorf("/admin/moderation still lists the flag of the hidden comment %s", id)
	}
	hidden := squeeze(js[string](t, sec, `[...document.querySelectorAll('[data-testid=hidden-comments] > li')].find(li => li.querySelector('a[href$="#commentaire-`+id+`"]'))?.innerText ?? ''`))
	if !strings.Contains(hidden, public) {
		t.Errorf("/admin/moderation hidden comments: %q, want comment %s hidden for %q", hidden, id, public)
	}

	visit(t, union, p.URL+measure)
	if got, want := textOrNone(t, union, article+" [data-testid=hidden]"), "Masqué par la modération\u00a0: "+public; got != want {
		t.Errorf("hidden comment %s seen by the union member: %q, want %q", id, got, want)
	}
	if has(t, union, article+" [data-testid=hidden-text], "+article+" [data-testid=comment-text], "+article+" [data-testid=flag-comment]") {
		t.Errorf("hidden comment %s still shows its text or « Signaler » to the union member", id)
	}
	if main := textOrNone(t, union, "main"); strings.Contains(main, "accueil de jour de Lille") {
		t.Errorf("%s shows the hidden text to the union member", measure)
	}
	visit(t, assoc, p.URL+measure)
	if got := squeeze(textOrNone(t, assoc, article+" [data-testid=hidden-text]")); !strings.Contains(got, text) {
		t.Errorf("hidden comment %s seen by its author: %q, want its text %q", id, got, text)
	}

	mails := mailsTo(t, sec, p, associationEmail, "Votre commentaire a été masqué")
	if len(mails) != 1 {
		t.Fatalf("mails « Votre commentaire a été masqué » to %s: %d, want 1", associationEmail, len(mails))
	}
	m := mails[0]
	for _, want := range []string{"Motif indiqué à sa place : " + public, p.URL + "/comments/" + id} {
		if !strings.Contains(m.Body, want) {
			t.Errorf("mail « %s » to %s:\n%s\nwant %q", m.Subject, associationEmail, m.Body, want)
		}
	}
}

// fetchPost posts fields as a browser form does (URL-encoded) to path
// from the page shown, with its cookies.
func fetchPost(t *testing.T, ctx context.Context, path string, fields map[string]string) fetched {
	t.Helper()
	var pairs []string
	for k, v := range fields {
		pairs = append(pairs, `[`+jsString(k)+`, `+jsString(v)+`]`)
	}
	return get(t, ctx, chromedp.Evaluate[fetched](`(() => {
		const data = new FormData();
		for (const [k, v] of [`+strings.Join(pairs, ", ")+`]) data.append(k, v);
		return fetch(`+jsString(path)+`, {method: 'POST', body: new URLSearchParams(data), credentials: 'same-origin'})
			.then(async r => ({status: r.status, type: r.headers.get('Content-Type') ?? '', body: await r.text()}));
	})()`, chromedp.EvalAwaitPromise))
}

// commentCount counts the comments on the page shown.
func commentCount(t *testing.T, ctx context.Context) int {
	t.Helper()
	return js[int](t, ctx, `document.querySelectorAll('[data-testid=comment]').length`)
}

// closeConsultation closes the consultation on measure from its page, and
// checks that the CCEM member can no longer comment, even with a crafted
// request.
func closeConsultation(t *testing.T, assoc, sec context.Context, p *portal, measure string) {
	t.Helper()
	const crafted = "Commentaire envoyé après la clôture par une requête fabriquée."
	if got := visit(t, sec, p.URL+measure); got != 200 {
		t.Fatalf("GET %s as the secretariat: status %d, want 200", measure, got)
	}
	if got := pressCSS(t, sec, "[data-testid=close-consultation]"); got != 200 {
		t.Fatalf("close the consultation: status %d, want 200", got)
	}
	if got, want := textOrNone(t, sec, "[data-testid=flash]"), "La consultation sur cette mesure est close ; le fil reste consultable."; got != want {
		t.Errorf("flash after closing: got %q, want %q", got, want)
	}
	if has(t, sec, "[data-testid=close-consultation]") {
		t.Errorf("%s still offers to close its closed consultation", measure)
	}

	if got := visit(t, assoc, p.URL+measure); got != 200 {
		t.Fatalf("GET %s as the CCEM member: status %d, want 200", measure, got)
	}
	if got := squeeze(textOrNone(t, assoc, "[data-testid=consultation-notice]")); !strings.HasPrefix(got, "La consultation sur cette mesure est close") {
		t.Errorf("notice of the closed consultation: %q, want « La consultation sur cette mesure est close… »", got)
	}
	if has(t, assoc, "form[data-testid^=comment-form], [data-testid^=reply-toggle], [data-testid=edit-comment]") {
		t.Errorf("%s, closed, still offers the CCEM member a comment, reply or edit form", measure)
	}
	before := commentCount(t, assoc)
	res := fetchPost(t, assoc, measure+"/comments", map[string]string{"text": crafted})
	if res.Status != 409 {
		t.Errorf("crafted POST %s/comments on the closed consultation: status %d, want 409", measure, res.Status)
	}
	// The refusal gives the text back: the server read it, and refused it
	// for the closing.
	if !strings.Contains(res.Body, "La consultation sur cette mesure est close : votre texte n") || !strings.Contains(res.Body, crafted) {
		t.Errorf("crafted POST on the closed consultation: the page neither explains the closing nor gives the text back:\n%.3000s", res.Body)
	}
	reopen(t, assoc, p.URL+measure)
	if got := commentCount(t, assoc); got != before {
		t.Errorf("%s after the crafted POST: %d comments, want %d", measure, got, before)
	}
	if strings.Contains(textOrNone(t, assoc, "main"), crafted) {
		t.Errorf("%s shows the comment refused on the closed consultation", measure)
	}
}

// leaveUnionsOut unticks the unions on the plan's consultation settings,
// and checks that the union member can no longer comment on the other
// measure, even with a crafted request.
func leaveUnionsOut(t *testing.T, union, sec context.Context, p *portal, planPath, other string) {
	t.Helper()
	const crafted = "Commentaire d'une organisation syndicale que le plan n'admet plus."
	// The secretariat's page is still the closed measure's.
	if got := followElement(t, sec, linkByText("main", "Paramètres et périodes de consultation"), "link to the consultation settings"); got != 200 {
		t.Fatalf("GET the consultation settings: status %d, want 200", got)
	}
	settings := "/admin" + planPath + "/consultation"
	if got := location(t, sec).Path; got != settings {
		t.Fatalf("link to the consultation settings: landed on %s, want %s", got, settings)
	}
	const box = "#champ-categories-union"
	if !js[bool](t, sec, `document.querySelector(`+jsString(box)+`)?.checked === true`) {
		t.Fatalf("%s: %s is not ticked by default", settings, box)
	}
	clickCSS(t, sec, box)
	if got := pressCSS(t, sec, "[data-testid=save-settings]"); got != 200 {
		t.Fatalf("save the consultation settings: status %d, want 200", got)
	}
	if got, want := textOrNone(t, sec, "[data-testid=flash]"), "Les paramètres de la consultation sont enregistrés."; got != want {
		t.Errorf("flash after saving the settings: got %q, want %q", got, want)
	}
	ticked := js[[]string](t, sec, `[...document.querySelectorAll('input[name=categories]:checked')].map(i => i.value)`)
	if len(ticked) != 4 || slices.Contains(ticked, "union") || !slices.Contains(ticked, "association") {
		t.Errorf("%s after saving: ticked %q, want every category but union", settings, ticked)
	}

	if got := visit(t, union, p.URL+other); got != 200 {
		t.Fatalf("GET %s as the union member: status %d, want 200", other, got)
	}
	if has(t, union, "form[data-testid^=comment-form]") {
		t.Errorf("%s offers the union member a comment form once unions are left out", other)
	}
	notice := squeeze(textOrNone(t, union, "[data-testid=comment-not-allowed]"))
	if !strings.Contains(notice, "seuls les membres des catégories suivantes") || !strings.Contains(notice, "associations") ||
		strings.Contains(notice, "syndicales") {
		t.Errorf("%s as the union member: notice %q, want « seuls les membres des catégories suivantes » listing associations but not unions", other, notice)
	}
	before := commentCount(t, union)
	if res := fetchPost(t, union, other+"/comments", map[string]string{"text": crafted}); res.Status != 403 {
		t.Errorf("crafted POST %s/comments by the union member: status %d, want 403", other, res.Status)
	}
	reopen(t, union, p.URL+other)
	if got := commentCount(t, union); got != before {
		t.Errorf("%s after the union's crafted POST: %d comments, want %d", other, got, before)
	}
	if strings.Contains(textOrNone(t, union, "main"), crafted) {
		t.Errorf("%s shows the union's refused comment", other)
	}
}

// mailsTo returns every mail of the outbox to the address whose subject
// starts with subject, newest first.
func mailsTo(t *testing.T, sec context.Context, p *portal, to, subject string) []mail {
	t.Helper()
	if got := reopen(t, sec, p.URL+"/admin/outbox"); got != 200 {
		t.Fatalf("GET /admin/outbox: status %d, want 200", got)
	}
	var found []mail
	for page := 1; ; page++ {
		mails := js[[]mail](t, sec, `[...document.querySelectorAll('[data-testid=mail]')].map(m => ({
			subject: (m.closest('[data-testid=mail-group]') ?? m).querySelector('h2').textContent.trim(),
			meta: m.querySelector('.meta').textContent,
			body: m.querySelector('pre').textContent,
		}))`)
		for _, m := range mails {
			if strings.Contains(squeeze(m.Meta), "À "+to+",") && strings.HasPrefix(m.Subject, subject) {
				found = append(found, m)
			}
		}
		next := linkByText("main nav.pager", "Page suivante")
		if !js[bool](t, sec, `!!(`+next+`)`) {
			return found
		}
		if page == 20 {
			t.Fatalf("the outbox has more than 20 pages")
		}
		press(t, sec, next, "link « Page suivante »")
	}
}

// followAndUnsubscribe has the CNCDH member follow measure, checks the
// mail a CCEM comment then queues for them, and unsubscribes through its
// link in a signed-out browser.
func followAndUnsubscribe(t *testing.T, assoc, sec context.Context, p *portal, measure string) {
	t.Helper()
	const subject = "Nouveau commentaire : "
	instance := consultationTab(t, "instance")
	signInAs(t, instance, p, "instance")
	if got := reopen(t, instance, p.URL+measure); got != 200 {
		t.Fatalf("GET %s as the CNCDH member: status %d, want 200", measure, got)
	}
	if got := followCSS(t, instance, "[data-testid=follow]"); got != 200 {
		t.Fatalf("« Suivre cette mesure »: status %d, want 200", got)
	}
	if got, want := textOrNone(t, instance, "[data-testid=flash]"), "Vous suivez cette mesure : un courriel vous signalera chaque nouveau commentaire."; got != want {
		t.Errorf("flash after following: got %q, want %q", got, want)
	}
	if !has(t, instance, "[data-testid=unfollow]") || has(t, instance, "[data-testid=follow]") {
		t.Errorf("%s, followed: want « Ne plus suivre » instead of « Suivre cette mesure »", measure)
	}

	const text = "Les associations demandent que le bilan distingue les personnes accompagnées."
	id := postComment(t, assoc, p, measure, text, "the CCEM member")
	mails := mailsTo(t, sec, p, instanceEmail, subject)
	if len(mails) != 1 {
		t.Fatalf("mails « %s… » to %s: %d, want 1", subject, instanceEmail, len(mails))
	}
	body := mails[0].Body
	if !strings.Contains(body, p.URL+"/comments/"+id) || strings.Contains(body, text) {
		t.Errorf("mail « %s » to %s:\n%s\nwant a link to comment %s, not its text", mails[0].Subject, instanceEmail, body, id)
	}
	// The outbox page masks the token; the mail as sent carries it whole.
	sent, err := p.store.MailsTo(context.Background(), instanceEmail)
	if err != nil {
		t.Fatal(err)
	}
	link := ""
	for _, m := range sent {
		if strings.HasPrefix(m.Subject, subject) {
			link = unsubscribeLinkRe.FindString(m.Text)
			break
		}
	}
	if !strings.HasPrefix(link, p.URL+"/unsubscribe/") {
		t.Fatalf("the mail « %s… » to %s has no unsubscribe link on %s: %+v", subject, instanceEmail, p.URL, sent)
	}
	masked := link[:len(p.URL+"/unsubscribe/")+4] + "…"
	if strings.Contains(body, link) || !strings.Contains(body, masked) {
		t.Errorf("mail « %s » to %s in /admin/outbox: want its unsubscribe link shown as %s:\n%s", mails[0].Subject, instanceEmail, masked, body)
	}

	anonymous := consultationTab(t, "signed-out")
	if got := visit(t, anonymous, link); got != 200 {
		t.Fatalf("GET the unsubscribe link, signed out: status %d, want 200", got)
	}
	if got, want := mustText(t, anonymous, "h1"), "Ne plus suivre une mesure"; got != want {
		t.Errorf("unsubscribe page heading: %q, want %q", got, want)
	}
	if got := followCSS(t, anonymous, "[data-testid=confirm]"); got != 200 {
		t.Fatalf("confirm the unsubscription: status %d, want 200", got)
	}
	if got := squeeze(textOrNone(t, anonymous, "[data-testid=unsubscribed]")); !strings.Contains(got, "Vous ne recevrez plus de courriel au sujet de la mesure « "+otherMeasure) {
		t.Errorf("after unsubscribing: %q, want « Vous ne recevrez plus de courriel au sujet de la mesure « %s… »", got, otherMeasure)
	}

	reopen(t, instance, p.URL+measure)
	if !has(t, instance, "[data-testid=follow]") || has(t, instance, "[data-testid=unfollow]") {
		t.Errorf("%s after unsubscribing: want « Suivre cette mesure » again", measure)
	}
	postComment(t, assoc, p, measure, "Un second commentaire, que la CNCDH ne suit plus.", "the CCEM member")
	if got := mailsTo(t, sec, p, instanceEmail, subject); len(got) != 1 {
		t.Errorf("mails « %s… » to %s after unsubscribing: %d, want still 1", subject, instanceEmail, len(got))
	}
}
