package main

// End-to-end tests of the command line: the demo round trip and tamper detection (helpers in cli_test.go).

import (
	"bytes"
	"context"
	"database/sql"
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
			dep.Date != "unknown" || dep.Precision != "unknown" || dep.End != "2021-10" || dep.Amount != "" || dep.Currency != "" ||
			strings.Join(dep.Locations, "|") != "IRQ|SYR" {
			t.Errorf("bel-dep-f16: %+v", dep)
		}
		com := list["bel-com-2016-stab"]
		if com.Kind != "commitment" || com.Party != "BEL" || com.Qualifier != "at-least" || com.Amount != "18000000.00" ||
			com.Currency != "EUR" || com.Date != "2016" || com.Precision != "year" ||
			strings.Join(com.Sectors, "|") != "camps|demining|reconstruction" || strings.Join(com.Locations, "|") != "IRQ|SYR" {
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

// stateOf is the ledger state a report's footer names (SEQ:HASH).
func stateOf(t *testing.T, report string) string {
	t.Helper()
	for _, line := range strings.Split(report, "\n") {
		if v, ok := strings.CutPrefix(line, "Ledger state: "); ok {
			return strings.TrimSpace(v)
		}
	}
	t.Fatalf("no ledger state in:\n%s", report)
	return ""
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
				first := pledger(t, dsn, "report", "deployments")
				if first.code != 0 {
					t.Fatalf("report: %s", first)
				}
				state := stateOf(t, first.stdout)
				if res := pledger(t, dsn, "verify", "--head", state); res.code != 0 || !strings.Contains(res.stdout, "the ledger holds state "+state) {
					t.Errorf("verify --head %s before tampering: %s", state, res)
				}
				other := state[:strings.Index(state, ":")+1] + strings.Repeat("0", 64)
				if res := pledger(t, dsn, "verify", "--head", other); res.code != 5 {
					t.Errorf("verify --head with a state the ledger does not hold: want exit 5, got %s", res)
				}
				if _, err := openRaw(t, engine, dsn).Exec(`UPDATE verification SET failure = ''`); err != nil {
					t.Fatal(err)
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
				// A report on a ledger known to fail is refused, unless
				// allowed, and then marked as such.
				rep := pledger(t, dsn, "report", "deployments")
				if rep.code != 5 || !strings.Contains(rep.stderr, "failed verification") || !strings.Contains(rep.stderr, "--allow-unverified") {
					t.Errorf("report after tampering: want exit 5 and the failure, got %s", rep)
				}
				rep = pledger(t, dsn, "report", "deployments", "--allow-unverified")
				if rep.code != 0 || !strings.Contains(rep.stdout, "made from a ledger that failed verification") || !strings.Contains(rep.stdout, "Verified: NO") {
					t.Errorf("report --allow-unverified: want it marked, got %s", rep)
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
