package main

// End-to-end tests of corrections by import (helpers in cli_test.go).

import (
	"os"
	"strings"
	"testing"

	"github.com/coalition/pledger/internal/store"
	"github.com/coalition/pledger/internal/store/storetest"
)

// TestCLIImportAmendColumns: a six-column corrections file changes what it
// states and nothing else; --dry-run lists every row field by field;
// --amend without --reason is a usage error; an empty cell in a present
// column clears the field.
func TestCLIImportAmendColumns(t *testing.T) {
	storetest.Each(t, func(t *testing.T, engine store.Dialect) {
		dsn := storetest.DSN(t, engine)
		seed := writeFile(t, "seed.csv", header+"\n"+
			row(map[string]string{"ref": "need-a", "kind": "need", "party": "COALITION", "date": "2021",
				"amount": "1000000.00", "currency": "USD", "sector": "stabilisation", "location": "IRQ;SYR"})+
			row(map[string]string{"ref": "pledge-a", "kind": "pledge", "party": "BEL", "date": "2021-03",
				"amount": "1000.00", "currency": "EUR", "toward": "need-a", "sector": "demining", "location": "IRQ;SYR",
				"source": "Ministry, 2021", "note": "x"}))
		mustPledger(t, dsn, "import", seed)
		six := writeFile(t, "corrections.csv", "ref,kind,party,date,amount,currency\n"+
			"need-a,need,COALITION,2021,1000000.00,USD\n"+
			"pledge-a,pledge,BEL,2021-03,2500.00,EUR\n"+
			"pledge-b,pledge,NLD,2021,10.00,EUR\n"+
			"pledge-c,pledge,XXX,2021,10.00,EUR\n")
		before := snapshot(t, dsn)

		res := pledger(t, dsn, "import", six, "--amend")
		if res.code != 2 || !strings.Contains(res.stderr, "--reason") || res.stdout != "" {
			t.Errorf("--amend without --reason: want exit 2 naming --reason, got %s", res)
		}
		assertUnchanged(t, dsn, before)

		res = pledger(t, dsn, "import", six, "--amend", "--reason", "Q3 reconciliation", "--dry-run")
		if res.code != 2 || !strings.Contains(res.stderr, six+":5: party: ") {
			t.Errorf("dry run with a bad row: want exit 2 and line 5 refused, got %s", res)
		}
		for _, want := range []string{
			"line 2  need-a    unchanged",
			"line 3  pledge-a  amend: amount 1000.00 -> 2500.00\n",
			"line 4  pledge-b  new",
			"line 5  pledge-c  refused: party: unknown party",
		} {
			if !strings.Contains(res.stdout, want) {
				t.Errorf("dry run lacks %q:\n%s", want, res.stdout)
			}
		}
		assertUnchanged(t, dsn, before)

		good := writeFile(t, "corrections-2.csv", strings.Join(strings.SplitAfter(mustRead(t, six), "\n")[:4], ""))
		out := mustPledger(t, dsn, "import", good, "--amend", "--reason", "Q3 reconciliation", "--dry-run")
		if !strings.Contains(out, "amend: amount 1000.00 -> 2500.00") ||
			!strings.Contains(out, "checked (dry run, nothing written) "+good+": 3 rows, 1 added, 1 amended, 1 unchanged") {
			t.Errorf("dry run: %s", out)
		}
		assertUnchanged(t, dsn, before)

		out = mustPledger(t, dsn, "import", good, "--amend", "--reason", "Q3 reconciliation")
		if !strings.Contains(out, "3 rows, 1 added, 1 amended, 1 unchanged") || strings.Contains(out, "line ") {
			t.Errorf("import --amend: %s", out)
		}
		p := listJSON(t, dsn)["pledge-a"]
		if p.Amount != "2500.00" || p.Toward != "need-a" || strings.Join(p.Sectors, ";") != "demining" ||
			strings.Join(p.Locations, ";") != "IRQ;SYR" || p.Source != "Ministry, 2021" || p.Note != "x" || p.Revision != 2 {
			t.Errorf("pledge-a after a six-column correction: %+v", p)
		}

		clear := writeFile(t, "clear.csv", "ref,kind,party,date,note\npledge-a,pledge,BEL,2021-03,\n")
		out = mustPledger(t, dsn, "import", clear, "--amend", "--reason", "note withdrawn", "--dry-run")
		if !strings.Contains(out, `amend: note "x" -> ""`) {
			t.Errorf("dry run of a cleared note: %s", out)
		}
		mustPledger(t, dsn, "import", clear, "--amend", "--reason", "note withdrawn")
		if p := listJSON(t, dsn)["pledge-a"]; p.Note != "" || p.Source != "Ministry, 2021" || p.Amount != "2500.00" {
			t.Errorf("pledge-a after clearing the note: %+v", p)
		}
		if res := pledger(t, dsn, "verify"); res.code != 0 {
			t.Errorf("verify: %s", res)
		}
	})
}

func mustRead(t *testing.T, path string) string {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}
