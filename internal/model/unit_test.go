package model

import (
	"testing"

	"github.com/shopspring/decimal"
)

// TestAmountIn: display units round for display only, with the unit word
// before the currency, in every language.
func TestAmountIn(t *testing.T) {
	v := decimal.RequireFromString("670049999.99")
	for _, c := range []struct{ lang, unit, want string }{
		{"en", "million", "670.0 million USD"},
		{"nl", "million", "670,0 miljoen USD"},
		{"fr", "billion", "0,67 milliards USD"},
		{"en", "thousand", "670,050 thousand USD"},
		{"en", "", "670,049,999.99 USD"},
	} {
		got := MustLang(c.lang).AmountIn(Cell{Value: v, Qualifier: ""}, "USD", 2, c.unit)
		if got != c.want {
			t.Errorf("%s %s: %q, want %q", c.lang, c.unit, got, c.want)
		}
	}
	q := MustLang("en").AmountIn(Cell{Value: decimal.RequireFromString("18000000"), Qualifier: "at-least"}, "EUR", 2, "million")
	if q != "more than 18.0 million EUR" {
		t.Errorf("qualified: %q", q)
	}
	if _, err := ParseUnit("gazillion"); err == nil {
		t.Error("an unknown unit is accepted")
	}
}
