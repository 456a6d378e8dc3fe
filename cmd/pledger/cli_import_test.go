package main

// End-to-end tests of the command line: importing files (helpers in cli_test.go).

import (
	"fmt"
	"path/filepath"
	"strings"
	"testing"

	"github.com/coalition/pledger/internal/store"
	"github.com/coalition/pledger/internal/store/storetest"
	// The "sqlite" (modernc.org/sqlite) and "postgres" (lib/pq) drivers used
	// by the tamper tests are registered by the store package.
)

func TestCLIImportBadInput(t *testing.T) {
	huge := strings.Repeat("x", 10<<20)
	type tc struct {
		name    string
		content string
		line    int      // line to be reported
		column  string   // column to be reported; "" when the problem has none
		also    []string // more text stderr must hold
	}
	r := func(kv ...string) string { return header + "\n" + row(with(goodPledge, kv...)) }
	cases := []tc{
		{name: "unknown kind", content: r("kind", "grant"), line: 2, column: "kind", also: []string{`"grant"`}},
		{name: "unknown currency", content: r("currency", "ABC"), line: 2, column: "currency", also: []string{`"ABC"`}},
		{name: "negative amount", content: r("amount", "-5.00"), line: 2, column: "amount"},
		{name: "zero amount", content: r("amount", "0"), line: 2, column: "amount"},
		{name: "1.5 JPY", content: r("amount", "1.5", "currency", "JPY"), line: 2, column: "amount", also: []string{"JPY"}},
		{name: "amount with thousands separator", content: r("amount", "1,000.00"), line: 2, column: "amount"},
		{name: "month 13", content: r("date", "2021-13"), line: 2, column: "date", also: []string{"2021-13"}},
		{name: "two-digit year", content: r("date", "21-01-01"), line: 2, column: "date", also: []string{"21-01-01"}},
		{name: "impossible date", content: r("date", "2021-02-30"), line: 2, column: "date", also: []string{"2021-02-30"}},
		{name: "end before date", content: r("date", "2021-06", "end", "2021-05"), line: 2, column: "end"},
		{name: "unknown party", content: r("party", "ACME"), line: 2, column: "party", also: []string{"ACME", "pledger party add"}},
		{name: "missing amount", content: r("amount", "", "currency", ""), line: 2, column: "amount"},
		{name: "deployment without quantity", content: r("kind", "deployment", "amount", "", "currency", "", "asset", "F-16"), line: 2, column: "quantity"},
		{name: "unknown location", content: r("location", "IRQ;XXQ"), line: 2, column: "location", also: []string{"XXQ"}},
		{name: "missing required column", line: 1, column: "party",
			content: "ref,kind,date,amount,currency\nnew-pledge,pledge,2021,1000.00,EUR\n"},
		{name: "unknown column", line: 1, column: "colour",
			content: "ref,kind,party,date,amount,currency,colour\nnew-pledge,pledge,BEL,2021,1000.00,EUR,blue\n"},
		{name: "column twice", line: 1, column: "amount",
			content: "ref,kind,party,date,amount,currency,amount\nnew-pledge,pledge,BEL,2021,1000.00,EUR,5\n"},
		{name: "unterminated quote", line: 2, column: "note", also: []string{`"`},
			content: header + "\n" + `new-pledge,pledge,BEL,2021,,1000.00,EUR,,,,,,,,,"abc` + "\n"},
		{name: "unterminated quote before more rows", line: 2, column: "note", also: []string{`"`},
			content: header + "\n" + `new-pledge,pledge,BEL,2021,,1000.00,EUR,,,,,,,,,"abc` + "\n" +
				row(with(goodPledge, "ref", "later-1")) + row(with(goodPledge, "ref", "later-2"))},
		{name: "bare quote", line: 2, column: "source", also: []string{`"`},
			content: header + "\n" + `new-pledge,pledge,BEL,2021,,1000.00,EUR,,,,,,,,ab"c,note` + "\n"},
		{name: "duplicate ref in the file", line: 3, column: "ref", also: []string{"new-pledge", "line 2"},
			content: header + "\n" + row(goodPledge) + row(with(goodPledge, "amount", "2000.00"))},
		{name: "toward a missing need", content: r("toward", "no-such-need"), line: 2, column: "toward", also: []string{"no-such-need"}},
		{name: "toward a pledge", content: r("toward", "seed-pledge"), line: 2, column: "toward", also: []string{"seed-pledge"}},
		{name: "fulfils on a pledge", content: r("fulfils", "seed-pledge"), line: 2, column: "fulfils"},
		{name: "commitment fulfils a need", content: r("kind", "commitment", "fulfils", "seed-need"), line: 2, column: "fulfils", also: []string{"seed-need"}},
		{name: "wrong number of fields", line: 3, column: "", also: []string{"fields"},
			content: header + "\n" + row(goodPledge) + "other,pledge,BEL,2021\n"},
		{name: "line numbers count physical lines", line: 6, column: "currency",
			content: header + "\n" + row(with(goodPledge, "note", "two\nlines")) + // lines 2-3
				row(with(goodPledge, "ref", "second", "note", "also\r\ntwo")) + // lines 4-5
				row(with(goodPledge, "ref", "third", "currency", "ABC"))}, // line 6
	}
	cases = append(cases, tc{name: "10 MB column name", line: 1, column: "", also: []string{"unknown column"},
		content: header + "," + huge + "\n" + row(goodPledge)})
	// A 10 MB cell in any column is refused without being echoed back.
	for _, col := range []string{"note", "source", "ref", "kind", "party", "date", "amount", "currency",
		"asset", "sector", "location", "toward", "fulfils", "quantity"} {
		c := tc{name: "10 MB " + col, line: 2, column: col}
		switch col {
		case "quantity":
			// Digits that parse to 0: the message must not quote them all.
			c.content = r("kind", "deployment", "amount", "", "currency", "", "asset", "F-16", "quantity", strings.Repeat("0", 10<<20))
		case "asset":
			c.content = r("kind", "deployment", "amount", "", "currency", "", "quantity", "4", "asset", huge)
		case "fulfils":
			c.content = r("kind", "commitment", "fulfils", huge)
		default:
			c.content = r(col, huge)
		}
		cases = append(cases, c)
	}

	storetest.Each(t, func(t *testing.T, engine store.Dialect) {
		dsn := seedLedger(t, engine)
		before := snapshot(t, dsn)
		for _, c := range cases {
			t.Run(c.name, func(t *testing.T) {
				path := writeFile(t, "bad.csv", c.content)
				res := pledger(t, dsn, "import", path)
				if res.code != 2 {
					t.Errorf("want exit 2, got %s", res)
				}
				want := fmt.Sprintf("%s:%d: ", path, c.line)
				if c.column != "" {
					want += c.column + ": "
				}
				if !strings.Contains(res.stderr, want) {
					t.Errorf("stderr lacks %q (FILE:LINE: column: problem):\n%s", want, clip(res.stderr))
				}
				for _, s := range c.also {
					if !strings.Contains(res.stderr, s) {
						t.Errorf("stderr lacks %q:\n%s", s, clip(res.stderr))
					}
				}
				if len(res.stderr) >= 4<<10 {
					t.Errorf("stderr is %d bytes: a bad value must be quoted clipped, not whole", len(res.stderr))
				}
				if res.stdout != "" {
					t.Errorf("stdout should be empty on a refused import, got %q", clip(res.stdout))
				}
				assertUnchanged(t, dsn, before)
			})
		}

		t.Run("every bad row is reported", func(t *testing.T) {
			content := header + "\n" +
				row(with(goodPledge, "ref", "a", "kind", "grant")) + // 2
				row(with(goodPledge, "ref", "b")) + // 3: good
				row(with(goodPledge, "ref", "c", "currency", "ABC")) + // 4
				row(with(goodPledge, "ref", "d", "date", "2021-02-30")) + // 5
				row(with(goodPledge, "ref", "e")) + // 6: good
				row(with(goodPledge, "ref", "f", "party", "ACME", "amount", "0")) // 7: two problems
			path := writeFile(t, "several.csv", content)
			res := pledger(t, dsn, "import", path)
			if res.code != 2 {
				t.Errorf("want exit 2, got %s", res)
			}
			for _, want := range []string{":2: kind: ", ":4: currency: ", ":5: date: ", ":7: party: ", ":7: amount: "} {
				if !strings.Contains(res.stderr, path+want) {
					t.Errorf("stderr lacks %q:\n%s", path+want, res.stderr)
				}
			}
			for _, good := range []string{":3: ", ":6: "} {
				if strings.Contains(res.stderr, path+good) {
					t.Errorf("stderr reports good line %s:\n%s", good, res.stderr)
				}
			}
			assertUnchanged(t, dsn, before)
		})

		t.Run("good rows and one bad row write nothing", func(t *testing.T) {
			content := header + "\n" +
				row(with(goodPledge, "ref", "g1")) +
				row(with(goodPledge, "ref", "g2", "toward", "seed-need")) +
				row(with(goodPledge, "ref", "g3", "kind", "commitment", "fulfils", "seed-pledge")) +
				row(with(goodPledge, "ref", "g4", "amount", "12.345")) // line 5: three decimals in EUR
			path := writeFile(t, "mixed.csv", content)
			res := pledger(t, dsn, "import", path)
			if res.code != 2 || !strings.Contains(res.stderr, path+":5: amount: ") {
				t.Errorf("want exit 2 and %s:5: amount:, got %s", path, res)
			}
			if n := len(listJSON(t, dsn)); n != 3 {
				t.Errorf("list: want the 3 seed entries, got %d", n)
			}
			assertUnchanged(t, dsn, before)
			// Without the bad row the same file goes in whole.
			good := writeFile(t, "good.csv", strings.Join(strings.SplitAfter(content, "\n")[:4], ""))
			out := mustPledger(t, dsn, "import", good, "--dry-run")
			if !strings.Contains(out, "3 added") {
				t.Errorf("dry run: want 3 added, got %q", out)
			}
			assertUnchanged(t, dsn, before)
		})

		t.Run("empty and header-only files", func(t *testing.T) {
			for name, content := range map[string]string{"empty.csv": "", "header.csv": header + "\n"} {
				path := writeFile(t, name, content)
				res := pledger(t, dsn, "import", path)
				if res.code != 2 || !strings.Contains(res.stderr, path) {
					t.Errorf("%s: want exit 2 naming the file, got %s", name, res)
				}
			}
			res := pledger(t, dsn, "import", filepath.Join(t.TempDir(), "missing.csv"))
			if res.code != 2 || !strings.Contains(res.stderr, "missing.csv") {
				t.Errorf("missing file: want exit 2 naming it, got %s", res)
			}
			assertUnchanged(t, dsn, before)
		})
	})
}

// ---------------------------------------------------------------------------
// 2. bad input through `pledger add`

func TestCLIImportBelgianSpreadsheet(t *testing.T) {
	const bom = "\ufeff"
	belgian := func(amountB string) string {
		return bom + "ref;kind;party;date;amount;currency;qualifier;sector;location;source\r\n" +
			`bel-a;commitment;BEL;2016;18000000,00;EUR;at-least;"reconstruction;demining;camps";"IRQ;SYR";"Ministerie; 2021"` + "\r\n" +
			`bel-b;pledge;bel;2021-03;` + amountB + `;eur;;stabilisation;"IRQ;SYR";` + "\r\n"
	}
	storetest.Each(t, func(t *testing.T, engine store.Dialect) {
		dsn := storetest.DSN(t, engine)
		path := writeFile(t, "belgie.csv", belgian("18.000.000,50"))
		out := mustPledger(t, dsn, "import", path, "--as", "clerk")
		if !strings.Contains(out, "2 rows, 2 added, 0 amended, 0 unchanged") {
			t.Errorf("first import: stdout %q", out)
		}
		list := listJSON(t, dsn)
		a, b := list["bel-a"], list["bel-b"]
		if a.Amount != "18000000.00" || a.Currency != "EUR" || a.Qualifier != "at-least" ||
			strings.Join(a.Sectors, "|") != "camps|demining|reconstruction" || strings.Join(a.Locations, "|") != "IRQ|SYR" ||
			a.Source != "Ministerie; 2021" {
			t.Errorf("bel-a: %+v", a)
		}
		if b.Amount != "18000000.50" || b.Currency != "EUR" || b.Party != "BEL" || b.Qualifier != "exact" ||
			strings.Join(b.Locations, "|") != "IRQ|SYR" || b.Date != "2021-03" || b.Precision != "month" {
			t.Errorf("bel-b: %+v", b)
		}
		exported := mustPledger(t, dsn, "export")
		if !strings.HasPrefix(exported, exportHeader+"\n") || strings.Contains(exported, "\r") || strings.Contains(exported, bom) {
			t.Errorf("export is not canonical CSV:\n%s", exported)
		}

		before := snapshot(t, dsn)
		out = mustPledger(t, dsn, "import", path)
		if !strings.Contains(out, "2 rows, 0 added, 0 amended, 2 unchanged") {
			t.Errorf("re-import: stdout %q", out)
		}
		assertUnchanged(t, dsn, before)
		// The export itself (',' and '.') re-imports as unchanged too.
		out = mustPledger(t, dsn, "import", writeFile(t, "export.csv", exported))
		if !strings.Contains(out, "0 added, 0 amended, 2 unchanged") {
			t.Errorf("re-import of the export: stdout %q", out)
		}
		assertUnchanged(t, dsn, before)

		// A row that differs from its ref's entry is a problem, not a silent change.
		changed := writeFile(t, "belgie-2.csv", belgian("19.000.000,00"))
		res := pledger(t, dsn, "import", changed)
		if res.code != 2 || !strings.Contains(res.stderr, changed+":3: ref: ") || !strings.Contains(res.stderr, "--amend") {
			t.Errorf("differing row: want exit 2 with %s:3: ref: ... --amend, got %s", changed, res)
		}
		assertUnchanged(t, dsn, before)
		// A '.' that is not a thousands separator is refused, not guessed.
		res = pledger(t, dsn, "import", writeFile(t, "belgie-3.csv", belgian("18000000.5")))
		if res.code != 2 || !strings.Contains(res.stderr, ":3: amount: ") {
			t.Errorf("amount 18000000.5 in a ';' file: want exit 2 at line 3 amount, got %s", res)
		}
		assertUnchanged(t, dsn, before)

		out = mustPledger(t, dsn, "import", changed, "--amend", "--reason", "Q3 reconciliation", "--as", "clerk")
		if !strings.Contains(out, "2 rows, 0 added, 1 amended, 1 unchanged") {
			t.Errorf("import --amend: stdout %q", out)
		}
		if b := listJSON(t, dsn)["bel-b"]; b.Amount != "19000000.00" || b.Revision != 2 {
			t.Errorf("bel-b after import --amend: %+v", b)
		}
		revs := historyJSON(t, dsn, "bel-b")
		if len(revs) != 2 || revs[1].Revision != 2 || revs[1].Action != "amend" || revs[1].Reason != "Q3 reconciliation" ||
			revs[1].Author != "clerk" || revs[1].Changes["amount"] != "19000000.00" {
			t.Errorf("history bel-b: %+v", revs)
		}
		if len(historyJSON(t, dsn, "bel-a")) != 1 {
			t.Errorf("bel-a has more than one revision")
		}
		if res := pledger(t, dsn, "verify"); res.code != 0 {
			t.Errorf("verify: %s", res)
		}
	})
}

// ---------------------------------------------------------------------------
// 5. demo and round trip

// TestCLIImportChainWarnings: an import whose rows run against their chain
// is recorded as stated, and each such row is warned about on standard
// error, as add does; a second file adding to an earlier chain counts what
// the ledger already holds. The entries are made up for the test.
func TestCLIImportChainWarnings(t *testing.T) {
	storetest.Each(t, func(t *testing.T, engine store.Dialect) {
		dsn := storetest.DSN(t, engine)
		first := writeFile(t, "first.csv", "ref,kind,party,date,amount,currency,fulfils\n"+
			"p1,pledge,BEL,2021-03,100.00,EUR,\n"+
			"d1,disbursement,BEL,2021-01-10,60.00,EUR,p1\n"+
			"c1,commitment,BEL,2021-04,50.00,EUR,p1\n")
		res := pledger(t, dsn, "import", first)
		if res.code != 0 || !strings.Contains(res.stdout, "3 added") {
			t.Fatalf("import: %s", res)
		}
		if !strings.Contains(res.stderr, "warning: d1: fulfils: dated 2021-01-10, before p1 (2021-03)") ||
			strings.Contains(res.stderr, "c1") || strings.Contains(res.stderr, "beyond") {
			t.Errorf("first import warnings: %q", res.stderr)
		}
		second := writeFile(t, "second.csv", "ref,kind,party,date,amount,currency,fulfils\n"+
			"d2,disbursement,BEL,2021-05,45.00,EUR,p1\n"+
			"c2,commitment,BEL,2021-05,10.00,USD,p1\n")
		res = pledger(t, dsn, "import", second)
		if res.code != 0 || !strings.Contains(res.stderr, "warning: d2: fulfils: p1 is fulfilled beyond its amount by 5.00 EUR") ||
			strings.Contains(res.stderr, "c2") {
			t.Errorf("second import: %s", res)
		}
	})
}
