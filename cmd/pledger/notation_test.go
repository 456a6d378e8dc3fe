package main

import (
	"os"
	"strings"
	"testing"

	"github.com/coalition/pledger/internal/store"
	"github.com/coalition/pledger/internal/store/storetest"
)

// TestCLINotation: the command line reads amounts and dates the Belgian
// way with --decimal-comma or PLEDGER_LOCALE=nl-BE, refuses an amount that
// reads two ways with both readings, and a canonical file refuses
// decimals the currency does not have, trailing zeros included. Made-up
// entries.
func TestCLINotation(t *testing.T) {
	storetest.Each(t, func(t *testing.T, engine store.Dialect) {
		dsn := storetest.DSN(t, engine)
		res := pledger(t, dsn, "add", "pledge", "--ref", "x1", "--party", "BEL", "--date", "2021", "--amount", "5.000", "--currency", "EUR")
		if res.code != 2 || !strings.Contains(res.stderr, "reads two ways: as 5000 (write 5000) or as 5 (write 5)") {
			t.Errorf("5.000: %s", res)
		}
		res = pledger(t, dsn, "add", "pledge", "--ref", "x2", "--party", "BEL", "--date", "2021", "--amount", "5,000", "--currency", "EUR", "--decimal-comma")
		if res.code != 2 || !strings.Contains(res.stderr, "reads two ways: as 5000 (write 5000) or as 5 (write 5)") {
			t.Errorf("5,000 with --decimal-comma: %s", res)
		}
		mustPledger(t, dsn, "add", "disbursement", "--ref", "x3", "--party", "BEL", "--date", "15/09/2021", "--amount", "1.250.000,50",
			"--currency", "EUR", "--decimal-comma")
		os.Setenv("PLEDGER_LOCALE", "nl-BE")
		mustPledger(t, dsn, "add", "disbursement", "--ref", "x4", "--party", "BEL", "--date", "1/9/2021", "--amount", "2.000,25", "--currency", "EUR")
		os.Unsetenv("PLEDGER_LOCALE")
		mustPledger(t, dsn, "add", "pledge", "--ref", "x5", "--party", "BEL", "--date", "2021", "--amount", "1,250,000.50", "--currency", "EUR")
		if res := pledger(t, dsn, "add", "pledge", "--ref", "x6", "--party", "BEL", "--date", "15/09/2021", "--amount", "1", "--currency", "EUR"); res.code != 2 ||
			!strings.Contains(res.stderr, "write dates as YYYY, YYYY-MM or YYYY-MM-DD") {
			t.Errorf("a day-first date without the Belgian notation: %s", res)
		}
		list := listJSON(t, dsn)
		for ref, want := range map[string][2]string{"x3": {"1250000.50", "2021-09-15"}, "x4": {"2000.25", "2021-09-01"}, "x5": {"1250000.50", "2021"}} {
			if got := list[ref]; got.Amount != want[0] || got.Date != want[1] {
				t.Errorf("%s: %s on %s, want %s on %s", ref, got.Amount, got.Date, want[0], want[1])
			}
		}
		// A canonical file: 5.000 EUR has three decimals, and is refused.
		f := writeFile(t, "trailing.csv", "ref,kind,party,date,amount,currency\nx7,pledge,BEL,2021,5.000,EUR\n")
		if res := pledger(t, dsn, "import", f); res.code != 2 || !strings.Contains(res.stderr, "trailing.csv:2: amount") || !strings.Contains(res.stderr, "2 decimals at most") {
			t.Errorf("5.000 EUR in a canonical file: %s", res)
		}
		// A Belgian file: days first.
		f = writeFile(t, "belgisch.csv", "ref;kind;party;date;amount;currency\nx8;pledge;BEL;15/09/2021;18.000.000,00;EUR\n")
		mustPledger(t, dsn, "import", f)
		if got := listJSON(t, dsn)["x8"]; got.Date != "2021-09-15" || got.Amount != "18000000.00" {
			t.Errorf("Belgian file: %+v", got)
		}
	})
}
