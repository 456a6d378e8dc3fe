package ledger

import (
	"fmt"
	"slices"
	"testing"
	"time"
)

func TestParseRate(t *testing.T) {
	ok := RateFields{Date: "2021-01-04", Base: "eur", Quote: " USD ", Rate: "1.2296", Source: " ECB "}
	with := func(change func(*RateFields)) RateFields { f := ok; change(&f); return f }
	for _, c := range []struct {
		name string
		f    RateFields
		want []string // "field|code|msg"
	}{
		{"valid", ok, nil},
		{"month 13", with(func(f *RateFields) { f.Date = "2021-13-04" }), []string{`date||date "2021-13-04": use YYYY-MM-DD`}},
		{"a month, not a day", with(func(f *RateFields) { f.Date = "2021-01" }), []string{`date||date "2021-01": use YYYY-MM-DD`}},
		{"day/month/year", with(func(f *RateFields) { f.Date = "04/01/2021" }), []string{`date||date "04/01/2021": use YYYY-MM-DD`}},
		{"unknown base", with(func(f *RateFields) { f.Base = "EURO" }), []string{`base||unknown currency "EURO"`}},
		{"unknown quote", with(func(f *RateFields) { f.Quote = "XYZ" }), []string{`quote||unknown currency "XYZ"`}},
		{"not money", with(func(f *RateFields) { f.Quote = "XAU" }), []string{`quote||unknown currency "XAU"`}},
		{"base is quote", with(func(f *RateFields) { f.Quote = "eur" }), []string{`quote||base and quote are both EUR`}},
		{"zero", with(func(f *RateFields) { f.Rate = "0.0000" }), []string{`rate||rate 0 must be greater than zero`}},
		{"negative", with(func(f *RateFields) { f.Rate = "-0.9" }), []string{`rate||rate -0.9 must be greater than zero`}},
		{"decimal comma", with(func(f *RateFields) { f.Rate = "0,9016" }), []string{`rate||rate "0,9016" is not a number`}},
		{"exponent", with(func(f *RateFields) { f.Rate = "9.016e-1" }), []string{`rate||rate "9.016e-1" is not a number`}},
		{"empty rate", with(func(f *RateFields) { f.Rate = "" }), []string{`rate||rate "" is not a number`}},
		{"no source", with(func(f *RateFields) { f.Source = "  " }), []string{`source|no_source|no source`}},
		{"everything", RateFields{Date: "x", Base: "A", Quote: "B", Rate: "y"}, []string{
			`date||date "x": use YYYY-MM-DD`, `base||unknown currency "A"`, `quote||unknown currency "B"`,
			`rate||rate "y" is not a number`, `source|no_source|no source`}},
	} {
		t.Run(c.name, func(t *testing.T) {
			r, ps := ParseRate(c.f, 5)
			var got []string
			for _, p := range ps {
				if p.Line != 5 {
					t.Errorf("problem without its line: %+v", p)
				}
				got = append(got, fmt.Sprintf("%s|%s|%s", p.Field, p.Code, p.Msg))
			}
			if !slices.Equal(got, c.want) {
				t.Errorf("problems:\n got %q\nwant %q", got, c.want)
			}
			if c.want == nil && (r.Day.Format(time.DateOnly) != "2021-01-04" || r.Base != "EUR" || r.Quote != "USD" ||
				r.Rate.String() != "1.2296" || r.Source != "ECB") {
				t.Errorf("rate %+v", r)
			}
		})
	}
}
