package main

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"os"
	"path/filepath"
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
	cmd := &cobra.Command{
		Use:   "chart NAME|dashboard",
		Short: "Draw a chart (" + strings.Join(chart.Names, ", ") + ") or the dashboard as HTML that opens offline",
		Long: `Draw a chart of a report as one standalone HTML file: ECharts is inlined, so the
file opens from disk with no network. The chart draws the same report model as
pledger report (same options), never a second computation.

pledger chart dashboard --out DIR writes DIR/index.html with every chart, plus each
chart as its own file.

--format pdf prints a chart's page on A4 with a headless Chromium (installed
apart: Debian/Ubuntu apt-get install chromium; or set PLEDGER_CHROMIUM), once
the chart is drawn, with the provenance in the footer of every page.`,
		Example: `  pledger chart summary --currency EUR --out summary.html
  pledger chart timeline --by quarter --cumulative --lang nl --out tijdlijn.html
  pledger chart coverage --format pdf --out coverage.pdf
  pledger chart dashboard --out dashboard/`,
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
			index, err := writeDashboard(ctx, s, opt, co, rf.out, "Coalition dashboard")
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
	return cmd
}

// writeDashboard writes dir/index.html and every chart as its own file, and
// returns the index's path.
func writeDashboard(ctx context.Context, s *store.Store, opt report.Options, co chart.Options, dir, title string) (string, error) {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return "", err
	}
	items, err := chartrun.Items(ctx, s, opt, chart.Names)
	if err != nil {
		return "", err
	}
	write := func(path string, fn func(io.Writer) error) error {
		f, err := os.Create(path)
		if err != nil {
			return err
		}
		if err := fn(f); err != nil {
			f.Close()
			return err
		}
		return f.Close()
	}
	for _, it := range items {
		if err := write(filepath.Join(dir, it.Name+".html"), func(w io.Writer) error { return chart.WritePage(w, it, opt.Lang, co) }); err != nil {
			return "", err
		}
	}
	index := filepath.Join(dir, "index.html")
	if err := write(index, func(w io.Writer) error { return chart.WriteDashboard(w, title, items, opt.Lang, co) }); err != nil {
		return "", err
	}
	return index, nil
}
