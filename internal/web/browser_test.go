package web

import (
	"context"
	"fmt"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/coalition/pledger/internal/model"

	cdppage "github.com/chromedp/cdproto/page"
	"github.com/chromedp/chromedp"
	"github.com/coalition/pledger/internal/browsertest"
	"github.com/coalition/pledger/internal/money"
	"github.com/coalition/pledger/internal/report"
	"github.com/coalition/pledger/internal/store"
	"github.com/coalition/pledger/internal/store/storetest"
)

// tab opens a tab that fails the test on a console error or a dialog.
func tab(t *testing.T, browser context.Context, opts ...chromedp.ContextOption) context.Context {
	t.Helper()
	ctx, cancel := chromedp.NewContext(browser, opts...)
	t.Cleanup(cancel)
	ctx, cancelT := context.WithTimeout(ctx, 60*time.Second)
	t.Cleanup(cancelT)
	if err := chromedp.Do(ctx); err != nil {
		t.Fatal(err)
	}
	console := chromedp.Console(ctx)
	dialogs := chromedp.Events(ctx, cdppage.JavascriptDialogOpening)
	go func() {
		for m, err := range console {
			if err != nil {
				return
			}
			// An HTTP status other than 200 (the 400 of a form with a problem,
			// a 403) is logged as a failed resource load; script errors are
			// what must not happen.
			if (m.Type == chromedp.ConsoleError || m.Type == chromedp.ConsoleException) && !strings.HasPrefix(m.Text, "Failed to load resource") {
				t.Errorf("console %s: %s", m.Type, m.Text)
			}
		}
	}()
	go func() {
		for ev, err := range dialogs {
			if err != nil {
				return
			}
			t.Errorf("a dialog opened: %s", ev.Message)
			chromedp.Call(ctx, cdppage.HandleJavaScriptDialog, cdppage.HandleJavaScriptDialogParams{Accept: false})
		}
	}()
	return ctx
}

func do(t *testing.T, ctx context.Context, actions ...chromedp.Action[chromedp.Void]) {
	t.Helper()
	if err := chromedp.Do(ctx, actions...); err != nil {
		t.Fatal(err)
	}
}

func text(t *testing.T, ctx context.Context, css string) string {
	t.Helper()
	s, err := chromedp.Run(ctx, chromedp.Text(chromedp.CSS(css)))
	if err != nil {
		t.Fatalf("%s: %v", css, err)
	}
	return s
}

func signIn(t *testing.T, ctx context.Context, base, name string) {
	t.Helper()
	do(t, ctx,
		chromedp.Navigate(base+"/login"),
		chromedp.SendKeys(chromedp.CSS(`input[name=name]`), name),
		chromedp.SendKeys(chromedp.CSS(`input[name=password]`), testPassword),
		chromedp.Submit(chromedp.CSS(`input[name=password]`)),
		chromedp.WaitVisible(chromedp.CSS(`header .who`)),
	)
}

func screenshot(t *testing.T, ctx context.Context, name string) {
	b, err := chromedp.Run(ctx, chromedp.FullScreenshot(100))
	if err != nil {
		t.Logf("screenshot %s: %v", name, err)
		return
	}
	os.MkdirAll(filepath.Join("testdata", "artifacts"), 0o755)
	os.WriteFile(filepath.Join("testdata", "artifacts", name+".png"), b, 0o644)
}

// An officer signs in, adds a pledge toward the 2021 stabilisation need,
// is shown the problem with a bad currency (what was typed is kept),
// corrects it, and the coverage report then shows the new figure; a viewer
// opens the published dashboard and cannot reach the entry forms.
func TestBrowserOfficerAndViewer(t *testing.T) {
	browser := browsertest.Start(t)
	storetest.Each(t, func(t *testing.T, engine store.Dialect) {
		e := newEnv(t, engine, Config{})
		base := e.srv.URL
		ctx := tab(t, browser)
		signIn(t, ctx, base, "officer")

		need := func() string {
			do(t, ctx, chromedp.Navigate(base+"/reports/view?name=coverage&currency=USD&format=html"))
			row, err := chromedp.Run(ctx, chromedp.Evaluate[string](`[...document.querySelectorAll('tr')].find(r => r.textContent.includes('coal-need-2021-stab')).textContent`))
			if err != nil {
				t.Fatal(err)
			}
			return row
		}
		before := need()

		do(t, ctx, chromedp.Navigate(base+"/entries/new"),
			chromedp.SetValue(chromedp.CSS(`select[name=kind]`), "pledge"),
			chromedp.SendKeys(chromedp.CSS(`input[name=ref]`), "nld-pledge-browser"),
			chromedp.SendKeys(chromedp.CSS(`input[name=party]`), "NLD"),
			chromedp.SendKeys(chromedp.CSS(`input[name=date]`), "2021-06-01"),
			chromedp.SendKeys(chromedp.CSS(`input[name=amount]`), "2500000"),
			chromedp.SendKeys(chromedp.CSS(`input[name=currency]`), "EUX"),
			chromedp.SendKeys(chromedp.CSS(`input[name=toward]`), "coal-need-2021-stab"),
			chromedp.Submit(chromedp.CSS(`input[name=toward]`)),
			chromedp.WaitVisible(chromedp.CSS(`.field-error`)),
		)
		if msg := text(t, ctx, `.field-error`); !strings.Contains(msg, `unknown currency “EUX”`) {
			t.Errorf("currency problem: %q", msg)
		}
		kept, err := chromedp.Run(ctx, chromedp.Value(chromedp.CSS(`input[name=amount]`)))
		if err != nil || kept != "2500000" {
			t.Errorf("the typed amount was not kept: %q %v", kept, err)
		}
		screenshot(t, ctx, "form-error-"+string(engine))
		do(t, ctx,
			chromedp.SetValue(chromedp.CSS(`input[name=currency]`), "EUR"),
			chromedp.Submit(chromedp.CSS(`input[name=currency]`)),
			chromedp.WaitVisible(chromedp.CSS(`dl.kv`)),
		)
		if loc, _ := chromedp.Run(ctx, chromedp.Location()); !strings.HasSuffix(loc, "/entries/nld-pledge-browser") {
			t.Fatalf("after the corrected form: %s", loc)
		}
		if who := text(t, ctx, `table tbody tr td:nth-child(4)`); who != "officer" {
			t.Errorf("revision author %q, want the signed-in officer", who)
		}

		after := need()
		if after == before {
			t.Fatalf("coverage did not change:\n%s", after)
		}
		// The figure shown is the report's own, for the ledger now.
		val, _ := model.ParseValuation("spot", 7)
		m, err := report.Run(context.Background(), e.st, "coverage", report.Options{Currency: money.MustCurrency("USD"), Valuation: val})
		if err != nil {
			t.Fatal(err)
		}
		l, _ := model.ParseLang("en")
		for _, r := range m.Sections[0].Rows {
			if r["need"].Text == "coal-need-2021-stab" {
				want := l.Amount(r["pledge"], "USD", 2)
				if !strings.Contains(after, want) {
					t.Errorf("coverage row %q lacks the pledged figure %q", after, want)
				}
			}
		}
		screenshot(t, ctx, "coverage-"+string(engine))

		// An analyst publishes; a viewer sees it and nothing else.
		ab := e.browser()
		ab.login("analyst")
		st, _ := ab.post("/publish", url.Values{"csrf": {ab.csrf("/reports")}, "title": {"Ministerial briefing"}, "currency": {"EUR"}})
		if st != 303 {
			t.Fatalf("publish: %d", st)
		}
		vctx := tab(t, browser)
		signIn(t, vctx, base, "viewer")
		do(t, vctx, chromedp.Click(chromedp.CSS(`a[href^="/published/"]`)), chromedp.WaitVisible(chromedp.CSS(`.chart`)))
		live, err := chromedp.Run(vctx, chromedp.Evaluate[int](`[...document.querySelectorAll('.chart')].filter(el => { const c = echarts.getInstanceByDom(el); return c && !c.isDisposed(); }).length`))
		if err != nil || live < 5 {
			t.Errorf("published dashboard: %d live charts, %v", live, err)
		}
		screenshot(t, vctx, "published-"+string(engine))
		for _, path := range []string{"/entries/new", "/entries", "/import", "/reports"} {
			do(t, vctx, chromedp.Navigate(base+path))
			if h := text(t, vctx, `h1`); !strings.Contains(h, "403") {
				t.Errorf("viewer at %s sees %q, want 403", path, h)
			}
		}
		if n, _ := chromedp.Run(vctx, chromedp.Evaluate[int](`document.querySelectorAll('a[href="/entries/new"]').length`)); n != 0 {
			t.Errorf("the viewer's pages link to the entry form")
		}
		_ = fmt.Sprint
	})
}
