package report

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"sync"

	"github.com/coalition/pledger/internal/model"

	"github.com/coalition/pledger/internal/ledger"
	"github.com/coalition/pledger/internal/store"
	"github.com/shopspring/decimal"
)

// dims are the dimensions a breakdown can group by.
var dims = map[string]bool{"period": true, "year": true, "party": true, "sector": true, "location": true}

// computeBreakdown groups the entries with an amount by up to three
// dimensions (params "group": comma-separated, of period, year, party,
// sector, location; "by": year, quarter or month for period), with one
// amount column per kind and a count of entries. Sector and location
// group by the combination an entry states, so rows add up. With param
// "stages" set to true, it also fills the section "stages": the stages of
// the money per member and sector (stages.go).
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
	var bad error // a stored end that does not parse; recorded ends always do
	var once sync.Once
	stages := opt.Params["stages"] == "true"
	ag, ch, err := aggregateChains(ctx, s, st, opt, f, st.filter(opt), func(a *store.Amount, d ledger.Date, pt portion) (groupKey, bool) {
		var k groupKey
		for i, g := range group {
			switch g {
			case "period", "year":
				unit := by
				if g == "year" {
					unit = "year"
				}
				p, err := periodOf(d, a.End, unit)
				if err != nil {
					once.Do(func() { bad = fmt.Errorf("entry %s: end: %w", a.Ref, err) })
				}
				k[i] = p
			case "party":
				k[i] = a.Party
			case "sector":
				k[i] = pt.sector
			case "location":
				k[i] = pt.location
			}
		}
		k[3] = a.Kind
		return k, true
	}, stages)
	if err == nil {
		err = bad
	}
	if err != nil {
		return nil, err
	}
	c := newComputed(ag)
	sec := c.section(opt.Params["section"])
	if sec.Key == "" {
		sec = c.section("breakdown")
	}
	fillPivot(c, sec, ag, group, l, opt)
	spanNote(c, ag, group, by, l)
	if err := periodNote(ctx, s, st, opt, l, c, f, nil); err != nil {
		return nil, err
	}
	for _, g := range group {
		if g == "sector" || g == "location" {
			c.notes = append(c.notes, l.T("note.multi"))
			break
		}
	}
	pledges := ch.pledgeChains()
	if !stages {
		c.notes = append(c.notes, ch.anomalies(l, opt.Currency, pledges)...)
		return c, nil
	}
	// The stages of the money per member and sector (stages.go), from the
	// chains that the notes read too.
	if err := fillStages(c.section("stages"), ch, pledges, l, opt.Currency); err != nil {
		return nil, err
	}
	c.notes = append(c.notes, ch.anomalies(l, opt.Currency, pledges)...)
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
	// Periods in time order (see comparePeriods), other dimensions by text.
	byPeriod := memoComparePeriods()
	slices.SortStableFunc(rows, func(a, b *pivot) int {
		for i, g := range group {
			cmp := strings.Compare
			if g == "period" || g == "year" {
				cmp = byPeriod
			}
			if n := cmp(a.key[i], b.key[i]); n != 0 {
				return n
			}
		}
		return 0
	})
	cols := map[string][]model.Cell{}
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
				words := make([]string, len(group))
				for i, dim := range group {
					words[i] = l.List(dim, p.key[i])
				}
				return strings.Join(words, " ") + " " + l.Kind(k)
			}, g)
		}
		r["entries"] = model.Cell{Int: int64(n)}
		sec.Rows = append(sec.Rows, r)
	}
	// The totals are the scope's: each entry once, however many rows hold
	// a part of it (its shares), and the exact sum of the rows.
	t := model.Row{group[0]: {Text: l.T("total")}, "entries": {Int: int64(ag.entries)}}
	for _, kind := range ledger.Kinds {
		k := string(kind)
		if len(cols[k]) == 0 {
			t[k] = model.Cell{Empty: true}
			continue
		}
		t[k] = amountCell(ag.kinds[k], opt.Currency)
		c.totalNote(l, l.Kinds(k), t[k])
	}
	for i := 1; i < len(group); i++ {
		t[group[i]] = model.Cell{}
	}
	if len(rows) > 0 {
		sec.Totals = append(sec.Totals, t)
	}
}

// spanNote says, when a period or year column has rows labelled by an
// entry's own span, what they are.
func spanNote(c *computed, ag *aggregation, group []string, by string, l *model.Lang) {
	for i, g := range group {
		unit := by
		if g == "year" {
			unit = "year"
		} else if g != "period" {
			continue
		}
		for k := range ag.groups {
			if !isBucket(k[i], unit) {
				c.notes = append(c.notes, l.T("note.spanning"))
				return
			}
		}
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
