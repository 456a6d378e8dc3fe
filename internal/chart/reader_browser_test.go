package chart_test

import (
	"bytes"
	"context"
	"fmt"
	"image/png"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/cdproto/accessibility"
	cdpbrowser "github.com/chromedp/cdproto/browser"
	"github.com/chromedp/chromedp"
	"github.com/coalition/pledger/internal/browsertest"
	"github.com/coalition/pledger/internal/chart"
)

// TestBrowserReader opens the demo's charts as a reader does, in one
// Chromium, offline: no text outside a chart's box, the PNG export and
// the data view, the data tables, axe-core, and the dashboard folder.
func TestBrowserReader(t *testing.T) {
	ctx := browser(t)
	for _, c := range []struct {
		name string
		fn   func(*testing.T, context.Context)
	}{
		{"no-text-outside", noTextOutside}, {"save-and-data-view", saveAndDataView}, {"data-tables", dataTables},
		{"axe", axeChecks}, {"folder", folder},
	} {
		t.Run(c.name, func(t *testing.T) { c.fn(t, ctx) })
	}
}

// outsideJS lists, for every chart of the page, each text ECharts drew
// that does not lie wholly inside the chart's box, and how many texts it
// drew: axis labels, legends, the sankey's labels, the as-of line's label.
// It reads zrender's display list (the canvas's elements), each text's
// bounding box in the chart's coordinates.
const outsideJS = `(() => {
  const out = {texts: 0, outside: []};
  for (const el of document.querySelectorAll('.chart')) {
    const inst = echarts.getInstanceByDom(el);
    const w = inst.getWidth(), h = inst.getHeight();
    for (const d of inst.getZr().storage.getDisplayList(true)) {
      if (d.type !== 'tspan' || d.invisible || !d.style || !d.style.text) continue;
      let hidden = false;
      for (let p = d; p; p = p.parent) hidden = hidden || p.ignore || p.invisible;
      if (hidden) continue;
      const r = d.getBoundingRect().clone();
      if (d.transform) r.applyTransform(d.transform);
      out.texts++;
      if (r.x < -0.5 || r.y < -0.5 || r.x + r.width > w + 0.5 || r.y + r.height > h + 0.5) {
        out.outside.push(el.id + ': "' + d.style.text + '" at x ' + r.x.toFixed(1) + '..' + (r.x + r.width).toFixed(1) +
          ', y ' + r.y.toFixed(1) + '..' + (r.y + r.height).toFixed(1) + ' in ' + w + 'x' + h);
      }
    }
  }
  return out;
})()`

type outside struct {
	Texts   int      `json:"texts"`
	Outside []string `json:"outside"`
}

// Every text of every chart of the demo ledger, in each language, lies
// inside its chart's box: on a wide screen, a narrow one, and printed.
func noTextOutside(t *testing.T, ctx context.Context) {
	for _, c := range []struct{ lang, cur string }{{"en", "USD"}, {"nl", "EUR"}, {"fr", "EUR"}} {
		items := demoItems(t, c.lang, c.cur)
		// The dashboard has every chart, at the width of a chart's own page.
		pages := map[string][]byte{"dashboard": dashboard(t, "", items, nil, chart.Options{})}
		if c.lang == "en" {
			for _, it := range items {
				pages[it.Name] = writePage(t, it, nil, chart.Options{})
			}
			pages["timeline-lines"] = writePage(t, itemNamed(items, "timeline"), nil, chart.Options{Cumulative: true, Lines: true})
			pages["summary-top5"] = writePage(t, itemNamed(items, "summary"), nil, chart.Options{TopN: 5})
		}
		// The as-of line at the right edge of the time axis (a ledger as
		// of the last day of a year): its label must stay inside.
		dep := *itemNamed(items, "deployments").Model
		dep.AsOf = time.Date(2025, 12, 31, 23, 0, 0, 0, time.UTC)
		pages["deployments-yearend"] = writePage(t, chart.Item{Name: "deployments", Model: &dep}, nil, chart.Options{})
		for name, html := range pages {
			name := name + "." + c.lang
			file := writeArtifact(t, "bounds-"+name, html)
			t.Run(name, func(t *testing.T) {
				open(t, ctx, file, func(tab context.Context, v *visit) {
					for _, width := range []int64{1280, 720} {
						if err := chromedp.Do(tab, chromedp.EmulateViewport(width, 900)); err != nil {
							t.Fatal(err)
						}
						// The page's script resizes the charts on a resize.
						if err := chromedp.Do(tab, chromedp.Evaluate[chromedp.Void](`window.dispatchEvent(new Event('resize'))`)); err != nil {
							t.Fatal(err)
						}
						got, err := chromedp.Run(tab, chromedp.Evaluate[outside](outsideJS))
						if err != nil {
							t.Fatal(err)
						}
						if got.Texts < 5 {
							t.Errorf("%d px wide: only %d texts found: the check sees nothing", width, got.Texts)
						}
						for _, o := range got.Outside {
							t.Errorf("%d px wide: text outside the chart: %s", width, o)
						}
					}
				})
			})
		}
	}
}

// toolJS finds the toolbox button of a chart titled title, scrolls it
// into view and returns its centre in the viewport.
const toolJS = `((id, title) => {
  const el = document.getElementById(id);
  el.scrollIntoView({block: 'center'});
  const inst = echarts.getInstanceByDom(el);
  for (const d of inst.getZr().storage.getDisplayList(true)) {
    if (d.__title !== title) continue;
    const r = d.getBoundingRect().clone();
    if (d.transform) r.applyTransform(d.transform);
    const box = el.getBoundingClientRect();
    return [box.left + r.x + r.width / 2, box.top + r.y + r.height / 2];
  }
  return [];
})`

// A reader clicks "Save as image" on a chart: the browser downloads a PNG
// named after the chart, which decodes, as large as the chart (twice, for
// sharpness); the button under the chart saves the same image from the
// keyboard. The data view shows the chart's data table.
func saveAndDataView(t *testing.T, ctx context.Context) {
	dir := t.TempDir()
	if _, err := chromedp.CallBrowser(ctx, cdpbrowser.SetDownloadBehavior, cdpbrowser.SetDownloadBehaviorParams{
		Behavior: cdpbrowser.SetDownloadBehaviorBehaviorAllowAndName, DownloadPath: dir, EventsEnabled: new(true)}); err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct{ lang, cur, name string }{{"en", "USD", "summary"}, {"fr", "EUR", "flows"}, {"nl", "EUR", "deployments"}} {
		it := itemNamed(demoItems(t, c.lang, c.cur), c.name)
		l := lang(t, c.lang)
		file := writeArtifact(t, "save-"+c.name+"."+c.lang, writePage(t, it, nil, chart.Options{}))
		t.Run(c.name+"."+c.lang, func(t *testing.T) {
			open(t, ctx, file, func(tab context.Context, v *visit) {
				id := "chart-" + c.name
				click := func(title string) {
					t.Helper()
					at, err := chromedp.Run(tab, chromedp.Evaluate[[]float64](fmt.Sprintf("%s(%q, %q)", toolJS, id, title)))
					if err != nil {
						t.Fatal(err)
					}
					if len(at) != 2 {
						t.Fatalf("no toolbox button titled %q", title)
					}
					if err := chromedp.Do(tab, chromedp.MouseClickXY(at[0], at[1])); err != nil {
						t.Fatal(err)
					}
				}

				// download runs trigger and returns the file the browser
				// downloads, checking its name.
				download := func(trigger func()) []byte {
					t.Helper()
					began := chromedp.BrowserEvents(tab, cdpbrowser.DownloadWillBegin)
					progress := chromedp.BrowserEvents(tab, cdpbrowser.DownloadProgress)
					trigger()
					var guid string
					for ev, err := range began {
						if err != nil {
							t.Fatalf("no download began: %v", err)
						}
						want := "pledger-" + c.name + "-2026-01-15.png"
						if ev.SuggestedFilename != want {
							t.Errorf("the image is named %q, want %q", ev.SuggestedFilename, want)
						}
						guid = ev.GUID
						break
					}
					for ev, err := range progress {
						if err != nil {
							t.Fatalf("the download did not end: %v", err)
						}
						if ev.GUID != guid || ev.State == cdpbrowser.DownloadProgressStateInProgress {
							continue
						}
						if ev.State != cdpbrowser.DownloadProgressStateCompleted {
							t.Fatalf("download %s", ev.State)
						}
						break
					}
					data, err := os.ReadFile(filepath.Join(dir, guid))
					if err != nil {
						t.Fatal(err)
					}
					return data
				}
				data := download(func() { click(l.T("chart.toolbox.save")) })
				if !bytes.HasPrefix(data, []byte("\x89PNG\r\n\x1a\n")) {
					t.Fatalf("the saved image is not a PNG: %q", data[:min(len(data), 16)])
				}
				img, err := png.Decode(bytes.NewReader(data))
				if err != nil {
					t.Fatalf("the saved PNG does not decode: %v", err)
				}
				size, err := chromedp.Run(tab, chromedp.Evaluate[[]int](fmt.Sprintf(
					`(() => { const i = echarts.getInstanceByDom(document.getElementById(%q)); return [i.getWidth(), i.getHeight()]; })()`, id)))
				if err != nil {
					t.Fatal(err)
				}
				if b := img.Bounds(); b.Dx() != 2*size[0] || b.Dy() != 2*size[1] {
					t.Errorf("the image is %dx%d, want twice the chart's %dx%d", b.Dx(), b.Dy(), size[0], size[1])
				}
				if err := os.WriteFile(filepath.Join(artifacts, "saved-"+c.name+"."+c.lang+".png"), data, 0o644); err != nil {
					t.Fatal(err)
				}
				// The same image from the button under the chart, pressed
				// from the keyboard.
				again := download(func() {
					if err := chromedp.Do(tab, chromedp.Focus(chromedp.CSS(`button.save-image`))); err != nil {
						t.Fatal(err)
					}
					if err := chromedp.Do(tab, chromedp.KeyEvent("\r")); err != nil {
						t.Fatal(err)
					}
				})
				if !bytes.Equal(again, data) {
					t.Errorf("the button under the chart saves another image (%d bytes) than the toolbox (%d bytes)", len(again), len(data))
				}

				// The data view: the chart's table, as the page has it.
				click(l.T("chart.toolbox.data"))
				shown, err := chromedp.Run(tab, chromedp.Evaluate[[]int](fmt.Sprintf(`(() => {
  const el = document.getElementById(%q);
  const views = [...el.querySelectorAll('table')];
  const page = document.getElementById(%q);
  return [views.length, views.length ? views[0].rows.length : 0, page.rows.length];
})()`, id, "table-"+c.name)))
				if err != nil {
					t.Fatal(err)
				}
				if shown[0] != 1 || shown[1] != shown[2] || shown[1] < 2 {
					t.Errorf("the data view shows %d tables of %d rows; the page's table has %d", shown[0], shown[1], shown[2])
				}
				vs, err := browsertest.Axe(tab)
				if err != nil {
					t.Fatal(err)
				}
				for _, x := range vs {
					t.Errorf("with the data view open: %s", x)
				}
				png, err := chromedp.Run(tab, chromedp.CaptureScreenshot())
				if err != nil {
					t.Fatal(err)
				}
				if err := os.WriteFile(filepath.Join(artifacts, "dataview-"+c.name+"."+c.lang+".png"), png, 0o644); err != nil {
					t.Fatal(err)
				}
			})
		})
	}
}

// tableState is what the page's accessibility tree and layout say of
// the data tables.
type tableState struct {
	ID       string   `json:"id"`
	Caption  string   `json:"caption"`
	Rows     int      `json:"rows"`
	Scoped   bool     `json:"scoped"`
	Follows  string   `json:"follows"` // the chart it follows
	Width    float64  `json:"width"`
	Figures  []string `json:"figures"` // the first data row
	Expanded bool     `json:"expanded"`
}

const tablesJS = `[...document.querySelectorAll('.data table')].map(t => {
  const section = t.closest('section.figure');
  const chart = section && section.querySelector('.chart');
  const heads = [...t.querySelectorAll('th')];
  const first = t.tBodies[0].rows[0];
  return {id: t.id, caption: t.caption ? t.caption.textContent : '', rows: t.tBodies[0].rows.length,
    scoped: heads.length > 0 && heads.every(h => h.scope === 'col' || h.scope === 'row'),
    follows: chart ? chart.id : '', width: t.parentElement.getBoundingClientRect().width,
    figures: [...first.cells].map(c => c.textContent)};
})`

// Each chart is followed by a table of its data, with a caption and
// scoped headers, in the accessibility tree while it is visually
// collapsed; a button shows it.
func dataTables(t *testing.T, ctx context.Context) {
	items := demoItems(t, "nl", "EUR")
	file := writeArtifact(t, "tables.nl", dashboard(t, "", items, nil, chart.Options{}))
	open(t, ctx, file, func(tab context.Context, v *visit) {
		tables, err := chromedp.Run(tab, chromedp.Evaluate[[]tableState](tablesJS))
		if err != nil {
			t.Fatal(err)
		}
		if len(tables) != len(items) {
			t.Fatalf("%d data tables for %d charts", len(tables), len(items))
		}
		for i, tb := range tables {
			name := items[i].Name
			switch {
			case tb.Follows != "chart-"+name:
				t.Errorf("table %d (%s) follows %q, not the chart %s", i, tb.ID, tb.Follows, name)
			case !strings.HasPrefix(tb.Caption, "Gegevens van de grafiek: "):
				t.Errorf("%s: caption %q", name, tb.Caption)
			case tb.Rows < 2 || !tb.Scoped:
				t.Errorf("%s: %d rows, headers scoped: %v", name, tb.Rows, tb.Scoped)
			case tb.Width > 2:
				t.Errorf("%s: the table is shown (%v px) before the reader asks", name, tb.Width)
			}
			if name != "deployments" && !strings.Contains(strings.Join(tb.Figures, " "), "EUR") {
				t.Errorf("%s: the first row has no amount in EUR: %q", name, tb.Figures)
			}
		}
		// In the accessibility tree: a table per chart, with its caption
		// as its name.
		tree, err := chromedp.Call(tab, accessibility.GetFullAXTree, accessibility.GetFullAXTreeParams{})
		if err != nil {
			t.Fatal(err)
		}
		named := map[string]bool{}
		for _, n := range tree.Nodes {
			if n.Ignored || n.Role == nil || n.Name == nil {
				continue
			}
			if role := fmt.Sprint(n.Role.Value); strings.Contains(role, "table") {
				named[strings.Trim(string(n.Name.Value), `"`)] = true
			}
		}
		for _, tb := range tables {
			if !named[tb.Caption] {
				t.Errorf("the table %q is not in the accessibility tree (tables there: %v)", tb.Caption, named)
			}
		}
		// The button shows the table, and hides it again.
		if err := chromedp.Do(tab, chromedp.Click(chromedp.CSS(`section.figure button.show-data`))); err != nil {
			t.Fatal(err)
		}
		after, err := chromedp.Run(tab, chromedp.Evaluate[[]tableState](tablesJS))
		if err != nil {
			t.Fatal(err)
		}
		label, err := chromedp.Run(tab, chromedp.Evaluate[string](`document.querySelector('button.show-data').textContent`))
		if err != nil {
			t.Fatal(err)
		}
		if after[0].Width < 200 || label != "Verberg de gegevenstabel" {
			t.Errorf("after a click the first table is %v px wide, and the button reads %q", after[0].Width, label)
		}
		png, err := chromedp.Run(tab, chromedp.FullScreenshot(90))
		if err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(artifacts, "tables.nl.png"), png, 0o644); err != nil {
			t.Fatal(err)
		}
	})
}

// axe-core finds no serious or critical violation on a chart page, on the
// dashboard in each language, or with its data tables shown.
func axeChecks(t *testing.T, ctx context.Context) {
	pages := map[string][]byte{}
	for _, c := range []struct{ lang, cur string }{{"en", "USD"}, {"nl", "EUR"}, {"fr", "EUR"}} {
		items := demoItems(t, c.lang, c.cur)
		pages["dashboard."+c.lang] = dashboard(t, "", items, nil, chart.Options{})
		if c.lang != "en" {
			continue // the dashboard has every chart; each on its own page in English
		}
		for _, it := range items {
			pages[it.Name+"."+c.lang] = writePage(t, it, nil, chart.Options{})
		}
	}
	for name, html := range pages {
		file := writeArtifact(t, "axe-"+name, html)
		t.Run(name, func(t *testing.T) {
			open(t, ctx, file, func(tab context.Context, v *visit) {
				check := func(when string) {
					vs, err := browsertest.Axe(tab)
					if err != nil {
						t.Fatal(err)
					}
					for _, x := range vs {
						t.Errorf("%s: %s", when, x)
					}
				}
				check("as loaded")
				if !strings.HasPrefix(name, "dashboard.") {
					return
				}
				// Every data table shown.
				if err := chromedp.Do(tab, chromedp.Evaluate[chromedp.Void](`document.querySelectorAll('button.show-data').forEach(b => b.click())`)); err != nil {
					t.Fatal(err)
				}
				check("with the data tables shown")
			})
		})
	}
}

// A dashboard folder holds one copy of ECharts, which its pages load from
// beside them: every chart is drawn, offline, and the folder weighs one
// library, not one per page.
func folder(t *testing.T, ctx context.Context) {
	dir := filepath.Join(artifacts, "folder")
	os.RemoveAll(dir)
	items := demoItems(t, "fr", "EUR")
	index, err := chart.WriteFolder(dir, "Tableau d'essai", items, nil, chart.Options{})
	if err != nil {
		t.Fatal(err)
	}
	if index != filepath.Join(dir, "index.html") {
		t.Errorf("index %s", index)
	}
	lib, err := os.ReadFile("assets/echarts.min.js")
	if err != nil {
		t.Fatal(err)
	}
	var total int64
	entries, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, e := range entries {
		info, err := e.Info()
		if err != nil {
			t.Fatal(err)
		}
		total += info.Size()
		names = append(names, e.Name())
		if strings.HasSuffix(e.Name(), ".html") {
			html, err := os.ReadFile(filepath.Join(dir, e.Name()))
			if err != nil {
				t.Fatal(err)
			}
			if bytes.Contains(html, lib[:4096]) {
				t.Errorf("%s inlines ECharts", e.Name())
			}
			if !bytes.Contains(html, []byte(`<script src="echarts.min.js"></script>`)) {
				t.Errorf("%s does not load echarts.min.js from beside it", e.Name())
			}
		}
	}
	want := []string{"coverage.html", "deployments.html", "echarts-LICENSE-d3.txt", "echarts-LICENSE.txt", "echarts-NOTICE.txt",
		"echarts.min.js", "flows.html", "index.html", "summary.html", "timeline.html"}
	if strings.Join(names, " ") != strings.Join(want, " ") {
		t.Errorf("the folder holds %v, want %v", names, want)
	}
	if max := int64(len(lib)) + 1024*1024; total > max {
		t.Errorf("the folder weighs %d bytes, more than the library (%d) and 1 MB of pages", total, len(lib))
	}
	t.Logf("dashboard folder: %d files, %d bytes (the library: %d)", len(names), total, len(lib))
	for _, page := range []string{"index", "flows"} {
		t.Run(page, func(t *testing.T) {
			open(t, ctx, filepath.Join(dir, page+".html"), func(tab context.Context, v *visit) {
				want := 1
				if page == "index" {
					want = len(items)
				}
				checkCharts(t, tab, "folder-"+page, want)
				title, err := chromedp.Run(tab, chromedp.Title())
				if err != nil {
					t.Fatal(err)
				}
				if page == "index" && title != "Tableau d'essai" {
					t.Errorf("title %q", title)
				}
			})
		})
	}
}

// The dashboard's title, when none is given, is in the reader's language.
func TestDashboardTitle(t *testing.T) {
	for code, want := range map[string]string{"en": "Coalition dashboard", "nl": "Overzicht van de coalitie", "fr": "Tableau de bord de la coalition"} {
		html := dashboard(t, "", handItems(false), lang(t, code), chart.Options{})
		if !bytes.Contains(html, []byte("<title>"+want+"</title>")) {
			t.Errorf("%s: the dashboard is not titled %q", code, want)
		}
	}
}
