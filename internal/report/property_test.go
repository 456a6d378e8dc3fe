package report_test

import (
	"context"
	"fmt"
	"math/rand/v2"
	"strings"
	"testing"
	"time"

	"github.com/coalition/pledger/internal/csvio"
	"github.com/coalition/pledger/internal/ledger"
	"github.com/coalition/pledger/internal/model"
	"github.com/coalition/pledger/internal/money"
	"github.com/coalition/pledger/internal/report"
	"github.com/coalition/pledger/internal/store"
	"github.com/coalition/pledger/internal/store/storetest"
	"github.com/shopspring/decimal"
)

// genLedger writes a random but reproducible ledger: parties, kinds,
// year, month and day dates, five currencies with 0, 2 and 3 decimals,
// qualifiers, sectors, locations and contributions toward needs; and
// generated daily rates against EUR for the years it spans.
func genLedger(seed uint64, n int) (entries, rates []byte) {
	r := rand.New(rand.NewPCG(seed, 42))
	currencies := []string{"EUR", "USD", "GBP", "JPY", "KWD"}
	parties := []string{"BEL", "USA", "GBR", "DEU", "NLD", "JPN", "KWT", "EU"}
	sectors := []string{"demining", "camps", "reconstruction", "stabilisation"}
	places := []string{"IRQ", "SYR", "JOR"}
	kinds := []string{"need", "pledge", "commitment", "disbursement"}
	qualifiers := []string{"", "", "", "at-least", "about", "up-to"}
	var b strings.Builder
	b.WriteString("ref,kind,party,date,amount,currency,qualifier,sector,location,toward\n")
	var needs []string
	for i := range n {
		kind := kinds[r.IntN(len(kinds))]
		if i == 0 {
			kind = "need"
		}
		y := 2016 + r.IntN(7)
		date := fmt.Sprint(y)
		switch r.IntN(3) {
		case 1:
			date = fmt.Sprintf("%d-%02d", y, 1+r.IntN(12))
		case 2:
			date = fmt.Sprintf("%d-%02d-%02d", y, 1+r.IntN(12), 1+r.IntN(28))
		}
		cur := currencies[r.IntN(len(currencies))]
		units := map[string]int{"JPY": 0, "KWD": 3}[cur]
		if cur != "JPY" && cur != "KWD" {
			units = 2
		}
		whole := r.Int64N(50_000_000)
		amount := fmt.Sprint(whole)
		if units > 0 {
			amount = fmt.Sprintf("%d.%0*d", whole, units, r.IntN(pow(10, units)))
		}
		sec, loc := genSplit(r, sectors), genSplit(r, places)
		toward := ""
		ref := fmt.Sprintf("e%05d", i)
		if kind == "need" {
			needs = append(needs, ref)
		} else if r.IntN(3) > 0 {
			toward = needs[r.IntN(len(needs))]
		}
		fmt.Fprintf(&b, "%s,%s,%s,%s,%s,%s,%s,%s,%s,%s\n", ref, kind, parties[r.IntN(len(parties))], date, amount, cur,
			qualifiers[r.IntN(len(qualifiers))], sec, loc, toward)
	}
	var rb strings.Builder
	rb.WriteString("date,base,quote,rate,source\n")
	for d := time.Date(2015, 12, 1, 0, 0, 0, 0, time.UTC); d.Year() < 2023; d = d.AddDate(0, 0, 1) {
		if d.Weekday() == time.Saturday || d.Weekday() == time.Sunday {
			continue
		}
		for i, c := range currencies[1:] {
			v := 10000*(i+1) + (d.YearDay()*37+i*11)%2000 + r.IntN(7)
			fmt.Fprintf(&rb, "%s,EUR,%s,%d.%04d,generated\n", d.Format(time.DateOnly), c, v/10000, v%10000)
		}
	}
	return []byte(b.String()), []byte(rb.String())
}

// genSplit is a sector or location field: one value, several without
// shares (shared), or several with shares of up to two decimals that add
// up to 100, in any order.
func genSplit(r *rand.Rand, values []string) string {
	one := values[r.IntN(len(values))]
	switch r.IntN(6) {
	case 0, 1, 2:
		return one
	case 3:
		return one + ";" + values[r.IntN(len(values))] // sometimes the same twice: one value
	}
	n := 2 + r.IntN(len(values)-1)
	picked := r.Perm(len(values))[:n]
	left := 10000
	var parts []string
	for i, k := range picked {
		w := left
		if i < n-1 {
			w = 1 + r.IntN(left-(n-1-i))
		}
		left -= w
		parts = append(parts, fmt.Sprintf("%s:%d.%02d", values[k], w/100, w%100))
	}
	return strings.Join(parts, ";")
}

func pow(b, e int) int {
	out := 1
	for range e {
		out *= b
	}
	return out
}

// kindOfColumn maps the amount columns of the catalog's partitions to the
// kind they add up.
var kindOfColumn = map[string]string{"needed": "need", "need": "need", "pledge": "pledge", "commitment": "commitment",
	"disbursement": "disbursement", "deployment": "deployment"}

// partitions are the sections whose rows partition the report's scope.
var partitions = map[string][]string{"summary": {"summary"}, "timeline": {"timeline"}, "flows": {"flows"},
	"coverage": {"coverage"}, "party": {"by_year_sector", "by_kind"}}

// TestFiguresAddUp checks, on generated ledgers, both engines, three report
// currencies and two valuations, the rule of the figures: every entry has
// one value (converted and rounded once); the rows of every partition add
// up exactly to the report's totals by kind; every report's totals equal
// the summary's for the same scope; and the list of entries with their
// values adds up to the same totals.
func TestFiguresAddUp(t *testing.T) {
	entries, rates := genLedger(7, 600)
	storetest.Each(t, func(t *testing.T, engine store.Dialect) {
		ctx := context.Background()
		s := storetest.Open(t, engine)
		if _, err := s.ImportRates(ctx, csvio.RateBytesSource("rates.csv", rates, ""), store.RateImportOptions{Author: "test"}); err != nil {
			t.Fatal(err)
		}
		if _, err := s.Import(ctx, csvio.BytesSource("gen.csv", entries, csvio.Options{}), store.ImportOptions{Author: "test"}); err != nil {
			t.Fatal(err)
		}
		scopes := []report.Request{{}, {Parties: []string{"BEL", "EU"}}, {Parties: []string{"NLD"}}, {Sectors: []string{"camps"}}, {Locations: []string{"SYR"}},
			{Sectors: []string{"multiple"}}, {Sectors: []string{"demining", "camps"}, Locations: []string{"IRQ", "multiple"}}}
		for _, c := range []struct {
			cur, val string
			scopes   []report.Request
		}{{"USD", "spot", scopes}, {"JPY", "annual", scopes}, {"KWD", "spot", scopes[:1]}, {"EUR", "annual", scopes[:1]}} {
			for _, scope := range c.scopes {
				req := scope
				req.Currency, req.Valuation, req.MaxStale = c.cur, c.val, 7
				name := fmt.Sprintf("%s/%s/%v%v%v", c.cur, c.val, scope.Parties, scope.Sectors, scope.Locations)
				checkScope(t, ctx, s, name, req)
			}
		}
		// The share rule: the sectors and "multiple" partition the whole,
		// and so do the places; within each, a sector's total is the sum of
		// its parts (single-sector entries and shares).
		whole := summaryTotals(t, ctx, s, report.Request{Currency: "USD"})
		for _, dim := range []struct {
			name   string
			values []string
		}{{"sector", []string{"camps", "demining", "reconstruction", "stabilisation", "multiple"}}, {"location", []string{"IRQ", "JOR", "SYR", "multiple"}}} {
			sum := map[string]decimal.Decimal{}
			for _, v := range dim.values {
				req := report.Request{Currency: "USD"}
				if dim.name == "sector" {
					req.Sectors = []string{v}
				} else {
					req.Locations = []string{v}
				}
				for k, x := range summaryTotals(t, ctx, s, req) {
					sum[k] = sum[k].Add(x)
				}
			}
			sameTotals(t, "every "+dim.name+" and multiple", sum, whole, nil)
		}
	})
}

func summaryTotals(t *testing.T, ctx context.Context, s *store.Store, req report.Request) map[string]decimal.Decimal {
	t.Helper()
	req.MaxStale = 7
	opt, err := req.Options(ctx, s)
	if err != nil {
		t.Fatal(err)
	}
	m, err := report.Run(ctx, s, "summary", opt)
	if err != nil {
		t.Fatal(err)
	}
	out := map[string]decimal.Decimal{}
	for _, k := range m.Totals {
		out[k.Kind] = k.Amount.Value
	}
	return out
}

func checkScope(t *testing.T, ctx context.Context, s *store.Store, name string, req report.Request) {
	t.Helper()
	opt, err := req.Options(ctx, s)
	if err != nil {
		t.Fatalf("%s: %v", name, err)
	}
	run := func(rep string, params map[string]string) *model.Model {
		o := opt
		o.Params = params
		m, err := report.Run(ctx, s, rep, o)
		if err != nil {
			t.Fatalf("%s %s: %v", name, rep, err)
		}
		return m
	}
	totals := func(m *model.Model) map[string]decimal.Decimal {
		out := map[string]decimal.Decimal{}
		for _, k := range m.Totals {
			out[k.Kind] = k.Amount.Value
		}
		return out
	}
	summary := run("summary", nil)
	want := totals(summary)
	if len(want) == 0 {
		t.Fatalf("%s: the summary has no totals", name)
	}
	// Each entry's value, as the list shows it, counted once.
	val, err := report.NewValuer(ctx, s, opt)
	if err != nil {
		t.Fatal(err)
	}
	listed := map[string]decimal.Decimal{}
	f := store.Filter{Parties: opt.Parties, Sectors: opt.Sectors, Locations: opt.Locations}
	err = s.Entries(ctx, f, func(r ledger.Revision) error {
		v, ok, err := val.Value(r.Entry)
		if ok {
			listed[string(r.Entry.Kind)] = listed[string(r.Entry.Kind)].Add(v)
		}
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	sameTotals(t, name+" list", listed, want, nil)

	for rep, sections := range partitions {
		var params map[string]string
		if rep == "party" {
			if len(opt.Parties) != 1 {
				continue
			}
			params = map[string]string{"party": opt.Parties[0]}
		}
		bys := []string{""}
		if rep == "timeline" {
			bys = []string{"year", "quarter", "month"}
		}
		for _, by := range bys {
			p := params
			if by != "" {
				p = map[string]string{"by": by}
			}
			m := run(rep, p)
			got := totals(m)
			label := name + " " + rep + " " + by
			switch {
			case rep != "coverage":
				sameTotals(t, label, got, want, nil)
			case len(opt.Parties) == 0:
				// Coverage counts every need and what goes toward them
				// (a party filter selects whose contributions count).
				sameTotals(t, label, got, want, map[string]bool{"need": true})
			}
			for _, key := range sections {
				sec := section(t, m, key)
				parts := map[string]decimal.Decimal{}
				for _, row := range sec.Rows {
					kind := row["kind"].Text
					for col, k := range kindOfColumn {
						if c, ok := row[col]; ok && !c.Empty {
							parts[k] = parts[k].Add(c.Value)
						}
					}
					if a, ok := row["amount"]; ok && kind != "" {
						parts[kind] = parts[kind].Add(a.Value)
					}
				}
				for k, v := range parts {
					if !v.Equal(got[k]) {
						t.Errorf("%s: section %s: the %s rows add up to %s, the report's %s total is %s", label, key, k, v, k, got[k])
					}
				}
			}
		}
	}
}

// sameTotals compares totals by kind; only, when set, limits the kinds
// that must be equal to want's (the others must still be a part of it).
func sameTotals(t *testing.T, label string, got, want map[string]decimal.Decimal, only map[string]bool) {
	t.Helper()
	for k, w := range want {
		if only != nil && !only[k] {
			continue
		}
		if !got[k].Equal(w) {
			t.Errorf("%s: %s total %s, the summary's %s", label, k, got[k], w)
		}
	}
	if only == nil {
		for k, g := range got {
			if _, ok := want[k]; !ok && !g.IsZero() {
				t.Errorf("%s: %s total %s that the summary does not have", label, k, g)
			}
		}
	}
}

func section(t *testing.T, m *model.Model, key string) model.Section {
	t.Helper()
	for _, s := range m.Sections {
		if s.Key == key {
			return s
		}
	}
	t.Fatalf("%s has no section %s", m.Report, key)
	return model.Section{}
}

// The rounding rule itself: a value is amount × factor rounded once, half
// to even, to the target's minor units, as decimal arithmetic gives it.
func TestValueRounding(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	for range 2000 {
		cur := []string{"EUR", "JPY", "KWD", "USD"}[r.IntN(4)]
		target := money.MustCurrency([]string{"USD", "JPY", "KWD"}[r.IntN(3)])
		from := money.MustCurrency(cur)
		minor := r.Int64N(1_000_000_000_000) - 500_000_000_000
		factor := decimal.New(r.Int64N(10_000_000)+1, -int32(r.IntN(9)))
		if r.IntN(5) == 0 { // exact halves
			factor = decimal.RequireFromString("0.5")
		}
		got, ok := money.NewFactor(factor).Value(minor, from.Units, target)
		want := money.FromMinor(minor, from).Mul(factor).RoundBank(target.Units)
		if fits := want.Shift(target.Units).BigInt().IsInt64(); !ok && !fits {
			continue // too large for a value: refused, never wrapped
		}
		if !ok || !money.FromMinor(got, target).Equal(want) {
			t.Fatalf("%d minor %s × %s in %s = %d, want %s", minor, cur, factor, target.Code, got, want)
		}
	}
}
