package report_test

import (
	"bytes"
	"errors"
	"io"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/coalition/pledger/internal/model"

	"github.com/coalition/pledger/internal/csvio"
	"github.com/coalition/pledger/internal/demo"
	"github.com/coalition/pledger/internal/ledger"
	"github.com/coalition/pledger/internal/money"
	"github.com/coalition/pledger/internal/report"
	"github.com/shopspring/decimal"
)

// Expected figures here were computed independently with Python's decimal
// module over the ECB file /work/shared/data/ecb/eurofxref-hist.csv
// (European Central Bank, euro foreign exchange reference rates), of which
// internal/demo/data/rates.csv is a digit-for-digit subset (checked: all
// 23,049 rows equal). The setup of every computation:
//
//	from decimal import Decimal as D, getcontext, ROUND_HALF_EVEN
//	getcontext().prec = 50; getcontext().rounding = ROUND_HALF_EVEN
//	q = lambda x, n: x.quantize(D(1).scaleb(-n), rounding=ROUND_HALF_EVEN)
//	rows = ECB rows (one per TARGET business day); r(day, cur) = D(rate)
//	days(prefix, cur) = the days starting with prefix that have a cur rate

var (
	demoTableOnce sync.Once
	demoTableVal  *money.Table
	demoTableErr  error
)

// demoTable loads the embedded demo rates (real ECB rates, 2015-2024) with
// the rate-file reader.
func demoTable(t testing.TB) *money.Table {
	t.Helper()
	demoTableOnce.Do(func() {
		rr, err := csvio.NewRateReader(bytes.NewReader(demo.Rates), "rates.csv", "")
		if err != nil {
			demoTableErr = err
			return
		}
		var rates []money.Rate
		for {
			in, err := rr.Next()
			if err == io.EOF {
				break
			}
			if err != nil {
				demoTableErr = err
				return
			}
			rates = append(rates, in.Rate)
		}
		if len(rates) != 23049 {
			demoTableErr = errors.New("demo rates: want 23049 rates")
			return
		}
		demoTableVal = money.NewTable(rates)
	})
	if demoTableErr != nil {
		t.Fatal(demoTableErr)
	}
	return demoTableVal
}

func vdec(t testing.TB, s string) decimal.Decimal {
	t.Helper()
	d, err := decimal.NewFromString(s)
	if err != nil {
		t.Fatalf("decimal %q: %v", s, err)
	}
	return d
}

func vdate(t testing.TB, s string) ledger.Date {
	t.Helper()
	d, err := ledger.ParseDate(s)
	if err != nil {
		t.Fatal(err)
	}
	return d
}

// vclose checks got against a 50-digit exact value to 28 significant digits.
func vclose(t testing.TB, what string, got, exact decimal.Decimal) {
	t.Helper()
	tol := exact.Abs().Mul(decimal.New(5, -29))
	if got.Sub(exact).Abs().GreaterThan(tol) {
		t.Errorf("%s = %s, want %s to 28 significant digits", what, got, exact)
	}
}

type convCase struct {
	name    string
	val     string
	stale   int
	target  string
	cur     string
	date    string
	amount  string
	factor  string // exact, 50 digits
	want    string
	first   string // span of the rates used
	last    string
	wantErr bool
}

var convCases = []convCase{
	// Month-precision entries under spot: the mean of the month's daily
	// cross rates, over the days that have rates (20 in January 2021).
	// sum(r(d,'GBP')/r(d,'USD') for d in days('2021-01','USD')) / 20
	// q(D('1000000.00') * that, 2) = 733441.65 (733441.645002965…)
	{name: "spot, month, cross USD->GBP", val: "spot", stale: 4, target: "GBP", cur: "USD", date: "2021-01", amount: "1000000.00",
		factor: "0.7334416450029658393649969143588038725448851400476", want: "733441.65", first: "2021-01-04", last: "2021-01-29"},
	// sum(r(d,'USD')/r(d,'GBP') for d in days('2021-01','USD')) / 20 — the
	// mean of the inverse crosses, not the inverse of the mean.
	// q(D('1000000.00') * that, 2) = 1363460.47
	{name: "spot, month, cross GBP->USD", val: "spot", stale: 4, target: "USD", cur: "GBP", date: "2021-01", amount: "1000000.00",
		factor: "1.3634604746573483445692647091325252473611767349518", want: "1363460.47", first: "2021-01-04", last: "2021-01-29"},
	// sum(r(d,'USD') for d in days('2021-03','USD')) / 23
	// q(D('5000000.00') * that, 2) = 5949543.48
	{name: "spot, month, direct EUR->USD", val: "spot", stale: 4, target: "USD", cur: "EUR", date: "2021-03", amount: "5000000.00",
		factor: "1.1899086956521739130434782608695652173913043478261", want: "5949543.48", first: "2021-03-01", last: "2021-03-31"},
	// Year-precision entries under spot: the mean over the year.
	// sum(1/r(d,'JPY') for d in days('2021','JPY')) / 258
	// q(D(1000000000) * that, 2) = 7701345.42
	{name: "spot, year, inverse JPY->EUR", val: "spot", stale: 4, target: "EUR", cur: "JPY", date: "2021", amount: "1000000000",
		factor: "0.0077013454192966649344805156477605346642108594454655", want: "7701345.42", first: "2021-01-04", last: "2021-12-31"},
	// sum(1/r(d,'KRW') for d in days('2019','KRW')) / 255
	// q(D(5000000000) * that, 2) = 3831697.16
	{name: "spot, year, inverse KRW->EUR", val: "spot", stale: 4, target: "EUR", cur: "KRW", date: "2019", amount: "5000000000",
		factor: "0.00076633943244734692566999670406658658645345514642125", want: "3831697.16", first: "2019-01-02", last: "2019-12-31"},
	// Day-precision entries under spot: that day's rate.
	// D('5000000.00') * D('1.2108') = 6054000.00 (EUR/USD 2021-06-15)
	{name: "spot, day", val: "spot", stale: 4, target: "USD", cur: "EUR", date: "2021-06-15", amount: "5000000.00",
		factor: "1.2108", want: "6054000.00", first: "2021-06-15", last: "2021-06-15"},
	// 2021-01-01 (holiday) -> 2020-12-31: D('1000000.00') * D('1.2271')
	{name: "spot, day, holiday look-back", val: "spot", stale: 4, target: "USD", cur: "EUR", date: "2021-01-01", amount: "1000000.00",
		factor: "1.2271", want: "1227100.00", first: "2020-12-31", last: "2020-12-31"},
	{name: "spot, day, look-back too short", val: "spot", stale: 2, target: "USD", cur: "EUR", date: "2021-01-03", amount: "1000000.00",
		wantErr: true},
	{name: "spot, month without rates", val: "spot", stale: 4, target: "EUR", cur: "USD", date: "2030-01", amount: "1.00",
		wantErr: true},
	{name: "spot, currency without rates", val: "spot", stale: 4, target: "EUR", cur: "CHF", date: "2021-03-01", amount: "1.00",
		wantErr: true},

	// annual: the mean over the entry's calendar year, whatever its precision.
	// sum(r(d,'USD') for d in days('2021','USD')) / 258 = D('305.1470') / 258
	// q(D('5000000.00') * that, 2) = 5913701.55
	{name: "annual, day", val: "annual", stale: 4, target: "USD", cur: "EUR", date: "2021-06-15", amount: "5000000.00",
		factor: "1.1827403100775193798449612403100775193798449612403", want: "5913701.55", first: "2021-01-04", last: "2021-12-31"},
	{name: "annual, month", val: "annual", stale: 4, target: "USD", cur: "EUR", date: "2021-03", amount: "5000000.00",
		factor: "1.1827403100775193798449612403100775193798449612403", want: "5913701.55", first: "2021-01-04", last: "2021-12-31"},
	{name: "annual, year", val: "annual", stale: 4, target: "USD", cur: "EUR", date: "2021", amount: "5000000.00",
		factor: "1.1827403100775193798449612403100775193798449612403", want: "5913701.55", first: "2021-01-04", last: "2021-12-31"},
	// sum(1/r(d,'USD') for d in days('2021','USD')) / 258
	// q(D(670000000) * that, 2) = 566808251.28
	{name: "annual, day, inverse USD->EUR", val: "annual", stale: 4, target: "EUR", cur: "USD", date: "2021-06-15", amount: "670000000",
		factor: "0.84598246459822335305226920119218725442975980794795", want: "566808251.28", first: "2021-01-04", last: "2021-12-31"},
	{name: "annual, year without rates", val: "annual", stale: 4, target: "EUR", cur: "USD", date: "2030-06-15", amount: "1.00",
		wantErr: true},

	// fixed: one day's rate for every entry, whatever its date.
	// q(D(670000000) / D('1.1326'), 2) = 591559244.22 (EUR/USD 2021-12-31)
	{name: "fixed, day of another year", val: "fixed:2021-12-31", stale: 4, target: "EUR", cur: "USD", date: "2016-05-01", amount: "670000000",
		factor: "0.88292424509977043969627405968567896874448172346813", want: "591559244.22", first: "2021-12-31", last: "2021-12-31"},
	// q(D('1234567.89') * D('130.38') / D('0.84028'), 0) = 191558720
	{name: "fixed, year entry, cross GBP->JPY", val: "fixed:2021-12-31", stale: 0, target: "JPY", cur: "GBP", date: "2019", amount: "1234567.89",
		factor: "155.16256485933260341790831627552720521730851620888", want: "191558720", first: "2021-12-31", last: "2021-12-31"},
	// 2022-01-01 is a Saturday and a holiday: back to Friday 2021-12-31.
	{name: "fixed on a holiday, look-back", val: "fixed:2022-01-01", stale: 1, target: "EUR", cur: "USD", date: "2021-03", amount: "670000000",
		factor: "0.88292424509977043969627405968567896874448172346813", want: "591559244.22", first: "2021-12-31", last: "2021-12-31"},
	{name: "fixed, look-back too short", val: "fixed:2022-01-02", stale: 1, target: "EUR", cur: "USD", date: "2021-03", amount: "1.00",
		wantErr: true},

	// Same currency: the amount as it is, no rate needed.
	{name: "same currency", val: "spot", stale: 0, target: "EUR", cur: "EUR", date: "2030", amount: "18000000.00",
		factor: "1", want: "18000000.00"},
}

func TestConverter(t *testing.T) {
	table := demoTable(t)
	for _, c := range convCases {
		t.Run(c.name, func(t *testing.T) {
			val, err := model.ParseValuation(c.val, c.stale)
			if err != nil {
				t.Fatal(err)
			}
			target := money.MustCurrency(c.target)
			conv := report.NewConverter(table, target, val)
			got, err := conv.Convert(vdec(t, c.amount), c.cur, vdate(t, c.date))
			if c.wantErr {
				if !errors.Is(err, money.ErrNoRate) {
					t.Fatalf("Convert = %s, %v; want ErrNoRate", got, err)
				}
				for _, w := range []string{c.cur, c.date, c.val} {
					if !strings.Contains(err.Error(), w) {
						t.Errorf("error %q does not name %q", err, w)
					}
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if s := money.Fixed(got, target); s != c.want {
				t.Errorf("Convert(%s %s dated %s) = %s, want %s", c.amount, c.cur, c.date, s, c.want)
			}
			f, err := conv.Factor(c.cur, vdate(t, c.date))
			if err != nil {
				t.Fatal(err)
			}
			vclose(t, "factor", f, vdec(t, c.factor))
			srcs, first, last := conv.RatesUsed()
			if c.first == "" {
				if len(srcs) != 0 {
					t.Errorf("RatesUsed = %v, want none", srcs)
				}
				return
			}
			if len(srcs) != 1 || srcs[0] != csvio.ECBSource {
				t.Errorf("RatesUsed sources = %q, want the ECB's", srcs)
			}
			if first.Format("2006-01-02") != c.first || last.Format("2006-01-02") != c.last {
				t.Errorf("RatesUsed span = %s..%s, want %s..%s", first.Format("2006-01-02"), last.Format("2006-01-02"), c.first, c.last)
			}
		})
	}
}

// TestConverterCache: a converter reused across entries, in any order,
// gives exactly what a fresh converter gives for each entry alone.
func TestConverterCache(t *testing.T) {
	table := demoTable(t)
	entries := []struct{ cur, date, amount string }{
		{"USD", "2021-01", "1000000.00"},
		{"USD", "2021-01-15", "1000000.00"},
		{"USD", "2021", "670000000"},
		{"USD", "2021-06-15", "1234.56"},
		{"GBP", "2021-01", "1000000.00"},
		{"GBP", "2021-01-15", "7654321.09"},
		{"JPY", "2021", "1000000000"},
		{"JPY", "2021-01-15", "1000000000"},
		{"KRW", "2019", "5000000000"},
		{"KRW", "2019-12", "5000000000"},
		{"USD", "2019-12", "99999999.99"},
		{"EUR", "2021-01", "18000000.00"},
	}
	for _, vs := range []string{"spot", "annual", "fixed:2021-12-31"} {
		for _, target := range []string{"EUR", "USD", "JPY"} {
			val, err := model.ParseValuation(vs, 4)
			if err != nil {
				t.Fatal(err)
			}
			cur := money.MustCurrency(target)
			alone := make([]string, len(entries))
			for i, e := range entries {
				v, err := report.NewConverter(table, cur, val).Convert(vdec(t, e.amount), e.cur, vdate(t, e.date))
				if err != nil {
					t.Fatalf("%s %s: %v", vs, target, err)
				}
				alone[i] = money.Fixed(v, cur)
			}
			shared := report.NewConverter(table, cur, val)
			for pass := 0; pass < 2; pass++ {
				for i := range entries {
					j := i
					if pass == 1 {
						j = len(entries) - 1 - i
					}
					e := entries[j]
					v, err := shared.Convert(vdec(t, e.amount), e.cur, vdate(t, e.date))
					if err != nil {
						t.Fatal(err)
					}
					if s := money.Fixed(v, cur); s != alone[j] {
						t.Errorf("%s in %s: %s %s dated %s: shared converter %s, alone %s", vs, target, e.amount, e.cur, e.date, s, alone[j])
					}
				}
			}
			rev := report.NewConverter(table, cur, val)
			for j := len(entries) - 1; j >= 0; j-- {
				e := entries[j]
				v, _ := rev.Convert(vdec(t, e.amount), e.cur, vdate(t, e.date))
				if s := money.Fixed(v, cur); s != alone[j] {
					t.Errorf("%s in %s: %s %s dated %s: reverse order %s, alone %s", vs, target, e.amount, e.cur, e.date, s, alone[j])
				}
			}
		}
	}
}

// TestAnnualMeanMatchesECB: the annual EUR/USD factor is the mean of the
// ECB's daily rates, which the ECB publishes rounded to 4 places.
func TestAnnualMeanMatchesECB(t *testing.T) {
	table := demoTable(t)
	val, err := model.ParseValuation("annual", 4)
	if err != nil {
		t.Fatal(err)
	}
	conv := report.NewConverter(table, money.MustCurrency("USD"), val)
	cases := []struct {
		year      string
		published string // ECB annual average
		exact     string // sum(r(d,'USD') for d in days(year,'USD')) / n
	}{
		{"2016", "1.1069", "1.1069031128404669260700389105058365758754863813230"}, // 284.4741 / 257
		{"2019", "1.1195", "1.1194745098039215686274509803921568627450980392157"}, // 285.4660 / 255
		{"2021", "1.1827", "1.1827403100775193798449612403100775193798449612403"}, // 305.1470 / 258
		{"2022", "1.0530", "1.0530486381322957198443579766536964980544747081712"}, // 270.6335 / 257
	}
	for _, c := range cases {
		// A day-precision entry: annual valuation still takes its year.
		f, err := conv.Factor("EUR", vdate(t, c.year+"-07-01"))
		if err != nil {
			t.Fatal(err)
		}
		if got := f.RoundBank(4).StringFixed(4); got != c.published {
			t.Errorf("%s mean EUR/USD = %s, rounds to %s; the ECB publishes %s", c.year, f, got, c.published)
		}
		vclose(t, c.year+" mean EUR/USD", f, vdec(t, c.exact))
		// The same figure straight from the table.
		y := vdate(t, c.year)
		m, n, _, err := table.MeanCross("EUR", "USD", y.First(), y.Last())
		if err != nil || !m.Equal(f) || n < 250 {
			t.Errorf("MeanCross(%s) = %s over %d days, %v; want %s", c.year, m, n, err, f)
		}
	}
	// 2021: 258 ECB business days.
	if _, n, _, _ := table.MeanCross("EUR", "USD", time.Date(2021, 1, 1, 0, 0, 0, 0, time.UTC), time.Date(2021, 12, 31, 0, 0, 0, 0, time.UTC)); n != 258 {
		t.Errorf("2021 has %d days with EUR/USD rates, want 258", n)
	}
}
