package xlsxio_test

import (
	"archive/zip"
	"bytes"
	"context"
	"io"
	"strings"
	"testing"

	"github.com/coalition/pledger/internal/ledger"
	"github.com/coalition/pledger/internal/store"
	"github.com/coalition/pledger/internal/store/storetest"
	"github.com/coalition/pledger/internal/xlsxio"
	"github.com/xuri/excelize/v2"
)

// TestTemplateHasNoFormulas: a party name that looks like a formula is a
// text cell of the template's list sheet, and no cell of the template is
// a formula.
func TestTemplateHasNoFormulas(t *testing.T) {
	evil := `=HYPERLINK("http://example.invalid","x")`
	parties := append(ledger.BuiltinParties(), ledger.Party{Code: "EVIL", Name: evil, Type: "organisation"})
	var buf bytes.Buffer
	if err := xlsxio.WriteTemplate(&buf, "en", parties); err != nil {
		t.Fatal(err)
	}
	data := buf.Bytes()
	f, err := excelize.OpenReader(bytes.NewReader(data))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	lists := f.GetSheetList()[2]
	cols, _ := f.GetCols(lists)
	found := false
	for i, v := range cols[4] {
		if v != evil {
			continue
		}
		found = true
		ref, _ := excelize.CoordinatesToCellName(5, i+1)
		typ, _ := f.GetCellType(lists, ref)
		if formula, _ := f.GetCellFormula(lists, ref); typ != excelize.CellTypeSharedString || formula != "" {
			t.Errorf("%s: type %v formula %q", ref, typ, formula)
		}
	}
	if !found {
		t.Fatalf("the party's name is not on the list sheet: %v", cols[4])
	}
	zr, err := zip.NewReader(bytes.NewReader(data), int64(len(data)))
	if err != nil {
		t.Fatal(err)
	}
	for _, zf := range zr.File {
		if !strings.HasPrefix(zf.Name, "xl/worksheets/") {
			continue
		}
		rc, _ := zf.Open()
		xml, _ := io.ReadAll(rc)
		rc.Close()
		if bytes.Contains(xml, []byte("<f>")) || bytes.Contains(xml, []byte("<f ")) {
			t.Errorf("%s holds a formula", zf.Name)
		}
	}
}

// TestImportRestoresNeutralisedText: a CSV pledger wrote, opened in a
// spreadsheet and saved as a workbook, keeps the quote that neutralised a
// formula-like note; the import takes it off, as the CSV import does.
func TestImportRestoresNeutralisedText(t *testing.T) {
	storetest.Each(t, func(t *testing.T, engine store.Dialect) {
		s := storetest.Open(t, engine)
		b := newBook(t, "Blad1", "ref", "kind", "party", "date", "amount", "currency", "note", "source")
		b.row(2, "p1", "pledge", "BEL", "2021", "5", "EUR", "'=1+1", "''@x")
		b.row(3, "p2", "pledge", "BEL", "2021", "5", "EUR", "'quoted'", "=typed as text")
		if _, err := s.Import(context.Background(), b.save("x.xlsx", xlsxio.Options{}), store.ImportOptions{Author: "test"}); err != nil {
			t.Fatal(err)
		}
		got := records(t, s)
		for ref, w := range map[string]string{
			"p1": "p1,pledge,BEL,2021,,5.00,EUR,,,,,,,,'@x,=1+1,,",
			"p2": "p2,pledge,BEL,2021,,5.00,EUR,,,,,,,,=typed as text,'quoted',,",
		} {
			if got[ref] != w {
				t.Errorf("%s:\n got %s\nwant %s", ref, got[ref], w)
			}
		}
	})
}
