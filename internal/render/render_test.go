package render

import (
	"archive/zip"
	"bytes"
	"encoding/csv"
	"errors"
	"flag"
	"html/template"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/coalition/pledger/internal/model"

	"github.com/coalition/pledger/internal/ledger"
	"github.com/shopspring/decimal"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata/")

const (
	imgAttack    = `<img src=x onerror=alert(1)>`
	scriptAttack = `</script><script>alert(1)</script>`
	hash         = "9f2c4e1a7b3d5f60812a4c6e8b0d2f4a6c8e0b2d4f6a8c0e2b4d6f8a0c2e4b6d"
	asOf         = "2024-03-01T10:20:30.123456Z"
)

// words picks the text of a hand-translated model.
func words(lang, en, nl, fr string) string {
	switch lang {
	case "nl":
		return nl
	case "fr":
		return fr
	}
	return en
}

func dec(s string) decimal.Decimal { return decimal.RequireFromString(s) }

// sample is a small report built by hand: two sections with every column
// type, a qualified amount, a bounded one, an open end date, totals, two
// notes and rates. Its text is in lang, as internal/report would give it.
func sample(t *testing.T, lang string) (*model.Model, *model.Lang) {
	t.Helper()
	l, err := model.ParseLang(lang)
	if err != nil {
		t.Fatal(err)
	}
	w := func(en, nl, fr string) string { return words(lang, en, nl, fr) }
	at, _ := time.Parse(ledger.TimeLayout, asOf)
	m := &model.Model{
		Report:    "sample",
		Title:     w("Pledges and needs", "Toezeggingen en noden", "Promesses et besoins"),
		Subtitle:  w("Belgium", "België", "Belgique"),
		Lang:      lang,
		Currency:  "EUR",
		Valuation: model.DefaultValuation(),
		AsOf:      at,
		Sections: []model.Section{{
			Key:   "entries",
			Title: w("By party", "Per partij", "Par partie"),
			Columns: []model.Column{
				{Key: "party", Label: w("Party", "Partij", "Partie"), Type: "party"},
				{Key: "kind", Label: w("Kind", "Soort", "Type"), Type: "kind"},
				{Key: "sectors", Label: w("Sectors", "Sectoren", "Secteurs"), Type: "list"},
				{Key: "date", Label: w("Date", "Datum", "Date"), Type: "date"},
				{Key: "end", Label: w("End", "Einde", "Fin"), Type: "date"},
				{Key: "amount", Label: w("Amount", "Bedrag", "Montant"), Type: "amount"},
				{Key: "entries", Label: w("Entries", "Posten", "Écritures"), Type: "count"},
				{Key: "share", Label: w("Share", "Aandeel", "Part"), Type: "percent"},
			},
			Rows: []model.Row{
				{"party": {Text: "BEL"}, "kind": {Text: "pledge"}, "sectors": {Text: "health;education"},
					"date": {Text: "2021-10"}, "end": {Text: "2022"},
					"amount": {Value: dec("18000000.00"), Qualifier: "at-least"}, "entries": {Int: 3}, "share": {Value: dec("93.5")}},
				{"party": {Text: "NLD"}, "kind": {Text: "deployment"}, "sectors": {Text: "demining"},
					"date": {Text: "2021"}, "end": {Empty: true},
					"amount": {Value: dec("1234567.89")}, "entries": {Int: 1}, "share": {Empty: true}},
				{"party": {Text: imgAttack}, "kind": {Text: "disbursement"}, "sectors": {Text: scriptAttack},
					"date": {Text: "2021-10-31"}, "end": {Text: "2021-12-31"},
					"amount": {Value: dec("500.50"), Bound: "lower"}, "entries": {Int: 12345}, "share": {Value: dec("6.5")}},
			},
			Totals: []model.Row{
				{"party": {Text: w("Total", "Totaal", "Total")}, "amount": {Value: dec("19235068.39"), Bound: "lower"},
					"entries": {Int: 12349}, "share": {Value: dec("100")}},
			},
		}, {
			Key:   "sectors",
			Title: w("By sector", "Per sector", "Par secteur"),
			Columns: []model.Column{
				{Key: "sector", Label: w("Sector", "Sector", "Secteur"), Type: "text"},
				{Key: "need", Label: w("Need", "Nood", "Besoin"), Type: "amount"},
				{Key: "gap", Label: w("Gap", "Tekort", "Écart"), Type: "amount"},
			},
			Rows: []model.Row{
				{"sector": {Text: "health | care\nand *more*"}, "need": {Value: dec("20000000")}, "gap": {Value: dec("2000000")}},
				{"sector": {Text: "=HYPERLINK(\"x\")"}, "need": {Value: dec("1000")}, "gap": {Value: dec("-250.5")}},
				{"sector": {Text: "# not a heading"}, "need": {Empty: true}, "gap": {Empty: true}},
			},
			Totals: []model.Row{
				{"sector": {Text: w("Total", "Totaal", "Total")}, "need": {Value: dec("20001000.00")}, "gap": {Value: dec("1999749.50")}},
			},
		}},
		Notes: []string{
			w("Amounts in EUR, rounded once.", "Bedragen in EUR, één keer afgerond.", "Montants en EUR, arrondis une seule fois."),
			w("Open-ended deployments are counted up to 2024-03-01.", "Inzet zonder einddatum wordt geteld tot 2024-03-01.",
				"Les déploiements sans fin sont comptés jusqu'au 2024-03-01."),
		},
		Provenance: model.Provenance{
			Valuation:   w("spot: each entry at the rate of its date", "spot: elke post tegen de koers van zijn datum", "au comptant : chaque écriture au taux de sa date"),
			RateSources: []model.RateSource{{Source: "ECB", Entries: 12348}, {Source: "Federal Reserve H.10", Entries: 1}},
			RateFirst:   time.Date(2021, 1, 4, 0, 0, 0, 0, time.UTC),
			RateLast:    time.Date(2021, 12, 31, 0, 0, 0, 0, time.UTC),
			AsOf:        at,
			Seq:         42,
			ChainHash:   hash,
			State:       "17:" + hash,
			Entries:     12349,
		},
	}
	return m, l
}

// render is what format writes of m, as text: for csv, each table's file
// (one table per file) one after the other, separated by an empty line;
// for xlsx, what the workbook holds (XLSXText).
func render(t *testing.T, m *model.Model, format string, l *model.Lang) string {
	t.Helper()
	switch format {
	case "csv":
		var parts []string
		for _, key := range Tables(m) {
			parts = append(parts, renderWith(t, m, format, l, Options{Table: key}))
		}
		return strings.Join(parts, "\n")
	case "xlsx":
		return xlsxText(t, []byte(renderWith(t, m, format, l, Options{})))
	}
	return renderWith(t, m, format, l, Options{})
}

func renderWith(t *testing.T, m *model.Model, format string, l *model.Lang, opt Options) string {
	t.Helper()
	var b bytes.Buffer
	if err := WriteWith(&b, m, format, l, opt); err != nil {
		t.Fatalf("Write %s: %v", format, err)
	}
	return b.String()
}

func xlsxText(t *testing.T, data []byte) string {
	t.Helper()
	s, err := XLSXText(data)
	if err != nil {
		t.Fatalf("XLSXText: %v", err)
	}
	return s
}

// goldens are the golden files of the sample in every format and
// language: a file per table for CSV (in each dialect), what the workbook
// holds for xlsx.
func goldens(t *testing.T, format, lang string) map[string]string {
	m, l := sample(t, lang)
	out := map[string]string{}
	switch format {
	case "csv":
		for _, dialect := range Dialects {
			name := "csv"
			if dialect != RFC4180 {
				name += "-" + dialect
			}
			for _, key := range Tables(m) {
				out[name+"."+lang+"."+key] = renderWith(t, m, format, l, Options{Table: key, Dialect: dialect})
			}
		}
	default:
		out[format+"."+lang] = render(t, m, format, l)
	}
	return out
}

func TestGolden(t *testing.T) {
	for _, format := range Formats {
		for _, lang := range model.Languages {
			for name, got := range goldens(t, format, lang) {
				t.Run(name, func(t *testing.T) {
					path := filepath.Join("testdata", name+".golden")
					if *update {
						if err := os.WriteFile(path, []byte(got), 0o644); err != nil {
							t.Fatal(err)
						}
						return
					}
					want, err := os.ReadFile(path)
					if err != nil {
						t.Fatalf("%v (run go test -update to write it)", err)
					}
					if got != string(want) {
						t.Errorf("%s differs from the golden file (run go test -update if the change is right):\n%s", path, got)
					}
				})
			}
		}
	}
}

// TestEveryFormatHasNotesAndProvenance: every format but CSV (a clean
// table of data) carries the notes and the provenance.
func TestEveryFormatHasNotesAndProvenance(t *testing.T) {
	for _, format := range Formats {
		for _, lang := range model.Languages {
			m, l := sample(t, lang)
			out := render(t, m, format, l)
			for _, want := range append([]string{hash, asOf, "42", "ECB", "2021-01-04", "2021-12-31"}, m.Notes...) {
				if format == "html" {
					want = template.HTMLEscapeString(want)
				}
				if format == "csv" && want == "2021-12-31" {
					continue // a date in the data too
				}
				if got := strings.Contains(out, want); got != (format != "csv") {
					t.Errorf("%s %s: %q in it: %v, want %v:\n%s", format, lang, want, got, !got, out)
				}
			}
			if strings.Contains(out, "2025-") {
				t.Errorf("%s %s: a generated time without --stamp", format, lang)
			}
		}
	}
}

func TestGeneratedOnlyWhenStamped(t *testing.T) {
	m, l := sample(t, "en")
	m.GeneratedAt = time.Date(2025, 6, 7, 8, 9, 10, 0, time.UTC)
	for _, format := range Formats {
		out := render(t, m, format, l)
		if strings.Contains(out, "2025-06-07T08:09:10.000000Z") != (format != "csv") {
			t.Errorf("%s: the generation time, or one in a CSV, in\n%s", format, out)
		}
	}
	if out := render(t, m, "xlsx", l); !strings.Contains(out, "created: 2025-06-07T08:09:10Z") {
		t.Errorf("xlsx: not created at the stamp:\n%s", out)
	}
	for _, format := range []string{"table", "md", "html", "xlsx"} {
		if out := render(t, m, format, l); !strings.Contains(out, "Generated") {
			t.Errorf("%s: no Generated label", format)
		}
	}
}

func TestNoRates(t *testing.T) {
	for _, lang := range model.Languages {
		m, l := sample(t, lang)
		m.Provenance.RateSources, m.Provenance.RateFirst, m.Provenance.RateLast = nil, time.Time{}, time.Time{}
		for _, format := range []string{"table", "md", "html", "xlsx"} {
			if out := render(t, m, format, l); !strings.Contains(out, l.T("footer.norates")) {
				t.Errorf("%s %s: no %q", format, lang, l.T("footer.norates"))
			}
		}
	}
}

func TestReaderNumbers(t *testing.T) {
	want := map[string][]string{
		"en": {"more than 18,000,000.00 EUR", "1,234,567.89 EUR", "12,345", "93.5%", "-250.50 EUR", "open", "pledge", "health, education",
			"500.50 EUR (lower bound)"},
		"nl": {"meer dan 18.000.000,00 EUR", "1.234.567,89 EUR", "12.345", "93,5%", "-250,50 EUR", "open", "toezegging", "uitbetaling"},
		"fr": {"plus de 18 000 000,00 EUR", "1 234 567,89 EUR", "12 345", "93,5 %", "-250,50 EUR", "ouvert", "promesse", "borne inférieure"},
	}
	for lang, ws := range want {
		for _, format := range []string{"table", "md", "html"} {
			m, l := sample(t, lang)
			out := render(t, m, format, l)
			if format == "html" {
				// The qualifier words are in spans of their own.
				out = strings.NewReplacer(`<span class="q">`, "", `<span class="sp">`, "", "</span>", "").Replace(out)
			}
			for _, w := range ws {
				if !strings.Contains(out, w) {
					t.Errorf("%s %s: no %q in\n%s", format, lang, w, out)
				}
			}
		}
	}
}

func TestCSVIsNeutral(t *testing.T) {
	var first string
	for _, lang := range model.Languages {
		m, l := sample(t, lang)
		out := renderWith(t, m, "csv", l, Options{Table: "entries"})
		if strings.Contains(out, "\r") || strings.HasPrefix(out, "\uFEFF") {
			t.Errorf("csv %s: CR line ends or a byte-order mark", lang)
		}
		r := csv.NewReader(strings.NewReader(out))
		recs, err := r.ReadAll() // one table: every record as wide as the header
		if err != nil {
			t.Fatalf("csv %s: %v", lang, err)
		}
		wantRow := []string{"BEL", "pledge", "health;education", "2021-10", "2022", "18000000.00", "at-least", "3", "93.5", "EUR"}
		if strings.Join(recs[0], ",") != "party,kind,sectors,date,end,amount,amount_qualifier,entries,share,currency" {
			t.Errorf("csv %s: header %q", lang, recs[0])
		}
		if strings.Join(recs[1], "|") != strings.Join(wantRow, "|") {
			t.Errorf("csv %s: row %q, want %q", lang, recs[1], wantRow)
		}
		if got := recs[2]; got[1] != "deployment" || got[4] != "" || got[6] != "" || got[8] != "" {
			t.Errorf("csv %s: row %q: want the kind code and blank empties", lang, got)
		}
		if got := recs[3][6]; got != "lower-bound" {
			t.Errorf("csv %s: a bound reads %q", lang, got)
		}
		if got := recs[4]; got[5] != "19235068.39" || got[6] != "lower-bound" || got[9] != "EUR" {
			t.Errorf("csv %s: totals %q", lang, got)
		}
		if len(recs) != 5 {
			t.Errorf("csv %s: %d records, want the header, 3 rows and the total", lang, len(recs))
		}
		sectors := renderWith(t, m, "csv", l, Options{Table: "sectors"})
		for _, w := range []string{"sector,need,need_qualifier,gap,gap_qualifier,currency\n", ",-250.50,,EUR\n", `"'=HYPERLINK(""x"")"`} {
			if !strings.Contains(sectors, w) {
				t.Errorf("csv %s: no %q in\n%s", lang, w, sectors)
			}
		}
		both := out + sectors
		for _, bad := range []string{"EUR\"", "more than", "meer dan", "plus de", "18,000,000", "18.000.000", "toezegging", "promesse",
			"provenance", "note", hash, "ECB"} {
			if strings.Contains(both, bad) {
				t.Errorf("csv %s: %q in\n%s", lang, bad, both)
			}
		}
		// The figures are the same in every language: only text differs.
		nums := ""
		for _, rec := range recs {
			for _, f := range rec {
				if _, err := decimal.NewFromString(f); err == nil {
					nums += f + " "
				}
			}
		}
		if first == "" {
			first = nums
		} else if nums != first {
			t.Errorf("csv %s: figures %s, en has %s", lang, nums, first)
		}
	}
}

// TestCSVOneTablePerFile: a CSV file holds one table; a report with
// several needs one named, and an unknown name is refused.
func TestCSVOneTablePerFile(t *testing.T) {
	m, l := sample(t, "en")
	var b bytes.Buffer
	err := Write(&b, m, "csv", l)
	var te *TableError
	if !errors.As(err, &te) || !errors.Is(err, ledger.ErrInvalid) || te.Table != "" || strings.Join(te.Tables, ",") != "entries,sectors" {
		t.Fatalf("two tables, none named: %v", err)
	}
	if b.Len() != 0 {
		t.Errorf("wrote %q", b.String())
	}
	err = WriteWith(&b, m, "csv", l, Options{Table: "nope"})
	if !errors.As(err, &te) || te.Table != "nope" || !strings.Contains(err.Error(), "entries, sectors") {
		t.Errorf("unknown table: %v", err)
	}
	if err := WriteWith(&b, m, "csv", l, Options{Table: "sectors", Dialect: "semicolon"}); !errors.Is(err, ledger.ErrInvalid) ||
		!strings.Contains(err.Error(), "excel-be") {
		t.Errorf("unknown dialect: %v", err)
	}
	one := *m
	one.Sections = m.Sections[1:]
	if got := render(t, &one, "csv", l); !strings.HasPrefix(got, "sector,need,") {
		t.Errorf("the only table: %q", got)
	}
	files, err := CSVFiles(m, l, ExcelBE, "sample")
	if err != nil || len(files) != 2 || files[0].Name != "sample-entries.csv" || files[1].Name != "sample-sectors.csv" {
		t.Fatalf("CSVFiles: %v %v", files, err)
	}
	if !bytes.Equal(files[1].Data, []byte(renderWith(t, m, "csv", l, Options{Table: "sectors", Dialect: ExcelBE}))) {
		t.Errorf("CSVFiles differs from WriteWith")
	}
	if files, _ := CSVFiles(&one, l, "", "sample"); len(files) != 1 || files[0].Name != "sample.csv" {
		t.Errorf("CSVFiles of one table: %v", files)
	}
	var z bytes.Buffer
	if err := WriteCSVZip(&z, m, l, ExcelBE, "sample"); err != nil {
		t.Fatal(err)
	}
	zr, err := zip.NewReader(bytes.NewReader(z.Bytes()), int64(z.Len()))
	if err != nil {
		t.Fatal(err)
	}
	for i, f := range zr.File {
		rc, err := f.Open()
		if err != nil {
			t.Fatal(err)
		}
		data, _ := io.ReadAll(rc)
		rc.Close()
		if f.Name != files[i].Name || !bytes.Equal(data, files[i].Data) {
			t.Errorf("zip file %d: %s", i, f.Name)
		}
	}
	var z2 bytes.Buffer
	if WriteCSVZip(&z2, m, l, ExcelBE, "sample"); !bytes.Equal(z.Bytes(), z2.Bytes()) {
		t.Errorf("two zips of one report differ")
	}
}

// TestCSVExcelBE: the excel-be dialect opens in Excel's Belgian settings
// as one clean table: a byte-order mark, ';' between fields, a decimal
// comma, CRLF line ends; figures and text otherwise as in the default.
func TestCSVExcelBE(t *testing.T) {
	for _, lang := range model.Languages {
		m, l := sample(t, lang)
		for _, key := range Tables(m) {
			out := renderWith(t, m, "csv", l, Options{Table: key, Dialect: ExcelBE})
			plain := renderWith(t, m, "csv", l, Options{Table: key})
			if !strings.HasPrefix(out, "\uFEFF") {
				t.Fatalf("%s %s: no byte-order mark", lang, key)
			}
			body := strings.TrimPrefix(out, "\uFEFF")
			if strings.Count(body, "\r\n") != strings.Count(body, "\n") || !strings.HasSuffix(body, "\r\n") {
				t.Errorf("%s %s: not every line ends in CRLF: %q", lang, key, body)
			}
			r := csv.NewReader(strings.NewReader(body))
			r.Comma = ';'
			recs, err := r.ReadAll()
			if err != nil {
				t.Fatalf("%s %s: %v", lang, key, err)
			}
			pr := csv.NewReader(strings.NewReader(plain))
			want, _ := pr.ReadAll()
			if len(recs) != len(want) {
				t.Fatalf("%s %s: %d records, the default dialect has %d", lang, key, len(recs), len(want))
			}
			for i := range recs {
				for j := range recs[i] {
					g, w := recs[i][j], want[i][j]
					if _, err := decimal.NewFromString(w); err == nil && i > 0 && strings.Contains(w, ".") {
						w = strings.Replace(w, ".", ",", 1) // a decimal comma
					}
					if g != w {
						t.Errorf("%s %s: record %d field %d: %q, want %q", lang, key, i, j, g, w)
					}
				}
			}
		}
		out := renderWith(t, m, "csv", l, Options{Table: "entries", Dialect: ExcelBE})
		for _, w := range []string{";18000000,00;at-least;3;93,5;EUR\r\n", `;"health;education";`} {
			if !strings.Contains(out, w) {
				t.Errorf("%s: no %q in %q", lang, w, out)
			}
		}
		if out := renderWith(t, m, "csv", l, Options{Table: "sectors", Dialect: ExcelBE}); !strings.Contains(out, ";-250,50;;EUR\r\n") {
			t.Errorf("%s: a negative amount in %q", lang, out)
		}
	}
}

// TestCSVNeutralisesFormulas: text a spreadsheet would run as a formula
// gets a quote in front, in every dialect; figures never do.
func TestCSVNeutralisesFormulas(t *testing.T) {
	m, l := sample(t, "en")
	rows := m.Sections[1].Rows
	for _, s := range []string{"=1+1", "+1", "-x", "-1", "@SUM(A1)", "\tx", "\rx", "'=1"} {
		rows[2]["sector"] = model.Cell{Text: s}
		for _, dialect := range Dialects {
			r := csv.NewReader(strings.NewReader(strings.TrimPrefix(renderWith(t, m, "csv", l, Options{Table: "sectors", Dialect: dialect}), "\uFEFF")))
			if dialect == ExcelBE {
				r.Comma = ';'
			}
			recs, err := r.ReadAll()
			if err != nil {
				t.Fatal(err)
			}
			want := "'" + s
			if dialect == ExcelBE {
				want = strings.ReplaceAll(want, "\r", "") // encoding/csv drops a lone CR when it writes CRLF
			}
			if got := recs[3][0]; got != want {
				t.Errorf("%s %q: written %q", dialect, s, got)
			}
			if recs[2][3] != "-250.50" && recs[2][3] != "-250,50" {
				t.Errorf("%s: a negative figure written %q", dialect, recs[2][3])
			}
		}
	}
}

func TestHTMLEscapesLedgerText(t *testing.T) {
	for _, lang := range model.Languages {
		m, l := sample(t, lang)
		m.Title = scriptAttack
		m.Notes = append(m.Notes, imgAttack)
		m.Provenance.RateSources = append(m.Provenance.RateSources, model.RateSource{Source: `"><script>alert(1)</script>`, Entries: 1})
		out := render(t, m, "html", l)
		for _, bad := range []string{"<img", "</script><script>", "<script", "onerror=alert(1)>"} {
			if strings.Contains(out, bad) {
				t.Errorf("html %s: raw %q in the page", lang, bad)
			}
		}
		for _, want := range []string{"&lt;img src=x onerror=alert(1)&gt;", "&lt;/script&gt;&lt;script&gt;alert(1)&lt;/script&gt;"} {
			if !strings.Contains(out, want) {
				t.Errorf("html %s: no escaped %q", lang, want)
			}
		}
		// No URL: the page must open with no network. The only "src=" is
		// the escaped attack text.
		rest := strings.ReplaceAll(out, "&lt;img src=x", "")
		for _, bad := range []string{"http://", "https://", "src=", "href=", "url(", "@import", "<link", "<script"} {
			if strings.Contains(rest, bad) {
				t.Errorf("html %s: %q in the page", lang, bad)
			}
		}
		for _, want := range []string{"<!doctype html>", `<html lang="` + lang + `">`, `<meta charset="utf-8">`, "<title>", "<style>",
			"<thead>", "<tbody>", "<tfoot>", `<td class="num">`, "white-space: nowrap", "@media print", "<footer>"} {
			if !strings.Contains(out, want) {
				t.Errorf("html %s: no %q", lang, want)
			}
		}
	}
}

func TestMarkdownKeepsTheTable(t *testing.T) {
	m, l := sample(t, "en")
	m.Notes = append(m.Notes, "1. not a list", "# not a heading")
	out := render(t, m, "md", l)
	for _, line := range strings.Split(out, "\n") {
		if !strings.HasPrefix(line, "|") {
			continue
		}
		// Unescaped pipes: one more than the columns.
		n := strings.Count(line, "|") - strings.Count(line, `\|`)
		if n != 9 && n != 4 {
			t.Errorf("md: %d cell borders in %q", n, line)
		}
	}
	for _, want := range []string{`health \| care and \*more\*`, `\<img src=x onerror=alert(1)\>`, "| **Total** ",
		" **19,235,068.39 EUR (lower bound)** |", "---: |", "- 1\\. not a list", "- \\# not a heading", "### Notes", "### Provenance",
		"- **Ledger state**: 17:" + hash, "# Pledges and needs\n\nBelgium\n"} {
		if !strings.Contains(out, want) {
			t.Errorf("md: no %q in\n%s", want, out)
		}
	}
}

func TestTableKeepsCellsOnOneLine(t *testing.T) {
	m, l := sample(t, "en")
	m.Sections[1].Rows[0]["sector"] = model.Cell{Text: "a\nb\tc\x1b[31m"}
	out := render(t, m, "table", l)
	if strings.Contains(out, "\t") || strings.Contains(out, "\x1b") {
		t.Errorf("table: a tab or escape in\n%s", out)
	}
	if !strings.Contains(out, "a b c [31m") {
		t.Errorf("table: the cell is not on one line:\n%s", out)
	}
	for _, line := range strings.Split(out, "\n") {
		if strings.HasSuffix(line, " ") {
			t.Errorf("table: trailing space in %q", line)
		}
	}
}

func TestUnknownFormat(t *testing.T) {
	m, l := sample(t, "en")
	var b bytes.Buffer
	err := Write(&b, m, "pdf", l)
	if !errors.Is(err, ledger.ErrInvalid) {
		t.Fatalf("Write pdf: %v, want ErrInvalid", err)
	}
	for _, f := range Formats {
		if !strings.Contains(err.Error(), f) {
			t.Errorf("the error %q does not list %s", err, f)
		}
	}
	if b.Len() != 0 {
		t.Errorf("Write pdf wrote %q", b.String())
	}
}

func TestDeterministic(t *testing.T) {
	for _, format := range Formats {
		m, l := sample(t, "fr")
		a, b := render(t, m, format, l), render(t, m, format, l)
		if a != b {
			t.Errorf("%s: two writes differ", format)
		}
	}
}

func TestNilLangUsesTheModels(t *testing.T) {
	m, l := sample(t, "nl")
	if a, b := render(t, m, "table", nil), render(t, m, "table", l); a != b {
		t.Errorf("nil Lang: got\n%s\nwant\n%s", a, b)
	}
}

func TestCellText(t *testing.T) {
	l, err := model.ParseLang("fr")
	if err != nil {
		t.Fatal(err)
	}
	v := &layout{m: &model.Model{Currency: "JPY"}, l: l, units: 0}
	for _, tc := range []struct {
		col  model.Column
		cell model.Cell
		want string
	}{
		{model.Column{Key: "end", Type: "date"}, model.Cell{Empty: true}, "ouvert"},
		{model.Column{Key: "date", Type: "date"}, model.Cell{Empty: true}, ""},
		{model.Column{Key: "date", Type: "date"}, model.Cell{Text: "2021-10-31"}, "2021-10-31"},
		{model.Column{Key: "kind", Type: "kind"}, model.Cell{Text: "need"}, "besoin"},
		{model.Column{Key: "kind", Type: "kind"}, model.Cell{Text: "other"}, "other"},
		{model.Column{Key: "s", Type: "list"}, model.Cell{Text: "a;b; c"}, "a, b, c"},
		{model.Column{Key: "a", Type: "amount"}, model.Cell{Value: dec("1234567"), Qualifier: "about"}, "environ 1 234 567 JPY"},
		{model.Column{Key: "a", Type: "amount"}, model.Cell{Value: dec("5"), Qualifier: "exact"}, "5 JPY"},
		{model.Column{Key: "a", Type: "amount"}, model.Cell{Empty: true}, ""},
		{model.Column{Key: "n", Type: "count"}, model.Cell{Int: 0}, "0"},
		{model.Column{Key: "p", Type: "percent"}, model.Cell{Value: dec("12.5")}, "12,5 %"},
		{model.Column{Key: "p", Type: "percent"}, model.Cell{Empty: true}, ""},
		{model.Column{Key: "t", Type: "text"}, model.Cell{Text: "x", Empty: true}, ""},
	} {
		if got := v.text(tc.col, model.Row{tc.col.Key: tc.cell}); got != tc.want {
			t.Errorf("%s %+v: %q, want %q", tc.col.Type, tc.cell, got, tc.want)
		}
	}
	if got := v.text(model.Column{Key: "end", Type: "date"}, model.Row{}); got != "" {
		t.Errorf("a missing cell reads %q", got)
	}
}

func TestHTMLFitsTheTablesOnA4(t *testing.T) {
	m, l := sample(t, "en")
	narrow := *m
	narrow.Sections = m.Sections[1:2]
	narrow.Sections[0].Rows = narrow.Sections[0].Rows[:1]
	out := render(t, &narrow, "html", l)
	if strings.Contains(out, "landscape") || strings.Contains(out, `class="dense"`) {
		t.Errorf("a three-column table printed in landscape or small type")
	}
	if !strings.Contains(out, "@page { size: A4; margin: 18mm 15mm; }") {
		t.Errorf("no A4 page")
	}

	wide := *m
	s := model.Section{Key: "wide", Columns: []model.Column{{Key: "ref", Label: "Ref", Type: "text"}}}
	row := model.Row{"ref": {Text: "coal-need-2021-stab"}}
	for _, k := range []string{"a", "b", "c", "d", "e", "f", "g", "h"} {
		s.Columns = append(s.Columns, model.Column{Key: k, Label: strings.ToUpper(k), Type: "amount"})
		row[k] = model.Cell{Value: dec("2445000000.00"), Qualifier: "about"}
	}
	s.Rows = []model.Row{row}
	wide.Sections = []model.Section{s}
	out = render(t, &wide, "html", l)
	for _, want := range []string{"@page { size: A4 landscape;", `<table class="dense">`, `<td class="short">coal-need-2021-stab</td>`,
		`<td class="num"><span class="q">about</span><span class="sp"> </span>2,445,000,000.00 EUR</td>`} {
		if !strings.Contains(out, want) {
			t.Errorf("wide table: no %q", want)
		}
	}
}
