package main

import (
	"fmt"
	"os"
	"strings"
	"text/tabwriter"

	"github.com/coalition/pledger/internal/csvio"
	"github.com/coalition/pledger/internal/ledger"
	"github.com/coalition/pledger/internal/store"
	"github.com/coalition/pledger/internal/xlsxio"
	"github.com/spf13/cobra"
)

func (a *app) importCmd() *cobra.Command {
	var amend, dry bool
	var decimalComma bool
	var reason, sheet string
	cmd := &cobra.Command{
		Use:   "import FILE",
		Short: "Import entries from a CSV file or an Excel workbook, all or nothing",
		Long: `Import entries from a CSV file in the canonical format (see pledger export),
or from an Excel workbook (.xlsx) with the same columns:

  ` + csvHeader() + `

The header row is required; columns may come in any order; an unknown column is
an error. Multi-valued sector and location are separated by ';'. Files saved by
spreadsheet programs in Belgium (';' as delimiter, ',' as decimal separator, a
byte-order mark, CRLF) are read as they are.

A workbook (told by its content, or an .xlsx name) is read from its first sheet,
or --sheet NAME, with the header in row 1: each cell by what the file stores
(a number exactly, a date cell as its day), text amounts and dates as people
type them (1.250.000,50 or 1,250,000.50; 15/09/2021). A formula is refused:
paste its value. pledger template --format xlsx writes an empty workbook to fill.

The import is one transaction: if any row is bad, nothing is written and every
problem is listed as FILE:LINE: COLUMN: problem (FILE:SHEET!CELL: COLUMN: problem
for a workbook). Importing the same file again adds nothing: a row identical to
its ref's entry is skipped; a row that differs is an error unless --amend, which
records it as a correction.

A row for a ref already in the ledger changes only the columns the file has:
a column the file lacks leaves its field as it is, and an empty cell in a
column it has clears that field. So a corrections file may hold just
ref,kind,party,date and the columns to correct. --amend needs --reason, which
is recorded on every correction. --dry-run lists what each row would do: new,
unchanged, each field a correction changes (amount 1000.00 -> 2500.00), or why
it is refused.`,
		Example: `  pledger import pledges-2021.csv
  pledger import export-from-excel.csv --decimal-comma
  pledger import belgie.xlsx --sheet Blad1
  pledger import corrections.csv --amend --reason "Q3 reconciliation"
  pledger import big.csv --dry-run`,
		Args: exactArgs(1, "the CSV or XLSX FILE to import"),
		RunE: func(cmd *cobra.Command, args []string) error {
			ctx := cmd.Context()
			path := args[0]
			if amend && strings.TrimSpace(reason) == "" {
				return usage("--amend needs --reason \"...\": say why these rows correct the ledger (recorded on every correction)")
			}
			st, err := os.Stat(path)
			if err != nil {
				return fmt.Errorf("%w: %v", ledger.ErrInvalid, err)
			}
			workbook, err := xlsxio.Detect(path, path)
			if err != nil {
				return err
			}
			if sheet != "" && !workbook {
				return usage("--sheet is for an Excel workbook (.xlsx); %s is read as CSV", path)
			}
			var opt csvio.Options
			var xopt xlsxio.Options
			if cmd.Flags().Changed("decimal-comma") {
				opt.DecimalComma = &decimalComma
				xopt.DecimalComma = &decimalComma
			}
			s, err := a.open(ctx)
			if err != nil {
				return err
			}
			defer s.Close()
			prog := a.fileProgress("importing", path, "rows", st.Size())
			defer prog.b.Done()
			var src csvio.Source
			if workbook {
				xopt.Sheet = sheet
				src = xlsxio.FileSource(path, xopt)
			} else {
				src = prog.entries(csvio.FileSource(path, opt, prog.bytes))
			}
			res, err := s.Import(ctx, src, store.ImportOptions{
				Amend: amend, Author: a.author(), Reason: reason, DryRun: dry})
			prog.b.Done()
			if dry {
				if werr := a.writeOutcomes(res); werr != nil {
					return werr
				}
			}
			if err != nil {
				return err
			}
			verb := "imported"
			if dry {
				verb = "checked (dry run, nothing written)"
			}
			fmt.Fprintf(a.out, "%s %s: %d rows, %d added, %d amended, %d unchanged\n", verb, path, res.Rows, res.Added, res.Amended, res.Skipped)
			for i, w := range res.Warnings {
				if i == maxPrintedProblems {
					fmt.Fprintf(a.errw, "pledger: warning: ... and %d more warnings\n", len(res.Warnings)-i)
					break
				}
				fmt.Fprintf(a.errw, "pledger: warning: %s: %s: %s\n", w.Value, w.Field, w.Msg)
			}
			return nil
		},
	}
	cmd.Flags().BoolVar(&amend, "amend", false, "record a differing row for a known ref as a correction")
	cmd.Flags().StringVar(&reason, "reason", "", "why the rows correct the ledger: required with --amend, recorded on every correction")
	cmd.Flags().BoolVar(&decimalComma, "decimal-comma", false, "',' is the decimal separator (default: detected, on for ';'-separated files and workbooks whose text amounts use it)")
	cmd.Flags().StringVar(&sheet, "sheet", "", "the sheet of a workbook to read (default: the first)")
	cmd.Flags().BoolVar(&dry, "dry-run", false, "check the whole file and list what each row would do, field by field; write nothing")
	return cmd
}

// writeOutcomes lists what each row of an import does (or would do):
// new, unchanged, the fields a correction changes, or why it is refused.
func (a *app) writeOutcomes(res store.ImportResult) error {
	tw := tabwriter.NewWriter(a.out, 0, 0, 2, ' ', 0)
	listed, unlisted := 0, res.Unlisted
	for _, o := range res.Outcomes {
		if o.Action == store.RowRefused && listed >= maxPrintedProblems {
			unlisted++ // the refused rows past the first problems are counted
			continue
		}
		listed += len(o.Problems)
		var what string
		switch o.Action {
		case store.RowAdd:
			what = "new"
		case store.RowUnchanged:
			what = "unchanged"
		case store.RowAmend:
			what = "amend: " + ledger.Changes(o.Changes)
		case store.RowRefused:
			ps := make([]string, len(o.Problems))
			for i, p := range o.Problems {
				ps[i] = withHint(p.Msg, hintFor(p.Code, p.Value))
				if p.Field != "" {
					ps[i] = p.Field + ": " + ps[i]
				}
			}
			what = "refused: " + strings.Join(ps, "; ")
		}
		ref := o.Ref
		if ref == "" {
			ref = "-"
		}
		fmt.Fprintf(tw, "line %d\t%s\t%s\n", o.Line, oneLine(ref), oneLine(what))
	}
	if unlisted > 0 {
		fmt.Fprintf(tw, "...\t\t%d more rows not listed (counted below)\n", unlisted)
	}
	return tw.Flush()
}

func csvHeader() string {
	s := ""
	for i, c := range ledger.Columns {
		if i > 0 {
			s += ","
		}
		s += c
	}
	return s
}
