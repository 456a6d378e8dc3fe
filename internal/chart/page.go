package chart

import (
	_ "embed"
	"html/template"
	"slices"

	shell "github.com/coalition/pledger/internal/page"

	"github.com/coalition/pledger/internal/model"
)

// echartsJS is Apache ECharts, vendored (see assets/README.md) and inlined
// into every page, or written once beside the pages of a dashboard folder
// (WriteFolder): nothing is fetched from anywhere.
//
//go:embed assets/echarts.min.js
var echartsJS string

// drawJS is the page's own script: it formats tooltips and axis labels and
// draws the charts.
//
//go:embed draw.js
var drawJS string

// page is what the template lays out: one chart, or a dashboard of them.
type page struct {
	Lang, Title, Subtitle string
	Mark                  string // under the title: some figure includes illustrative entries
	Dashboard             bool
	Colon                 string
	Meta                  []string // under the title: shared by every chart
	Charts                []chartView
	NotesLabel            string
	Provenance            string
	Footer                []model.Field // the provenance every chart shares
	PerReport             *perReport    // the provenance that differs between charts
	Lib, Script           template.JS
	LibSrc                string // ECharts from this file beside the page (a dashboard folder); "": inlined
	ShowTable, HideTable  string
	SaveImage             string
	Specs                 []spec
}

type chartView struct {
	ID, Title, Subtitle, What string
	Mark                      string   // on a dashboard: this chart's figures include illustrative entries
	Meta                      []string // when not shared by every chart of the page
	Label                     string   // for screen readers
	Height                    int
	Notes                     []string
	NoData                    string
	Table                     *tableView
}

// tableView is a chart's data table as the template lays it out.
type tableView struct {
	ID, Box, Caption string // the table's id, and its box's
	Chart            string // the chart's id
	Head             []cellView
	Rows             [][]cellView
}

type cellView struct {
	Text string
	Num  bool
}

func newTableView(id, caption string, t dataTable) *tableView {
	if len(t.Rows) == 0 {
		return nil
	}
	v := &tableView{ID: "table-" + id, Box: "data-" + id, Chart: "chart-" + id, Caption: caption}
	for i, h := range t.Head {
		v.Head = append(v.Head, cellView{h, t.Numeric[i]})
	}
	for _, r := range t.Rows {
		var row []cellView
		for i, x := range r {
			row = append(row, cellView{x, i < len(t.Numeric) && t.Numeric[i]})
		}
		v.Rows = append(v.Rows, row)
	}
	return v
}

// spec is what the page's script gets for a chart: data only.
type spec struct {
	Format format         `json:"format"`
	Option map[string]any `json:"option"`
}

// perReport is a table of the provenance fields that differ between the
// reports of a dashboard: a column per field, a row per chart.
type perReport struct {
	Head []string
	Rows [][]string
}

func newPage(l *model.Lang, cs []*canvas, title string) *page {
	p := &page{
		Lang:       l.Code,
		Colon:      l.Colon(),
		NotesLabel: l.T("footer.notes"),
		Provenance: l.T("footer.provenance"),
		Lib:        template.JS(echartsJS),
		Script:     template.JS(drawJS),
		ShowTable:  tr(l, "table.show"),
		HideTable:  tr(l, "table.hide"),
		SaveImage:  tr(l, "toolbox.save"),
	}
	// The meta line goes under the page's title when the longest one says
	// all the others do; otherwise each chart has its own.
	metas := make([][]string, len(cs))
	var longest []string
	for i, c := range cs {
		metas[i] = c.meta()
		if len(metas[i]) > len(longest) {
			longest = metas[i]
		}
	}
	shared := true
	for _, m := range metas {
		for _, s := range m {
			shared = shared && slices.Contains(longest, s)
		}
	}
	if shared {
		p.Meta = longest
	}
	for i, c := range cs {
		c.format.ID, c.format.Lang, c.format.Currency = c.id, l.Code, c.m.Currency
		v := chartView{ID: c.id, What: c.subtitle, Height: c.height, Label: tr(l, "chart.label", c.m.Title),
			Table: newTableView(c.name, tr(l, "table.caption", c.m.Title), c.table)}
		if !shared {
			v.Meta = metas[i]
		}
		if c.empty {
			v.NoData = tr(l, "nodata")
		}
		if len(cs) > 1 {
			v.Title, v.Subtitle, v.Notes, v.Mark = c.m.Title, c.m.Subtitle, c.m.Notes, c.m.Mark
		}
		if p.Mark == "" {
			p.Mark = c.m.Mark
		}
		p.Charts = append(p.Charts, v)
		p.Specs = append(p.Specs, spec{Format: c.format, Option: c.option})
	}
	if len(cs) == 1 {
		m := cs[0].m
		p.Title, p.Subtitle = m.Title, m.Subtitle
		p.Charts[0].Notes = m.Notes
		p.Footer = provenance(l, m)
		return p
	}
	p.Title, p.Dashboard = title, true
	// The provenance fields every chart shares once; the others per chart.
	all := make([][]model.Field, len(cs))
	for i, c := range cs {
		all[i] = provenance(l, c.m)
	}
	var differ []int
	for j, f := range all[0] {
		same := true
		for _, fs := range all[1:] {
			same = same && j < len(fs) && fs[j] == f
		}
		if same {
			p.Footer = append(p.Footer, f)
		} else {
			differ = append(differ, j)
		}
	}
	if len(differ) > 0 {
		pr := &perReport{Head: []string{tr(l, "footer.report")}}
		for _, j := range differ {
			pr.Head = append(pr.Head, all[0][j].Label)
		}
		for i, c := range cs {
			r := []string{c.m.Title}
			for _, j := range differ {
				if j < len(all[i]) {
					r = append(r, all[i][j].Value)
				} else {
					r = append(r, "")
				}
			}
			pr.Rows = append(pr.Rows, r)
		}
		p.PerReport = pr
	}
	return p
}

// provenance lists what a reader needs to verify the ledger state a
// report came from, as the report pages of internal/render do.
func provenance(l *model.Lang, m *model.Model) []model.Field { return model.Footer(l, m) }

// pageTemplate is parsed when the program starts: a broken template stops
// it there rather than in front of a reader.
var pageTemplate = template.Must(template.New("page").Parse(pageHTML))

// pageHTML looks like the report pages of internal/render (the same type,
// colours, header and footer), with the charts between, each followed by
// its data table. It loads nothing from anywhere: the style, ECharts and
// the page's script are inline, except in a dashboard folder, whose pages
// load ECharts from the one file beside them. The charts' data is
// a JSON data block, which html/template escapes as it does a script, so
// that both scripts are the same on every page (a Content-Security-Policy
// can allow them by hash).
const pageHTML = shell.Head + shell.Body + shell.TitleStyle + `h2 { margin: 30px 0 4px; font-size: 1.25rem; font-weight: 600; color: var(--accent); }
h2 .sub { font-weight: 400; color: var(--ink); }
section.figure { margin-top: 18px; }
section.figure + section.figure { margin-top: 34px; padding-top: 8px; border-top: 1px solid var(--rule); }
.what { margin: 6px 0 10px; font-size: 0.95rem; }
.chart { width: 100%; }
.nodata { margin: 12px 0; padding: 10px 12px; background: var(--head); color: var(--muted); }
.sr-only { position: absolute !important; width: 1px !important; height: 1px !important; margin: -1px; padding: 0; border: 0;
  overflow: hidden !important; clip: rect(0 0 0 0); clip-path: inset(50%); white-space: nowrap; }
.data { position: relative; margin-top: 6px; }
.data button { font: inherit; font-size: 0.85rem; color: var(--accent); background: #ffffff; border: 1px solid var(--rule);
  border-radius: 4px; padding: 3px 10px; cursor: pointer; }
.data button + button { margin-left: 6px; }
.data button:hover { border-color: var(--accent); }
.data button:focus-visible { outline: 2px solid var(--accent); outline-offset: 2px; }
.data table { border-collapse: collapse; margin-top: 8px; font-size: 0.85rem; font-variant-numeric: tabular-nums; }
.data caption { text-align: left; font-weight: 600; padding-bottom: 4px; }
.data th, .data td { text-align: left; vertical-align: top; padding: 3px 12px 3px 0; border-bottom: 1px solid var(--rule); }
.data thead th { font-weight: 600; border-bottom-color: var(--ink); }
.data tbody th { font-weight: 400; }
.data .num { text-align: right; white-space: nowrap; }
.notes h3 { margin: 14px 0 4px; font-size: 0.9rem; font-weight: 600; color: var(--muted); }
.notes ul { margin: 0; padding-left: 1.25em; font-size: 0.85rem; color: var(--muted); }
.notes li { margin: 3px 0; }
` + shell.FooterStyle + `footer table { border-collapse: collapse; margin-top: 10px; font-size: 0.8rem; }
footer th, footer td { text-align: left; vertical-align: top; padding: 3px 14px 3px 0; border-bottom: 1px solid var(--rule); }
footer th { font-weight: 600; }
` + shell.Mono + `@page { size: A4 landscape; margin: 12mm 12mm; }
@media print {
  body { font-size: 10pt; }
  main { max-width: none; padding: 0; }
  h1 { font-size: 18pt; }
  h2 { margin-top: 0; }
  header.title { margin-bottom: 4mm; }
  section.figure, section.figure + section.figure { margin-top: 0; padding-top: 0; border-top: none; }
  .keep { break-inside: avoid; page-break-inside: avoid; }
  {{- if .Dashboard}}
  section.figure + section.figure { break-before: page; page-break-before: always; }
  {{- end}}
  /* A chart prints whole on its page: scaled down, never cut. */
  .chart { height: auto !important; }
  .chart > div:first-child { width: auto !important; height: auto !important; }
  .chart canvas { position: static !important; display: block; width: auto !important; height: auto !important;
    max-width: 100%; max-height: 140mm; }
  .chart > div + div { display: none !important; }
  .data button { display: none; }
  .notes { font-size: 8.5pt; }
  footer { break-inside: avoid; page-break-inside: avoid; }
}
</style>
</head>
<body>
<main>
` + shell.TitleBlock + `{{- if .Meta}}
<p class="meta">{{range .Meta}}<span>{{.}}</span>{{end}}</p>
{{- end}}
</header>
{{- range .Charts}}
<section class="figure">
<div class="keep">
{{- if .Title}}
<h2>{{.Title}}{{if .Subtitle}} <span class="sub">– {{.Subtitle}}</span>{{end}}</h2>
{{- if .Mark}}
<p class="mark">{{.Mark}}</p>
{{- end}}
{{- end}}
{{- if .Meta}}
<p class="meta">{{range .Meta}}<span>{{.}}</span>{{end}}</p>
{{- end}}
<p class="what">{{.What}}</p>
{{- if .NoData}}
<p class="nodata">{{.NoData}}</p>
{{- end}}
<div id="{{.ID}}" class="chart" role="img" aria-label="{{.Label}}" style="height: {{.Height}}px"></div>
</div>
{{- with .Table}}
<div class="data">
<button type="button" class="show-data" aria-controls="{{.Box}}" data-show="{{$.ShowTable}}" data-hide="{{$.HideTable}}" hidden>{{$.ShowTable}}</button>
<button type="button" class="save-image" data-chart="{{.Chart}}" hidden>{{$.SaveImage}}</button>
<div id="{{.Box}}" class="table sr-only">
<table id="{{.ID}}">
<caption>{{.Caption}}</caption>
<thead><tr>{{range .Head}}<th scope="col"{{if .Num}} class="num"{{end}}>{{.Text}}</th>{{end}}</tr></thead>
<tbody>
{{- range .Rows}}
<tr>{{range $i, $c := .}}{{if eq $i 0}}<th scope="row">{{$c.Text}}</th>{{else}}<td{{if $c.Num}} class="num"{{end}}>{{$c.Text}}</td>{{end}}{{end}}</tr>
{{- end}}
</tbody>
</table>
</div>
</div>
{{- end}}
{{- if .Notes}}
<div class="notes">
<h3>{{$.NotesLabel}}</h3>
<ul>
{{- range .Notes}}
<li>{{.}}</li>
{{- end}}
</ul>
</div>
{{- end}}
</section>
{{- end}}
<footer>
<h2>{{.Provenance}}</h2>
{{- if .Footer}}
<dl>
` + shell.FooterFields + `</dl>
{{- end}}
{{- with .PerReport}}
<table>
<thead><tr>{{range .Head}}<th>{{.}}</th>{{end}}</tr></thead>
<tbody>
{{- range .Rows}}
<tr>{{range .}}<td>{{.}}</td>{{end}}</tr>
{{- end}}
</tbody>
</table>
{{- end}}
</footer>
</main>
<script type="application/json" id="pledger-charts">{{.Specs}}</script>
{{if .LibSrc}}<script src="{{.LibSrc}}"></script>{{else}}<script>{{.Lib}}</script>{{end}}
<script>{{.Script}}</script>
</body>
</html>
`
