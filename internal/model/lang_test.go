package model

import (
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/coalition/pledger/reports"
	"github.com/shopspring/decimal"
)

// Every text of the one catalog exists in every language, with the same
// verbs as the English one.
func TestCatalogComplete(t *testing.T) {
	data, err := reports.FS.ReadFile("i18n.json")
	if err != nil {
		t.Fatal(err)
	}
	var m map[string]map[string]string
	if err := json.Unmarshal(data, &m); err != nil {
		t.Fatal(err)
	}
	for key, en := range m["en"] {
		for _, code := range Languages {
			s, ok := m[code][key]
			if !ok || s == "" {
				t.Errorf("%s has no %s text", key, code)
			}
			if strings.Count(s, "%s") != strings.Count(en, "%s") {
				t.Errorf("%s: the %s text has other verbs than the English one", key, code)
			}
		}
	}
	for _, code := range Languages {
		if len(m[code]) != len(m["en"]) {
			t.Errorf("%s has %d texts, en %d", code, len(m[code]), len(m["en"]))
		}
	}
}

func TestLangFormats(t *testing.T) {
	d := decimal.RequireFromString("18000000.5")
	day := time.Date(2026, 1, 1, 9, 30, 0, 0, time.UTC)
	for _, c := range []struct{ code, number, colon, moment string }{
		{"en", "18,000,000.50", ":", "1 January 2026, 09:30 UTC"},
		{"nl", "18.000.000,50", ":", "1 januari 2026, 09:30 UTC"},
		{"fr", "18 000 000,50", " :", "1er janvier 2026 à 09:30 UTC"},
	} {
		l := MustLang(c.code)
		if got := l.Number(d, 2); got != c.number {
			t.Errorf("%s: Number = %q, want %q", c.code, got, c.number)
		}
		if got := l.Colon(); got != c.colon {
			t.Errorf("%s: Colon = %q, want %q", c.code, got, c.colon)
		}
		if got := l.Moment(day); got != c.moment {
			t.Errorf("%s: Moment = %q, want %q", c.code, got, c.moment)
		}
	}
	if _, err := ParseLang("de"); err == nil {
		t.Error("ParseLang(de): no error")
	}
}

// TestSectorAndRefLabels: sectors by their names in the reader's language
// (shipped, or added to the ledger), as recorded when outside the
// vocabulary; needs by their titles with the ref; codes with Codes.
func TestSectorAndRefLabels(t *testing.T) {
	added := map[string]map[string]string{"mre": {"en": "Mine risk education", "nl": "Voorlichting over mijnrisico's", "fr": "Éducation aux risques des mines"}}
	for _, c := range []struct{ lang, code, want string }{
		{"en", "demining", "Demining"}, {"nl", "demining", "Ontmijning"}, {"fr", "demining", "Déminage"},
		{"nl", "reconstruction", "Wederopbouw"}, {"fr", "communications", "Lutte contre la propagande de Daech"},
		{"nl", "mre", "Voorlichting over mijnrisico's"}, {"fr", "mre", "Éducation aux risques des mines"},
		{"nl", "Post-conflict support", "Post-conflict support"},
	} {
		if got := MustLang(c.lang).WithSectors(added).SectorLabel(c.code); got != c.want {
			t.Errorf("%s %s: %q, want %q", c.lang, c.code, got, c.want)
		}
	}
	if got := MustLang("nl").SectorLabel("mre"); got != "mre" {
		t.Errorf("an added sector without its names: %q", got)
	}
	l := MustLang("nl")
	if got := l.List("sector", "demining:40;reconstruction:60"); got != "Ontmijning (40%), Wederopbouw (60%)" {
		t.Errorf("list: %q", got)
	}
	if got := l.List("sector", "multiple"); got != l.T("multiple.sector") {
		t.Errorf("shared: %q", got)
	}
	if got := l.RefLabel("coal-need-2021-stab", "Stabilisation needs for 2021"); got != "Stabilisation needs for 2021 (coal-need-2021-stab)" {
		t.Errorf("ref label: %q", got)
	}
	if got := l.RefLabel("n", ""); got != "n" {
		t.Errorf("ref label without a title: %q", got)
	}
	codes := MustLang("fr")
	codes.Codes = true
	if codes.SectorLabel("demining") != "demining" || codes.RefLabel("n", "T") != "n" || codes.RefName("n", "T") != "n" ||
		codes.List("sector", "demining;camps") != "demining, camps" || MustLang("fr").RefName("n", "T") != "T" {
		t.Error("--codes shows codes")
	}
}
