package main

// End-to-end tests of the command line with Excel workbooks: import FILE.xlsx
// and template --format xlsx (helpers in cli_test.go).

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/coalition/pledger/internal/store"
	"github.com/coalition/pledger/internal/store/storetest"
	"github.com/xuri/excelize/v2"
)

// saveBook writes a one-sheet workbook (sheet Blad1) of rows to name in a
// fresh directory; a cell value starting with '=' is a formula.
func saveBook(t *testing.T, name string, rows ...[]any) string {
	t.Helper()
	f := excelize.NewFile()
	defer f.Close()
	if err := f.SetSheetName("Sheet1", "Blad1"); err != nil {
		t.Fatal(err)
	}
	for i, r := range rows {
		for j, v := range r {
			cell, _ := excelize.CoordinatesToCellName(j+1, i+1)
			var err error
			if s, ok := v.(string); ok && strings.HasPrefix(s, "=") {
				err = f.SetCellFormula("Blad1", cell, s[1:])
			} else {
				err = f.SetCellValue("Blad1", cell, v)
			}
			if err != nil {
				t.Fatal(err)
			}
		}
	}
	p := filepath.Join(t.TempDir(), name)
	if err := f.SaveAs(p); err != nil {
		t.Fatal(err)
	}
	return p
}

var bookHeader = []any{"ref", "kind", "party", "date", "end", "amount", "currency", "toward"}

func TestCLIImportXLSX(t *testing.T) {
	storetest.Each(t, func(t *testing.T, engine store.Dialect) {
		dsn := storetest.DSN(t, engine)
		good := saveBook(t, "belgie.xlsx", bookHeader,
			[]any{"xl-need", "need", "COALITION", 2021, "", 670000000, "USD"},
			[]any{"xl-pledge", "pledge", "BEL", "15/09/2021", "", "1.250.000,50", "EUR", "xl-need"})

		out := mustPledger(t, dsn, "import", good, "--dry-run")
		if !strings.Contains(out, "2 rows, 2 added") {
			t.Fatalf("dry run: %s", out)
		}
		if got := listJSON(t, dsn); len(got) != 0 {
			t.Fatalf("the dry run wrote %v", got)
		}
		out = mustPledger(t, dsn, "import", good)
		if !strings.Contains(out, "imported "+good+": 2 rows, 2 added, 0 amended, 0 unchanged") {
			t.Fatalf("import: %s", out)
		}
		got := listJSON(t, dsn)
		if p := got["xl-pledge"]; p.Date != "2021-09-15" || p.Amount != "1250000.50" || p.Currency != "EUR" || p.Toward != "xl-need" {
			t.Errorf("xl-pledge: %+v", p)
		}
		if n := got["xl-need"]; n.Date != "2021" || n.Amount != "670000000.00" {
			t.Errorf("xl-need: %+v", n)
		}
		if out := mustPledger(t, dsn, "import", good); !strings.Contains(out, "0 added, 0 amended, 2 unchanged") {
			t.Fatalf("re-import: %s", out)
		}

		// A formula and a bad row: nothing is written, every problem is named
		// by its cell, exit 2.
		before := snapshot(t, dsn)
		bad := saveBook(t, "bad.xlsx", bookHeader,
			[]any{"xl-2", "pledge", "BEL", "2021", "", 10, "EUR"},
			[]any{"xl-3", "pledge", "BEL", "2021", "", "=F2*2", "EUR"},
			[]any{"xl-4", "pledge", "BEL", "31/02/2021", "", 10, "EUR"})
		r := pledger(t, dsn, "import", bad)
		if r.code != 2 || !strings.Contains(r.stderr, bad+":Blad1!F3: amount: a formula (=F2*2): paste its value instead") ||
			!strings.Contains(r.stderr, bad+`:Blad1!D4: date: "31/02/2021" is not a day`) {
			t.Fatalf("bad workbook: %s", r)
		}
		assertUnchanged(t, dsn, before)

		// A changed row is refused with the CLI's hint, then recorded with --amend.
		changed := saveBook(t, "belgie.xlsx", bookHeader,
			[]any{"xl-need", "need", "COALITION", 2021, "", 670000000, "USD"},
			[]any{"xl-pledge", "pledge", "BEL", "15/09/2021", "", "1.300.000,00", "EUR", "xl-need"})
		r = pledger(t, dsn, "import", changed)
		if r.code != 2 || !strings.Contains(r.stderr, changed+`:Blad1!A3: ref: "xl-pledge" is already in the ledger with different content (amount 1250000.50 -> 1300000.00): run `+"`pledger import FILE --amend --reason") {
			t.Fatalf("changed row: %s", r)
		}
		if out := mustPledger(t, dsn, "import", changed, "--amend", "--reason", "budget review"); !strings.Contains(out, "1 amended") {
			t.Fatalf("--amend: %s", out)
		}
		if p := listJSON(t, dsn)["xl-pledge"]; p.Amount != "1300000.00" || p.Revision != 2 {
			t.Errorf("after --amend: %+v", p)
		}
	})
}

func TestCLIImportXLSXInputs(t *testing.T) {
	dsn := storetest.DSN(t, store.SQLite)
	csv := writeFile(t, "a.csv", header+"\n"+row(goodPledge))
	if r := pledger(t, dsn, "import", csv, "--sheet", "Blad1"); r.code != 2 || !strings.Contains(r.stderr, "--sheet is for an Excel workbook") {
		t.Errorf("--sheet with a CSV file: %s", r)
	}
	xls := writeFile(t, "old.xls", "\xD0\xCF\x11\xE0\xA1\xB1\x1A\xE1 and more")
	if r := pledger(t, dsn, "import", xls); r.code != 2 || !strings.Contains(r.stderr, xls+": an Excel 97-2003 (.xls)") {
		t.Errorf(".xls: %s", r)
	}
	notZip := writeFile(t, "broken.xlsx", "ref,kind\n")
	if r := pledger(t, dsn, "import", notZip); r.code != 2 || !strings.Contains(r.stderr, notZip+": not an XLSX workbook") {
		t.Errorf("a broken .xlsx: %s", r)
	}
	// The sheet to read, by name; a workbook named .csv is still a workbook.
	book := saveBook(t, "two.xlsx", []any{"notes"})
	f, err := excelize.OpenFile(book)
	if err != nil {
		t.Fatal(err)
	}
	f.NewSheet("Toezeggingen")
	f.SetSheetRow("Toezeggingen", "A1", &bookHeader)
	f.SetSheetRow("Toezeggingen", "A2", &[]any{"xl-s", "pledge", "BEL", "2021-10", "", 2500000, "EUR"})
	if err := f.Save(); err != nil {
		t.Fatal(err)
	}
	f.Close()
	p := filepath.Join(filepath.Dir(book), "two.csv")
	if err := os.Rename(book, p); err != nil {
		t.Fatal(err)
	}
	if r := pledger(t, dsn, "import", p); r.code != 2 || !strings.Contains(r.stderr, p+":Blad1!A1:A1: ref: missing required column ref") {
		t.Errorf("the first sheet: %s", r)
	}
	if out := mustPledger(t, dsn, "import", p, "--sheet", "Toezeggingen"); !strings.Contains(out, "1 added") {
		t.Errorf("--sheet: %s", out)
	}
}

func TestCLITemplate(t *testing.T) {
	storetest.Each(t, func(t *testing.T, engine store.Dialect) {
		dsn := storetest.DSN(t, engine)
		mustPledger(t, dsn, "party", "add", "BE-DGD", "--name", "Directie-generaal Ontwikkelingssamenwerking")
		out := filepath.Join(t.TempDir(), "boekingen.xlsx")
		r := pledger(t, dsn, "template", "--format", "xlsx", "--lang", "nl", "--out", out)
		if r.code != 0 || !strings.Contains(r.stderr, "wrote "+out+": fill in the sheet Boekingen") {
			t.Fatalf("template: %s", r)
		}
		f, err := excelize.OpenFile(out)
		if err != nil {
			t.Fatal(err)
		}
		if got := strings.Join(f.GetSheetList(), ","); got != "Boekingen,Instructies,Lijsten" {
			t.Errorf("sheets: %s", got)
		}
		codes, _ := f.GetCols("Lijsten")
		if parties := strings.Join(codes[3], ","); !strings.Contains(parties, "BE-DGD") || !strings.Contains(parties, "BEL") {
			t.Errorf("the party list is not the ledger's: %.200s", parties)
		}
		if names := strings.Join(codes[4], ","); !strings.Contains(names, "België") {
			t.Errorf("party names not in Dutch: %.200s", names)
		}
		f.SetSheetRow("Boekingen", "A2", &[]any{"tpl-1", "pledge", "BE-DGD", "15/09/2021", "", "2.500.000,00", "EUR"})
		if err := f.Save(); err != nil {
			t.Fatal(err)
		}
		f.Close()
		if out := mustPledger(t, dsn, "import", out); !strings.Contains(out, "1 rows, 1 added") {
			t.Fatalf("import of the filled template: %s", out)
		}
		if p := listJSON(t, dsn)["tpl-1"]; p.Party != "BE-DGD" || p.Date != "2021-09-15" || p.Amount != "2500000.00" {
			t.Errorf("tpl-1: %+v", p)
		}

		// Standard output, when it is not a terminal; bad flags are usage errors.
		r = pledger(t, dsn, "template")
		if r.code != 0 || !strings.HasPrefix(r.stdout, "PK\x03\x04") {
			t.Errorf("template to stdout: exit %d, %d bytes", r.code, len(r.stdout))
		}
		for _, args := range [][]string{{"template", "--format", "csv"}, {"template", "--lang", "de"}} {
			if r := pledger(t, dsn, args...); r.code != 2 {
				t.Errorf("%v: %s", args, r)
			}
		}
	})
}

// TestCLITemplateWithoutLedger: with no ledger given, the template offers
// the built-in parties and no ledger file is created.
func TestCLITemplateWithoutLedger(t *testing.T) {
	dir := t.TempDir()
	t.Chdir(dir)
	t.Setenv("PLEDGER_DB", "")
	var stdout, stderr bytes.Buffer
	if code := run(context.Background(), []string{"template", "--out", "t.xlsx"}, strings.NewReader(""), &stdout, &stderr); code != 0 {
		t.Fatalf("exit %d: %s", code, stderr.String())
	}
	if _, err := os.Stat(filepath.Join(dir, "pledger.db")); err == nil {
		t.Error("writing a template created a ledger")
	}
	f, err := excelize.OpenFile(filepath.Join(dir, "t.xlsx"))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	codes, _ := f.GetCols("Lists")
	if parties := strings.Join(codes[3], ","); !strings.Contains(parties, ",BEL,") || !strings.Contains(parties, ",NATO,") {
		t.Errorf("built-in parties: %.200s", parties)
	}
}
