package main

import (
	"context"
	"fmt"
	"io"
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
the folder together: it still opens offline).`,
		Example: `  pledger chart summary --currency EUR --out summary.html
  pledger chart timeline --by quarter --cumulative --lang nl --out tijdlijn.html
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
			s, err := a.open(ctx)
			if err != nil {
				return err
			}
			defer s.Close()
			opt, err := rf.request().Options(ctx, s)
			if err != nil {
				return err
			}
			ctx, bar := a.readBar(ctx, "chart "+name)
			defer bar.Done()
			if name != "dashboard" {
				items, err := chartrun.Items(ctx, s, opt, []string{name})
				bar.Done()
				if err != nil {
					return err
				}
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
	rf.bind(cmd, []string{"html"})
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
