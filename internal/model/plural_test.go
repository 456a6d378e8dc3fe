package model

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/coalition/pledger/reports"
)

// Counts are put into words by each language's CLDR plural rules
// (golang.org/x/text): French counts 0 and 1 as one, English and Dutch
// only 1.
func TestPlural(t *testing.T) {
	for _, c := range []struct {
		code       string
		n          int
		one, other string
		want       string
	}{
		{"fr", 0, "entry", "entries", "0 écriture"},
		{"fr", 1, "entry", "entries", "1 écriture"},
		{"fr", 2, "entry", "entries", "2 écritures"},
		{"fr", 1500, "entry", "entries", "1 500 écritures"},
		{"en", 0, "entry", "entries", "0 entries"},
		{"en", 1, "entry", "entries", "1 entry"},
		{"en", 2, "entry", "entries", "2 entries"},
		{"nl", 0, "kind.pledge", "kinds.pledge", "0 toezeggingen"},
		{"nl", 1, "kind.pledge", "kinds.pledge", "1 toezegging"},
		{"nl", 2, "kind.pledge", "kinds.pledge", "2 toezeggingen"},
		{"nl", 1250, "kind.pledge", "kinds.pledge", "1.250 toezeggingen"},
		{"fr", 0, "kind.pledge", "kinds.pledge", "0 promesse de contribution"},
		{"fr", -1, "entry", "entries", "-1 écriture"},
	} {
		if got := MustLang(c.code).HowMany(c.n, c.one, c.other); got != c.want {
			t.Errorf("%s HowMany(%d, %s): %q, want %q", c.code, c.n, c.one, got, c.want)
		}
	}
}

// A message with plural forms in the catalog (KEY and KEY.one) reads as
// the language's rules ask for its count, through x/text's message
// printer.
func TestPluralMessages(t *testing.T) {
	for _, c := range []struct {
		code, key string
		n         int
		want      string
	}{
		{"en", "ui.entries.count", 0, "0 entries"},
		{"en", "ui.entries.count", 1, "1 entry"},
		{"en", "ui.entries.count", 12345, "12,345 entries"},
		{"nl", "ui.entries.count", 0, "0 boekingen"},
		{"nl", "ui.entries.count", 1, "1 boeking"},
		{"fr", "ui.entries.count", 0, "0 écriture"},
		{"fr", "ui.entries.count", 1, "1 écriture"},
		{"fr", "ui.entries.count", 2, "2 écritures"},
		{"en", "note.chain-more", 1, "1 more note about chains is left out."},
		{"en", "note.chain-more", 3, "3 more notes about chains are left out."},
		{"fr", "note.chain-more", 1, "1 autre remarque sur les chaînes est omise."},
		{"nl", "note.chain-more", 2, "Nog 2 opmerkingen over ketens zijn weggelaten."},
	} {
		l := MustLang(c.code)
		if got := l.T(c.key, l.N(c.n)); got != c.want {
			t.Errorf("%s %s(%d): %q, want %q", c.code, c.key, c.n, got, c.want)
		}
	}
	l := MustLang("fr")
	if got := l.T("note.straddling", l.N(1), l.Plural(1, "entry", "entries"), l.Kind("pledge"), "5,00 EUR", "x"); !strings.HasPrefix(got, "Non comptée, car datée en partie hors de la période : 1 écriture de type") {
		t.Errorf("fr note.straddling for one entry: %q", got)
	}
	if got := l.T("note.straddling", l.N(2), l.Plural(2, "entry", "entries"), l.Kind("pledge"), "5,00 EUR", "x, y"); !strings.HasPrefix(got, "Non comptées, car datées en partie hors de la période : 2 écritures de type") {
		t.Errorf("fr note.straddling for two entries: %q", got)
	}
	// A message with plural forms takes its count as a count, never as
	// text it could not count.
	defer func() {
		if recover() == nil {
			t.Error("T with plural forms took a string for its count")
		}
	}()
	l.T("ui.entries.count", "2")
}

// Every plural variant (KEY.one) has its KEY, in the same language, with
// the same verbs.
func TestPluralVariants(t *testing.T) {
	for _, file := range []string{"i18n.json", "ui.json"} {
		data, err := reports.FS.ReadFile(file)
		if err != nil {
			t.Fatal(err)
		}
		var m map[string]map[string]string
		if err := json.Unmarshal(data, &m); err != nil {
			t.Fatal(err)
		}
		for _, code := range Languages {
			for k, v := range m[code] {
				base, ok := strings.CutSuffix(k, oneSuffix)
				if !ok {
					continue
				}
				other, ok := m[code][base]
				if !ok {
					t.Errorf("%s: %s %s has no %s", file, code, k, base)
					continue
				}
				if strings.Count(v, "%s") != strings.Count(other, "%s") {
					t.Errorf("%s: %s %s has other verbs than %s", file, code, k, base)
				}
			}
		}
	}
}
