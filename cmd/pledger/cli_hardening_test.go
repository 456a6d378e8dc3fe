package main

// Tests of issue #15's hardening on the command line: a file bad
// everywhere prints the first problems and how many more.

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/coalition/pledger/internal/store"
	"github.com/coalition/pledger/internal/store/storetest"
)

// Finding 9: an import bad in thousands of rows prints the first 100
// problems and how many more, in the error and in a dry run's list.
func TestImportPrintsCappedProblems(t *testing.T) {
	storetest.Each(t, func(t *testing.T, engine store.Dialect) {
		dsn := storetest.DSN(t, engine)
		mustPledger(t, dsn, "init")
		var b strings.Builder
		b.WriteString("ref,kind,party,date,amount,currency\n")
		for i := range 3000 {
			fmt.Fprintf(&b, "bad-%d,pledge,XXX,2021,5,EUR\n", i)
		}
		file := filepath.Join(t.TempDir(), "bad.csv")
		if err := os.WriteFile(file, []byte(b.String()), 0o644); err != nil {
			t.Fatal(err)
		}
		r := pledger(t, dsn, "import", file)
		lines := strings.Count(r.stderr, "\n")
		if r.code != 2 || lines > maxPrintedProblems+2 || !strings.Contains(r.stderr, "... and 2900 more problems") {
			t.Errorf("import of 3000 bad rows: exit %d, %d lines of errors:\n%s", r.code, lines, clip(r.stderr[max(0, len(r.stderr)-300):]))
		}
		r = pledger(t, dsn, "import", file, "--dry-run")
		if n := strings.Count(r.stdout, "refused"); r.code != 2 || n > maxPrintedProblems || !strings.Contains(r.stdout, "900 more rows not listed") {
			t.Errorf("dry run of 3000 bad rows: exit %d, %d rows listed:\n%s", r.code, n, clip(r.stdout[max(0, len(r.stdout)-300):]))
		}
		// A header of a million unknown columns: one problem.
		wide := "ref,kind,party,date,amount,currency" + strings.Repeat(",x", 1_000_000) + "\n"
		if err := os.WriteFile(file, []byte(wide), 0o644); err != nil {
			t.Fatal(err)
		}
		r = pledger(t, dsn, "import", file)
		if r.code != 2 || len(r.stderr) > 2000 || !strings.Contains(r.stderr, "the header has 1000006 columns") {
			t.Errorf("a million columns: %s", r)
		}
	})
}
