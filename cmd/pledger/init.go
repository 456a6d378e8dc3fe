package main

import (
	"fmt"

	"github.com/coalition/pledger/internal/store"
	"github.com/spf13/cobra"
)

func (a *app) initCmd() *cobra.Command {
	return &cobra.Command{
		Use:   "init",
		Short: "Create the ledger database (or bring its schema up to date)",
		Example: `  pledger init
  pledger init --db sqlite:/data/coalition.db
  pledger init --db "postgres://pledger@db.example/pledger?sslmode=disable"`,
		Args: noArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			s, err := a.open(cmd.Context())
			if err != nil {
				return err
			}
			defer s.Close()
			head, err := s.Head(cmd.Context())
			if err != nil {
				return err
			}
			fmt.Fprintf(a.out, "ledger ready: %s (%s), %d revisions\n", store.RedactDSN(a.dbFlag), s.Dialect(), head.Seq)
			return nil
		},
	}
}
