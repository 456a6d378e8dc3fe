// Package page is the shell every HTML page pledger writes shares: the
// report pages of internal/render and the chart pages of internal/chart.
// It holds the pieces both lay out the same way (the head, the type, the
// title block and the provenance footer), so that a change to them is made
// once. Each piece is template text for html/template; the pages join them
// with their own parts.
package page

// Head opens the page up to the colours both pages use (a page adds its
// own colours, then closes :root with Body).
const Head = `<!doctype html>
<html lang="{{.Lang}}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{{.Title}}{{if .Subtitle}} – {{.Subtitle}}{{end}}</title>
<style>
:root {
  --ink: #1c2430;
  --muted: #5a6675;
  --accent: #1f3a5f;
  --rule: #d5dbe3;
  --head: #e9eef4;
`

// Body closes :root and sets the type and the width of the page.
const Body = `}
* { box-sizing: border-box; }
body {
  margin: 0;
  background: #fff;
  color: var(--ink);
  font-family: system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial, "Noto Sans", "Liberation Sans", sans-serif;
  font-size: 15px;
  line-height: 1.45;
  -webkit-text-size-adjust: 100%;
}
main { max-width: 1120px; margin: 0 auto; padding: 40px 48px 48px; }
`

// TitleStyle styles the title block: the title, subtitle and meta line.
const TitleStyle = `header.title { border-bottom: 3px solid var(--accent); padding-bottom: 14px; margin-bottom: 8px; }
h1 { margin: 0; font-size: 1.8rem; line-height: 1.2; font-weight: 650; color: var(--accent); letter-spacing: -0.01em; }
.subtitle { margin: 6px 0 0; font-size: 1.1rem; }
.mark { margin: 6px 0 0; font-weight: 600; color: #8a4b00; }
.meta { margin: 8px 0 0; color: var(--muted); font-size: 0.85rem; }
.meta span + span::before { content: "·"; margin: 0 0.6em; }
`

// FooterStyle styles the provenance footer.
const FooterStyle = `footer { margin-top: 36px; padding-top: 12px; border-top: 1px solid var(--rule); color: var(--muted); font-size: 0.82rem; }
footer h2 { margin: 0 0 8px; font-size: 0.9rem; color: var(--muted); }
footer dl { display: grid; grid-template-columns: max-content 1fr; gap: 3px 16px; margin: 0; }
footer dt { font-weight: 600; }
footer dd { margin: 0; }
`

// Mono sets hashes and moments in a fixed-width face.
const Mono = `.mono { font-family: ui-monospace, "SF Mono", Menlo, Consolas, "Liberation Mono", monospace; word-break: break-all; }
`

// TitleBlock opens the title block with the title, the mark under it when
// the figures include illustrative entries, and the subtitle (a page adds
// its meta line and closes the header). Its data has Title, Mark and
// Subtitle.
const TitleBlock = `<header class="title">
<h1>{{.Title}}</h1>
{{- if .Mark}}
<p class="mark">{{.Mark}}</p>
{{- end}}
{{- if .Subtitle}}
<p class="subtitle">{{.Subtitle}}</p>
{{- end}}
`

// FooterFields lists the provenance (model.Footer) inside a <dl>.
const FooterFields = `{{- range .Footer}}
<dt>{{.Label}}</dt><dd{{if eq .Key "state" "asof" "generated"}} class="mono"{{end}}>{{.Value}}</dd>
{{- end}}
`
