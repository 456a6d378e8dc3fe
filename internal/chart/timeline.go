package chart

import (
	"strings"

	"github.com/coalition/pledger/internal/model"
	"github.com/go-echarts/go-echarts/v2/charts"
	"github.com/go-echarts/go-echarts/v2/opts"
	"github.com/go-echarts/go-echarts/v2/types"
)

// timelineKinds are the amount columns of the timeline report, one series
// each.
var timelineKinds = []string{"need", "pledge", "commitment", "disbursement", "deployment"}

// drawTimeline draws the timeline report: per period, a bar (or a point of
// a line) per kind. With Cumulative, each period shows the running total of
// the periods up to it, summed exactly with the qualifiers they carry.
//
// A row of entries that span several periods ("2021" among quarters,
// "2016–2021") is a category of its own, where the report puts it: after
// the periods it ends with, so the running total there holds everything
// that ended by then, and the last point is the whole total. Its tooltip
// says what it is.
func drawTimeline(c *canvas) error {
	if err := c.need("period"); err != nil {
		return err
	}
	var kinds []string
	for _, k := range timelineKinds {
		if _, ok := c.labels[k]; ok {
			kinds = append(kinds, k)
		}
	}
	if len(kinds) == 0 {
		return c.need("pledge")
	}
	c.subtitle = tr(c.l, "sub.timeline")
	if c.opt.Cumulative {
		c.subtitle = tr(c.l, "sub.timeline.cumulative")
	}
	c.empty = len(c.sec.Rows) == 0
	var periods []string
	for _, r := range c.sec.Rows {
		periods = append(periods, r["period"].Text)
	}
	for _, p := range periods {
		head := []string{p}
		if spanRow(p, periods) {
			head = append(head, tr(c.l, "timeline.span"))
		}
		c.format.Heads = append(c.format.Heads, head)
	}

	typ := types.ChartBar
	if c.opt.Lines {
		typ = types.ChartLine
	}
	var all []charts.SingleSeries
	heads := []string{c.labels["period"]}
	cols := [][]string{} // per kind drawn, the figure of each period
	for _, k := range kinds {
		items := make([]tipped, len(c.sec.Rows))
		var run []model.Cell
		for i, r := range c.sec.Rows {
			cell, ok := r[k]
			has := ok && !cell.Empty
			if has {
				run = append(run, cell)
			}
			switch {
			case c.opt.Cumulative && len(run) > 0:
				t := sum(run)
				items[i] = tipped{Value: drawn(t.Value), Tip: []string{c.amount(t)}}
			case !c.opt.Cumulative && has:
				items[i] = tipped{Value: drawn(cell.Value), Tip: []string{c.amount(cell)}}
			case c.opt.Lines:
				items[i] = tipped{Value: 0.0} // nothing in the period: the line stays at zero
			default:
				items[i] = tipped{Value: "-"}
			}
		}
		if len(run) == 0 {
			continue // a kind never seen: no empty legend entry
		}
		heads = append(heads, kindLabel(c.l, k))
		col := make([]string, len(items))
		for i, it := range items {
			col[i] = strings.Join(it.Tip, " ")
		}
		cols = append(cols, col)
		options := []charts.SeriesOpts{charts.WithItemStyleOpts(opts.ItemStyle{Color: colours[k]})}
		if c.opt.Lines {
			options = append(options, charts.WithLineStyleOpts(opts.LineStyle{Color: colours[k], Width: 2.5}),
				charts.WithLineChartOpts(opts.LineChart{Symbol: "circle", SymbolSize: 7, ShowSymbol: opts.Bool(true)}))
		} else {
			options = append(options, charts.WithBarChartOpts(opts.BarChart{BarGap: "6%", BarCategoryGap: "22%"}))
		}
		all = append(all, series(kindLabel(c.l, k), typ, items, options...))
	}

	numeric := make([]int, len(cols))
	for i := range numeric {
		numeric[i] = i + 1
	}
	c.table.head(heads, numeric...)
	for i, p := range periods {
		if h := c.format.Heads[i]; len(h) > 1 {
			p += " (" + h[1] + ")"
		}
		row := []string{p}
		for _, col := range cols {
			row = append(row, col[i])
		}
		c.table.row(row...)
	}

	rotate := 0.0
	if len(periods) > 12 {
		rotate = 45
	}
	label := categoryText()
	label.Rotate = rotate
	if len(periods) > 40 {
		label.Interval = "auto"
	}
	global := append(c.base("axis"),
		charts.WithXAxisOpts(opts.XAxis{Type: "category", AxisLabel: label,
			AxisTick: &opts.AxisTick{Show: opts.Bool(true), AlignWithLabel: opts.Bool(true)},
			AxisLine: &opts.AxisLine{Show: opts.Bool(true), LineStyle: &opts.LineStyle{Color: muted}}}),
		charts.WithYAxisOpts(opts.YAxis{Type: "value", AxisLabel: axisText(), SplitLine: splitLines()}),
		charts.WithGridOpts(opts.Grid{Left: "12", Right: "24", Top: "44", Bottom: "8", ContainLabel: opts.Bool(true)}),
	)
	pointer := "shadow"
	var ch interface {
		Validate()
		JSON() map[string]interface{}
	}
	if c.opt.Lines {
		line := charts.NewLine()
		line.SetGlobalOptions(global...)
		line.SetXAxis(periods)
		line.MultiSeries = append(line.MultiSeries, all...)
		ch, pointer = line, "line"
	} else {
		bar := charts.NewBar()
		bar.SetGlobalOptions(global...)
		bar.SetXAxis(periods)
		bar.MultiSeries = append(bar.MultiSeries, all...)
		ch = bar
	}
	c.format.Tooltip = "axis"
	c.format.Money = []string{"yAxis"}
	c.height = 460
	return c.finish(ch, map[string]any{
		"tooltip": map[string]any{"axisPointer": map[string]any{"type": pointer}},
	})
}

// spanRow tells a timeline row of entries spanning several periods: a
// label that is a span ("2016–2021"), or a bare year among finer periods.
func spanRow(label string, labels []string) bool {
	if strings.Contains(label, "–") {
		return true
	}
	if len(label) != len("2021") {
		return false
	}
	for _, l := range labels {
		if len(l) > len("2021") && !strings.Contains(l, "–") {
			return true
		}
	}
	return false
}
