// Package chart draws report models as charts: standalone HTML pages with
// Apache ECharts inlined, that open offline and print. It is the only
// importer of go-echarts in pledger.
//
// A chart draws a finished model.Model and never recomputes a figure. It
// only sums rows into an "others" group (the parties beyond the top N),
// sums the rows of the flows report's stages into the links of a sankey
// diagram, and keeps running totals for a cumulative timeline, all with
// decimals. An amount becomes a float64 in one place, drawn, and only to
// set the length of a bar or the width of a flow: every figure a reader
// sees (tooltips, labels, data tables) is written by model.Lang from the
// decimal, with its qualifier ("more than 18,000,000.00 EUR").
//
// Each chart has ECharts' toolbox (save as a PNG image, a read-only data
// view) and is followed by an HTML table of the figures it draws, written
// as its tooltips write them, for screen readers and the data view.
//
// Ledger text is data, never markup or code. The options are built with
// go-echarts, taken as JSON and written into the page by html/template,
// which escapes them for a script; go-echarts' own page renderer, which
// neither escapes nor keeps "__f__" strings inert, is never used. ECharts
// tooltips are HTML: one fixed script in the page formats them from
// pre-formatted strings in the data, escaping each.
//
// The same model, language and options always give the same bytes.
package chart

import (
	"bytes"
	"fmt"
	"io"
	"maps"
	"strconv"
	"strings"

	"github.com/coalition/pledger/internal/model"

	"github.com/coalition/pledger/internal/ledger"
	"github.com/coalition/pledger/internal/money"
)

// Names lists the charts, in dashboard order.
var Names = []string{"summary", "coverage", "deployments", "flows", "timeline"}

// kinds describes each chart: the catalog report it draws, the params that
// report needs, the section it reads and how it is drawn.
var kinds = map[string]struct {
	report  string
	params  map[string]string
	section string
	draw    func(*canvas) error
}{
	"summary":     {"summary", nil, "summary", drawSummary},
	"coverage":    {"coverage", nil, "coverage", drawCoverage},
	"deployments": {"deployments", nil, "deployments", drawDeployments},
	"flows":       {"flows", map[string]string{"group": "party,sector,location", "stages": "true"}, "stages", drawFlows},
	"timeline":    {"timeline", nil, "timeline", drawTimeline},
}

// Source returns the catalog report a chart draws and the report params it
// needs (nil when the catalog's defaults do). An unknown name is an error
// wrapping ledger.ErrInvalid.
func Source(name string) (report string, params map[string]string, err error) {
	k, ok := kinds[name]
	if !ok {
		return "", nil, fmt.Errorf("%w: unknown chart %q: the charts are %s", ledger.ErrInvalid, name, strings.Join(Names, ", "))
	}
	return k.report, maps.Clone(k.params), nil
}

// Options tune the drawing only (never the figures).
type Options struct {
	TopN       int  // parties shown before the rest are grouped as "others" (0: 20)
	Cumulative bool // timeline: running totals
	Lines      bool // timeline: lines instead of bars
}

// DefaultTopN is how many parties a chart shows when Options.TopN is 0.
const DefaultTopN = 20

func (o Options) topN() (int, error) {
	switch {
	case o.TopN == 0:
		return DefaultTopN, nil
	case o.TopN < 0:
		return 0, ledger.Fail(ledger.ErrInvalid, "bad_top", "top", strconv.Itoa(o.TopN), "%d: give a positive number of parties", o.TopN)
	}
	return o.TopN, nil
}

// Item is one chart to draw: its name and the report model it draws.
type Item struct {
	Name  string
	Model *model.Model
}

// WritePage writes one chart as a standalone HTML page: its title, the
// chart, the report's notes and its provenance. When l is nil the model's
// own language is used. Nothing is written unless the whole page is made.
func WritePage(w io.Writer, it Item, l *model.Lang, opt Options) (err error) {
	defer wrap(&err, "chart %s", it.Name)
	l, err = langOf(l, it.Model)
	if err != nil {
		return err
	}
	c, err := draw(it, l, opt)
	if err != nil {
		return err
	}
	return write(w, newPage(l, []*canvas{c}, ""))
}

// WriteDashboard writes one page with every item's chart, under title (when
// empty, the dashboard's title in the reader's language), and the
// provenance of the reports: once when they share it, otherwise the fields
// that differ per report. When l is nil the first model's language is used.
// Like a chart's page, it holds ECharts and opens offline on its own.
func WriteDashboard(w io.Writer, title string, items []Item, l *model.Lang, opt Options) (err error) {
	defer wrap(&err, "chart dashboard")
	l, cs, err := drawAll(items, l, opt)
	if err != nil {
		return err
	}
	return write(w, newPage(l, cs, dashboardTitle(l, title)))
}

func dashboardTitle(l *model.Lang, title string) string {
	if title == "" {
		return tr(l, "dashboard.title")
	}
	return title
}

// drawAll draws every item, in l or the first model's language.
func drawAll(items []Item, l *model.Lang, opt Options) (*model.Lang, []*canvas, error) {
	if len(items) == 0 {
		return nil, nil, fmt.Errorf("%w: no charts to draw", ledger.ErrInvalid)
	}
	l, err := langOf(l, items[0].Model)
	if err != nil {
		return nil, nil, err
	}
	seen := map[string]bool{}
	var cs []*canvas
	for _, it := range items {
		if seen[it.Name] {
			return nil, nil, fmt.Errorf("%w: chart %s twice", ledger.ErrInvalid, it.Name)
		}
		seen[it.Name] = true
		c, err := draw(it, l, opt)
		if err != nil {
			return nil, nil, fmt.Errorf("chart %s: %w", it.Name, err)
		}
		cs = append(cs, c)
	}
	return l, cs, nil
}

func wrap(err *error, format string, args ...any) {
	if *err != nil {
		*err = fmt.Errorf(format+": %w", append(args, *err)...)
	}
}

func langOf(l *model.Lang, m *model.Model) (*model.Lang, error) {
	if l != nil {
		return l, nil
	}
	if m == nil {
		return nil, fmt.Errorf("%w: no report to draw", ledger.ErrInvalid)
	}
	return model.ParseLang(m.Lang)
}

// write renders p and writes it to w in one piece.
func write(w io.Writer, p *page) error {
	b, err := render(p)
	if err != nil {
		return err
	}
	_, err = w.Write(b)
	return err
}

func render(p *page) ([]byte, error) {
	var buf bytes.Buffer
	if err := pageTemplate.Execute(&buf, p); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}

// draw checks that it can be drawn and draws it.
func draw(it Item, l *model.Lang, opt Options) (*canvas, error) {
	k, ok := kinds[it.Name]
	if !ok {
		_, _, err := Source(it.Name)
		return nil, err
	}
	m := it.Model
	if m == nil {
		return nil, fmt.Errorf("%w: no report to draw", ledger.ErrInvalid)
	}
	if m.Report != k.report {
		return nil, fmt.Errorf("%w: the %s chart draws the %s report, not %q", ledger.ErrInvalid, it.Name, k.report, m.Report)
	}
	top, err := opt.topN()
	if err != nil {
		return nil, err
	}
	var sec *model.Section
	for j := range m.Sections {
		if m.Sections[j].Key == k.section {
			sec = &m.Sections[j]
			break
		}
	}
	if sec == nil && len(m.Sections) > 0 {
		sec = &m.Sections[0]
	}
	if sec == nil {
		return nil, fmt.Errorf("%w: the %s report has no section to draw", ledger.ErrInvalid, m.Report)
	}
	c := &canvas{
		name: it.Name, id: "chart-" + it.Name, m: m, sec: sec, l: l.WithSectors(m.SectorNames),
		opt: opt, top: top, labels: map[string]string{},
	}
	if c.hasAmounts() { // a report of amounts needs its currency; one of deployments does not
		cur, err := money.ParseCurrency(m.Currency)
		if err != nil {
			return nil, err
		}
		c.units = cur.Units
	}
	for _, col := range sec.Columns {
		c.labels[col.Key] = col.Label
	}
	if err := k.draw(c); err != nil {
		return nil, err
	}
	return c, nil
}

// need checks that the section has the columns a chart reads.
func (c *canvas) need(keys ...string) error {
	var missing []string
	for _, k := range keys {
		if _, ok := c.labels[k]; !ok {
			missing = append(missing, k)
		}
	}
	if len(missing) > 0 {
		return fmt.Errorf("%w: the %s chart needs the column(s) %s of the %s report", ledger.ErrInvalid, c.name,
			strings.Join(missing, ", "), c.m.Report)
	}
	return nil
}
