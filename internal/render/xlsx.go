package render

import (
	"fmt"
	"io"
	"slices"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/coalition/pledger/internal/ledger"
	"github.com/coalition/pledger/internal/model"
	"github.com/shopspring/decimal"
	"github.com/xuri/excelize/v2"
)

// excelDigits is how many significant digits a spreadsheet keeps of a
// number (Excel stores a double and shows 15).
const excelDigits = 15

// writeXLSX lays the report out as an Excel workbook for the reader of l:
// a sheet per table, named by its title in the reader's language, with its
// header in bold and frozen, an autofilter over its rows, and its totals
// in bold under them; then a sheet with the title, the notes and the
// provenance.
//
// Figures are numbers, written digit for digit from the model's decimals
// (never through a float): an amount with the report currency's minor
// units as its number format (#,##0.00; #,##0 for JPY), scaled by the
// format when a display unit is asked (the value stays exact), followed by
// a column with its qualifier in the reader's words ("more than", "lower
// bound"), and the currency in a column of its own; a count with #,##0; a
// percentage as a fraction with 0.0%. A figure of more than 15
// significant digits, which a spreadsheet would round, is written as text
// with its exact digits, and a note says so. Text is written as text
// cells, which a spreadsheet never runs as a formula. Column widths follow
// the content. The workbook is the same bytes for the same report: its
// dates are the ledger state's moment (or the --stamp time).
func writeXLSX(w io.Writer, m *model.Model, l *model.Lang) error {
	v, err := newLayout(m, l)
	if err != nil {
		return err
	}
	f := excelize.NewFile()
	defer f.Close()
	x := &sheets{f: f, v: v, styles: map[cellStyle]int{}}
	names := x.sheetNames()
	for i, s := range m.Sections {
		if err := x.section(names[i], s); err != nil {
			return err
		}
	}
	if err := x.notes(names[len(names)-1]); err != nil {
		return err
	}
	f.SetActiveSheet(0)
	when := m.AsOf
	if !m.GeneratedAt.IsZero() {
		when = m.GeneratedAt
	}
	stamp := when.UTC().Format("2006-01-02T15:04:05Z")
	if err := f.SetDocProps(&excelize.DocProperties{Title: withMark(m.Title, m.Mark), Subject: m.Subtitle, Creator: "pledger",
		LastModifiedBy: "pledger", Description: m.Provenance.State, Language: l.Code, Created: stamp, Modified: stamp}); err != nil {
		return err
	}
	_, err = f.WriteTo(w)
	return err
}

// sheets writes one workbook.
type sheets struct {
	f       *excelize.File
	v       *layout
	styles  map[cellStyle]int
	asText  int // figures written as text: too many digits for a spreadsheet
	created bool
}

// cellStyle is a style the workbook uses: a number format, bold (a header
// or a total), wrapped text (a long text column), a rule under (the
// header).
type cellStyle struct {
	numFmt                string
	bold, wrap, ruleUnder bool
}

// style is the workbook's id of cs, made on first use.
func (x *sheets) style(cs cellStyle) (int, error) {
	if id, ok := x.styles[cs]; ok {
		return id, nil
	}
	st := &excelize.Style{Alignment: &excelize.Alignment{Vertical: "top", WrapText: cs.wrap}}
	if cs.bold {
		st.Font = &excelize.Font{Bold: true}
	}
	if cs.numFmt != "" {
		code := cs.numFmt
		st.CustomNumFmt = &code
	}
	if cs.ruleUnder {
		st.Border = []excelize.Border{{Type: "bottom", Color: "000000", Style: 1}}
	}
	id, err := x.f.NewStyle(st)
	if err != nil {
		return 0, err
	}
	x.styles[cs] = id
	return id, nil
}

// sheetNames are the names of the sheets: each table's title (the
// report's title for an untitled table), then the notes, each at most 31
// characters, without the characters a sheet name cannot hold, and
// unique.
func (x *sheets) sheetNames() []string {
	m, l := x.v.m, x.v.l
	var names []string
	seen := map[string]bool{"history": true} // Excel keeps History for itself
	add := func(name, fallback string) {
		name = sheetName(name)
		if name == "" {
			name = sheetName(fallback)
		}
		base := name
		for n := 2; seen[strings.ToLower(name)]; n++ {
			suffix := " (" + strconv.Itoa(n) + ")"
			name = clipRunes(base, 31-utf8.RuneCountInString(suffix)) + suffix
		}
		seen[strings.ToLower(name)] = true
		names = append(names, name)
	}
	for i, s := range m.Sections {
		title := s.Title
		if title == "" {
			title = m.Title
		}
		add(title, fmt.Sprintf("%s %d", s.Key, i+1))
	}
	add(l.T("sheet.notes"), "notes")
	return names
}

// sheetName is s as a sheet's name: no []:*?/\ or control characters, no
// quote at either end, at most 31 characters.
func sheetName(s string) string {
	s = strings.Map(func(r rune) rune {
		if strings.ContainsRune(`[]:*?/\`, r) || r < ' ' || r == 0x7f {
			return ' '
		}
		return r
	}, s)
	s = strings.Join(strings.Fields(s), " ")
	s = strings.Trim(clipRunes(strings.Trim(s, "' "), 31), "' ")
	return s
}

func clipRunes(s string, n int) string {
	if utf8.RuneCountInString(s) <= n {
		return s
	}
	return string([]rune(s)[:n])
}

// sheet makes the sheet name: the workbook's first sheet (Sheet1,
// renamed) for the first, a new one after it for the others.
func (x *sheets) sheet(name string) error {
	if !x.created {
		x.created = true
		return x.f.SetSheetName(x.f.GetSheetList()[0], name)
	}
	_, err := x.f.NewSheet(name)
	return err
}

// column widths, in characters.
const (
	minWidth  = 6
	maxWidth  = 60
	noteWidth = 100
)

// section writes one table on its own sheet.
func (x *sheets) section(name string, s model.Section) error {
	if err := x.sheet(name); err != nil {
		return err
	}
	f := x.f
	cols := dataColumns(s)
	width := make([]int, len(cols))
	wide := make([]bool, len(cols))
	// The widths first: a text column wider than maxWidth wraps.
	for j, c := range cols {
		width[j] = utf8.RuneCountInString(x.header(c)) + 1
		for _, r := range slices.Concat(s.Rows, s.Totals) {
			width[j] = max(width[j], utf8.RuneCountInString(x.shown(c, r)))
		}
		wide[j] = width[j] > maxWidth
		width[j] = min(max(width[j]+2, minWidth), maxWidth)
	}
	cell := func(j, row int) string {
		ref, _ := excelize.CoordinatesToCellName(j+1, row)
		return ref
	}
	head, err := x.style(cellStyle{bold: true, wrap: true, ruleUnder: true})
	if err != nil {
		return err
	}
	for j, c := range cols {
		if err := f.SetCellStr(name, cell(j, 1), x.header(c)); err != nil {
			return err
		}
		if err := f.SetCellStyle(name, cell(j, 1), cell(j, 1), head); err != nil {
			return err
		}
		colName, _ := excelize.ColumnNumberToName(j + 1)
		if err := f.SetColWidth(name, colName, colName, float64(width[j])); err != nil {
			return err
		}
	}
	row := 2
	for i, r := range slices.Concat(s.Rows, s.Totals) {
		total := i >= len(s.Rows)
		for j, c := range cols {
			if err := x.write(name, cell(j, row), c, r, total, wide[j]); err != nil {
				return err
			}
		}
		row++
	}
	if err := f.SetPanes(name, &excelize.Panes{Freeze: true, YSplit: 1, TopLeftCell: "A2", ActivePane: "bottomLeft",
		Selection: []excelize.Selection{{SQRef: "A2", ActiveCell: "A2", Pane: "bottomLeft"}}}); err != nil {
		return err
	}
	if len(s.Rows) > 0 && len(cols) > 0 {
		if err := f.AutoFilter(name, "A1:"+cell(len(cols)-1, len(s.Rows)+1), nil); err != nil {
			return err
		}
	}
	return nil
}

// header is a column's title in the reader's language.
func (x *sheets) header(c outCol) string {
	switch c.what {
	case qualifierCol:
		return x.v.l.T("sheet.qualifier", c.col.Label)
	case titleCol:
		return x.v.l.T("sheet.title", c.col.Label)
	case currencyCol:
		return x.v.l.T("footer.currency")
	}
	return c.col.Label
}

// qualifierWords is how a figure reads, in the reader's words: "more
// than", "lower bound"; "" for an exact figure.
func (v *layout) qualifierWords(c model.Cell) string {
	switch {
	case c.Empty:
		return ""
	case c.Qualifier != "" && c.Qualifier != string(ledger.Exact):
		return v.l.T("q." + c.Qualifier)
	case c.Bound != "":
		return v.l.T("bound." + c.Bound)
	}
	return ""
}

// shown is about what a cell shows, for the column's width.
func (x *sheets) shown(c outCol, r model.Row) string {
	v := x.v
	cell, ok := r[c.col.Key]
	switch {
	case c.what == currencyCol:
		return v.m.Currency
	case c.what == titleCol:
		return titleOf(v.m, cell)
	case c.what == valueCol && c.col.Type == "ref":
		return cell.Text
	case !ok || cell.Empty:
		return v.text(c.col, r)
	case c.what == qualifierCol:
		return v.qualifierWords(cell)
	}
	switch c.col.Type {
	case "amount":
		if exp, places, ok := model.UnitShift(v.m.Unit); ok {
			return v.l.Number(cell.Value.Shift(-exp), places) + " " + v.l.T("unit."+v.m.Unit)
		}
		return v.l.Number(cell.Value, v.units)
	case "count":
		return v.l.Number(decimal.NewFromInt(cell.Int), 0)
	}
	return v.text(c.col, r)
}

// write writes the cell of row r in column c at ref.
func (x *sheets) write(sheet, ref string, c outCol, r model.Row, total, wrap bool) error {
	f, v := x.f, x.v
	cs := cellStyle{bold: total, wrap: wrap}
	text := ""
	var number string // a figure's exact digits
	cell, ok := r[c.col.Key]
	switch {
	case c.what == currencyCol:
		text = v.m.Currency
	case c.what == titleCol:
		text = titleOf(v.m, cell)
	case c.what == valueCol && c.col.Type == "ref":
		text = cell.Text // the title is in the next column
	case c.what == qualifierCol:
		if ok {
			text = v.qualifierWords(cell)
		}
	case !ok || cell.Empty:
		text = v.text(c.col, r) // blank, or "open" for an end date
	case c.col.Type == "amount":
		number, cs.numFmt = cell.Value.StringFixed(v.units), x.amountFormat()
	case c.col.Type == "count":
		number, cs.numFmt = strconv.FormatInt(cell.Int, 10), "#,##0"
	case c.col.Type == "percent":
		number, cs.numFmt = cell.Value.Shift(-2).String(), "0.0%"
	default:
		text = v.text(c.col, r)
	}
	if number != "" && !fitsExcel(number) {
		// A spreadsheet would round it: the exact digits, as text.
		x.asText++
		text, number, cs.numFmt = number, "", "@"
	}
	if text == "" && number == "" && !total {
		return nil
	}
	id, err := x.style(cs)
	if err != nil {
		return err
	}
	if number != "" {
		// The decimal's own digits go into the file as the number: no
		// float64 in between.
		err = f.SetCellDefault(sheet, ref, number)
	} else if text != "" {
		// A text cell: never a formula, whatever it starts with.
		err = f.SetCellStr(sheet, ref, text)
	}
	if err != nil {
		return err
	}
	return f.SetCellStyle(sheet, ref, ref, id)
}

// amountFormat is the number format of the report's amounts: the
// currency's minor units, scaled to the display unit with its word when
// one is asked ("#,##0.0,, \"million\""): the value stays exact.
func (x *sheets) amountFormat() string {
	v := x.v
	decimals := func(n int32) string {
		if n <= 0 {
			return ""
		}
		return "." + strings.Repeat("0", int(n))
	}
	if exp, places, ok := model.UnitShift(v.m.Unit); ok {
		return "#,##0" + decimals(places) + strings.Repeat(",", int(exp/3)) + ` "` + strings.ReplaceAll(v.l.T("unit."+v.m.Unit), `"`, "") + `"`
	}
	return "#,##0" + decimals(v.units)
}

// fitsExcel tells whether a spreadsheet keeps every digit of the decimal
// number s: at most 15 significant digits.
func fitsExcel(s string) bool {
	d, err := decimal.NewFromString(s)
	if err != nil {
		return false
	}
	digits := strings.TrimLeft(d.Coefficient().String(), "-")
	digits = strings.TrimRight(digits, "0")
	return len(digits) <= excelDigits
}

// notes writes the sheet of the title, the notes and the provenance:
// labels in the first column, text in the second.
func (x *sheets) notes(name string) error {
	if err := x.sheet(name); err != nil {
		return err
	}
	f, m, l := x.f, x.v.m, x.v.l
	bold, err := x.style(cellStyle{bold: true})
	if err != nil {
		return err
	}
	wrap, err := x.style(cellStyle{wrap: true})
	if err != nil {
		return err
	}
	row := 1
	put := func(col, text string, style int) error {
		if text == "" {
			return nil
		}
		ref := col + strconv.Itoa(row)
		if err := f.SetCellStr(name, ref, text); err != nil {
			return err
		}
		return f.SetCellStyle(name, ref, ref, style)
	}
	steps := []func() error{func() error { return put("A", withMark(m.Title, m.Mark), bold) }}
	if m.Subtitle != "" {
		steps = append(steps, func() error { row++; return put("A", m.Subtitle, wrap) })
	}
	notes := slices.Clone(m.Notes)
	if x.asText > 0 {
		notes = append(notes, l.T("sheet.text-digits"))
	}
	if len(notes) > 0 {
		steps = append(steps, func() error { row += 2; return put("A", l.T("footer.notes"), bold) })
		for _, n := range notes {
			steps = append(steps, func() error { row++; return put("B", n, wrap) })
		}
	}
	steps = append(steps, func() error { row += 2; return put("A", l.T("footer.provenance"), bold) })
	fields := model.Footer(l, m)
	fields = append(fields[:1:1], append([]model.Field{{Key: "currency", Label: l.T("footer.currency"), Value: m.Currency}}, fields[1:]...)...)
	for _, fd := range fields {
		steps = append(steps, func() error {
			row++
			if err := put("A", fd.Label, wrap); err != nil {
				return err
			}
			return put("B", fd.Value, wrap)
		})
	}
	for _, step := range steps {
		if err := step(); err != nil {
			return err
		}
	}
	if err := f.SetColWidth(name, "A", "A", 24); err != nil {
		return err
	}
	return f.SetColWidth(name, "B", "B", noteWidth)
}
