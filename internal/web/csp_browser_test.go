package web

import (
	"context"
	"net/url"
	"strings"
	"testing"

	cdppage "github.com/chromedp/cdproto/page"
	"github.com/chromedp/chromedp"
	"github.com/coalition/pledger/internal/browsertest"
	"github.com/coalition/pledger/internal/chart"
	"github.com/coalition/pledger/internal/store"
)

// cspWatch records, in every page the tab opens, the Content-Security-
// Policy violations the page reports (the console reports them too, and
// tab fails the test on those).
func cspWatch(t *testing.T, ctx context.Context) {
	t.Helper()
	if _, err := chromedp.Call(ctx, cdppage.AddScriptToEvaluateOnNewDocument, cdppage.AddScriptToEvaluateOnNewDocumentParams{
		Source: `window.__csp = []; document.addEventListener('securitypolicyviolation', e => window.__csp.push(e.violatedDirective + ' ' + e.blockedURI));`,
	}); err != nil {
		t.Fatal(err)
	}
}

func cspViolations(t *testing.T, ctx context.Context, what string) {
	t.Helper()
	vs, err := chromedp.Run(ctx, chromedp.Evaluate[[]string](`window.__csp || ['no watcher']`))
	if err != nil {
		t.Fatalf("%s: %v", what, err)
	}
	for _, v := range vs {
		t.Errorf("%s: Content-Security-Policy violation: %s", what, v)
	}
}

// Finding 5: under the strict policy (no inline script but the charts'
// two, allowed by hash) every page works with no violation: the pages'
// script (the fulfils picker, the Back link) runs from /static/app.js, and
// every chart page, the dashboard and a published dashboard draw all
// their charts. The pages do not depend on the engine: SQLite only, as the
// accessibility test.
func TestBrowserStrictCSP(t *testing.T) {
	browser := browsertest.Start(t)
	engine := store.SQLite
	e := newEnv(t, engine, Config{})
	base := e.srv.URL
	ab := e.browser()
	ab.login("analyst")
	if st, _ := ab.post("/publish", url.Values{"csrf": {ab.csrf("/reports")}, "title": {"Briefing"}, "currency": {"EUR"}}); st != 303 {
		t.Fatalf("publish: %d", st)
	}
	snaps, err := e.st.Snapshots(t.Context())
	if err != nil || len(snaps) == 0 {
		t.Fatal(snaps, err)
	}
	ctx := tab(t, browser)
	cspWatch(t, ctx)
	do(t, ctx, chromedp.Navigate(base+"/login"), chromedp.WaitVisible(chromedp.CSS(`input[name=name]`)))
	cspViolations(t, ctx, "/login")
	signIn(t, ctx, base, "admin")

	for _, path := range []string{"/entries", "/entries/coal-need-2021-stab", "/entries/bel-pledge-2021-stab/amend", "/import", "/rates",
		"/reports", "/reports/view?name=coverage&currency=USD&format=html", "/reports/view?name=flows&format=html", "/published",
		"/parties", "/users", "/entries/no-such-ref"} {
		do(t, ctx, chromedp.Navigate(base+path), chromedp.WaitVisible(chromedp.CSS(`h1`)))
		cspViolations(t, ctx, path)
	}
	// The pages' script runs: the fulfils picker follows the party typed.
	do(t, ctx, chromedp.Navigate(base+"/entries/new"), chromedp.SendKeys(chromedp.CSS(`input[name=party]`), "bel"))
	picks, err := chromedp.Run(ctx, chromedp.Evaluate[[]string](`[...document.querySelectorAll('#dl-fulfils option')].map(o => o.dataset.party)`))
	if err != nil || len(picks) == 0 {
		t.Fatalf("fulfils picker: %v %v", picks, err)
	}
	for _, p := range picks {
		if p != "BEL" {
			t.Errorf("the fulfils picker for BEL offers a pledge of %s: app.js did not run", p)
		}
	}
	cspViolations(t, ctx, "/entries/new")
	// ... and the Back link of an error page goes back.
	do(t, ctx, chromedp.Navigate(base+"/rates"), chromedp.WaitVisible(chromedp.CSS(`h1`)),
		chromedp.Navigate(base+"/entries/no-such-ref"), chromedp.WaitVisible(chromedp.CSS(`a[data-back]`)),
		chromedp.Click(chromedp.CSS(`a[data-back]`)), chromedp.WaitVisible(chromedp.CSS(`form[action="/rates/import"]`)))
	if loc, err := chromedp.Run(ctx, chromedp.Location()); err != nil || !strings.HasSuffix(loc, "/rates") {
		t.Errorf("the Back link of an error page went to %s: %v", loc, err)
	}

	// Charts: every chart's page, the dashboard, a published dashboard.
	var charts []string
	for _, name := range chart.Names {
		charts = append(charts, "/charts/"+name)
	}
	for _, path := range append(charts, "/dashboard", "/dashboard?lang=nl&currency=USD", "/published/"+snaps[0].ID) {
		do(t, ctx, chromedp.Navigate(base+path), chromedp.WaitVisible(chromedp.CSS(`.chart`)))
		got, err := chromedp.Run(ctx, chromedp.Poll[[]int](`(() => {
			const all = [...document.querySelectorAll('.chart')];
			const live = all.filter(el => typeof echarts === 'object' && echarts.getInstanceByDom(el));
			return live.length === all.length && [live.length, all.length];
		})()`))
		if err != nil || len(got) != 2 || got[0] == 0 {
			n, _ := chromedp.Run(ctx, chromedp.Evaluate[int](`typeof echarts === 'object' ? [...document.querySelectorAll('.chart')].filter(el => echarts.getInstanceByDom(el)).length : -1`))
			t.Errorf("%s: the charts are not drawn (%d drawn): %v", path, n, err)
		}
		cspViolations(t, ctx, path)
	}
	// The header's language selector still works (a form, no script).
	do(t, ctx, chromedp.Navigate(base+"/entries"), chromedp.SetValue(chromedp.CSS(`#ui-lang`), "fr"),
		chromedp.Submit(chromedp.CSS(`#ui-lang`)), chromedp.WaitReady(chromedp.CSS(`html[lang=fr] main h1`)))
	cspViolations(t, ctx, "the language selector")
}
