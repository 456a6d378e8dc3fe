// Package browsertest starts the headless Chromium that pledger's browser
// tests drive with chromedp, with every way out to the network closed: no
// background services, and host names that resolve to nothing (pages on
// loopback IP addresses still load).
//
// When PLEDGER_TEST_CHROMIUM names a binary, a failure to start it fails
// the test; when it is unset and /usr/bin/chromium is missing, the test
// skips with a message (.ci/run installs Chromium and sets the variable).
package browsertest

import (
	"context"
	"os"
	"os/exec"
	"testing"

	"github.com/coalition/pledger/internal/chromium"

	"github.com/chromedp/chromedp"
)

// EnvChromium names the variable holding the Chromium binary.
const EnvChromium = "PLEDGER_TEST_CHROMIUM"

// Path returns the Chromium to run, or skips t.
func Path(t testing.TB) string {
	if p := os.Getenv(EnvChromium); p != "" {
		return p
	}
	const p = "/usr/bin/chromium"
	if _, err := exec.LookPath(p); err != nil {
		t.Skipf("browser tests skipped: no %s; set %s to a Chromium binary (.ci/run does)", p, EnvChromium)
	}
	return p
}

// Start starts a headless Chromium for t (closed when t ends) and returns
// its context.
func Start(t testing.TB) context.Context {
	path := Path(t)
	// The same offline browser that prints PDFs, reaching only the test's
	// own server; always without the sandbox, as CI containers need.
	opts := append(chromium.Offline(path, t.TempDir(), 1280, 900, "127.0.0.1"), chromedp.NoSandbox)
	allocCtx, cancelAlloc := chromedp.NewExecAllocator(context.Background(), opts...)
	ctx, cancel := chromedp.NewContext(allocCtx)
	t.Cleanup(func() {
		cancel()
		cancelAlloc()
	})
	if err := chromedp.Do(ctx); err != nil { // starts the browser, bound to ctx
		t.Fatalf("starting %s: %v", path, err)
	}
	return ctx
}
