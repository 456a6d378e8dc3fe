// Package chromium is how pledger starts headless Chromium, for printing
// PDFs (internal/pdf) and in the browser tests (internal/browsertest): one
// set of options, with every way out to the network closed.
package chromium

import (
	"os"

	"github.com/chromedp/chromedp"
)

// Offline are the options to start Chromium at path with: no background
// services, host names that resolve to nothing except the host named by
// except (a test server's "127.0.0.1"; "" for none), the profile folder
// given, and a window of width × height. As root, Chromium runs without
// its sandbox (it refuses to otherwise); the pages it opens are
// pledger's own.
func Offline(path, profile string, width, height int, except string) []chromedp.ExecAllocatorOption {
	rules := "MAP * ~NOTFOUND"
	if except != "" {
		rules += ", EXCLUDE " + except
	}
	opts := append(chromedp.DefaultExecAllocatorOptions[:],
		chromedp.ExecPath(path),
		chromedp.UserDataDir(profile),
		chromedp.DisableGPU,
		chromedp.NoFirstRun,
		chromedp.Flag("disable-quic", true),
		chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true),
		chromedp.Flag("disable-domain-reliability", true),
		chromedp.Flag("host-resolver-rules", rules),
		chromedp.Flag("hide-scrollbars", true),
		chromedp.WindowSize(width, height),
	)
	if os.Geteuid() == 0 {
		opts = append(opts, chromedp.NoSandbox)
	}
	return opts
}
