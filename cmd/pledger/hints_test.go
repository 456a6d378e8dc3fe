package main

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/coalition/pledger/internal/ledger"
	"github.com/coalition/pledger/internal/money"
	"github.com/coalition/pledger/internal/store"
	"github.com/coalition/pledger/internal/store/storetest"
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
		{"rate without a source",
			&ledger.Problems{File: "bad.csv", List: []ledger.Problem{{Line: 2, Field: "source", Code: ledger.CodeNoSource, Msg: "no source"}}},
			"bad.csv:2: source: no source: add a source column or give --source NAME"},
		{"no code, no hint", ledger.ErrNotFound, "not found"},
	} {
		if got := phrase(c.err); got != c.want {
			t.Errorf("%s:\n got %s\nwant %s", c.name, got, c.want)
		}
	}
}

// TestMissingRateExitCode: a missing rate is bad input (issue #15): the
// ledger lacks a rate the request needs; exit 2.
func TestMissingRateExitCode(t *testing.T) {
	if got := exitCode(fmt.Errorf("x: %w", &money.MissingRateError{From: "USD", To: "GBP"})); got != 2 {
		t.Errorf("exit code %d, want 2", got)
	}
}

// TestCLIRatesSet: one rate given as values is checked by ledger.ParseRate
// and recorded as a file's rates are.
func TestCLIRatesSet(t *testing.T) {
	storetest.Each(t, func(t *testing.T, engine store.Dialect) {
		dsn := storetest.DSN(t, engine)
		mustPledger(t, dsn, "init")
		if out := mustPledger(t, dsn, "rates", "set", "2021-03-15", "eur", "USD", "1.1926", "--source", "ECB, daily"); out != "recorded\n" {
			t.Errorf("set: %q", out)
		}
		if out := mustPledger(t, dsn, "rates", "set", "2021-03-15", "EUR", "USD", "1.1926", "--source", "ECB, daily"); !strings.HasPrefix(out, "unchanged") {
			t.Errorf("set again: %q", out)
		}
		res := pledger(t, dsn, "rates", "set", "2021-03-15", "EUR", "USD", "1.2", "--source", "ECB, daily")
		if res.code != 2 || !strings.Contains(res.stderr, "rates set: rate: 2021-03-15 EUR/USD from \"ECB, daily\" is already recorded as 1.1926") {
			t.Errorf("a different rate without --replace: %s", res)
		}
		res = pledger(t, dsn, "rates", "set", "2021-13-15", "EUR", "EUR", "0", "--source", "")
		want := "pledger: rates set: date: date \"2021-13-15\": use YYYY-MM-DD\n" +
			"rates set: quote: base and quote are both EUR\n" +
			"rates set: rate: rate 0 must be greater than zero\n" +
			"rates set: source: no source: add a source column or give --source NAME\n"
		if res.code != 2 || res.stderr != want {
			t.Errorf("bad values: %s\nwant stderr %q", res, want)
		}
		if out := mustPledger(t, dsn, "rates", "list", "--format", "csv"); out != "date,base,quote,rate,source\n2021-03-15,EUR,USD,1.1926,\"ECB, daily\"\n" {
			t.Errorf("list: %q", out)
		}
	})
}
