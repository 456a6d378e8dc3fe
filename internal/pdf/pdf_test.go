package pdf

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/coalition/pledger/internal/browsertest"
	"github.com/coalition/pledger/internal/chart"
	"github.com/coalition/pledger/internal/chartrun"
	"github.com/coalition/pledger/internal/demo"
	"github.com/coalition/pledger/internal/model"
	"github.com/coalition/pledger/internal/money"
	"github.com/coalition/pledger/internal/render"
	"github.com/coalition/pledger/internal/report"
	"github.com/coalition/pledger/internal/store"
	"github.com/coalition/pledger/internal/store/storetest"
)

// artifacts is where the tests leave the PDFs they print, to look at
// (gitignored).
const artifacts = "testdata/artifacts"

// stamp is when the test reports say they were generated.
var stamp = time.Date(2026, 1, 15, 10, 0, 0, 0, time.UTC)

// demoOptions loads the demo ledger into a fresh SQLite store and returns
// it with the options of a report in lang and cur, stamped.
func demoOptions(t *testing.T, lang, cur string) (*store.Store, report.Options) {
	t.Helper()
	s := storetest.OpenAt(t, store.SQLite, func() time.Time { return time.Date(2026, 1, 15, 9, 30, 0, 0, time.UTC) })
	if _, _, err := demo.Load(t.Context(), s); err != nil {
		t.Fatal(err)
	}
	val, err := model.ParseValuation("spot", 7)
	if err != nil {
		t.Fatal(err)
	}
	return s, report.Options{Currency: money.MustCurrency(cur), Valuation: val, Lang: model.MustLang(lang), Stamp: stamp, Params: map[string]string{}}
}

// printed is a PDF read back: its pages' sizes and text.
type printed struct {
	raw   []byte
	sizes [][2]float64
	text  []string // per page, whitespace collapsed
}

func readBack(t *testing.T, out []byte, name string) printed {
	t.Helper()
	if err := os.MkdirAll(artifacts, 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(artifacts, name), out, 0o644); err != nil {
		t.Fatal(err)
	}
	if !bytes.HasPrefix(out, []byte("%PDF-")) {
		t.Fatalf("%s does not start with %%PDF-: %q", name, out[:min(len(out), 16)])
	}
	d, err := readPDF(out)
	if err != nil {
		t.Fatalf("%s: %v", name, err)
	}
	p := printed{raw: out, sizes: d.mediaBoxes()}
	for _, s := range d.text() {
		p.text = append(p.text, strings.Join(strings.Fields(s), " "))
	}
	if len(p.text) == 0 || len(p.text) != len(p.sizes) {
		t.Fatalf("%s: %d pages, %d page sizes", name, len(p.text), len(p.sizes))
	}
	return p
}

// checkA4 checks that every page is A4 (595 × 842 points), turned as want.
func checkA4(t *testing.T, p printed, landscape bool) {
	t.Helper()
	w, h := 595.28, 841.89
	if landscape {
		w, h = h, w
	}
	for i, s := range p.sizes {
		if math.Abs(s[0]-w) > 1.5 || math.Abs(s[1]-h) > 1.5 {
			t.Errorf("page %d is %.2f × %.2f points, want A4 %.0f × %.0f", i+1, s[0], s[1], w, h)
		}
	}
}

// checkFooter checks that every page's footer carries the provenance of m
// (each field "Label: value", in the reader's words) and the page number.
func checkFooter(t *testing.T, p printed, l *model.Lang, m *model.Model) {
	t.Helper()
	fields := Provenance(l, m)
	keys := map[string]bool{}
	for _, f := range fields {
		keys[f.Key] = true
	}
	for _, k := range []string{"state", "valuation", "rates", "generated"} {
		if !keys[k] {
			t.Errorf("the footer has no %s", k)
		}
	}
	for i, text := range p.text {
		for _, f := range fields {
			want := strings.Join(strings.Fields(f.Label+l.Colon()+" "+f.Value), " ")
			if !strings.Contains(text, want) {
				t.Errorf("page %d of %d does not say %q:\n%s", i+1, len(p.text), want, text)
			}
		}
		if want := fmt.Sprintf("%d / %d", i+1, len(p.text)); !strings.Contains(text, want) {
			t.Errorf("page %d has no page number %q", i+1, want)
		}
	}
}

// The demo's coverage report, in English, printed: a PDF on A4, turned
// landscape as the page asks (its table is wide), whose every page's
// footer carries the ledger state (SEQ:HASH), the valuation, the rates,
// when it was made and the page number; the report itself is in it.
func TestPrintDemoCoverageReport(t *testing.T) {
	chromium := browsertest.Path(t)
	s, opt := demoOptions(t, "en", "USD")
	m, err := report.Run(t.Context(), s, "coverage", opt)
	if err != nil {
		t.Fatal(err)
	}
	if !regexp.MustCompile(`^\d+:[0-9a-f]{64}$`).MatchString(m.Provenance.State) {
		t.Fatalf("ledger state %q", m.Provenance.State)
	}
	var page bytes.Buffer
	if err := render.Write(&page, m, "html", opt.Lang); err != nil {
		t.Fatal(err)
	}
	out, err := Print(t.Context(), page.Bytes(), Options{Chromium: chromium, Lang: "en", Footer: Provenance(opt.Lang, m)})
	if err != nil {
		t.Fatal(err)
	}
	p := readBack(t, out, "coverage.en.pdf")
	checkA4(t, p, true)
	checkFooter(t, p, opt.Lang, m)
	all := strings.Join(p.text, "\n")
	for _, want := range []string{"Coverage of needs", "coal-need-2021-stab", "670,000,000.00 USD", "Provenance", m.Provenance.State} {
		if !strings.Contains(all, want) {
			t.Errorf("the PDF does not say %q", want)
		}
	}
	if !strings.Contains(p.text[0], "Ledger state: "+m.Provenance.State) {
		t.Errorf("page 1's footer does not give the ledger state %s", m.Provenance.State)
	}
}

// A chart page, in French, is printed once its chart is drawn: the chart
// is on the page as an image, on A4 landscape, with the provenance in the
// footer in French.
func TestPrintDemoChart(t *testing.T) {
	chromium := browsertest.Path(t)
	s, opt := demoOptions(t, "fr", "EUR")
	items, err := chartrun.Items(t.Context(), s, opt, []string{"coverage"})
	if err != nil {
		t.Fatal(err)
	}
	var page bytes.Buffer
	if err := chart.WritePage(&page, items[0], opt.Lang, chart.Options{}); err != nil {
		t.Fatal(err)
	}
	m := items[0].Model
	out, err := Print(t.Context(), page.Bytes(), Options{Chromium: chromium, Lang: "fr", Footer: Provenance(opt.Lang, m)})
	if err != nil {
		t.Fatal(err)
	}
	p := readBack(t, out, "coverage-chart.fr.pdf")
	checkA4(t, p, true)
	checkFooter(t, p, opt.Lang, m)
	if !strings.Contains(p.text[0], "État du registre : "+m.Provenance.State) {
		t.Errorf("page 1's footer does not give the ledger state in French:\n%s", p.text[0])
	}
	// The canvas prints as an image; a chart not yet drawn would print blank.
	if !bytes.Contains(out, []byte("/Subtype /Image")) {
		t.Error("the PDF has no image: the chart was not drawn")
	}
}

// A page that asks for anything on the network is not printed: it would
// print incomplete, and pledger's pages ask for nothing.
func TestPrintRefusesPagesThatFetch(t *testing.T) {
	chromium := browsertest.Path(t)
	page := []byte(`<!doctype html><html lang="en"><title>x</title><p>text</p><img alt="" src="https://example.org/x.png"></html>`)
	_, err := Print(t.Context(), page, Options{Chromium: chromium, Lang: "en"})
	if err == nil || !strings.Contains(err.Error(), "not self-contained") || !strings.Contains(err.Error(), "https://example.org/x.png") {
		t.Fatalf("Print of a page that fetches: %v", err)
	}
}

// Without Chromium the error says what PDF needs and how to install it.
func TestNoChromium(t *testing.T) {
	missing := filepath.Join(t.TempDir(), "no-chromium")
	t.Setenv(EnvChromium, missing)
	_, err := Find()
	if !errors.Is(err, ErrNoChromium) {
		t.Fatalf("Find with %s=%s: %v, want ErrNoChromium", EnvChromium, missing, err)
	}
	for _, want := range []string{"PDF needs Chromium", missing, "apt-get install chromium"} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("%q does not say %q", err, want)
		}
	}
	if _, err := Print(context.Background(), []byte("<p>x</p>"), Options{Lang: "en"}); !errors.Is(err, ErrNoChromium) {
		t.Errorf("Print with %s=%s: %v, want ErrNoChromium", EnvChromium, missing, err)
	}
	if _, err := Print(context.Background(), []byte("<p>x</p>"), Options{Chromium: missing, Lang: "en"}); !errors.Is(err, ErrNoChromium) {
		t.Errorf("Print with Chromium %s: %v, want ErrNoChromium", missing, err)
	}

	// Nothing on PATH either.
	t.Setenv(EnvChromium, "")
	t.Setenv("PATH", t.TempDir())
	_, err = Find()
	if !errors.Is(err, ErrNoChromium) || !strings.Contains(err.Error(), "chromium-browser") || !strings.Contains(err.Error(), "apt-get install chromium") {
		t.Errorf("Find with an empty PATH: %v", err)
	}
}

// The footer is ledger text in markup: it is escaped, in the reader's
// language, and ends with the page number.
func TestFooterTemplate(t *testing.T) {
	hostile := `<img src=x onerror=alert(1)></div><script>alert(2)</script>`
	got, err := FooterTemplate("fr", []model.Field{
		{Key: "state", Label: "État du registre", Value: "7:abc"},
		{Key: "rates", Label: "Taux de change", Value: hostile},
	})
	if err != nil {
		t.Fatal(err)
	}
	for _, bad := range []string{"<img", "<script", "</div><script"} {
		if strings.Contains(got, bad) {
			t.Errorf("the footer holds %q as markup:\n%s", bad, got)
		}
	}
	for _, want := range []string{`lang="fr"`, "<b>État du registre :</b> 7:abc", "&lt;img src=x onerror=alert(1)&gt;",
		`<span class="pageNumber"></span> / <span class="totalPages"></span>`, "font-size: 6.5pt"} {
		if !strings.Contains(got, want) {
			t.Errorf("the footer lacks %q:\n%s", want, got)
		}
	}
	if strings.Index(got, "État du registre") > strings.Index(got, "Taux de change") {
		t.Error("the footer does not keep the fields' order")
	}
}

// Every page's footer has the state, valuation, rates and the generated
// moment, and says so when the ledger failed verification.
func TestProvenance(t *testing.T) {
	l := model.MustLang("nl")
	m := &model.Model{Provenance: model.Provenance{Valuation: "spot", State: "3:abc", AsOf: stamp}, GeneratedAt: stamp}
	var keys []string
	for _, f := range Provenance(l, m) {
		keys = append(keys, f.Key)
	}
	if got := strings.Join(keys, " "); got != "valuation rates state generated" {
		t.Errorf("footer fields %q", got)
	}
	m.Provenance.Unverified = "revision 2 was altered"
	keys = keys[:0]
	for _, f := range Provenance(l, m) {
		keys = append(keys, f.Key)
		if f.Key == "verified" && !strings.Contains(f.Value, "revision 2 was altered") {
			t.Errorf("verified: %q", f.Value)
		}
	}
	if got := strings.Join(keys, " "); got != "valuation rates state verified generated" {
		t.Errorf("footer fields of an unverified ledger %q", got)
	}
}
