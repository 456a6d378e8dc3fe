package main

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"slices"
	"strings"

	"github.com/coalition/pledger/internal/chart"
	"github.com/coalition/pledger/internal/chartrun"
	"github.com/coalition/pledger/internal/report"
	"github.com/coalition/pledger/internal/store"
	"github.com/spf13/cobra"
)

func (a *app) chartCmd() *cobra.Command {
	var rf reportFlags
	var co chart.Options
	var title string
	cmd := &cobra.Command{
		Use:   "chart NAME|dashboard",
		Short: "Draw a chart (" + strings.Join(chart.Names, ", ") + ") or the dashboard as HTML that opens offline",
		Long: `Draw a chart of a report as one standalone HTML file: ECharts is inlined, so the
file opens from disk with no network. The chart draws the same report model as
pledger report (same options), never a second computation. Each chart has a button
to save it as a PNG image, a data view, and its data as a table for screen readers.

pledger chart dashboard --out DIR writes DIR/index.html with every chart, plus each
chart as its own file; the pages share one copy of ECharts, DIR/echarts.min.js (keep
the folder together: it still opens offline).

--format pdf prints a chart's page on A4 with a headless Chromium (installed
apart: Debian/Ubuntu apt-get install chromium; or set PLEDGER_CHROMIUM), once
the chart is drawn, with the provenance in the footer of every page.`,
		Example: `  pledger chart summary --currency EUR --out summary.html
  pledger chart timeline --by quarter --cumulative --lang nl --out tijdlijn.html
  pledger chart coverage --format pdf --out coverage.pdf
  pledger chart dashboard --title "Coalition, 2026" --out dashboard/`,
		Args: exactArgs(1, "a chart NAME ("+strings.Join(chart.Names, ", ")+") or dashboard"),
		RunE: func(cmd *cobra.Command, args []string) error {
			ctx := cmd.Context()
			name := args[0]
			if name != "dashboard" {
				if _, _, err := chart.Source(name); err != nil {
					return err
				}
			}
			if rf.out == "" {
				return usage("--out: name the file (a chart) or the folder (the dashboard) to write")
			}
			if title != "" && name != "dashboard" {
				return usage("--title: only the dashboard takes a title (a chart is titled by its report)")
			}
			if !slices.Contains(chartFormats, rf.format) {
				return usage("--format %q: a chart is html or pdf", rf.format)
			}
			var chromium string
			req := rf.request()
			if rf.format == pdfFormat {
				if name == "dashboard" {
					return usage("--format pdf: the dashboard is a folder of HTML pages; print one chart at a time (pledger chart NAME --format pdf)")
				}
				var err error
				if chromium, err = a.pdfReady(rf.out); err != nil {
					return err
				}
				req.Stamp = true // as a report's PDF
			}
			s, err := a.open(ctx)
			if err != nil {
				return err
			}
			defer s.Close()
			opt, err := req.Options(ctx, s)
			if err != nil {
				return err
			}
			ctx, bar := a.readBar(ctx, "chart "+name)
			defer bar.Done()
			if name != "dashboard" {
				items, err := chartrun.Items(ctx, s, opt, []string{name})
				if err != nil {
					return err
				}
				if rf.format == pdfFormat {
					bar.Describe("chart " + name + ": printing to PDF")
					var page bytes.Buffer
					if err := chart.WritePage(&page, items[0], opt.Lang, co); err != nil {
						return err
					}
					out, err := printPDF(ctx, chromium, page.Bytes(), opt.Lang, items[0].Model)
					bar.Done()
					if err != nil {
						return err
					}
					return a.writeOut(rf.out, func(w io.Writer) error { _, err := w.Write(out); return err })
				}
				bar.Done()
				return a.writeOut(rf.out, func(w io.Writer) error { return chart.WritePage(w, items[0], opt.Lang, co) })
			}
			index, err := writeDashboard(ctx, s, opt, co, rf.out, title)
			bar.Done()
			if err != nil {
				return err
			}
			fmt.Fprintf(a.out, "dashboard: %s\n", index)
			return nil
		},
	}
	rf.bind(cmd, chartFormats)
	cmd.Flags().IntVar(&co.TopN, "top", 20, "parties shown before the rest are grouped as others")
	cmd.Flags().BoolVar(&co.Cumulative, "cumulative", false, "timeline: running totals")
	cmd.Flags().BoolVar(&co.Lines, "lines", false, "timeline: lines instead of bars")
	cmd.Flags().StringVar(&title, "title", "", "dashboard: its title (default: \"Coalition dashboard\", in the report language)")
	return cmd
}

// writeDashboard writes dir/index.html and every chart as its own file,
// sharing one copy of ECharts (chart.WriteFolder), and returns the index's
// path. An empty title is the dashboard's title in the report language.
func writeDashboard(ctx context.Context, s *store.Store, opt report.Options, co chart.Options, dir, title string) (string, error) {
	items, err := chartrun.Items(ctx, s, opt, chart.Names)
	if err != nil {
		return "", err
	}
	return chart.WriteFolder(dir, title, items, opt.Lang, co)
}
