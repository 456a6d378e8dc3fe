package main

import (
	"fmt"

	"github.com/coalition/pledger/internal/benchgen"
	"github.com/spf13/cobra"
)

// genLedgerCmd writes a generated ledger for measuring pledger (.ci/perf):
// a tool for developers, hidden from the help.
func (a *app) genLedgerCmd() *cobra.Command {
	var cfg benchgen.Config
	var out string
	cmd := &cobra.Command{
		Use:    "gen-ledger",
		Hidden: true,
		Short:  "Write a generated ledger (entries.csv, rates.csv) for measuring pledger",
		Long: `Write a generated ledger into --out DIR: entries.csv in the canonical import
format and rates.csv (every business day of 2013-2024, EUR against 24 other
currencies). The same --seed gives the same files. Every figure and rate is made
up, and says so: its source is "generated". Import them with pledger import and
pledger rates import.`,
		Example: `  pledger gen-ledger --entries 1000000 --out perf
  pledger gen-ledger --entries 1000000 --needs 200000 --seed 7 --out perf-needs`,
		Args: noArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			if out == "" {
				return usage("give --out DIR: where to write entries.csv and rates.csv")
			}
			if cfg.Entries <= 0 {
				return usage("--entries %d: give a number of entries greater than zero", cfg.Entries)
			}
			if cfg.Needs < 0 || cfg.Needs > cfg.Entries {
				return usage("--needs %d: give at most --entries (%d) needs, or 0 for one in twenty", cfg.Needs, cfg.Entries)
			}
			files, st, err := benchgen.Write(out, cfg)
			if err != nil {
				return err
			}
			fmt.Fprintf(a.out, "wrote %s: %d entries (%d needs, %d pledges, %d commitments, %d disbursements, %d deployments; %d parties, %d currencies, %d qualified)\n",
				files.Entries, st.Entries, st.Kinds["need"], st.Kinds["pledge"], st.Kinds["commitment"], st.Kinds["disbursement"], st.Kinds["deployment"],
				st.Parties, st.Currencies, st.Qualified)
			fmt.Fprintf(a.out, "wrote %s: %d rates\n", files.Rates, st.Rates)
			return nil
		},
	}
	cmd.Flags().IntVar(&cfg.Entries, "entries", 1000000, "entries to generate, needs included")
	cmd.Flags().IntVar(&cfg.Needs, "needs", 0, "needs among them (0: one in twenty)")
	cmd.Flags().Uint64Var(&cfg.Seed, "seed", 1, "the seed: the same seed gives the same files")
	cmd.Flags().StringVar(&out, "out", "", "the directory to write entries.csv and rates.csv into")
	return cmd
}
