package main

import (
	"fmt"
	"strings"
	"text/tabwriter"

	"github.com/coalition/pledger/internal/ledger"
	"github.com/spf13/cobra"
)

func (a *app) sectorCmd() *cobra.Command {
	cmd := &cobra.Command{
		Use:   "sector",
		Short: "List or add the sectors entries may name",
		Long: `An entry's sectors are codes of one vocabulary: the Coalition's lines of effort and
what members fund under them (military, training, stabilisation, demining,
reconstruction, camps, humanitarian, counter-financing, foreign-fighters,
communications), each named in English, Dutch and French. A sector may be given by
its code, a name or another known spelling, in any case and with or without
accents (stabilization, wederopbouw, Déminage): it is stored as its code. Add a
sector a ledger needs with pledger sector add; it is recorded in the chain.`,
	}
	names := map[string]*string{}
	var spellings []string
	add := &cobra.Command{
		Use:     "add CODE --name-en NAME --name-nl NAME --name-fr NAME",
		Short:   "Add a sector to the ledger's vocabulary",
		Example: `  pledger sector add mine-risk-education --name-en "Mine risk education" --name-nl "Voorlichting over mijnrisico's" --name-fr "Éducation aux risques des mines" --spelling MRE`,
		Args:    exactArgs(1, "the sector CODE (lower-case letters, digits and hyphens, e.g. mine-risk-education)"),
		RunE: func(cmd *cobra.Command, args []string) error {
			byLang := map[string]string{}
			for lang, v := range names {
				byLang[lang] = *v
			}
			sec, err := ledger.NewSector(args[0], byLang, spellings)
			if err != nil {
				return err
			}
			s, err := a.open(cmd.Context())
			if err != nil {
				return err
			}
			defer s.Close()
			if err := s.AddSector(cmd.Context(), sec, a.author()); err != nil {
				return err
			}
			fmt.Fprintf(a.out, "added sector %s (%s / %s / %s)\n", sec.Code, sec.Name["en"], sec.Name["nl"], sec.Name["fr"])
			return nil
		},
	}
	for _, lang := range ledger.SectorLanguages {
		names[lang] = add.Flags().String("name-"+lang, "", "the sector's name in "+map[string]string{"en": "English", "nl": "Dutch", "fr": "French"}[lang]+" (required)")
	}
	add.Flags().StringSliceVar(&spellings, "spelling", nil, "another spelling that means the sector, in any language (repeat, or separate with ',')")
	list := &cobra.Command{
		Use:     "list",
		Short:   "List the sector vocabulary: codes, names in en/nl/fr and other spellings",
		Example: "  pledger sector list",
		Args:    noArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			s, err := a.open(cmd.Context())
			if err != nil {
				return err
			}
			defer s.Close()
			v, err := s.SectorVocab(cmd.Context())
			if err != nil {
				return err
			}
			tw := tabwriter.NewWriter(a.out, 0, 0, 2, ' ', 0)
			fmt.Fprintln(tw, "CODE\tEN\tNL\tFR\tALSO")
			for _, sec := range v.List() {
				also := strings.Join(sec.Spellings, "; ")
				if sec.Added {
					also = strings.TrimSpace("(added) " + also)
				}
				fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\n", sec.Code, oneLine(sec.Name["en"]), oneLine(sec.Name["nl"]), oneLine(sec.Name["fr"]), oneLine(also))
			}
			return tw.Flush()
		},
	}
	cmd.AddCommand(add, list)
	return cmd
}
