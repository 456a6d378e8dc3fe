package main

import (
	"encoding/json"
	"fmt"
	"strings"
	"text/tabwriter"

	"github.com/coalition/pledger/internal/ledger"
	"github.com/coalition/pledger/internal/money"
	"github.com/coalition/pledger/internal/report"
	"github.com/spf13/cobra"
)

// reportFlags are the options every report takes.
type reportFlags struct {
	currency, valuation, asOf, from, to, format string
	parties                                     []string
	maxStale                                    int
}

func (f *reportFlags) bind(cmd *cobra.Command) {
	cmd.Flags().StringVar(&f.currency, "currency", "USD", "report currency (ISO 4217)")
	cmd.Flags().StringVar(&f.valuation, "valuation", "spot", "spot, annual or fixed:YYYY-MM-DD")
	cmd.Flags().IntVar(&f.maxStale, "max-staleness", 7, "days a spot or fixed rate may be older than its day")
	cmd.Flags().StringVar(&f.asOf, "as-of", "", "the ledger and rates as recorded at this moment (RFC 3339, or a date: end of that day, UTC)")
	cmd.Flags().StringVar(&f.from, "from", "", "only entries dated on or after this day (YYYY, YYYY-MM or YYYY-MM-DD)")
	cmd.Flags().StringVar(&f.to, "to", "", "only entries dated on or before this day")
	cmd.Flags().StringSliceVar(&f.parties, "party", nil, "only these parties")
	cmd.Flags().StringVar(&f.format, "format", "table", "table or json")
}

func (f *reportFlags) options() (report.Options, error) {
	var o report.Options
	cur, err := money.ParseCurrency(f.currency)
	if err != nil {
		return o, fmt.Errorf("%w: --currency: %v", ledger.ErrInvalid, err)
	}
	o.Currency = cur
	if o.Valuation, err = report.ParseValuation(f.valuation, f.maxStale); err != nil {
		return o, err
	}
	if f.asOf != "" {
		if o.AsOf, err = ledger.ParseAsOf(f.asOf); err != nil {
			return o, err
		}
	}
	if f.from != "" {
		d, err := ledger.ParseDate(f.from)
		if err != nil {
			return o, fmt.Errorf("--from: %w", err)
		}
		o.From = d.First().Format("2006-01-02")
	}
	if f.to != "" {
		d, err := ledger.ParseDate(f.to)
		if err != nil {
			return o, fmt.Errorf("--to: %w", err)
		}
		o.To = d.Last().Format("2006-01-02")
	}
	if o.From != "" && o.To != "" && o.From > o.To {
		return o, fmt.Errorf("%w: --from %s is after --to %s", ledger.ErrInvalid, f.from, f.to)
	}
	for _, p := range f.parties {
		o.Parties = append(o.Parties, strings.ToUpper(strings.TrimSpace(p)))
	}
	return o, nil
}

func (a *app) reportCmd() *cobra.Command {
	cmd := &cobra.Command{
		Use:   "report",
		Short: "Make reports from the ledger",
	}
	var rf reportFlags
	summary := &cobra.Command{
		Use:   "summary",
		Short: "Per party and kind, the total in one currency; per kind the grand total",
		Long: `For each party and kind, the total of its entries in the report currency, and
per kind the grand total. Each entry is converted on its own, rounded half to even
to the currency's minor units; rows add up to the totals.

Valuation conventions (--valuation):
  spot          the rate on the entry's date, or the latest earlier one at most
                --max-staleness days old; an entry dated with month or year
                precision at the mean of the daily rates over that month or year
  annual        the mean of the daily rates over the entry's calendar year (OECD DAC)
  fixed:DATE    every entry at the rate of that one day`,
		Example: `  pledger report summary --currency USD
  pledger report summary --currency EUR --valuation annual --format json
  pledger report summary --currency JPY --valuation fixed:2021-12-31 --as-of 2026-03-31`,
		Args: noArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			opt, err := rf.options()
			if err != nil {
				return err
			}
			if rf.format != "table" && rf.format != "json" {
				return usage("--format %q: use table or json", rf.format)
			}
			s, err := a.open(cmd.Context())
			if err != nil {
				return err
			}
			defer s.Close()
			known, err := s.PartySet(cmd.Context())
			if err != nil {
				return err
			}
			for _, p := range opt.Parties {
				if !known(p) {
					return fmt.Errorf("%w: --party %s: unknown party (see pledger party list)", ledger.ErrInvalid, p)
				}
			}
			sum, err := report.MakeSummary(cmd.Context(), s, opt)
			if err != nil {
				return err
			}
			if rf.format == "json" {
				enc := json.NewEncoder(a.out)
				enc.SetIndent("", "  ")
				return enc.Encode(sum)
			}
			tw := tabwriter.NewWriter(a.out, 0, 0, 2, ' ', tabwriter.AlignRight)
			fmt.Fprintf(a.out, "Summary in %s, valuation %s, as of %s\n\n", sum.Currency, sum.Valuation, sum.AsOf)
			fmt.Fprintln(tw, "PARTY\tKIND\tAMOUNT\tENTRIES\t")
			for _, r := range sum.Rows {
				fmt.Fprintf(tw, "%s\t%s\t%s\t%d\t\n", r.Party, r.Kind, r.Amount, r.Entries)
			}
			fmt.Fprintln(tw, "\t\t\t\t")
			for _, t := range sum.Totals {
				fmt.Fprintf(tw, "TOTAL\t%s\t%s\t%d\t\n", t.Kind, t.Amount, t.Entries)
			}
			if err := tw.Flush(); err != nil {
				return err
			}
			fmt.Fprintln(a.out)
			for _, n := range sum.Notes {
				fmt.Fprintln(a.out, "- "+n)
			}
			return nil
		},
	}
	rf.bind(summary)
	cmd.AddCommand(summary)
	return cmd
}
