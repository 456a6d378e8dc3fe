package money

import (
	"slices"
	"testing"
)

func TestCurrencies(t *testing.T) {
	list := Currencies()
	units := map[string]int32{}
	for i, c := range list {
		if i > 0 && list[i-1].Code >= c.Code {
			t.Errorf("not sorted or not unique at %s", c.Code)
		}
		if p, err := ParseCurrency(c.Code); err != nil || p != c {
			t.Errorf("%s: ParseCurrency gives %v, %v", c.Code, p, err)
		}
		units[c.Code] = c.Units
	}
	for code, u := range map[string]int32{"EUR": 2, "USD": 2, "JPY": 0, "KWD": 3, "IQD": 0} {
		if got, ok := units[code]; !ok || got != u {
			t.Errorf("%s: listed %v with %d decimals, want %d", code, ok, got, u)
		}
	}
	for _, code := range []string{"XXX", "XAU", "XDR"} {
		if slices.ContainsFunc(list, func(c Currency) bool { return c.Code == code }) {
			t.Errorf("%s is listed", code)
		}
	}
}
