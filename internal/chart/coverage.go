package chart

import (
	"github.com/go-echarts/go-echarts/v2/charts"
	"github.com/go-echarts/go-echarts/v2/opts"
	"github.com/go-echarts/go-echarts/v2/types"
	"github.com/shopspring/decimal"
)

// drawCoverage draws each need of the coverage report as one bar as long
// as the need: the part funded toward it, then the gap that remains, with
// the share covered written at its end; the amount disbursed is a second
// bar below it. An over-funded need has no gap drawn (its tooltip gives
// the report's figure).
func drawCoverage(c *canvas) error {
	if err := c.need("need", "needed", "funded", "disbursement", "covered", "gap"); err != nil {
		return err
	}
	c.subtitle = tr(c.l, "sub.coverage")
	c.empty = len(c.sec.Rows) == 0
	c.limitCoverage()
	var categories []string
	var funded, gap, disbursed []tipped
	for _, r := range c.sec.Rows {
		ref := r["need"].Text
		label := c.l.RefName(ref, c.m.Titles[ref])
		head := []string{c.l.RefLabel(ref, c.m.Titles[ref])}
		if who := joinNonEmpty(", ", c.party(r["party"].Text), r["date"].Text, c.l.List("sector", r["sector"].Text)); who != "" {
			label += "\n" + joinNonEmpty(" · ", c.party(r["party"].Text), r["date"].Text)
			head[0] += " (" + who + ")"
		}
		categories = append(categories, label)
		head = append(head, c.line(kindLabel(c.l, "need"), c.amount(r["needed"])))
		covered := ""
		if cv := r["covered"]; !cv.Empty {
			covered = c.l.Percent(cv.Value)
			head = append(head, c.line(tr(c.l, "covered"), covered))
		}
		for _, k := range []string{"pledge", "commitment"} {
			if cm, ok := r[k]; ok && !cm.Empty {
				head = append(head, c.line(kindLabel(c.l, k), c.amount(cm)))
			}
		}
		c.format.Heads = append(c.format.Heads, head)

		funded = append(funded, c.barItem(r, "funded"))
		g := tipped{Value: 0.0}
		if cell := r["gap"]; !cell.Empty {
			g.Tip = []string{c.amount(cell)}
			if cell.Value.GreaterThan(decimal.Zero) {
				g.Value = drawn(cell.Value)
			}
		}
		if covered != "" {
			// The share covered, at the end of the need's bar. A string
			// formatter is an ECharts template: it holds only the
			// percentage, written in Go, and no braces.
			g.Label = map[string]any{"show": true, "position": "right", "formatter": tr(c.l, "covered.label", covered),
				"color": ink, "fontWeight": 600, "fontSize": 12}
		}
		gap = append(gap, g)
		disbursed = append(disbursed, c.barItem(r, "disbursement"))
		c.table.row(head[0], c.cellText(r, "needed"), c.cellText(r, "funded"), c.cellText(r, "gap"), covered, c.cellText(r, "disbursement"))
	}
	c.table.head([]string{c.labels["need"], c.labels["needed"], c.labels["funded"], c.labels["gap"], c.labels["covered"],
		c.labels["disbursement"]}, 1, 2, 3, 4, 5)

	bar := charts.NewBar()
	bar.SetGlobalOptions(c.base("axis")...)
	bar.SetGlobalOptions(
		charts.WithXAxisOpts(opts.XAxis{Type: "value", AxisLabel: axisText(), SplitLine: splitLines()}),
		charts.WithYAxisOpts(opts.YAxis{Type: "category", Inverse: opts.Bool(true), AxisLabel: categoryText(),
			AxisLine: &opts.AxisLine{Show: opts.Bool(true), LineStyle: &opts.LineStyle{Color: muted}}}),
		charts.WithGridOpts(opts.Grid{Left: "12", Right: "110", Top: "40", Bottom: "8", ContainLabel: opts.Bool(true)}),
	)
	bar.SetXAxis(categories).XYReversal()
	bar.MultiSeries = append(bar.MultiSeries,
		series(kindLabel(c.l, "funded"), types.ChartBar, funded,
			charts.WithItemStyleOpts(opts.ItemStyle{Color: colours["commitment"]}),
			charts.WithBarChartOpts(opts.BarChart{Stack: "need"})),
		series(tr(c.l, "gap"), types.ChartBar, gap,
			charts.WithItemStyleOpts(opts.ItemStyle{Color: colours["gap"]}),
			charts.WithBarChartOpts(opts.BarChart{Stack: "need"})),
		series(kindLabel(c.l, "disbursement"), types.ChartBar, disbursed,
			charts.WithItemStyleOpts(opts.ItemStyle{Color: colours["disbursement"]}),
			charts.WithBarChartOpts(opts.BarChart{BarGap: "12%", BarCategoryGap: "30%"})),
	)
	c.format.Tooltip = "axis"
	c.format.Money = []string{"xAxis"}
	c.height = 70 + 72*max(len(categories), 2)
	return c.finish(bar, map[string]any{
		"tooltip": map[string]any{"axisPointer": map[string]any{"type": "shadow"}},
		"yAxis":   []map[string]any{{"axisLabel": map[string]any{"lineHeight": 18}}},
	})
}

func joinNonEmpty(sep string, parts ...string) string {
	s := ""
	for _, p := range parts {
		if p == "" {
			continue
		}
		if s != "" {
			s += sep
		}
		s += p
	}
	return s
}
