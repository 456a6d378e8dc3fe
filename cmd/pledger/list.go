package main

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"slices"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/coalition/pledger/internal/csvio"
	"github.com/coalition/pledger/internal/ledger"
	"github.com/coalition/pledger/internal/model"
	"github.com/coalition/pledger/internal/money"
	"github.com/coalition/pledger/internal/render"
	"github.com/coalition/pledger/internal/report"
	"github.com/coalition/pledger/internal/store"
	"github.com/spf13/cobra"
)

func (a *app) listCmd() *cobra.Command {
	var kinds, parties, sectors, locations []string
	var asOfFlag, format, out string
	var vf valueFlags
	cmd := &cobra.Command{
		Use:   "list",
		Short: "List the current entries",
		Long: `List the entries as they stand: the latest revision of each ref, withdrawn
ones left out. --as-of shows the ledger exactly as it was recorded at a moment.
--currency adds each entry's value in that currency, exactly as every report
counts it (converted and rounded once), so that any report figure can be
added up again from the list. With --sector or --location the value is the part
of the entry a report with the same filters counts: its share, or nothing for an
entry shared between several sectors (or places) without shares, which counts
under "multiple".`,
		Example: `  pledger list
  pledger list --kind pledge --party "BEL,NLD"
  pledger list --as-of 2026-03-31 --format csv --out march.csv
  pledger list --format json
  pledger list --kind pledge --currency USD --format csv --out pledges-usd.csv
  pledger list --sector demining --currency EUR`,
		Args: noArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			ctx := cmd.Context()
			f := store.Filter{}
			for _, k := range kinds {
				kind, err := ledger.ParseKind(k)
				if err != nil {
					return err
				}
				f.Kinds = append(f.Kinds, kind)
			}
			for _, p := range parties {
				f.Parties = append(f.Parties, strings.ToUpper(p))
			}
			f.Sectors = sectors
			for _, l := range locations {
				code, ok := ledger.ParseLocation(l)
				switch {
				case strings.EqualFold(l, ledger.Multiple):
					code = ledger.Multiple
				case !ok:
					return usage("--location %q: not an ISO 3166-1 country code", l)
				}
				f.Locations = append(f.Locations, code)
			}
			if format != "table" && format != "csv" && format != "json" {
				return usage("--format %q: use table, csv or json", format)
			}
			s, err := a.open(ctx)
			if err != nil {
				return err
			}
			defer s.Close()
			head, err := s.HeadAsOf(ctx, asOfFlag)
			if err != nil {
				return err
			}
			f.Seq = head.Seq
			if f.Seq == 0 {
				f.Seq = -1 // an empty ledger lists nothing
			}
			val, err := vf.valuer(ctx, s, asOfFlag, f)
			if err != nil {
				return err
			}
			return a.writeOut(out, func(w io.Writer) error {
				// writeEntries writes to a.out: point it at the file.
				stdout := a.out
				a.out = w
				defer func() { a.out = stdout }()
				return a.writeEntries(ctx, s, f, format, val)
			})
		},
	}
	vf.bind(cmd)
	cmd.Flags().StringSliceVar(&kinds, "kind", nil, "only these kinds (need, pledge, commitment, disbursement, deployment)")
	cmd.Flags().StringSliceVar(&parties, "party", nil, "only these parties (codes)")
	cmd.Flags().StringSliceVar(&sectors, "sector", nil, "only entries that name one of these sectors (multiple: those shared between several)")
	cmd.Flags().StringSliceVar(&locations, "location", nil, "only entries that name one of these places (multiple: those shared between several)")
	cmd.Flags().StringVar(&asOfFlag, "as-of", "", "the ledger as recorded at this moment (RFC 3339, or a date: end of that day, UTC)")
	cmd.Flags().StringVar(&format, "format", "table", "table, csv or json")
	cmd.Flags().StringVar(&out, "out", "", "write to this file (default: standard output)")
	return cmd
}

// valueFlags ask for each entry's value in a currency.
type valueFlags struct {
	currency, valuation string
	maxStale            int
	rateSources         []string
}

func (v *valueFlags) bind(cmd *cobra.Command) {
	cmd.Flags().StringVar(&v.currency, "currency", "", "add each entry's value in this currency (ISO 4217), as reports count it")
	cmd.Flags().StringVar(&v.valuation, "valuation", model.Defaults.Valuation, "with --currency: spot, annual or fixed:YYYY-MM-DD")
	cmd.Flags().IntVar(&v.maxStale, "max-staleness", model.Defaults.MaxStale, "with --currency: days a spot or fixed rate may be older than its day")
	bindRateSources(cmd, &v.rateSources)
}

// valuer is nil when no --currency is asked for.
// The value counts what a report with f's sector and location filters
// counts.
func (v *valueFlags) valuer(ctx context.Context, s *store.Store, asOf string, f store.Filter) (*report.Valuer, error) {
	if v.currency == "" {
		return nil, nil
	}
	opt, err := report.Request{Currency: v.currency, Valuation: v.valuation, MaxStale: v.maxStale, AsOf: asOf, RateSources: v.rateSources}.Options(ctx, s)
	if err != nil {
		return nil, err
	}
	opt.Sectors, opt.Locations = f.Sectors, f.Locations
	return report.NewValuer(ctx, s, opt)
}

// valueOf is an entry's value as text ("" without an amount or a valuer).
func valueOf(val *report.Valuer, e ledger.Entry) (string, error) {
	if val == nil {
		return "", nil
	}
	v, ok, err := val.Value(e)
	if err != nil || !ok {
		return "", err
	}
	return money.Fixed(v, val.Currency()), nil
}

func (a *app) writeEntries(ctx context.Context, s *store.Store, f store.Filter, format string, val *report.Valuer) error {
	switch format {
	case "csv":
		cols := ledger.Columns
		if val != nil {
			cols = append(slices.Clone(cols), "value_"+val.Currency().Code)
		}
		w, err := csvio.NewWriter(a.out, cols)
		if err != nil {
			return err
		}
		err = s.Entries(ctx, f, func(r ledger.Revision) error {
			rec := r.Entry.Record()
			if val != nil {
				v, err := valueOf(val, r.Entry)
				if err != nil {
					return err
				}
				rec = append(rec, v)
			}
			return w.Write(rec)
		})
		if err != nil {
			return err
		}
		return w.Flush()
	case "json":
		fmt.Fprint(a.out, "[")
		n := 0
		err := s.Entries(ctx, f, func(r ledger.Revision) error {
			j := render.Entry(r)
			if val != nil {
				v, err := valueOf(val, r.Entry)
				if err != nil {
					return err
				}
				if v != "" {
					j.Value, j.ValueCurrency = v, val.Currency().Code
				}
			}
			b, err := json.Marshal(j)
			if err != nil {
				return err
			}
			if n > 0 {
				fmt.Fprint(a.out, ",")
			}
			n++
			_, err = fmt.Fprintf(a.out, "\n  %s", b)
			return err
		})
		if err != nil {
			return err
		}
		if n > 0 {
			fmt.Fprint(a.out, "\n")
		}
		fmt.Fprintln(a.out, "]")
		return nil
	}
	tw := tabwriter.NewWriter(a.out, 0, 0, 2, ' ', 0)
	head := "REF\tKIND\tPARTY\tDATE\tEND\tAMOUNT\tCURRENCY\tQUALIFIER\tQTY\tASSET\tSECTOR\tLOCATION\tILLUSTRATIVE"
	if val != nil {
		head += "\tVALUE " + val.Currency().Code
	}
	fmt.Fprintln(tw, head)
	n := 0
	err := s.Entries(ctx, f, func(r ledger.Revision) error {
		n++
		rec := r.Entry.Fields()
		q, mark := rec["qualifier"], ""
		if r.Entry.Illustrative {
			mark = "yes"
		}
		line := fmt.Sprintf("%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s", oneLine(rec["ref"]), rec["kind"], oneLine(rec["party"]),
			rec["date"], rec["end"], rec["amount"], rec["currency"], q, rec["quantity"], oneLine(rec["asset"]), oneLine(rec["sector"]), oneLine(rec["location"]), mark)
		if val != nil {
			v, err := valueOf(val, r.Entry)
			if err != nil {
				return err
			}
			line += "\t" + v
		}
		_, err := fmt.Fprintln(tw, line)
		return err
	})
	if err != nil {
		return err
	}
	if err := tw.Flush(); err != nil {
		return err
	}
	fmt.Fprintf(a.out, "%d entries\n", n)
	return nil
}

// oneLine keeps a table cell (or a line of text) on one line and shows
// stored text safely on a terminal: a line break, a tab, an escape
// sequence or a bidirectional control is written as a visible escape
// (ledger.Printable), even in text recorded before the text rules.
func oneLine(s string) string { return ledger.Printable(s) }

func formatTime(t time.Time) string { return t.UTC().Format(time.RFC3339Nano) }
