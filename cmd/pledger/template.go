package main

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"

	"github.com/coalition/pledger/internal/ledger"
	"github.com/coalition/pledger/internal/model"
	"github.com/coalition/pledger/internal/store"
	"github.com/coalition/pledger/internal/xlsxio"
	"github.com/spf13/cobra"
	"golang.org/x/term"
)

func (a *app) templateCmd() *cobra.Command {
	var format, out, lang string
	cmd := &cobra.Command{
		Use:   "template",
		Short: "Write an empty Excel workbook to fill in and import",
		Long: `Write an empty workbook for entries, to fill in Excel and give to pledger
import: a first sheet with the import header (frozen), drop-down lists for kind,
qualifier, currency, party and illustrative, text formats where Excel would turn
what is typed into a number or a date (ref, date, end, codes), and a sheet of
instructions in the --lang chosen (what each column means, the accepted forms of
dates and amounts). The party list is the ledger's (--db or PLEDGER_DB, or
pledger.db when it exists here), else the built-in parties.`,
		Example: `  pledger template --format xlsx --out entries.xlsx
  pledger template --format xlsx --lang nl --out boekingen.xlsx --db postgres://ledger@db/pledger?sslmode=disable`,
		Args: noArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			if format != "xlsx" {
				return usage("--format %q: the template is written as xlsx", format)
			}
			l, err := model.ParseLang(lang)
			if err != nil {
				return usage("--lang %q: the template is written in en, nl or fr", lang)
			}
			if out == "" {
				if f, ok := a.out.(*os.File); ok && term.IsTerminal(int(f.Fd())) {
					return usage("give --out FILE.xlsx: a workbook is not for the terminal")
				}
			}
			parties, err := a.templateParties(cmd)
			if err != nil {
				return err
			}
			var buf bytes.Buffer
			if err := xlsxio.WriteTemplate(&buf, l.Code, parties); err != nil {
				return err
			}
			if out == "" {
				_, err := a.out.Write(buf.Bytes())
				return err
			}
			// Write beside the target and rename, so a failed write never
			// leaves half a file under the name asked for.
			tmp, err := os.CreateTemp(filepath.Dir(out), ".pledger-template-*")
			if err != nil {
				return err
			}
			defer os.Remove(tmp.Name())
			if _, err := tmp.Write(buf.Bytes()); err != nil {
				tmp.Close()
				return err
			}
			if err := tmp.Close(); err != nil {
				return err
			}
			if err := os.Chmod(tmp.Name(), 0o644); err != nil {
				return err
			}
			if err := os.Rename(tmp.Name(), out); err != nil {
				return err
			}
			fmt.Fprintf(a.errw, "wrote %s: fill in the sheet %s, then pledger import %s\n", out, xlsxio.SheetName(l.Code), out)
			return nil
		},
	}
	cmd.Flags().StringVar(&format, "format", "xlsx", "the template's format: xlsx")
	cmd.Flags().StringVar(&out, "out", "", "file to write (default: standard output, when it is not a terminal)")
	cmd.Flags().StringVar(&lang, "lang", "en", "language of the instructions, sheet names and prompts: en, nl or fr")
	return cmd
}

// templateParties is the party list of the ledger when one is given (--db,
// PLEDGER_DB, or the default ledger file here), else the built-in parties:
// writing a template never creates a ledger.
func (a *app) templateParties(cmd *cobra.Command) ([]ledger.Party, error) {
	given := cmd.Flags().Changed("db") || os.Getenv("PLEDGER_DB") != ""
	if !given {
		if _, path, err := store.ParseDSN(store.DefaultDSN); err == nil {
			if _, err := os.Stat(path); err == nil {
				given = true
			}
		}
	}
	if !given {
		return ledger.BuiltinParties(), nil
	}
	s, err := a.open(cmd.Context())
	if err != nil {
		return nil, err
	}
	defer s.Close()
	return s.Parties(cmd.Context())
}
