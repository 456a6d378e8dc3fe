package main

import (
	"bufio"
	"fmt"
	"os"
	"strings"
	"text/tabwriter"

	"github.com/coalition/pledger/internal/access"
	"github.com/spf13/cobra"
	"golang.org/x/term"
)

// readPassword prompts on a terminal (twice, without echo), or reads the
// first line of standard input.
func (a *app) readPassword() (string, error) {
	if f, ok := a.in.(*os.File); ok && term.IsTerminal(int(f.Fd())) {
		fmt.Fprint(a.errw, "password: ")
		p1, err := term.ReadPassword(int(f.Fd()))
		fmt.Fprintln(a.errw)
		if err != nil {
			return "", err
		}
		fmt.Fprint(a.errw, "again: ")
		p2, err := term.ReadPassword(int(f.Fd()))
		fmt.Fprintln(a.errw)
		if err != nil {
			return "", err
		}
		if string(p1) != string(p2) {
			return "", usage("the passwords differ")
		}
		return string(p1), nil
	}
	line, err := bufio.NewReader(a.in).ReadString('\n')
	if err != nil && line == "" {
		return "", usage("give the password on standard input (one line)")
	}
	return strings.TrimRight(line, "\r\n"), nil
}

func (a *app) userCmd() *cobra.Command {
	cmd := &cobra.Command{Use: "user", Short: "Manage the accounts of the web app and API"}
	var role string
	add := &cobra.Command{
		Use:   "add NAME --role admin|officer|analyst|viewer",
		Short: "Add an account (password prompted, or one line on standard input)",
		Long: `Add an account. The password is prompted for on a terminal; otherwise its
first line is read from standard input (a script may pipe it in).`,
		Example: `  pledger user add alice --role admin`,
		Args:    exactArgs(1, "the user NAME"),
		RunE: func(cmd *cobra.Command, args []string) error {
			if err := access.CheckName(args[0]); err != nil {
				return err
			}
			r, err := access.ParseRole(role)
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
			s, err := a.open(cmd.Context())
			if err != nil {
				return err
			}
			defer s.Close()
			if err := s.AddUser(cmd.Context(), args[0], r, hash); err != nil {
				return err
			}
			fmt.Fprintf(a.out, "added %s (%s)\n", args[0], r)
			return nil
		},
	}
	add.Flags().StringVar(&role, "role", "", "admin, officer, analyst or viewer (required)")
	list := &cobra.Command{
		Use:   "list",
		Short: "List the accounts",
		Args:  noArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			s, err := a.open(cmd.Context())
			if err != nil {
				return err
			}
			defer s.Close()
			us, err := s.Users(cmd.Context())
			if err != nil {
				return err
			}
			tw := tabwriter.NewWriter(a.out, 0, 0, 2, ' ', 0)
			fmt.Fprintln(tw, "NAME\tROLE\tSINCE\tDISABLED")
			for _, u := range us {
				fmt.Fprintf(tw, "%s\t%s\t%s\t%v\n", u.Name, u.Role, u.CreatedAt, u.Disabled)
			}
			return tw.Flush()
		},
	}
	cmd.AddCommand(add, list, a.userPasswordCmd())
	return cmd
}
