package main

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/coalition/pledger/internal/csvio"
	"github.com/coalition/pledger/internal/ledger"
	"github.com/coalition/pledger/internal/render"
	"github.com/coalition/pledger/internal/store"
	"github.com/spf13/cobra"
)

func (a *app) listCmd() *cobra.Command {
	var kinds, parties []string
	var asOfFlag, format string
	cmd := &cobra.Command{
		Use:   "list",
		Short: "List the current entries",
		Long: `List the entries as they stand: the latest revision of each ref, withdrawn
ones left out. --as-of shows the ledger exactly as it was recorded at a moment.`,
		Example: `  pledger list
  pledger list --kind pledge --party BEL,NLD
  pledger list --as-of 2026-03-31 --format csv > march.csv
  pledger list --format json`,
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
			return a.writeEntries(ctx, s, f, format)
		},
	}
	cmd.Flags().StringSliceVar(&kinds, "kind", nil, "only these kinds (need, pledge, commitment, disbursement, deployment)")
	cmd.Flags().StringSliceVar(&parties, "party", nil, "only these parties (codes)")
	cmd.Flags().StringVar(&asOfFlag, "as-of", "", "the ledger as recorded at this moment (RFC 3339, or a date: end of that day, UTC)")
	cmd.Flags().StringVar(&format, "format", "table", "table, csv or json")
	return cmd
}

func (a *app) writeEntries(ctx context.Context, s *store.Store, f store.Filter, format string) error {
	switch format {
	case "csv":
		w, err := csvio.NewWriter(a.out, nil)
		if err != nil {
			return err
		}
		if err := s.Entries(ctx, f, func(r ledger.Revision) error { return w.Write(r.Entry.Record()) }); err != nil {
			return err
		}
		return w.Flush()
	case "json":
		fmt.Fprint(a.out, "[")
		n := 0
		err := s.Entries(ctx, f, func(r ledger.Revision) error {
			b, err := json.Marshal(render.Entry(r))
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
	fmt.Fprintln(tw, "REF\tKIND\tPARTY\tDATE\tEND\tAMOUNT\tCURRENCY\tQUALIFIER\tQTY\tASSET\tSECTOR\tLOCATION\tILLUSTRATIVE")
	n := 0
	err := s.Entries(ctx, f, func(r ledger.Revision) error {
		n++
		rec := r.Entry.Fields()
		q, mark := rec["qualifier"], ""
		if r.Entry.Illustrative {
			mark = "yes"
		}
		_, err := fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n", rec["ref"], rec["kind"], rec["party"],
			rec["date"], rec["end"], rec["amount"], rec["currency"], q, rec["quantity"], oneLine(rec["asset"]), oneLine(rec["sector"]), rec["location"], mark)
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

// oneLine keeps a table cell on one line.
func oneLine(s string) string {
	return strings.NewReplacer("\n", " ", "\r", " ", "\t", " ").Replace(s)
}

func formatTime(t time.Time) string { return t.UTC().Format(time.RFC3339Nano) }
