package chart

import (
	"fmt"
	"math"
	"time"

	"github.com/coalition/pledger/internal/ledger"
	"github.com/go-echarts/go-echarts/v2/charts"
	"github.com/go-echarts/go-echarts/v2/opts"
	"github.com/go-echarts/go-echarts/v2/types"
	"github.com/shopspring/decimal"
)

// yearMillis is the mean Gregorian year in milliseconds: the step of the
// deployments chart's time axis, whose labels name the year a tick is
// nearest the start of (the page's script writes them).
const yearMillis = 365.2425 * 24 * 60 * 60 * 1000

// drawDeployments draws the deployments report as a Gantt chart: a bar per
// deployment (party · asset) from the first day of its stated start to the
// last day of its stated end (a year or a month is its whole span), and an
// open-ended one, in a lighter colour, to the report's as-of day. A
// deployment whose start is unknown is drawn over its stated end only (a
// year or a month), marked as such: no start is invented. The bars are a
// stack on a value axis of milliseconds: a transparent offset up to the
// start, then the deployment.
func drawDeployments(c *canvas) error {
	if err := c.need("party", "asset", "quantity", "location", "start", "end"); err != nil {
		return err
	}
	asOf := c.m.AsOf.UTC()
	asOfDay := time.Date(asOf.Year(), asOf.Month(), asOf.Day(), 0, 0, 0, 0, time.UTC)
	c.subtitle = tr(c.l, "sub.deployments", c.l.LongDate(asOfDay))
	c.empty = len(c.sec.Rows) == 0
	if n, more := c.limitDeployments(); more > 0 {
		c.subtitle += " " + tr(c.l, "limit.deployments", c.l.Number(decimal.NewFromInt(int64(n)), 0), c.l.Number(decimal.NewFromInt(int64(more)), 0))
	}

	var categories []string
	var offset, closed, open, unknown []tipped
	seen := map[string]int{}
	var first, last time.Time
	anyOpen, anyClosed, anyUnknown := false, false, false
	for _, r := range c.sec.Rows {
		start, err := ledger.ParseStart(r["start"].Text)
		if err != nil {
			return fmt.Errorf("deployment %s: start: %w", r["ref"].Text, err)
		}
		from := start.First()
		to := asOfDay.AddDate(0, 0, 1)
		isOpen := r["end"].Empty || r["end"].Text == ""
		endText := tr(c.l, "deploy.drawnto", asOfDay.Format("2006-01-02"))
		startText := c.l.Date(r["start"].Text)
		if start.IsUnknown() && isOpen {
			return fmt.Errorf("%w: deployment %s: the start is unknown and there is no end to draw", ledger.ErrInvalid, r["ref"].Text)
		}
		if !isOpen {
			end, err := ledger.ParseDate(r["end"].Text)
			if err != nil {
				return fmt.Errorf("deployment %s: end: %w", r["ref"].Text, err)
			}
			to = end.Last().AddDate(0, 0, 1)
			endText = r["end"].Text
			if start.IsUnknown() {
				from = end.First()
				startText = tr(c.l, "deploy.unknown-drawn", r["end"].Text)
			}
		}
		if !to.After(from) {
			to = from.AddDate(0, 0, 1) // an end before the start: a sliver, and the tooltip says so
		}
		if first.IsZero() || from.Before(first) {
			first = from
		}
		if to.After(last) {
			last = to
		}

		label := joinNonEmpty(" · ", c.party(r["party"].Text), r["asset"].Text)
		if n := seen[label]; n > 0 {
			seen[label] = n + 1
			label = fmt.Sprintf("%s (%d)", label, n+1)
		} else {
			seen[label] = 1
		}
		categories = append(categories, label)

		tip := []string{label,
			c.line(c.labels["quantity"], c.l.Count(r["quantity"])),
			c.line(c.labels["location"], c.l.List("location", r["location"].Text)),
			c.line(c.labels["start"], startText),
			c.line(c.labels["end"], endText),
		}
		if lbl, ok := c.labels["asset_months"]; ok && !r["asset_months"].Empty {
			tip = append(tip, c.line(lbl, c.l.Count(r["asset_months"])))
		}
		row := []string{label, c.l.Count(r["quantity"]), c.l.List("location", r["location"].Text), startText, endText}
		if _, ok := c.labels["asset_months"]; ok {
			months := ""
			if !r["asset_months"].Empty {
				months = c.l.Count(r["asset_months"])
			}
			row = append(row, months)
		}
		c.table.row(row...)
		span := millis(to) - millis(from)
		offset = append(offset, tipped{Value: millis(from)})
		none := tipped{Value: 0}
		switch {
		case start.IsUnknown():
			anyUnknown = true
			closed, open, unknown = append(closed, none), append(open, none), append(unknown, tipped{Value: span, Tip: tip})
		case isOpen:
			anyOpen = true
			closed, open, unknown = append(closed, none), append(open, tipped{Value: span, Tip: tip}), append(unknown, none)
		default:
			anyClosed = true
			closed, open, unknown = append(closed, tipped{Value: span, Tip: tip}), append(open, none), append(unknown, none)
		}
	}
	heads := []string{tr(c.l, "table.deployment"), c.labels["quantity"], c.labels["location"], c.labels["start"], c.labels["end"]}
	if lbl, ok := c.labels["asset_months"]; ok {
		heads = append(heads, lbl)
		c.table.head(heads, 1, 5)
	} else {
		c.table.head(heads, 1)
	}
	if c.empty {
		first, last = asOfDay.AddDate(-1, 0, 0), asOfDay
	}
	from := time.Date(first.Year(), 1, 1, 0, 0, 0, 0, time.UTC)
	to := time.Date(last.Add(-time.Millisecond).Year()+1, 1, 1, 0, 0, 0, 0, time.UTC)
	years := to.Year() - from.Year()
	step := math.Ceil(float64(years) / 14) // at most 14 year labels

	closedName, openName, unknownName := tr(c.l, "deploy.closed"), tr(c.l, "deploy.open"), tr(c.l, "deploy.unknown")
	var legend []string
	if anyClosed {
		legend = append(legend, closedName)
	}
	if anyOpen {
		legend = append(legend, openName)
	}
	if anyUnknown {
		legend = append(legend, unknownName)
	}
	bar := charts.NewBar()
	bar.SetGlobalOptions(c.base("item")...)
	bar.SetGlobalOptions(
		charts.WithLegendOpts(opts.Legend{Show: opts.Bool(true), Top: "4", Left: "center", Data: legend, ItemWidth: 18, ItemHeight: 12,
			TextStyle: &opts.TextStyle{Color: ink, FontSize: 13, FontFamily: fontFamily}}),
		charts.WithXAxisOpts(opts.XAxis{Type: "value", Min: millis(from), Max: millis(to), AxisLabel: axisText(), SplitLine: splitLines()}),
		charts.WithYAxisOpts(opts.YAxis{Type: "category", Inverse: opts.Bool(true), AxisLabel: categoryText(),
			AxisLine: &opts.AxisLine{Show: opts.Bool(true), LineStyle: &opts.LineStyle{Color: muted}}}),
		charts.WithGridOpts(opts.Grid{Left: "12", Right: "36", Top: "40", Bottom: "8", ContainLabel: opts.Bool(true)}),
	)
	bar.SetXAxis(categories).XYReversal()
	asOfLine := opts.MarkLines{
		Data: []interface{}{opts.MarkLineNameXAxisItem{Name: tr(c.l, "asof.line", c.l.LongDate(asOfDay)), XAxis: millis(asOfDay.AddDate(0, 0, 1))}},
		MarkLineStyle: opts.MarkLineStyle{Symbol: []string{"none", "none"},
			LineStyle: &opts.LineStyle{Color: muted, Type: "dashed", Width: 1}},
	}
	bar.MultiSeries = append(bar.MultiSeries,
		series("offset", types.ChartBar, offset, charts.WithBarChartOpts(opts.BarChart{Stack: "when"}),
			charts.WithItemStyleOpts(opts.ItemStyle{Color: "transparent"})),
		series(closedName, types.ChartBar, closed, charts.WithBarChartOpts(opts.BarChart{Stack: "when"}),
			charts.WithItemStyleOpts(opts.ItemStyle{Color: colours["deployment"]})),
		series(openName, types.ChartBar, open, charts.WithBarChartOpts(opts.BarChart{Stack: "when", BarCategoryGap: "35%"}),
			charts.WithItemStyleOpts(opts.ItemStyle{Color: colours["open"], BorderColor: colours["deployment"], BorderWidth: 1}),
			func(s *charts.SingleSeries) { s.MarkLines = &asOfLine }),
		series(unknownName, types.ChartBar, unknown, charts.WithBarChartOpts(opts.BarChart{Stack: "when"}),
			charts.WithItemStyleOpts(opts.ItemStyle{Color: colours["unknown"], BorderColor: colours["deployment"], BorderWidth: 1})),
	)
	c.format.Tooltip = "item"
	c.format.Years = []string{"xAxis"}
	c.height = 70 + 34*max(len(categories), 3)
	return c.finish(bar, map[string]any{
		"xAxis": []map[string]any{{"interval": step * yearMillis}},
		"series": []map[string]any{
			{"silent": true, "tooltip": map[string]any{"show": false}, "emphasis": map[string]any{"disabled": true}},
			{"emphasis": map[string]any{"focus": "none"}},
			// The as-of label ends at its line, to the left of it: the line
			// may stand at the right edge of the chart, and the label never
			// runs past it.
			{"markLine": map[string]any{"silent": true, "label": map[string]any{"formatter": "{b}", "position": "start", "align": "right",
				"padding": []int{0, 4, 0, 0}, "color": muted, "fontSize": 12}}},
			{"emphasis": map[string]any{"focus": "none"}},
		},
	})
}

// millis is t in milliseconds since 1970, as ECharts' axes count time.
func millis(t time.Time) int64 { return t.UnixMilli() }
