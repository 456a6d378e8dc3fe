package main

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/coalition/pledger/internal/money"
	"github.com/coalition/pledger/internal/store"
	"github.com/coalition/pledger/internal/store/storetest"
)

const ecbName = "ECB euro foreign exchange reference rates"

// TestCLIRateSources: rates set warns about another source's rate for the
// pair and day (naming it, its rate, and the source reports prefer), the
// sanity bound refuses a typo unless --force, the digits given are kept,
// and reports and list --currency follow --rate-source and
// PLEDGER_RATE_SOURCES.
func TestCLIRateSources(t *testing.T) {
	storetest.Each(t, func(t *testing.T, engine store.Dialect) {
		dsn := storetest.DSN(t, engine)
		mustPledger(t, dsn, "init")
		// real ECB EUR/USD rates (eurofxref-hist.csv)
		ecb := writeFile(t, "ecb.csv", "Date,USD,\n2021-03-16,1.1926,\n2021-03-15,1.192,\n2021-03-12,1.1933,\n")
		mustPledger(t, dsn, "rates", "import", ecb)
		mustPledger(t, dsn, "add", "pledge", "--ref", "usa-15", "--party", "USA", "--date", "2021-03-15", "--amount", "1000000", "--currency", "USD")

		// A made-up manual rate for a day the ECB quotes: recorded, with a warning.
		res := pledger(t, dsn, "rates", "set", "2021-03-15", "EUR", "USD", "1.2000")
		wantWarn := "pledger: warning: rates set: 2021-03-15 EUR/USD 1.2000 from manual is recorded, and the same pair and day also has EUR/USD 1.192 from " +
			ecbName + "; by default reports use the rate from " + ecbName + ": a report chooses with --rate-source"
		if res.code != 0 || res.stdout != "recorded\n" || !strings.HasPrefix(res.stderr, wantWarn) {
			t.Errorf("rates set over another source: %s\nwant stderr %q...", res, wantWarn)
		}
		if out := mustPledger(t, dsn, "rates", "list", "--format", "csv", "--from", "2021-03-15", "--to", "2021-03-15"); !strings.Contains(out, "2021-03-15,EUR,USD,1.2000,manual\n") {
			t.Errorf("the digits given are not kept: %q", out)
		}
		// A typo: refused, with the way to force it; forced, recorded.
		res = pledger(t, dsn, "rates", "set", "2021-03-17", "EUR", "USD", "11.93")
		if res.code != 2 || !strings.Contains(res.stderr, "rates set: rate: 2021-03-17 EUR/USD 11.93 is more than 1.5 times higher or lower than the nearest EUR/USD rate within 30 days (1.1926 on 2021-03-16 (recorded, "+ecbName+"))") ||
			!strings.Contains(res.stderr, ": if the rate is right, record it with --force") {
			t.Errorf("a typo: %s", res)
		}
		if out := mustPledger(t, dsn, "rates", "set", "2021-03-17", "EUR", "USD", "11.93", "--force"); out != "recorded\n" {
			t.Errorf("forced: %q", out)
		}

		// Reports: the ECB by default (more rates), manual when asked.
		summary := func(args ...string) (string, string) {
			t.Helper()
			out := mustPledger(t, dsn, append([]string{"report", "summary", "--currency", "EUR", "--format", "json"}, args...)...)
			var j struct {
				Rows []struct {
					Party  string `json:"party"`
					Amount string `json:"amount"`
				} `json:"rows"`
				Provenance struct {
					RateSources []struct {
						Source  string `json:"source"`
						Entries int    `json:"entries"`
					} `json:"rate_sources"`
				} `json:"provenance"`
			}
			if err := json.Unmarshal([]byte(out), &j); err != nil || len(j.Rows) != 1 || len(j.Provenance.RateSources) != 1 {
				t.Fatalf("%v: %s", err, out)
			}
			return j.Rows[0].Amount, j.Provenance.RateSources[0].Source
		}
		if amount, src := summary(); amount != "838926.17" || src != ecbName {
			t.Errorf("default: %s from %s, want 838926.17 (1000000 / 1.192) from the ECB", amount, src)
		}
		if amount, src := summary("--rate-source", "manual,ECB"); amount != "833333.33" || src != "manual" {
			t.Errorf("--rate-source manual,ECB: %s from %s, want 833333.33 (1000000 / 1.2) from manual", amount, src)
		}
		if out := mustPledger(t, dsn, "list", "--currency", "EUR", "--rate-source", "manual", "--format", "csv"); !strings.Contains(out, ",833333.33\n") {
			t.Errorf("list --currency EUR --rate-source manual: %s", out)
		}
		t.Setenv(money.EnvRateSources, "manual")
		if amount, _ := summary(); amount != "833333.33" {
			t.Errorf("%s=manual: %s", money.EnvRateSources, amount)
		}
		if amount, _ := summary("--rate-source", "ECB"); amount != "838926.17" {
			t.Errorf("--rate-source before the environment: %s", amount)
		}
		res = pledger(t, dsn, "report", "summary", "--rate-source", "IMF")
		if res.code != 2 || !strings.Contains(res.stderr, `--rate-source "IMF": no rate in force comes from this source; the sources are "`+ecbName+`", "manual"`) {
			t.Errorf("an unknown source: %s", res)
		}
	})
}
