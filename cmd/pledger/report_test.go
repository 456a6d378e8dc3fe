package main

import (
	"bytes"
	"context"
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

// Bad report options get a clear message and exit 2, never an empty
// report that looks like zero.
func TestCLIReportBadInput(t *testing.T) {
	dsn := storetest.DSN(t, store.SQLite)
	if r := pledger(t, dsn, "report", "summary"); r.code != 2 || !strings.Contains(r.stderr, "empty") {
		t.Errorf("report on an empty ledger: %s", r)
	}
	mustPledger(t, dsn, "import", "../../internal/demo/data/entries.csv")
	mustPledger(t, dsn, "rates", "import", "../../internal/demo/data/rates.csv")
	for _, c := range []struct {
		args []string
		want string
	}{
		{[]string{"report", "nosuch"}, `unknown report "nosuch"`},
		{[]string{"report", "summary", "--party", "XYZ"}, "--party XYZ: unknown party"},
		{[]string{"report", "summary", "--sector", "gardening"}, `--sector "gardening": no entry has this sector`},
		{[]string{"report", "summary", "--location", "ATL"}, `--location "ATL": not an ISO 3166-1 country code`},
		{[]string{"report", "summary", "--location", "FRA"}, "--location FRA: no entry is located there"},
		{[]string{"report", "timeline", "--from", "2022", "--to", "2021"}, "--from 2022 is after --to 2021"},
		{[]string{"report", "coverage", "--lang", "de"}, `--lang "de"`},
		{[]string{"report", "coverage", "--format", "docx"}, `--format "docx"`},
		{[]string{"report", "coverage", "--as-of", "2001-01-01"}, "before the ledger existed"},
		{[]string{"report", "coverage", "--currency", "XYZ"}, "--currency"},
		{[]string{"report", "coverage", "--valuation", "weekly"}, `--valuation "weekly"`},
		{[]string{"report", "timeline", "--by", "week"}, `--by "week"`},
		{[]string{"report", "deployments", "--active-on", "2021-13-01"}, "--active-on"},
		{[]string{"report", "party"}, "needs its party"},
		{[]string{"report", "party", "XYZ"}, `unknown party "XYZ"`},
	} {
		r := pledger(t, dsn, c.args...)
		if r.code == 0 || !strings.Contains(r.stderr, c.want) || r.stdout != "" {
			t.Errorf("%v: want a non-zero exit, no output and %q, got %s", c.args, c.want, r)
		}
	}
}

// Every report made --as-of an earlier moment equals, byte for byte, the
// one made at that moment, after more entries, a correction and a rate.
func TestCLIReportsReproducible(t *testing.T) {
	dsn := storetest.DSN(t, store.SQLite)
	mustPledger(t, dsn, "import", "../../internal/demo/data/entries.csv")
	mustPledger(t, dsn, "rates", "import", "../../internal/demo/data/rates.csv")
	reports := [][]string{{"summary"}, {"coverage"}, {"deployments"}, {"timeline", "--by", "quarter"}, {"party", "BEL"}}
	before := map[string]string{}
	for _, r := range reports {
		for _, f := range []string{"json", "md", "html"} {
			before[strings.Join(r, " ")+f] = mustPledger(t, dsn, append(append([]string{"report"}, r...), "--format", f, "--lang", "nl")...)
		}
	}
	var doc struct {
		AsOf string `json:"as_of"`
	}
	json.Unmarshal([]byte(before["summaryjson"]), &doc)
	time.Sleep(5 * time.Millisecond)
	mustPledger(t, dsn, "add", "pledge", "--ref", "late", "--party", "BEL", "--date", "2021-06-01", "--amount", "1000000", "--currency", "EUR", "--toward", "coal-need-2021-stab")
	mustPledger(t, dsn, "amend", "bel-dep-f16", "--end", "2021-12", "--reason", "extended")
	mustPledger(t, dsn, "rates", "set", "2021-06-01", "EUR", "USD", "1.3", "--source", "later")
	for _, r := range reports {
		for _, f := range []string{"json", "md", "html"} {
			now := mustPledger(t, dsn, append(append([]string{"report"}, r...), "--format", f, "--lang", "nl")...)
			again := mustPledger(t, dsn, append(append([]string{"report"}, r...), "--format", f, "--lang", "nl", "--as-of", doc.AsOf)...)
			if again != before[strings.Join(r, " ")+f] {
				t.Errorf("%v %s --as-of %s differs from the report made then:\n%s", r, f, doc.AsOf, firstDiff(before[strings.Join(r, " ")+f], again))
			}
			if now == again && r[0] != "timeline" {
				t.Errorf("%v %s: recording more did not change the report", r, f)
			}
		}
	}
}

// Accounts and tokens from the command line.
func TestCLIUserAndToken(t *testing.T) {
	dsn := storetest.DSN(t, store.SQLite)
	run1 := func(stdin string, args ...string) result {
		var out, errw bytes.Buffer
		code := run(context.Background(), append(args, "--db", dsn), strings.NewReader(stdin), &out, &errw)
		return result{code, out.String(), errw.String()}
	}
	if r := run1("a long passphrase\n", "user", "add", "alice", "--role", "admin"); r.code != 0 {
		t.Fatalf("user add: %s", r)
	}
	if r := run1("a long passphrase\n", "user", "add", "alice", "--role", "admin"); r.code != 4 {
		t.Errorf("user add twice: %s", r)
	}
	if r := run1("short\n", "user", "add", "bob", "--role", "officer"); r.code != 2 || !strings.Contains(r.stderr, "at least 10") {
		t.Errorf("short password: %s", r)
	}
	if r := run1("a long passphrase\n", "user", "add", "carol", "--role", "boss"); r.code != 2 || !strings.Contains(r.stderr, "role") {
		t.Errorf("bad role: %s", r)
	}
	r := run1("", "token", "create", "alice")
	if r.code != 0 || !strings.HasPrefix(r.stdout, "plg_") {
		t.Fatalf("token create: %s", r)
	}
	if r := run1("", "token", "create", "nobody"); r.code != 3 {
		t.Errorf("token for an unknown user: %s", r)
	}
	if r := run1("", "user", "list"); r.code != 0 || !strings.Contains(r.stdout, "alice") {
		t.Errorf("user list: %s", r)
	}
	// Not figures, so not in the chain: in the audit log, with who did it.
	r = run1("", "audit", "--as", "root-officer")
	lines := strings.Split(strings.TrimSpace(r.stdout), "\n")
	if r.code != 0 || len(lines) != 2 || !strings.Contains(lines[0], "\tuser added\talice\trole admin") ||
		!strings.Contains(lines[1], "\ttoken created\talice") {
		t.Errorf("audit: %s", r)
	}
}
