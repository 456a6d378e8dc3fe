package main

import (
	"fmt"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/coalition/pledger/internal/access"
	"github.com/coalition/pledger/internal/ledger"
	"github.com/coalition/pledger/internal/store"
	"github.com/spf13/cobra"
)

func (a *app) tokenCmd() *cobra.Command {
	cmd := &cobra.Command{Use: "token", Short: "Manage API tokens: create, list, revoke"}
	var label, expires string
	create := &cobra.Command{
		Use:   "create USER [--label TEXT] [--expires 90d|DATE|never]",
		Short: "Create an API token for USER (shown once; keep it secret)",
		Long: fmt.Sprintf(`Create an API token that acts as USER, and print it on standard output: it is
shown this once and stored only as a hash. Its id (for token list and token
revoke) and its expiry go to standard error.

A token expires after %d days unless --expires says otherwise: a number of days
(30d), a date (2027-01-31: expires at its start, UTC), or never (on purpose
only: such a token lasts until revoked). A token is revoked by token revoke,
and when its user's password changes or the account is disabled.`, access.DefaultTokenDays),
		Example: "  pledger token create bob --label \"treasury sync\"\n  pledger token create bob --label nightly --expires 30d\n  pledger token create bob --expires 2027-01-31",
		Args:    exactArgs(1, "the USER the token acts as"),
		RunE: func(cmd *cobra.Command, args []string) error {
			label, p := ledger.CleanText("label", label)
			if p != nil {
				p.Field = "--label"
				return &ledger.Problems{List: []ledger.Problem{*p}}
			}
			exp, err := access.ParseExpiry(expires, time.Now())
			if err != nil {
				return err
			}
			s, err := a.open(cmd.Context())
			if err != nil {
				return err
			}
			defer s.Close()
			t, secret, err := s.CreateToken(cmd.Context(), args[0], label, exp)
			if err != nil {
				return err
			}
			fmt.Fprintln(a.out, secret)
			when := "never expires (revoke it when it is no longer needed)"
			if t.ExpiresAt != "" {
				when = "expires " + store.ShortTime(t.ExpiresAt)
			}
			fmt.Fprintf(a.errw, "token %s for %s: %s; shown once, keep it secret\n", t.ID, t.User, when)
			return nil
		},
	}
	create.Flags().StringVar(&label, "label", "", "what the token is for")
	create.Flags().StringVar(&expires, "expires", "", fmt.Sprintf("when it expires: days (30d), a date (2027-01-31) or never (default %dd)", access.DefaultTokenDays))

	var user string
	list := &cobra.Command{
		Use:   "list [--user NAME]",
		Short: "List the API tokens: id, user, label, created, expires, last used, state",
		Long: `List the API tokens, revoked and expired ones included, by user. A token is
named by its id, never its secret. Last used is recorded to within ten minutes.`,
		Example: "  pledger token list\n  pledger token list --user bob",
		Args:    noArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			s, err := a.open(cmd.Context())
			if err != nil {
				return err
			}
			defer s.Close()
			ts, err := s.Tokens(cmd.Context(), user)
			if err != nil {
				return err
			}
			tw := tabwriter.NewWriter(a.out, 0, 0, 2, ' ', 0)
			fmt.Fprintln(tw, "ID\tUSER\tLABEL\tCREATED\tEXPIRES\tLAST USED\tSTATE")
			for _, t := range ts {
				fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\t%s\t%s\n", t.ID, t.User, orDash(t.Label), store.ShortTime(t.CreatedAt),
					orWord(store.ShortTime(t.ExpiresAt), "never"), orDash(store.ShortTime(t.LastUsedAt)), tokenState(s, t))
			}
			return tw.Flush()
		},
	}
	list.Flags().StringVar(&user, "user", "", "only this user's tokens")

	revoke := &cobra.Command{
		Use:   "revoke ID",
		Short: "Revoke an API token: requests with it are refused from then on",
		Long: `Revoke the API token ID (as token list shows it; the token itself, for one that
leaked, names its own id). Requests with it get 401 token_revoked from then on.
Revoking a token revoked before changes nothing.`,
		Example: "  pledger token revoke 3f9a0c1d2e4b",
		Args:    exactArgs(1, "the token ID (pledger token list)"),
		RunE: func(cmd *cobra.Command, args []string) error {
			id, err := store.ParseTokenID(args[0])
			if err != nil {
				return err
			}
			s, err := a.open(cmd.Context())
			if err != nil {
				return err
			}
			defer s.Close()
			t, revoked, err := s.RevokeToken(cmd.Context(), id, "")
			if err != nil {
				return err
			}
			if !revoked {
				fmt.Fprintf(a.out, "token %s of %s was already revoked on %s\n", t.ID, t.User, store.ShortTime(t.RevokedAt))
				return nil
			}
			fmt.Fprintf(a.out, "revoked token %s of %s\n", t.ID, t.User)
			return nil
		},
	}
	cmd.AddCommand(create, list, revoke)
	return cmd
}

// tokenState is a token's state for token list: active, expired, or
// revoked with why and by whom.
func tokenState(s *store.Store, t store.Token) string {
	st := s.TokenState(t)
	if st != store.TokenRevoked {
		return st
	}
	var more []string
	if t.RevokedWhy != "" && t.RevokedWhy != store.RevokedByHand {
		more = append(more, t.RevokedWhy)
	}
	if t.RevokedBy != "" {
		more = append(more, "by "+t.RevokedBy)
	}
	more = append(more, store.ShortTime(t.RevokedAt))
	return st + " (" + strings.Join(more, ", ") + ")"
}

func orDash(s string) string { return orWord(s, "-") }

func orWord(s, word string) string {
	if s == "" {
		return word
	}
	return s
}
