package main

import (
	"fmt"
	"text/tabwriter"

	"github.com/coalition/pledger/internal/ledger"
	"github.com/spf13/cobra"
)

func (a *app) partyCmd() *cobra.Command {
	cmd := &cobra.Command{
		Use:   "party",
		Short: "List or add parties (states and organisations)",
		Long: `Every ISO 3166-1 state is known out of the box (by its alpha-3 code), and so are
the organisations EU, NATO, UN, LAS, INTERPOL and COALITION. Add others with
pledger party add.`,
	}
	var name string
	add := &cobra.Command{
		Use:     "add CODE --name NAME",
		Short:   "Add a party",
		Example: `  pledger party add OIC --name "Organisation of Islamic Cooperation"`,
		Args:    exactArgs(1, "the party CODE"),
		RunE: func(cmd *cobra.Command, args []string) error {
			p, err := ledger.NewParty(args[0], name)
			if err != nil {
				return err
			}
			s, err := a.open(cmd.Context())
			if err != nil {
				return err
			}
			defer s.Close()
			if err := s.AddParty(cmd.Context(), p, a.author()); err != nil {
				return err
			}
			fmt.Fprintf(a.out, "added party %s\n", p)
			return nil
		},
	}
	add.Flags().StringVar(&name, "name", "", "display name (required)")
	list := &cobra.Command{
		Use:     "list",
		Short:   "List the known parties",
		Example: "  pledger party list",
		Args:    noArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			s, err := a.open(cmd.Context())
			if err != nil {
				return err
			}
			defer s.Close()
			ps, err := s.Parties(cmd.Context())
			if err != nil {
				return err
			}
			tw := tabwriter.NewWriter(a.out, 0, 0, 2, ' ', 0)
			fmt.Fprintln(tw, "CODE\tTYPE\tNAME")
			for _, p := range ps {
				fmt.Fprintf(tw, "%s\t%s\t%s\n", oneLine(p.Code), p.Type, oneLine(p.Name))
			}
			return tw.Flush()
		},
	}
	cmd.AddCommand(add, list)
	return cmd
}
