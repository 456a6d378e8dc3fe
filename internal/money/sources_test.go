package money_test

import (
	"errors"
	"slices"
	"testing"
	"time"

	"github.com/coalition/pledger/internal/money"
)

const ecbName = "ECB euro foreign exchange reference rates"

func TestOrderSources(t *testing.T) {
	counts := map[string]int{ecbName: 62, "manual": 1, "Treasury": 5, "treasury bis": 5}
	for _, c := range []struct {
		named     []string
		want      []string
		unmatched []string
	}{
		// by count, most first, ties by name (bytewise)
		{nil, []string{ecbName, "Treasury", "treasury bis", "manual"}, nil},
		{[]string{"manual"}, []string{"manual", ecbName, "Treasury", "treasury bis"}, nil},
		// a name begins a source, case ignored; named twice counts once
		{[]string{"ecb", "manual", "ECB"}, []string{ecbName, "manual", "Treasury", "treasury bis"}, nil},
		// exact before case-folded before prefix
		{[]string{"treasury", "TREASURY BIS"}, []string{"Treasury", "treasury bis", ecbName, "manual"}, nil},
		{[]string{"IMF", "manual"}, []string{"manual", ecbName, "Treasury", "treasury bis"}, []string{"IMF"}},
		// "EC" stops inside a word: no match
		{[]string{"EC"}, []string{ecbName, "Treasury", "treasury bis", "manual"}, []string{"EC"}},
	} {
		got, un, err := money.OrderSources(c.named, counts)
		if err != nil || !slices.Equal(got, c.want) || !slices.Equal(un, c.unmatched) {
			t.Errorf("OrderSources(%q) = %q, unmatched %q, %v; want %q, %q", c.named, got, un, err, c.want, c.unmatched)
		}
	}
	var amb *money.AmbiguousSourceError
	if _, _, err := money.OrderSources([]string{"TREASURY"}, map[string]int{"Treasury": 1, "treasury": 1}); !errors.As(err, &amb) || len(amb.Matches) != 2 {
		t.Errorf("a name matching two sources: %v, want an AmbiguousSourceError", err)
	}
	if got := money.SplitSources(" ECB, ,manual ,"); !slices.Equal(got, []string{"ECB", "manual"}) {
		t.Errorf("SplitSources = %q", got)
	}
}

// TestNewTablePreference: for a pair and day quoted by two sources the
// preferred source's rate is used (by default the source with most rates;
// or the one named first), either way round; the other source fills only
// the pairs and days the preferred one does not quote.
func TestNewTablePreference(t *testing.T) {
	d4, d5, d6 := day(t, "2021-01-04"), day(t, "2021-01-05"), day(t, "2021-01-06")
	rates := []money.Rate{
		{Day: d4, Base: "EUR", Quote: "USD", Rate: dec(t, "1.2296"), Source: ecbName},
		{Day: d5, Base: "EUR", Quote: "USD", Rate: dec(t, "1.2271"), Source: ecbName},
		{Day: d4, Base: "EUR", Quote: "GBP", Rate: dec(t, "0.9016"), Source: ecbName},
		// manual: the same day and pair the other way round, and a day the ECB lacks
		{Day: d4, Base: "USD", Quote: "EUR", Rate: dec(t, "0.8"), Source: "manual"},
		{Day: d6, Base: "EUR", Quote: "USD", Rate: dec(t, "1.3"), Source: "manual"},
	}
	check := func(table *money.Table, from, to string, d time.Time, want, source string) {
		t.Helper()
		f, legs, err := table.Cross(from, to, d, 0)
		if err != nil || !f.Equal(dec(t, want)) || len(legs) != 1 || legs[0].Source != source {
			t.Errorf("%s->%s on %s = %s, %+v, %v; want %s from %s", from, to, d.Format(time.DateOnly), f, legs, err, want, source)
		}
	}
	def := money.NewTable(rates)
	if got := def.Sources(); !slices.Equal(got, []string{ecbName, "manual"}) {
		t.Errorf("default order %q", got)
	}
	check(def, "EUR", "USD", d4, "1.2296", ecbName)
	check(def, "EUR", "USD", d6, "1.3", "manual") // only manual quotes that day
	pref := money.NewTable(rates, "manual")
	check(pref, "EUR", "USD", d4, "1.25", "manual") // 1 / 0.8
	check(pref, "USD", "EUR", d4, "0.8", "manual")
	check(pref, "EUR", "USD", d5, "1.2271", ecbName) // manual has nothing on 5 January
	// A cross rate by EUR: two legs, each the preferred source's.
	f, legs, err := pref.Cross("USD", "GBP", d4, 0)
	if err != nil || !f.Equal(dec(t, "0.72128")) || len(legs) != 2 || legs[0].Source != "manual" || legs[1].Source != ecbName {
		t.Errorf("USD->GBP with manual preferred = %s, %+v, %v; want 0.9016 × 0.8 = 0.72128, legs manual and ECB", f, legs, err)
	}
	// Unknown names, and names that match several sources, are skipped.
	if got := money.NewTable(rates, "IMF").Sources(); !slices.Equal(got, []string{ecbName, "manual"}) {
		t.Errorf("order with an unknown name %q", got)
	}
	two := append(slices.Clone(rates), money.Rate{Day: d5, Base: "EUR", Quote: "GBP", Rate: dec(t, "0.86"), Source: "Manual"})
	if got := money.NewTable(two, "MANUAL", "manual").Sources(); !slices.Equal(got, []string{"manual", ecbName, "Manual"}) {
		t.Errorf("order with an ambiguous name %q", got)
	}
	// A mean names every source a day used.
	_, _, legs, err = def.MeanCross("EUR", "USD", d4, d6)
	var srcs []string
	for _, l := range legs {
		if !slices.Contains(srcs, l.Source) {
			srcs = append(srcs, l.Source)
		}
	}
	if err != nil || !slices.Equal(srcs, []string{ecbName, "manual"}) {
		t.Errorf("MeanCross legs %+v, %v: want both sources", legs, err)
	}
}

// TestNewTableSameSourceLastWins: of one source's two rates for a pair and
// day (given both ways round), the one given last is used.
func TestNewTableSameSourceLastWins(t *testing.T) {
	d := day(t, "2021-01-04")
	table := money.NewTable([]money.Rate{
		{Day: d, Base: "EUR", Quote: "USD", Rate: dec(t, "1.2296"), Source: "a"},
		{Day: d, Base: "USD", Quote: "EUR", Rate: dec(t, "0.8"), Source: "a"},
	})
	f, legs, err := table.Cross("EUR", "USD", d, 0)
	if err != nil || !f.Equal(dec(t, "1.25")) || len(legs) != 1 || legs[0].Base != "USD" {
		t.Errorf("Cross = %s, %+v, %v; want 1.25 (1 / 0.8, quoted USD/EUR)", f, legs, err)
	}
}

func TestRateText(t *testing.T) {
	for in, want := range map[string]string{"1.2300": "1.2300", "1.23": "1.23", "126": "126", "0.89903": "0.89903", "1336.0": "1336.0", "07.50": "7.50"} {
		if got := money.RateText(dec(t, in)); got != want {
			t.Errorf("RateText(%s) = %s, want %s", in, got, want)
		}
	}
	if !dec(t, "1.2300").Equal(dec(t, "1.23")) {
		t.Error("1.2300 != 1.23")
	}
}
