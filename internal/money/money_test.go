package money_test

import (
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/coalition/pledger/internal/money"
	"github.com/shopspring/decimal"
)

// Expected figures in this file were computed independently with Python's
// decimal module:
//
//	from decimal import Decimal as D, getcontext, ROUND_HALF_EVEN
//	getcontext().prec = 50; getcontext().rounding = ROUND_HALF_EVEN
//	q = lambda x, n: x.quantize(D(1).scaleb(-n), rounding=ROUND_HALF_EVEN)
//
// and are written next to each case as the expression that gave them.

func dec(t testing.TB, s string) decimal.Decimal {
	t.Helper()
	d, err := decimal.NewFromString(s)
	if err != nil {
		t.Fatalf("decimal %q: %v", s, err)
	}
	return d
}

func day(t testing.TB, s string) time.Time {
	t.Helper()
	d, err := time.Parse(time.DateOnly, s)
	if err != nil {
		t.Fatal(err)
	}
	return d
}

// ecbRates are real ECB euro reference rates (units per 1 EUR), copied digit
// for digit from /work/shared/data/ecb/eurofxref-hist.csv (European Central
// Bank, euro foreign exchange reference rates). 2021-01-01 is a TARGET
// holiday (no row), 2021-01-02/03 and 2021-01-09/10 are weekends.
var ecbRates = []struct {
	day                string
	usd, gbp, jpy, krw string
}{
	{"2020-12-30", "1.2281", "0.90307", "126.57", "1335.83"},
	{"2020-12-31", "1.2271", "0.89903", "126.49", "1336"},
	{"2021-01-04", "1.2296", "0.9016", "126.62", "1332.03"},
	{"2021-01-08", "1.225", "0.90128", "127.26", "1337.9"},
	{"2021-01-11", "1.2163", "0.90235", "126.76", "1335.76"},
}

// madeUpKWD is a MADE-UP EUR/KWD rate (not an ECB figure: the ECB does not
// publish KWD), used only to exercise a 3-decimal target currency. It is
// recorded on 2020-12-31, 2021-01-04 and 2021-01-08 only (not 2021-01-11).
const madeUpKWD = "0.37"

func testTable(t testing.TB) *money.Table {
	t.Helper()
	var rates []money.Rate
	src := "ECB euro foreign exchange reference rates"
	for _, r := range ecbRates {
		for _, q := range []struct{ cur, rate string }{{"USD", r.usd}, {"GBP", r.gbp}, {"JPY", r.jpy}, {"KRW", r.krw}} {
			rates = append(rates, money.Rate{Day: day(t, r.day), Base: "EUR", Quote: q.cur, Rate: dec(t, q.rate), Source: src})
		}
	}
	for _, d := range []string{"2020-12-31", "2021-01-04", "2021-01-08"} {
		rates = append(rates, money.Rate{Day: day(t, d), Base: "EUR", Quote: "KWD", Rate: dec(t, madeUpKWD), Source: "made up for tests"})
	}
	return money.NewTable(rates)
}

// TestConvertWithTable converts through Table.Cross and money.Convert:
// identity, direct, inverse and cross rates, 0- and 3-decimal targets,
// half-to-even ties on real rates, and the look-back over holidays and
// weekends.
func TestConvertWithTable(t *testing.T) {
	table := testTable(t)
	type leg struct{ day, base, quote string }
	cases := []struct {
		name     string
		from, to string
		day      string
		stale    int
		amount   string
		factor   string // exact factor (python, prec 50); "" when it is exactly 1
		want     string
		legs     []leg
	}{
		{name: "same currency is the identity", from: "USD", to: "USD", day: "2021-01-04", amount: "1234.56",
			want: "1234.56"},
		{name: "same currency even without any rate", from: "CHF", to: "CHF", day: "1999-01-01", amount: "0.05",
			want: "0.05"},
		// 1000000.00 * D('1.2296') = 1229600.000000
		{name: "direct EUR->USD", from: "EUR", to: "USD", day: "2021-01-04", amount: "1000000.00",
			factor: "1.2296", want: "1229600.00", legs: []leg{{"2021-01-04", "EUR", "USD"}}},
		// q(D('1000000.00') / D('1.2296'), 2) = 813272.61 (…60897852960…)
		{name: "inverse USD->EUR", from: "USD", to: "EUR", day: "2021-01-04", amount: "1000000.00",
			factor: "0.81327260897852960312296681847755367599219258295381", want: "813272.61",
			legs: []leg{{"2021-01-04", "EUR", "USD"}}},
		// q(D('1000000.00') * D('0.9016') / D('1.2296'), 2) = 733246.58 (…58425504…)
		{name: "cross USD->GBP = rate(GBP)/rate(USD)", from: "USD", to: "GBP", day: "2021-01-04", amount: "1000000.00",
			factor: "0.73324658425504229017566688353936239427456083279115", want: "733246.58",
			legs: []leg{{"2021-01-04", "EUR", "USD"}, {"2021-01-04", "EUR", "GBP"}}},
		// q(D('12345.67') * D('126.62') / D('0.9016'), 0) = 1733816 (1733816.2548…)
		{name: "cross GBP->JPY, 0 decimals", from: "GBP", to: "JPY", day: "2021-01-04", amount: "12345.67",
			factor: "140.43921916592724046140195208518189884649511978705", want: "1733816",
			legs: []leg{{"2021-01-04", "EUR", "GBP"}, {"2021-01-04", "EUR", "JPY"}}},
		// q(D('987654.32') * D('1332.03'), 0) = 1315585184 (1315585183.8696)
		{name: "direct EUR->KRW, 0 decimals", from: "EUR", to: "KRW", day: "2021-01-04", amount: "987654.32",
			factor: "1332.03", want: "1315585184", legs: []leg{{"2021-01-04", "EUR", "KRW"}}},
		// q(D('1000000.00') * D('1332.03') / D('1.2296'), 0) = 1083303513 (…513.3377)
		{name: "cross USD->KRW, 0 decimals", from: "USD", to: "KRW", day: "2021-01-04", amount: "1000000.00",
			factor: "1083.3035133376707872478854912166558230318802862720", want: "1083303513",
			legs: []leg{{"2021-01-04", "EUR", "USD"}, {"2021-01-04", "EUR", "KRW"}}},
		// q(D('1000.00') * D('0.37') / D('1.2296'), 3) = 300.911 (300.91086…)
		{name: "cross USD->KWD (made-up EUR/KWD), 3 decimals", from: "USD", to: "KWD", day: "2021-01-04", amount: "1000.00",
			factor: "0.30091086532205595315549772283669486011711125569291", want: "300.911",
			legs: []leg{{"2021-01-04", "EUR", "USD"}, {"2021-01-04", "EUR", "KWD"}}},
		// q(D('1234.567') * D('126.62') / D('0.37'), 0) = 422489 (422488.847…)
		{name: "cross KWD->JPY from a 3-decimal amount", from: "KWD", to: "JPY", day: "2021-01-04", amount: "1234.567",
			factor: "342.21621621621621621621621621621621621621621621622", want: "422489",
			legs: []leg{{"2021-01-04", "EUR", "KWD"}, {"2021-01-04", "EUR", "JPY"}}},

		// Half-to-even ties on real rates: the product is exactly x.xx5 (or x.5).
		// D('6.25') * D('0.9016') = 5.635000 -> 5.64 (3 is odd: up)
		{name: "tie 5.635 -> 5.64", from: "EUR", to: "GBP", day: "2021-01-04", amount: "6.25", factor: "0.9016", want: "5.64",
			legs: []leg{{"2021-01-04", "EUR", "GBP"}}},
		// D('18.75') * D('0.9016') = 16.905000 -> 16.90 (0 is even: down)
		{name: "tie 16.905 -> 16.90", from: "EUR", to: "GBP", day: "2021-01-04", amount: "18.75", factor: "0.9016", want: "16.90",
			legs: []leg{{"2021-01-04", "EUR", "GBP"}}},
		// D('6.25') * D('1.2296') = 7.685000 -> 7.68
		{name: "tie 7.685 -> 7.68", from: "EUR", to: "USD", day: "2021-01-04", amount: "6.25", factor: "1.2296", want: "7.68",
			legs: []leg{{"2021-01-04", "EUR", "USD"}}},
		// D('18.75') * D('1.2296') = 23.055000 -> 23.06
		{name: "tie 23.055 -> 23.06", from: "EUR", to: "USD", day: "2021-01-04", amount: "18.75", factor: "1.2296", want: "23.06",
			legs: []leg{{"2021-01-04", "EUR", "USD"}}},
		// D('25.00') * D('126.62') = 3165.5000 -> 3166
		{name: "JPY tie 3165.5 -> 3166", from: "EUR", to: "JPY", day: "2021-01-04", amount: "25.00", factor: "126.62", want: "3166",
			legs: []leg{{"2021-01-04", "EUR", "JPY"}}},
		// D('75.00') * D('126.62') = 9496.5000 -> 9496
		{name: "JPY tie 9496.5 -> 9496", from: "EUR", to: "JPY", day: "2021-01-04", amount: "75.00", factor: "126.62", want: "9496",
			legs: []leg{{"2021-01-04", "EUR", "JPY"}}},

		// Look-back over days without rates.
		// 2021-01-01 (TARGET holiday) -> 2020-12-31:
		// q(D('1000000.00') * D('0.89903') / D('1.2271'), 2) = 732646.08
		{name: "holiday 2021-01-01 falls back to 2020-12-31", from: "USD", to: "GBP", day: "2021-01-01", stale: 1,
			amount: "1000000.00", factor: "0.73264607611441610300708988672479830494662211718686", want: "732646.08",
			legs: []leg{{"2020-12-31", "EUR", "USD"}, {"2020-12-31", "EUR", "GBP"}}},
		// Saturday 2021-01-09 -> Friday 2021-01-08:
		// q(D('1000000.00') * D('0.90128') / D('1.225'), 2) = 735738.78
		{name: "Saturday falls back to Friday", from: "USD", to: "GBP", day: "2021-01-09", stale: 1,
			amount: "1000000.00", factor: "0.73573877551020408163265306122448979591836734693878", want: "735738.78",
			legs: []leg{{"2021-01-08", "EUR", "USD"}, {"2021-01-08", "EUR", "GBP"}}},
		// Sunday 2021-01-10 -> Friday 2021-01-08:
		// q(D('1000000.00') * D('127.26') / D('1.225'), 0) = 103885714
		{name: "Sunday falls back to Friday", from: "USD", to: "JPY", day: "2021-01-10", stale: 2,
			amount: "1000000.00", factor: "103.88571428571428571428571428571428571428571428571", want: "103885714",
			legs: []leg{{"2021-01-08", "EUR", "USD"}, {"2021-01-08", "EUR", "JPY"}}},
		// Sunday 2021-01-03 after the New Year holiday -> Thursday 2020-12-31 (3 days):
		// D('1000000.00') * D('1336') = 1336000000
		{name: "Sunday after a holiday needs 3 days", from: "EUR", to: "KRW", day: "2021-01-03", stale: 3,
			amount: "1000000.00", factor: "1336", want: "1336000000",
			legs: []leg{{"2020-12-31", "EUR", "KRW"}}},
		// Legs of different days: USD on 2021-01-11, KWD (made up) from 2021-01-08.
		// q(D('1000.00') * D('0.37') / D('1.2163'), 3) = 304.201
		{name: "cross whose legs come from different days", from: "USD", to: "KWD", day: "2021-01-11", stale: 3,
			amount: "1000.00", factor: "0.30420126613499958891720792567623119296226259968758", want: "304.201",
			legs: []leg{{"2021-01-11", "EUR", "USD"}, {"2021-01-08", "EUR", "KWD"}}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			target := money.MustCurrency(c.to)
			f, legs, err := table.Cross(c.from, c.to, day(t, c.day), c.stale)
			if err != nil {
				t.Fatalf("Cross(%s, %s, %s, %d): %v", c.from, c.to, c.day, c.stale, err)
			}
			exact := decimal.NewFromInt(1)
			if c.factor != "" {
				exact = dec(t, c.factor)
			}
			assertClose(t, "factor", f, exact)
			got := money.Convert(dec(t, c.amount), f, target)
			if money.Fixed(got, target) != c.want {
				t.Errorf("Convert(%s %s -> %s) = %s, want %s", c.amount, c.from, c.to, money.Fixed(got, target), c.want)
			}
			if len(legs) != len(c.legs) {
				t.Fatalf("legs = %+v, want %+v", legs, c.legs)
			}
			for i, l := range legs {
				w := c.legs[i]
				if l.Day.Format(time.DateOnly) != w.day || l.Base != w.base || l.Quote != w.quote || l.Source == "" {
					t.Errorf("leg %d = %s %s/%s (%q), want %s %s/%s", i, l.Day.Format(time.DateOnly), l.Base, l.Quote, l.Source, w.day, w.base, w.quote)
				}
			}
		})
	}
}

// assertClose checks that got agrees with exact (a 50-digit value) to at
// least 28 significant digits: |got - exact| <= 5e-29 * |exact|.
func assertClose(t testing.TB, what string, got, exact decimal.Decimal) {
	t.Helper()
	if exact.IsZero() {
		if !got.IsZero() {
			t.Errorf("%s = %s, want 0", what, got)
		}
		return
	}
	tol := exact.Abs().Mul(decimal.New(5, -29))
	if got.Sub(exact).Abs().GreaterThan(tol) {
		t.Errorf("%s = %s, want %s to 28 significant digits", what, got, exact)
	}
}

func TestCrossMissingRate(t *testing.T) {
	table := testTable(t)
	cases := []struct {
		name     string
		from, to string
		day      string
		stale    int
		pair     string
	}{
		// 2021-01-03 is 3 days after the last rate (2020-12-31).
		{"staleness exceeded over a weekend", "USD", "GBP", "2021-01-03", 2, "USD/GBP"},
		{"staleness exceeded, direct pair", "EUR", "USD", "2021-01-03", 2, "EUR/USD"},
		{"staleness exceeded, inverse pair", "JPY", "EUR", "2021-01-02", 1, "JPY/EUR"},
		{"no look-back on a holiday", "EUR", "KRW", "2021-01-01", 0, "EUR/KRW"},
		{"before the first rate", "USD", "GBP", "2020-01-15", 30, "USD/GBP"},
		{"one leg too old (KWD last on 2021-01-08)", "USD", "KWD", "2021-01-11", 2, "USD/KWD"},
		{"currency never quoted", "USD", "CHF", "2021-01-04", 5, "USD/CHF"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			f, legs, err := table.Cross(c.from, c.to, day(t, c.day), c.stale)
			if !errors.Is(err, money.ErrNoRate) {
				t.Fatalf("Cross(%s, %s, %s, %d) = %s, %v, %v; want ErrNoRate", c.from, c.to, c.day, c.stale, f, legs, err)
			}
			msg := err.Error()
			for _, want := range []string{c.pair, c.day} {
				if !strings.Contains(msg, want) {
					t.Errorf("error %q does not mention %q", msg, want)
				}
			}
			var mr *money.MissingRateError
			if !errors.As(err, &mr) || mr.From != c.from || mr.To != c.to || mr.Stale != c.stale || mr.IsPeriod() {
				t.Errorf("error %#v: want a *MissingRateError for %s->%s, %d days", err, c.from, c.to, c.stale)
			}
			if strings.Contains(msg, "pledger") || strings.Contains(msg, "`") {
				t.Errorf("error %q names a command: that is the door's to say", msg)
			}
		})
	}
}

// TestRoundHalfEven checks the rounding of Convert on products that are
// exact ties, and on products just past a tie.
func TestRoundHalfEven(t *testing.T) {
	cases := []struct {
		amount, factor, cur, want string
	}{
		{"0.25", "0.5", "USD", "0.12"},             // 0.125 -> 0.12
		{"0.27", "0.5", "USD", "0.14"},             // 0.135 -> 0.14
		{"0.29", "0.5", "GBP", "0.14"},             // 0.145 -> 0.14
		{"0.31", "0.5", "GBP", "0.16"},             // 0.155 -> 0.16
		{"1.00", "0.125", "EUR", "0.12"},           // 0.125 -> 0.12
		{"1.00", "0.1251", "EUR", "0.13"},          // not a tie: up
		{"1.00", "0.1249999999", "EUR", "0.12"},    // not a tie: down
		{"5", "0.5", "JPY", "2"},                   // 2.5 -> 2
		{"7", "0.5", "JPY", "4"},                   // 3.5 -> 4
		{"9", "0.5", "JPY", "4"},                   // 4.5 -> 4
		{"1", "0.5", "KRW", "0"},                   // 0.5 -> 0
		{"3", "0.5", "KRW", "2"},                   // 1.5 -> 2
		{"1", "2.5000000001", "JPY", "3"},          // not a tie: up
		{"1.000", "0.0125", "KWD", "0.012"},        // 0.0125 -> 0.012
		{"1.000", "0.0135", "KWD", "0.014"},        // 0.0135 -> 0.014
		{"100.00", "1.00005", "USD", "100.00"},     // 100.005 -> 100.00
		{"100.00", "1.00015", "USD", "100.02"},     // 100.015 -> 100.02
		{"18000000.00", "1", "EUR", "18000000.00"}, // exact
	}
	for _, c := range cases {
		cur := money.MustCurrency(c.cur)
		got := money.Fixed(money.Convert(dec(t, c.amount), dec(t, c.factor), cur), cur)
		if got != c.want {
			t.Errorf("Convert(%s x %s) in %s = %s, want %s", c.amount, c.factor, c.cur, got, c.want)
		}
		if r := money.Fixed(money.Round(dec(t, c.amount).Mul(dec(t, c.factor)), cur), cur); r != c.want {
			t.Errorf("Round(%s x %s) in %s = %s, want %s", c.amount, c.factor, c.cur, r, c.want)
		}
	}
}

func TestParseCurrency(t *testing.T) {
	ok := []struct {
		in    string
		code  string
		units int32
	}{
		{"USD", "USD", 2},
		{"EUR", "EUR", 2},
		{"GBP", "GBP", 2},
		{"JPY", "JPY", 0},
		{"KRW", "KRW", 0},
		{"KWD", "KWD", 3},
		{"BHD", "BHD", 3},
		{"usd", "USD", 2},
		{" jpy ", "JPY", 0},
	}
	for _, c := range ok {
		cur, err := money.ParseCurrency(c.in)
		if err != nil {
			t.Errorf("ParseCurrency(%q): %v", c.in, err)
			continue
		}
		if cur.Code != c.code || cur.Units != c.units {
			t.Errorf("ParseCurrency(%q) = %s with %d units, want %s with %d", c.in, cur.Code, cur.Units, c.code, c.units)
		}
	}
	for _, in := range []string{"", "US", "USDD", "EURO", "ABC", "QQQ", "123", "U$D", "XXX", "XTS", "XAU", "XDR", "€"} {
		cur, err := money.ParseCurrency(in)
		if !errors.Is(err, money.ErrCurrency) {
			t.Errorf("ParseCurrency(%q) = %+v, %v; want ErrCurrency", in, cur, err)
		}
	}
}

func TestParseAmount(t *testing.T) {
	good := []struct{ in, cur, want string }{
		{"18000000.00", "EUR", "18000000"},
		{"18000000", "EUR", "18000000"},
		{"0.01", "USD", "0.01"},
		{"1.5", "USD", "1.5"},
		{"1000", "JPY", "1000"},
		{"5000000000", "KRW", "5000000000"},
		{"1.234", "KWD", "1.234"},
		{"0.001", "KWD", "0.001"},
		{"92233720368547758.07", "USD", "92233720368547758.07"}, // the largest int64 count of cents
	}
	for _, c := range good {
		d, err := money.ParseAmount(c.in, money.MustCurrency(c.cur))
		if err != nil {
			t.Errorf("ParseAmount(%q, %s): %v", c.in, c.cur, err)
			continue
		}
		if !d.Equal(dec(t, c.want)) {
			t.Errorf("ParseAmount(%q, %s) = %s, want %s", c.in, c.cur, d, c.want)
		}
	}
	bad := []struct{ in, cur, why string }{
		{"1.5", "JPY", "JPY has no minor unit"},
		{"100.1", "KRW", "KRW has no minor unit"},
		{"1.234", "USD", "more than 2 decimals"},
		{"1.2345", "KWD", "more than 3 decimals"},
		{"0", "USD", "zero"},
		{"0.00", "EUR", "zero"},
		{"-5", "USD", "negative"},
		{"-0.01", "USD", "negative"},
		{"1e6", "USD", "exponent"},
		{"1E6", "USD", "exponent"},
		{"1.5e3", "USD", "exponent"},
		{"1,000", "USD", "thousands separator"},
		{"1,000.00", "USD", "thousands separator"},
		{"1.000.000", "EUR", "dot as thousands separator"},
		{"1 000", "EUR", "space as thousands separator"},
		{"1'000", "CHF", "apostrophe as thousands separator"},
		{"18000000,00", "EUR", "decimal comma"},
		{" 5", "USD", "leading space"},
		{"", "USD", "empty"},
		{".", "USD", "no digits"},
		{"-", "USD", "no digits"},
		{"5 USD", "USD", "currency in the amount"},
		{"$5", "USD", "symbol"},
		{"0x10", "USD", "hex"},
		{"NaN", "USD", "not a number"},
		{"92233720368547758.08", "USD", "does not fit int64 cents"},
	}
	for _, c := range bad {
		d, err := money.ParseAmount(c.in, money.MustCurrency(c.cur))
		if !errors.Is(err, money.ErrAmount) {
			t.Errorf("ParseAmount(%q, %s) (%s) = %s, %v; want ErrAmount", c.in, c.cur, c.why, d, err)
		}
	}
}

// TestQuo checks that Quo keeps at least 28 significant digits, against
// 50-digit quotients from python: str(D(a) / D(b)).
func TestQuo(t *testing.T) {
	cases := []struct{ a, b, exact string }{
		{"1", "3", "0.33333333333333333333333333333333333333333333333333"},
		{"2", "3", "0.66666666666666666666666666666666666666666666666667"},
		{"1", "7", "0.14285714285714285714285714285714285714285714285714"},
		{"22", "7", "3.1428571428571428571428571428571428571428571428571"},
		// 163.36: EUR/JPY on 2025-05-09 (ECB)
		{"1", "163.36", "0.0061214495592556317335945151811949069539666993143976"},
		// 1575.72: EUR/KRW on 2025-05-09 (ECB)
		{"1", "1575.72", "0.00063463051811235498692661132688548726931180666615896"},
		{"0.9016", "1.2296", "0.73324658425504229017566688353936239427456083279115"},
		{"1332.03", "0.37", "3600.0810810810810810810810810810810810810810810811"},
		{"126.62", "0.9016", "140.43921916592724046140195208518189884649511978705"},
		{"0.000001", "3", "3.3333333333333333333333333333333333333333333333333E-7"},
		{"1000000000000", "3", "333333333333.33333333333333333333333333333333333333"},
		{"1", "0.0000007", "1428571.4285714285714285714285714285714285714285714"},
		{"9.99", "1.0", "9.99"},
		{"305.1470", "258", "1.1827403100775193798449612403100775193798449612403"},
	}
	for _, c := range cases {
		got := money.Quo(dec(t, c.a), dec(t, c.b))
		assertClose(t, "Quo("+c.a+", "+c.b+")", got, dec(t, c.exact))
		// and it really holds that many digits (not a short value that
		// happens to be close, e.g. an exact quotient).
		if sig := len(strings.TrimPrefix(got.Coefficient().String(), "-")); sig < 28 && !got.Mul(dec(t, c.b)).Equal(dec(t, c.a)) {
			t.Errorf("Quo(%s, %s) = %s: %d significant digits, want >= 28", c.a, c.b, got, sig)
		}
	}
}

func TestMean(t *testing.T) {
	cases := []struct {
		in    []string
		exact string
	}{
		{nil, "0"},
		{[]string{"1.2296"}, "1.2296"},
		{[]string{"1.1", "1.2", "1.3"}, "1.2"},
		{[]string{"1", "2"}, "1.5"},
		// sum(D(x) for x in ('1', '1', '2')) / 3
		{[]string{"1", "1", "2"}, "1.3333333333333333333333333333333333333333333333333"},
		// EUR/USD 2021-01-04, -05, -06 (ECB): (1.2296 + 1.2271 + 1.2338) / 3
		{[]string{"1.2296", "1.2271", "1.2338"}, "1.2301666666666666666666666666666666666666666666667"},
	}
	for _, c := range cases {
		var rs []decimal.Decimal
		for _, s := range c.in {
			rs = append(rs, dec(t, s))
		}
		assertClose(t, "Mean("+strings.Join(c.in, ",")+")", money.Mean(rs), dec(t, c.exact))
	}
}

func TestMinorUnits(t *testing.T) {
	cases := []struct {
		amount, cur string
		minor       int64
	}{
		{"18000000.00", "EUR", 1800000000},
		{"1000", "JPY", 1000},
		{"1.234", "KWD", 1234},
		{"0.01", "USD", 1},
	}
	for _, c := range cases {
		cur := money.MustCurrency(c.cur)
		m, err := money.ToMinor(dec(t, c.amount), cur)
		if err != nil || m != c.minor {
			t.Errorf("ToMinor(%s %s) = %d, %v; want %d", c.amount, c.cur, m, err, c.minor)
		}
		if back := money.FromMinor(m, cur); !back.Equal(dec(t, c.amount)) {
			t.Errorf("FromMinor(%d, %s) = %s, want %s", m, c.cur, back, c.amount)
		}
	}
	if _, err := money.ToMinor(dec(t, "1.5"), money.MustCurrency("JPY")); !errors.Is(err, money.ErrAmount) {
		t.Errorf("ToMinor(1.5 JPY): %v, want ErrAmount", err)
	}
}

// TestMeanCross averages daily cross rates over a span, skipping days
// without rates (the holiday and the weekend).
func TestMeanCross(t *testing.T) {
	table := testTable(t)
	// USD->GBP over 2020-12-30 .. 2021-01-11 (5 days with rates):
	// sum(D(g)/D(u) for u, g in [('1.2281','0.90307'), ('1.2271','0.89903'),
	//   ('1.2296','0.9016'), ('1.225','0.90128'), ('1.2163','0.90235')]) / 5
	got, n, legs, err := table.MeanCross("USD", "GBP", day(t, "2020-12-30"), day(t, "2021-01-11"))
	if err != nil {
		t.Fatal(err)
	}
	if n != 5 {
		t.Errorf("days averaged = %d, want 5", n)
	}
	assertClose(t, "MeanCross", got, dec(t, "0.73577033849997892096188980276956445407877530380644"))
	if len(legs) != 4 || legs[0].Day.Format(time.DateOnly) != "2020-12-30" || legs[3].Day.Format(time.DateOnly) != "2021-01-11" {
		t.Errorf("legs = %+v, want the first day's two and the last day's two", legs)
	}
	// A span without any rate.
	if _, _, _, err := table.MeanCross("USD", "GBP", day(t, "2021-01-01"), day(t, "2021-01-03")); !errors.Is(err, money.ErrNoRate) {
		t.Errorf("MeanCross over the New Year weekend: %v, want ErrNoRate", err)
	}
	// Same currency: 1.
	if f, _, _, err := table.MeanCross("JPY", "JPY", day(t, "2021-01-01"), day(t, "2021-01-03")); err != nil || !f.Equal(decimal.NewFromInt(1)) {
		t.Errorf("MeanCross(JPY, JPY) = %s, %v; want 1", f, err)
	}
}

// TestMissingRateError pins the neutral messages and the pair a person
// would add.
func TestMissingRateError(t *testing.T) {
	d := func(s string) time.Time { return day(t, s) }
	for _, c := range []struct {
		err         *money.MissingRateError
		msg         string
		base, quote string
	}{
		{&money.MissingRateError{From: "USD", To: "GBP", Day: d("2021-01-03"), Stale: 2},
			"missing exchange rate: no USD/GBP rate on 2021-01-03 or in the 2 days before", "USD", "GBP"},
		{&money.MissingRateError{From: "USD", To: "EUR", Day: d("2021-01-03")},
			"missing exchange rate: no USD/EUR rate on 2021-01-03 or in the 0 days before", "EUR", "USD"},
		{&money.MissingRateError{From: "EUR", To: "JPY", Day: d("2021-01-03"), Stale: 4},
			"missing exchange rate: no EUR/JPY rate on 2021-01-03 or in the 4 days before", "EUR", "JPY"},
		{&money.MissingRateError{From: "USD", To: "GBP", First: d("2021-01-01"), Last: d("2021-01-03")},
			"missing exchange rate: no USD/GBP rate on any day from 2021-01-01 to 2021-01-03", "USD", "GBP"},
	} {
		if got := c.err.Error(); got != c.msg {
			t.Errorf("Error() = %q, want %q", got, c.msg)
		}
		if b, q := c.err.Quoted(); b != c.base || q != c.quote {
			t.Errorf("%s: Quoted() = %s/%s, want %s/%s", c.msg, b, q, c.base, c.quote)
		}
		if !errors.Is(fmt.Errorf("wrapped: %w", c.err), money.ErrNoRate) {
			t.Errorf("%s: does not match ErrNoRate", c.msg)
		}
	}
}
