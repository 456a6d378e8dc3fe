package ledger

import (
	"errors"
	"slices"
	"strings"
	"testing"
)

// TestShippedVocabulary: the Coalition's lines of effort and what members
// fund under them, each named in every language, and no spelling listed
// that already means its sector (the file stays free of dead weight).
func TestShippedVocabulary(t *testing.T) {
	v := BuiltinSectors()
	want := []string{"military", "training", "stabilisation", "demining", "reconstruction", "camps", "humanitarian",
		"counter-financing", "foreign-fighters", "communications"}
	if got := v.Codes(); !slices.Equal(got, want) {
		t.Errorf("codes %q, want %q", got, want)
	}
	for _, s := range v.List() {
		for _, lang := range SectorLanguages {
			if strings.TrimSpace(s.Name[lang]) == "" {
				t.Errorf("%s has no name in %s", s.Code, lang)
			}
		}
		if len(s.Name) != len(SectorLanguages) {
			t.Errorf("%s: names %v, want exactly %v", s.Code, s.Name, SectorLanguages)
		}
		own := map[string]bool{FoldSpelling(s.Code): true}
		for _, lang := range SectorLanguages {
			own[FoldSpelling(s.Name[lang])] = true
		}
		for _, sp := range s.Spellings {
			k := FoldSpelling(sp)
			if own[k] {
				t.Errorf("%s: spelling %q is already its code, a name or another spelling", s.Code, sp)
			}
			own[k] = true
			if code, ok := v.Lookup(sp); !ok || code != s.Code {
				t.Errorf("%q reads as %q, want %s", sp, code, s.Code)
			}
		}
		if s.Added {
			t.Errorf("%s: a shipped sector is not added", s.Code)
		}
	}
}

// TestSectorLookup: a sector as people write it, in any language, case and
// accents, is its code.
func TestSectorLookup(t *testing.T) {
	v := BuiltinSectors()
	for in, want := range map[string]string{
		"demining": "demining", "Demining": "demining", "DÉMINAGE": "demining", "déminage": "demining", "deminage": "demining",
		"Ontmijning": "demining", "mine action": "demining",
		"stabilization": "stabilisation", "Stabilisation": "stabilisation", "stabilisatie": "stabilisation",
		"wederopbouw": "reconstruction", "Wederopbouw": "reconstruction", "reconstruction": "reconstruction",
		"counter-financing": "counter-financing", "Counter financing": "counter-financing", "counter_financing": "counter-financing",
		"foreign fighters": "foreign-fighters", "FTF": "foreign-fighters", "combattants étrangers": "foreign-fighters",
		"Combattants terroristes etrangers": "foreign-fighters",
		"strategic communications":          "communications", "contre-propagande": "communications",
		"Lutte contre la propagande de Daech": "communications",
		"  camps ":                            "camps", "Kampen": "camps", "humanitaire hulp": "humanitarian", "Aide humanitaire": "humanitarian",
		"military": "military", "Campagne militaire": "military", "training": "training", "Formation et conseil": "training",
	} {
		if got, ok := v.Lookup(in); !ok || got != want {
			t.Errorf("Lookup(%q) = %q %v, want %s", in, got, ok, want)
		}
	}
	for _, in := range []string{"", "multiple", "stabilisations", "de mining", "xyz", "camps;demining"} {
		if got, ok := v.Lookup(in); ok {
			t.Errorf("Lookup(%q) = %q, want unknown", in, got)
		}
	}
	if !v.Has("demining") || v.Has("Demining") || v.Has("déminage") {
		t.Error("Has is about codes exactly")
	}
}

// TestSectorClose: an unknown sector names the codes close to it: typos,
// swapped letters, a beginning, a longer phrase.
func TestSectorClose(t *testing.T) {
	v := BuiltinSectors()
	for in, want := range map[string]string{
		"demning":          "demining",
		"deminnig":         "demining",
		"stabilsation":     "stabilisation",
		"stab":             "stabilisation",
		"reconstrution":    "reconstruction",
		"humanitaran":      "humanitarian",
		"camsp":            "camps",
		"demining support": "demining",
		"ontmijnig":        "demining",
		"wederopbow":       "reconstruction",
		"fighters":         "foreign-fighters",
	} {
		if got := v.Close(in); len(got) == 0 || got[0] != want {
			t.Errorf("Close(%q) = %q, want %s first", in, got, want)
		}
	}
	for _, in := range []string{"xyz", "", "health"} {
		if got := v.Close(in); len(got) > 0 {
			t.Errorf("Close(%q) = %q, want nothing", in, got)
		}
	}
	if got := v.Close("counter"); !slices.Contains(got, "counter-financing") || !slices.Contains(got, "communications") {
		t.Errorf("Close(counter) = %q: want both counter-financing and communications (counter-messaging)", got)
	}
}

// TestUnknownSectorProblem: every door gets the same problem for an
// unknown sector: the field, a stable code, the value as given, and the
// close matches (or, with none, the vocabulary).
func TestUnknownSectorProblem(t *testing.T) {
	_, ps := ParseEntry(Fields{"ref": "x", "kind": "pledge", "party": "BEL", "date": "2021", "amount": "1", "currency": "EUR",
		"sector": "Demning:60;camps:40"}, 4, Known{}, RefRequired)
	if len(ps) != 1 {
		t.Fatalf("problems %v, want one", ps)
	}
	want := Problem{Line: 4, Field: "sector", Code: CodeUnknownSector, Value: "Demning",
		Msg: `unknown sector "Demning": did you mean demining (Demining)?`}
	if ps[0] != want {
		t.Errorf("problem\n got %+v\nwant %+v", ps[0], want)
	}
	_, ps = ParseEntry(Fields{"ref": "x", "kind": "pledge", "party": "BEL", "date": "2021", "amount": "1", "currency": "EUR",
		"sector": "health"}, 0, Known{}, RefRequired)
	if len(ps) != 1 || ps[0].Code != CodeUnknownSector ||
		ps[0].Msg != `unknown sector "health": not in the sector vocabulary (military, training, stabilisation, demining, reconstruction, camps, humanitarian, counter-financing, foreign-fighters, communications)` {
		t.Errorf("problems %+v", ps)
	}
}

// TestSectorsStoredAsCodes: synonyms and other spellings are stored as
// their codes, in canonical order, shares kept; two spellings of one
// sector are one sector.
func TestSectorsStoredAsCodes(t *testing.T) {
	parse := func(sector string) (Entry, []Problem) {
		return ParseEntry(Fields{"ref": "x", "kind": "pledge", "party": "BEL", "date": "2021", "amount": "1", "currency": "EUR",
			"sector": sector}, 0, Known{}, RefRequired)
	}
	for in, want := range map[string]string{
		"Stabilization:70;wederopbouw:30":       "reconstruction:30;stabilisation:70",
		"déminage;Kampen;Wederopbouw":           "camps;demining;reconstruction",
		"stabilisation;Stabilization":           "stabilisation",
		"Counter-Financing":                     "counter-financing",
		"mine action:40;camps:35;rebuilding:25": "camps:35;demining:40;reconstruction:25",
	} {
		e, ps := parse(in)
		if len(ps) > 0 {
			t.Errorf("%q: %v", in, ps)
			continue
		}
		if got := FormatSplit(e.Sectors, e.SectorShares); got != want {
			t.Errorf("%q is stored as %q, want %q", in, got, want)
		}
	}
	if _, ps := parse("stabilisation:50;Stabilization:50"); len(ps) != 1 || ps[0].Msg != "stabilisation is named twice: give each once, with its share" {
		t.Errorf("one sector twice with shares: %v", ps)
	}
}

// TestAddedSectors: a ledger's own sectors join the vocabulary; a spelling
// another sector has is refused.
func TestAddedSectors(t *testing.T) {
	s, err := NewSector("mine-risk-education", map[string]string{"en": "Mine risk education", "nl": "Voorlichting over mijnrisico's",
		"fr": "Éducation aux risques des mines"}, []string{"MRE"})
	if err != nil {
		t.Fatal(err)
	}
	v, err := BuiltinSectors().With([]Sector{s})
	if err != nil {
		t.Fatal(err)
	}
	for _, in := range []string{"mine-risk-education", "MRE", "education aux risques des mines", "Mine risk education"} {
		if code, ok := v.Lookup(in); !ok || code != "mine-risk-education" {
			t.Errorf("Lookup(%q) = %q %v", in, code, ok)
		}
	}
	if got, _ := v.Get("mine-risk-education"); !got.Added {
		t.Error("an added sector is marked added")
	}
	if _, ok := BuiltinSectors().Lookup("MRE"); ok {
		t.Error("With changed the built-in vocabulary")
	}
	e, ps := ParseEntry(Fields{"ref": "x", "kind": "pledge", "party": "BEL", "date": "2021", "amount": "1", "currency": "EUR",
		"sector": "MRE;demining"}, 0, Known{Sectors: v}, RefRequired)
	if len(ps) > 0 || strings.Join(e.Sectors, ";") != "demining;mine-risk-education" {
		t.Errorf("entry with an added sector: %q %v", e.Sectors, ps)
	}
	if got := v.Close("mine risk"); len(got) == 0 || got[0] != "mine-risk-education" {
		t.Errorf("Close(mine risk) = %q", got)
	}

	taken, _ := NewSector("mines", map[string]string{"en": "Mine action", "nl": "Mijnen", "fr": "Mines"}, nil)
	_, err = v.With([]Sector{taken})
	var f *Failure
	if !errors.As(err, &f) || !errors.Is(err, ErrConflict) || f.Code != "sector_spelling_taken" || !strings.Contains(err.Error(), `"Mine action" already means the sector demining`) {
		t.Errorf("a name another sector has: %v", err)
	}
	again, _ := NewSector("demining", map[string]string{"en": "D", "nl": "D", "fr": "D"}, nil)
	if _, err := v.With([]Sector{again}); !errors.Is(err, ErrConflict) {
		t.Errorf("a code the vocabulary has: %v", err)
	}
}

// TestNewSector: what a sector someone adds must be.
func TestNewSector(t *testing.T) {
	names := map[string]string{"en": "Health", "nl": "Gezondheid", "fr": "Santé"}
	if s, err := NewSector(" health ", names, []string{" medical care ", ""}); err != nil || s.Code != "health" || !slices.Equal(s.Spellings, []string{"medical care"}) {
		t.Errorf("NewSector: %+v %v", s, err)
	}
	for _, c := range []struct {
		code      string
		names     map[string]string
		spellings []string
		want      string
	}{
		{"", names, nil, "code: a sector code has 1 to 40 characters"},
		{"Health", names, nil, `code: "Health": use lower-case letters a-z, digits and hyphens, starting with a letter (e.g. mine-risk-education)`},
		{"1health", names, nil, "use lower-case letters"},
		{"health-", names, nil, "use lower-case letters"},
		{"he alth", names, nil, "use lower-case letters"},
		{"multiple", names, nil, `"multiple" is what reports call an entry shared between several sectors`},
		{"health", map[string]string{"en": "Health", "nl": "Gezondheid"}, nil, "name-fr: required: the sector's name in French"},
		{"health", map[string]string{"en": "Health", "nl": "Gezondheid", "fr": "Santé", "de": "Gesundheit"}, nil, "name-de: a sector is named in en, nl, fr only"},
		{"health", map[string]string{"en": "Heal\nth", "nl": "Gezondheid", "fr": "Santé"}, nil, "name-en: a line break (U+000A) at character 5"},
		{"health", map[string]string{"en": "Health", "nl": "Ge\tzondheid", "fr": "Santé"}, nil, "name-nl: a tab at character 3: use a space"},
		{"health", map[string]string{"en": "Health\u202e", "nl": "Gezondheid", "fr": "Santé"}, nil, "name-en: a bidirectional control character (U+202E) at character 7"},
		{"health", names, []string{"care\x1b[2J"}, "spelling: a control character (U+001B) at character 5: remove it"},
		{"health", names, []string{"care;cure"}, `spelling: "care;cure": a spelling cannot hold ';' or ':'`},
		{"health", names, []string{"--"}, `spelling: "--" has no letter or digit`},
	} {
		_, err := NewSector(c.code, c.names, c.spellings)
		if err == nil || !errors.Is(err, ErrInvalid) || !strings.Contains(err.Error(), c.want) {
			t.Errorf("NewSector(%q, %v, %q): %v, want %q", c.code, c.names, c.spellings, err, c.want)
		}
	}
}

// TestFoldSpelling: the one form spellings are compared in.
func TestFoldSpelling(t *testing.T) {
	for in, want := range map[string]string{
		"Déminage": "deminage", "Counter-Financing": "counter financing", " foreign__fighters ": "foreign fighters",
		"Syriëstrijders": "syriestrijders", "aide d'urgence": "aide d urgence", "ÉDUCATION": "education", "--": "",
	} {
		if got := FoldSpelling(in); got != want {
			t.Errorf("FoldSpelling(%q) = %q, want %q", in, got, want)
		}
	}
}

// TestAmendKeepsRecordedSector: an entry recorded before the vocabulary
// keeps its sector through a correction that leaves it as it is; a
// correction that changes it must name sectors of the vocabulary.
func TestAmendKeepsRecordedSector(t *testing.T) {
	old := Entry{Ref: "old", Kind: Pledge, Party: "BEL", Date: Date{Y: 2017, Precision: Year}, Qualifier: Exact,
		Sectors: []string{"Stabilisation efforts"}}
	old.Amount.Valid = true
	old.Amount.Decimal = hundred
	old.Currency.Code, old.Currency.Units = "EUR", 2
	e, ps := Amended(old, Fields{"amount": "250"}, Known{})
	if len(ps) > 0 || FormatSplit(e.Sectors, e.SectorShares) != "Stabilisation efforts" || e.Amount.Decimal.String() != "250" {
		t.Errorf("amount corrected: %q %v", e.Sectors, ps)
	}
	if _, ps := Amended(old, Fields{"sector": "Stabilisation efforts"}, Known{}); len(ps) != 1 || ps[0].Code != CodeUnchanged {
		t.Errorf("the sector given back as recorded: %v", ps)
	}
	e, ps = Amended(old, Fields{"sector": "Stabilization"}, Known{})
	if len(ps) > 0 || FormatSplit(e.Sectors, e.SectorShares) != "stabilisation" {
		t.Errorf("the sector brought into the vocabulary: %q %v", e.Sectors, ps)
	}
	if _, ps := Amended(old, Fields{"sector": "Stabilisation efforts;demining"}, Known{}); len(ps) != 1 || ps[0].Code != CodeUnknownSector {
		t.Errorf("a changed sector field is checked whole: %v", ps)
	}
}

// BenchmarkSectorLookup: what reading a sector costs an import, as a code
// (most rows) and as a spelling with accents.
func BenchmarkSectorLookup(b *testing.B) {
	v := BuiltinSectors()
	for _, in := range []string{"demining", "Déminage humanitaire"} {
		b.Run(in, func(b *testing.B) {
			for b.Loop() {
				if _, ok := v.Lookup(in); !ok {
					b.Fatal(in)
				}
			}
		})
	}
}
