package main

// End-to-end tests of the pledger command line, through run(...), on every
// engine (storetest.Each: SQLite always, PostgreSQL when
// PLEDGER_TEST_POSTGRES is set). Every test drives the CLI exactly as a user
// would: arguments in, exit code, standard output and standard error out.

import (
	"bytes"
	"context"
	"database/sql"
	"encoding/csv"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/coalition/pledger/internal/store"
	"github.com/coalition/pledger/internal/store/storetest"
	// The "sqlite" (modernc.org/sqlite) and "postgres" (lib/pq) drivers used
	// by the tamper tests are registered by the store package.
)

// ---------------------------------------------------------------------------
// helpers

// result is what one invocation of pledger gave.
type result struct {
	code           int
	stdout, stderr string
}

func (r result) String() string {
	return fmt.Sprintf("exit %d\n--- stdout:\n%s\n--- stderr:\n%s", r.code, clip(r.stdout), clip(r.stderr))
}

// clip keeps failure messages readable when an output is huge.
func clip(s string) string {
	if len(s) > 2000 {
		return s[:2000] + fmt.Sprintf("... (%d bytes in all)", len(s))
	}
	return s
}

// pledger runs one command line against the ledger dsn.
func pledger(t *testing.T, dsn string, args ...string) result {
	t.Helper()
	var out, errw bytes.Buffer
	full := append(append([]string{}, args...), "--db", dsn)
	code := run(context.Background(), full, strings.NewReader(""), &out, &errw)
	return result{code, out.String(), errw.String()}
}

// mustPledger runs a command line that must succeed and returns its stdout.
func mustPledger(t *testing.T, dsn string, args ...string) string {
	t.Helper()
	r := pledger(t, dsn, args...)
	if r.code != 0 {
		t.Fatalf("pledger %s: want exit 0, got %s", strings.Join(args, " "), r)
	}
	return r.stdout
}

// snapshot is everything a command can observe of the ledger: the export of
// the current entries, and the revision count and chain head (so that even
// a revision invisible in the export, such as a void, is noticed).
func snapshot(t *testing.T, dsn string) string {
	t.Helper()
	exp := mustPledger(t, dsn, "export")
	ver := pledger(t, dsn, "verify")
	return exp + "\n--- verify:\n" + ver.stdout + ver.stderr
}

// assertUnchanged fails if the ledger differs from before.
func assertUnchanged(t *testing.T, dsn, before string) {
	t.Helper()
	if after := snapshot(t, dsn); after != before {
		t.Errorf("the ledger changed although the command failed:\n--- before:\n%s\n--- after:\n%s", clip(before), clip(after))
	}
}

// jsonEntry is an entry of `list --format json`, as a script would read it.
type jsonEntry struct {
	Ref        string   `json:"ref"`
	Kind       string   `json:"kind"`
	Party      string   `json:"party"`
	Date       string   `json:"date"`
	Precision  string   `json:"date_precision"`
	End        string   `json:"end"`
	Amount     string   `json:"amount"`
	Currency   string   `json:"currency"`
	Qualifier  string   `json:"qualifier"`
	Quantity   int64    `json:"quantity"`
	Asset      string   `json:"asset"`
	Sectors    []string `json:"sectors"`
	Locations  []string `json:"locations"`
	Toward     string   `json:"toward"`
	Fulfils    string   `json:"fulfils"`
	Source     string   `json:"source"`
	Note       string   `json:"note"`
	Revision   int      `json:"revision"`
	RecordedAt string   `json:"recorded_at"`
	Author     string   `json:"recorded_by"`
}

// listJSON runs `list --format json` (plus extra flags) and decodes it by ref.
func listJSON(t *testing.T, dsn string, extra ...string) map[string]jsonEntry {
	t.Helper()
	out := mustPledger(t, dsn, append([]string{"list", "--format", "json"}, extra...)...)
	var list []jsonEntry
	if err := json.Unmarshal([]byte(out), &list); err != nil {
		t.Fatalf("list --format json: %v\n%s", err, clip(out))
	}
	m := map[string]jsonEntry{}
	for _, e := range list {
		if _, dup := m[e.Ref]; dup {
			t.Errorf("list --format json: ref %s listed twice", e.Ref)
		}
		m[e.Ref] = e
	}
	return m
}

// jsonRevision is a revision of `history --format json`.
type jsonRevision struct {
	Revision   int               `json:"revision"`
	Seq        int64             `json:"seq"`
	Action     string            `json:"action"`
	RecordedAt string            `json:"recorded_at"`
	Author     string            `json:"recorded_by"`
	Reason     string            `json:"reason"`
	Changes    map[string]string `json:"changes"`
	Hash       string            `json:"hash"`
}

func historyJSON(t *testing.T, dsn, ref string) []jsonRevision {
	t.Helper()
	out := mustPledger(t, dsn, "history", ref, "--format", "json")
	var revs []jsonRevision
	if err := json.Unmarshal([]byte(out), &revs); err != nil {
		t.Fatalf("history %s --format json: %v\n%s", ref, err, clip(out))
	}
	return revs
}

// header is the canonical CSV header.
const header = "ref,kind,party,date,end,amount,currency,qualifier,quantity,asset,sector,location,toward,fulfils,source,note"

var columns = strings.Split(header, ",")

// row writes one canonical CSV row (with its line end) from column values.
func row(f map[string]string) string {
	for k := range f {
		if !strings.Contains(","+header+",", ","+k+",") {
			panic("row: unknown column " + k)
		}
	}
	rec := make([]string, len(columns))
	for i, c := range columns {
		rec[i] = f[c]
	}
	var b bytes.Buffer
	w := csv.NewWriter(&b)
	w.Write(rec)
	w.Flush()
	return b.String()
}

// with returns a copy of base with the given column values replaced.
func with(base map[string]string, kv ...string) map[string]string {
	m := make(map[string]string, len(base))
	for k, v := range base {
		m[k] = v
	}
	for i := 0; i+1 < len(kv); i += 2 {
		m[kv[i]] = kv[i+1]
	}
	return m
}

// goodPledge is a valid row; the bad-input cases change one thing in it.
var goodPledge = map[string]string{"ref": "new-pledge", "kind": "pledge", "party": "BEL", "date": "2021",
	"amount": "1000.00", "currency": "EUR", "sector": "stabilisation", "location": "IRQ"}

// writeFile writes content to name in a fresh temp dir and returns its path.
func writeFile(t *testing.T, name, content string) string {
	t.Helper()
	p := filepath.Join(t.TempDir(), name)
	if err := os.WriteFile(p, []byte(content), 0o644); err != nil {
		t.Fatal(err)
	}
	return p
}

// seedLedger returns a fresh ledger on engine holding a need (seed-need),
// a pledge toward it (seed-pledge) and a deployment (seed-dep).
func seedLedger(t *testing.T, engine store.Dialect) string {
	t.Helper()
	dsn := storetest.DSN(t, engine)
	f := writeFile(t, "seed.csv", header+"\n"+
		row(map[string]string{"ref": "seed-need", "kind": "need", "party": "COALITION", "date": "2021",
			"amount": "1000000.00", "currency": "USD", "sector": "stabilisation", "location": "IRQ;SYR"})+
		row(map[string]string{"ref": "seed-pledge", "kind": "pledge", "party": "BEL", "date": "2021-03",
			"amount": "5000.00", "currency": "EUR", "toward": "seed-need"})+
		row(map[string]string{"ref": "seed-dep", "kind": "deployment", "party": "BEL", "date": "2021",
			"end": "2021-10", "quantity": "4", "asset": "F-16", "location": "IRQ;SYR"}))
	mustPledger(t, dsn, "import", f, "--as", "seeder")
	return dsn
}

// ---------------------------------------------------------------------------
// 1. bad input through `pledger import FILE`

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

func TestCLIAddBadInput(t *testing.T) {
	pledge := []string{"--party", "BEL", "--date", "2021", "--amount", "1000", "--currency", "EUR"}
	huge := strings.Repeat("x", 10<<20)
	cases := []struct {
		name  string
		args  []string
		field string
		also  []string
	}{
		{"unknown kind", append([]string{"add", "grant"}, pledge...), "kind", []string{`"grant"`}},
		{"unknown currency", []string{"add", "pledge", "--party", "BEL", "--date", "2021", "--amount", "1000", "--currency", "ABC"}, "currency", []string{`"ABC"`}},
		{"1.5 JPY", []string{"add", "pledge", "--party", "BEL", "--date", "2021", "--amount", "1.5", "--currency", "JPY"}, "amount", []string{"JPY"}},
		{"pledge without amount", []string{"add", "pledge", "--party", "BEL", "--date", "2021"}, "amount", nil},
		{"deployment without quantity", []string{"add", "deployment", "--party", "BEL", "--date", "2021", "--asset", "F-16"}, "quantity", nil},
		{"unknown party", []string{"add", "pledge", "--party", "ACME", "--date", "2021", "--amount", "1000", "--currency", "EUR"}, "party", []string{"ACME", "pledger party add"}},
		{"toward a pledge", append([]string{"add", "pledge", "--toward", "seed-pledge"}, pledge...), "toward", []string{"seed-pledge"}},
		{"toward a missing ref", append([]string{"add", "pledge", "--toward", "no-such-need"}, pledge...), "toward", []string{"no-such-need"}},
		{"impossible date", []string{"add", "pledge", "--party", "BEL", "--date", "2021-02-30", "--amount", "1000", "--currency", "EUR"}, "date", nil},
		{"ref in use", append([]string{"add", "pledge", "--ref", "seed-pledge"}, pledge...), "", []string{"seed-pledge"}},
		{"10 MB note", append([]string{"add", "pledge", "--note", huge}, pledge...), "note", nil},
		{"10 MB toward", append([]string{"add", "pledge", "--toward", huge}, pledge...), "toward", nil},
		{"10 MB quantity of zeros", []string{"add", "deployment", "--party", "BEL", "--date", "2021", "--asset", "F-16", "--quantity", strings.Repeat("0", 10<<20)}, "quantity", nil},
		// Without --ref, a toward named "pending" is a missing need, not the entry itself.
		{"toward a missing ref named pending", append([]string{"add", "pledge", "--toward", "pending"}, pledge...), "toward", []string{"no entry"}},
	}
	storetest.Each(t, func(t *testing.T, engine store.Dialect) {
		dsn := seedLedger(t, engine)
		before := snapshot(t, dsn)
		for _, c := range cases {
			t.Run(c.name, func(t *testing.T) {
				res := pledger(t, dsn, c.args...)
				want := 2
				if c.name == "ref in use" {
					want = 4
				}
				if res.code != want {
					t.Errorf("want exit %d, got %s", want, res)
				}
				if res.stdout != "" {
					t.Errorf("stdout should be empty, got %q", clip(res.stdout))
				}
				if c.field != "" && !strings.Contains(res.stderr, c.field+": ") {
					t.Errorf("stderr does not name the field %q:\n%s", c.field, clip(res.stderr))
				}
				for _, s := range c.also {
					if !strings.Contains(res.stderr, s) {
						t.Errorf("stderr lacks %q:\n%s", s, clip(res.stderr))
					}
				}
				if len(res.stderr) >= 4<<10 {
					t.Errorf("stderr is %d bytes: a bad value must be quoted clipped, not whole", len(res.stderr))
				}
				assertUnchanged(t, dsn, before)
			})
		}

		t.Run("same command twice", func(t *testing.T) {
			args := append([]string{"add", "pledge", "--sector", "demining"}, pledge...)
			first := pledger(t, dsn, args...)
			if first.code != 0 {
				t.Fatalf("first add: want exit 0, got %s", first)
			}
			m := regexp.MustCompile(`added (\S+) `).FindStringSubmatch(first.stdout)
			if m == nil {
				t.Fatalf("first add: no ref in %q", first.stdout)
			}
			mid := snapshot(t, dsn)
			second := pledger(t, dsn, args...)
			if second.code != 4 {
				t.Errorf("second add: want exit 4 (conflict), got %s", second)
			}
			if !strings.Contains(second.stderr, m[1]) {
				t.Errorf("second add: stderr does not name ref %s:\n%s", m[1], second.stderr)
			}
			assertUnchanged(t, dsn, mid)
			n := 0
			for _, e := range listJSON(t, dsn) {
				if e.Kind == "pledge" && e.Party == "BEL" && len(e.Sectors) == 1 && e.Sectors[0] == "demining" {
					n++
				}
			}
			if n != 1 {
				t.Errorf("want exactly one such pledge, got %d", n)
			}
		})
	})
}

// ---------------------------------------------------------------------------
// 3. good paths: add, amend, history, void, as-of

func TestCLILifecycle(t *testing.T) {
	storetest.Each(t, func(t *testing.T, engine store.Dialect) {
		dsn := storetest.DSN(t, engine)
		mustPledger(t, dsn, "init")
		out := mustPledger(t, dsn, "add", "need", "--ref", "n1", "--party", "COALITION", "--date", "2021",
			"--amount", "670000000", "--currency", "USD", "--sector", "stabilisation", "--location", "IRQ;SYR", "--as", "bob")
		if !strings.Contains(out, "added n1") {
			t.Errorf("add need: stdout %q", out)
		}
		mustPledger(t, dsn, "add", "pledge", "--ref", "p1", "--party", "BEL", "--date", "2021-03",
			"--amount", "5000000", "--currency", "EUR", "--toward", "n1", "--as", "bob")

		list := listJSON(t, dsn)
		if len(list) != 2 {
			t.Fatalf("list: want 2 entries, got %d: %v", len(list), list)
		}
		if p := list["p1"]; p.Toward != "n1" || p.Amount != "5000000.00" || p.Currency != "EUR" || p.Revision != 1 || p.Author != "bob" {
			t.Errorf("p1 as listed: %+v", p)
		}

		// amend without a reason is refused
		res := pledger(t, dsn, "amend", "p1", "--amount", "6000000", "--as", "alice")
		if res.code != 2 || !strings.Contains(res.stderr, "reason") {
			t.Errorf("amend without --reason: want exit 2 naming reason, got %s", res)
		}
		// amend without any field is refused
		if res := pledger(t, dsn, "amend", "p1", "--reason", "nothing"); res.code != 2 {
			t.Errorf("amend without a field: want exit 2, got %s", res)
		}
		// the kind cannot be changed by an amendment... there is no --kind flag at all
		if res := pledger(t, dsn, "amend", "p1", "--kind", "need", "--reason", "x"); res.code != 2 {
			t.Errorf("amend --kind: want exit 2, got %s", res)
		}
		// a bad amendment is refused as a whole
		if res := pledger(t, dsn, "amend", "p1", "--amount", "1.234", "--reason", "typo", "--as", "alice"); res.code != 2 || !strings.Contains(res.stderr, "amount: ") {
			t.Errorf("amend --amount 1.234 EUR: want exit 2 naming amount, got %s", res)
		}

		mustPledger(t, dsn, "amend", "p1", "--amount", "6000000", "--reason", "budget review", "--as", "alice")
		if p := listJSON(t, dsn)["p1"]; p.Amount != "6000000.00" || p.Revision != 2 || p.Author != "alice" {
			t.Errorf("p1 after amend: %+v", p)
		}
		revs := historyJSON(t, dsn, "p1")
		if len(revs) != 2 {
			t.Fatalf("history p1: want 2 revisions, got %+v", revs)
		}
		if r := revs[0]; r.Revision != 1 || r.Action != "add" || r.Author != "bob" {
			t.Errorf("history p1 revision 1: %+v", r)
		}
		if r := revs[1]; r.Revision != 2 || r.Action != "amend" || r.Author != "alice" || r.Reason != "budget review" ||
			r.Changes["amount"] != "6000000.00" || len(r.Changes) != 1 {
			t.Errorf("history p1 revision 2: %+v", r)
		}
		table := mustPledger(t, dsn, "history", "p1")
		for _, s := range []string{"revision 1 (add)", "by bob", "revision 2 (amend)", "by alice", "reason: budget review", "amount: 6000000.00"} {
			if !strings.Contains(table, s) {
				t.Errorf("history p1 table lacks %q:\n%s", s, table)
			}
		}

		beforeVoid := revs[1].RecordedAt
		if res := pledger(t, dsn, "void", "p1", "--as", "alice"); res.code != 2 || !strings.Contains(res.stderr, "reason") {
			t.Errorf("void without --reason: want exit 2, got %s", res)
		}
		mustPledger(t, dsn, "void", "p1", "--reason", "entered twice", "--as", "alice")
		if _, ok := listJSON(t, dsn)["p1"]; ok {
			t.Errorf("p1 still listed after void")
		}
		if strings.Contains(mustPledger(t, dsn, "export"), "\np1,") {
			t.Errorf("p1 still exported after void")
		}
		old := listJSON(t, dsn, "--as-of", beforeVoid)
		if p, ok := old["p1"]; !ok || p.Amount != "6000000.00" || p.Revision != 2 {
			t.Errorf("list --as-of %s: want p1 at revision 2, got %+v (ok=%v)", beforeVoid, p, ok)
		}
		first := listJSON(t, dsn, "--as-of", historyJSON(t, dsn, "n1")[0].RecordedAt)
		if _, ok := first["p1"]; ok || len(first) != 1 {
			t.Errorf("list --as-of the first revision: want n1 only, got %v", first)
		}
		if res := pledger(t, dsn, "list", "--as-of", "2000-01-01"); res.code != 2 {
			t.Errorf("list --as-of before the ledger: want exit 2, got %s", res)
		}
		if res := pledger(t, dsn, "list", "--as-of", "yesterday"); res.code != 2 {
			t.Errorf("list --as-of yesterday: want exit 2, got %s", res)
		}
		revs = historyJSON(t, dsn, "p1")
		if len(revs) != 3 || revs[2].Action != "void" || revs[2].Reason != "entered twice" {
			t.Errorf("history p1 after void: %+v", revs)
		}

		voided := writeFile(t, "voided.csv", header+"\n"+row(map[string]string{"ref": "p1", "kind": "pledge", "party": "BEL",
			"date": "2021-03", "amount": "6000000.00", "currency": "EUR", "toward": "n1"}))
		if res := pledger(t, dsn, "import", voided); res.code != 2 || !strings.Contains(res.stderr, voided+":2: ref: ") {
			t.Errorf("import of a voided ref: want exit 2 at %s:2: ref:, got %s", voided, res)
		}
		if res := pledger(t, dsn, "void", "p1", "--reason", "again"); res.code != 4 {
			t.Errorf("void twice: want exit 4, got %s", res)
		}
		if res := pledger(t, dsn, "amend", "p1", "--amount", "1", "--reason", "x"); res.code != 4 {
			t.Errorf("amend of a voided entry: want exit 4, got %s", res)
		}
		if res := pledger(t, dsn, "add", "pledge", "--ref", "p1", "--party", "BEL", "--date", "2021", "--amount", "1", "--currency", "EUR"); res.code != 4 {
			t.Errorf("add of a voided ref: want exit 4, got %s", res)
		}
		if res := pledger(t, dsn, "add", "pledge", "--ref", "p2", "--party", "BEL", "--date", "2021", "--amount", "1", "--currency", "EUR", "--toward", "p1"); res.code != 2 {
			t.Errorf("add toward a voided ref: want exit 2, got %s", res)
		}
		for _, args := range [][]string{
			{"amend", "nope", "--amount", "1", "--reason", "x"},
			{"void", "nope", "--reason", "x"},
			{"history", "nope"},
		} {
			if res := pledger(t, dsn, args...); res.code != 3 || !strings.Contains(res.stderr, "nope") {
				t.Errorf("%s: want exit 3 naming the ref, got %s", strings.Join(args, " "), res)
			}
		}
		if res := pledger(t, dsn, "verify"); res.code != 0 || !strings.Contains(res.stdout, "ok: 4 revisions") {
			t.Errorf("verify: %s", res)
		}

		// Links may point at rows later in the same file.
		links := writeFile(t, "links.csv", header+"\n"+
			row(map[string]string{"ref": "c2", "kind": "commitment", "party": "DEU", "date": "2021-05",
				"amount": "40000000", "currency": "EUR", "toward": "n1", "fulfils": "p2"})+
			row(map[string]string{"ref": "p2", "kind": "pledge", "party": "DEU", "date": "2021",
				"amount": "40000000", "currency": "EUR", "qualifier": "about", "toward": "n1"}))
		if out := mustPledger(t, dsn, "import", links); !strings.Contains(out, "2 rows, 2 added") {
			t.Errorf("import with in-file links: stdout %q", out)
		}
		if c := listJSON(t, dsn)["c2"]; c.Fulfils != "p2" || c.Toward != "n1" || c.Amount != "40000000.00" {
			t.Errorf("c2: %+v", c)
		}
	})
}

// ---------------------------------------------------------------------------
// 4. CSV as Belgian spreadsheets save it

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
			strings.Join(a.Sectors, "|") != "reconstruction|demining|camps" || strings.Join(a.Locations, "|") != "IRQ|SYR" ||
			a.Source != "Ministerie; 2021" {
			t.Errorf("bel-a: %+v", a)
		}
		if b.Amount != "18000000.50" || b.Currency != "EUR" || b.Party != "BEL" || b.Qualifier != "exact" ||
			strings.Join(b.Locations, "|") != "IRQ|SYR" || b.Date != "2021-03" || b.Precision != "month" {
			t.Errorf("bel-b: %+v", b)
		}
		exported := mustPledger(t, dsn, "export")
		if !strings.HasPrefix(exported, header+"\n") || strings.Contains(exported, "\r") || strings.Contains(exported, bom) {
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

func TestCLIDemoRoundTrip(t *testing.T) {
	dir := t.TempDir()
	demoDSN := "sqlite:" + filepath.Join(dir, "pledger.db")
	var out, errw bytes.Buffer
	if code := run(context.Background(), []string{"demo", "--out", dir}, strings.NewReader(""), &out, &errw); code != 0 {
		t.Fatalf("demo: exit %d\n%s%s", code, out.String(), errw.String())
	}
	if !strings.Contains(out.String(), "63 added") {
		t.Errorf("demo: stdout %q", out.String())
	}
	first := mustPledger(t, demoDSN, "export")
	out.Reset()
	if code := run(context.Background(), []string{"demo", "--out", dir}, strings.NewReader(""), &out, &errw); code != 0 ||
		!strings.Contains(out.String(), "0 added, 63 already there") {
		t.Errorf("demo again: exit %d, stdout %q", code, out.String())
	}
	if again := mustPledger(t, demoDSN, "export"); again != first {
		t.Errorf("demo again changed the export")
	}
	if n := strings.Count(first, "\n"); n != 64 {
		t.Errorf("export of the demo: want header + 63 lines, got %d lines", n)
	}
	exportFile := writeFile(t, "demo-export.csv", first)

	checkSeed := func(t *testing.T, dsn string) {
		t.Helper()
		list := listJSON(t, dsn)
		if len(list) != 63 {
			t.Errorf("list: want 63 entries, got %d", len(list))
		}
		need := list["coal-need-2021-stab"]
		if need.Kind != "need" || need.Party != "COALITION" || need.Amount != "670000000.00" || need.Currency != "USD" ||
			need.Date != "2021" || need.Precision != "year" || need.Qualifier != "exact" ||
			strings.Join(need.Locations, "|") != "IRQ|SYR" || need.End != "" || need.Quantity != 0 {
			t.Errorf("coal-need-2021-stab: %+v", need)
		}
		dep := list["bel-dep-f16"]
		if dep.Kind != "deployment" || dep.Party != "BEL" || dep.Quantity != 4 || dep.Asset != "F-16" ||
			dep.Date != "2021" || dep.End != "2021-10" || dep.Amount != "" || dep.Currency != "" ||
			strings.Join(dep.Locations, "|") != "IRQ|SYR" {
			t.Errorf("bel-dep-f16: %+v", dep)
		}
		com := list["bel-com-2016-stab"]
		if com.Kind != "commitment" || com.Party != "BEL" || com.Qualifier != "at-least" || com.Amount != "18000000.00" ||
			com.Currency != "EUR" || com.Date != "2016" || com.Precision != "year" ||
			strings.Join(com.Sectors, "|") != "reconstruction|demining|camps" || strings.Join(com.Locations, "|") != "IRQ|SYR" {
			t.Errorf("bel-com-2016-stab: %+v", com)
		}
		for _, ref := range []string{"coal-need-2021-stab", "bel-dep-f16", "bel-com-2016-stab"} {
			if !strings.Contains(list[ref].Source, "Sophie Wilmès") {
				t.Errorf("%s: source %q does not cite the announcement", ref, list[ref].Source)
			}
		}
	}
	t.Run("demo ledger", func(t *testing.T) {
		checkSeed(t, demoDSN)
		if res := pledger(t, demoDSN, "verify"); res.code != 0 || !strings.Contains(res.stdout, "ok: 63 revisions") {
			t.Errorf("verify: %s", res)
		}
	})

	storetest.Each(t, func(t *testing.T, engine store.Dialect) {
		dsn := storetest.DSN(t, engine)
		out := mustPledger(t, dsn, "import", exportFile)
		if !strings.Contains(out, "63 rows, 63 added") {
			t.Errorf("import of the export: stdout %q", out)
		}
		second := mustPledger(t, dsn, "export")
		if second != first {
			t.Errorf("export -> import -> export is not byte-identical:\n%s", firstDiff(first, second))
		}
		outFile := filepath.Join(t.TempDir(), "out.csv")
		mustPledger(t, dsn, "export", "--out", outFile)
		if b, err := os.ReadFile(outFile); err != nil || string(b) != first {
			t.Errorf("export --out differs from the first export (err %v):\n%s", err, firstDiff(first, string(b)))
		}
		out = mustPledger(t, dsn, "import", exportFile)
		if !strings.Contains(out, "0 added, 0 amended, 63 unchanged") {
			t.Errorf("second import of the export: stdout %q", out)
		}
		checkSeed(t, dsn)
		if csvList := mustPledger(t, dsn, "list", "--format", "csv"); csvList != first {
			t.Errorf("list --format csv differs from export:\n%s", firstDiff(first, csvList))
		}
	})
}

// firstDiff describes the first differing line of two texts.
func firstDiff(a, b string) string {
	la, lb := strings.Split(a, "\n"), strings.Split(b, "\n")
	for i := 0; i < len(la) || i < len(lb); i++ {
		var x, y string
		if i < len(la) {
			x = la[i]
		}
		if i < len(lb) {
			y = lb[i]
		}
		if x != y {
			return fmt.Sprintf("line %d:\n  want %q\n  got  %q", i+1, clip(x), clip(y))
		}
	}
	return "(no differing line)"
}

// ---------------------------------------------------------------------------
// 6. tamper evidence

// openRaw opens the database behind a --db value directly, as an attacker
// with access to it would.
func openRaw(t *testing.T, engine store.Dialect, dsn string) *sql.DB {
	t.Helper()
	var db *sql.DB
	var err error
	switch engine {
	case store.SQLite:
		db, err = sql.Open("sqlite", strings.TrimPrefix(dsn, "sqlite:"))
	case store.Postgres:
		db, err = sql.Open("postgres", dsn)
	}
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	return db
}

func TestCLIVerifyDetectsTampering(t *testing.T) {
	cases := []struct {
		name string
		sql  string
		ref  string // the ref stderr must name; "" when none can be
	}{
		{"amount changed", `UPDATE revisions SET amount_minor = amount_minor + 1 WHERE ref = 'seed-pledge'`, "seed-pledge"},
		{"note changed", `UPDATE revisions SET note = 'forged' WHERE ref = 'seed-need'`, "seed-need"},
		{"author changed", `UPDATE revisions SET author = 'mallory' WHERE ref = 'seed-dep'`, "seed-dep"},
		{"location changed", `UPDATE revisions SET location = 'IRQ' WHERE ref = 'seed-dep'`, "seed-dep"},
		{"recorded_at changed", `UPDATE revisions SET recorded_at = '2020-01-01T00:00:00.000000Z' WHERE ref = 'seed-need'`, "seed-need"},
		{"last revision deleted", `DELETE FROM revisions WHERE seq = (SELECT max(seq) FROM revisions)`, ""},
		{"middle revision deleted", `DELETE FROM revisions WHERE ref = 'seed-dep'`, ""},
	}
	storetest.Each(t, func(t *testing.T, engine store.Dialect) {
		for _, c := range cases {
			t.Run(c.name, func(t *testing.T) {
				dsn := seedLedger(t, engine)
				mustPledger(t, dsn, "amend", "seed-pledge", "--amount", "6000", "--reason", "correction", "--as", "alice")
				if res := pledger(t, dsn, "verify"); res.code != 0 || !strings.Contains(res.stdout, "ok: 4 revisions") {
					t.Fatalf("verify before tampering: %s", res)
				}
				db := openRaw(t, engine, dsn)
				if _, err := db.Exec(c.sql); err != nil {
					t.Fatalf("%s: %v", c.sql, err)
				}
				db.Close()
				res := pledger(t, dsn, "verify")
				if res.code != 5 {
					t.Errorf("verify after %q: want exit 5, got %s", c.sql, res)
				}
				if c.ref != "" && !strings.Contains(res.stderr, c.ref) {
					t.Errorf("verify: stderr does not name %s:\n%s", c.ref, res.stderr)
				}
			})
		}
	})

	// The demo ledger (always SQLite) is as tamper-evident as any other.
	t.Run("demo ledger amount changed", func(t *testing.T) {
		dir := t.TempDir()
		dsn := "sqlite:" + filepath.Join(dir, "pledger.db")
		mustPledger(t, dsn, "demo", "--out", dir)
		db := openRaw(t, store.SQLite, dsn)
		if _, err := db.Exec(`UPDATE revisions SET amount_minor = amount_minor + 1 WHERE ref = 'bel-com-2016-stab'`); err != nil {
			t.Fatal(err)
		}
		db.Close()
		res := pledger(t, dsn, "verify")
		if res.code != 5 || !strings.Contains(res.stderr, "bel-com-2016-stab") {
			t.Errorf("verify: want exit 5 naming bel-com-2016-stab, got %s", res)
		}
	})
}
