package render

import (
	"bufio"
	"encoding/json"
	"fmt"
	"io"
	"strconv"

	"github.com/coalition/pledger/internal/model"

	"github.com/coalition/pledger/internal/ledger"
	"github.com/coalition/pledger/internal/money"
)

// The JSON shape is fixed: report, currency, valuation, as_of, rows (the
// first section's), totals (the scope's totals by kind, the same in every
// report for the same scope: [{kind, amount, entries}]), notes, then the
// sections (each with its own totals) and the provenance. Amounts are decimal strings in the report
// currency with its minor units; nothing is localised.
type jsonReport struct {
	Report    string    `json:"report"`
	Currency  string    `json:"currency"`
	Valuation string    `json:"valuation"`
	AsOf      string    `json:"as_of"`
	Rows      []jsonRow `json:"rows"`
	Totals    []jsonRow `json:"totals"`
	Notes     []string  `json:"notes"`
	Title     string    `json:"title"`
	Mark      string    `json:"title_mark,omitempty"` // when the report counts illustrative entries
	Lang      string    `json:"lang"`
	// Illustrative counts the entries in scope flagged illustrative.
	Illustrative int            `json:"illustrative_entries"`
	Sections     []jsonSection  `json:"sections"`
	Provenance   jsonProvenance `json:"provenance"`
	Generated    string         `json:"generated_at,omitempty"`
}

type jsonSection struct {
	Key     string    `json:"key"`
	Title   string    `json:"title,omitempty"`
	Columns []string  `json:"columns"`
	Rows    []jsonRow `json:"rows"`
	Totals  []jsonRow `json:"totals"`
}

type jsonProvenance struct {
	Valuation   string           `json:"valuation"`
	RateSources []jsonRateSource `json:"rate_sources"`
	RateFrom    string           `json:"rate_from,omitempty"`
	RateTo      string           `json:"rate_to,omitempty"`
	AsOf        string           `json:"as_of"`
	Revision    int64            `json:"revision"`
	ChainHash   string           `json:"chain_hash"`
	State       string           `json:"state"`
	Verified    bool             `json:"verified"`
	Unverified  string           `json:"unverified,omitempty"`
	Entries     int              `json:"entries"`
}

// jsonRateSource is a source of the rates used and how many entries were
// valued with a rate from it.
type jsonRateSource struct {
	Source  string `json:"source"`
	Entries int    `json:"entries"`
}

// jsonRow keeps the columns' order.
type jsonRow struct {
	cols   []model.Column
	row    model.Row
	cur    money.Currency
	titles map[string]string // of the entries ref columns name
}

func (r jsonRow) MarshalJSON() ([]byte, error) { return r.appendJSON(nil) }

// appendJSON writes the row compactly. Numbers are decimal strings of
// ASCII digits, written as they are; only text goes through encoding/json.
func (r jsonRow) appendJSON(buf []byte) ([]byte, error) {
	buf = append(buf, '{')
	n := 0
	for _, c := range r.cols {
		cell, ok := r.row[c.Key]
		if !ok {
			continue
		}
		if n > 0 {
			buf = append(buf, ',')
		}
		n++
		buf = strconv.AppendQuote(buf, c.Key) // keys are ASCII identifiers
		buf = append(buf, ':')
		switch {
		case cell.Empty:
			buf = append(buf, "null"...)
		case c.Type == "amount":
			buf = append(append(append(buf, '"'), cell.Value.StringFixed(r.cur.Units)...), '"')
		case c.Type == "percent":
			buf = append(append(append(buf, '"'), cell.Value.StringFixed(1)...), '"')
		case c.Type == "count":
			buf = strconv.AppendInt(buf, cell.Int, 10)
		default:
			b, err := json.Marshal(cell.Text)
			if err != nil {
				return nil, err
			}
			buf = append(buf, b...)
		}
		if c.Type == "ref" {
			// The entry's title beside its ref: null without one.
			buf = strconv.AppendQuote(append(buf, ','), c.Key+"_title")
			buf = append(buf, ':')
			if t := r.titles[cell.Text]; t != "" && !cell.Empty {
				b, err := json.Marshal(t)
				if err != nil {
					return nil, err
				}
				buf = append(buf, b...)
			} else {
				buf = append(buf, "null"...)
			}
		}
	}
	return append(buf, '}'), nil
}

func writeJSON(w io.Writer, m *model.Model, l *model.Lang) error {
	cur, err := money.ParseCurrency(m.Currency)
	if err != nil {
		return err
	}
	rows := func(cols []model.Column, rs []model.Row) []jsonRow {
		out := make([]jsonRow, len(rs))
		for i, r := range rs {
			out[i] = jsonRow{cols, r, cur, m.Titles}
		}
		return out
	}
	j := jsonReport{Report: m.Report, Currency: m.Currency, Valuation: m.Valuation.String(), AsOf: m.AsOf.UTC().Format(ledger.TimeLayout),
		Rows: []jsonRow{}, Totals: []jsonRow{}, Notes: m.Notes, Title: m.Title, Mark: m.Mark, Lang: m.Lang,
		Illustrative: m.Illustrative, Sections: []jsonSection{}}
	if j.Notes == nil {
		j.Notes = []string{}
	}
	for i, s := range m.Sections {
		js := jsonSection{Key: s.Key, Title: s.Title, Columns: columnKeys(s.Columns), Rows: rows(s.Columns, s.Rows), Totals: rows(s.Columns, s.Totals)}
		if i == 0 {
			j.Rows = js.Rows
		}
		j.Sections = append(j.Sections, js)
	}
	kindCols := []model.Column{{Key: "kind", Type: "kind"}, {Key: "amount", Type: "amount"}, {Key: "entries", Type: "count"}}
	for _, t := range m.Totals {
		j.Totals = append(j.Totals, jsonRow{cols: kindCols, row: model.Row{"kind": {Text: t.Kind}, "amount": t.Amount, "entries": {Int: t.Amount.Int}}, cur: cur})
	}
	p := m.Provenance
	j.Provenance = jsonProvenance{Valuation: p.Valuation, RateSources: []jsonRateSource{}, AsOf: p.AsOf.UTC().Format(ledger.TimeLayout),
		Revision: p.Seq, ChainHash: p.ChainHash, State: p.State, Verified: p.Unverified == "", Unverified: p.Unverified, Entries: p.Entries}
	for _, s := range p.RateSources {
		j.Provenance.RateSources = append(j.Provenance.RateSources, jsonRateSource{s.Source, s.Entries})
	}
	if !p.RateFirst.IsZero() {
		j.Provenance.RateFrom, j.Provenance.RateTo = p.RateFirst.Format("2006-01-02"), p.RateLast.Format("2006-01-02")
	}
	if !m.GeneratedAt.IsZero() {
		j.Generated = m.GeneratedAt.UTC().Format(ledger.TimeLayout)
	}
	return encodeReport(w, &j)
}

// encodeReport writes j indented, one row per line: the same bytes as
// indenting the whole document would give for the other fields, without
// re-indenting every row of a large report.
func encodeReport(w io.Writer, j *jsonReport) error {
	bw := bufio.NewWriter(w)
	field := func(name string, v any, last bool) {
		b, err := json.MarshalIndent(v, "  ", "  ")
		if err != nil {
			panic(err) // only plain values reach here
		}
		fmt.Fprintf(bw, "  %q: %s", name, b)
		if !last {
			bw.WriteString(",")
		}
		bw.WriteString("\n")
	}
	rows := func(indent string, rs []jsonRow) error {
		if len(rs) == 0 {
			bw.WriteString("[]")
			return nil
		}
		bw.WriteString("[\n")
		var b []byte
		for i, r := range rs {
			var err error
			if b, err = r.appendJSON(b[:0]); err != nil {
				return err
			}
			bw.WriteString(indent + "  ")
			bw.Write(b)
			if i < len(rs)-1 {
				bw.WriteString(",")
			}
			bw.WriteString("\n")
		}
		bw.WriteString(indent + "]")
		return nil
	}
	bw.WriteString("{\n")
	field("report", j.Report, false)
	field("currency", j.Currency, false)
	field("valuation", j.Valuation, false)
	field("as_of", j.AsOf, false)
	bw.WriteString(`  "rows": `)
	if err := rows("  ", j.Rows); err != nil {
		return err
	}
	bw.WriteString(",\n  \"totals\": ")
	if err := rows("  ", j.Totals); err != nil {
		return err
	}
	bw.WriteString(",\n")
	field("notes", j.Notes, false)
	field("title", j.Title, false)
	if j.Mark != "" {
		field("title_mark", j.Mark, false)
	}
	field("lang", j.Lang, false)
	field("illustrative_entries", j.Illustrative, false)
	bw.WriteString("  \"sections\": [")
	for i, sec := range j.Sections {
		if i > 0 {
			bw.WriteString(",")
		}
		bw.WriteString("\n    {\n")
		fmt.Fprintf(bw, "      \"key\": %s,\n", mustJSON(sec.Key))
		if sec.Title != "" {
			fmt.Fprintf(bw, "      \"title\": %s,\n", mustJSON(sec.Title))
		}
		fmt.Fprintf(bw, "      \"columns\": %s,\n      \"rows\": ", mustJSON(sec.Columns))
		if err := rows("      ", sec.Rows); err != nil {
			return err
		}
		bw.WriteString(",\n      \"totals\": ")
		if err := rows("      ", sec.Totals); err != nil {
			return err
		}
		bw.WriteString("\n    }")
	}
	if len(j.Sections) > 0 {
		bw.WriteString("\n  ")
	}
	bw.WriteString("],\n")
	field("provenance", j.Provenance, j.Generated == "")
	if j.Generated != "" {
		field("generated_at", j.Generated, true)
	}
	bw.WriteString("}\n")
	return bw.Flush()
}

func mustJSON(v any) string {
	b, err := json.Marshal(v)
	if err != nil {
		panic(err)
	}
	return string(b)
}
