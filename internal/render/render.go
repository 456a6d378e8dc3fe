// Package render lays out a finished model.Model for a reader: a terminal
// table, Markdown for briefing notes, CSV (one table per file) for
// programs and spreadsheets, JSON for programs, a standalone, printable
// HTML page and an Excel workbook (xlsx). One file per format.
//
// Renderers never compute figures: every amount, count and percentage is
// already in the Model, summed and rounded by internal/report. A renderer
// only chooses how a cell reads: the table, Markdown and HTML layouts write
// numbers in the reader's language through model.Lang (18.000.000,00 EUR
// for nl), while CSV and JSON stay locale-neutral (18000000.00) and the
// workbook holds numbers as numbers, exactly, with a number format. Every
// format but CSV carries the report's notes and its provenance (valuation,
// rates, ledger revision and chain hash), so a reader can tell which ledger
// state produced the figures; a CSV file is one clean table of data, for a
// program or a spreadsheet to read.
//
// Ledger text (party names, sectors, titles, notes) is data, never markup:
// each layout escapes it for its own syntax.
//
// A column of type ref names entries by their refs. The reader's layouts
// show an entry with a title by it, the ref after it in small print
// ("Title (ref)"; in HTML, the ref in a <small> under it), and the ref
// alone with --codes; CSV and JSON keep the ref in the column and the
// title in a column of its own after it, KEY_title.
package render

import (
	"bytes"
	"fmt"
	"io"
	"strings"
	"unicode"

	"github.com/coalition/pledger/internal/model"

	"github.com/coalition/pledger/internal/ledger"
	"github.com/coalition/pledger/internal/money"
)

// Formats lists the formats Write knows, in the order the CLI offers them.
var Formats = []string{"table", "md", "csv", "json", "html", "xlsx"}

// Binary tells whether a format's output is not text, and so not for a
// terminal.
func Binary(format string) bool { return format == "xlsx" }

// Options are the choices a format takes beyond the model and the
// language. The zero value is every format's default.
type Options struct {
	// Table is the key of the table a CSV file holds: a CSV file holds
	// one table, so a report with several needs one named (Tables).
	Table string
	// Dialect is the CSV dialect: RFC4180 (or "") or ExcelBE.
	Dialect string
}

// Write lays out m in format for the reader of l, with the default
// options. When l is nil the model's own language is used. The output is
// written to w in one piece, only once it is complete. An unknown format
// is an error wrapping ledger.ErrInvalid, and so is a CSV of a report with
// several tables (a *TableError: use WriteWith and name one).
func Write(w io.Writer, m *model.Model, format string, l *model.Lang) error {
	return WriteWith(w, m, format, l, Options{})
}

// WriteWith is Write with options.
func WriteWith(w io.Writer, m *model.Model, format string, l *model.Lang, opt Options) error {
	var write func(io.Writer, *model.Model, *model.Lang) error
	switch format {
	case "table":
		write = writeTable
	case "md":
		write = writeMarkdown
	case "csv":
		if _, err := ParseDialect(opt.Dialect); err != nil {
			return err
		}
		write = func(w io.Writer, m *model.Model, l *model.Lang) error { return writeCSV(w, m, l, opt) }
	case "json":
		write = writeJSON
	case "html":
		write = writeHTML
	case "xlsx":
		write = writeXLSX
	default:
		return fmt.Errorf("%w: format %q: use one of %s", ledger.ErrInvalid, format, strings.Join(Formats, ", "))
	}
	if m == nil {
		return fmt.Errorf("%w: render %s: no report", ledger.ErrInvalid, format)
	}
	if l == nil {
		var err error
		if l, err = model.ParseLang(m.Lang); err != nil {
			return fmt.Errorf("render %s: %w", format, err)
		}
	}
	l = l.WithSectors(m.SectorNames)
	var buf bytes.Buffer
	if err := write(&buf, m, l); err != nil {
		return fmt.Errorf("render %s: %w", format, err)
	}
	if _, err := w.Write(buf.Bytes()); err != nil {
		return fmt.Errorf("render %s: %w", format, err)
	}
	return nil
}

// layout is what the reader-facing formats (table, md, html) share: the
// model, the reader's language and the report currency's minor units.
type layout struct {
	m     *model.Model
	l     *model.Lang
	units int32
}

func newLayout(m *model.Model, l *model.Lang) (*layout, error) {
	units, err := currencyUnits(m)
	if err != nil {
		return nil, err
	}
	return &layout{m: m, l: l, units: units}, nil
}

// currencyUnits returns the minor units of the report currency. A report
// without amount columns needs no currency.
func currencyUnits(m *model.Model) (int32, error) {
	cur, err := money.ParseCurrency(m.Currency)
	if err == nil {
		return cur.Units, nil
	}
	for _, s := range m.Sections {
		for _, c := range s.Columns {
			if c.Type == "amount" {
				return 0, err
			}
		}
	}
	return 0, nil
}

// numeric tells whether a column holds numbers, which every layout
// aligns to the right.
func numeric(c model.Column) bool {
	switch c.Type {
	case "amount", "count", "percent":
		return true
	}
	return false
}

// text is how the cell of row r in column c reads in the reader's
// language. A cell missing from the row reads as blank.
func (v *layout) text(c model.Column, r model.Row) string {
	cell, ok := r[c.Key]
	if !ok {
		return ""
	}
	if cell.Empty {
		if c.Type == "date" && c.Key == "end" {
			return v.l.T("open")
		}
		return ""
	}
	switch c.Type {
	case "kind":
		return v.l.Kind(cell.Text)
	case "list":
		return v.l.List(c.Key, cell.Text)
	case "amount":
		return v.l.AmountIn(cell, v.m.Currency, v.units, v.m.Unit)
	case "count":
		return v.l.Count(cell)
	case "percent":
		return v.l.Percent(cell.Value)
	case "date":
		return v.l.Date(cell.Text)
	case "party":
		if cell.Text == v.l.T("total") {
			return cell.Text
		}
		return v.l.PartyLabel(cell.Text, v.m.PartyNames[cell.Text])
	case "ref":
		return v.l.RefLabel(cell.Text, v.m.Titles[cell.Text])
	default: // text
		return cell.Text
	}
}

// footer is the provenance as the reader reads it.
func (v *layout) footer() []model.Field { return model.Footer(v.l, v.m) }

// oneLine keeps text on one line for the line-based layouts: newlines,
// tabs and other control characters (a terminal escape sequence, say)
// become spaces.
func oneLine(s string) string {
	if strings.IndexFunc(s, unicode.IsControl) < 0 {
		return s
	}
	return strings.Map(func(r rune) rune {
		if unicode.IsControl(r) {
			return ' '
		}
		return r
	}, s)
}

// withMark is a title with the model's mark after it (the report counts
// illustrative entries), or the title alone.
func withMark(title, mark string) string {
	if mark == "" {
		return title
	}
	return title + " " + mark
}
