package main

import (
	"fmt"

	"github.com/coalition/pledger/internal/ledger"
	"github.com/spf13/cobra"
)

func (a *app) amendCmd() *cobra.Command {
	values := map[string]*string{}
	var readAs func() ledger.Notation
	var reason string
	cmd := &cobra.Command{
		Use:   "amend REF",
		Short: "Correct an entry: a new revision, the old one is kept",
		Long: `Record a correction of REF as a new revision. Only the fields given change;
the result is checked as a whole, like a new entry. The earlier revision stays in
the history (pledger history REF). To clear a field, give it empty, written
--end= (with the "=", so that every shell passes the empty value).`,
		Example: `  pledger amend bel-com-2016-stab --amount 18500000 --reason "figure from the 2021 budget review"
  pledger amend usa-pledge-2021 --end= --reason "no end date was announced"
  pledger amend nld-pledge-2021 --illustrative=false --reason "confirmed by the ministry's statement"`,
		Args: exactArgs(1, "the REF of the entry to correct"),
		RunE: func(cmd *cobra.Command, args []string) error {
			ctx := cmd.Context()
			changes := ledger.Fields{}
			for k, v := range values {
				if cmd.Flags().Changed(k) {
					changes[k] = *v
				}
			}
			if len(changes) == 0 {
				return usage("amend: give at least one field to change, e.g. --amount")
			}
			changes, ps := ledger.HumanFields(changes, readAs(), 0)
			if len(ps) > 0 {
				return &ledger.Problems{List: ps}
			}
			s, err := a.open(ctx)
			if err != nil {
				return err
			}
			defer s.Close()
			r, err := s.Amend(ctx, args[0], 0, changes, reason, a.author())
			if err != nil {
				return err
			}
			fmt.Fprintf(a.out, "amended %s: revision %d of the entry (%s)\n", r.Ref, r.Rev, describe(r.Entry))
			if err := a.warnChain(ctx, s, r.Entry); err != nil {
				return err
			}
			return nil
		},
	}
	cmd.Flags().StringVar(&reason, "reason", "", "why the entry is corrected (required)")
	readAs = entryFlags(cmd, values)
	return cmd
}
