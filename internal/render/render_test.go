package render

import (
	"bytes"
	"encoding/csv"
	"errors"
	"flag"
	"html/template"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/coalition/pledger/internal/model"

	"github.com/coalition/pledger/internal/ledger"
	"github.com/shopspring/decimal"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata/")

const (
	imgAttack    = `<img src=x onerror=alert(1)>`
	scriptAttack = `</script><script>alert(1)</script>`
	hash         = "9f2c4e1a7b3d5f60812a4c6e8b0d2f4a6c8e0b2d4f6a8c0e2b4d6f8a0c2e4b6d"
	asOf         = "2024-03-01T10:20:30.123456Z"
)

// words picks the text of a hand-translated model.
func words(lang, en, nl, fr string) string {
	switch lang {
	case "nl":
		return nl
	case "fr":
		return fr
	}
	return en
}

func dec(s string) decimal.Decimal { return decimal.RequireFromString(s) }

// sample is a small report built by hand: two sections with every column
// type, a qualified amount, a bounded one, an open end date, totals, two
// notes and rates. Its text is in lang, as internal/report would give it.
func sample(t *testing.T, lang string) (*model.Model, *model.Lang) {
	t.Helper()
	l, err := model.ParseLang(lang)
	if err != nil {
		t.Fatal(err)
	}
	w := func(en, nl, fr string) string { return words(lang, en, nl, fr) }
	at, _ := time.Parse(ledger.TimeLayout, asOf)
	m := &model.Model{
		Report:    "sample",
		Title:     w("Pledges and needs", "Toezeggingen en noden", "Promesses et besoins"),
		Subtitle:  w("Belgium", "België", "Belgique"),
		Lang:      lang,
		Currency:  "EUR",
		Valuation: model.DefaultValuation(),
		AsOf:      at,
		Sections: []model.Section{{
			Key:   "entries",
			Title: w("By party", "Per partij", "Par partie"),
			Columns: []model.Column{
				{Key: "party", Label: w("Party", "Partij", "Partie"), Type: "party"},
				{Key: "kind", Label: w("Kind", "Soort", "Type"), Type: "kind"},
				{Key: "sectors", Label: w("Sectors", "Sectoren", "Secteurs"), Type: "list"},
				{Key: "date", Label: w("Date", "Datum", "Date"), Type: "date"},
				{Key: "end", Label: w("End", "Einde", "Fin"), Type: "date"},
				{Key: "amount", Label: w("Amount", "Bedrag", "Montant"), Type: "amount"},
				{Key: "entries", Label: w("Entries", "Posten", "Écritures"), Type: "count"},
				{Key: "share", Label: w("Share", "Aandeel", "Part"), Type: "percent"},
			},
			Rows: []model.Row{
				{"party": {Text: "BEL"}, "kind": {Text: "pledge"}, "sectors": {Text: "health;education"},
					"date": {Text: "2021-10"}, "end": {Text: "2022"},
					"amount": {Value: dec("18000000.00"), Qualifier: "at-least"}, "entries": {Int: 3}, "share": {Value: dec("93.5")}},
				{"party": {Text: "NLD"}, "kind": {Text: "deployment"}, "sectors": {Text: "demining"},
					"date": {Text: "2021"}, "end": {Empty: true},
					"amount": {Value: dec("1234567.89")}, "entries": {Int: 1}, "share": {Empty: true}},
				{"party": {Text: imgAttack}, "kind": {Text: "disbursement"}, "sectors": {Text: scriptAttack},
					"date": {Text: "2021-10-31"}, "end": {Text: "2021-12-31"},
					"amount": {Value: dec("500.50"), Bound: "lower"}, "entries": {Int: 12345}, "share": {Value: dec("6.5")}},
			},
			Totals: []model.Row{
				{"party": {Text: w("Total", "Totaal", "Total")}, "amount": {Value: dec("19235068.39"), Bound: "lower"},
					"entries": {Int: 12349}, "share": {Value: dec("100")}},
			},
		}, {
			Key:   "sectors",
			Title: w("By sector", "Per sector", "Par secteur"),
			Columns: []model.Column{
				{Key: "sector", Label: w("Sector", "Sector", "Secteur"), Type: "text"},
				{Key: "need", Label: w("Need", "Nood", "Besoin"), Type: "amount"},
				{Key: "gap", Label: w("Gap", "Tekort", "Écart"), Type: "amount"},
			},
			Rows: []model.Row{
				{"sector": {Text: "health | care\nand *more*"}, "need": {Value: dec("20000000")}, "gap": {Value: dec("2000000")}},
				{"sector": {Text: "=HYPERLINK(\"x\")"}, "need": {Value: dec("1000")}, "gap": {Value: dec("-250.5")}},
				{"sector": {Text: "# not a heading"}, "need": {Empty: true}, "gap": {Empty: true}},
			},
			Totals: []model.Row{
				{"sector": {Text: w("Total", "Totaal", "Total")}, "need": {Value: dec("20001000.00")}, "gap": {Value: dec("1999749.50")}},
			},
		}},
		Notes: []string{
			w("Amounts in EUR, rounded once.", "Bedragen in EUR, één keer afgerond.", "Montants en EUR, arrondis une seule fois."),
			w("Open-ended deployments are counted up to 2024-03-01.", "Inzet zonder einddatum wordt geteld tot 2024-03-01.",
				"Les déploiements sans fin sont comptés jusqu'au 2024-03-01."),
		},
		Provenance: model.Provenance{
			Valuation:   w("spot: each entry at the rate of its date", "spot: elke post tegen de koers van zijn datum", "au comptant : chaque écriture au taux de sa date"),
			RateSources: []model.RateSource{{Source: "ECB", Entries: 12348}, {Source: "Federal Reserve H.10", Entries: 1}},
			RateFirst:   time.Date(2021, 1, 4, 0, 0, 0, 0, time.UTC),
			RateLast:    time.Date(2021, 12, 31, 0, 0, 0, 0, time.UTC),
			AsOf:        at,
			Seq:         42,
			ChainHash:   hash,
			State:       "17:" + hash,
			Entries:     12349,
		},
	}
	return m, l
}

func render(t *testing.T, m *model.Model, format string, l *model.Lang) string {
	t.Helper()
	var b bytes.Buffer
	if err := Write(&b, m, format, l); err != nil {
		t.Fatalf("Write %s: %v", format, err)
	}
	return b.String()
}

func TestGolden(t *testing.T) {
	for _, format := range Formats {
		for _, lang := range model.Languages {
			t.Run(format+"."+lang, func(t *testing.T) {
				m, l := sample(t, lang)
				got := render(t, m, format, l)
				path := filepath.Join("testdata", format+"."+lang+".golden")
				if *update {
					if err := os.WriteFile(path, []byte(got), 0o644); err != nil {
						t.Fatal(err)
					}
					return
				}
				want, err := os.ReadFile(path)
				if err != nil {
					t.Fatalf("%v (run go test -update to write it)", err)
				}
				if got != string(want) {
					t.Errorf("%s differs from the golden file (run go test -update if the change is right):\n%s", path, got)
				}
			})
		}
	}
}

func TestEveryFormatHasNotesAndProvenance(t *testing.T) {
	for _, format := range Formats {
		for _, lang := range model.Languages {
			m, l := sample(t, lang)
			out := render(t, m, format, l)
			for _, want := range append([]string{hash, asOf, "42", "ECB", "2021-01-04", "2021-12-31"}, m.Notes...) {
				if format == "html" {
					want = template.HTMLEscapeString(want)
				}
				if !strings.Contains(out, want) {
					t.Errorf("%s %s: no %q in\n%s", format, lang, want, out)
				}
			}
			if strings.Contains(out, "2025-") {
				t.Errorf("%s %s: a generated time without --stamp", format, lang)
			}
		}
	}
}

func TestGeneratedOnlyWhenStamped(t *testing.T) {
	m, l := sample(t, "en")
	m.GeneratedAt = time.Date(2025, 6, 7, 8, 9, 10, 0, time.UTC)
	for _, format := range Formats {
		out := render(t, m, format, l)
		if !strings.Contains(out, "2025-06-07T08:09:10.000000Z") {
			t.Errorf("%s: no generation time in\n%s", format, out)
		}
	}
	for _, format := range []string{"table", "md", "html"} {
		if out := render(t, m, format, l); !strings.Contains(out, "Generated") {
			t.Errorf("%s: no Generated label", format)
		}
	}
}

func TestNoRates(t *testing.T) {
	for _, lang := range model.Languages {
		m, l := sample(t, lang)
		m.Provenance.RateSources, m.Provenance.RateFirst, m.Provenance.RateLast = nil, time.Time{}, time.Time{}
		for _, format := range []string{"table", "md", "html"} {
			if out := render(t, m, format, l); !strings.Contains(out, l.T("footer.norates")) {
				t.Errorf("%s %s: no %q", format, lang, l.T("footer.norates"))
			}
		}
		if out := render(t, m, "csv", l); !strings.Contains(out, "provenance,rate_sources,\nprovenance,rate_from,\nprovenance,rate_to,\n") {
			t.Errorf("csv %s: rates without a span:\n%s", lang, out)
		}
	}
}

func TestReaderNumbers(t *testing.T) {
	want := map[string][]string{
		"en": {"more than 18,000,000.00 EUR", "1,234,567.89 EUR", "12,345", "93.5%", "-250.50 EUR", "open", "pledge", "health, education",
			"500.50 EUR (lower bound)"},
		"nl": {"meer dan 18.000.000,00 EUR", "1.234.567,89 EUR", "12.345", "93,5%", "-250,50 EUR", "open", "toezegging", "uitbetaling"},
		"fr": {"plus de 18 000 000,00 EUR", "1 234 567,89 EUR", "12 345", "93,5 %", "-250,50 EUR", "ouvert", "promesse", "borne inférieure"},
	}
	for lang, ws := range want {
		for _, format := range []string{"table", "md", "html"} {
			m, l := sample(t, lang)
			out := render(t, m, format, l)
			if format == "html" {
				// The qualifier words are in spans of their own.
				out = strings.NewReplacer(`<span class="q">`, "", `<span class="sp">`, "", "</span>", "").Replace(out)
			}
			for _, w := range ws {
				if !strings.Contains(out, w) {
					t.Errorf("%s %s: no %q in\n%s", format, lang, w, out)
				}
			}
		}
	}
}

func TestCSVIsNeutral(t *testing.T) {
	var first string
	for _, lang := range model.Languages {
		m, l := sample(t, lang)
		out := render(t, m, "csv", l)
		if strings.Contains(out, "\r") {
			t.Errorf("csv %s: CR line ends", lang)
		}
		r := csv.NewReader(strings.NewReader(out))
		r.FieldsPerRecord = -1
		recs, err := r.ReadAll()
		if err != nil {
			t.Fatalf("csv %s: %v", lang, err)
		}
		wantRow := []string{"BEL", "pledge", "health;education", "2021-10", "2022", "18000000.00", "3", "93.5"}
		if strings.Join(recs[0], ",") != "party,kind,sectors,date,end,amount,entries,share" {
			t.Errorf("csv %s: header %q", lang, recs[0])
		}
		if strings.Join(recs[1], "|") != strings.Join(wantRow, "|") {
			t.Errorf("csv %s: row %q, want %q", lang, recs[1], wantRow)
		}
		if got := recs[2]; got[1] != "deployment" || got[4] != "" || got[7] != "" {
			t.Errorf("csv %s: row %q: want the kind code and blank empties", lang, got)
		}
		for _, w := range []string{"1234567.89", "12345", ",-250.50\n", "19235068.39", "'=HYPERLINK", "provenance,currency,EUR",
			"provenance,rate_sources,ECB,12348,Federal Reserve H.10,1", "provenance,revision,42", "provenance,chain_hash," + hash,
			"provenance,as_of," + asOf, "provenance,entries,12349\n", "\n\nsector,need,gap\n"} {
			if !strings.Contains(out, w) {
				t.Errorf("csv %s: no %q in\n%s", lang, w, out)
			}
		}
		for _, bad := range []string{"EUR\"", "more than", "meer dan", "plus de", "18,000,000", "18.000.000", "toezegging", "promesse"} {
			if strings.Contains(out, bad) {
				t.Errorf("csv %s: localised %q in\n%s", lang, bad, out)
			}
		}
		// The figures are the same in every language: only text differs.
		nums := ""
		for _, rec := range recs {
			for _, f := range rec {
				if _, err := decimal.NewFromString(f); err == nil {
					nums += f + " "
				}
			}
		}
		if first == "" {
			first = nums
		} else if nums != first {
			t.Errorf("csv %s: figures %s, en has %s", lang, nums, first)
		}
	}
}

func TestHTMLEscapesLedgerText(t *testing.T) {
	for _, lang := range model.Languages {
		m, l := sample(t, lang)
		m.Title = scriptAttack
		m.Notes = append(m.Notes, imgAttack)
		m.Provenance.RateSources = append(m.Provenance.RateSources, model.RateSource{Source: `"><script>alert(1)</script>`, Entries: 1})
		out := render(t, m, "html", l)
		for _, bad := range []string{"<img", "</script><script>", "<script", "onerror=alert(1)>"} {
			if strings.Contains(out, bad) {
				t.Errorf("html %s: raw %q in the page", lang, bad)
			}
		}
		for _, want := range []string{"&lt;img src=x onerror=alert(1)&gt;", "&lt;/script&gt;&lt;script&gt;alert(1)&lt;/script&gt;"} {
			if !strings.Contains(out, want) {
				t.Errorf("html %s: no escaped %q", lang, want)
			}
		}
		// No URL: the page must open with no network. The only "src=" is
		// the escaped attack text.
		rest := strings.ReplaceAll(out, "&lt;img src=x", "")
		for _, bad := range []string{"http://", "https://", "src=", "href=", "url(", "@import", "<link", "<script"} {
			if strings.Contains(rest, bad) {
				t.Errorf("html %s: %q in the page", lang, bad)
			}
		}
		for _, want := range []string{"<!doctype html>", `<html lang="` + lang + `">`, `<meta charset="utf-8">`, "<title>", "<style>",
			"<thead>", "<tbody>", "<tfoot>", `<td class="num">`, "white-space: nowrap", "@media print", "<footer>"} {
			if !strings.Contains(out, want) {
				t.Errorf("html %s: no %q", lang, want)
			}
		}
	}
}

func TestMarkdownKeepsTheTable(t *testing.T) {
	m, l := sample(t, "en")
	m.Notes = append(m.Notes, "1. not a list", "# not a heading")
	out := render(t, m, "md", l)
	for _, line := range strings.Split(out, "\n") {
		if !strings.HasPrefix(line, "|") {
			continue
		}
		// Unescaped pipes: one more than the columns.
		n := strings.Count(line, "|") - strings.Count(line, `\|`)
		if n != 9 && n != 4 {
			t.Errorf("md: %d cell borders in %q", n, line)
		}
	}
	for _, want := range []string{`health \| care and \*more\*`, `\<img src=x onerror=alert(1)\>`, "| **Total** ",
		" **19,235,068.39 EUR (lower bound)** |", "---: |", "- 1\\. not a list", "- \\# not a heading", "### Notes", "### Provenance",
		"- **Ledger state**: 17:" + hash, "# Pledges and needs\n\nBelgium\n"} {
		if !strings.Contains(out, want) {
			t.Errorf("md: no %q in\n%s", want, out)
		}
	}
}

func TestTableKeepsCellsOnOneLine(t *testing.T) {
	m, l := sample(t, "en")
	m.Sections[1].Rows[0]["sector"] = model.Cell{Text: "a\nb\tc\x1b[31m"}
	out := render(t, m, "table", l)
	if strings.Contains(out, "\t") || strings.Contains(out, "\x1b") {
		t.Errorf("table: a tab or escape in\n%s", out)
	}
	if !strings.Contains(out, "a b c [31m") {
		t.Errorf("table: the cell is not on one line:\n%s", out)
	}
	for _, line := range strings.Split(out, "\n") {
		if strings.HasSuffix(line, " ") {
			t.Errorf("table: trailing space in %q", line)
		}
	}
}

func TestUnknownFormat(t *testing.T) {
	m, l := sample(t, "en")
	var b bytes.Buffer
	err := Write(&b, m, "pdf", l)
	if !errors.Is(err, ledger.ErrInvalid) {
		t.Fatalf("Write pdf: %v, want ErrInvalid", err)
	}
	for _, f := range Formats {
		if !strings.Contains(err.Error(), f) {
			t.Errorf("the error %q does not list %s", err, f)
		}
	}
	if b.Len() != 0 {
		t.Errorf("Write pdf wrote %q", b.String())
	}
}

func TestDeterministic(t *testing.T) {
	for _, format := range Formats {
		m, l := sample(t, "fr")
		a, b := render(t, m, format, l), render(t, m, format, l)
		if a != b {
			t.Errorf("%s: two writes differ", format)
		}
	}
}

func TestNilLangUsesTheModels(t *testing.T) {
	m, l := sample(t, "nl")
	if a, b := render(t, m, "table", nil), render(t, m, "table", l); a != b {
		t.Errorf("nil Lang: got\n%s\nwant\n%s", a, b)
	}
}

func TestCellText(t *testing.T) {
	l, err := model.ParseLang("fr")
	if err != nil {
		t.Fatal(err)
	}
	v := &layout{m: &model.Model{Currency: "JPY"}, l: l, units: 0}
	for _, tc := range []struct {
		col  model.Column
		cell model.Cell
		want string
	}{
		{model.Column{Key: "end", Type: "date"}, model.Cell{Empty: true}, "ouvert"},
		{model.Column{Key: "date", Type: "date"}, model.Cell{Empty: true}, ""},
		{model.Column{Key: "date", Type: "date"}, model.Cell{Text: "2021-10-31"}, "2021-10-31"},
		{model.Column{Key: "kind", Type: "kind"}, model.Cell{Text: "need"}, "besoin"},
		{model.Column{Key: "kind", Type: "kind"}, model.Cell{Text: "other"}, "other"},
		{model.Column{Key: "s", Type: "list"}, model.Cell{Text: "a;b; c"}, "a, b, c"},
		{model.Column{Key: "a", Type: "amount"}, model.Cell{Value: dec("1234567"), Qualifier: "about"}, "environ 1 234 567 JPY"},
		{model.Column{Key: "a", Type: "amount"}, model.Cell{Value: dec("5"), Qualifier: "exact"}, "5 JPY"},
		{model.Column{Key: "a", Type: "amount"}, model.Cell{Empty: true}, ""},
		{model.Column{Key: "n", Type: "count"}, model.Cell{Int: 0}, "0"},
		{model.Column{Key: "p", Type: "percent"}, model.Cell{Value: dec("12.5")}, "12,5 %"},
		{model.Column{Key: "p", Type: "percent"}, model.Cell{Empty: true}, ""},
		{model.Column{Key: "t", Type: "text"}, model.Cell{Text: "x", Empty: true}, ""},
	} {
		if got := v.text(tc.col, model.Row{tc.col.Key: tc.cell}); got != tc.want {
			t.Errorf("%s %+v: %q, want %q", tc.col.Type, tc.cell, got, tc.want)
		}
	}
	if got := v.text(model.Column{Key: "end", Type: "date"}, model.Row{}); got != "" {
		t.Errorf("a missing cell reads %q", got)
	}
}

func TestHTMLFitsTheTablesOnA4(t *testing.T) {
	m, l := sample(t, "en")
	narrow := *m
	narrow.Sections = m.Sections[1:2]
	narrow.Sections[0].Rows = narrow.Sections[0].Rows[:1]
	out := render(t, &narrow, "html", l)
	if strings.Contains(out, "landscape") || strings.Contains(out, `class="dense"`) {
		t.Errorf("a three-column table printed in landscape or small type")
	}
	if !strings.Contains(out, "@page { size: A4; margin: 18mm 15mm; }") {
		t.Errorf("no A4 page")
	}

	wide := *m
	s := model.Section{Key: "wide", Columns: []model.Column{{Key: "ref", Label: "Ref", Type: "text"}}}
	row := model.Row{"ref": {Text: "coal-need-2021-stab"}}
	for _, k := range []string{"a", "b", "c", "d", "e", "f", "g", "h"} {
		s.Columns = append(s.Columns, model.Column{Key: k, Label: strings.ToUpper(k), Type: "amount"})
		row[k] = model.Cell{Value: dec("2445000000.00"), Qualifier: "about"}
	}
	s.Rows = []model.Row{row}
	wide.Sections = []model.Section{s}
	out = render(t, &wide, "html", l)
	for _, want := range []string{"@page { size: A4 landscape;", `<table class="dense">`, `<td class="short">coal-need-2021-stab</td>`,
		`<td class="num"><span class="q">about</span><span class="sp"> </span>2,445,000,000.00 EUR</td>`} {
		if !strings.Contains(out, want) {
			t.Errorf("wide table: no %q", want)
		}
	}
}
