package render

import (
	"archive/zip"
	"bytes"
	"io"
	"strings"
	"testing"

	"github.com/coalition/pledger/internal/model"
	"github.com/shopspring/decimal"
	"github.com/xuri/excelize/v2"
)

func openXLSX(t *testing.T, m *model.Model, l *model.Lang) (*excelize.File, []byte) {
	t.Helper()
	data := []byte(renderWith(t, m, "xlsx", l, Options{}))
	f, err := excelize.OpenReader(bytes.NewReader(data))
	if err != nil {
		t.Fatalf("excelize cannot open the workbook: %v", err)
	}
	t.Cleanup(func() { f.Close() })
	return f, data
}

// numFmt is the number format of a cell.
func numFmt(t *testing.T, f *excelize.File, sheet, ref string) string {
	t.Helper()
	id, err := f.GetCellStyle(sheet, ref)
	if err != nil {
		t.Fatal(err)
	}
	st, err := f.GetStyle(id)
	if err != nil {
		t.Fatal(err)
	}
	if st.CustomNumFmt == nil {
		return ""
	}
	return *st.CustomNumFmt
}

// TestXLSXFiguresAreExact: every figure of the model is a numeric cell
// whose stored value is exactly the model's decimal (a percentage as its
// fraction), with the currency's number format; qualifiers and the
// currency are columns of their own.
func TestXLSXFiguresAreExact(t *testing.T) {
	for _, lang := range model.Languages {
		m, l := sample(t, lang)
		f, _ := openXLSX(t, m, l)
		sheets := f.GetSheetList()
		if len(sheets) != len(m.Sections)+1 {
			t.Fatalf("%s: sheets %q, want one per table and the notes", lang, sheets)
		}
		for i, s := range m.Sections {
			sheet := sheets[i]
			if sheet != s.Title {
				t.Errorf("%s: sheet %q, want the table's title %q", lang, sheet, s.Title)
			}
			cols := dataColumns(s)
			head, err := f.GetRows(sheet)
			if err != nil {
				t.Fatal(err)
			}
			for j, c := range cols {
				ref, _ := excelize.CoordinatesToCellName(j+1, 1)
				want := c.col.Label
				switch c.what {
				case qualifierCol:
					want = l.T("sheet.qualifier", c.col.Label)
				case currencyCol:
					want = l.T("footer.currency")
				}
				if head[0][j] != want {
					t.Errorf("%s %s: header %s %q, want %q", lang, sheet, ref, head[0][j], want)
				}
			}
			figures := 0
			for ri, r := range append(append([]model.Row{}, s.Rows...), s.Totals...) {
				for j, c := range cols {
					ref, _ := excelize.CoordinatesToCellName(j+1, ri+2)
					raw, err := f.GetCellValue(sheet, ref, excelize.Options{RawCellValue: true})
					if err != nil {
						t.Fatal(err)
					}
					cell := r[c.col.Key]
					switch {
					case c.what == currencyCol:
						if raw != "EUR" {
							t.Errorf("%s %s!%s: currency %q", lang, sheet, ref, raw)
						}
						continue
					case c.what == qualifierCol:
						if want := (&layout{m: m, l: l}).qualifierWords(cell); raw != want {
							t.Errorf("%s %s!%s: qualifier %q, want %q", lang, sheet, ref, raw, want)
						}
						continue
					case !numeric(c.col) || cell.Empty:
						continue
					}
					typ, err := f.GetCellType(sheet, ref)
					if err != nil {
						t.Fatal(err)
					}
					if typ != excelize.CellTypeUnset && typ != excelize.CellTypeNumber {
						t.Errorf("%s %s!%s: a %v cell, want a number", lang, sheet, ref, typ)
					}
					got, err := decimal.NewFromString(raw)
					if err != nil {
						t.Fatalf("%s %s!%s: %q is not a number", lang, sheet, ref, raw)
					}
					want, format := cell.Value, "#,##0.00"
					switch c.col.Type {
					case "count":
						want, format = decimal.NewFromInt(cell.Int), "#,##0"
					case "percent":
						want, format = cell.Value.Shift(-2), "0.0%"
					}
					if !got.Equal(want) {
						t.Errorf("%s %s!%s: %s, want exactly %s", lang, sheet, ref, got, want)
					}
					if got := numFmt(t, f, sheet, ref); got != format {
						t.Errorf("%s %s!%s: number format %q, want %q", lang, sheet, ref, got, format)
					}
					figures++
				}
			}
			if figures == 0 {
				t.Errorf("%s %s: no figure checked", lang, sheet)
			}
			panes, err := f.GetPanes(sheet)
			if err != nil || !panes.Freeze || panes.YSplit != 1 || panes.TopLeftCell != "A2" {
				t.Errorf("%s %s: the header is not frozen: %+v %v", lang, sheet, panes, err)
			}
			for j := range cols {
				name, _ := excelize.ColumnNumberToName(j + 1)
				if w, _ := f.GetColWidth(sheet, name); w < minWidth || w > maxWidth || w != float64(int(w)) { // the default is 9.140625
					t.Errorf("%s %s: column %s is %v wide", lang, sheet, name, w)
				}
			}
			id, _ := f.GetCellStyle(sheet, "A1")
			if st, _ := f.GetStyle(id); st.Font == nil || !st.Font.Bold {
				t.Errorf("%s %s: the header is not bold", lang, sheet)
			}
		}
		// The notes sheet: the title, the notes and the provenance.
		notes := sheets[len(sheets)-1]
		if notes != l.T("sheet.notes") {
			t.Errorf("%s: the last sheet is %q", lang, notes)
		}
		rows, err := f.GetRows(notes)
		if err != nil {
			t.Fatal(err)
		}
		var all []string
		for _, r := range rows {
			all = append(all, strings.Join(r, "|"))
		}
		text := strings.Join(all, "\n")
		for _, want := range append([]string{m.Title, m.Subtitle, l.T("footer.notes"), l.T("footer.provenance"),
			l.T("footer.state") + "|17:" + hash, l.T("footer.currency") + "|EUR", asOf, "ECB"}, m.Notes...) {
			if !strings.Contains(text, want) {
				t.Errorf("%s: no %q on the notes sheet:\n%s", lang, want, text)
			}
		}
	}
}

// TestXLSXCurrencyFormats: the number format follows the currency's minor
// units, and a display unit scales the format, never the value.
func TestXLSXCurrencyFormats(t *testing.T) {
	for _, c := range []struct{ cur, unit, lang, value, format string }{
		{"JPY", "", "en", "1234567", "#,##0"},
		{"KWD", "", "en", "1234.567", "#,##0.000"},
		{"USD", "million", "en", "670000000.00", `#,##0.0,, "million"`},
		{"EUR", "thousand", "nl", "18000000.00", `#,##0, "duizend"`},
		{"EUR", "billion", "fr", "2445000000.00", `#,##0.00,,, "milliards"`},
	} {
		m, l := sample(t, c.lang)
		m.Currency, m.Unit = c.cur, c.unit
		m.Sections = m.Sections[1:]
		m.Sections[0].Rows[0]["need"] = model.Cell{Value: dec(c.value)}
		f, _ := openXLSX(t, m, l)
		sheet := f.GetSheetList()[0]
		raw, _ := f.GetCellValue(sheet, "B2", excelize.Options{RawCellValue: true})
		if !dec(raw).Equal(dec(c.value)) {
			t.Errorf("%s %s: %q, want %s", c.cur, c.unit, raw, c.value)
		}
		if got := numFmt(t, f, sheet, "B2"); got != c.format {
			t.Errorf("%s %s %s: format %q, want %q", c.cur, c.unit, c.lang, got, c.format)
		}
		if got, _ := f.GetCellValue(sheet, "F2"); got != c.cur {
			t.Errorf("%s: currency column %q", c.cur, got)
		}
	}
}

// TestXLSXTooManyDigits: a figure a spreadsheet cannot hold digit for
// digit (more than 15 significant) is written as text, exactly, and the
// notes say so; 15 digits stay a number.
func TestXLSXTooManyDigits(t *testing.T) {
	m, l := sample(t, "en")
	m.Sections = m.Sections[1:]
	m.Sections[0].Rows[0]["need"] = model.Cell{Value: dec("70368744177664.01")}     // 16 digits
	m.Sections[0].Rows[1]["need"] = model.Cell{Value: dec("9999999999999.99")}      // 15
	m.Sections[0].Rows[2]["need"] = model.Cell{Value: dec("123456789012345600.00")} // 16, trailing zeros
	f, _ := openXLSX(t, m, l)
	sheet := f.GetSheetList()[0]
	for ref, want := range map[string]struct {
		raw  string
		text bool
	}{"B2": {"70368744177664.01", true}, "B3": {"9999999999999.99", false}, "B4": {"123456789012345600.00", true}} {
		raw, _ := f.GetCellValue(sheet, ref, excelize.Options{RawCellValue: true})
		typ, _ := f.GetCellType(sheet, ref)
		isText := typ == excelize.CellTypeSharedString
		if isText != want.text || !dec(raw).Equal(dec(want.raw)) {
			t.Errorf("%s: %q (type %v), want %s as text: %v", ref, raw, typ, want.raw, want.text)
		}
	}
	rows, _ := f.GetRows(l.T("sheet.notes"))
	found := false
	for _, r := range rows {
		found = found || strings.Contains(strings.Join(r, " "), l.T("sheet.text-digits"))
	}
	if !found {
		t.Errorf("no note of the figures written as text")
	}
}

// TestXLSXNoFormulas: text that a spreadsheet would run as a formula is
// a text cell: the workbook holds no formula at all.
func TestXLSXNoFormulas(t *testing.T) {
	m, l := sample(t, "en")
	m.Sections[1].Rows[2]["sector"] = model.Cell{Text: "+1+cmd|' /C calc'!A0"}
	m.Notes = append(m.Notes, "=1+1", "@SUM(A1)")
	m.Subtitle = "-2+3"
	f, data := openXLSX(t, m, l)
	for _, c := range []struct{ sheet, ref, want string }{
		{"By sector", "A3", `=HYPERLINK("x")`}, {"By sector", "A4", "+1+cmd|' /C calc'!A0"}, {"Notes and provenance", "A2", "-2+3"},
	} {
		got, _ := f.GetCellValue(c.sheet, c.ref)
		typ, _ := f.GetCellType(c.sheet, c.ref)
		formula, _ := f.GetCellFormula(c.sheet, c.ref)
		if got != c.want || typ != excelize.CellTypeSharedString || formula != "" {
			t.Errorf("%s!%s: %q type %v formula %q, want the text %q", c.sheet, c.ref, got, typ, formula, c.want)
		}
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
		if bytes.Contains(xml, []byte("<f>")) || bytes.Contains(xml, []byte("<f ")) || bytes.Contains(xml, []byte(`t="str"`)) {
			t.Errorf("%s holds a formula", zf.Name)
		}
	}
}

// TestXLSXSheetNames: sheet names are at most 31 characters, without the
// characters Excel refuses, and unique.
func TestXLSXSheetNames(t *testing.T) {
	m, l := sample(t, "en")
	m.Sections[0].Title = "Pledges: [by party] / a very long title indeed, more than 31"
	m.Sections[1].Title = m.Sections[0].Title
	extra := m.Sections[1]
	extra.Title, extra.Key = "", "untitled"
	m.Sections = append(m.Sections, extra)
	m.Title = "Notes and provenance"
	f, _ := openXLSX(t, m, l)
	want := []string{"Pledges by party a very long ti", "Pledges by party a very lon (2)", "Notes and provenance", "Notes and provenance (2)"}
	if got := f.GetSheetList(); strings.Join(got, "|") != strings.Join(want, "|") {
		t.Errorf("sheets %q, want %q", got, want)
	}
	if got := sheetName("'quoted'"); got != "quoted" {
		t.Errorf("sheetName('quoted') = %q", got)
	}
}

// TestXLSXDeterministic: the same report gives the same bytes.
func TestXLSXDeterministic(t *testing.T) {
	m, l := sample(t, "fr")
	a := renderWith(t, m, "xlsx", l, Options{})
	b := renderWith(t, m, "xlsx", l, Options{})
	if a != b {
		t.Errorf("two workbooks of one report differ")
	}
}
