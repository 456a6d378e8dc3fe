package main

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/coalition/pledger/internal/store"
	"github.com/coalition/pledger/internal/store/storetest"
)

// TestGenLedger: gen-ledger is not in the help, writes the same files for
// the same seed, and what it writes imports with pledger import, all of it,
// without a warning, on every engine, into a ledger that verifies.
func TestGenLedger(t *testing.T) {
	var out, errw bytes.Buffer
	if code := run(context.Background(), []string{"--help"}, strings.NewReader(""), &out, &errw); code != 0 {
		t.Fatalf("--help: exit %d: %s", code, errw.String())
	}
	if strings.Contains(out.String(), "gen-ledger") {
		t.Errorf("pledger --help lists gen-ledger, a developers' command:\n%s", out.String())
	}
	dir := t.TempDir()
	gen := func(sub string) string {
		t.Helper()
		d := filepath.Join(dir, sub)
		r := pledger(t, filepath.Join(dir, "unused.db"), "gen-ledger", "--entries", "600", "--needs", "50", "--seed", "9", "--out", d)
		if r.code != 0 || !strings.Contains(r.stdout, "600 entries (50 needs") {
			t.Fatalf("gen-ledger: %s", r)
		}
		return d
	}
	a, b := gen("a"), gen("b")
	for _, f := range []string{"entries.csv", "rates.csv"} {
		x, _ := os.ReadFile(filepath.Join(a, f))
		y, _ := os.ReadFile(filepath.Join(b, f))
		if len(x) == 0 || !bytes.Equal(x, y) {
			t.Errorf("%s: the same seed gave different files (%d and %d bytes)", f, len(x), len(y))
		}
	}
	if r := pledger(t, filepath.Join(dir, "unused.db"), "gen-ledger", "--entries", "10", "--needs", "11", "--out", filepath.Join(dir, "c")); r.code != 2 {
		t.Errorf("11 needs in 10 entries: want exit 2, got %s", r)
	}
	storetest.Each(t, func(t *testing.T, engine store.Dialect) {
		dsn := storetest.DSN(t, engine)
		r := pledger(t, dsn, "import", filepath.Join(a, "entries.csv"))
		if r.code != 0 || !strings.Contains(r.stdout, "600 rows, 600 added") || r.stderr != "" {
			t.Fatalf("import: %s", r)
		}
		if v := pledger(t, dsn, "verify"); v.code != 0 || !strings.Contains(v.stdout, "ok: 600 revisions") {
			t.Fatalf("verify: %s", v)
		}
	})
}
