package ledger

import (
	"fmt"
	"slices"
	"strings"

	"golang.org/x/text/language"
	"golang.org/x/text/language/display"
)

// Party is a coalition member or other actor: a state by its ISO 3166-1
// alpha-3 code, or an organisation by a short code.
type Party struct {
	Code string `json:"code" db:"code"`
	Name string `json:"name" db:"name"`
	Type string `json:"type" db:"type"` // "state" or "organisation"
}

// Organisations known out of the box.
var Organisations = []Party{
	{"COALITION", "Global Coalition to Defeat Daesh", "organisation"},
	{"EU", "European Union", "organisation"},
	{"INTERPOL", "International Criminal Police Organization", "organisation"},
	{"LAS", "League of Arab States", "organisation"},
	{"NATO", "North Atlantic Treaty Organization", "organisation"},
	{"UN", "United Nations", "organisation"},
}

// notISO31661 are regions that golang.org/x/text marks as countries but that
// ISO 3166-1 only reserves (Ascension, Clipperton, Diego Garcia, Tristan da
// Cunha) or leaves to users (Kosovo's XK).
var notISO31661 = map[string]bool{"AC": true, "CP": true, "DG": true, "TA": true, "XK": true}

func isState(r language.Region) bool {
	return r.IsCountry() && r.Canonicalize() == r && r.ISO3() != "ZZZ" && r.ISO3() != "" &&
		!notISO31661[r.String()] && display.English.Regions().Name(r) != ""
}

// States returns every ISO 3166-1 state and territory, from
// golang.org/x/text's region data, with its English name, sorted by code.
func States() []Party {
	var out []Party
	for a := 'A'; a <= 'Z'; a++ {
		for b := 'A'; b <= 'Z'; b++ {
			r, err := language.ParseRegion(string([]rune{a, b}))
			if err != nil || !isState(r) {
				continue
			}
			out = append(out, Party{Code: r.ISO3(), Name: display.English.Regions().Name(r), Type: "state"})
		}
	}
	slices.SortFunc(out, func(a, b Party) int { return strings.Compare(a.Code, b.Code) })
	return out
}

// BuiltinParties returns the states and the organisations known out of the box.
func BuiltinParties() []Party {
	return append(States(), Organisations...)
}

// NewParty validates a party a user adds: a code of letters A-Z, digits,
// - and _ (1 to 16, starting with a letter or a digit, so that a ref made
// from it keeps the ref grammar), and a name keeping the text rules (one
// line).
func NewParty(code, name string) (Party, error) {
	code = strings.ToUpper(strings.TrimSpace(code))
	var ps Problems
	if code == "" || len(code) > 16 {
		ps.Add(0, "code", "a party code has 1 to 16 characters")
	}
	for i, r := range code {
		if !(r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || i > 0 && (r == '-' || r == '_')) {
			ps.Add(0, "code", "%q: use letters A-Z, digits, - and _ only, starting with a letter or a digit", Clip(code))
			break
		}
	}
	name, p := CleanText("name", name)
	switch {
	case p != nil:
		ps.List = append(ps.List, *p)
	case name == "":
		ps.Add(0, "name", "required: the party's display name")
	}
	if err := ps.Err(); err != nil {
		return Party{}, err
	}
	typ := "organisation"
	if len(code) == 3 {
		if _, ok := ParseLocation(code); ok {
			typ = "state"
		}
	}
	return Party{Code: code, Name: name, Type: typ}, nil
}

// String is "NAME (CODE)".
func (p Party) String() string { return fmt.Sprintf("%s (%s)", p.Name, p.Code) }
