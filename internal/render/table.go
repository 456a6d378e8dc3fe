package render

import (
	"bytes"
	"io"
	"strings"
	"text/tabwriter"
	"unicode/utf8"

	"github.com/coalition/pledger/internal/model"
)

// writeTable lays the report out for a terminal: the title, each section
// as an aligned table (numbers to the right, totals under a rule), the
// notes and the provenance.
func writeTable(w io.Writer, m *model.Model, l *model.Lang) error {
	v, err := newLayout(m, l)
	if err != nil {
		return err
	}
	var b bytes.Buffer
	b.WriteString(oneLine(withMark(m.Title, m.Mark)) + "\n")
	if m.Subtitle != "" {
		b.WriteString(oneLine(m.Subtitle) + "\n")
	}
	for _, s := range m.Sections {
		b.WriteString("\n")
		if s.Title != "" {
			b.WriteString(oneLine(s.Title) + "\n\n")
		}
		if err := v.grid(&b, s); err != nil {
			return err
		}
	}
	if len(m.Notes) > 0 {
		b.WriteString("\n" + l.T("footer.notes") + l.Colon() + "\n")
		for _, n := range m.Notes {
			b.WriteString("- " + oneLine(n) + "\n")
		}
	}
	b.WriteString("\n" + l.T("footer.provenance") + l.Colon() + "\n")
	for _, f := range v.footer() {
		b.WriteString(f.Label + l.Colon() + " " + oneLine(f.Value) + "\n")
	}
	_, err = w.Write(b.Bytes())
	return err
}

// grid writes one section: header, rule, rows, and the totals under a
// second rule. Numeric cells are padded on the left to the column's width
// before tabwriter aligns the columns, which puts numbers to the right.
func (v *layout) grid(b *bytes.Buffer, s model.Section) error {
	if len(s.Columns) == 0 {
		return nil
	}
	lines := func(rows []model.Row) [][]string {
		out := make([][]string, len(rows))
		for i, r := range rows {
			out[i] = make([]string, len(s.Columns))
			for j, c := range s.Columns {
				out[i][j] = oneLine(v.text(c, r))
			}
		}
		return out
	}
	head := make([]string, len(s.Columns))
	for j, c := range s.Columns {
		head[j] = oneLine(c.Label)
	}
	rows, totals := lines(s.Rows), lines(s.Totals)

	width := make([]int, len(s.Columns))
	for _, group := range [][][]string{{head}, rows, totals} {
		for _, line := range group {
			for j, cell := range line {
				width[j] = max(width[j], utf8.RuneCountInString(cell))
			}
		}
	}
	rule := make([]string, len(s.Columns))
	for j := range rule {
		rule[j] = strings.Repeat("-", width[j])
	}
	var all [][]string
	all = append(all, head, rule)
	all = append(all, rows...)
	if len(totals) > 0 {
		all = append(all, rule)
		all = append(all, totals...)
	}

	var t bytes.Buffer
	tw := tabwriter.NewWriter(&t, 0, 0, 2, ' ', 0)
	for _, line := range all {
		for j, c := range s.Columns {
			cell := line[j]
			if numeric(c) {
				cell = strings.Repeat(" ", width[j]-utf8.RuneCountInString(cell)) + cell
			}
			if j > 0 {
				tw.Write([]byte{'\t'})
			}
			tw.Write([]byte(cell))
		}
		tw.Write([]byte{'\n'})
	}
	if err := tw.Flush(); err != nil {
		return err
	}
	// A blank last cell leaves the padding of the cell before it.
	for _, line := range strings.SplitAfter(t.String(), "\n") {
		if line == "" {
			continue
		}
		b.WriteString(strings.TrimRight(line, " \n") + "\n")
	}
	return nil
}
