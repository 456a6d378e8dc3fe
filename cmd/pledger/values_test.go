package main

import (
	"encoding/csv"
	"encoding/json"
	"strings"
	"testing"

	"github.com/coalition/pledger/internal/store"
	"github.com/coalition/pledger/internal/store/storetest"
	"github.com/shopspring/decimal"
)

// Each entry's value, as list and export show it, adds up to every report's
// totals: the figures can be checked in a spreadsheet with SUM.
func TestCLIValuesAddUpToReports(t *testing.T) {
	storetest.Each(t, func(t *testing.T, engine store.Dialect) {
		dsn := storetest.DSN(t, engine)
		mustPledger(t, dsn, "import", "../../internal/demo/data/entries.csv")
		mustPledger(t, dsn, "rates", "import", "../../internal/demo/data/rates.csv")
		for _, cur := range []string{"USD", "JPY"} {
			sums := map[string]decimal.Decimal{}
			for _, cmd := range [][]string{{"list", "--format", "csv"}, {"export"}} {
				out := mustPledger(t, dsn, append(cmd, "--currency", cur)...)
				recs, err := csv.NewReader(strings.NewReader(out)).ReadAll()
				if err != nil {
					t.Fatal(err)
				}
				head := recs[0]
				if head[len(head)-1] != "value_"+cur || head[1] != "kind" {
					t.Fatalf("%v: header %v", cmd, head)
				}
				got := map[string]decimal.Decimal{}
				for _, r := range recs[1:] {
					if v := r[len(r)-1]; v != "" {
						got[r[1]] = got[r[1]].Add(decimal.RequireFromString(v))
					}
				}
				if len(sums) == 0 {
					sums = got
				}
				for k, v := range got {
					if !v.Equal(sums[k]) {
						t.Errorf("%v: %s adds up to %s, list to %s", cmd, k, v, sums[k])
					}
				}
			}
			for _, rep := range []string{"summary", "timeline", "flows"} {
				var doc struct {
					Totals []struct{ Kind, Amount string }
				}
				out := mustPledger(t, dsn, "report", rep, "--currency", cur, "--format", "json")
				if err := json.Unmarshal([]byte(out), &doc); err != nil {
					t.Fatal(err)
				}
				if len(doc.Totals) == 0 {
					t.Fatalf("%s: no totals", rep)
				}
				for _, tot := range doc.Totals {
					if !decimal.RequireFromString(tot.Amount).Equal(sums[tot.Kind]) {
						t.Errorf("%s in %s: %s total %s, the listed values add up to %s", rep, cur, tot.Kind, tot.Amount, sums[tot.Kind])
					}
				}
			}
		}
		// The table shows the value column, and a bad currency is refused.
		if out := mustPledger(t, dsn, "list", "--currency", "EUR", "--kind", "need"); !strings.Contains(out, "VALUE EUR") {
			t.Errorf("list --currency EUR has no value column:\n%s", out)
		}
		if res := pledger(t, dsn, "list", "--currency", "XYZ"); res.code != 2 || !strings.Contains(res.stderr, `--currency: unknown currency "XYZ"`) {
			t.Errorf("list --currency XYZ: %v", res)
		}
	})
}
