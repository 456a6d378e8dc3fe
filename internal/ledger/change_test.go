package ledger

import "testing"

func TestChangeString(t *testing.T) {
	for _, c := range []struct {
		ch   Change
		want string
	}{
		{Change{"amount", "1000.00", "2500.00"}, "amount 1000.00 -> 2500.00"},
		{Change{"note", "x", ""}, `note "x" -> ""`},
		{Change{"location", "IRQ", "IRQ;SYR"}, "location IRQ -> IRQ;SYR"},
		{Change{"toward", "n1", ""}, `toward n1 -> ""`},
		{Change{"source", "", "Ministry, 2021"}, `source "" -> "Ministry, 2021"`},
		{Change{"party", "BEL", "a b"}, `party BEL -> "a b"`},
	} {
		if got := c.ch.String(); got != c.want {
			t.Errorf("%+v: %q, want %q", c.ch, got, c.want)
		}
	}
	if got := Changes([]Change{{"amount", "1000.00", "2500.00"}, {"note", "x", ""}}); got != `amount 1000.00 -> 2500.00; note "x" -> ""` {
		t.Errorf("Changes: %q", got)
	}
}
