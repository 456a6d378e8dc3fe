package xlsxio_test

// Workbooks written by excelize, imported through the store on every
// engine (storetest.Each): the same path as a CSV file.

import (
	"bytes"
	"context"
	"errors"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/coalition/pledger/internal/csvio"
	"github.com/coalition/pledger/internal/ledger"
	"github.com/coalition/pledger/internal/store"
	"github.com/coalition/pledger/internal/store/storetest"
	"github.com/coalition/pledger/internal/xlsxio"
	"github.com/xuri/excelize/v2"
)

// book is a workbook being written for a test, with one sheet.
type book struct {
	t     *testing.T
	f     *excelize.File
	sheet string
}

func newBook(t *testing.T, sheet string, header ...string) *book {
	t.Helper()
	f := excelize.NewFile()
	t.Cleanup(func() { f.Close() })
	if err := f.SetSheetName("Sheet1", sheet); err != nil {
		t.Fatal(err)
	}
	b := &book{t: t, f: f, sheet: sheet}
	b.row(1, toAny(header)...)
	return b
}

func toAny(s []string) []any {
	out := make([]any, len(s))
	for i, v := range s {
		out[i] = v
	}
	return out
}

// row writes values from column A of row n: a string is a text cell, an
// int or a float64 a number, a time.Time a date, a bool a boolean.
func (b *book) row(n int, values ...any) {
	b.t.Helper()
	cell, _ := excelize.CoordinatesToCellName(1, n)
	if err := b.f.SetSheetRow(b.sheet, cell, &values); err != nil {
		b.t.Fatal(err)
	}
}

// style gives cell a number format: a built-in id or a custom code.
func (b *book) style(cell string, id int, custom string) {
	b.t.Helper()
	st := &excelize.Style{NumFmt: id}
	if custom != "" {
		st.CustomNumFmt = &custom
	}
	s, err := b.f.NewStyle(st)
	if err == nil {
		err = b.f.SetCellStyle(b.sheet, cell, cell, s)
	}
	if err != nil {
		b.t.Fatal(err)
	}
}

// stored writes a number cell holding exactly the text v, as Excel writes
// the double a calculation left (excelize's own setters round to 15
// digits).
func (b *book) stored(cell, v string) {
	b.t.Helper()
	if err := b.f.SetCellDefault(b.sheet, cell, v); err != nil {
		b.t.Fatal(err)
	}
}

func (b *book) formula(cell, formula string) {
	b.t.Helper()
	if err := b.f.SetCellFormula(b.sheet, cell, formula); err != nil {
		b.t.Fatal(err)
	}
}

// save writes the workbook as name in a fresh directory and returns its
// source, named name as an upload is.
func (b *book) save(name string, opt xlsxio.Options) csvio.Source {
	b.t.Helper()
	p := filepath.Join(b.t.TempDir(), name)
	if err := b.f.SaveAs(p); err != nil {
		b.t.Fatal(err)
	}
	src := xlsxio.FileSource(p, opt)
	src.Name = name
	return src
}

// records is the canonical CSV record of each current entry, by ref.
func records(t *testing.T, s *store.Store) map[string]string {
	t.Helper()
	out := map[string]string{}
	err := s.Entries(context.Background(), store.Filter{}, func(r ledger.Revision) error {
		out[r.Ref] = strings.Join(r.Entry.Record(), ",")
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return out
}

var cols = []string{"ref", "kind", "party", "date", "amount", "currency", "toward", "fulfils", "illustrative", "note"}

// goodBook holds number, text and date cells that all import.
func goodBook(t *testing.T) *book {
	b := newBook(t, "Blad1", cols...)
	b.row(2, "n1", "need", "COALITION", 2021, 670000000, "USD", "", "", "", "a year and an amount typed as numbers")
	b.row(3, "p1", "pledge", "BEL", "15/09/2021", "1.250.000,50", "EUR", "n1", "", "", "a Belgian date and amount typed as text")
	b.row(4, "p2", "pledge", "NLD", time.Date(2021, 3, 15, 0, 0, 0, 0, time.UTC), 1250000.5, "EUR", "n1")
	b.style("D4", 14, "") // a date cell
	b.row(5, "c1", "commitment", "BEL", time.Date(2021, 10, 1, 0, 0, 0, 0, time.UTC), 4000000, "EUR", "n1", "p1", true)
	b.style("D5", 0, "mmm-yy")                                   // Excel's form of a typed 2021-10
	b.row(7, "p3", "pledge", "FRA", "2021-06", "2500000", "EUR") // row 6 is empty
	return b
}

var want = map[string]string{
	"n1": "n1,need,COALITION,2021,,670000000.00,USD,,,,,,,,,a year and an amount typed as numbers,,",
	"p1": "p1,pledge,BEL,2021-09-15,,1250000.50,EUR,,,,,,n1,,,a Belgian date and amount typed as text,,",
	"p2": "p2,pledge,NLD,2021-03-15,,1250000.50,EUR,,,,,,n1,,,,,",
	"c1": "c1,commitment,BEL,2021-10,,4000000.00,EUR,,,,,,n1,p1,,,true,",
	"p3": "p3,pledge,FRA,2021-06,,2500000.00,EUR,,,,,,,,,,,",
}

func TestImportWorkbook(t *testing.T) {
	storetest.Each(t, func(t *testing.T, engine store.Dialect) {
		ctx := context.Background()
		s := storetest.Open(t, engine)
		src := goodBook(t).save("belgie.xlsx", xlsxio.Options{})

		res, err := s.Import(ctx, src, store.ImportOptions{Author: "test", DryRun: true})
		if err != nil || res.Added != 5 {
			t.Fatalf("dry run: %+v, %v", res, err)
		}
		if got := records(t, s); len(got) != 0 {
			t.Fatalf("a dry run wrote %v", got)
		}
		res, err = s.Import(ctx, src, store.ImportOptions{Author: "test"})
		if err != nil || res.Rows != 5 || res.Added != 5 {
			t.Fatalf("import: %+v, %v", res, err)
		}
		got := records(t, s)
		for ref, w := range want {
			if got[ref] != w {
				t.Errorf("%s:\n got %s\nwant %s", ref, got[ref], w)
			}
		}
		if len(got) != len(want) {
			t.Errorf("entries: %v", got)
		}
		// Importing the same workbook again adds nothing.
		head := res.Head
		res, err = s.Import(ctx, src, store.ImportOptions{Author: "test"})
		if err != nil || res.Added != 0 || res.Skipped != 5 || res.Head != head {
			t.Fatalf("re-import: %+v, %v", res, err)
		}
		// A changed amount is refused, naming its row's ref cell, unless
		// it is a correction.
		b := goodBook(t)
		b.row(4, "p2", "pledge", "NLD", "2021-03-15", 1300000, "EUR", "n1")
		changed := b.save("belgie.xlsx", xlsxio.Options{})
		_, err = s.Import(ctx, changed, store.ImportOptions{Author: "test"})
		if !errors.Is(err, ledger.ErrInvalid) || !strings.Contains(err.Error(), `belgie.xlsx:Blad1!A4: ref: "p2" is already in the ledger with different content`) {
			t.Fatalf("changed row without amend: %v", err)
		}
		res, err = s.Import(ctx, changed, store.ImportOptions{Author: "test", Amend: true, Reason: "budget review"})
		if err != nil || res.Amended != 1 || res.Skipped != 4 {
			t.Fatalf("amend: %+v, %v", res, err)
		}
		if got := records(t, s)["p2"]; got != "p2,pledge,NLD,2021-03-15,,1300000.00,EUR,,,,,,n1,,,,," {
			t.Errorf("p2 after the correction: %s", got)
		}
	})
}

func TestImportWorkbookAllOrNothing(t *testing.T) {
	storetest.Each(t, func(t *testing.T, engine store.Dialect) {
		ctx := context.Background()
		s := storetest.Open(t, engine)
		b := goodBook(t)
		b.row(8, "x1", "pledge", "BEL", "2021", "", "EUR")
		b.formula("E8", "E4*2") // a formula with its cached value
		b.row(9, "x2", "pledge", "BEL", "31/02/2021", "10", "EUR")
		b.row(10, "x3", "pledge", "BEL", "2021", nil, "EUR")
		b.stored("E10", "0.30000000000000004") // 0.1+0.2, as Excel stores it
		b.row(11, "x4", "pledge", "BEL", "2021", "5.000", "EUR")
		b.row(12, "x5", "pledge", "ACME", "2021", 10, "EUR")
		b.row(13, "x6", "pledge", "BEL", "2021", 10, "EUR", "nope")
		b.row(14, "x7", "pledge", "BEL", "2021", 1250000.555, "EUR")
		b.row(15, "x8", "pledge", "BEL", 44454, 10, "EUR")
		b.row(16, "p1", "pledge", "BEL", "2021", 10, "EUR")
		if err := b.f.SetCellStr("Blad1", "L16", "stray"); err != nil {
			t.Fatal(err)
		}
		src := b.save("belgie.xlsx", xlsxio.Options{})
		_, err := s.Import(ctx, src, store.ImportOptions{Author: "test"})
		if !errors.Is(err, ledger.ErrInvalid) {
			t.Fatalf("bad workbook: %v", err)
		}
		msg := err.Error()
		for _, w := range []string{
			"belgie.xlsx:Blad1!E8: amount: a formula (=E4*2): paste its value instead",
			`belgie.xlsx:Blad1!D9: date: "31/02/2021" is not a day`,
			"belgie.xlsx:Blad1!E10: amount: the cell stores 0.30000000000000004, which Excel shows as 0.3: the binary remainder of a calculation, with more decimals than EUR has (2)",
			`belgie.xlsx:Blad1!E11: amount: "5.000" reads two ways`,
			`belgie.xlsx:Blad1!C12: party: unknown party "ACME"`,
			`belgie.xlsx:Blad1!G13: toward: no entry with ref "nope"`,
			"belgie.xlsx:Blad1!E14: amount: 1250000.555: EUR has 2 decimals at most",
			"belgie.xlsx:Blad1!D15: date: a number (44454), not a date",
			"belgie.xlsx:Blad1!L16: column L: a value in a column without a header",
		} {
			if !strings.Contains(msg, w) {
				t.Errorf("missing %q in:\n%s", w, msg)
			}
		}
		if n := strings.Count(msg, "\n") + 1; n != 9 {
			t.Errorf("%d problems, want 9:\n%s", n, msg)
		}
		if got := records(t, s); len(got) != 0 {
			t.Fatalf("a bad workbook wrote %v", got)
		}
		// A duplicate ref (a row-level problem of the store) names its cell.
		b = goodBook(t)
		b.row(8, "p1", "pledge", "BEL", "2021", 10, "EUR")
		_, err = s.Import(ctx, b.save("dup.xlsx", xlsxio.Options{}), store.ImportOptions{Author: "test"})
		if err == nil || !strings.Contains(err.Error(), `dup.xlsx:Blad1!A8: ref: duplicate ref "p1": already on line 3`) {
			t.Fatalf("duplicate ref: %v", err)
		}
		if got := records(t, s); len(got) != 0 {
			t.Fatalf("a bad workbook wrote %v", got)
		}
	})
}

func TestImportWorkbookHeaderAndSheets(t *testing.T) {
	s := storetest.Open(t, store.SQLite)
	ctx := context.Background()
	imp := func(src csvio.Source) string {
		t.Helper()
		_, err := s.Import(ctx, src, store.ImportOptions{Author: "test"})
		if err == nil {
			t.Fatal("imported")
		}
		return err.Error()
	}
	b := newBook(t, "Data", "ref", "kind", "amnt", "party")
	b.row(2, "r", "pledge", "5", "BEL")
	msg := imp(b.save("h.xlsx", xlsxio.Options{}))
	for _, w := range []string{"h.xlsx:Data!C1: amnt: unknown column", "h.xlsx:Data!A1:D1: date: missing required column date"} {
		if !strings.Contains(msg, w) {
			t.Errorf("missing %q in:\n%s", w, msg)
		}
	}
	b = newBook(t, "Data", "ref", "kind", "party", "date")
	if _, err := b.f.NewSheet("My sheet"); err != nil {
		t.Fatal(err)
	}
	if err := b.f.SetSheetRow("My sheet", "A1", &[]string{"ref", "kind", "party", "date", "amount", "currency"}); err != nil {
		t.Fatal(err)
	}
	if err := b.f.SetSheetRow("My sheet", "A2", &[]any{"s1", "pledge", "BEL", "2021", "abc", "EUR"}); err != nil {
		t.Fatal(err)
	}
	if msg := imp(b.save("s.xlsx", xlsxio.Options{Sheet: "my sheet"})); !strings.Contains(msg, "s.xlsx:'My sheet'!E2: amount:") {
		t.Errorf("the sheet named: %s", msg)
	}
	if msg := imp(b.save("s.xlsx", xlsxio.Options{Sheet: "Blad1"})); !strings.Contains(msg, `s.xlsx: no sheet "Blad1": the sheets are Data, My sheet`) {
		t.Errorf("no such sheet: %s", msg)
	}
	if msg := imp(b.save("s.xlsx", xlsxio.Options{})); !strings.Contains(msg, "s.xlsx: no rows after the header") {
		t.Errorf("the first sheet, empty: %s", msg)
	}
	p := filepath.Join(t.TempDir(), "fake.xlsx")
	if msg := imp(xlsxio.FileSource(p, xlsxio.Options{})); !strings.Contains(msg, "cannot open the file") {
		t.Errorf("a missing file: %s", msg)
	}
}

func TestImportWorkbookNotation(t *testing.T) {
	s := storetest.Open(t, store.SQLite)
	ctx := context.Background()
	b := newBook(t, "Sheet", "ref", "kind", "party", "date", "amount", "currency")
	b.row(2, "e1", "pledge", "BEL", "2021", "1,250,000.50", "EUR")
	b.row(3, "e2", "pledge", "BEL", "2021", "12.5", "EUR")
	// Detected: English, as both text amounts show.
	if _, err := s.Import(ctx, b.save("en.xlsx", xlsxio.Options{}), store.ImportOptions{Author: "test", DryRun: true}); err != nil {
		t.Fatalf("English text amounts: %v", err)
	}
	// Forced Belgian: each is refused, never read another way.
	yes := true
	_, err := s.Import(ctx, b.save("en.xlsx", xlsxio.Options{DecimalComma: &yes}), store.ImportOptions{Author: "test", DryRun: true})
	if err == nil || !strings.Contains(err.Error(), "en.xlsx:Sheet!E2: amount:") || !strings.Contains(err.Error(), "en.xlsx:Sheet!E3: amount:") {
		t.Fatalf("forced decimal comma: %v", err)
	}
}

func TestTemplateRoundTrip(t *testing.T) {
	storetest.Each(t, func(t *testing.T, engine store.Dialect) {
		ctx := context.Background()
		s := storetest.Open(t, engine)
		if err := s.AddParty(ctx, ledger.Party{Code: "BE-FOD", Name: "FOD Buitenlandse Zaken", Type: "organisation"}, "test"); err != nil {
			t.Fatal(err)
		}
		parties, err := s.Parties(ctx)
		if err != nil {
			t.Fatal(err)
		}
		for _, lang := range xlsxio.Languages {
			var buf bytes.Buffer
			if err := xlsxio.WriteTemplate(&buf, lang, parties); err != nil {
				t.Fatal(err)
			}
			f, err := excelize.OpenReader(&buf)
			if err != nil {
				t.Fatal(err)
			}
			sheets := f.GetSheetList()
			sh := sheets[0]
			if sh != xlsxio.SheetName(lang) || len(sheets) != 3 {
				t.Fatalf("%s: sheets %v", lang, sheets)
			}
			hdr, _ := f.GetRows(sh)
			if len(hdr) != 1 || strings.Join(hdr[0], ",") != strings.Join(ledger.Columns, ",") {
				t.Fatalf("%s: header %v", lang, hdr)
			}
			if p, _ := f.GetPanes(sh); !p.Freeze || p.YSplit != 1 {
				t.Errorf("%s: the header is not frozen: %+v", lang, p)
			}
			dvs, _ := f.GetDataValidations(sh)
			lists := map[string]string{}
			for _, dv := range dvs {
				lists[dv.Sqref[:1]] = dv.Formula1
			}
			if !strings.Contains(lists["B"], "pledge") || !strings.Contains(lists["H"], "at-least") || !strings.Contains(lists["Q"], "true") ||
				!strings.Contains(lists["G"], "$C$2") || !strings.Contains(lists["C"], "$D$2") {
				t.Errorf("%s: drop-downs %v", lang, lists)
			}
			// The party list is the ledger's, with names.
			codes, _ := f.GetCols(sheets[2])
			if !strings.Contains(strings.Join(codes[3], ","), "BE-FOD") || !strings.Contains(strings.Join(codes[2], ","), "EUR") {
				t.Errorf("%s: lists %v", lang, codes[2:4])
			}
			// Filled as an officer does: text where the template says text
			// (the ref, the dates, the codes), a number for an amount.
			fill := func(n int, v ...any) {
				cell, _ := excelize.CoordinatesToCellName(1, n)
				if err := f.SetSheetRow(sh, cell, &v); err != nil {
					t.Fatal(err)
				}
			}
			fill(2, lang+"-need", "need", "COALITION", "2021", "", 670000000, "USD", "", "", "", "Ontmijning:40;camps:60", "IRQ;SYR", "", "", "", "", "", "Demining and camps")
			fill(3, lang+"-pledge", "pledge", "BE-FOD", "15/09/2021", "", "1.250.000,50", "EUR", "at-least", "", "", "", "", lang+"-need")
			fill(4, lang+"-dep", "deployment", "BEL", "unknown", "2021-10", "", "", "about", 4, "F-16", "", "IRQ", "", "", "", "", "true")
			out := filepath.Join(t.TempDir(), "filled.xlsx")
			if err := f.SaveAs(out); err != nil {
				t.Fatal(err)
			}
			f.Close()
			res, err := s.Import(ctx, xlsxio.FileSource(out, xlsxio.Options{}), store.ImportOptions{Author: "test"})
			if err != nil || res.Added != 3 {
				t.Fatalf("%s: import of the filled template: %+v, %v", lang, res, err)
			}
			got := records(t, s)
			for ref, w := range map[string]string{
				lang + "-need":   lang + "-need,need,COALITION,2021,,670000000.00,USD,,,,camps:60;demining:40,IRQ;SYR,,,,,,Demining and camps",
				lang + "-pledge": lang + "-pledge,pledge,BE-FOD,2021-09-15,,1250000.50,EUR,at-least,,,,," + lang + "-need,,,,,",
				lang + "-dep":    lang + "-dep,deployment,BEL,unknown,2021-10,,,about,4,F-16,,IRQ,,,,,true,",
			} {
				if got[ref] != w {
					t.Errorf("%s:\n got %s\nwant %s", ref, got[ref], w)
				}
			}
		}
	})
}
