package demo_test

import (
	"bytes"
	"context"
	"net/url"
	"os"
	"path/filepath"
	"testing"

	"github.com/chromedp/chromedp"

	"github.com/coalition/pledger/internal/browsertest"
	"github.com/coalition/pledger/internal/model"
	"github.com/coalition/pledger/internal/money"
	"github.com/coalition/pledger/internal/render"
	"github.com/coalition/pledger/internal/report"
	"github.com/coalition/pledger/internal/store"
)

// Every report of the catalog, as an HTML page in English, Dutch and
// French on the demo ledger, passes axe-core (WCAG 2.x A and AA and the
// best practices) with no serious or critical violation, and says its
// language. The pages are the same on both engines (TestGoldenReports):
// the check runs on SQLite. The pages are left in testdata/artifacts.
func TestBrowserAccessibility(t *testing.T) {
	browser := browsertest.Start(t)
	s := openDemo(t, store.SQLite)
	dir := filepath.Join("testdata", "artifacts")
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	val, _ := model.ParseValuation("spot", 7)
	for _, d := range report.Catalog() {
		for _, code := range model.Languages {
			name := d.Name + "." + code
			t.Run(name, func(t *testing.T) {
				lang := model.MustLang(code)
				m, err := report.Run(t.Context(), s, d.Name, report.Options{Currency: money.MustCurrency("EUR"), Valuation: val, Lang: lang,
					Params: map[string]string{"party": "BEL"}})
				if err != nil {
					t.Fatal(err)
				}
				var buf bytes.Buffer
				if err := render.Write(&buf, m, "html", lang); err != nil {
					t.Fatal(err)
				}
				file, err := filepath.Abs(filepath.Join(dir, name+".html"))
				if err != nil {
					t.Fatal(err)
				}
				if err := os.WriteFile(file, buf.Bytes(), 0o644); err != nil {
					t.Fatal(err)
				}
				tab, cancel := chromedp.NewContext(browser)
				defer cancel()
				if err := chromedp.Do(tab, chromedp.Navigate((&url.URL{Scheme: "file", Path: file}).String())); err != nil {
					t.Fatal(err)
				}
				axeCheck(t, tab, code, name)
			})
		}
	}
}

// axeCheck runs axe-core on the page in ctx and fails t on every serious
// or critical violation; it also checks that the page says its language.
func axeCheck(t *testing.T, ctx context.Context, lang, what string) {
	t.Helper()
	got, err := chromedp.Run(ctx, chromedp.Evaluate[string](`document.documentElement.lang`))
	if err != nil {
		t.Fatal(err)
	}
	if got != lang {
		t.Errorf("%s: <html lang=%q>, want %q", what, got, lang)
	}
	vs, err := browsertest.Axe(ctx)
	if err != nil {
		t.Fatalf("%s: %v", what, err)
	}
	for _, v := range vs {
		t.Errorf("%s: %s", what, v)
	}
}
