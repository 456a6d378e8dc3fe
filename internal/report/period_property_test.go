package report

import (
	"context"
	"fmt"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/coalition/pledger/internal/csvio"
	"github.com/coalition/pledger/internal/ledger"
	"github.com/coalition/pledger/internal/model"
	"github.com/coalition/pledger/internal/money"
	"github.com/coalition/pledger/internal/store"
	"github.com/coalition/pledger/internal/store/storetest"
	"github.com/shopspring/decimal"
)

// The period rule as a property, on generated ledgers (made-up entries,
// not real contributions) with year, month and day dates, spans, and four
// currencies, on every engine, for seeded random periods and units:
//
//	(a) a timeline's rows (buckets and spanning rows) add up exactly to the
//	    summary of the same period, kind by kind;
//	(b) every entry inside the period is counted in exactly one row: the
//	    bucket holding its span, or the row named by its span;
//	(c) for a partition of a period P into consecutive sub-periods P1..Pn,
//	    every entry inside P is either inside exactly one Pi (and noted in
//	    none), or inside none and noted as left out in every Pi it
//	    overlaps (at least two); so total(P) = Σ total(Pi) + the value of
//	    the entries inside P that no Pi holds, and each note's value is
//	    the sum of the entries it names.
//
// Each entry has its own party, so the unfiltered summary gives every
// entry's value. The rates make every conversion exact (amounts are whole
// multiples that the rates divide), so the sums test the period rule and
// nothing of rounding.

var propParties = strings.Fields(`AFG ALB DZA AND AGO ARG ARM AUS AUT AZE BHR BGD BEL BIH BRA BGR CAN CHL CHN COL
	HRV CYP CZE DNK EGY EST FIN FRA GEO DEU GRC HUN ISL IND IDN IRQ IRL ITA JPN JOR KAZ KEN KOR KWT LVA LBN LTU
	LUX MYS MLT MEX MDA MAR NLD NZL NGA NOR OMN PAK POL PRT QAT ROU SAU SRB SGP SVK SVN ESP SWE CHE TUR UKR`)

const propRates = `date,base,quote,rate,source
2021-01-04,EUR,USD,1.25,generated (not real)
2021-01-04,EUR,GBP,0.8,generated (not real)
2021-01-04,EUR,JPY,125,generated (not real)
`

type propEntry struct {
	ref, kind, party, date, end string
	first, last                 string // the span's days, YYYY-MM-DD
}

// genDate is a random date of year y..y+span with a random precision.
func genDate(r *rand.Rand, y, span int) ledger.Date {
	d := ledger.Date{Y: y + r.IntN(span+1), Precision: ledger.Year}
	switch r.IntN(3) {
	case 1:
		d.M, d.Precision = 1+r.IntN(12), ledger.Month
	case 2:
		d.M, d.D, d.Precision = 1+r.IntN(12), 1+r.IntN(28), ledger.Day
	}
	return d
}

// genLedger writes n entries as CSV and returns them.
func genLedger(r *rand.Rand, n int) (string, []propEntry) {
	var b strings.Builder
	b.WriteString("ref,kind,party,date,end,amount,currency,qualifier\n")
	kinds := []string{"need", "pledge", "commitment", "disbursement"}
	quals := []string{"", "", "at-least", "about", "up-to"}
	var out []propEntry
	for i := range n {
		e := propEntry{ref: fmt.Sprintf("e%03d", i), kind: kinds[r.IntN(len(kinds))], party: propParties[i]}
		d := genDate(r, 2018, 4)
		e.date, e.first, e.last = d.String(), d.First().Format(time.DateOnly), d.Last().Format(time.DateOnly)
		if r.IntN(3) == 0 {
			end := genDate(r, d.Y, 2)
			for end.Last().Before(d.First()) {
				end = genDate(r, d.Y, 2)
			}
			e.end, e.last = end.String(), end.Last().Format(time.DateOnly)
		}
		var amount, cur string
		switch r.IntN(4) {
		case 0:
			// Cents in fours: × 1.25 stays in cents.
			amount, cur = fmt.Sprintf("%d.%02d", 1+r.IntN(9999999), 4*r.IntN(25)), "EUR"
		case 1:
			amount, cur = fmt.Sprint(1+r.IntN(9999999)), "USD"
		case 2:
			amount, cur = fmt.Sprint(4*(1+r.IntN(2499999))), "GBP"
		default:
			amount, cur = fmt.Sprint(1000*(1+r.IntN(999999))), "JPY"
		}
		fmt.Fprintf(&b, "%s,%s,%s,%s,%s,%s,%s,%s\n", e.ref, e.kind, e.party, e.date, e.end, amount, cur, quals[r.IntN(len(quals))])
		out = append(out, e)
	}
	return b.String(), out
}

func (e propEntry) inside(from, to string) bool {
	return (from == "" || e.first >= from) && (to == "" || e.last <= to)
}

func (e propEntry) overlaps(from, to string) bool {
	return (from == "" || e.last >= from) && (to == "" || e.first <= to)
}

// propRow is the row an entry belongs in, computed here without the
// report's code: the bucket numbers of its first and last day.
func (e propEntry) propRow(by string) string {
	n := func(day string) (int, string) {
		t, _ := time.Parse(time.DateOnly, day)
		y, m := t.Year(), int(t.Month())
		switch by {
		case "quarter":
			return y*4 + (m-1)/3, fmt.Sprintf("%d-Q%d", y, (m-1)/3+1)
		case "month":
			return y*12 + m - 1, fmt.Sprintf("%d-%02d", y, m)
		}
		return y, fmt.Sprint(y)
	}
	a, label := n(e.first)
	if b, _ := n(e.last); a == b {
		return label
	}
	if e.end == "" || e.end == e.date {
		return e.date
	}
	return e.date + "–" + e.end
}

// genPeriod is a random period of days in 2017..2023; one bound may be
// open.
func genPeriod(r *rand.Rand) (from, to string) {
	a := time.Date(2017, 1, 1, 0, 0, 0, 0, time.UTC).AddDate(0, 0, r.IntN(7*365))
	b := a.AddDate(0, 0, r.IntN(4*365))
	if r.IntN(2) == 0 { // often on month bounds, where entries' spans start and end
		a = time.Date(a.Year(), a.Month(), 1, 0, 0, 0, 0, time.UTC)
		b = time.Date(b.Year(), b.Month()+1, 0, 0, 0, 0, 0, time.UTC)
	}
	from, to = a.Format(time.DateOnly), b.Format(time.DateOnly)
	switch r.IntN(8) {
	case 0:
		from = ""
	case 1:
		to = ""
	}
	return from, to
}

func TestPeriodRuleProperty(t *testing.T) {
	ctx := context.Background()
	storetest.Each(t, func(t *testing.T, engine store.Dialect) {
		r := rand.New(rand.NewPCG(2021, 10))
		for ledgerNo := range 2 {
			csv, entries := genLedger(r, 70)
			s := storetest.Open(t, engine)
			if _, err := s.Import(ctx, csvio.BytesSource("entries.csv", []byte(csv), csvio.Options{}), store.ImportOptions{Author: "test"}); err != nil {
				t.Fatalf("import: %v", err)
			}
			if _, err := s.ImportRates(ctx, csvio.RateBytesSource("rates.csv", []byte(propRates), ""), store.RateImportOptions{Author: "test"}); err != nil {
				t.Fatalf("import rates: %v", err)
			}
			for _, target := range []string{"EUR", "USD"} {
				val, err := model.ParseValuation("fixed:2021-01-04", 7)
				if err != nil {
					t.Fatal(err)
				}
				opt := Options{Currency: money.MustCurrency(target), Valuation: val}
				p := &propRun{t: t, ctx: ctx, s: s, opt: opt, entries: entries}
				p.values()
				for trial := range 12 {
					from, to := genPeriod(r)
					by := []string{"year", "quarter", "month"}[r.IntN(3)]
					name := fmt.Sprintf("ledger %d %s %s..%s by %s", ledgerNo, target, from, to, by)
					p.timeline(name, from, to, by)
					if from != "" && to != "" && trial%2 == 0 {
						p.partition(name, r, from, to)
					}
				}
			}
		}
	})
}

type propRun struct {
	t       *testing.T
	ctx     context.Context
	s       *store.Store
	opt     Options
	entries []propEntry
	value   map[string]decimal.Decimal // by ref
}

func (p *propRun) with(from, to string) Options {
	o := p.opt
	o.From, o.To = from, to
	return o
}

// values reads every entry's value from the unfiltered summary.
func (p *propRun) values() {
	sum, err := MakeSummary(p.ctx, p.s, p.opt)
	if err != nil {
		p.t.Fatal(err)
	}
	ref := map[string]string{}
	for _, e := range p.entries {
		ref[e.party] = e.ref
	}
	p.value = map[string]decimal.Decimal{}
	for _, row := range sum.Rows {
		if row.Entries != 1 {
			p.t.Fatalf("party %s: %d entries", row.Party, row.Entries)
		}
		p.value[ref[row.Party]] = row.Value
	}
	if len(p.value) != len(p.entries) {
		p.t.Fatalf("summary holds %d entries of %d", len(p.value), len(p.entries))
	}
}

// totals is the summary of a period, per kind, checking that it counts
// exactly the entries inside it.
func (p *propRun) totals(name, from, to string) map[string]decimal.Decimal {
	sum, err := MakeSummary(p.ctx, p.s, p.with(from, to))
	if err != nil {
		p.t.Fatal(err)
	}
	want := map[string]decimal.Decimal{}
	for _, e := range p.entries {
		if e.inside(from, to) {
			want[e.kind] = want[e.kind].Add(p.value[e.ref])
		}
	}
	got := map[string]decimal.Decimal{}
	for _, tot := range sum.Totals {
		got[tot.Kind] = tot.Value
	}
	if !sameSums(got, want) {
		p.t.Errorf("%s: summary %v, the entries inside %v", name, got, want)
	}
	return got
}

func sameSums(a, b map[string]decimal.Decimal) bool {
	for _, k := range ledger.Kinds {
		if !a[string(k)].Equal(b[string(k)]) {
			return false
		}
	}
	return true
}

// timeline checks (a) and (b).
func (p *propRun) timeline(name, from, to, by string) {
	o := p.with(from, to)
	o.Params = map[string]string{"by": by}
	m, err := Run(p.ctx, p.s, "timeline", o)
	if err != nil {
		p.t.Fatal(err)
	}
	type cell struct {
		v decimal.Decimal
		n int64
	}
	want := map[string]map[string]*cell{}
	for _, e := range p.entries {
		if !e.inside(from, to) {
			continue
		}
		row := e.propRow(by)
		if want[row] == nil {
			want[row] = map[string]*cell{}
		}
		c := want[row][e.kind]
		if c == nil {
			c = &cell{}
			want[row][e.kind] = c
		}
		c.v, c.n = c.v.Add(p.value[e.ref]), c.n+1
	}
	rows := map[string]decimal.Decimal{}
	var labels []string
	for _, r := range m.Sections[0].Rows {
		label := r["period"].Text
		labels = append(labels, label)
		for _, kind := range ledger.Kinds {
			k := string(kind)
			c, w := r[k], want[label][k]
			switch {
			case w == nil && !c.Empty:
				p.t.Errorf("%s: row %s %s holds %s, no entry belongs there", name, label, k, c.Value)
			case w != nil && (c.Empty || !c.Value.Equal(w.v) || c.Int != w.n):
				p.t.Errorf("%s: row %s %s: %s (%d entries), want %s (%d)", name, label, k, c.Value, c.Int, w.v, w.n)
			}
			rows[k] = rows[k].Add(c.Value)
		}
		delete(want, label)
	}
	if len(want) > 0 {
		p.t.Errorf("%s: rows missing: %v (rows %v)", name, want, labels)
	}
	if !slices.IsSortedFunc(labels, comparePeriods) {
		p.t.Errorf("%s: rows out of order: %v", name, labels)
	}
	if sum := p.totals(name, from, to); !sameSums(rows, sum) {
		p.t.Errorf("%s: timeline rows add up to %v, the summary to %v", name, rows, sum)
	}
}

// partition checks (c) for a random partition of from..to.
func (p *propRun) partition(name string, r *rand.Rand, from, to string) {
	a, _ := time.Parse(time.DateOnly, from)
	b, _ := time.Parse(time.DateOnly, to)
	days := int(b.Sub(a).Hours()/24) + 1
	cuts := map[int]bool{}
	for range r.IntN(4) + 1 {
		if days > 1 {
			cuts[1+r.IntN(days-1)] = true // a sub-period starts that many days after from
		}
	}
	var subs [][2]string
	start := a
	for d := 1; d <= days; d++ {
		if cuts[d] || d == days {
			end := a.AddDate(0, 0, d-1)
			subs = append(subs, [2]string{start.Format(time.DateOnly), end.Format(time.DateOnly)})
			start = end.AddDate(0, 0, 1)
		}
	}
	name = fmt.Sprintf("%s, parts %v", name, subs)
	whole := p.totals(name, from, to)
	sum := map[string]decimal.Decimal{}
	noted := make([]map[string]bool, len(subs))
	for i, sp := range subs {
		for k, v := range p.totals(name, sp[0], sp[1]) {
			sum[k] = sum[k].Add(v)
		}
		st, err := Open(p.ctx, p.s, p.opt)
		if err != nil {
			p.t.Fatal(err)
		}
		o := p.with(sp[0], sp[1])
		left, _, err := leftOutOf(p.ctx, p.s, st, o, st.filter(o), nil)
		if err != nil {
			p.t.Fatal(err)
		}
		noted[i] = map[string]bool{}
		for kind, lo := range left {
			v := decimal.Zero
			for _, ref := range lo.refs {
				noted[i][ref] = true
				v = v.Add(p.value[ref])
			}
			if !lo.value.Value.Equal(v) {
				p.t.Errorf("%s: part %v: the note on %s says %s, its entries sum to %s", name, sp, kind, lo.value.Value, v)
			}
		}
	}
	for _, e := range p.entries {
		if !e.inside(from, to) {
			continue
		}
		var in, over, note int
		for i, sp := range subs {
			if e.inside(sp[0], sp[1]) {
				in++
			}
			if e.overlaps(sp[0], sp[1]) {
				over++
				if noted[i][e.ref] {
					note++
				}
			}
		}
		switch {
		case in == 1 && note == 0:
		case in == 0 && over >= 2 && note == over:
			sum[e.kind] = sum[e.kind].Add(p.value[e.ref])
		default:
			p.t.Errorf("%s: %s (%s..%s) inside %d parts, overlaps %d, noted in %d", name, e.ref, e.first, e.last, in, over, note)
		}
	}
	if !sameSums(sum, whole) {
		p.t.Errorf("%s: parts plus left-out entries %v, the whole %v", name, sum, whole)
	}
}
