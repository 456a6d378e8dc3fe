package main

import (
	"fmt"

	"github.com/spf13/cobra"
)

func (a *app) voidCmd() *cobra.Command {
	var reason string
	cmd := &cobra.Command{
		Use:   "void REF",
		Short: "Withdraw an entry: a new revision, the old one is kept",
		Long: `Withdraw REF. The entry no longer counts in lists and reports from now on;
reports --as-of an earlier moment still show it, and its history keeps every
revision.`,
		Example: `  pledger void gbr-pledge-2019 --reason "entered twice; see gbr-pledge-2019-camps"`,
		Args:    exactArgs(1, "the REF of the entry to withdraw"),
		RunE: func(cmd *cobra.Command, args []string) error {
			ctx := cmd.Context()
			s, err := a.open(ctx)
			if err != nil {
				return err
			}
			defer s.Close()
			r, err := s.Void(ctx, args[0], 0, reason, a.author())
			if err != nil {
				return err
			}
			fmt.Fprintf(a.out, "voided %s: revision %d of the entry\n", r.Ref, r.Rev)
			return nil
		},
	}
	cmd.Flags().StringVar(&reason, "reason", "", "why the entry is withdrawn (required)")
	return cmd
}
