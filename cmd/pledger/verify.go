package main

import (
	"fmt"

	"github.com/spf13/cobra"
)

func (a *app) verifyCmd() *cobra.Command {
	return &cobra.Command{
		Use:   "verify",
		Short: "Recompute the hash chain and report the first tampered revision",
		Long: `Every revision carries a SHA-256 over its canonical content and the previous
revision's hash. verify recomputes the whole chain; if anyone changed, removed or
inserted a row behind pledger's back, it names the first bad revision and exits
with status 5.`,
		Example: "  pledger verify\n  pledger verify --db \"$PLEDGER_DB\"",
		Args:    noArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			s, err := a.open(cmd.Context())
			if err != nil {
				return err
			}
			defer s.Close()
			n, err := s.Verify(cmd.Context())
			if err != nil {
				return err
			}
			head, err := s.Head(cmd.Context())
			if err != nil {
				return err
			}
			fmt.Fprintf(a.out, "ok: %d revisions, chain head %s\n", n, head.Hash)
			return nil
		},
	}
}
