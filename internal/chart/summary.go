package chart

import (
	"strconv"

	"github.com/coalition/pledger/internal/model"

	"github.com/go-echarts/go-echarts/v2/charts"
	"github.com/go-echarts/go-echarts/v2/opts"
	"github.com/go-echarts/go-echarts/v2/types"
	"github.com/shopspring/decimal"
)

// moneyKinds are the kinds the summary chart draws per party, in the
// order money moves.
var moneyKinds = []string{"pledge", "commitment", "disbursement"}

// drawSummary draws the summary report's first section (party, kind,
// amount) as bars per party, one per kind side by side: pledged,
// committed and disbursed are stages of the same money, so stacking them
// would draw a total that means nothing. Parties run down the chart, the
// largest pledge first, so that their codes never overlap however many
// there are; beyond the top N they are summed into one "others" bar.
func drawSummary(c *canvas) error {
	if err := c.need("party", "kind", "amount"); err != nil {
		return err
	}
	cells := map[string]map[string]model.Cell{} // party -> kind -> amount
	var parties []string
	for _, r := range c.sec.Rows {
		kind := r["kind"].Text
		if !isMoneyKind(kind) || r["amount"].Empty {
			continue
		}
		p := r["party"].Text
		if cells[p] == nil {
			cells[p] = map[string]model.Cell{}
			parties = append(parties, p)
		}
		cells[p][kind] = r["amount"]
	}
	pledged := map[string]decimal.Decimal{}
	for p, k := range cells {
		pledged[p] = k["pledge"].Value
	}
	top, rest := ranked(parties, pledged, c.top)
	c.subtitle = tr(c.l, "sub.summary", strconv.Itoa(c.top))
	c.empty = len(parties) == 0

	var categories []string
	rows := make([]map[string]model.Cell, 0, len(top)+1)
	for _, p := range top {
		categories = append(categories, c.party(p))
		rows = append(rows, cells[p])
		c.format.Heads = append(c.format.Heads, []string{c.party(p)})
	}
	if len(rest) > 0 {
		others := map[string]model.Cell{}
		for _, k := range moneyKinds {
			var cs []model.Cell
			for _, p := range rest {
				if cell, ok := cells[p][k]; ok {
					cs = append(cs, cell)
				}
			}
			if len(cs) > 0 {
				others[k] = sum(cs)
			}
		}
		categories = append(categories, c.othersLabel(rest))
		rows = append(rows, others)
		c.format.Heads = append(c.format.Heads, []string{c.othersLabel(rest), c.othersTip(rest)})
	}

	bar := charts.NewBar()
	bar.SetGlobalOptions(c.base("axis")...)
	bar.SetGlobalOptions(
		charts.WithXAxisOpts(opts.XAxis{Type: "value", AxisLabel: axisText(), SplitLine: splitLines()}),
		charts.WithYAxisOpts(opts.YAxis{Type: "category", Inverse: opts.Bool(true), AxisLabel: categoryText(),
			AxisLine: &opts.AxisLine{Show: opts.Bool(true), LineStyle: &opts.LineStyle{Color: muted}}}),
		charts.WithGridOpts(opts.Grid{Left: "12", Right: "44", Top: "40", Bottom: "8", ContainLabel: opts.Bool(true)}),
	)
	bar.SetXAxis(categories).XYReversal()
	for _, k := range moneyKinds {
		items := make([]tipped, len(rows))
		for i, r := range rows {
			items[i] = c.barItem(r, k)
		}
		bar.MultiSeries = append(bar.MultiSeries, series(kindLabel(c.l, k), types.ChartBar, items,
			charts.WithItemStyleOpts(opts.ItemStyle{Color: colours[k]}),
			charts.WithBarChartOpts(opts.BarChart{BarGap: "8%", BarCategoryGap: "28%"})))
	}
	heads := []string{c.labels["party"]}
	for _, k := range moneyKinds {
		heads = append(heads, kindLabel(c.l, k))
	}
	c.table.head(heads, 1, 2, 3)
	for i, r := range rows {
		cells := []string{categories[i]}
		for _, k := range moneyKinds {
			cells = append(cells, c.cellText(r, k))
		}
		c.table.row(cells...)
	}
	c.format.Tooltip = "axis"
	c.format.Money = []string{"xAxis"}
	c.height = 70 + 38*max(len(categories), 3)
	return c.finish(bar, map[string]any{
		"tooltip": map[string]any{"axisPointer": map[string]any{"type": "shadow"}},
	})
}

func isMoneyKind(k string) bool {
	for _, m := range moneyKinds {
		if m == k {
			return true
		}
	}
	return false
}

// barItem is the bar of kind in row r: nothing when the row has no such
// amount.
func (c *canvas) barItem(r map[string]model.Cell, kind string) tipped {
	cell, ok := r[kind]
	if !ok || cell.Empty {
		return tipped{Value: "-"}
	}
	return tipped{Value: drawn(cell.Value), Tip: []string{c.amount(cell)}}
}

// cellText is the amount of kind in row r as the table shows it: as its
// tooltip does, and blank when the row has none.
func (c *canvas) cellText(r map[string]model.Cell, kind string) string {
	cell, ok := r[kind]
	if !ok || cell.Empty {
		return ""
	}
	return c.amount(cell)
}
