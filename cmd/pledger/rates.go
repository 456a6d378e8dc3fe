package main

import (
	"encoding/json"
	"fmt"
	"io"
	"os"
	"strings"
	"text/tabwriter"

	"github.com/coalition/pledger/internal/csvio"
	"github.com/coalition/pledger/internal/ledger"
	"github.com/coalition/pledger/internal/store"
	"github.com/spf13/cobra"
)

func (a *app) ratesCmd() *cobra.Command {
	cmd := &cobra.Command{
		Use:   "rates",
		Short: "Import, list and set dated exchange rates",
		Long: `Exchange rates are dated and keep their source. Like entries, they are never
overwritten: a different rate for the same day, pair and source is refused unless
--replace, which records the new rate beside the old one. A rate more than 1.5 times
higher or lower than its pair's nearest rates within 30 days (before and after it,
from any source) is refused unless --force. A rate for a pair and day that another
source also quotes is recorded with a warning: reports use one source's rate per
pair and day (see --rate-source on reports).`,
	}
	var source string
	var replace, force bool
	imp := &cobra.Command{
		Use:   "import FILE",
		Short: "Import rates: the ECB's historical CSV, or date,base,quote,rate[,source]",
		Long: `Import rates from either layout, told apart by the header:
  - the ECB's euro reference rates (eurofxref-hist.csv): Date,USD,JPY,... in
    units per 1 EUR, N/A for a missing value;
  - a long layout: date,base,quote,rate[,source] (1 BASE = RATE QUOTE).
All or nothing: any bad line and nothing is written.`,
		Example: `  pledger rates import eurofxref-hist.csv
  pledger rates import treasury-2021.csv --source "Treasury monthly rates"
  pledger rates import corrected.csv --replace`,
		Args: exactArgs(1, "the rate FILE"),
		RunE: func(cmd *cobra.Command, args []string) error {
			st, err := os.Stat(args[0])
			if err != nil {
				return fmt.Errorf("%w: %v", ledger.ErrInvalid, err)
			}
			s, err := a.open(cmd.Context())
			if err != nil {
				return err
			}
			defer s.Close()
			prog := a.fileProgress("importing", args[0], "rates", st.Size())
			defer prog.b.Done()
			res, err := s.ImportRates(cmd.Context(), prog.rates(csvio.RateFileSource(args[0], source, prog.bytes)), store.RateImportOptions{Replace: replace, Force: force, Author: a.author()})
			prog.b.Done()
			if err != nil {
				return err
			}
			fmt.Fprintf(a.out, "imported %s: %d rates, %d added, %d replaced, %d unchanged\n", args[0], res.Rows, res.Added, res.Replaced, res.Skipped)
			a.warnRates(args[0], res)
			return nil
		},
	}
	imp.Flags().StringVar(&source, "source", "", "source of the rates, when the file does not say (ECB files: the ECB)")
	imp.Flags().BoolVar(&replace, "replace", false, "record a different rate for a known day, pair and source (the old one is kept)")
	imp.Flags().BoolVar(&force, "force", false, "record rates more than 1.5 times away from their pair's nearest rates within 30 days")

	var setSource string
	var setReplace, setForce bool
	set := &cobra.Command{
		Use:     "set DATE BASE QUOTE RATE",
		Short:   "Record one rate: 1 BASE = RATE QUOTE on DATE",
		Example: `  pledger rates set 2021-03-15 EUR USD 1.1926 --source "ECB euro foreign exchange reference rates"`,
		Args:    exactArgs(4, "DATE BASE QUOTE RATE"),
		RunE: func(cmd *cobra.Command, args []string) error {
			s, err := a.open(cmd.Context())
			if err != nil {
				return err
			}
			defer s.Close()
			rate, ps := ledger.ParseRate(ledger.RateFields{Date: args[0], Base: args[1], Quote: args[2], Rate: args[3], Source: setSource}, 0)
			if len(ps) > 0 {
				return &ledger.Problems{File: "rates set", List: ps}
			}
			res, err := s.ImportRates(cmd.Context(), csvio.RatesOf("rates set", rate), store.RateImportOptions{Replace: setReplace, Force: setForce, Author: a.author()})
			if err != nil {
				return err
			}
			switch {
			case res.Skipped > 0:
				fmt.Fprintln(a.out, "unchanged: that rate is already recorded")
			case res.Replaced > 0:
				fmt.Fprintln(a.out, "replaced (the earlier rate is kept in the record)")
			default:
				fmt.Fprintln(a.out, "recorded")
			}
			a.warnRates("rates set", res)
			return nil
		},
	}
	set.Flags().StringVar(&setSource, "source", "manual", "where the rate comes from")
	set.Flags().BoolVar(&setReplace, "replace", false, "replace a different rate for that day, pair and source")
	set.Flags().BoolVar(&setForce, "force", false, "record a rate more than 1.5 times away from its pair's nearest rates within 30 days")

	var cur, from, to, format, asOfFlag string
	list := &cobra.Command{
		Use:     "list",
		Short:   "List the rates in force",
		Example: "  pledger rates list --currency USD --from 2021-01-01 --to 2021-01-31",
		Args:    noArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			if format != "table" && format != "csv" && format != "json" {
				return usage("--format %q: use table, csv or json", format)
			}
			f := store.RateFilter{Currency: strings.ToUpper(cur), From: from, To: to}
			for _, d := range []string{from, to} {
				if d != "" {
					if _, err := ledger.ParseDate(d); err != nil {
						return err
					}
				}
			}
			if asOfFlag != "" {
				t, err := ledger.ParseAsOf(asOfFlag)
				if err != nil {
					return err
				}
				f.AsOf = t
			}
			s, err := a.open(cmd.Context())
			if err != nil {
				return err
			}
			defer s.Close()
			rows, err := s.Rates(cmd.Context(), f)
			if err != nil {
				return err
			}
			return writeRates(a.out, rows, format)
		},
	}
	list.Flags().StringVar(&cur, "currency", "", "only rates with this currency as base or quote")
	list.Flags().StringVar(&from, "from", "", "first day (YYYY-MM-DD)")
	list.Flags().StringVar(&to, "to", "", "last day (YYYY-MM-DD)")
	list.Flags().StringVar(&format, "format", "table", "table, csv or json")
	list.Flags().StringVar(&asOfFlag, "as-of", "", "the rates as recorded at this moment")
	cmd.AddCommand(imp, set, list)
	return cmd
}

// warnRates prints, on standard error, the warnings of a rate import:
// rates recorded for a pair and day another source also quotes, with the
// way to choose between them.
func (a *app) warnRates(name string, res store.RateImportResult) {
	for _, w := range res.Warnings {
		where := name + ": "
		if w.Line > 0 {
			where = fmt.Sprintf("%s:%d: ", name, w.Line)
		}
		fmt.Fprintf(a.errw, "pledger: warning: %s%s\n", where, withHint(w.Msg, hintFor(w.Code, w.Value)))
	}
	if res.MoreWarnings > 0 {
		fmt.Fprintf(a.errw, "pledger: warning: %s: %d more rates share their pair and day with another source\n", name, res.MoreWarnings)
	}
}

func writeRates(w io.Writer, rows []store.RateRow, format string) error {
	switch format {
	case "json":
		if rows == nil {
			rows = []store.RateRow{}
		}
		enc := json.NewEncoder(w)
		enc.SetIndent("", "  ")
		return enc.Encode(rows)
	case "csv":
		cw, err := csvio.NewWriter(w, []string{"date", "base", "quote", "rate", "source"})
		if err != nil {
			return err
		}
		for _, r := range rows {
			cw.Write([]string{r.Day, r.Base, r.Quote, r.Rate, r.Source})
		}
		return cw.Flush()
	}
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "DATE\tBASE\tQUOTE\tRATE\tSOURCE")
	for _, r := range rows {
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\n", r.Day, r.Base, r.Quote, r.Rate, oneLine(r.Source))
	}
	fmt.Fprintf(tw, "%d rates\n", len(rows))
	return tw.Flush()
}
