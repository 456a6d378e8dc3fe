package web

import (
	"strings"
	"testing"
	"time"

	"github.com/coalition/pledger/internal/ledger"
	"github.com/coalition/pledger/internal/model"
	"github.com/coalition/pledger/internal/money"
)

// TestWebHints: a browser user is pointed at a page, never at a command.
func TestWebHints(t *testing.T) {
	en := model.MustLang("en")
	for _, c := range []struct {
		name string
		got  string
		want string
	}{
		{"unknown party", phraseProblem(en, ledger.Problem{Field: "party", Code: ledger.CodeUnknownParty, Value: "ACME", Msg: `unknown party "acme"`}),
			`unknown party ACME: add ACME on the Parties page first`},
		{"missing rate", phraseError(en, &money.MissingRateError{From: "USD", To: "GBP", Day: time.Date(2021, 1, 3, 0, 0, 0, 0, time.UTC), Stale: 2}),
			"missing exchange rate: no USD/GBP rate on 2021-01-03 or in the 2 days before: add the USD/GBP rate for 2021-01-03 on the Rates page, or import the ECB file there"},
		{"no code", phraseProblem(en, ledger.Problem{Field: "date", Msg: "required"}), "required"},
	} {
		if c.got != c.want {
			t.Errorf("%s:\n got %s\nwant %s", c.name, c.got, c.want)
		}
		if strings.Contains(c.got, "pledger ") {
			t.Errorf("%s: a web hint names a command: %s", c.name, c.got)
		}
	}
}
