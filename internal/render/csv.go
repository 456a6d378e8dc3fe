package render

import (
	"archive/zip"
	"bytes"
	"encoding/csv"
	"fmt"
	"io"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/coalition/pledger/internal/csvio"
	"github.com/coalition/pledger/internal/ledger"
	"github.com/coalition/pledger/internal/model"
)

// CSV dialects.
const (
	// RFC4180 is the default: ',' between fields, '.' before decimals, LF
	// line ends, no byte-order mark.
	RFC4180 = "rfc4180"
	// ExcelBE is what Excel opens as one clean table in Belgian settings:
	// ';' between fields, ',' before decimals, a UTF-8 byte-order mark and
	// CRLF line ends.
	ExcelBE = "excel-be"
)

// Dialects lists the CSV dialects, the default first.
var Dialects = []string{RFC4180, ExcelBE}

// ParseDialect checks a CSV dialect ("" is RFC4180).
func ParseDialect(s string) (string, error) {
	switch s {
	case "", RFC4180:
		return RFC4180, nil
	case ExcelBE:
		return ExcelBE, nil
	}
	return "", ledger.Fail(ledger.ErrInvalid, "bad_csv_dialect", "csv-dialect", s, "%q: use %s", s, strings.Join(Dialects, " or "))
}

// Tables are the keys of m's tables, in order: what Options.Table names.
func Tables(m *model.Model) []string {
	keys := make([]string, len(m.Sections))
	for i, s := range m.Sections {
		keys[i] = s.Key
	}
	return keys
}

// TableError is a CSV asked of a report without saying which of its
// tables (a CSV file holds one), or naming a table it does not have. It
// wraps ledger.ErrInvalid.
type TableError struct {
	Report string
	Table  string   // the table asked for; "" when none was named
	Tables []string // the report's tables
}

func (e *TableError) Error() string {
	if e.Table != "" {
		return fmt.Sprintf("report %s has no table %q: its tables are %s", e.Report, e.Table, strings.Join(e.Tables, ", "))
	}
	return fmt.Sprintf("report %s has %d tables (%s) and a CSV file holds one: name the table", e.Report, len(e.Tables), strings.Join(e.Tables, ", "))
}

func (e *TableError) Unwrap() error { return ledger.ErrInvalid }

// table is the section a CSV of m holds.
func table(m *model.Model, key string) (model.Section, error) {
	if key == "" && len(m.Sections) == 1 {
		return m.Sections[0], nil
	}
	for _, s := range m.Sections {
		if key != "" && s.Key == key {
			return s, nil
		}
	}
	return model.Section{}, &TableError{Report: m.Report, Table: key, Tables: Tables(m)}
}

// What a column of a CSV file or a sheet holds.
const (
	valueCol     = iota // the model column's own cells
	qualifierCol        // how the figure of the column before reads (qualifier or bound)
	currencyCol         // the report currency
	titleCol            // the title of the entry the ref column before names
)

// outCol is a column of a CSV file or a sheet: a model column, the
// qualifier of one, or the currency.
type outCol struct {
	col  model.Column
	what int
}

// dataColumns are the columns a section's data is written in, as CSV
// and as a sheet: each column of the model, an amount column followed by
// its qualifier, a count column followed by its qualifier when any of its
// figures is qualified, and the currency last when there is an amount.
func dataColumns(s model.Section) []outCol {
	var cols []outCol
	money := false
	for _, c := range s.Columns {
		cols = append(cols, outCol{col: c})
		if c.Type == "ref" {
			cols = append(cols, outCol{col: c, what: titleCol})
		}
		if c.Type == "amount" || c.Type == "count" && anyQualified(s, c.Key) {
			cols = append(cols, outCol{col: c, what: qualifierCol})
		}
		money = money || c.Type == "amount"
	}
	if money {
		cols = append(cols, outCol{what: currencyCol})
	}
	return cols
}

// anyQualified tells whether a cell of column key, in the rows or the
// totals, is qualified.
func anyQualified(s model.Section, key string) bool {
	for _, rows := range [][]model.Row{s.Rows, s.Totals} {
		for _, r := range rows {
			if qualifierCode(r[key]) != "" {
				return true
			}
		}
	}
	return false
}

// qualifierCode is how a figure reads, locale-neutral: the qualifier every
// entry in it shares (at-least, about, up-to), or, when only some are
// qualified, the bound it is (lower-bound, upper-bound, approximate); ""
// for an exact figure.
func qualifierCode(c model.Cell) string {
	switch {
	case c.Empty:
		return ""
	case c.Qualifier != "" && c.Qualifier != string(ledger.Exact):
		return c.Qualifier
	case c.Bound == "lower" || c.Bound == "upper":
		return c.Bound + "-bound"
	}
	return c.Bound
}

// writeCSV writes one table of the report (opt.Table, or the report's only
// one) for a program or a spreadsheet, locale-neutral whatever the
// reader's language: a header of column keys, the rows, then the totals.
// Amounts are plain decimals in the report currency with its minor units
// (18000000.00: no grouping, no currency, no qualifier words), each
// followed by a KEY_qualifier column (qualifierCode), and the currency is
// the last column; percentages have one decimal, counts are integers,
// kinds are their codes. Notes and provenance are not in the file: they
// are in every other format.
//
// The ExcelBE dialect writes ';' between fields, ',' before decimals, a
// byte-order mark and CRLF line ends. Text that a spreadsheet would run
// as a formula is neutralised (csvio.Neutralise).
func writeCSV(w io.Writer, m *model.Model, _ *model.Lang, opt Options) error {
	units, err := currencyUnits(m)
	if err != nil {
		return err
	}
	dialect, err := ParseDialect(opt.Dialect)
	if err != nil {
		return err
	}
	s, err := table(m, opt.Table)
	if err != nil {
		return err
	}
	cw := csv.NewWriter(w)
	number := func(s string) string { return s }
	if dialect == ExcelBE {
		if _, err := w.Write([]byte("\uFEFF")); err != nil {
			return err
		}
		cw.Comma, cw.UseCRLF = ';', true
		number = func(s string) string { return strings.Replace(s, ".", ",", 1) }
	}
	cols := dataColumns(s)
	head := make([]string, len(cols))
	for j, c := range cols {
		switch c.what {
		case valueCol:
			head[j] = c.col.Key
		case qualifierCol:
			head[j] = c.col.Key + "_qualifier"
		case currencyCol:
			head[j] = "currency"
		case titleCol:
			head[j] = c.col.Key + "_title"
		}
	}
	if err := cw.Write(head); err != nil {
		return err
	}
	for _, r := range slices.Concat(s.Rows, s.Totals) {
		rec := make([]string, len(cols))
		for j, c := range cols {
			switch c.what {
			case valueCol:
				rec[j] = neutral(c.col, r, units, number)
			case qualifierCol:
				rec[j] = qualifierCode(r[c.col.Key])
			case currencyCol:
				rec[j] = m.Currency
			case titleCol:
				rec[j] = csvio.Neutralise(titleOf(m, r[c.col.Key]))
			}
		}
		if err := cw.Write(rec); err != nil {
			return err
		}
	}
	cw.Flush()
	return cw.Error()
}

// titleOf is the title of the entry a ref cell names, "" without one.
func titleOf(m *model.Model, cell model.Cell) string {
	if cell.Empty {
		return ""
	}
	return m.Titles[cell.Text]
}

// neutral is a cell as a program or a spreadsheet reads it, whatever the
// language; number writes a decimal in the file's dialect.
func neutral(c model.Column, r model.Row, units int32, number func(string) string) string {
	cell, ok := r[c.Key]
	if !ok || cell.Empty {
		return ""
	}
	switch c.Type {
	case "amount":
		return number(cell.Value.StringFixed(units))
	case "percent":
		return number(cell.Value.StringFixed(1))
	case "count":
		return strconv.FormatInt(cell.Int, 10)
	default: // text, party, ref, kind (its code), date (as stated), list (';'-joined)
		return csvio.Neutralise(cell.Text)
	}
}

// File is one file of a report: a name and its content.
type File struct {
	Name string
	Data []byte
}

// CSVFiles writes every table of m as a CSV file of its own in dialect:
// base.csv for a report's only table, base-KEY.csv for each of several.
func CSVFiles(m *model.Model, l *model.Lang, dialect, base string) ([]File, error) {
	var files []File
	for _, key := range Tables(m) {
		var b bytes.Buffer
		if err := WriteWith(&b, m, "csv", l, Options{Table: key, Dialect: dialect}); err != nil {
			return nil, err
		}
		name := base + "-" + key + ".csv"
		if len(m.Sections) == 1 {
			name = base + ".csv"
		}
		files = append(files, File{Name: name, Data: b.Bytes()})
	}
	return files, nil
}

// WriteCSVZip writes every table of m as a CSV file of its own (CSVFiles)
// into one zip archive: the download of a report with several tables.
// The archive is the same bytes for the same report: its files are dated
// at the ledger state's moment.
func WriteCSVZip(w io.Writer, m *model.Model, l *model.Lang, dialect, base string) error {
	files, err := CSVFiles(m, l, dialect, base)
	if err != nil {
		return err
	}
	var b bytes.Buffer
	zw := zip.NewWriter(&b)
	when := m.AsOf.UTC()
	if when.Year() < 1980 {
		when = time.Date(1980, 1, 1, 0, 0, 0, 0, time.UTC)
	}
	for _, f := range files {
		fw, err := zw.CreateHeader(&zip.FileHeader{Name: f.Name, Method: zip.Deflate, Modified: when})
		if err != nil {
			return err
		}
		if _, err := fw.Write(f.Data); err != nil {
			return err
		}
	}
	if err := zw.Close(); err != nil {
		return err
	}
	_, err = w.Write(b.Bytes())
	return err
}

// columnKeys are the keys of the neutral formats' columns: each column's
// key, and after a ref column KEY_title, the titles of its entries.
func columnKeys(cols []model.Column) []string {
	keys := make([]string, 0, len(cols)+1)
	for _, c := range cols {
		keys = append(keys, c.Key)
		if c.Type == "ref" {
			keys = append(keys, c.Key+"_title")
		}
	}
	return keys
}
