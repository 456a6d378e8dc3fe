package main

import (
	"context"
	"fmt"
	"os"
	"strings"

	"github.com/coalition/pledger/internal/ledger"
	"github.com/coalition/pledger/internal/store"
	"github.com/spf13/cobra"
)

// entryFlags binds one string flag per canonical column except ref and
// kind, so that add and amend take the same flags as the CSV has columns,
// and --decimal-comma. It returns how to read what the flags hold.
func entryFlags(cmd *cobra.Command, values map[string]*string) func() ledger.Notation {
	help := map[string]string{
		"party":        "party code: ISO 3166-1 alpha-3 (BEL) or an organisation (EU, NATO, UN, LAS, INTERPOL, COALITION)",
		"date":         "date as stated: YYYY, YYYY-MM or YYYY-MM-DD (with --decimal-comma also dd/mm/yyyy); a deployment with --end may give unknown",
		"end":          "end date (optional, same forms as --date)",
		"amount":       "amount, at most the currency's decimals: 1250000.50 or 1,250,000.50 (with --decimal-comma: 1.250.000,50); 5.000 reads two ways and is refused",
		"currency":     "ISO 4217 currency code (EUR, USD, ...)",
		"qualifier":    "exact (default), at-least, about or up-to: of the amount, or of a deployment's quantity when it has none",
		"quantity":     "deployments: how many assets",
		"asset":        "deployments: what (F-16, trainers, ...)",
		"sector":       "sectors of the vocabulary (pledger sector list; a code, name or known spelling: stabilization, wederopbouw), separated by ';', each with an optional share in percent ('demining:40;camps:60'); several without shares: shared",
		"location":     "ISO 3166-1 alpha-3 country codes, separated by ';' ('IRQ;SYR'), each with an optional share ('IRQ:70;SYR:30')",
		"toward":       "ref of the need this entry addresses",
		"fulfils":      "ref of the pledge or commitment this fulfils",
		"source":       "citation or URL",
		"note":         "free text (the only field that may have line breaks and tabs)",
		"illustrative": "flag the entry as illustrative: not a published statement (--illustrative, or --illustrative=false to clear it)",
		"title":        "needs: what reports call the need (\"Stabilisation of liberated areas, 2021\"), shown with its ref",
	}
	for _, c := range ledger.Columns {
		if c == "ref" || c == "kind" {
			continue
		}
		values[c] = cmd.Flags().String(c, "", help[c])
	}
	// A yes-or-no column: the flag alone means true; the value is checked
	// by the ledger as a CSV cell would be.
	cmd.Flags().Lookup("illustrative").NoOptDefVal = "true"
	comma := cmd.Flags().Bool("decimal-comma", false, "read amounts and dates the Belgian way: 1.250.000,50 and 15/09/2021 (default from "+envLocale+", e.g. nl-BE)")
	return func() ledger.Notation { return notation(*comma) }
}

// envLocale names the notation a person types amounts and dates in
// (nl-BE, fr-BE: 1.250.000,50 and 15/09/2021; otherwise 1,250,000.50).
const envLocale = "PLEDGER_LOCALE"

// notation is how the command line reads amounts and dates: the Belgian
// way with --decimal-comma or a Dutch or French PLEDGER_LOCALE.
func notation(decimalComma bool) ledger.Notation {
	if decimalComma {
		return ledger.Belgian
	}
	return ledger.NotationOf(os.Getenv(envLocale))
}

func (a *app) addCmd() *cobra.Command {
	values := map[string]*string{}
	var ref string
	var readAs func() ledger.Notation
	cmd := &cobra.Command{
		Use:   "add KIND",
		Short: "Record a need, pledge, commitment, disbursement or deployment",
		Long: `Record a new entry. KIND is need, pledge, commitment, disbursement or deployment.

Money kinds need --amount and --currency; a deployment needs --quantity and
--asset (and may carry an --amount, its cost). Without --ref, the ref is made
from the party, kind, date and content, so running the same command twice is
refused instead of entering the figure twice. --illustrative flags an entry that
is not a published statement: every report that counts it says so. A need may
have a --title, which reports show with its ref. Sectors are codes of the sector
vocabulary (pledger sector list), given by code, name or a known spelling.`,
		Example: `  pledger add need --party COALITION --date 2021 --amount 670000000 --currency USD --sector stabilisation --location "IRQ;SYR" --ref coal-need-2021-stab --title "Stabilisation of liberated areas, 2021"
  pledger add commitment --party BEL --date 2016 --amount 18000000 --currency EUR --qualifier at-least --sector "reconstruction;demining;camps" --location "IRQ;SYR"
  pledger add deployment --party BEL --date 2021 --end 2021-10 --quantity 4 --asset F-16 --location "IRQ;SYR"
  pledger add disbursement --party BEL --date 15/09/2021 --amount "2.500.000,00" --currency EUR --decimal-comma
  pledger add pledge --party NLD --date 2021 --amount 5000000 --currency EUR --illustrative`,
		Args: exactArgs(1, "KIND: need, pledge, commitment, disbursement or deployment"),
		RunE: func(cmd *cobra.Command, args []string) error {
			ctx := cmd.Context()
			s, err := a.open(ctx)
			if err != nil {
				return err
			}
			defer s.Close()
			f := ledger.Fields{"kind": args[0], "ref": ref}
			for k, v := range values {
				f[k] = *v
			}
			f, ps := ledger.HumanFields(f, readAs(), 0)
			if len(ps) > 0 {
				return &ledger.Problems{List: ps}
			}
			known := s.PartyCheck(ctx)
			sectors, err := s.SectorVocab(ctx)
			if err != nil {
				return err
			}
			e, ps := ledger.ParseEntry(f, 0, ledger.Known{Party: known.Known, Sectors: sectors}, ledger.RefOptional)
			if err := known.Err(); err != nil {
				return err
			}
			if len(ps) > 0 {
				return &ledger.Problems{List: ps}
			}
			r, err := s.Add(ctx, e, a.author())
			if err != nil {
				return err
			}
			fmt.Fprintf(a.out, "added %s (%s), revision %d\n", r.Ref, describe(r.Entry), r.Seq)
			return a.warnChain(ctx, s, r.Entry)
		},
	}
	cmd.Flags().StringVar(&ref, "ref", "", "the entry's unique key: a letter or digit, then letters, digits, . _ : - (at most 64; default: made from party, kind, date and content)")
	readAs = entryFlags(cmd, values)
	return cmd
}

// describe is a one-line summary of an entry.
func describe(e ledger.Entry) string {
	var b strings.Builder
	fmt.Fprintf(&b, "%s %s %s", e.Party, e.Kind, e.Date)
	if e.Amount.Valid {
		q := ""
		if e.Qualifier != ledger.Exact {
			q = string(e.Qualifier) + " "
		}
		fmt.Fprintf(&b, ", %s%s %s", q, e.Amount.Decimal.StringFixed(e.Currency.Units), e.Currency.Code)
	}
	if e.Quantity > 0 {
		fmt.Fprintf(&b, ", %d x %s", e.Quantity, e.Asset)
	}
	if e.Illustrative {
		b.WriteString(", illustrative")
	}
	return b.String()
}

// warnChain prints, on standard error, what is odd about an entry's place
// in its chain: recorded as stated, but worth a second look.
func (a *app) warnChain(ctx context.Context, s *store.Store, e ledger.Entry) error {
	ws, err := s.ChainWarnings(ctx, e)
	if err != nil {
		return err
	}
	for _, w := range ws {
		fmt.Fprintf(a.errw, "pledger: warning: %s: %s: %s\n", e.Ref, w.Field, w.Msg)
	}
	return nil
}
