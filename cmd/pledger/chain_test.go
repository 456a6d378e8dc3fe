package main

import (
	"strings"
	"testing"

	"github.com/coalition/pledger/internal/store"
	"github.com/coalition/pledger/internal/store/storetest"
)

// A fulfilment that runs against its chain is recorded as stated, and the
// CLI warns about it.
func TestCLIChainWarnings(t *testing.T) {
	storetest.Each(t, func(t *testing.T, engine store.Dialect) {
		dsn := storetest.DSN(t, engine)
		mustPledger(t, dsn, "add", "pledge", "--ref", "p1", "--party", "BEL", "--date", "2021-09", "--amount", "100", "--currency", "EUR")
		res := pledger(t, dsn, "add", "disbursement", "--ref", "d1", "--party", "BEL", "--date", "2021-08-01", "--amount", "150",
			"--currency", "EUR", "--fulfils", "p1")
		if res.code != 0 {
			t.Fatalf("add: %v", res)
		}
		for _, want := range []string{"warning: d1: fulfils: dated 2021-08-01, before p1 (2021-09)", "p1 is fulfilled beyond its amount by 50.00 EUR"} {
			if !strings.Contains(res.stderr, want) {
				t.Errorf("no warning %q:\n%s", want, res.stderr)
			}
		}
		res = pledger(t, dsn, "add", "commitment", "--ref", "c1", "--party", "BEL", "--date", "2021-10", "--amount", "50",
			"--currency", "EUR", "--fulfils", "p1")
		if res.code != 0 || strings.Contains(res.stderr, "warning") {
			t.Errorf("a commitment within its pledge warns: %v", res)
		}
	})
}
