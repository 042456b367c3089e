package e2e

import (
	"context"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"comite/internal/browsertest"
)

// sampleDocx is the Word draft the secretariat uploads.
const sampleDocx = "../docimport/testdata/note-procedure.docx"

var (
	draftPathRe        = regexp.MustCompile(`^/consultations/\d+$`)
	contributionHashRe = regexp.MustCompile(`^#?contribution-(\d+)$`)
)

// The consultation on a draft text, whole, in the browser (issue 18): the
// secretariat uploads a .docx draft open to every category but the
// independent bodies; the association amends paragraph 3 (opening the form
// by selecting a passage) and the union supports the amendment; the union
// comments on paragraph 5 and attaches a PDF; the window closes and a late
// contribution is refused with its text handed back; the secretariat
// answers both and publishes version 2; the association sees its amendment
// merged and the difference between the versions; the synthesis lists
// both with their answers. The CNCDH member, left out, gets no form and a
// 403 on a crafted post. axe checks every page on the way.
func TestDraftConsultationInBrowser(t *testing.T) {
	t.Parallel()
	p := newPortal(t)
	began := time.Now()
	step := func(what string) { t.Logf("%5.1fs %s", time.Since(began).Seconds(), what) }
	assoc, union, sec, instance := consultationTab(t, "draft-association"), consultationTab(t, "draft-syndicat"),
		consultationTab(t, "draft-secretariat"), consultationTab(t, "draft-instance")
	signInAs(t, assoc, p, "association")
	signInAs(t, union, p, "syndicat")
	signInAs(t, sec, p, "secretariat")
	signInAs(t, instance, p, "instance")

	step("1. the secretariat uploads the .docx draft")
	if got := visit(t, sec, p.URL+"/consultations/new"); got != 200 {
		t.Fatalf("GET /consultations/new: status %d", got)
	}
	setField(t, sec, "#champ-title", "Procédure d'identification et d'orientation (projet)")
	do(t, sec, chromedp.Click(chromedp.CSS("#champ-categories-independent_body")))
	do(t, sec, chromedp.SetUploadFiles(chromedp.CSS("#champ-file"), []string{absPath(t, sampleDocx)}))
	do(t, sec, chromedp.Click(chromedp.CSS("[data-testid=submit]")))
	waitLong(t, sec, `/^\/consultations\/\d+$/.test(location.pathname) || !!document.querySelector('[data-testid=error-summary]')`,
		`document.querySelector('main')?.innerText ?? ''`)
	do(t, sec, chromedp.WaitReady(chromedp.CSS("body")))
	text := location(t, sec).Path
	if !draftPathRe.MatchString(text) {
		t.Fatalf("after the upload: %s, want /consultations/{id} (%s)", text, textOrNone(t, sec, "[data-testid=error-summary]"))
	}
	browsertest.CheckAxe(t, sec)
	if got := textOrNone(t, sec, "[data-testid=import-lost]"); !strings.Contains(got, "notes de bas de page") {
		t.Errorf("what the import lost: %q, want the footnotes mentioned", got)
	}
	if n := js[int](t, sec, `document.querySelectorAll('[data-testid=paragraph]').length`); n < 5 {
		t.Fatalf("%s: %d paragraphs, want at least 5", text, n)
	}

	step("2. the association amends paragraph 3, from a selected passage")
	if got := visit(t, assoc, p.URL+text); got != 200 {
		t.Fatalf("GET %s as the association: %d", text, got)
	}
	quoted := js[string](t, assoc, `(() => {
		const p = document.querySelector('[data-number="3"] [data-paragraph-text] p');
		const range = document.createRange();
		range.setStart(p.firstChild, 0);
		range.setEnd(p.firstChild, 17);
		const sel = window.getSelection();
		sel.removeAllRanges();
		sel.addRange(range);
		p.dispatchEvent(new MouseEvent('mouseup', {bubbles: true}));
		return sel.toString();
	})()`)
	waitFor(t, assoc, `document.querySelector('[data-number="3"] details[data-contribute]').open`, `''`)
	if got := js[string](t, assoc, `document.querySelector('#champ-quote-3').value`); got != strings.TrimSpace(quoted) {
		t.Errorf("selecting %q opened the form with the quote %q", quoted, got)
	}
	do(t, assoc, chromedp.Click(chromedp.CSS("[data-testid=amend-3]")))
	wording := js[string](t, assoc, `document.querySelector('#champ-wording-3').value`)
	amended := strings.Replace(wording, "Tout professionnel", "Tout professionnel formé", 1)
	setField(t, assoc, "#champ-wording-3", amended)
	setField(t, assoc, "#champ-text-3", "Seul un professionnel formé sait reconnaître les indicateurs.")
	if got := pressCSS(t, assoc, "[data-testid=submit-contribution-3]"); got != 200 {
		t.Fatalf("amendment: status %d", got)
	}
	amendment := contributionID(t, assoc)
	if got := textOrNone(t, assoc, "#contribution-"+amendment+" [data-testid=amendment-diff] ins"); got != "[ajout\u00a0: formé]" && !strings.Contains(got, "formé") {
		t.Errorf("the amendment's diff marks %q, want « formé » inserted", got)
	}
	browsertest.CheckAxe(t, assoc)

	step("3. the union supports it, comments on paragraph 5 and attaches a PDF")
	visit(t, union, p.URL+text)
	if got := pressCSS(t, union, "#contribution-"+amendment+" [data-testid=support]"); got != 200 {
		t.Fatalf("support: status %d", got)
	}
	if got := textOrNone(t, union, "#contribution-"+amendment+" [data-testid=supporters]"); !strings.HasPrefix(got, "Soutenu par 1 organisme") {
		t.Errorf("supporters: %q, want « Soutenu par 1 organisme… »", got)
	}
	do(t, union, chromedp.Click(chromedp.CSS("[data-testid=contribute-5]")))
	setField(t, union, "#champ-text-5", "Le guide doit exister en plusieurs langues.")
	if got := pressCSS(t, union, "[data-testid=submit-contribution-5]"); got != 200 {
		t.Fatalf("comment: status %d", got)
	}
	comment := contributionID(t, union)
	if got := pressCSS(t, union, "#contribution-"+comment+" [data-testid=attach-contribution]"); got != 200 {
		t.Fatalf("attach form: status %d", got)
	}
	browsertest.CheckAxe(t, union)
	setField(t, union, "#champ-title", "Contribution écrite du syndicat")
	do(t, union, chromedp.SetUploadFiles(chromedp.CSS("#champ-file"), []string{absPath(t, samplePDF)}))
	do(t, union, chromedp.Click(chromedp.CSS("[data-testid=submit]")))
	waitLong(t, union, `/^\/consultations\/\d+$/.test(location.pathname) || !!document.querySelector('[data-testid=error-summary]')`,
		`document.querySelector('main')?.innerText ?? ''`)
	reopen(t, union, p.URL+text)
	if got := textOrNone(t, union, "#contribution-"+comment+" [data-testid=contribution-attachments]"); !strings.Contains(got, "Contribution écrite du syndicat") {
		t.Errorf("the comment's attachments: %q, want the PDF", got)
	}

	step("4. a category left out: no form, and 403 on a crafted post")
	visit(t, instance, p.URL+text)
	if has(t, instance, "[data-contribute]") || !has(t, instance, "[data-testid=draft-left-out]") {
		t.Errorf("the CNCDH member, left out, is offered a form or no explanation")
	}
	anchor := js[string](t, instance, `document.querySelector('[data-number="2"]').dataset.anchor`)
	if res := fetchPost(t, instance, text+"/contributions", map[string]string{"anchor": anchor, "version": "1", "kind": "comment", "text": "Fabriqué."}); res.Status != 403 {
		t.Errorf("crafted post by a category left out: status %d, want 403", res.Status)
	}

	step("5. the window closes; a late contribution is refused, its text handed back")
	reopen(t, assoc, p.URL+text)
	visit(t, sec, p.URL+text)
	if got := pressCSS(t, sec, "[data-testid=close-draft]"); got != 200 {
		t.Fatalf("close: status %d", got)
	}
	const late = "Une remarque envoyée après la clôture."
	do(t, assoc, chromedp.Click(chromedp.CSS("[data-testid=contribute-2]")))
	setField(t, assoc, "#champ-text-2", late)
	if got := pressCSS(t, assoc, "[data-testid=submit-contribution-2]"); got != 409 {
		t.Errorf("late contribution: status %d, want 409", got)
	}
	if got := js[string](t, assoc, `document.querySelector('#champ-text-2')?.value ?? ''`); got != late {
		t.Errorf("late contribution's text handed back: %q, want %q", got, late)
	}
	if got := textOrNone(t, assoc, "[data-testid=contribution-error]"); !strings.Contains(got, "est close") {
		t.Errorf("late contribution's message: %q", got)
	}
	browsertest.CheckAxe(t, assoc)

	step("6. the secretariat answers both and publishes version 2")
	reopen(t, sec, p.URL+text)
	answer(t, sec, amendment, "accepted", "Le repérage suppose une formation : amendement retenu.")
	answer(t, sec, comment, "rejected", "Les traductions relèvent du guide, pas de la procédure.")
	if got := pressCSS(t, sec, "[data-testid=new-version]"); got != 200 {
		t.Fatalf("new version form: status %d", got)
	}
	browsertest.CheckAxe(t, sec)
	if got := js[string](t, sec, `document.querySelector('#champ-text').value`); !strings.Contains(got, "Tout professionnel formé") {
		t.Errorf("the new version's form does not apply the accepted amendment")
	}
	setField(t, sec, "#champ-note", "Amendement sur le repérage intégré.")
	if got := pressCSS(t, sec, "[data-testid=submit]"); got != 200 {
		t.Fatalf("version 2: status %d", got)
	}
	if got := textOrNone(t, sec, "[data-testid=flash]"); got != "La version 2 est publiée ; 1 amendement y est intégré." {
		t.Errorf("flash after version 2: %q", got)
	}

	step("7. the association sees its amendment merged and the difference")
	visit(t, assoc, p.URL+text)
	if got := textOrNone(t, assoc, "#contribution-"+amendment+" [data-testid=merged]"); got != "Intégré à la version 2" {
		t.Errorf("the amendment in version 2: %q, want « Intégré à la version 2 »", got)
	}
	if !has(t, assoc, "[data-testid=rewritten-mark]") {
		t.Errorf("version 2 does not say the amended paragraph was rewritten")
	}
	if got := visit(t, assoc, p.URL+text+"/compare?de=1&a=2"); got != 200 {
		t.Fatalf("compare: status %d", got)
	}
	if got := textOrNone(t, assoc, "[data-testid=diff] ins mark"); got != "formé" {
		t.Errorf("compare marks %q as inserted, want « formé »", got)
	}

	if got := visit(t, assoc, p.URL+"/consultations"); got != 200 || !strings.Contains(textOrNone(t, assoc, "[data-testid=draft-texts]"), "Procédure d'identification") {
		t.Errorf("/consultations: status %d, or the text is not listed", got)
	}

	step("8. the synthesis lists both with their answers")
	if got := visit(t, assoc, p.URL+text+"/synthesis"); got != 200 {
		t.Fatalf("synthesis: status %d", got)
	}
	main := squeeze(textOrNone(t, assoc, "main"))
	for _, want := range []string{"Réponse du secrétariat : Retenu", "amendement retenu", "Réponse du secrétariat : Non retenu",
		"relèvent du guide", "Soutenu par 1 organisme"} {
		if !strings.Contains(main, want) {
			t.Errorf("synthesis lacks %q", want)
		}
	}
	step("done")
}

// contributionID reads the contribution a post sent the browser to.
func contributionID(t *testing.T, ctx context.Context) string {
	t.Helper()
	m := contributionHashRe.FindStringSubmatch(location(t, ctx).Fragment)
	if m == nil {
		t.Fatalf("after posting: %s, want #contribution-{id} (%s)", location(t, ctx), textOrNone(t, ctx, "[data-testid=contribution-error]"))
	}
	return m[1]
}

// answer records the secretariat's answer to a contribution.
func answer(t *testing.T, sec context.Context, id, verdict, reason string) {
	t.Helper()
	do(t, sec, chromedp.Click(chromedp.CSS("[data-testid=answer-toggle-"+id+"]")))
	do(t, sec, chromedp.Click(chromedp.CSS("#reponse-"+id+"-"+verdict)))
	setField(t, sec, "#motif-"+id, reason)
	if got := pressCSS(t, sec, "[data-testid=answer-"+id+"]"); got != 200 {
		t.Fatalf("answer %s: status %d", id, got)
	}
}
