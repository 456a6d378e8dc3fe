package render

import (
	"bytes"
	"io"
	"regexp"
	"strings"
	"unicode/utf8"

	"github.com/coalition/pledger/internal/model"
)

// writeMarkdown lays the report out for a briefing note: GitHub-flavoured
// Markdown with pipe tables (numbers aligned right, totals in bold), the
// notes and the provenance as bullet lists. The columns are padded so that
// the source reads as a table too.
func writeMarkdown(w io.Writer, m *model.Model, l *model.Lang) error {
	v, err := newLayout(m, l)
	if err != nil {
		return err
	}
	var b bytes.Buffer
	b.WriteString("# " + mdText(withMark(m.Title, m.Mark)) + "\n")
	if m.Subtitle != "" {
		b.WriteString("\n" + mdBlock(m.Subtitle) + "\n")
	}
	for _, s := range m.Sections {
		if s.Title != "" {
			b.WriteString("\n## " + mdText(s.Title) + "\n")
		}
		v.mdTable(&b, s)
	}
	if len(m.Notes) > 0 {
		b.WriteString("\n### " + mdText(l.T("footer.notes")) + "\n\n")
		for _, n := range m.Notes {
			b.WriteString("- " + mdBlock(n) + "\n")
		}
	}
	b.WriteString("\n### " + mdText(l.T("footer.provenance")) + "\n\n")
	for _, f := range v.footer() {
		b.WriteString("- **" + mdText(f.Label) + "**" + l.Colon() + " " + mdText(f.Value) + "\n")
	}
	_, err = w.Write(b.Bytes())
	return err
}

// mdTable writes one section as a pipe table.
func (v *layout) mdTable(b *bytes.Buffer, s model.Section) {
	if len(s.Columns) == 0 {
		return
	}
	lines := func(rows []model.Row, bold bool) [][]string {
		out := make([][]string, len(rows))
		for i, r := range rows {
			out[i] = make([]string, len(s.Columns))
			for j, c := range s.Columns {
				t := mdText(v.text(c, r))
				if bold && t != "" {
					t = "**" + t + "**"
				}
				out[i][j] = t
			}
		}
		return out
	}
	head := make([]string, len(s.Columns))
	for j, c := range s.Columns {
		head[j] = mdText(c.Label)
	}
	rows := append(lines(s.Rows, false), lines(s.Totals, true)...)

	width := make([]int, len(s.Columns))
	for j := range width {
		width[j] = 3 // the "---" of the delimiter row
	}
	for _, line := range append([][]string{head}, rows...) {
		for j, cell := range line {
			width[j] = max(width[j], utf8.RuneCountInString(cell))
		}
	}
	row := func(cells []string) {
		b.WriteString("|")
		for j, c := range s.Columns {
			pad := strings.Repeat(" ", width[j]-utf8.RuneCountInString(cells[j]))
			if numeric(c) {
				b.WriteString(" " + pad + cells[j] + " |")
			} else {
				b.WriteString(" " + cells[j] + pad + " |")
			}
		}
		b.WriteString("\n")
	}
	b.WriteString("\n")
	row(head)
	delim := make([]string, len(s.Columns))
	for j, c := range s.Columns {
		if numeric(c) {
			delim[j] = strings.Repeat("-", width[j]-1) + ":"
		} else {
			delim[j] = strings.Repeat("-", width[j])
		}
	}
	row(delim)
	for _, r := range rows {
		row(r)
	}
}

// mdEntity is what Markdown would read as an HTML entity: "&amp;", "&#60;".
var mdEntity = regexp.MustCompile(`&(#[0-9]{1,7}|#[xX][0-9a-fA-F]{1,6}|[A-Za-z][A-Za-z0-9]{1,31});`)

// mdText escapes ledger text for Markdown so that it reads as written and
// can neither break a table nor turn into markup: on one line; backslash,
// pipe and the inline markup characters (emphasis, code, links, HTML)
// escaped; entities kept literal. Inside a table cell that is enough:
// cells hold inline content only.
func mdText(s string) string {
	s = strings.TrimSpace(oneLine(s))
	var b strings.Builder
	for _, r := range s {
		switch r {
		case '\\', '|', '*', '_', '`', '[', ']', '<', '>', '~':
			b.WriteByte('\\')
		}
		b.WriteRune(r)
	}
	return mdEntity.ReplaceAllString(b.String(), `\$0`)
}

// mdBlock is mdText for text that starts a block (a paragraph, a list
// item), where a leading "#", "-", "+", "=" or "1." would open a heading,
// a list or a rule: that character is escaped too.
func mdBlock(s string) string {
	s = mdText(s)
	if s == "" {
		return s
	}
	switch s[0] {
	case '#', '+', '-', '=':
		return `\` + s
	}
	if i := strings.IndexFunc(s, func(r rune) bool { return r < '0' || r > '9' }); i > 0 && (s[i] == '.' || s[i] == ')') {
		return s[:i] + `\` + s[i:]
	}
	return s
}
