package ledger_test

import (
	"strings"
	"testing"
	"time"

	"github.com/coalition/pledger/internal/ledger"
	"github.com/coalition/pledger/internal/money"
	"github.com/shopspring/decimal"
)

func rate(day, base, quote, r, source string) money.Rate {
	d, err := time.Parse(time.DateOnly, day)
	if err != nil {
		panic(err)
	}
	return money.Rate{Day: d, Base: base, Quote: quote, Rate: decimal.RequireFromString(r), Source: source}
}

const ecb = "ECB euro foreign exchange reference rates"

// trl are the ECB's real EUR/TRL rates around the float of the Turkish
// lira (eurofxref-hist.csv): 624,367 on 21 February 2001, 1,050,000 the
// next day, a jump of 1.68 that the days after confirm.
var trl = []money.Rate{
	rate("2001-02-20", "EUR", "TRL", "630067", ecb),
	rate("2001-02-21", "EUR", "TRL", "624367", ecb),
	rate("2001-02-22", "EUR", "TRL", "1050000", ecb),
	rate("2001-02-23", "EUR", "TRL", "1052750", ecb),
	rate("2001-02-26", "EUR", "TRL", "963500", ecb),
}

func TestRateJump(t *testing.T) {
	var x ledger.RateIndex
	for i, r := range trl {
		x.Add(r, i+2) // a file's lines
	}
	// real ECB rates (eurofxref-hist.csv), recorded
	x.Add(rate("2021-03-12", "EUR", "USD", "1.1933", ecb), 0)
	x.Add(rate("2021-03-16", "EUR", "USD", "1.1926", ecb), 0)
	x.Add(rate("2021-03-15", "GBP", "USD", "1.39", "manual"), 0)
	x.Add(rate("2021-03-12", "EUR", "JPY", "130.14", ecb), 0)
	// The real jump passes: each of its days agrees with a neighbour.
	for i, r := range trl {
		if p := x.Jump(r, i+2, "TRL"); p != nil {
			t.Errorf("real ECB rate refused: %s", p)
		}
	}
	for _, c := range []struct {
		name string
		r    money.Rate
		want string // "" accepted; else in the message
	}{
		{"within bounds", rate("2021-03-15", "EUR", "USD", "1.75", "manual"), ""},       // 1.75/1.1926 < 1.5
		{"exactly 1.5 times", rate("2021-03-20", "EUR", "USD", "1.7889", "manual"), ""}, // 1.7889 = 1.5 × 1.1926
		{"just over 1.5 times", rate("2021-03-20", "EUR", "USD", "1.78891", "manual"), "1.78891"},
		{"just over 1/1.5", rate("2021-03-20", "EUR", "USD", "0.79507", "manual"), ""}, // 1.1926 / 1.5 = 0.795066...
		{"just under 1/1.5", rate("2021-03-20", "EUR", "USD", "0.79506", "manual"), "0.79506"},
		{"a typo, ten times", rate("2021-03-15", "EUR", "USD", "11.926", "manual"), "1.1933 on 2021-03-12 (recorded, " + ecb + "); 1.1926 on 2021-03-16 (recorded, " + ecb + ")"},
		{"a tiny rate", rate("2021-03-15", "EUR", "USD", "0.0000000000000000000000000000000000001", "manual"), "more than 1.5 times higher or lower"},
		{"the other way round, right", rate("2021-03-15", "USD", "EUR", "0.84", "manual"), ""},
		{"the other way round, wrong", rate("2021-03-15", "JPY", "EUR", "126", "manual"), "EUR/JPY 130.14 on 2021-03-12"},
		{"at the end: one side", rate("2021-03-20", "EUR", "USD", "2.0", "manual"), "1.1926 on 2021-03-16"},
		{"beyond 30 days: nothing to compare", rate("2021-04-20", "EUR", "USD", "2.0", "manual"), ""},
		{"a pair with no rate", rate("2021-03-15", "EUR", "KRW", "1", "manual"), ""},
		{"one day both ways", rate("2021-03-15", "USD", "GBP", "0.72", "ECB"), ""}, // GBP/USD 1.39 that day
		{"one day both ways, wrong", rate("2021-03-15", "USD", "GBP", "1.39", "ECB"), "GBP/USD 1.39 on 2021-03-15 (recorded, manual)"},
	} {
		p := x.Jump(c.r, 7, "rate")
		switch {
		case c.want == "" && p != nil:
			t.Errorf("%s: refused: %s", c.name, p)
		case c.want != "" && p == nil:
			t.Errorf("%s: accepted, want refused", c.name)
		case c.want != "" && (!strings.Contains(p.Msg, c.want) || p.Code != ledger.CodeRateJump || p.Line != 7 || p.Field != "rate"):
			t.Errorf("%s: %+v, want code %s, line 7, field rate, and %q", c.name, p, ledger.CodeRateJump, c.want)
		}
	}
	// A rate does not count against itself, nor against the rate of its
	// source it replaces.
	var y ledger.RateIndex
	y.Add(rate("2021-03-15", "EUR", "USD", "11.926", "manual"), 0) // a recorded typo
	y.Add(rate("2021-03-16", "EUR", "USD", "1.1926", ecb), 0)
	fix := rate("2021-03-15", "EUR", "USD", "1.1926", "manual")
	y.Add(fix, 2)
	if p := y.Jump(fix, 2, "rate"); p != nil {
		t.Errorf("a replacement compared with what it replaces: %s", p)
	}
	// A file's later rows count: a jump at the start of the file agrees
	// with the rows after it.
	var z ledger.RateIndex
	z.Add(rate("2001-02-21", "EUR", "TRL", "624367", ecb), 0)
	z.Add(trl[2], 2)
	z.Add(trl[3], 3)
	if p := z.Jump(trl[2], 2, "TRL"); p != nil {
		t.Errorf("the file's next day not counted: %s", p)
	}
	var w ledger.RateIndex
	w.Add(rate("2001-02-21", "EUR", "TRL", "624367", ecb), 0)
	w.Add(trl[2], 2)
	p := w.Jump(trl[2], 2, "TRL")
	if p == nil || !strings.Contains(p.Msg, "2001-02-22 EUR/TRL 1050000 is more than 1.5 times higher or lower than the nearest EUR/TRL rate within 30 days (624367 on 2001-02-21 (recorded, "+ecb+"))") {
		t.Errorf("a jump with nothing after it: %v", p)
	}
}

func TestOtherSources(t *testing.T) {
	var x ledger.RateIndex
	x.Add(rate("2021-03-15", "EUR", "USD", "1.192", ecb), 0) // real
	x.Add(rate("2021-03-15", "USD", "EUR", "0.84", "Treasury"), 0)
	x.Add(rate("2021-03-16", "EUR", "USD", "1.19", "Treasury"), 0)
	x.Add(rate("2021-03-15", "EUR", "USD", "1.2", "other file row"), 3) // not recorded: no warning
	r := rate("2021-03-15", "EUR", "USD", "1.2300", "manual")
	x.Add(r, 0)
	others := x.OtherSources(r)
	if len(others) != 2 || others[0].Source != ecb || others[1].Source != "Treasury" {
		t.Fatalf("OtherSources = %+v", others)
	}
	w := ledger.OtherSourceWarning(r, 0, others, ecb)
	want := "2021-03-15 EUR/USD 1.2300 from manual is recorded, and the same pair and day also has EUR/USD 1.192 from " + ecb +
		", USD/EUR 0.84 from Treasury; by default reports use the rate from " + ecb
	if w.Msg != want || w.Code != ledger.CodeRateOtherSource || w.Value != ecb {
		t.Errorf("warning %+v\nwant %q", w, want)
	}
	if w := ledger.OtherSourceWarning(r, 0, others, "manual"); !strings.HasSuffix(w.Msg, "by default reports use this rate (manual)") {
		t.Errorf("warning %q", w.Msg)
	}
}

// TestRateJumps: the day after a typo at the end of a file is not refused
// for the typo's sake; two lone rates that disagree are both refused (which
// one is wrong cannot be told).
func TestRateJumps(t *testing.T) {
	var x ledger.RateIndex
	x.Add(rate("2021-03-16", "EUR", "USD", "1.1926", ecb), 0) // real
	in := []ledger.RateLine{
		{Rate: rate("2021-03-17", "EUR", "USD", "1.1942", "Treasury"), Line: 2, Field: "rate"},
		{Rate: rate("2021-03-18", "EUR", "USD", "0.01192", "Treasury"), Line: 3, Field: "rate"},
		{Rate: rate("2021-03-19", "EUR", "USD", "1.1915", "Treasury"), Line: 4, Field: "rate"},
	}
	for _, r := range in {
		x.Add(r.Rate, r.Line)
	}
	if ps := x.Jumps(in); len(ps) != 1 || ps[0].Line != 3 {
		t.Errorf("Jumps = %v, want line 3 only", ps)
	}
	var y ledger.RateIndex
	lone := []ledger.RateLine{
		{Rate: rate("2021-03-17", "EUR", "USD", "1.1942", "Treasury"), Line: 2, Field: "rate"},
		{Rate: rate("2021-03-18", "EUR", "USD", "11.92", "Treasury"), Line: 3, Field: "rate"},
	}
	for _, r := range lone {
		y.Add(r.Rate, r.Line)
	}
	if ps := y.Jumps(lone); len(ps) != 2 {
		t.Errorf("Jumps = %v, want both lines", ps)
	}
}
