// Package browsertest drives Debian's Chromium through chromedp for
// end-to-end tests and checks pages with axe-core.
//
// Only tests import it. A test binary starts one browser in TestMain:
//
//	var alloc context.Context
//
//	func TestMain(m *testing.M) {
//		ctx, cancel, err := browsertest.NewAllocator(context.Background())
//		if err != nil {
//			fmt.Fprintln(os.Stderr, err)
//			os.Exit(1)
//		}
//		alloc = ctx
//		code := m.Run()
//		cancel()
//		os.Exit(code)
//	}
//
// and each test opens its own tab:
//
//	ctx := browsertest.NewTab(t, alloc)
//	if err := chromedp.Do(ctx, chromedp.Navigate(srv.URL)); err != nil {
//		t.Fatal(err)
//	}
//	browsertest.CheckAxe(t, ctx)
package browsertest

import (
	"cmp"
	"context"
	"fmt"
	"os"
	"os/exec"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
)

// defaultChromium is the browser that NewAllocator runs unless $CHROMIUM
// names another one.
const defaultChromium = "/usr/bin/chromium"

// TabTimeout bounds the life of each tab that NewTab opens, so that a hung
// page fails its test instead of the whole test binary.
var TabTimeout = 30 * time.Second

// NewAllocator starts one headless Chromium for a test binary and returns a
// context to pass to NewTab. Call it from TestMain, and call the returned
// cancel at the end: it stops the browser and removes its profile directory.
//
// The browser is $CHROMIUM if set, else /usr/bin/chromium. It gets a fresh
// profile, a 1280x900 window, and flags that keep it from talking to the
// network on its own.
func NewAllocator(ctx context.Context) (context.Context, context.CancelFunc, error) {
	path := cmp.Or(os.Getenv("CHROMIUM"), defaultChromium)
	if _, err := exec.LookPath(path); err != nil {
		return nil, nil, fmt.Errorf("browsertest: no Chromium at %s: install it with: apt-get install chromium", path)
	}
	dir, err := os.MkdirTemp("", "browsertest-chromium-")
	if err != nil {
		return nil, nil, err
	}
	allocCtx, allocCancel := chromedp.NewExecAllocator(ctx,
		chromedp.ExecPath(path),
		chromedp.Headless,
		// Tests run as root in containers, where the sandbox cannot start.
		chromedp.NoSandbox,
		chromedp.DisableGPU,
		// Tests must not depend on, or wait for, anything but the
		// servers they start.
		chromedp.Flag("disable-quic", true),
		chromedp.Flag("no-first-run", true),
		chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true),
		chromedp.Flag("disable-default-apps", true),
		chromedp.UserDataDir(dir),
		chromedp.WindowSize(1280, 900),
	)
	browserCtx, browserCancel := chromedp.NewContext(allocCtx)
	cancel := func() {
		browserCancel()
		allocCancel() // waits for the browser to exit, so the profile can go
		os.RemoveAll(dir)
	}
	// Start the browser now: a broken install then fails once in TestMain
	// rather than in every test, and NewTab needs a running browser to
	// create browser contexts in.
	if err := chromedp.Do(browserCtx); err != nil {
		cancel()
		return nil, nil, fmt.Errorf("browsertest: starting %s: %w", path, err)
	}
	return browserCtx, cancel, nil
}

// NewTab opens a tab for one test in a browser context of its own, so tests
// share no cookies or storage. The tab is closed at t.Cleanup, or after
// TabTimeout, whichever comes first. alloc is the context from NewAllocator.
func NewTab(t testing.TB, alloc context.Context) context.Context {
	t.Helper()
	// The timeout goes under the chromedp context, not over it: chromedp
	// then closes the tab when it fires, instead of leaving it open.
	tctx, tcancel := context.WithTimeout(alloc, TabTimeout)
	ctx, cancel := chromedp.NewContext(tctx, chromedp.WithNewBrowserContext())
	t.Cleanup(func() {
		cancel()
		tcancel()
	})
	if err := chromedp.Do(ctx); err != nil {
		t.Fatalf("browsertest: opening a tab: %v", err)
	}
	return ctx
}

// Screenshot saves a full-page PNG of the current page of ctx to path, for a
// developer to look at.
func Screenshot(ctx context.Context, path string) error {
	png, err := chromedp.Run(ctx, chromedp.FullScreenshot(100))
	if err != nil {
		return fmt.Errorf("browsertest: screenshot: %w", err)
	}
	return os.WriteFile(path, png, 0o644)
}
