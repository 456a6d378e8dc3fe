package main

import (
	"encoding/json"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/coalition/pledger/internal/store"
	"github.com/coalition/pledger/internal/store/storetest"
)

var chainHash = regexp.MustCompile(`[0-9a-f]{64}`)

// The demo ledger and its real ECB rates give the same summary, byte for
// byte, on SQLite and on PostgreSQL, in every valuation; and a summary made
// as of an earlier moment reproduces the one made then.
func TestCLISummarySameOnBothEngines(t *testing.T) {
	if testing.Short() {
		t.Skip("imports the demo rates twice")
	}
	var outs [][]string
	storetest.Each(t, func(t *testing.T, engine store.Dialect) {
		dsn := storetest.DSN(t, engine)
		mustPledger(t, dsn, "import", "../../internal/demo/data/entries.csv")
		mustPledger(t, dsn, "rates", "import", "../../internal/demo/data/rates.csv")
		var got []string
		for _, args := range [][]string{
			{"--currency", "USD"},
			{"--currency", "EUR", "--valuation", "annual"},
			{"--currency", "JPY", "--valuation", "fixed:2021-12-31"},
			{"--currency", "KRW", "--party", "BEL,NLD"},
		} {
			out := mustPledger(t, dsn, append([]string{"report", "summary", "--format", "json"}, args...)...)
			var doc struct {
				AsOf   string `json:"as_of"`
				Totals []struct{ Kind, Amount string }
			}
			if err := json.Unmarshal([]byte(out), &doc); err != nil {
				t.Fatalf("%v: %v\n%s", args, err, out)
			}
			if len(doc.Totals) == 0 {
				t.Fatalf("%v: no totals:\n%s", args, out)
			}
			// as_of and the chain hash (which covers it) record the moment
			// of recording: they differ between the two ledgers; compare the rest.
			got = append(got, chainHash.ReplaceAllString(strings.ReplaceAll(out, doc.AsOf, "AS_OF"), "HASH"))
		}
		outs = append(outs, got)

		// Reproducible: record more, then ask for the earlier state.
		before := mustPledger(t, dsn, "report", "summary", "--format", "json", "--currency", "USD")
		var doc struct {
			AsOf string `json:"as_of"`
		}
		json.Unmarshal([]byte(before), &doc)
		time.Sleep(5 * time.Millisecond)
		mustPledger(t, dsn, "add", "pledge", "--ref", "late", "--party", "NLD", "--date", "2021-06-01", "--amount", "1000000", "--currency", "EUR", "--toward", "coal-need-2021-stab")
		mustPledger(t, dsn, "rates", "set", "2021-06-01", "EUR", "USD", "1.2", "--source", "later", "--replace")
		if now := mustPledger(t, dsn, "report", "summary", "--format", "json", "--currency", "USD"); now == before {
			t.Fatal("recording more did not change the summary")
		}
		again := mustPledger(t, dsn, "report", "summary", "--format", "json", "--currency", "USD", "--as-of", doc.AsOf)
		if again != before {
			t.Fatalf("summary as of %s differs from the one made then:\n%s", doc.AsOf, firstDiff(before, again))
		}
	})
	if len(outs) == 2 {
		for i := range outs[0] {
			if outs[0][i] != outs[1][i] {
				t.Errorf("summary %d differs between SQLite and PostgreSQL:\n%s", i, firstDiff(outs[0][i], outs[1][i]))
			}
		}
	}
}
