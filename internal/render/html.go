package render

import (
	"html/template"
	"io"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/coalition/pledger/internal/page"

	"github.com/coalition/pledger/internal/model"
)

// writeHTML lays the report out as one standalone, printable HTML page:
// its style inline, and no URL at all (no stylesheet, font, script or
// image to fetch), so that it opens offline and prints on A4 as it shows.
// All text goes through html/template, which escapes it.
//
// Tables are never cut off on paper: the page estimates how wide each
// table must be (its figures and codes never wrap) and prints in landscape,
// and in a smaller type, when a table needs it.
func writeHTML(w io.Writer, m *model.Model, l *model.Lang) error {
	v, err := newLayout(m, l)
	if err != nil {
		return err
	}
	p := htmlPage{
		Lang:       l.Code,
		Title:      m.Title,
		Mark:       m.Mark,
		Subtitle:   m.Subtitle,
		Colon:      l.Colon(),
		NotesLabel: l.T("footer.notes"),
		Notes:      m.Notes,
		Provenance: l.T("footer.provenance"),
		Footer:     v.footer(),
	}
	if m.Currency != "" {
		p.Meta = append(p.Meta, model.Field{Key: "currency", Label: l.T("footer.currency"), Value: m.Currency})
	}
	if !m.Provenance.AsOf.IsZero() {
		p.Meta = append(p.Meta, model.Field{Key: "asof", Label: l.T("footer.asof"), Value: m.Provenance.AsOf.UTC().Format(time.DateOnly)})
	}
	for _, s := range m.Sections {
		// A table wider than the window scrolls in its own region, which
		// a keyboard must reach (WCAG 2.1.1): the region takes the focus
		// and is named by its section, or by the report for its only table.
		hs := htmlSection{Title: s.Title, Label: s.Title}
		if hs.Label == "" {
			hs.Label = m.Title
		}
		for _, c := range s.Columns {
			h := htmlCell{Text: c.Label}
			if numeric(c) {
				h.Class = "num"
			}
			hs.Head = append(hs.Head, h)
		}
		cells := func(r model.Row) []htmlCell {
			out := make([]htmlCell, len(s.Columns))
			for j, c := range s.Columns {
				out[j] = v.htmlCell(c, r)
			}
			return out
		}
		for _, r := range s.Rows {
			hs.Rows = append(hs.Rows, cells(r))
		}
		for _, r := range s.Totals {
			hs.Totals = append(hs.Totals, cells(r))
		}
		width := hs.minWidth()
		if width > portraitWidth {
			p.Landscape = true
		}
		if width > landscapeWidth {
			hs.Class = "dense"
		}
		p.Sections = append(p.Sections, hs)
	}
	return pageTemplate.Execute(w, p)
}

type htmlPage struct {
	Lang, Title, Subtitle string
	Mark                  string // under the title: the report counts illustrative entries
	Colon                 string
	Meta                  []model.Field
	Sections              []htmlSection
	NotesLabel            string
	Notes                 []string
	Provenance            string
	Footer                []model.Field
	Landscape             bool // some table is too wide for A4 portrait
}

type htmlSection struct {
	Title        string
	Label        string // of the table's scrolling region: the title, or the report's
	Class        string // dense: too wide for A4 landscape in the normal type
	Head         []htmlCell
	Rows, Totals [][]htmlCell
}

// htmlCell is one cell. An amount's qualifier and bound words ("more
// than", "(lower bound)") are in Pre and Post, so that in a narrow column
// they may go onto a line of their own while the figure never breaks.
type htmlCell struct {
	Pre, Text, Post string
	Small           string // in small print under the text: the ref of an entry shown by its title
	Class           string // num: a number, right-aligned, on one line; short: a code, date or kind, on one line
}

// shortText is the longest text without spaces kept on one line: a ref
// such as coal-need-2021-stab reads badly broken at its hyphens.
const shortText = 24

func (v *layout) htmlCell(c model.Column, r model.Row) htmlCell {
	h := htmlCell{Text: v.text(c, r)}
	if cell := r[c.Key]; c.Type == "ref" && h.Text != cell.Text {
		h.Text, h.Small = v.l.RefName(cell.Text, v.m.Titles[cell.Text]), cell.Text
	}
	switch {
	case numeric(c):
		h.Class = "num"
	case c.Type == "date" || c.Type == "kind" ||
		!strings.ContainsFunc(h.Text, unicode.IsSpace) && utf8.RuneCountInString(h.Text) <= shortText:
		h.Class = "short"
	}
	if cell := r[c.Key]; c.Type == "amount" && !cell.Empty {
		figure := v.l.Number(cell.Value, v.units) + " " + v.m.Currency
		if i := strings.Index(h.Text, figure); i >= 0 {
			h.Pre, h.Text, h.Post = strings.TrimSpace(h.Text[:i]), figure, strings.TrimSpace(h.Text[i+len(figure):])
		}
	}
	return h
}

// The widths of A4 in characters of the tables' printed type (9pt), less
// the margins.
const (
	portraitWidth  = 100
	landscapeWidth = 150
)

// minWidth estimates, in characters, the narrowest the table can be laid
// out: per column its widest run that does not wrap (a figure, a code, a
// word), plus the cell padding.
func (hs htmlSection) minWidth() float64 {
	widths := make([]int, len(hs.Head))
	measure := func(j int, c htmlCell) {
		n := 0
		if c.Class != "" {
			n = utf8.RuneCountInString(c.Text)
		}
		n = max(n, utf8.RuneCountInString(c.Small)) // kept on one line
		for _, part := range []string{c.Pre, c.Text, c.Post} {
			for _, w := range strings.Fields(part) {
				n = max(n, utf8.RuneCountInString(w))
			}
		}
		widths[j] = max(widths[j], n)
	}
	for j, c := range hs.Head {
		measure(j, c)
	}
	for _, rows := range [][][]htmlCell{hs.Rows, hs.Totals} {
		for _, r := range rows {
			for j, c := range r {
				measure(j, c)
			}
		}
	}
	total := 0.0
	for _, w := range widths {
		total += float64(w) + 2.5
	}
	return total
}

// pageTemplate is parsed once, when the program starts: a broken template
// stops it there rather than at the first report.
var pageTemplate = template.Must(template.New("page").Parse(pageHTML))

const pageHTML = page.Head + `  --zebra: #f5f7fa;
` + page.Body + `{{- if .Landscape}}
main { max-width: 1480px; }
{{- end}}
` + page.TitleStyle + `h2 { margin: 30px 0 10px; font-size: 1.15rem; font-weight: 600; color: var(--accent); }
.wrap { overflow-x: auto; }
.wrap:focus-visible { outline: 2px solid var(--accent); outline-offset: 2px; }
table { width: 100%; border-collapse: collapse; font-size: 14px; font-variant-numeric: tabular-nums; margin: 12px 0 4px; }
th, td { padding: 6px 8px; text-align: left; vertical-align: top; }
thead th { background: var(--head); border-bottom: 2px solid var(--accent); font-size: 13px; font-weight: 600; vertical-align: bottom; }
tbody td { border-bottom: 1px solid #e4e8ee; }
tbody tr:nth-child(even) td { background: var(--zebra); }
tfoot td { border-top: 2px solid var(--accent); border-bottom: 1px solid var(--rule); font-weight: 700; }
.num { text-align: right; white-space: nowrap; }
.num .sp { white-space: normal; }
.short { white-space: nowrap; }
small.ref { display: block; color: var(--muted); font-size: 0.8em; white-space: nowrap; }
table.dense { font-size: 12.5px; }
table.dense thead th { font-size: 12px; }
table.dense th, table.dense td { padding: 5px 6px; }
.notes ul { margin: 0; padding-left: 1.25em; }
.notes li { margin: 4px 0; }
` + page.FooterStyle + page.Mono + `{{- if .Landscape}}
@page { size: A4 landscape; margin: 15mm 15mm; }
{{- else}}
@page { size: A4; margin: 18mm 15mm; }
{{- end}}
@media print {
  body { font-size: 10pt; }
  table { font-size: 9pt; }
  thead th { font-size: 8.5pt; }
  main { max-width: none; padding: 0; }
  .wrap { overflow: visible; }
  table.dense { font-size: 7.5pt; }
  table.dense thead th { font-size: 7pt; }
  table.dense th, table.dense td { padding: 3px 4px; }
  thead th, tbody tr:nth-child(even) td { background: none; }
  thead { display: table-header-group; }
  tfoot { display: table-row-group; }
  tr { break-inside: avoid; page-break-inside: avoid; }
  h1, h2 { break-after: avoid; page-break-after: avoid; }
  footer { break-inside: avoid; page-break-inside: avoid; }
}
</style>
</head>
<body>
<main>
` + page.TitleBlock + `{{- if .Meta}}
<p class="meta">{{range .Meta}}<span>{{.Label}}{{$.Colon}} {{.Value}}</span>{{end}}</p>
{{- end}}
</header>
{{- range .Sections}}
<section>
{{- if .Title}}
<h2>{{.Title}}</h2>
{{- end}}
<div class="wrap" role="region" tabindex="0" aria-label="{{.Label}}">
<table{{with .Class}} class="{{.}}"{{end}}>
<thead>
<tr>{{range .Head}}<th scope="col"{{with .Class}} class="{{.}}"{{end}}>{{.Text}}</th>{{end}}</tr>
</thead>
<tbody>
{{- range .Rows}}
<tr>{{range .}}<td{{with .Class}} class="{{.}}"{{end}}>{{template "cell" .}}</td>{{end}}</tr>
{{- end}}
</tbody>
{{- if .Totals}}
<tfoot>
{{- range .Totals}}
<tr>{{range .}}<td{{with .Class}} class="{{.}}"{{end}}>{{template "cell" .}}</td>{{end}}</tr>
{{- end}}
</tfoot>
{{- end}}
</table>
</div>
</section>
{{- end}}
{{- if .Notes}}
<section class="notes">
<h2>{{.NotesLabel}}</h2>
<ul>
{{- range .Notes}}
<li>{{.}}</li>
{{- end}}
</ul>
</section>
{{- end}}
<footer>
<h2>{{.Provenance}}</h2>
<dl>
` + page.FooterFields + `</dl>
</footer>
</main>
</body>
</html>
{{- define "cell"}}{{with .Pre}}<span class="q">{{.}}</span><span class="sp"> </span>{{end}}{{.Text}}{{with .Small}} <small class="ref">{{.}}</small>{{end}}{{with .Post}}<span class="sp"> </span><span class="q">{{.}}</span>{{end}}{{end}}`
