package browsertest

import (
	"cmp"
	"context"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"
)

// axeRun runs only the WCAG 2.0 and 2.1 level A and AA rules: the other
// rules of axe are best practices that we do not fail tests on.
const axeRun = `axe.run(document, {
	runOnly: {type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa']},
	resultTypes: ['violations'],
}).then(r => ({url: r.url, violations: r.violations}))`

// axeRunAll adds axe's best practices to the WCAG rules: unique landmarks,
// heading order, content inside landmarks. The issues these rules raise are
// moderate, but a reader of a screen reader meets them on every page.
const axeRunAll = `axe.run(document, {
	runOnly: {type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'best-practice']},
	resultTypes: ['violations'],
}).then(r => ({url: r.url, violations: r.violations}))`

// maxNodes caps the nodes shown per violation: a rule broken on every row
// of a table would otherwise bury the other violations.
const maxNodes = 5

type axeResults struct {
	URL        string
	Violations []struct {
		ID, Impact, Help, HelpURL string
		Nodes                     []struct {
			Target []any // a selector, or a list of them through iframes and shadow roots
			HTML   string
		}
	}
}

// axePath returns where axe.min.js is: $AXE_JS, or the copy that `make axe`
// installs next to this source file. The source file, not the working
// directory, because tests run in the directory of whichever package
// imports this one.
func axePath() string {
	_, file, _, _ := runtime.Caller(0)
	return cmp.Or(os.Getenv("AXE_JS"),
		filepath.Join(filepath.Dir(file), "axe", "node_modules", "axe-core", "axe.min.js"))
}

// CheckAxe runs axe-core on the current page of ctx with the WCAG 2.0/2.1 A
// and AA rules, and reports each violation with t.Errorf. It stops the test
// with t.Fatalf if axe-core cannot be loaded or run.
//
// It injects axe-core through the DevTools protocol, which the page's
// Content-Security-Policy does not apply to, so it works on pages that
// forbid inline scripts and eval.
func CheckAxe(t testing.TB, ctx context.Context) {
	t.Helper()
	checkAxe(t, ctx, axeRun)
}

// CheckAxeAll is CheckAxe with axe's best practices too (landmarks, heading
// order), which the pages also meet.
func CheckAxeAll(t testing.TB, ctx context.Context) {
	t.Helper()
	checkAxe(t, ctx, axeRunAll)
}

func checkAxe(t testing.TB, ctx context.Context, run string) {
	t.Helper()
	path := axePath()
	src, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("axe-core is not installed: run `make axe` (npm ci --prefix internal/browsertest/axe): %v", err)
	}
	if _, err := chromedp.Run(ctx, chromedp.Evaluate[chromedp.Void](string(src))); err != nil {
		t.Fatalf("browsertest: loading %s into the page: %v", path, err)
	}
	res, err := chromedp.Run(ctx, chromedp.Evaluate[axeResults](run, chromedp.EvalAwaitPromise))
	if err != nil {
		t.Fatalf("browsertest: running axe-core: %v", err)
	}
	for _, v := range res.Violations {
		var b strings.Builder
		fmt.Fprintf(&b, "%s: axe %s (%s): %s\n\t%s", res.URL, v.ID, v.Impact, v.Help, v.HelpURL)
		for i, n := range v.Nodes {
			if i == maxNodes {
				fmt.Fprintf(&b, "\n\t... and %d more", len(v.Nodes)-maxNodes)
				break
			}
			fmt.Fprintf(&b, "\n\t%s: %s", formatTarget(n.Target), n.HTML)
		}
		t.Errorf("%s", b.String())
	}
}

// formatTarget joins the selectors of an axe target, which walk through
// iframes and shadow roots from the outside in.
func formatTarget(target []any) string {
	parts := make([]string, len(target))
	for i, s := range target {
		parts[i] = fmt.Sprint(s)
	}
	return strings.Join(parts, " >>> ")
}
