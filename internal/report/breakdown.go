package report

import (
	"context"
	"fmt"
	"strings"

	"github.com/coalition/pledger/internal/model"

	"github.com/coalition/pledger/internal/ledger"
	"github.com/coalition/pledger/internal/store"
	"github.com/shopspring/decimal"
)

// dims are the dimensions a breakdown can group by.
var dims = map[string]bool{"period": true, "year": true, "party": true, "sector": true, "location": true}

// periodOf labels an entry's date for a breakdown by year, quarter or
// month. A date stated more coarsely than by keeps its own precision
// ("2021" in a monthly breakdown), so nothing is placed in a month it
// was not stated for.
func periodOf(d ledger.Date, by string) string {
	switch {
	case by == "quarter" && d.Precision >= ledger.Month:
		return fmt.Sprintf("%04d-Q%d", d.Y, (d.M-1)/3+1)
	case by == "month" && d.Precision >= ledger.Month:
		return fmt.Sprintf("%04d-%02d", d.Y, d.M)
	}
	return fmt.Sprintf("%04d", d.Y)
}

// computeBreakdown groups the entries with an amount by up to three
// dimensions (params "group": comma-separated, of period, year, party,
// sector, location; "by": year, quarter or month for period), with one
// amount column per kind and a count of entries. Sector and location
// group by the combination an entry states, so rows add up.
func computeBreakdown(ctx context.Context, s *store.Store, st *State, opt Options, l *model.Lang) (*computed, error) {
	group := strings.Split(opt.Params["group"], ",")
	if len(group) == 0 || len(group) > 3 || group[0] == "" {
		return nil, fmt.Errorf("%w: a breakdown groups by one to three of period, year, party, sector, location", ledger.ErrInvalid)
	}
	by := opt.Params["by"]
	if by == "" {
		by = "year"
	}
	if by != "year" && by != "quarter" && by != "month" {
		return nil, ledger.Fail(ledger.ErrInvalid, "bad_period", "by", by, "%q: use year, quarter or month", by)
	}
	for _, g := range group {
		if !dims[g] {
			return nil, fmt.Errorf("%w: cannot group by %q", ledger.ErrInvalid, g)
		}
	}
	f := st.filter(opt)
	f.Wide = true
	ag, err := aggregate(ctx, s, st, opt, f, func(a *store.Amount, d ledger.Date) (groupKey, bool) {
		var k groupKey
		for i, g := range group {
			switch g {
			case "period":
				k[i] = periodOf(d, by)
			case "year":
				k[i] = fmt.Sprintf("%04d", d.Y)
			case "party":
				k[i] = a.Party
			case "sector":
				k[i] = string(a.Sector)
			case "location":
				k[i] = string(a.Location)
			}
		}
		k[3] = a.Kind
		return k, true
	})
	if err != nil {
		return nil, err
	}
	c := newComputed(ag)
	sec := c.section(opt.Params["section"])
	if sec.Key == "" {
		sec = c.section("breakdown")
	}
	fillPivot(c, sec, ag, group, l, opt)
	for i, g := range group {
		if g != "period" || by == "year" {
			continue
		}
		for k := range ag.groups {
			if len(k[i]) == 4 { // a year in a quarterly or monthly breakdown
				c.notes = append(c.notes, l.T("note.coarse"))
				break
			}
		}
	}
	for _, g := range group {
		if g == "sector" || g == "location" {
			c.notes = append(c.notes, l.T("note.multi"))
			break
		}
	}
	return c, nil
}

// fillPivot lays out an aggregation keyed (dims..., kind) as rows per
// dims with one amount column per kind, an entries count, and totals.
func fillPivot(c *computed, sec *model.Section, ag *aggregation, group []string, l *model.Lang, opt Options) {
	type pivot struct {
		key   groupKey
		kinds map[string]*acc
	}
	var rows []*pivot
	index := map[groupKey]*pivot{}
	for _, k := range ag.sortedKeys() {
		rk := k
		rk[3] = ""
		p := index[rk]
		if p == nil {
			p = &pivot{key: rk, kinds: map[string]*acc{}}
			index[rk] = p
			rows = append(rows, p)
		}
		p.kinds[k[3]] = ag.groups[k]
	}
	cols := map[string][]model.Cell{}
	var entries int64
	for _, p := range rows {
		r := model.Row{}
		for i, g := range group {
			r[g] = model.Cell{Text: p.key[i]}
		}
		n := 0
		for _, kind := range ledger.Kinds {
			k := string(kind)
			g := p.kinds[k]
			if g == nil {
				r[k] = model.Cell{Empty: true}
				continue
			}
			cell := amountCell(g, opt.Currency)
			r[k] = cell
			cols[k] = append(cols[k], cell)
			n += g.entries
			c.qualifierNotes(l, func() string {
				return strings.ReplaceAll(strings.Join(p.key[:len(group)], " "), ";", ", ") + " " + l.Kind(k)
			}, g)
		}
		r["entries"] = model.Cell{Int: int64(n)}
		entries += int64(n)
		sec.Rows = append(sec.Rows, r)
	}
	t := model.Row{group[0]: {Text: l.T("total")}, "entries": {Int: entries}}
	for _, kind := range ledger.Kinds {
		k := string(kind)
		if len(cols[k]) == 0 {
			t[k] = model.Cell{Empty: true}
			continue
		}
		t[k] = model.SumCells(cols[k])
		c.totalNote(l, l.Kind(k), t[k])
	}
	for i := 1; i < len(group); i++ {
		t[group[i]] = model.Cell{}
	}
	if len(rows) > 0 {
		sec.Totals = append(sec.Totals, t)
	}
}

// percent is a share, in percent, rounded half to even to one decimal;
// empty when the whole is zero.
func percent(part, whole decimal.Decimal) model.Cell {
	if whole.IsZero() {
		return model.Cell{Empty: true}
	}
	return model.Cell{Value: part.Mul(decimal.NewFromInt(100)).DivRound(whole, 20).RoundBank(1)}
}
