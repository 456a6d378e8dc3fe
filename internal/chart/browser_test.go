package chart_test

import (
	"context"
	"errors"
	"fmt"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/coalition/pledger/internal/model"

	"github.com/chromedp/cdproto/emulation"
	"github.com/chromedp/cdproto/fetch"
	"github.com/chromedp/cdproto/network"
	"github.com/chromedp/cdproto/page"
	"github.com/chromedp/chromedp"
	"github.com/coalition/pledger/internal/browsertest"
	"github.com/coalition/pledger/internal/chart"
)

// artifacts is where the browser tests leave the pages and their
// screenshots, to look at (gitignored).
const artifacts = "testdata/artifacts"

// browser starts a headless Chromium with every way out to the network
// closed; each tab also fails (and reports) every http(s) request, in open.
func browser(t *testing.T) context.Context { return browsertest.Start(t) }

// visit is what a page did while it was open.
type visit struct {
	mu       sync.Mutex
	console  []string // errors and exceptions
	dialogs  []string
	requests []string // http(s) requests, all failed
}

func (v *visit) add(list *[]string, s string) {
	v.mu.Lock()
	defer v.mu.Unlock()
	*list = append(*list, s)
}

// chartState is what the page says about one chart div.
type chartState struct {
	ID     string `json:"id"`
	Live   bool   `json:"live"`
	Ink    int    `json:"ink"`
	Pixels int    `json:"pixels"`
	Series int    `json:"series"`
}

const inspectJS = `(() => {
  const out = [];
  for (const el of document.querySelectorAll('.chart')) {
    const inst = echarts.getInstanceByDom(el);
    if (!inst || inst.isDisposed()) { out.push({id: el.id, live: false}); continue; }
    const cv = el.querySelector('canvas');
    const series = (inst.getOption().series || []).length;
    if (!cv) { out.push({id: el.id, live: true, ink: 0, pixels: 0, series: series}); continue; } // nothing painted yet
    const d = cv.getContext('2d').getImageData(0, 0, cv.width, cv.height).data;
    let ink = 0;
    for (let i = 0; i < d.length; i += 4) {
      if (d[i+3] > 0 && (d[i] < 235 || d[i+1] < 235 || d[i+2] < 235)) ink++;
    }
    out.push({id: el.id, live: true, ink: ink, pixels: d.length / 4, series: series});
  }
  return out;
})()`

// showTipsJS shows, on every chart of the page, the tooltip of the first
// data item that has one, and returns the text of each chart's tooltip.
const showTipsJS = `(() => {
  const out = [];
  for (const el of document.querySelectorAll('.chart')) {
    const c = echarts.getInstanceByDom(el);
    const series = c.getOption().series;
    let s = series.findIndex(x => (x.data || []).some(d => d && d.tip));
    if (s < 0) s = 0;
    const data = series[s].data || [];
    let i = data.findIndex(d => d && d.tip && d.tip.length);
    if (i < 0) i = 0;
    c.dispatchAction({type: 'showTip', seriesIndex: s, dataIndex: i});
    const tips = [...el.querySelectorAll('div')].filter(d => d.style.zIndex === '9999999');
    out.push(el.id + '\t' + tips.map(d => d.textContent).join(' | '));
  }
  return out;
})()`

// open opens file in a new tab of ctx, having subscribed to its console,
// dialogs and requests first, and runs check on it.
func open(t *testing.T, ctx context.Context, file string, check func(ctx context.Context, v *visit)) {
	t.Helper()
	tab, cancel := chromedp.NewContext(ctx)
	defer cancel()
	tab, cancelTimeout := context.WithTimeout(tab, 30*time.Second)
	defer cancelTimeout()
	if err := chromedp.Do(tab); err != nil { // opens the tab
		t.Fatal(err)
	}
	v := &visit{}
	console := chromedp.Console(tab)
	dialogs := chromedp.Events(tab, page.JavascriptDialogOpening)
	paused := chromedp.Events(tab, fetch.RequestPaused)
	var wg sync.WaitGroup
	wg.Go(func() {
		for m, err := range console {
			if err != nil {
				return
			}
			if m.Type == chromedp.ConsoleError || m.Type == chromedp.ConsoleException {
				v.add(&v.console, fmt.Sprintf("%s: %s", m.Type, m.Text))
			}
		}
	})
	wg.Go(func() {
		for ev, err := range dialogs {
			if err != nil {
				return
			}
			v.add(&v.dialogs, fmt.Sprintf("%s: %s", ev.Type, ev.Message))
			// Dismiss it, or the page hangs and the test with it.
			chromedp.Call(tab, page.HandleJavaScriptDialog, page.HandleJavaScriptDialogParams{Accept: false})
		}
	})
	wg.Go(func() {
		for ev, err := range paused {
			if err != nil {
				return
			}
			v.add(&v.requests, ev.Request.URL)
			chromedp.Call(tab, fetch.FailRequest, fetch.FailRequestParams{RequestID: ev.RequestID, ErrorReason: network.ErrorReasonBlockedByClient})
		}
	})
	defer wg.Wait()
	defer cancelTimeout() // ends the subscriptions before wg.Wait

	if _, err := chromedp.Call(tab, fetch.Enable, fetch.EnableParams{Patterns: []*fetch.RequestPattern{
		{URLPattern: "http://*"}, {URLPattern: "https://*"}, {URLPattern: "ws://*"}, {URLPattern: "wss://*"}}}); err != nil {
		t.Fatal(err)
	}
	abs, err := filepath.Abs(file)
	if err != nil {
		t.Fatal(err)
	}
	u := (&url.URL{Scheme: "file", Path: abs}).String()
	if err := chromedp.Do(tab, chromedp.Navigate(u)); err != nil {
		t.Fatalf("%s: %v", file, err)
	}
	check(tab, v)
	// Let late messages arrive, then judge the visit.
	time.Sleep(50 * time.Millisecond)
	v.mu.Lock()
	defer v.mu.Unlock()
	for _, m := range v.console {
		t.Errorf("%s: console %s", filepath.Base(file), m)
	}
	for _, d := range v.dialogs {
		t.Errorf("%s: a dialog opened: %s", filepath.Base(file), d)
	}
	for _, r := range v.requests {
		t.Errorf("%s: the page tried to fetch %s", filepath.Base(file), r)
	}
}

// checkCharts checks that every chart div of the page holds a live ECharts
// instance with a drawn canvas, and saves a screenshot of the page.
func checkCharts(t *testing.T, ctx context.Context, name string, want int) {
	checkDrawn(t, ctx, name, want, true)
}

// checkDrawn is checkCharts; with inked false, a chart may be blank (it
// has nothing to draw).
func checkDrawn(t *testing.T, ctx context.Context, name string, want int, inked bool) {
	t.Helper()
	// The page says when every chart has drawn (internal/pdf prints then),
	// empty charts included.
	if _, err := chromedp.Run(ctx, chromedp.Poll[bool](`!document.documentElement.hasAttribute('data-drawing')`)); err != nil {
		t.Errorf("%s: the page never said it had drawn (data-drawing stays on its root): %v", name, err)
	}
	states, err := chromedp.Run(ctx, chromedp.Evaluate[[]chartState](inspectJS))
	if err != nil {
		t.Fatalf("%s: %v", name, err)
	}
	if len(states) != want {
		t.Errorf("%s: %d chart divs, want %d", name, len(states), want)
	}
	for _, s := range states {
		switch {
		case !s.Live:
			t.Errorf("%s: %s has no live ECharts instance", name, s.ID)
		case inked && s.Series == 0:
			t.Errorf("%s: %s has no series", name, s.ID)
		case inked && (s.Pixels == 0 || s.Ink < s.Pixels/200):
			t.Errorf("%s: %s is blank: %d of %d pixels drawn", name, s.ID, s.Ink, s.Pixels)
		}
	}
	png, err := chromedp.Run(ctx, chromedp.FullScreenshot(100))
	if err != nil {
		t.Fatalf("%s: screenshot: %v", name, err)
	}
	if err := os.WriteFile(filepath.Join(artifacts, name+".png"), png, 0o644); err != nil {
		t.Fatal(err)
	}
}

func writeArtifact(t *testing.T, name string, html []byte) string {
	t.Helper()
	if err := os.MkdirAll(artifacts, 0o755); err != nil {
		t.Fatal(err)
	}
	p := filepath.Join(artifacts, name+".html")
	if err := os.WriteFile(p, html, 0o644); err != nil {
		t.Fatal(err)
	}
	return p
}

// TestBrowser opens every chart of the demo ledger, its dashboard, a page in
// Dutch and one in French, and a dashboard of hostile ledger text in
// Chromium, offline, and checks that each chart is drawn, that nothing is
// fetched, logged as an error or run from the data. Screenshots go to
// testdata/artifacts.
func TestBrowser(t *testing.T) {
	ctx := browser(t)
	en := demoItems(t, "en", "USD")
	type job struct {
		name   string
		html   []byte
		charts int
	}
	var jobs []job
	for _, it := range en {
		jobs = append(jobs, job{it.Name + ".en", writePage(t, it, nil, chart.Options{}), 1})
	}
	jobs = append(jobs, job{"dashboard.en", dashboard(t, "Coalition dashboard", en, nil, chart.Options{}), len(en)})
	nl := demoItems(t, "nl", "EUR")
	jobs = append(jobs, job{"dashboard.nl", dashboard(t, "Overzicht van de coalitie", nl, nil, chart.Options{Cumulative: true, Lines: true}), len(nl)})
	fr := demoItems(t, "fr", "EUR")
	jobs = append(jobs, job{"coverage.fr", writePage(t, itemNamed(fr, "coverage"), nil, chart.Options{}), 1})
	jobs = append(jobs, job{"timeline-cumulative.en", writePage(t, itemNamed(en, "timeline"), nil, chart.Options{Cumulative: true}), 1})
	jobs = append(jobs, job{"summary-top5.en", writePage(t, itemNamed(en, "summary"), nil, chart.Options{TopN: 5}), 1})
	many := manyParties(80)
	jobs = append(jobs, job{"summary-80parties.en", writePage(t, chart.Item{Name: "summary", Model: many}, nil, chart.Options{}), 1})
	jobs = append(jobs, job{"summary-80parties-all.en", writePage(t, chart.Item{Name: "summary", Model: many}, nil, chart.Options{TopN: 80}), 1})
	for _, j := range jobs {
		t.Run(j.name, func(t *testing.T) {
			file := writeArtifact(t, j.name, j.html)
			open(t, ctx, file, func(tab context.Context, v *visit) {
				checkCharts(t, tab, j.name, j.charts)
				if j.charts > 1 {
					return
				}
				// A tooltip, to look at: it must show the figure's words.
				tips, err := chromedp.Run(tab, chromedp.Evaluate[[]string](showTipsJS))
				if err != nil {
					t.Fatal(err)
				}
				if len(tips) != 1 || !strings.Contains(tips[0], "USD") && !strings.Contains(tips[0], "EUR") && !strings.HasPrefix(j.name, "deployments") {
					t.Errorf("%s: tooltip %q has no amount", j.name, tips)
				}
				png, err := chromedp.Run(tab, chromedp.CaptureScreenshot())
				if err != nil {
					t.Fatal(err)
				}
				if err := os.WriteFile(filepath.Join(artifacts, j.name+".tooltip.png"), png, 0o644); err != nil {
					t.Fatal(err)
				}
			})
		})
	}

	t.Run("injection", func(t *testing.T) {
		const title = "Hostile ledger"
		file := writeArtifact(t, "injection", dashboard(t, title, handItems(true), lang(t, "en"), chart.Options{}))
		open(t, ctx, file, func(tab context.Context, v *visit) {
			checkCharts(t, tab, "injection", len(chart.Names))
			got, err := chromedp.Run(tab, chromedp.Title())
			if err != nil {
				t.Fatal(err)
			}
			if got != title {
				t.Errorf("document.title = %q, want %q: ledger text ran as script", got, title)
			}
			// Show a tooltip on every chart: the hostile names must be
			// there as text, and make no element.
			shown, err := chromedp.Run(tab, chromedp.Evaluate[[]string](showTipsJS))
			if err != nil {
				t.Fatal(err)
			}
			found := strings.Join(shown, "\n")
			for _, want := range []string{injScript, injImg, injFunc} {
				if !strings.Contains(found, want) {
					t.Errorf("no tooltip shows %q as text; tooltips:\n%s", want, found)
				}
			}
			bad, err := chromedp.Run(tab, chromedp.Evaluate[int](`document.querySelectorAll('img, iframe, object, embed').length + document.scripts.length - 3`))
			if err != nil {
				t.Fatal(err)
			}
			if bad != 0 {
				t.Errorf("the hostile text made %d elements", bad)
			}
			// The text is in the page as text too (titles, notes, footer).
			body, err := chromedp.Run(tab, chromedp.Evaluate[string](`document.body.innerText`))
			if err != nil {
				t.Fatal(err)
			}
			for _, want := range []string{injScript, injImg} {
				if !strings.Contains(body, want) {
					t.Errorf("the page does not show %q as text", want)
				}
			}
		})
	})

	t.Run("empty", func(t *testing.T) {
		var items []chart.Item
		for _, it := range handItems(false) {
			m := *it.Model
			m.Sections = []model.Section{{Key: m.Sections[0].Key, Columns: m.Sections[0].Columns}}
			items = append(items, chart.Item{Name: it.Name, Model: &m})
		}
		file := writeArtifact(t, "empty", dashboard(t, "Nothing yet", items, nil, chart.Options{}))
		open(t, ctx, file, func(tab context.Context, v *visit) {
			checkDrawn(t, tab, "empty", len(items), false)
		})
	})

	t.Run("print", func(t *testing.T) {
		// Printed (A4 landscape, 12 mm margins: 1032 px wide), every chart
		// fits the page's width and height, scaled, not cut.
		file := writeArtifact(t, "dashboard-print.en", dashboard(t, "Coalition dashboard", en, nil, chart.Options{}))
		open(t, ctx, file, func(tab context.Context, v *visit) {
			if err := chromedp.Do(tab, chromedp.EmulateViewport(1032, 700)); err != nil {
				t.Fatal(err)
			}
			if _, err := chromedp.Call(tab, emulation.SetEmulatedMedia, emulation.SetEmulatedMediaParams{Media: "print"}); err != nil {
				t.Fatal(err)
			}
			bad, err := chromedp.Run(tab, chromedp.Evaluate[[]string](`(() => {
  const page = document.documentElement.clientWidth, mm = 96 / 25.4, out = [];
  for (const cv of document.querySelectorAll('.chart canvas')) {
    const r = cv.getBoundingClientRect();
    if (r.width < 100 || r.right > page + 1 || r.height > 140 * mm + 1) out.push(cv.parentElement.parentElement.id + ' ' + r.width + 'x' + r.height);
  }
  return out;
})()`))
			if err != nil {
				t.Fatal(err)
			}
			if len(bad) > 0 {
				t.Errorf("charts that do not fit the printed page: %v", bad)
			}
			pdf, err := chromedp.Run(tab, chromedp.PrintToPDF(chromedp.PDFPreferCSSPageSize()))
			if err != nil {
				t.Fatal(err)
			}
			if err := os.WriteFile(filepath.Join(artifacts, "dashboard-print.en.pdf"), pdf, 0o644); err != nil {
				t.Fatal(err)
			}
		})
	})

	t.Run("offline", func(t *testing.T) {
		// The guard itself: a page that fetches is caught, not hidden.
		file := writeArtifact(t, "fetches", []byte(`<!doctype html><title>x</title><img src="https://example.org/x.png"><script>fetch("http://example.org/")</script>`))
		tab, cancel := chromedp.NewContext(ctx)
		defer cancel()
		tab, cancelTimeout := context.WithTimeout(tab, 20*time.Second)
		defer cancelTimeout()
		if err := chromedp.Do(tab); err != nil {
			t.Fatal(err)
		}
		paused := chromedp.Events(tab, fetch.RequestPaused)
		if _, err := chromedp.Call(tab, fetch.Enable, fetch.EnableParams{Patterns: []*fetch.RequestPattern{{URLPattern: "http://*"}, {URLPattern: "https://*"}}}); err != nil {
			t.Fatal(err)
		}
		abs, _ := filepath.Abs(file)
		go chromedp.Do(tab, chromedp.Navigate((&url.URL{Scheme: "file", Path: abs}).String()))
		for ev, err := range paused {
			if err != nil {
				if !errors.Is(err, context.DeadlineExceeded) {
					t.Fatal(err)
				}
				t.Fatal("a request of the page was not reported")
			}
			chromedp.Call(tab, fetch.FailRequest, fetch.FailRequestParams{RequestID: ev.RequestID, ErrorReason: network.ErrorReasonBlockedByClient})
			if strings.HasPrefix(ev.Request.URL, "https://example.org/") || strings.HasPrefix(ev.Request.URL, "http://example.org/") {
				break
			}
		}
	})
}
