package main

import (
	"fmt"
	"os"
	"path/filepath"

	"github.com/coalition/pledger/internal/store"
	"github.com/spf13/cobra"
)

func (a *app) exportCmd() *cobra.Command {
	var out, asOfFlag string
	var vf valueFlags
	cmd := &cobra.Command{
		Use:   "export",
		Short: "Write the current entries as canonical CSV, ordered by ref",
		Long: `Write the current entries (withdrawn ones left out) as canonical CSV: exactly
the import header, one row per entry, ordered by ref. Importing the file into an
empty ledger and exporting again gives the same bytes. --currency adds a last
column with each entry's value in that currency, as reports count it (a file
for a spreadsheet, not for import).`,
		Example: "  pledger export --out ledger.csv\n  pledger export --out ledger.csv --as-of 2026-03-31",
		Args:    noArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			ctx := cmd.Context()
			s, err := a.open(ctx)
			if err != nil {
				return err
			}
			defer s.Close()
			head, err := s.HeadAsOf(ctx, asOfFlag)
			if err != nil {
				return err
			}
			val, err := vf.valuer(ctx, s, asOfFlag, store.Filter{})
			if err != nil {
				return err
			}
			f := store.Filter{Seq: head.Seq}
			if f.Seq == 0 {
				f.Seq = -1
			}
			if out == "" {
				return a.writeEntries(ctx, s, f, "csv", val)
			}
			// Write beside the target and rename, so a failed export never
			// leaves half a file under the name asked for.
			tmp, err := os.CreateTemp(filepath.Dir(out), ".pledger-export-*")
			if err != nil {
				return err
			}
			defer os.Remove(tmp.Name())
			w := *a
			w.out = tmp
			if err := w.writeEntries(ctx, s, f, "csv", val); err != nil {
				tmp.Close()
				return err
			}
			if err := tmp.Close(); err != nil {
				return err
			}
			if err := os.Rename(tmp.Name(), out); err != nil {
				return err
			}
			fmt.Fprintf(a.errw, "wrote %s\n", out)
			return nil
		},
	}
	cmd.Flags().StringVar(&out, "out", "", "file to write (default: standard output)")
	cmd.Flags().StringVar(&asOfFlag, "as-of", "", "the ledger as recorded at this moment")
	vf.bind(cmd)
	return cmd
}
