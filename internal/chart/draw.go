package chart

import (
	"bytes"
	"encoding/json"
	"fmt"
	"sort"
	"strings"

	"github.com/coalition/pledger/internal/model"

	"github.com/go-echarts/go-echarts/v2/charts"
	"github.com/go-echarts/go-echarts/v2/opts"
	"github.com/shopspring/decimal"
)

// colours is the one colour of each kind, the same in every chart. They
// are told apart by people with the common colour-vision deficiencies and
// stay distinct printed in grey.
var colours = map[string]string{
	"need":         "#7a8796", // slate
	"pledge":       "#1f5fa8", // blue
	"commitment":   "#e09a1a", // amber
	"disbursement": "#2e8b57", // green
	"deployment":   "#7b4fa0", // purple
	"gap":          "#e8aaa6", // light red: what is still missing
	"open":         "#c3acd9", // light purple: an open-ended deployment
	"unknown":      "#f3eef8", // near white, purple border: a deployment of unknown start, drawn over its end only
	"others":       "#9aa5b1", // grey: the grouped parties
}

// fontFamily is the page's type, used in the charts too.
const fontFamily = `system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial, "Noto Sans", "Liberation Sans", sans-serif`

const (
	ink   = "#1c2430"
	muted = "#5a6675"
	rule  = "#d5dbe3"
)

// canvas is one chart being drawn: the model it draws, for whom, and, once
// drawn, the ECharts option and what the page's script needs to format it.
type canvas struct {
	name, id string
	m        *model.Model
	sec      *model.Section
	l        *model.Lang
	units    int32
	opt      Options
	top      int
	labels   map[string]string // column key -> label, in the reader's language

	subtitle string         // what the chart shows, in the reader's language
	option   map[string]any // the ECharts option, from go-echarts' JSON
	format   format
	height   int  // of the chart, in CSS pixels
	empty    bool // no rows: the page says so
	table    dataTable
}

// dataTable is a chart's data as an HTML table, after the chart: the
// figures it draws, written from the model as its tooltips write them,
// for screen readers (and anyone who wants the numbers).
type dataTable struct {
	Head    []string // column titles; the first column heads the rows
	Numeric []bool   // per column: figures, aligned to the right
	Rows    [][]string
}

// head sets the table's columns: titles, and which hold figures.
func (t *dataTable) head(titles []string, numeric ...int) {
	t.Head = titles
	t.Numeric = make([]bool, len(titles))
	for _, i := range numeric {
		t.Numeric[i] = true
	}
}

// row adds a row; its first cell heads it.
func (t *dataTable) row(cells ...string) { t.Rows = append(t.Rows, cells) }

// format tells the page's fixed script how to write a chart's tooltips
// and axis labels. Every text in it was written in Go, and the script
// escapes each one before it goes into HTML.
type format struct {
	ID       string     `json:"id"`
	Lang     string     `json:"lang"`
	Currency string     `json:"currency"`
	Tooltip  string     `json:"tooltip"`         // "axis": one tooltip per category; "item": per bar, node or flow
	Money    []string   `json:"money,omitempty"` // the value axes ("xAxis", "yAxis") whose labels are amounts
	Years    []string   `json:"years,omitempty"` // the value axes whose values are milliseconds, labelled by year
	Heads    [][]string `json:"heads,omitempty"` // axis tooltips: lines above the series, per category
}

// tipped is a data item of a series: its drawn value and the lines its
// tooltip shows, already formatted.
type tipped struct {
	Value any            `json:"value"` // a number, or "-" for none
	Tip   []string       `json:"tip,omitempty"`
	Label map[string]any `json:"label,omitempty"`
}

// drawn is the one place where an amount becomes a float64: the length of
// a bar or the width of a flow. No figure a reader sees is written from it.
func drawn(d decimal.Decimal) float64 {
	return d.InexactFloat64()
}

// amount writes an amount cell as the tables do: "more than
// 18,000,000.00 EUR".
func (c *canvas) amount(cell model.Cell) string {
	return c.l.AmountIn(cell, c.m.Currency, c.units, c.m.Unit)
}

// line is "label: text", with the colon of the reader's language.
func (c *canvas) line(label, text string) string {
	if c.l.Code == "fr" {
		return label + " : " + text
	}
	return label + ": " + text
}

// sum adds the rows of an "others" group or a running total, by the rule
// of every report total.
func sum(cells []model.Cell) model.Cell { return model.SumCells(cells) }

// ranked orders parties by the amounts in by (largest first; a party
// without one counts as zero), then by code, and splits them after the top
// n. A group of one party is not worth its "others" label: it is shown.
func ranked(parties []string, by map[string]decimal.Decimal, n int) (top, rest []string) {
	out := append([]string(nil), parties...)
	sort.SliceStable(out, func(i, j int) bool {
		a, b := by[out[i]], by[out[j]]
		if c := a.Cmp(b); c != 0 {
			return c > 0
		}
		return out[i] < out[j]
	})
	if len(out) <= n+1 {
		return out, nil
	}
	return out[:n], out[n:]
}

// othersLabel names the group of the parties beyond the top n, and
// othersTip lists them (the first dozen) for its tooltip.
// party is how a party reads in a chart: its name in the reader's
// language (model.Lang.PartyLabel).
func (c *canvas) party(code string) string { return c.l.PartyLabel(code, c.m.PartyNames[code]) }

func (c *canvas) othersLabel(rest []string) string {
	return tr(c.l, "others", c.l.Number(decimal.NewFromInt(int64(len(rest))), 0))
}

func (c *canvas) othersTip(rest []string) string {
	list := make([]string, 0, min(len(rest), 12))
	for _, p := range rest[:min(len(rest), 12)] {
		list = append(list, c.party(p))
	}
	more := ""
	if len(rest) > 12 {
		more = ", …"
	}
	return tr(c.l, "others.list", c.l.Number(decimal.NewFromInt(int64(len(rest))), 0), strings.Join(list, ", ")+more)
}

// meta is the line under a chart's title: currency, valuation (for a
// chart of amounts) and the ledger's as-of moment, in the reader's
// language.
func (c *canvas) meta() []string {
	var out []string
	if c.hasAmounts() {
		out = append(out, tr(c.l, "meta.amounts", c.m.Currency), c.m.Valuation.Brief(c.l))
	}
	if !c.m.AsOf.IsZero() {
		out = append(out, tr(c.l, "meta.asof", c.l.Moment(c.m.AsOf)))
	}
	return out
}

// hasAmounts tells whether the chart's section has amounts: a chart of
// deployments has no currency or valuation to state.
func (c *canvas) hasAmounts() bool {
	for _, col := range c.sec.Columns {
		if col.Type == "amount" {
			return true
		}
	}
	return false
}

// base are the options every chart shares.
func (c *canvas) base(trigger string) []charts.GlobalOpts {
	return []charts.GlobalOpts{
		charts.WithInitializationOpts(opts.Initialization{ChartID: c.id, BackgroundColor: "#ffffff"}),
		charts.WithAnimation(false),
		charts.WithTooltipOpts(opts.Tooltip{Show: opts.Bool(true), Trigger: trigger, BackgroundColor: "#ffffff", BorderColor: rule}),
		charts.WithLegendOpts(opts.Legend{Show: opts.Bool(true), Top: "4", Left: "center", ItemWidth: 18, ItemHeight: 12,
			TextStyle: &opts.TextStyle{Color: ink, FontSize: 13, FontFamily: fontFamily}}),
	}
}

// finish takes the option go-echarts built (after Validate) as JSON,
// adds what go-echarts has no field for, and keeps it for the page.
func (c *canvas) finish(chart interface {
	Validate()
	JSON() map[string]interface{}
}, extra map[string]any) error {
	chart.Validate()
	b, err := json.Marshal(chart.JSON())
	if err != nil {
		return fmt.Errorf("chart %s: options: %w", c.name, err)
	}
	var o map[string]any
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.UseNumber()
	if err := dec.Decode(&o); err != nil {
		return fmt.Errorf("chart %s: options: %w", c.name, err)
	}
	delete(o, "toolbox") // go-echarts' own; ours is below
	if t, ok := o["title"].(map[string]any); ok && len(t) == 0 {
		delete(o, "title") // titles are in the page, where they print and wrap
	}
	merge(o, map[string]any{
		"textStyle": map[string]any{"fontFamily": fontFamily, "fontSize": 13, "color": ink},
		"tooltip": map[string]any{
			"confine":      true,
			"textStyle":    map[string]any{"color": ink, "fontSize": 13, "fontFamily": fontFamily},
			"extraCssText": "max-width: 460px; white-space: normal; box-shadow: 0 2px 8px rgba(0,0,0,.15);",
		},
		"toolbox": c.toolbox(),
	})
	merge(o, extra)
	c.option = o
	return nil
}

// toolbox is the chart's two buttons: save the chart as a PNG image
// (named after the chart and the ledger's as-of day) and show its data
// (read-only; the page's script shows the chart's data table there).
func (c *canvas) toolbox() map[string]any {
	name := "pledger-" + c.name
	if !c.m.AsOf.IsZero() {
		name += "-" + c.m.AsOf.UTC().Format("2006-01-02")
	}
	return map[string]any{
		"show": true, "right": 6, "top": 2, "itemSize": 15, "itemGap": 12,
		"iconStyle": map[string]any{"borderColor": muted},
		"emphasis":  map[string]any{"iconStyle": map[string]any{"borderColor": ink, "textFill": ink, "textPosition": "left"}},
		"feature": map[string]any{
			"dataView": map[string]any{"show": true, "readOnly": true, "title": tr(c.l, "toolbox.data"),
				"lang":            []string{tr(c.l, "toolbox.data"), tr(c.l, "toolbox.close"), tr(c.l, "toolbox.refresh")},
				"buttonColor":     "#1f4e79",
				"textColor":       ink,
				"backgroundColor": "#ffffff"},
			"saveAsImage": map[string]any{"show": true, "type": "png", "name": name, "title": tr(c.l, "toolbox.save"),
				"pixelRatio": 2, "backgroundColor": "#ffffff", "lang": []string{tr(c.l, "toolbox.save")}},
		},
	}
}

// merge copies src into dst, merging nested objects and, key by key, the
// objects of lists of the same length (an axis list, say).
func merge(dst, src map[string]any) {
	for k, v := range src {
		switch sv := v.(type) {
		case map[string]any:
			if dv, ok := dst[k].(map[string]any); ok {
				merge(dv, sv)
				continue
			}
		case []map[string]any:
			if dv, ok := dst[k].([]any); ok && len(dv) == len(sv) {
				for i := range sv {
					if dm, ok := dv[i].(map[string]any); ok {
						merge(dm, sv[i])
					} else {
						dv[i] = sv[i]
					}
				}
				continue
			}
		}
		dst[k] = v
	}
}

// axisText is the style of axis labels and names.
func axisText() *opts.AxisLabel {
	return &opts.AxisLabel{Show: opts.Bool(true), Color: muted, FontSize: 12, FontFamily: fontFamily}
}

// categoryText is the style of category labels (parties, needs, periods):
// every one shown, a long one cut with an ellipsis (its tooltip has it
// whole).
func categoryText() *opts.AxisLabel {
	return &opts.AxisLabel{Show: opts.Bool(true), Color: ink, FontSize: 13, FontFamily: fontFamily, Interval: "0",
		Width: 240, Overflow: "truncate"}
}

func splitLines() *opts.SplitLine {
	return &opts.SplitLine{Show: opts.Bool(true), LineStyle: &opts.LineStyle{Color: "#e6eaef"}}
}

// series makes a series of go-echarts with data items of our own (which
// carry their tooltip lines).
func series(name, typ string, data any, options ...charts.SeriesOpts) charts.SingleSeries {
	s := charts.SingleSeries{Name: name, Type: typ, Data: data}
	s.ConfigureSeriesOpts(options...)
	return s
}
