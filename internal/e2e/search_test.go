package e2e

import (
	"strings"
	"testing"

	"github.com/chromedp/chromedp"

	"comite/internal/browsertest"
)

// A visitor searches from the header of any page: accents and word ends
// do not matter, the words found are highlighted, the kind filter narrows
// the results; the minutes only members may read appear once signed in.
func TestSearchInBrowser(t *testing.T) {
	t.Parallel()
	p := newPortal(t)
	ctx := meetingTab(t)

	if got := visit(t, ctx, p.URL+"/members"); got != 200 {
		t.Fatalf("GET /members: %d", got)
	}
	do(t, ctx, chromedp.SendKeys("#recherche-entete", "traité des etres humains"), chromedp.Submit("#recherche-entete"),
		chromedp.WaitVisible("[data-testid=result-count]"))
	if got := location(t, ctx).Path; got != "/search" {
		t.Fatalf("the header's search led to %s", got)
	}
	browsertest.CheckAxe(t, ctx)
	results := js[int](t, ctx, `document.querySelectorAll("[data-testid=result]").length`)
	marks := js[[]string](t, ctx, `[...document.querySelectorAll("[data-testid=result] mark")].map(m => m.textContent.toLowerCase())`)
	if results == 0 || len(marks) == 0 {
		t.Fatalf("%d results, highlights %q", results, marks)
	}
	if !containsAny(marks, "traite", "traité") || !containsAny(marks, "êtres", "etres") {
		t.Errorf("highlights %q: want the accented words of the text found from the unaccented query", marks)
	}

	// The kind filter keeps measures only, and says how many.
	label := text(t, ctx, "[data-testid=kind-measure]")
	if got := followCSS(t, ctx, "[data-testid=kind-measure]"); got != 200 {
		t.Fatalf("kind filter: status %d", got)
	}
	kinds := js[[]string](t, ctx, `[...document.querySelectorAll("[data-testid=result]")].map(r => r.dataset.kind)`)
	for _, k := range kinds {
		if k != "measure" {
			t.Fatalf("the measures filter shows a %s", k)
		}
	}
	if len(kinds) == 0 || !strings.Contains(label, "(") || !strings.Contains(text(t, ctx, "[data-testid=result-count]"), "résultat") {
		t.Errorf("filter %q gave %d results", label, len(kinds))
	}

	// Minutes: the public does not find them, a member does.
	minutesFound := func() bool {
		visit(t, ctx, p.URL+"/search?q=interrogent")
		return js[bool](t, ctx, `[...document.querySelectorAll("[data-testid=result] .tag")].some(t => t.textContent.includes("Compte rendu"))`)
	}
	if minutesFound() {
		t.Error("the public finds minutes that are for members")
	}
	signIn(t, ctx, p, "association")
	if !minutesFound() {
		t.Error("a member does not find the approved minutes")
	}
}

func containsAny(list []string, words ...string) bool {
	for _, s := range list {
		for _, w := range words {
			if s == w {
				return true
			}
		}
	}
	return false
}
