package main

import (
	"context"
	"fmt"
	"io"
	"os"
	"path/filepath"
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
chart as its own file.`,
		Example: `  pledger chart summary --currency EUR --out summary.html
  pledger chart timeline --by quarter --cumulative --lang nl --out tijdlijn.html
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
			index, err := writeDashboard(ctx, s, opt, co, rf.out, "Coalition dashboard")
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
