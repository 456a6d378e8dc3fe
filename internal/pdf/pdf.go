// Package pdf prints pledger's HTML pages, the report pages of
// internal/render and the chart pages of internal/chart, to PDF with a
// headless Chromium driven by chromedp: on A4, with the page's own
// orientation (its CSS @page rule), and the report's provenance in the
// footer of every page.
//
// It is a step after the HTML, kept out of internal/render and
// internal/chart so that they stay pure functions of the model that link no
// browser driver: a page is printed exactly as it renders. The page must be
// self-contained (inline style and script, no URL): it is opened from a
// temporary file, and every request it makes to the network fails (and
// fails the print), as does every host name.
//
// Chromium is an optional dependency: Find looks for it, and when it is
// missing the error wraps ErrNoChromium and says what to install.
package pdf

import (
	"context"
	"errors"
	"fmt"
	"html/template"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"time"

	"github.com/coalition/pledger/internal/chromium"

	"github.com/chromedp/cdproto/fetch"
	"github.com/chromedp/cdproto/network"
	"github.com/chromedp/cdproto/page"
	"github.com/chromedp/chromedp"

	"github.com/coalition/pledger/internal/model"
)

// ErrNoChromium is wrapped by the error of Find, and so of Print, when no
// Chromium is found.
var ErrNoChromium = errors.New("PDF needs Chromium")

// EnvChromium names the variable that gives the Chromium binary to use.
const EnvChromium = "PLEDGER_CHROMIUM"

// names are the binaries Find looks for on PATH, in order.
var names = []string{"chromium", "chromium-browser", "google-chrome", "google-chrome-stable"}

// install is what to do when Chromium is missing.
const install = "install it (Debian/Ubuntu: apt-get install chromium; Fedora: dnf install chromium), or set " +
	EnvChromium + " to its path"

// Find returns the Chromium to print with: the binary $PLEDGER_CHROMIUM
// names, else the first of chromium, chromium-browser, google-chrome and
// google-chrome-stable on PATH. When there is none, or the variable names
// no program, the error wraps ErrNoChromium.
func Find() (string, error) {
	if p := os.Getenv(EnvChromium); p != "" {
		found, err := exec.LookPath(p)
		if err != nil {
			return "", fmt.Errorf("%w: %s names %s, which is not a program (%v): %s", ErrNoChromium, EnvChromium, p, err, install)
		}
		return found, nil
	}
	for _, n := range names {
		if p, err := exec.LookPath(n); err == nil {
			return p, nil
		}
	}
	return "", fmt.Errorf("%w, and none is installed (looked for %s on PATH): %s", ErrNoChromium, strings.Join(names, ", "), install)
}

// Options says how to print a page.
type Options struct {
	// Chromium is the binary to run; "" is what Find returns.
	Chromium string
	// Lang is the language of the footer (en, nl, fr).
	Lang string
	// Footer is what every page's footer says, field by field: the
	// provenance (see Provenance). The page number follows it.
	Footer []model.Field
	// Timeout bounds the whole print, from starting Chromium to the last
	// byte of the file; 0 is DefaultTimeout.
	Timeout time.Duration
}

// DefaultTimeout is how long a print may take before it is abandoned: a
// Chromium that hangs must not hang the command. Printing the demo's
// dashboard takes a few seconds.
const DefaultTimeout = 3 * time.Minute

// a4 is the paper, in inches. A page's @page rule may turn it (landscape,
// its size A4 too).
var a4 = chromedp.PaperA4

// footerMargin is the bottom margin of every page, in millimetres: room
// for the footer's lines whatever the page's own @page margin.
const footerMargin = 24

// Provenance is the provenance every page's footer carries: the ledger
// state (SEQ:HASH) the figures came from, the valuation, the rates, and
// when the report was made; and a warning when the ledger failed
// verification. The words are model.Footer's, in the reader's language.
func Provenance(l *model.Lang, m *model.Model) []model.Field {
	want := map[string]bool{"state": true, "valuation": true, "rates": true, "generated": true}
	var out []model.Field
	for _, f := range model.Footer(l, m) {
		if want[f.Key] || f.Key == "verified" && m.Provenance.Unverified != "" {
			out = append(out, f)
		}
	}
	return out
}

// Print prints the HTML page to PDF and returns the file. It starts a
// Chromium of its own for the page, and ends it before it returns.
func Print(ctx context.Context, html []byte, opt Options) (_ []byte, err error) {
	defer func() {
		if err != nil {
			err = fmt.Errorf("print to PDF: %w", err)
		}
	}()
	footer, err := FooterTemplate(opt.Lang, opt.Footer)
	if err != nil {
		return nil, err
	}
	path := opt.Chromium
	if path == "" {
		if path, err = Find(); err != nil {
			return nil, err
		}
	} else if _, err := exec.LookPath(path); err != nil {
		return nil, fmt.Errorf("%w: %s is not a program (%v): %s", ErrNoChromium, path, err, install)
	}
	timeout := opt.Timeout
	if timeout <= 0 {
		timeout = DefaultTimeout
	}
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()

	dir, err := os.MkdirTemp("", "pledger-pdf-")
	if err != nil {
		return nil, err
	}
	defer os.RemoveAll(dir)
	file := filepath.Join(dir, "page.html")
	if err := os.WriteFile(file, html, 0o600); err != nil {
		return nil, err
	}
	profile := filepath.Join(dir, "profile")

	allocCtx, cancelAlloc := chromedp.NewExecAllocator(ctx, allocatorOptions(path, profile)...)
	defer cancelAlloc()
	tab, cancelTab := chromedp.NewContext(allocCtx)
	defer cancelTab()
	if err := chromedp.Do(tab); err != nil { // starts the browser
		return nil, fmt.Errorf("starting %s: %w", path, err)
	}

	// Every request to the network fails, and is noted; a dialog, which
	// would block the page, is dismissed.
	var mu sync.Mutex
	var fetched []string
	// The subscriptions end with watch, before the browser.
	watch, stopWatching := context.WithCancel(tab)
	paused := chromedp.Events(watch, fetch.RequestPaused)
	dialogs := chromedp.Events(watch, page.JavascriptDialogOpening)
	var wg sync.WaitGroup
	defer wg.Wait()
	defer stopWatching()
	wg.Go(func() {
		for ev, err := range paused {
			if err != nil {
				return
			}
			mu.Lock()
			fetched = append(fetched, ev.Request.URL)
			mu.Unlock()
			chromedp.Call(tab, fetch.FailRequest, fetch.FailRequestParams{RequestID: ev.RequestID, ErrorReason: network.ErrorReasonBlockedByClient})
		}
	})
	wg.Go(func() {
		for _, err := range dialogs {
			if err != nil {
				return
			}
			chromedp.Call(tab, page.HandleJavaScriptDialog, page.HandleJavaScriptDialogParams{Accept: false})
		}
	})
	patterns := []*fetch.RequestPattern{{URLPattern: "http://*"}, {URLPattern: "https://*"}, {URLPattern: "ws://*"}, {URLPattern: "wss://*"}}
	if _, err := chromedp.Call(tab, fetch.Enable, fetch.EnableParams{Patterns: patterns}); err != nil {
		return nil, err
	}

	slashed := filepath.ToSlash(file)
	if !strings.HasPrefix(slashed, "/") { // C:/... on Windows
		slashed = "/" + slashed
	}
	u := (&url.URL{Scheme: "file", Path: slashed}).String()
	if err := chromedp.Do(tab, chromedp.Navigate(u)); err != nil {
		return nil, fmt.Errorf("opening the page: %w", err)
	}
	// A page that draws after it loads (a chart page) marks its root
	// data-drawing until it has drawn (internal/chart's draw.js).
	if _, err := chromedp.Run(tab, chromedp.Poll[bool](`!document.documentElement.hasAttribute('data-drawing')`,
		chromedp.WithPollingTimeout(timeout))); err != nil {
		return nil, fmt.Errorf("waiting for the page to draw: %w", err)
	}
	// Room for the footer at the bottom of every page, whatever the
	// page's own margins; the page's size and orientation stay its own.
	if _, err := chromedp.Run(tab, chromedp.Evaluate[bool](fmt.Sprintf(`(() => {
  const s = document.createElement('style');
  s.textContent = '@page { margin-bottom: %dmm; }';
  document.head.appendChild(s);
  return true;
})()`, footerMargin))); err != nil {
		return nil, err
	}
	out, err := chromedp.Run(tab, chromedp.PrintToPDF(printOptions(footer)...))
	if err != nil {
		return nil, err
	}
	mu.Lock()
	defer mu.Unlock()
	if len(fetched) > 0 {
		return nil, fmt.Errorf("the page is not self-contained: it asked for %s", strings.Join(fetched, ", "))
	}
	return out, nil
}

// allocatorOptions starts Chromium offline, in a window as wide as A4
// landscape prints (charts are drawn at the width they print).
func allocatorOptions(path, profile string) []chromedp.ExecAllocatorOption {
	return chromium.Offline(path, profile, 1032, 730, "")
}

// printOptions prints on A4 (turned as the page's @page rule says), with
// backgrounds, tagged for screen readers and with an outline of the
// headings, and the footer on every page.
func printOptions(footer string) []chromedp.PDFOption {
	return []chromedp.PDFOption{
		chromedp.PDFPaper(a4),
		chromedp.PDFPreferCSSPageSize(),
		chromedp.PDFPrintBackground(),
		chromedp.PDFOutlineAndTagged(),
		chromedp.PDFHeaderTemplate(`<span></span>`),
		chromedp.PDFFooterTemplate(footer),
	}
}

// FooterTemplate is the footer of every page: each field as "Label: value"
// (escaped: ledger text is data), then the page number, "3 / 7".
func FooterTemplate(lang string, fields []model.Field) (string, error) {
	colon := ":"
	if lang == "fr" {
		colon = " :"
	}
	var b strings.Builder
	err := footerTemplate.Execute(&b, struct {
		Lang, Colon string
		Fields      []model.Field
	}{lang, colon, fields})
	return b.String(), err
}

// The footer is drawn in the bottom margin, in a document of its own
// (Chromium's): its style is inline, its font size must be set. The page
// number goes where Chromium fills in pageNumber and totalPages.
var footerTemplate = template.Must(template.New("footer").Parse(
	`<div lang="{{.Lang}}" style="box-sizing: border-box; width: 100%; margin: 0 15mm; display: flex; gap: 6mm; align-items: flex-end; ` +
		`font-family: system-ui, 'Noto Sans', 'Liberation Sans', Arial, sans-serif; font-size: 6.5pt; line-height: 1.3; color: #3f4a57;">` +
		`<div style="flex: 1; overflow-wrap: anywhere;">` +
		`{{range .Fields}}<div><b>{{.Label}}{{$.Colon}}</b> {{.Value}}</div>{{end}}` +
		`</div>` +
		`<div style="white-space: nowrap;"><span class="pageNumber"></span> / <span class="totalPages"></span></div>` +
		`</div>`))
