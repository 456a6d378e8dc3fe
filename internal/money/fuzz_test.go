package money_test

import (
	"testing"

	"github.com/coalition/pledger/internal/money"
	"github.com/shopspring/decimal"
)

// FuzzParseAmount: ParseDecimal and ParseAmount never panic; a number
// either reads is written back (String, RateText, Fixed) as text that
// reads again to the same number; an amount is positive, keeps to its
// currency's minor units, and survives the trip to minor units and back.
func FuzzParseAmount(f *testing.F) {
	f.Fuzz(func(t *testing.T, s, code string) {
		d, err := money.ParseDecimal(s)
		if err == nil {
			for _, text := range []string{d.String(), money.RateText(d)} {
				back, err := money.ParseDecimal(text)
				if err != nil || !back.Equal(d) {
					t.Fatalf("ParseDecimal(%q) = %s, written %q, which reads as %s, %v", s, d, text, back, err)
				}
			}
			if money.RateText(d) != d.StringFixed(max(0, -d.Exponent())) {
				t.Fatalf("RateText(%q) = %q drops digits", s, money.RateText(d))
			}
		}
		cur, err := money.ParseCurrency(code)
		if err != nil {
			return
		}
		if again, err := money.ParseCurrency(cur.Code); err != nil || again != cur {
			t.Fatalf("ParseCurrency(%q) = %v, and its code reads as %v, %v", code, cur, again, err)
		}
		a, err := money.ParseAmount(s, cur)
		if err != nil {
			return
		}
		if !a.IsPositive() || !a.Equal(d) {
			t.Fatalf("ParseAmount(%q, %s) = %s, ParseDecimal %s", s, cur, a, d)
		}
		fixed := money.Fixed(a, cur)
		back, err := money.ParseAmount(fixed, cur)
		if err != nil || !back.Equal(a) || money.Fixed(back, cur) != fixed {
			t.Fatalf("ParseAmount(%q, %s) = %s, written %q, which reads as %s, %v", s, cur, a, fixed, back, err)
		}
		minor, err := money.ToMinor(a, cur)
		if err != nil {
			t.Fatalf("ParseAmount(%q, %s) = %s, which has no minor units: %v", s, cur, a, err)
		}
		if m := money.FromMinor(minor, cur); !m.Equal(a) || !decimal.New(minor, -cur.Units).Equal(a) {
			t.Fatalf("%s %s -> %d minor units -> %s", a, cur, minor, m)
		}
	})
}
