package chart

import (
	"sort"

	"github.com/coalition/pledger/internal/model"

	"github.com/shopspring/decimal"
)

// A chart of a large ledger stays readable and its file stays small: the
// coverage chart draws the largest needs and groups the rest (summed
// exactly, like "others" of parties), the deployments chart draws the
// largest deployments and says how many more the report lists.

// limitRows returns the indexes of the n rows with the largest value of
// key (ties by position), in their original order, and the others.
func limitRows(rows []model.Row, key string, n int) (keep, rest []int) {
	idx := make([]int, len(rows))
	for i := range idx {
		idx[i] = i
	}
	if len(rows) <= n+1 {
		return idx, nil
	}
	value := func(i int) decimal.Decimal {
		c := rows[i][key]
		if c.Value.IsZero() && c.Int != 0 {
			return decimal.NewFromInt(c.Int)
		}
		return c.Value
	}
	sort.SliceStable(idx, func(a, b int) bool { return value(idx[a]).GreaterThan(value(idx[b])) })
	keep, rest = append([]int(nil), idx[:n]...), idx[n:]
	sort.Ints(keep)
	return keep, rest
}

// rowLimit is how many needs or deployments a chart draws.
func (c *canvas) rowLimit() int { return 2 * c.top }

// limitCoverage keeps the largest needs and sums the rest into one row.
func (c *canvas) limitCoverage() {
	keep, rest := limitRows(c.sec.Rows, "needed", c.rowLimit())
	if rest == nil {
		return
	}
	sec := *c.sec
	sec.Rows = nil
	for _, i := range keep {
		sec.Rows = append(sec.Rows, c.sec.Rows[i])
	}
	others := model.Row{"need": {Text: tr(c.l, "others.needs", c.l.Number(decimal.NewFromInt(int64(len(rest))), 0))}, "covered": {Empty: true}}
	for _, k := range []string{"needed", "pledge", "commitment", "disbursement", "funded", "gap", "uncommitted"} {
		var cells []model.Cell
		for _, i := range rest {
			if cell, ok := c.sec.Rows[i][k]; ok && !cell.Empty {
				cells = append(cells, cell)
			}
		}
		others[k] = sum(cells)
	}
	sec.Rows = append(sec.Rows, others)
	c.sec = &sec
}

// limitDeployments keeps the largest deployments by asset-months.
func (c *canvas) limitDeployments() (drawn, more int) {
	keep, rest := limitRows(c.sec.Rows, "asset_months", c.rowLimit())
	if rest == nil {
		return len(keep), 0
	}
	sec := *c.sec
	sec.Rows = nil
	for _, i := range keep {
		sec.Rows = append(sec.Rows, c.sec.Rows[i])
	}
	c.sec = &sec
	return len(keep), len(rest)
}
