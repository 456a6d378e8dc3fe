package main

import (
	"fmt"

	"github.com/coalition/pledger/internal/access"
	"github.com/spf13/cobra"
)

// userPasswordCmd sets an account's password: how the accounts of an
// archive restored without --with-accounts (and an admin who forgot theirs)
// sign in again.
func (a *app) userPasswordCmd() *cobra.Command {
	return &cobra.Command{
		Use:   "password NAME",
		Short: "Set an account's password (prompted, or one line on standard input)",
		Long: `Set an account's password, which also signs out its sessions. The password is
prompted for on a terminal; otherwise its first line is read from standard input.
Accounts restored from an archive written without --with-accounts have none until
given one here.`,
		Example: `  pledger user password alice`,
		Args:    exactArgs(1, "the user NAME"),
		RunE: func(cmd *cobra.Command, args []string) error {
			ctx := cmd.Context()
			s, err := a.open(ctx)
			if err != nil {
				return err
			}
			defer s.Close()
			u, err := s.User(ctx, args[0])
			if err != nil {
				return err
			}
			pw, err := a.readPassword()
			if err != nil {
				return err
			}
			hash, err := access.HashPassword(pw)
			if err != nil {
				return err
			}
			if err := s.SetUser(ctx, u.Name, u.Role, hash, u.Disabled); err != nil {
				return err
			}
			fmt.Fprintf(a.out, "set the password of %s\n", u.Name)
			return nil
		},
	}
}
