package report_test

import (
	"encoding/json"
	"testing"

	"github.com/coalition/pledger/internal/ledger"
	"github.com/coalition/pledger/internal/model"
	"github.com/coalition/pledger/internal/report"
	"github.com/coalition/pledger/reports"
)

// TestColumnTitlesUnique: no table has two columns with the same title, in
// any language ("Nood" twice in Dutch was how it read).
func TestColumnTitlesUnique(t *testing.T) {
	for _, d := range report.Catalog() {
		for _, s := range d.Sections {
			for _, lang := range model.Languages {
				seen := map[string]string{}
				for _, c := range s.Columns {
					title := c.Label[lang]
					if other, ok := seen[title]; ok {
						t.Errorf("%s, table %s, %s: columns %s and %s are both titled %q", d.Name, s.Key, lang, other, c.Key, title)
					}
					seen[title] = c.Key
				}
			}
		}
	}
}

// TestEveryLabelInEveryLanguage: every title, description and column
// label of the catalog, every word of reports/i18n.json and every sector
// of the vocabulary (reports/sectors.json) exists in English, Dutch and
// French.
func TestEveryLabelInEveryLanguage(t *testing.T) {
	has := func(what string, m map[string]string) {
		t.Helper()
		for _, lang := range model.Languages {
			if m[lang] == "" {
				t.Errorf("%s has no %s", what, lang)
			}
		}
	}
	for _, d := range report.Catalog() {
		has(d.Name+" title", d.Title)
		for _, s := range d.Sections {
			if s.Title != nil {
				has(d.Name+" "+s.Key+" title", s.Title)
			}
			for _, c := range s.Columns {
				has(d.Name+" "+s.Key+" "+c.Key, c.Label)
			}
		}
	}
	data, err := reports.FS.ReadFile("i18n.json")
	if err != nil {
		t.Fatal(err)
	}
	var words map[string]map[string]string
	if err := json.Unmarshal(data, &words); err != nil {
		t.Fatal(err)
	}
	for k := range words["en"] {
		has("i18n key "+k, map[string]string{"en": words["en"][k], "nl": words["nl"][k], "fr": words["fr"][k]})
	}
	for _, lang := range model.Languages {
		for k := range words[lang] {
			if words["en"][k] == "" {
				t.Errorf("i18n key %s is in %s but not in en", k, lang)
			}
		}
	}
	for _, s := range ledger.BuiltinSectors().List() {
		has("sector "+s.Code, s.Name)
		for _, lang := range model.Languages {
			if got := model.MustLang(lang).SectorLabel(s.Code); got != s.Name[lang] || got == s.Code {
				t.Errorf("sector %s reads %q in %s", s.Code, got, lang)
			}
		}
	}
}

// TestGlossary: the words of the glossary, as a native reader would write
// them (need: behoefte / besoin, not "nood", which means distress).
func TestGlossary(t *testing.T) {
	for _, c := range []struct{ lang, kind, want string }{
		{"nl", "need", "behoefte"}, {"fr", "need", "besoin"},
		{"nl", "pledge", "toezegging"}, {"fr", "pledge", "promesse de contribution"},
		{"nl", "commitment", "vastlegging"}, {"fr", "commitment", "engagement"},
		{"nl", "disbursement", "uitbetaling"}, {"fr", "disbursement", "décaissement"},
		{"nl", "deployment", "inzet"}, {"fr", "deployment", "déploiement"},
	} {
		if got := model.MustLang(c.lang).Kind(c.kind); got != c.want {
			t.Errorf("%s %s: %q, want %q", c.lang, c.kind, got, c.want)
		}
	}
	for _, c := range []struct{ lang, key, want string }{
		{"nl", "q.at-least", "meer dan"}, {"fr", "q.at-least", "plus de"},
		{"nl", "q.about", "ongeveer"}, {"fr", "q.about", "environ"},
		{"nl", "q.up-to", "maximaal"}, {"fr", "q.up-to", "jusqu'à"},
	} {
		if got := model.MustLang(c.lang).T(c.key); got != c.want {
			t.Errorf("%s %s: %q, want %q", c.lang, c.key, got, c.want)
		}
	}
	// The sectors, as the Coalition's own texts and a ministry write them.
	for _, c := range []struct{ lang, code, want string }{
		{"nl", "reconstruction", "Wederopbouw"}, {"fr", "reconstruction", "Reconstruction"},
		{"nl", "demining", "Ontmijning"}, {"fr", "demining", "Déminage"},
		{"nl", "stabilisation", "Stabilisatie"}, {"fr", "stabilisation", "Stabilisation"}, {"en", "stabilisation", "Stabilisation"},
		{"nl", "humanitarian", "Humanitaire hulp"}, {"fr", "humanitarian", "Aide humanitaire"},
		{"nl", "camps", "Kampen en ontheemden"}, {"fr", "camps", "Camps et personnes déplacées"},
		{"nl", "foreign-fighters", "Buitenlandse terroristische strijders"}, {"fr", "foreign-fighters", "Combattants terroristes étrangers"},
		{"nl", "counter-financing", "Bestrijding van de financiering van Daesh"}, {"fr", "counter-financing", "Lutte contre le financement de Daech"},
		{"en", "communications", "Countering Daesh's propaganda"}, {"nl", "communications", "Bestrijding van de propaganda van Daesh"},
		{"fr", "communications", "Lutte contre la propagande de Daech"},
	} {
		if got := model.MustLang(c.lang).SectorLabel(c.code); got != c.want {
			t.Errorf("%s sector %s: %q, want %q", c.lang, c.code, got, c.want)
		}
	}
}
