package render

import (
	"encoding/csv"
	"io"
	"strconv"
	"strings"
	"time"

	"github.com/coalition/pledger/internal/model"

	"github.com/coalition/pledger/internal/ledger"
)

// writeCSV lays the report out for a spreadsheet, locale-neutral whatever
// the reader's language: per section a header of column keys, the rows and
// the totals; amounts as plain decimals in the report currency with its
// minor units (18000000.00: no grouping, no currency, no qualifier words),
// percentages with one decimal, counts as integers, kinds as their codes.
// Sections are separated by an empty line. Then, after another empty line,
// a "note" row per note and a "provenance" row per provenance field. Text
// is the model's, in its language.
//
// Text that a spreadsheet would run as a formula (starting with =, +, -,
// @, tab or carriage return) is prefixed with a single quote.
func writeCSV(w io.Writer, m *model.Model, _ *model.Lang) error {
	units, err := currencyUnits(m)
	if err != nil {
		return err
	}
	cw := csv.NewWriter(w)
	write := func(rec ...string) {
		if err == nil {
			err = cw.Write(rec)
		}
	}
	for i, s := range m.Sections {
		if i > 0 {
			write()
		}
		write(columnKeys(s.Columns)...)
		for _, rows := range [][]model.Row{s.Rows, s.Totals} {
			for _, r := range rows {
				rec := make([]string, 0, len(s.Columns)+1)
				for _, c := range s.Columns {
					rec = append(rec, neutral(c, r, units))
					if c.Type == "ref" {
						rec = append(rec, noFormula(titleOf(m, r[c.Key])))
					}
				}
				write(rec...)
			}
		}
	}
	if len(m.Sections) > 0 {
		write()
	}
	for _, n := range m.Notes {
		write("note", noFormula(n))
	}
	p := m.Provenance
	write("provenance", "valuation", noFormula(p.Valuation))
	write("provenance", "currency", m.Currency)
	// each source, then how many entries were valued with a rate from it:
	// provenance,rate_sources,NAME,N,NAME,N (empty when no rate was needed)
	sources := []string{"provenance", "rate_sources"}
	for _, s := range p.RateSources {
		sources = append(sources, noFormula(s.Source), strconv.Itoa(s.Entries))
	}
	if len(p.RateSources) == 0 {
		sources = append(sources, "")
	}
	write(sources...)
	from, to := "", ""
	if !p.RateFirst.IsZero() {
		from, to = p.RateFirst.Format(time.DateOnly), p.RateLast.Format(time.DateOnly)
	}
	write("provenance", "rate_from", from)
	write("provenance", "rate_to", to)
	write("provenance", "as_of", p.AsOf.UTC().Format(ledger.TimeLayout))
	write("provenance", "revision", strconv.FormatInt(p.Seq, 10))
	write("provenance", "chain_hash", noFormula(p.ChainHash))
	write("provenance", "state", noFormula(p.State))
	verified := "true"
	if p.Unverified != "" {
		verified = "false: " + p.Unverified
	}
	write("provenance", "verified", noFormula(verified))
	write("provenance", "entries", strconv.Itoa(p.Entries))
	write("provenance", "illustrative_entries", strconv.Itoa(m.Illustrative))
	if !m.GeneratedAt.IsZero() {
		write("provenance", "generated_at", m.GeneratedAt.UTC().Format(ledger.TimeLayout))
	}
	if err != nil {
		return err
	}
	cw.Flush()
	return cw.Error()
}

// columnKeys are the keys of the neutral formats' columns: each column's
// key, and after a ref column KEY_title, the titles of its entries.
func columnKeys(cols []model.Column) []string {
	keys := make([]string, 0, len(cols)+1)
	for _, c := range cols {
		keys = append(keys, c.Key)
		if c.Type == "ref" {
			keys = append(keys, c.Key+"_title")
		}
	}
	return keys
}

// titleOf is the title of the entry a ref cell names, "" without one.
func titleOf(m *model.Model, cell model.Cell) string {
	if cell.Empty {
		return ""
	}
	return m.Titles[cell.Text]
}

// neutral is a cell as a spreadsheet reads it, whatever the language.
func neutral(c model.Column, r model.Row, units int32) string {
	cell, ok := r[c.Key]
	if !ok || cell.Empty {
		return ""
	}
	switch c.Type {
	case "amount":
		return cell.Value.StringFixed(units)
	case "percent":
		return cell.Value.StringFixed(1)
	case "count":
		return strconv.FormatInt(cell.Int, 10)
	default: // text, party, ref, kind (its code), date (as stated), list (';'-joined)
		return noFormula(cell.Text)
	}
}

// noFormula keeps text from being run as a formula by a spreadsheet that
// opens the file (CSV injection): a leading =, +, -, @, tab or carriage
// return gets a single quote in front.
func noFormula(s string) string {
	if s != "" && strings.ContainsRune("=+-@\t\r", rune(s[0])) {
		return "'" + s
	}
	return s
}
