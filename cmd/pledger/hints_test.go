package main

import (
	"fmt"
	"testing"
	"time"

	"github.com/coalition/pledger/internal/ledger"
	"github.com/coalition/pledger/internal/money"
)

// TestPhrase: the neutral messages of ledger and money, with the command
// line's hints, read as they did when the hints were in the messages.
func TestPhrase(t *testing.T) {
	day := time.Date(2021, 4, 15, 0, 0, 0, 0, time.UTC)
	for _, c := range []struct {
		name string
		err  error
		want string
	}{
		{"missing rate on a day",
			fmt.Errorf("valuing a USD amount dated 2021-04-15 (spot): %w", &money.MissingRateError{From: "USD", To: "JPY", Day: day, Stale: 4}),
			"valuing a USD amount dated 2021-04-15 (spot): missing exchange rate: no USD/JPY rate on 2021-04-15 or in the 4 days before: " +
				"add one with `pledger rates set 2021-04-15 USD JPY RATE`, or import the ECB file with `pledger rates import eurofxref-hist.csv`"},
		{"missing rate against EUR",
			&money.MissingRateError{From: "GBP", To: "EUR", Day: day},
			"missing exchange rate: no GBP/EUR rate on 2021-04-15 or in the 0 days before: " +
				"add one with `pledger rates set 2021-04-15 EUR GBP RATE`, or import the ECB file with `pledger rates import eurofxref-hist.csv`"},
		{"missing rate over a period",
			&money.MissingRateError{From: "USD", To: "GBP", First: day, Last: day.AddDate(0, 0, 2)},
			"missing exchange rate: no USD/GBP rate on any day from 2021-04-15 to 2021-04-17: import the rates for that period (`pledger rates import FILE`)"},
		{"unknown party",
			fmt.Errorf("import: %w", &ledger.Problems{File: "e.csv", List: []ledger.Problem{
				{Line: 2, Field: "party", Code: ledger.CodeUnknownParty, Value: "ACME", Msg: `unknown party "acme"`},
				{Line: 3, Field: "date", Msg: "required"}}}),
			"import: e.csv:2: party: unknown party \"acme\": add it first with `pledger party add ACME --name \"...\"`\ne.csv:3: date: required"},
		{"no code, no hint", ledger.ErrNotFound, "not found"},
	} {
		if got := phrase(c.err); got != c.want {
			t.Errorf("%s:\n got %s\nwant %s", c.name, got, c.want)
		}
	}
}

// TestMissingRateExitCode: a missing rate is neither invalid input nor
// not-found: exit 1, as before it had a type.
func TestMissingRateExitCode(t *testing.T) {
	if got := exitCode(fmt.Errorf("x: %w", &money.MissingRateError{From: "USD", To: "GBP"})); got != 1 {
		t.Errorf("exit code %d, want 1", got)
	}
}
