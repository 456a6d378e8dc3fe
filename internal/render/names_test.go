package render

import (
	"strings"
	"testing"
	"time"

	"github.com/coalition/pledger/internal/model"
)

// needsModel is a coverage-like table: a titled need, an untitled one,
// sectors of the vocabulary, one a ledger added, and one recorded before
// the vocabulary.
func needsModel(lang string) *model.Model {
	return &model.Model{
		Report: "needs", Title: "Needs", Lang: lang, Currency: "USD", Valuation: model.DefaultValuation(),
		AsOf: time.Date(2026, 1, 15, 9, 30, 0, 0, time.UTC),
		Sections: []model.Section{{
			Key: "needs",
			Columns: []model.Column{
				{Key: "need", Label: "Need", Type: "ref"},
				{Key: "sector", Label: "Sector", Type: "list"},
				{Key: "needed", Label: "Needed", Type: "amount"},
			},
			Rows: []model.Row{
				{"need": {Text: "n1"}, "sector": {Text: "demining:40;mre:60"}, "needed": {Value: dec("670000000.00")}},
				{"need": {Text: "n2"}, "sector": {Text: "Post-conflict support"}, "needed": {Value: dec("5.00")}},
				{"need": {Text: "n3"}, "sector": {Text: "camps;reconstruction"}, "needed": {Value: dec("1.00")}},
			},
			Totals: []model.Row{{"need": {Text: "Total"}, "needed": {Value: dec("670000006.00")}}},
		}},
		Titles: map[string]string{"n1": "Stabilisation needs, 2021", "n3": "=cmd|' /C calc'!A0 <b>camps</b>"},
		SectorNames: map[string]map[string]string{"mre": {"en": "Mine risk education", "nl": "Voorlichting over mijnrisico's",
			"fr": "Éducation aux risques des mines"}},
	}
}

// TestNamesAndTitles: a need reads by its title with its ref in small
// print and sectors by their names in the reader's language (added ones
// too, a sector recorded before the vocabulary as written); --codes shows
// codes; CSV and JSON keep codes and give the title a column of its own.
func TestNamesAndTitles(t *testing.T) {
	for _, c := range []struct {
		lang, format string
		codes        bool
		want, not    []string
	}{
		{"en", "table", false, []string{"Stabilisation needs, 2021 (n1)", "Demining (40%), Mine risk education (60%)", "Post-conflict support",
			"\nn2 ", "Total"}, []string{"demining:40"}},
		{"nl", "table", false, []string{"Stabilisation needs, 2021 (n1)", "Ontmijning (40%), Voorlichting over mijnrisico's (60%)"}, nil},
		{"fr", "md", false, []string{"| Stabilisation needs, 2021 (n1)   ", "Déminage (40 %), Éducation aux risques des mines (60 %)"}, nil},
		{"en", "table", true, []string{"\nn1 ", "demining (40%), mre (60%)"}, []string{"Stabilisation needs", "Demining"}},
		{"nl", "html", false, []string{`Stabilisation needs, 2021 <small class="ref">n1</small>`, "Ontmijning (40%)",
			`<td class="short">n2</td>`, `&lt;b&gt;camps&lt;/b&gt; <small class="ref">n3</small>`}, []string{"<b>camps"}},
		{"nl", "html", true, []string{`<td class="short">n1</td>`, "demining (40%), mre (60%)"}, []string{`<small class="ref">`}},
		{"en", "csv", false, []string{"need,need_title,sector,needed,needed_qualifier,currency\n", `n1,"Stabilisation needs, 2021",demining:40;mre:60,670000000.00`,
			"n2,,Post-conflict support,5.00", `n3,'=cmd|' /C calc'!A0 <b>camps</b>,camps;reconstruction,1.00`, "Total,,,670000006.00"}, nil},
		{"fr", "csv", true, []string{`n1,"Stabilisation needs, 2021",demining:40;mre:60`}, nil},
		{"en", "json", false, []string{`"columns": ["need","need_title","sector","needed"]`,
			`{"need":"n1","need_title":"Stabilisation needs, 2021","sector":"demining:40;mre:60","needed":"670000000.00"}`,
			`{"need":"n2","need_title":null,"sector":"Post-conflict support","needed":"5.00"}`,
			`{"need":"Total","need_title":null,"needed":"670000006.00"}`}, nil},
	} {
		m := needsModel(c.lang)
		l := model.MustLang(c.lang)
		l.Codes = c.codes
		out := render(t, m, c.format, l)
		for _, w := range c.want {
			if !strings.Contains(out, w) {
				t.Errorf("%s %s codes=%v: no %q in\n%s", c.lang, c.format, c.codes, w, out)
			}
		}
		for _, n := range c.not {
			if strings.Contains(out, n) {
				t.Errorf("%s %s codes=%v: %q in\n%s", c.lang, c.format, c.codes, n, out)
			}
		}
	}
}
