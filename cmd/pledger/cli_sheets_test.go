package main

// Spreadsheets from the command line: reports as xlsx and as CSV, one
// table per file, in the default and the excel-be dialect; formula-like
// text in exports.

import (
	"bytes"
	"context"
	"encoding/csv"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/coalition/pledger/internal/store"
	"github.com/coalition/pledger/internal/store/storetest"
	"github.com/shopspring/decimal"
	"github.com/xuri/excelize/v2"
)

// demoLedger makes the demo ledger in a temp dir and returns its DSN.
func demoLedger(t *testing.T) string {
	t.Helper()
	dir := t.TempDir()
	var out, errw bytes.Buffer
	if code := run(context.Background(), []string{"demo", "--out", dir}, strings.NewReader(""), &out, &errw); code != 0 {
		t.Fatalf("demo: exit %d\n%s%s", code, out.String(), errw.String())
	}
	return "sqlite:" + filepath.Join(dir, "pledger.db")
}

func readCSV(t *testing.T, text string, comma rune) [][]string {
	t.Helper()
	r := csv.NewReader(strings.NewReader(strings.TrimPrefix(text, "\uFEFF")))
	r.Comma = comma
	recs, err := r.ReadAll() // one table: every record as wide as the header
	if err != nil {
		t.Fatalf("%v in\n%s", err, text)
	}
	return recs
}

// TestCLIReportXLSXFiguresAreExact: the xlsx of a report, opened by
// excelize, holds every figure the CSV of the same report holds, as a
// number, exactly (a percentage as its fraction); and the workbook is the
// same bytes each time.
func TestCLIReportXLSXFiguresAreExact(t *testing.T) {
	dsn := demoLedger(t)
	dir := t.TempDir()
	for _, c := range []struct {
		args   []string
		sheets int
	}{
		{[]string{"coverage", "--currency", "USD"}, 1},
		{[]string{"summary", "--currency", "EUR", "--lang", "nl"}, 2},
		{[]string{"party", "BEL", "--currency", "JPY", "--lang", "fr"}, 5},
		{[]string{"deployments"}, 2},
	} {
		path := filepath.Join(dir, c.args[0]+".xlsx")
		mustPledger(t, dsn, append(append([]string{"report"}, c.args...), "--format", "xlsx", "--out", path)...)
		data, err := os.ReadFile(path)
		if err != nil {
			t.Fatal(err)
		}
		if again := mustPledger(t, dsn, append(append([]string{"report"}, c.args...), "--format", "xlsx")...); again != string(data) {
			t.Errorf("%v: the workbook on standard output differs from --out's, or two runs differ", c.args)
		}
		f, err := excelize.OpenReader(bytes.NewReader(data))
		if err != nil {
			t.Fatalf("%v: %v", c.args, err)
		}
		sheets := f.GetSheetList()
		if len(sheets) != c.sheets+1 {
			t.Fatalf("%v: sheets %q", c.args, sheets)
		}
		// The same report as CSV, table by table: the CSV's columns are the
		// sheet's, in the same order.
		keys := strings.Split(strings.TrimSpace(tablesOf(t, dsn, c.args)), ",")
		figures := 0
		for i, key := range keys {
			want := readCSV(t, mustPledger(t, dsn, append(append([]string{"report"}, c.args...), "--format", "csv", "--table", key)...), ',')
			rows, err := f.GetRows(sheets[i], excelize.Options{RawCellValue: true})
			if err != nil {
				t.Fatal(err)
			}
			if len(rows) != len(want) {
				t.Fatalf("%v %s: %d rows, the CSV has %d", c.args, key, len(rows), len(want))
			}
			for r := 1; r < len(want); r++ {
				for j, w := range want[r] {
					ref, _ := excelize.CoordinatesToCellName(j+1, r+1)
					wd, err := decimal.NewFromString(w)
					col := want[0][j]
					if err != nil || strings.HasSuffix(col, "_qualifier") || col == "year" || col == "date" || col == "period" || col == "start" || col == "end" {
						continue
					}
					got := ""
					if j < len(rows[r]) {
						got = rows[r][j]
					}
					typ, _ := f.GetCellType(sheets[i], ref)
					gd, err := decimal.NewFromString(got)
					if col == "covered" || col == "share" {
						wd = wd.Shift(-2)
					}
					if err != nil || !gd.Equal(wd) || (typ != excelize.CellTypeUnset && typ != excelize.CellTypeNumber) {
						t.Errorf("%v %s!%s (%s): %q (type %v), want the number %s", c.args, sheets[i], ref, col, got, typ, wd)
					}
					figures++
				}
			}
		}
		if figures < 10 {
			t.Errorf("%v: only %d figures compared", c.args, figures)
		}
		f.Close()
	}
}

// tablesOf lists a report's tables, as the error of a CSV without --table
// names them ("" for a report of one table).
func tablesOf(t *testing.T, dsn string, args []string) string {
	t.Helper()
	res := pledger(t, dsn, append(append([]string{"report"}, args...), "--format", "csv")...)
	if res.code == 0 {
		return args[0]
	}
	_, rest, _ := strings.Cut(res.stderr, "tables (")
	list, _, _ := strings.Cut(rest, ")")
	return strings.ReplaceAll(list, ", ", ",")
}

// TestCLIReportCSVOneTable: a CSV holds one table; a report of several
// needs --table, or --out DIR for a file per table; nothing is written on
// a refusal.
func TestCLIReportCSVOneTable(t *testing.T) {
	dsn := demoLedger(t)
	res := pledger(t, dsn, "report", "summary", "--format", "csv")
	if res.code != 2 || res.stdout != "" || !strings.Contains(res.stderr, "report summary has 2 tables (summary, balance)") ||
		!strings.Contains(res.stderr, "--table summary") || !strings.Contains(res.stderr, "--out DIR") {
		t.Errorf("several tables, none named: %s", res)
	}
	dir := t.TempDir()
	if res := pledger(t, dsn, "report", "summary", "--format", "csv", "--out", filepath.Join(dir, "s.csv")); res.code != 2 {
		t.Errorf("several tables into one .csv: %s", res)
	}
	for _, bad := range [][]string{
		{"report", "summary", "--format", "csv", "--table", "nope"},
		{"report", "summary", "--format", "csv", "--table", "balance", "--csv-dialect", "semicolon"},
		{"report", "summary", "--format", "md", "--table", "balance"},
		{"report", "summary", "--format", "html", "--csv-dialect", "excel-be"},
	} {
		if res := pledger(t, dsn, bad...); res.code != 2 || res.stdout != "" || res.stderr == "" {
			t.Errorf("%v: %s", bad, res)
		}
	}
	if entries, _ := os.ReadDir(dir); len(entries) != 0 {
		t.Errorf("a refused command wrote %v", entries)
	}

	balance := mustPledger(t, dsn, "report", "summary", "--format", "csv", "--table", "balance")
	recs := readCSV(t, balance, ',')
	if strings.Join(recs[0], ",") != "party,pledged,pledged_qualifier,disbursed,disbursed_qualifier,outstanding,outstanding_qualifier,currency" {
		t.Errorf("balance header %q", recs[0])
	}
	for _, bad := range []string{"note", "provenance", "Amounts in", "\n\n"} {
		if strings.Contains(balance, bad) {
			t.Errorf("%q in the CSV:\n%s", bad, balance)
		}
	}

	out := filepath.Join(dir, "summary")
	res = pledger(t, dsn, "report", "summary", "--format", "csv", "--csv-dialect", "excel-be", "--out", out)
	if res.code != 0 || !strings.Contains(res.stderr, "wrote "+filepath.Join(out, "summary-balance.csv")) {
		t.Fatalf("--out DIR: %s", res)
	}
	entries, _ := os.ReadDir(out)
	if len(entries) != 2 || entries[0].Name() != "summary-balance.csv" || entries[1].Name() != "summary-summary.csv" {
		t.Errorf("--out DIR wrote %v", entries)
	}
	b, _ := os.ReadFile(filepath.Join(out, "summary-balance.csv"))
	if want := mustPledger(t, dsn, "report", "summary", "--format", "csv", "--table", "balance", "--csv-dialect", "excel-be"); string(b) != want {
		t.Errorf("--out DIR's file differs from --table's:\n%s\n%s", b, want)
	}
	party := filepath.Join(dir, "bel")
	mustPledger(t, dsn, "report", "party", "BEL", "--format", "csv", "--out", party)
	if entries, _ := os.ReadDir(party); len(entries) != 5 || entries[0].Name() != "party-BEL-by_kind.csv" {
		t.Errorf("party BEL --out DIR wrote %v", entries)
	}
	// --out naming a folder (existing, or ending in a separator) puts the
	// table there under the report's name.
	mustPledger(t, dsn, "report", "coverage", "--format", "csv", "--out", filepath.Join(dir, "new")+string(filepath.Separator))
	mustPledger(t, dsn, "report", "summary", "--format", "csv", "--table", "balance", "--out", filepath.Join(dir, "new"))
	if entries, _ := os.ReadDir(filepath.Join(dir, "new")); len(entries) != 2 || entries[0].Name() != "coverage.csv" || entries[1].Name() != "summary-balance.csv" {
		t.Errorf("--out DIR with one table wrote %v", entries)
	}
	if one := mustPledger(t, dsn, "report", "coverage", "--format", "csv"); !strings.HasPrefix(one, "need,need_title,party,date,sector,needed,needed_qualifier,") {
		t.Errorf("a report of one table: %q", one[:min(len(one), 200)])
	}
}

// TestCLIReportCSVExcelBE: the excel-be dialect opens in Excel's Belgian
// settings as one clean table: a byte-order mark, ';', a decimal comma,
// CRLF line ends.
func TestCLIReportCSVExcelBE(t *testing.T) {
	dsn := demoLedger(t)
	be := mustPledger(t, dsn, "report", "coverage", "--format", "csv", "--csv-dialect", "excel-be", "--lang", "nl")
	plain := mustPledger(t, dsn, "report", "coverage", "--format", "csv", "--lang", "nl")
	if !strings.HasPrefix(be, "\uFEFFneed;need_title;party;date;sector;needed;needed_qualifier;") {
		t.Errorf("no BOM or no ';' header: %q", be[:min(len(be), 80)])
	}
	if strings.Count(be, "\r\n") != strings.Count(be, "\n") {
		t.Errorf("not every line ends in CRLF")
	}
	got, want := readCSV(t, be, ';'), readCSV(t, plain, ',')
	if len(got) != len(want) || len(got) < 3 {
		t.Fatalf("%d records, the default dialect has %d", len(got), len(want))
	}
	for i := range want {
		for j := range want[i] {
			w := want[i][j]
			if _, err := decimal.NewFromString(w); err == nil && i > 0 {
				w = strings.Replace(w, ".", ",", 1)
			}
			if got[i][j] != w {
				t.Errorf("record %d field %d: %q, want %q", i, j, got[i][j], w)
			}
		}
	}
	if !strings.Contains(be, ";670000000,00;;") {
		t.Errorf("no decimal comma in\n%s", be)
	}
}

// TestCLIReportXLSXNotForATerminal: a workbook is refused on a terminal,
// with the way to write it.
func TestCLIReportXLSXNotForATerminal(t *testing.T) {
	dsn := demoLedger(t)
	asTerminal(t)
	res := pledger(t, dsn, "report", "coverage", "--format", "xlsx")
	if res.code != 2 || res.stdout != "" || !strings.Contains(res.stderr, "--out FILE.xlsx") {
		t.Errorf("xlsx to a terminal: %s", res)
	}
	path := filepath.Join(t.TempDir(), "c.xlsx")
	mustPledger(t, dsn, "report", "coverage", "--format", "xlsx", "--out", path)
	if b, err := os.ReadFile(path); err != nil || !bytes.HasPrefix(b, []byte("PK")) {
		t.Errorf("--out on a terminal: %v", err)
	}
}

// TestCLIExportNeutralisesFormulas: text that a spreadsheet would run as
// a formula is exported with a quote in front, imported without it, and
// export -> import -> export stays byte-identical. (Sectors are codes of
// the vocabulary, so none reads as a formula.)
func TestCLIExportNeutralisesFormulas(t *testing.T) {
	storetest.Each(t, func(t *testing.T, engine store.Dialect) {
		dsn := storetest.DSN(t, engine)
		f := writeFile(t, "formulas.csv", header+"\n"+
			row(with(goodPledge, "ref", "f-1", "note", "=1+1", "source", "@SUM(A1)"))+
			row(with(goodPledge, "ref", "f-2", "note", "'=HYPERLINK(\"x\")", "source", "plain"))+
			row(with(goodPledge, "ref", "f-3", "note", "''-1", "asset", "")))
		mustPledger(t, dsn, "import", f)
		list := listJSON(t, dsn)
		if n := list["f-1"]; n.Note != "=1+1" || n.Source != "@SUM(A1)" {
			t.Errorf("f-1 as stored: %+v", n)
		}
		if n := list["f-2"]; n.Note != "=HYPERLINK(\"x\")" {
			t.Errorf("f-2: a neutralised note is restored on import: %q", n.Note)
		}
		if n := list["f-3"]; n.Note != "'-1" {
			t.Errorf("f-3: %q", n.Note)
		}
		first := mustPledger(t, dsn, "export")
		recs := readCSV(t, first, ',')
		byRef := map[string][]string{}
		for _, r := range recs[1:] {
			byRef[r[0]] = r
		}
		col := func(name string) int {
			for i, c := range recs[0] {
				if c == name {
					return i
				}
			}
			t.Fatalf("no column %s", name)
			return -1
		}
		for _, c := range []struct{ ref, col, want string }{
			{"f-1", "note", "'=1+1"}, {"f-1", "source", "'@SUM(A1)"},
			{"f-2", "note", "'=HYPERLINK(\"x\")"}, {"f-2", "source", "plain"}, {"f-3", "note", "''-1"}, {"f-1", "amount", "1000.00"},
		} {
			if got := byRef[c.ref][col(c.col)]; got != c.want {
				t.Errorf("export %s %s: %q, want %q", c.ref, c.col, got, c.want)
			}
		}
		again := storetest.DSN(t, engine)
		mustPledger(t, again, "import", writeFile(t, "export.csv", first))
		if second := mustPledger(t, again, "export"); second != first {
			t.Errorf("export -> import -> export is not byte-identical:\n%s\n%s", first, second)
		}
		if out := mustPledger(t, dsn, "import", writeFile(t, "export.csv", first)); !strings.Contains(out, "3 unchanged") {
			t.Errorf("the export imported into its own ledger changed something: %s", out)
		}
	})
}

// TestCLIImportExcelBE: the export, saved in Excel's Belgian dialect (a
// byte-order mark, ';', a decimal comma, CRLF), imports into an empty
// ledger as the same entries.
func TestCLIImportExcelBE(t *testing.T) {
	dsn := demoLedger(t)
	first := mustPledger(t, dsn, "export")
	recs := readCSV(t, first, ',')
	amount := -1
	for i, c := range recs[0] {
		if c == "amount" {
			amount = i
		}
	}
	var b bytes.Buffer
	b.WriteString("\uFEFF")
	w := csv.NewWriter(&b)
	w.Comma, w.UseCRLF = ';', true
	for i, r := range recs {
		if i > 0 {
			r[amount] = strings.Replace(r[amount], ".", ",", 1)
		}
		w.Write(r)
	}
	w.Flush()
	if !strings.Contains(b.String(), ";670000000,00;") {
		t.Fatalf("not in the Belgian dialect:\n%s", clip(b.String()))
	}
	empty := storetest.DSN(t, store.SQLite)
	mustPledger(t, empty, "import", writeFile(t, "belgisch.csv", b.String()))
	if again := mustPledger(t, empty, "export"); again != first {
		t.Errorf("the excel-be file imported differently:\n%s", firstDiff(first, again))
	}
}
