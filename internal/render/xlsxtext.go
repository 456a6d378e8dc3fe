package render

import (
	"bytes"
	"fmt"
	"strconv"
	"strings"

	"github.com/xuri/excelize/v2"
)

// XLSXText lists what a workbook holds, as plain text a person can review
// and a golden file can keep: its properties, then per sheet its frozen
// panes, column widths and every non-empty cell with its type, the value
// the file stores and its number format, bold or wrap. A workbook is a
// zip of XML; this is what of it a reader sees.
func XLSXText(data []byte) (string, error) {
	f, err := excelize.OpenReader(bytes.NewReader(data))
	if err != nil {
		return "", err
	}
	defer f.Close()
	var b strings.Builder
	p, err := f.GetDocProps()
	if err != nil {
		return "", err
	}
	fmt.Fprintf(&b, "title: %s\nsubject: %s\ncreator: %s\ncreated: %s\nmodified: %s\nlanguage: %s\ndescription: %s\n",
		p.Title, p.Subject, p.Creator, p.Created, p.Modified, p.Language, p.Description)
	for _, d := range f.GetDefinedName() {
		fmt.Fprintf(&b, "defined name: %s (%s) = %s\n", d.Name, d.Scope, d.RefersTo)
	}
	active := f.GetActiveSheetIndex()
	for i, sheet := range f.GetSheetList() {
		mark := ""
		if i == active {
			mark = " (active)"
		}
		fmt.Fprintf(&b, "\nsheet %q%s\n", sheet, mark)
		panes, err := f.GetPanes(sheet)
		if err != nil {
			return "", err
		}
		if panes.Freeze {
			fmt.Fprintf(&b, "frozen: %d rows, %d columns, top left %s\n", panes.YSplit, panes.XSplit, panes.TopLeftCell)
		}
		rows, err := f.GetRows(sheet, excelize.Options{RawCellValue: true})
		if err != nil {
			return "", err
		}
		cols := 0
		for _, r := range rows {
			cols = max(cols, len(r))
		}
		var widths []string
		for j := 1; j <= cols; j++ {
			name, _ := excelize.ColumnNumberToName(j)
			w, err := f.GetColWidth(sheet, name)
			if err != nil {
				return "", err
			}
			widths = append(widths, name+"="+strconv.FormatFloat(w, 'f', -1, 64))
		}
		fmt.Fprintf(&b, "widths: %s\n", strings.Join(widths, " "))
		for i, r := range rows {
			for j, v := range r {
				if v == "" {
					continue
				}
				ref, _ := excelize.CoordinatesToCellName(j+1, i+1)
				line, err := cellText(f, sheet, ref, v)
				if err != nil {
					return "", err
				}
				b.WriteString(line + "\n")
			}
		}
	}
	return b.String(), nil
}

// cellText is one cell: its reference, type, stored value and style.
func cellText(f *excelize.File, sheet, ref, raw string) (string, error) {
	typ, err := f.GetCellType(sheet, ref)
	if err != nil {
		return "", err
	}
	kind := map[excelize.CellType]string{excelize.CellTypeUnset: "number", excelize.CellTypeNumber: "number",
		excelize.CellTypeSharedString: "text", excelize.CellTypeInlineString: "text", excelize.CellTypeFormula: "FORMULA",
		excelize.CellTypeBool: "bool", excelize.CellTypeDate: "date", excelize.CellTypeError: "error"}[typ]
	if formula, _ := f.GetCellFormula(sheet, ref); formula != "" {
		kind = "FORMULA " + formula
	}
	line := fmt.Sprintf("%s %s %q", ref, kind, raw)
	id, err := f.GetCellStyle(sheet, ref)
	if err != nil {
		return "", err
	}
	st, err := f.GetStyle(id)
	if err != nil {
		return "", err
	}
	if st.CustomNumFmt != nil {
		line += " format " + strconv.Quote(*st.CustomNumFmt)
	}
	if st.Font != nil && st.Font.Bold {
		line += " bold"
	}
	if st.Alignment != nil && st.Alignment.WrapText {
		line += " wrap"
	}
	return line, nil
}
