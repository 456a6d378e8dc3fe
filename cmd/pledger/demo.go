package main

import (
	"fmt"
	"os"
	"path/filepath"

	"github.com/coalition/pledger/internal/chart"
	"github.com/coalition/pledger/internal/demo"
	"github.com/coalition/pledger/internal/report"
	"github.com/coalition/pledger/internal/store"
	"github.com/spf13/cobra"
)

func (a *app) demoCmd() *cobra.Command {
	var dir string
	cmd := &cobra.Command{
		Use:   "demo",
		Short: "Create a demo ledger from the 2021 ministerial announcement",
		Long: `Create DIR/pledger.db (an embedded SQLite ledger) and load the demo data set:
the statements of the Belgian announcement of the 2021 Coalition ministerial,
exactly as made, plus illustrative entries of other members (each marked
"illustrative" in its source). Running it again changes nothing.`,
		Example: "  pledger demo\n  pledger demo --out /tmp/coalition-demo",
		Args:    noArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			ctx := cmd.Context()
			if err := os.MkdirAll(dir, 0o755); err != nil {
				return err
			}
			db := filepath.Join(dir, "pledger.db")
			s, err := store.Open(ctx, "sqlite:"+db)
			if err != nil {
				return err
			}
			defer s.Close()
			ctx, bar := a.readBar(ctx, "demo: loading the rates and entries")
			defer bar.Done()
			res, rates, err := demo.Load(ctx, s)
			if err != nil {
				return err
			}
			bar.Stage("demo: writing every report")
			files, err := demo.WriteReports(ctx, s, filepath.Join(dir, "reports"))
			if err != nil {
				return err
			}
			opt, err := report.DefaultRequest().Options(ctx, s)
			if err != nil {
				return err
			}
			bar.Stage("demo: drawing the dashboard")
			index, err := writeDashboard(ctx, s, opt, chart.Options{}, filepath.Join(dir, "dashboard"), "Global Coalition to Defeat Daesh: demo dashboard")
			if err != nil {
				return err
			}
			bar.Done()
			fmt.Fprintf(a.out, "demo ledger: %s\n", db)
			fmt.Fprintf(a.out, "rates: %d ECB reference rates, %d added, %d already there\n", rates.Rows, rates.Added, rates.Skipped)
			fmt.Fprintf(a.out, "entries: %d in the data set, %d added, %d already there\n", res.Rows, res.Added, res.Skipped)
			fmt.Fprintf(a.out, "chain head: %s (revision %d)\n", res.Head.Hash, res.Head.Seq)
			fmt.Fprintf(a.out, "reports: %d files in %s\n", len(files), filepath.Join(dir, "reports"))
			fmt.Fprintf(a.out, "dashboard: %s\n", index)
			fmt.Fprintf(a.out, "try: pledger list --db sqlite:%s\n", db)
			fmt.Fprintf(a.out, "     pledger report coverage --db sqlite:%s\n", db)
			return nil
		},
	}
	cmd.Flags().StringVar(&dir, "out", "pledger-demo", "folder for the demo ledger and its output")
	return cmd
}
