package main

// End-to-end tests of the pledger command line, through run(...), on every
// engine (storetest.Each: SQLite always, PostgreSQL when
// PLEDGER_TEST_POSTGRES is set). Every test drives the CLI exactly as a user
// would: arguments in, exit code, standard output and standard error out.

import (
	"bytes"
	"context"
	"encoding/csv"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
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
	Ref          string   `json:"ref"`
	Kind         string   `json:"kind"`
	Party        string   `json:"party"`
	Date         string   `json:"date"`
	Precision    string   `json:"date_precision"`
	End          string   `json:"end"`
	Amount       string   `json:"amount"`
	Currency     string   `json:"currency"`
	Qualifier    string   `json:"qualifier"`
	Quantity     int64    `json:"quantity"`
	Asset        string   `json:"asset"`
	Sectors      []string `json:"sectors"`
	Locations    []string `json:"locations"`
	Toward       string   `json:"toward"`
	Fulfils      string   `json:"fulfils"`
	Source       string   `json:"source"`
	Note         string   `json:"note"`
	Revision     int      `json:"revision"`
	RecordedAt   string   `json:"recorded_at"`
	Author       string   `json:"recorded_by"`
	Illustrative bool     `json:"illustrative"`
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

// header is the CSV header before the illustrative column: the input files
// of these tests use it, as files written then do (and must still import).
const header = "ref,kind,party,date,end,amount,currency,qualifier,quantity,asset,sector,location,toward,fulfils,source,note"

// exportHeader is the header export writes.
const exportHeader = header + ",illustrative,title"

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
