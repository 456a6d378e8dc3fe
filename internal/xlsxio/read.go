package xlsxio

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"slices"
	"strings"
	"sync"
	"unicode"

	"github.com/coalition/pledger/internal/csvio"
	"github.com/coalition/pledger/internal/ledger"
	"github.com/xuri/excelize/v2"
)

// Options change how a workbook is read.
type Options struct {
	// Sheet names the sheet to read; "" reads the first.
	Sheet string
	// DecimalComma forces the notation of text amounts: true Belgian
	// (1.250.000,50), false English (1,250,000.50). Nil: detected from the
	// sheet's text amounts.
	DecimalComma *bool
}

// maxUnzipped is the most a workbook may unpack to: far more than any
// officer's workbook, and a bound on what an upload can make the server
// hold.
const maxUnzipped = 1 << 30

// FileSource is an import source reading the workbook at path: its rows
// are the sheet's rows as ledger fields, numbered as in Excel, and its
// problems name their cells (csvio.Source.Cell).
func FileSource(path string, opt Options) csvio.Source {
	r := &reader{path: path, opt: opt}
	return csvio.Source{Name: path, Rows: r.rows, Cell: r.cell}
}

// reader reads one workbook; layout is what the header told, for naming
// cells after a read.
type reader struct {
	path string
	opt  Options

	mu     sync.Mutex
	layout *layout
}

type layout struct {
	sheet string         // as a reference: Blad1, 'My sheet'
	cols  map[string]int // column index (0-based) of each field
	width int            // columns in the header
}

// cell names the place of a problem: SHEET!CELL for a column of the
// header, the row's range (SHEET!A7:Q7) otherwise.
func (r *reader) cell(line int, field string) string {
	r.mu.Lock()
	l := r.layout
	r.mu.Unlock()
	if l == nil || line < 1 {
		return ""
	}
	if i, ok := l.cols[field]; ok {
		return l.sheet + "!" + cellName(i, line)
	}
	return l.sheet + "!" + cellName(0, line) + ":" + cellName(max(l.width, 1)-1, line)
}

// cellName is the A1 name of column i (0-based) in row line.
func cellName(i, line int) string {
	name, err := excelize.CoordinatesToCellName(i+1, line)
	if err != nil {
		return fmt.Sprintf("R%dC%d", line, i+1)
	}
	return name
}

// sheetRef writes a sheet name as a reference does: quoted unless it is
// letters, digits and underscores.
func sheetRef(name string) string {
	plain := name != ""
	for i, c := range name {
		if !(unicode.IsLetter(c) || c == '_' || i > 0 && unicode.IsDigit(c)) {
			plain = false
		}
	}
	if plain {
		return name
	}
	return "'" + strings.ReplaceAll(name, "'", "''") + "'"
}

// fileProblem is a problem with the whole file, yielded as the stream's
// only item.
func fileProblem(format string, args ...any) error {
	return &ledger.Problems{List: []ledger.Problem{{Msg: fmt.Sprintf(format, args...)}}}
}

func (r *reader) rows(yield func(csvio.Row, error) bool) {
	file, err := os.Open(r.path)
	if err != nil {
		var pe *fs.PathError
		if errors.As(err, &pe) {
			err = pe.Err
		}
		yield(csvio.Row{}, fileProblem("cannot open the file: %v", err))
		return
	}
	defer file.Close()
	f, err := excelize.OpenReader(file, excelize.Options{UnzipSizeLimit: maxUnzipped})
	if err != nil {
		yield(csvio.Row{}, fileProblem("not an XLSX workbook (%v): save it from Excel as an Excel Workbook (.xlsx), or as CSV", err))
		return
	}
	defer f.Close()
	sheets := f.GetSheetList()
	sheet := ""
	switch {
	case r.opt.Sheet == "" && len(sheets) > 0:
		sheet = sheets[0]
	case r.opt.Sheet != "":
		for _, s := range sheets {
			if s == r.opt.Sheet || sheet == "" && strings.EqualFold(s, r.opt.Sheet) {
				sheet = s
			}
		}
	}
	if sheet == "" {
		yield(csvio.Row{}, fileProblem("no sheet %q: the sheets are %s", ledger.Clip(r.opt.Sheet), strings.Join(sheets, ", ")))
		return
	}
	rows, err := f.GetRows(sheet, excelize.Options{RawCellValue: true})
	if err != nil {
		yield(csvio.Row{}, fileProblem("sheet %s cannot be read: %v", sheet, err))
		return
	}
	s := &sheetReader{f: f, name: sheet, ref: sheetRef(sheet), styles: map[int]dateFormat{}}
	if props, err := f.GetWorkbookProps(); err == nil && props.Date1904 != nil {
		s.date1904 = *props.Date1904
	}
	if len(rows) == 0 || len(rows[0]) == 0 {
		yield(csvio.Row{}, &ledger.Problems{List: []ledger.Problem{{Line: 1, Cell: s.ref + "!A1",
			Msg: "row 1 is empty: it must be the header, such as " + strings.Join(ledger.Columns, ",")}}})
		return
	}
	var hps ledger.Problems
	header := csvio.CheckHeader(rows[0], csvio.Options{}, func(i int, p ledger.Problem) {
		p.Line = 1
		if i >= 0 {
			p.Cell = s.ref + "!" + cellName(i, 1)
		} else {
			p.Cell = s.ref + "!" + cellName(0, 1) + ":" + cellName(max(len(rows[0]), 1)-1, 1)
		}
		hps.List = append(hps.List, p)
	})
	if err := hps.Err(); err != nil {
		yield(csvio.Row{}, err)
		return
	}
	l := &layout{sheet: s.ref, cols: map[string]int{}, width: len(header)}
	for i, h := range header {
		l.cols[h] = i
	}
	r.mu.Lock()
	r.layout = l
	r.mu.Unlock()

	n := ledger.English
	if r.opt.DecimalComma != nil && *r.opt.DecimalComma || r.opt.DecimalComma == nil && s.decimalComma(rows, l) {
		n.DecimalComma = true
	}
	for i := 1; i < len(rows); i++ {
		line := i + 1
		fields, ps := s.row(rows[i], line, header, n)
		if fields == nil && ps == nil {
			continue // an empty row
		}
		var err error
		if len(ps) > 0 {
			fields, err = nil, &ledger.Problems{List: ps}
		}
		if !yield(csvio.Row{Line: line, Fields: fields}, err) {
			return
		}
	}
}

// sheetReader reads the cells of one sheet.
type sheetReader struct {
	f        *excelize.File
	name     string // as excelize knows it
	ref      string // as a reference writes it
	date1904 bool
	styles   map[int]dateFormat
}

// row reads one row of the sheet, line its number: its fields, or the
// problems of its cells; both nil for an empty row.
func (s *sheetReader) row(raw []string, line int, header []string, n ledger.Notation) (ledger.Fields, []ledger.Problem) {
	cells := make([]cellInfo, max(len(raw), len(header)))
	empty := true
	for j := range cells {
		c := &cells[j]
		c.ref = cellName(j, line)
		if j < len(raw) {
			c.raw = raw[j]
			// Only a cell the row holds can have a formula (excelize lists a
			// formula cell without a cached value as "").
			c.formula, _ = s.f.GetCellFormula(s.name, c.ref)
		}
		if strings.TrimSpace(c.raw) != "" || c.formula != "" {
			empty = false
		}
	}
	if empty {
		return nil, nil
	}
	var ps []ledger.Problem
	bad := func(j int, field, msg string) {
		ps = append(ps, ledger.Problem{Line: line, Cell: s.ref + "!" + cells[j].ref, Field: field, Msg: msg})
	}
	f := make(ledger.Fields, len(header))
	currency := ""
	if j := slices.Index(header, "currency"); j >= 0 {
		currency = cells[j].raw
	}
	for j := range cells {
		c := &cells[j]
		if j >= len(header) {
			if strings.TrimSpace(c.raw) != "" || c.formula != "" {
				bad(j, "column "+columnName(j), fmt.Sprintf("a value in a column without a header (%s1 is empty): give the column a header or clear it", columnName(j)))
			}
			continue
		}
		v, msg := s.value(header[j], c, n, currency)
		if msg != "" {
			bad(j, header[j], msg)
			continue
		}
		f[header[j]] = v
	}
	return f, ps
}

func columnName(j int) string {
	name, _ := excelize.ColumnNumberToName(j + 1)
	return name
}

// cellInfo is one cell of a row: its name, its stored value and its
// formula, if any.
type cellInfo struct {
	ref, raw, formula string
}

// value turns a cell of column field into the canonical text of that field
// (what a CSV file would hold), or says what is wrong with it.
func (s *sheetReader) value(field string, c *cellInfo, n ledger.Notation, currency string) (string, string) {
	if c.formula != "" {
		return "", fmt.Sprintf("a formula (=%s): paste its value instead", ledger.Clip(strings.TrimPrefix(c.formula, "=")))
	}
	if c.raw == "" {
		return "", ""
	}
	typ, err := s.f.GetCellType(s.name, c.ref)
	if err != nil {
		return "", fmt.Sprintf("cannot be read: %v", err)
	}
	switch typ {
	case excelize.CellTypeError:
		return "", fmt.Sprintf("an error value (%s): put the figure itself in the cell", ledger.Clip(c.raw))
	case excelize.CellTypeBool:
		if c.raw == "1" {
			return "true", ""
		}
		return "false", ""
	case excelize.CellTypeDate:
		return isoDateCell(c.raw)
	case excelize.CellTypeSharedString, excelize.CellTypeInlineString, excelize.CellTypeFormula:
		return textValue(field, c.raw, n)
	}
	return s.numberValue(field, c, currency)
}

// textValue reads a text cell: an amount in the workbook's notation, a
// date ISO or day first, anything else as it is.
func textValue(field, v string, n ledger.Notation) (string, string) {
	switch field {
	case "amount":
		return ledger.ReadAmount(v, n)
	case "date", "end":
		if strings.EqualFold(strings.TrimSpace(v), ledger.Unknown) {
			return v, ""
		}
		return ledger.ReadDate(v, ledger.Belgian)
	}
	// A CSV pledger wrote, opened in a spreadsheet and saved as a
	// workbook, keeps the quote that neutralised a formula-like text.
	return csvio.Restore(v), ""
}

// decimalComma tells whether the sheet's text amounts are written the
// Belgian way: more of them show a decimal comma (1.250.000,50; 12,5) than
// a decimal point (1,250,000.50; 12.5). One that shows neither (5.000,
// 18000000) does not count.
func (s *sheetReader) decimalComma(rows [][]string, l *layout) bool {
	j, ok := l.cols["amount"]
	if !ok {
		return false
	}
	votes := 0
	for i := 1; i < len(rows); i++ {
		if j >= len(rows[i]) || strings.TrimSpace(rows[i][j]) == "" {
			continue
		}
		typ, err := s.f.GetCellType(s.name, cellName(j, i+1))
		if err != nil || typ != excelize.CellTypeSharedString && typ != excelize.CellTypeInlineString {
			continue
		}
		votes += separatorVote(rows[i][j])
	}
	return votes > 0
}

// separatorVote is +1 for an amount written with a decimal comma, -1 for
// one with a decimal point, 0 for one that could be either.
func separatorVote(s string) int {
	s = strings.NewReplacer(" ", "", "\u00a0", "", "\u202f", "").Replace(strings.TrimSpace(s))
	commas, dots := strings.Count(s, ","), strings.Count(s, ".")
	after := func(sep string) int { return len(s) - strings.LastIndex(s, sep) - 1 }
	switch {
	case commas > 0 && dots > 0:
		if strings.LastIndex(s, ",") > strings.LastIndex(s, ".") {
			return 1
		}
		return -1
	case commas > 1:
		return -1
	case dots > 1:
		return 1
	case commas == 1 && after(",") != 3:
		return 1
	case dots == 1 && after(".") != 3:
		return -1
	}
	return 0
}
