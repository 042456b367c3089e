package e2e

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"comite/internal/browsertest"
)

// The sample files of the file-type checks.
const (
	samplePDF = "../filetype/testdata/compte-rendu.pdf"
	sampleEXE = "../filetype/testdata/programme.exe"
)

func TestUploadDocumentInBrowser(t *testing.T) {
	t.Parallel()
	const title = "Compte rendu de la réunion du 21 mars 2024"
	pdf := absPath(t, samplePDF)
	content, err := os.ReadFile(pdf)
	if err != nil {
		t.Fatal(err)
	}
	sum := sha256.Sum256(content)
	wantSHA := hex.EncodeToString(sum[:])

	p := newPortal(t)
	sec := browsertest.NewTab(t, alloc)
	signIn(t, sec, p, "secretariat")

	visit(t, sec, p.URL+"/documents")
	if got := followElement(t, sec, linkByText("main", "Déposer un document"), "link « Déposer un document »"); got != 200 {
		t.Fatalf("GET /documents/new: status %d, want 200", got)
	}
	if got := location(t, sec).Path; got != "/documents/new" {
		t.Fatalf("« Déposer un document »: landed on %s, want /documents/new", got)
	}
	if got, want := text(t, sec, "h1"), "Déposer un document"; got != want {
		t.Errorf("upload form heading: got %q, want %q", got, want)
	}
	setField(t, sec, "#champ-title", title)
	setField(t, sec, "#champ-kind", "minutes")
	setField(t, sec, "#champ-visibility", "members")
	if got, want := selectedLabel(t, sec, "#champ-kind"), "Compte rendu"; got != want {
		t.Errorf("kind: selected %q, want %q", got, want)
	}
	if got, want := selectedLabel(t, sec, "#champ-visibility"), "Membres du comité"; got != want {
		t.Errorf("visibility: selected %q, want %q", got, want)
	}
	do(t, sec, chromedp.SetUploadFiles(chromedp.CSS("#champ-file"), []string{pdf}))
	doc := submitUpload(t, sec, title)
	if got := text(t, sec, "[data-testid=sha256]"); got != wantSHA {
		t.Errorf("SHA-256 shown: got %q, want %q, the SHA-256 of %s", got, wantSHA, filepath.Base(pdf))
	}
	versions := versionsOf(t, sec)
	if len(versions) != 1 || !strings.HasPrefix(versions[0], "Version 1 | compte-rendu.pdf") {
		t.Errorf("versions table %q, want one row « Version 1 | compte-rendu.pdf … »", versions)
	}
	facts := squeeze(text(t, sec, "[data-testid=document-facts]"))
	for _, want := range []string{"Nature Compte rendu", "Visibilité Membres du comité"} {
		if !strings.Contains(facts, want) {
			t.Errorf("document facts %q, want %q", facts, want)
		}
	}

	// The secretariat attaches it to the seeded meeting.
	meeting := js[string](t, sec, `[...document.querySelectorAll('#rattacher-reunion option')]
		.find(o => o.textContent.includes(`+jsString(meetingTitle)+`))?.value ?? ''`)
	if meeting == "" {
		t.Fatalf("%s: the « Rattacher à une réunion » list has no %q", doc, meetingTitle)
	}
	setField(t, sec, "#rattacher-reunion", meeting)
	if got := follow(t, sec, chromedp.Click(chromedp.CSS(`button[name=action][value=attach]`))); got != 200 {
		t.Fatalf("attach to the meeting: status %d, want 200", got)
	}
	if got := location(t, sec).Path; got != doc {
		t.Errorf("after attaching: landed on %s, want %s", got, doc)
	}
	if got, want := text(t, sec, "[data-testid=flash]"), "Le document est rattaché à « "+meetingTitle+" »."; got != want {
		t.Errorf("flash after attaching: got %q, want %q", got, want)
	}
	if got, want := squeeze(textOrNone(t, sec, "[data-testid=links]")), "Réunion : "+meetingTitle; !strings.HasPrefix(got, want) {
		t.Errorf("attachments %q, want %q", got, want)
	}

	// The meeting, reached from the list of meetings, lists the document.
	visit(t, sec, p.URL+"/meetings")
	if got := followElement(t, sec, linkByText("[data-testid=past-meetings]", meetingTitle), "link to "+meetingTitle); got != 200 {
		t.Fatalf("GET meeting page: status %d, want 200", got)
	}
	if got, want := location(t, sec).Path, "/meetings/"+meeting; got != want {
		t.Errorf("meeting link: landed on %s, want %s", got, want)
	}
	type link struct {
		Text string `json:"text"`
		Href string `json:"href"`
	}
	docs := js[[]link](t, sec, `[...document.querySelectorAll('[data-testid=meeting-documents] a')]
		.map(a => ({text: a.textContent.trim(), href: a.getAttribute('href')}))`)
	if !slices.Contains(docs, link{title, doc}) {
		t.Errorf("meeting documents %+v, want a link %q to %s", docs, title, doc)
	}

	// The public neither sees it in the library nor opens it.
	pub := browsertest.NewTab(t, alloc)
	if got := visit(t, pub, p.URL+"/documents"); got != 200 {
		t.Fatalf("GET /documents, signed out: status %d, want 200", got)
	}
	if got := textOrNone(t, pub, "main"); strings.Contains(got, title) {
		t.Errorf("/documents, signed out, lists the members' document %q:\n%s", title, got)
	}
	if js[bool](t, pub, `!!document.querySelector(`+jsString(`main a[href="`+doc+`"]`)+`)`) {
		t.Errorf("/documents, signed out, links to %s", doc)
	}
	visit(t, pub, p.URL+doc)
	wantLoginFor(t, pub, doc)
}

func TestUploadRefusedInBrowser(t *testing.T) {
	t.Parallel()
	const title = "Ordre du jour de la réunion du 21 mars 2024"
	exe, err := os.ReadFile(sampleEXE)
	if err != nil {
		t.Fatal(err)
	}
	disguised := filepath.Join(t.TempDir(), "ordre-du-jour.pdf")
	if err := os.WriteFile(disguised, exe, 0o644); err != nil {
		t.Fatal(err)
	}

	p := newPortal(t)
	sec := browsertest.NewTab(t, alloc)
	signIn(t, sec, p, "secretariat")
	if got := visit(t, sec, p.URL+"/documents/new"); got != 200 {
		t.Fatalf("GET /documents/new: status %d, want 200", got)
	}
	setField(t, sec, "#champ-title", title)
	setField(t, sec, "#champ-kind", "other")
	do(t, sec, chromedp.SetUploadFiles(chromedp.CSS("#champ-file"), []string{disguised}))
	do(t, sec, chromedp.Click(chromedp.CSS("[data-testid=submit]")))
	// upload.js writes the server's answer, the form with its errors, into
	// the page: there is no navigation to wait for.
	waitLong(t, sec, `!!document.querySelector('[data-testid=error-summary]')`,
		`location.pathname + ': ' + (document.querySelector('main')?.innerText ?? document.body?.innerText ?? '').slice(0, 300)`)
	do(t, sec, chromedp.WaitReady(chromedp.CSS("body")))
	browsertest.CheckAxe(t, sec)

	if got := location(t, sec).Path; got != "/documents/new" {
		t.Errorf("after the refused upload: on %s, want /documents/new", got)
	}
	summary := squeeze(text(t, sec, "[data-testid=error-summary]"))
	if want := "ne correspond pas à son extension .pdf"; !strings.Contains(summary, want) {
		t.Errorf("error summary %q, want it to say %q", summary, want)
	}
	links := js[[]string](t, sec, `[...document.querySelectorAll('[data-testid=error-summary] a')].map(a => a.getAttribute('href'))`)
	if !slices.Equal(links, []string{"#champ-file"}) {
		t.Errorf("error summary links %q, want only #champ-file", links)
	}
	if got := js[string](t, sec, `document.querySelector('#champ-file')?.getAttribute('aria-invalid') ?? ''`); got != "true" {
		t.Errorf("#champ-file aria-invalid=%q, want true", got)
	}
	if got := get(t, sec, chromedp.Value(chromedp.CSS("#champ-title"))); got != title {
		t.Errorf("title field after the error: got %q, want the typed %q", got, title)
	}
	if got := get(t, sec, chromedp.Title()); !strings.HasPrefix(got, "Erreur") {
		t.Errorf("page title %q, want it to start with Erreur", got)
	}

	// Nothing was recorded.
	visit(t, sec, p.URL+"/documents")
	if got := textOrNone(t, sec, "main"); strings.Contains(got, title) {
		t.Errorf("/documents lists the refused upload %q:\n%s", title, got)
	}
}

func TestMemberContributionInBrowser(t *testing.T) {
	t.Parallel()
	const (
		title = "Contribution du CCEM à la consultation"
		body  = "Contribution du CCEM — réponse à la consultation\n"
	)
	file := filepath.Join(t.TempDir(), "contribution-ccem.txt")
	if err := os.WriteFile(file, []byte(body), 0o644); err != nil {
		t.Fatal(err)
	}

	p := newPortal(t)
	member := browsertest.NewTab(t, alloc)
	signIn(t, member, p, "association")
	visit(t, member, p.URL+"/documents")
	if got := followElement(t, member, linkByText("main", "Déposer un document"), "link « Déposer un document » for a member"); got != 200 {
		t.Fatalf("GET /documents/new as a member: status %d, want 200", got)
	}
	kinds := js[[]string](t, member, `[...document.querySelectorAll('#champ-kind option')].map(o => o.textContent.trim())`)
	if !slices.Equal(kinds, []string{"Contribution"}) {
		t.Errorf("kinds offered to a member: %q, want only « Contribution »", kinds)
	}
	vis := js[[]string](t, member, `[...document.querySelectorAll('#champ-visibility option')].map(o => o.textContent.trim())`)
	if !slices.Equal(vis, []string{"Membres du comité"}) {
		t.Errorf("visibilities offered to a member: %q, want only « Membres du comité »", vis)
	}
	if js[bool](t, member, `!!document.querySelector('#champ-embargo_until')`) {
		t.Errorf("a member's upload form offers an embargo")
	}
	setField(t, member, "#champ-title", title)
	do(t, member, chromedp.SetUploadFiles(chromedp.CSS("#champ-file"), []string{file}))
	doc := submitUpload(t, member, title)
	facts := squeeze(text(t, member, "[data-testid=document-facts]"))
	for _, want := range []string{"Nature Contribution", "Visibilité Membres du comité"} {
		if !strings.Contains(facts, want) {
			t.Errorf("document facts %q, want %q", facts, want)
		}
	}
	if versions := versionsOf(t, member); len(versions) != 1 || !strings.HasPrefix(versions[0], "Version 1 | contribution-ccem.txt") {
		t.Errorf("versions table %q, want one row « Version 1 | contribution-ccem.txt … »", versions)
	}
	if !js[bool](t, member, `!!(`+linkByText("main", "Modifier les informations")+`)`) {
		t.Errorf("%s: its author has no link « Modifier les informations »", doc)
	}
	if js[bool](t, member, `!!document.querySelector('#rattacher-reunion')`) {
		t.Errorf("%s: a member is offered to attach the document to a meeting", doc)
	}

	// Another member sees it but may not change it.
	union := browsertest.NewTab(t, alloc)
	signIn(t, union, p, "syndicat")
	if got := visit(t, union, p.URL+doc); got != 200 {
		t.Fatalf("GET %s as another member: status %d, want 200", doc, got)
	}
	if got := text(t, union, "h1"); got != title {
		t.Errorf("%s heading for another member: got %q, want %q", doc, got, title)
	}
	if js[bool](t, union, `!!(`+linkByText("main", "Modifier les informations")+`)`) {
		t.Errorf("%s: another member than its author has the link « Modifier les informations »", doc)
	}
	if js[bool](t, union, `!!document.querySelector('[data-testid=submit-version]')`) {
		t.Errorf("%s: another member than its author may upload a new version", doc)
	}
}

// submitUpload submits an upload form, which upload.js sends with
// XMLHttpRequest. It checks that the page shown is the new document's, with
// its title and the confirmation, and returns its path.
func submitUpload(t testing.TB, ctx context.Context, title string) string {
	t.Helper()
	do(t, ctx, chromedp.Click(chromedp.CSS("[data-testid=submit]")))
	// upload.js shows the page the server answered with and sets the address
	// bar to it, without a navigation of its own.
	if _, err := chromedp.Run(ctx, chromedp.Poll[bool](`/^\/documents\/\d+$/.test(location.pathname) || !!document.querySelector('[data-testid=error-summary]')`,
		chromedp.WithPollingTimeout(20*time.Second))); err != nil {
		t.Fatalf("upload: no document page after 20 s: %v", err)
	}
	do(t, ctx, chromedp.WaitReady(chromedp.CSS("body")))
	browsertest.CheckAxe(t, ctx)
	doc := location(t, ctx).Path
	if rest, ok := strings.CutPrefix(doc, "/documents/"); !ok || rest == "" || strings.Trim(rest, "0123456789") != "" {
		t.Fatalf("after the upload: landed on %s, want /documents/{id} (%s)", doc, textOrNone(t, ctx, "[data-testid=error-summary]"))
	}
	if got := text(t, ctx, "h1"); got != title {
		t.Errorf("%s heading: got %q, want %q", doc, got, title)
	}
	if got, want := textOrNone(t, ctx, "[data-testid=flash]"), "Le document « "+title+" » a été déposé."; got != want {
		t.Errorf("flash after the upload: got %q, want %q", got, want)
	}
	return doc
}

// versionsOf returns the rows of the versions table, each as its cells'
// text joined by " | ".
func versionsOf(t testing.TB, ctx context.Context) []string {
	t.Helper()
	rows := js[[][]string](t, ctx, `[...document.querySelectorAll('[data-testid=versions] tbody tr')]
		.map(tr => [...tr.cells].map(td => td.innerText))`)
	var out []string
	for _, cells := range rows {
		for i, c := range cells {
			cells[i] = squeeze(c)
		}
		out = append(out, strings.Join(cells, " | "))
	}
	return out
}

// selectedLabel returns the text of the selected option of a select.
func selectedLabel(t testing.TB, ctx context.Context, sel string) string {
	t.Helper()
	return strings.TrimSpace(js[string](t, ctx, `(() => {
		const s = document.querySelector(`+jsString(sel)+`);
		return s && s.selectedIndex >= 0 ? s.options[s.selectedIndex].textContent : '';
	})()`))
}

// waitLong is waitFor with room for an upload under the race detector.
func waitLong(t testing.TB, ctx context.Context, cond, state string) {
	t.Helper()
	_, err := chromedp.Run(ctx, chromedp.Poll[bool](cond, chromedp.WithPollingTimeout(20*time.Second)))
	if err != nil {
		t.Fatalf("waiting for %s: %v (%s)", cond, err, js[string](t, ctx, state))
	}
}

// absPath returns the absolute path of a file relative to the package.
func absPath(t testing.TB, rel string) string {
	t.Helper()
	abs, err := filepath.Abs(rel)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(abs); err != nil {
		t.Fatal(err)
	}
	return abs
}
