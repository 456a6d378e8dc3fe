package model

import (
	"encoding/json"
	"fmt"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/coalition/pledger/internal/ledger"
	"github.com/coalition/pledger/reports"
	"github.com/shopspring/decimal"
	"golang.org/x/text/feature/plural"
	"golang.org/x/text/language"
	"golang.org/x/text/language/display"
	"golang.org/x/text/message"
	"golang.org/x/text/message/catalog"
)

// Languages pledger reports in. Belgium publishes in Dutch and French; the
// number formats are Belgium's: 18.000.000,00 (nl) and 18 000 000,00 (fr).
var Languages = []string{"en", "nl", "fr"}

var (
	langTags = []language.Tag{language.English, language.Dutch, language.French}
	matcher  language.Matcher
	strs     = catalog.NewBuilder(catalog.Fallback(language.English))
	keys     = map[string]bool{}
	// plurals are the keys whose text depends on a count, their first
	// argument: KEY is the text for most counts, KEY.one for the counts
	// the language's rules call "one".
	plurals = map[string]bool{}
)

// oneSuffix marks the variant of a key for the counts a language calls one.
const oneSuffix = ".one"

// loadCatalog fills the catalog, once, when the first Lang is made: a
// command that reports nothing (pledger --help, add, import) does not pay
// for it at start.
var loadCatalog = sync.OnceFunc(func() {
	matcher = language.NewMatcher(langTags)
	// One catalog, one mechanism: the words reports share
	// (reports/i18n.json) and the words of the web app's pages
	// (reports/ui.json, keys "ui.*"), each in every language.
	for _, file := range []string{"i18n.json", "ui.json"} {
		data, err := reports.FS.ReadFile(file)
		if err != nil {
			panic(err)
		}
		var m map[string]map[string]string
		if err := json.Unmarshal(data, &m); err != nil {
			panic(fmt.Sprintf("reports/%s: %v", file, err))
		}
		for i, code := range Languages {
			for k, v := range m[code] {
				if strings.HasSuffix(k, oneSuffix) {
					continue
				}
				var err error
				if one, ok := m[code][k+oneSuffix]; ok {
					// The language's CLDR plural rules (golang.org/x/text)
					// pick the form by the count, Lang.N's value.
					err = strs.Set(langTags[i], k, plural.Selectf(1, "", plural.One, one, plural.Other, v))
					plurals[k] = true
				} else {
					err = strs.SetString(langTags[i], k, v)
				}
				if err != nil {
					panic(fmt.Sprintf("reports/%s: %s: %v", file, k, err))
				}
				keys[k] = true
			}
		}
	}
	data, err := reports.FS.ReadFile("parties.json")
	if err != nil {
		panic(err)
	}
	if err := json.Unmarshal(data, &orgNames); err != nil {
		panic(fmt.Sprintf("reports/parties.json: %v", err))
	}
})

// orgNames are the built-in organisations' names in every language
// (reports/parties.json); states' names come from CLDR.
var orgNames map[string]map[string]string

// Words returns the catalog's text of every key with prefix in language
// code, as written in the file (verbs unfilled): for a test that checks
// every language has every word.
func Words(code, prefix string) map[string]string {
	out := map[string]string{}
	for _, file := range []string{"i18n.json", "ui.json"} {
		data, _ := reports.FS.ReadFile(file)
		var m map[string]map[string]string
		if json.Unmarshal(data, &m) != nil {
			continue
		}
		for k, v := range m[code] {
			if strings.HasPrefix(k, prefix) {
				out[k] = v
			}
		}
	}
	return out
}

// Lang formats words and numbers for one reader.
type Lang struct {
	Code string // en, nl, fr
	// Codes shows parties, places, sectors and needs by their codes (USA,
	// IRQ, demining, coal-need-2021-stab) instead of their names in the
	// reader's language.
	Codes    bool
	tag      language.Tag
	p        *message.Printer
	group    string
	decimals string
	// sectorNames are the names of sectors a ledger added to the
	// vocabulary, by code then language (see WithSectors).
	sectorNames map[string]map[string]string
}

// ParseLang matches a --lang value (en, nl, fr, or a tag such as nl-BE) to
// a language pledger reports in. Anything else is an error.
func ParseLang(s string) (*Lang, error) {
	if s == "" {
		s = "en"
	}
	t, err := language.Parse(s)
	if err != nil {
		return nil, ledger.Fail(ledger.ErrInvalid, "bad_lang", "lang", s, "%q: use en, nl or fr", s)
	}
	loadCatalog()
	_, i, conf := matcher.Match(t)
	if conf < language.High {
		return nil, ledger.Fail(ledger.ErrInvalid, "bad_lang", "lang", s, "%q: reports are in en, nl or fr", s)
	}
	l := &Lang{Code: Languages[i], tag: langTags[i], p: message.NewPrinter(langTags[i], message.Catalog(strs))}
	switch l.Code {
	case "nl":
		l.group, l.decimals = ".", ","
	case "fr":
		l.group, l.decimals = " ", ","
	default:
		l.group, l.decimals = ",", "."
	}
	return l, nil
}

// MustLang is ParseLang for a code known to be good (en, nl, fr).
func MustLang(code string) *Lang {
	l, err := ParseLang(code)
	if err != nil {
		panic(err)
	}
	return l
}

// T translates a key of reports/i18n.json or reports/ui.json, filling %s verbs with args
// (pass strings: numbers are formatted by the caller, never by x/text). A
// key with plural forms (KEY and KEY.one in the file) takes its count
// first, as l.N(count), and reads as the language's rules ask for it.
func (l *Lang) T(key string, args ...any) string {
	if !keys[key] {
		panic("model: no translation key " + key)
	}
	if plurals[key] {
		if len(args) == 0 {
			panic("model: " + key + " has plural forms: pass its count first, as Lang.N")
		}
		if _, ok := args[0].(Num); !ok {
			panic("model: " + key + " has plural forms: pass its count first, as Lang.N")
		}
	}
	return l.p.Sprintf(key, args...)
}

// Num is a count as the reader writes it (grouped in thousands, in the
// reader's language) that keeps its value, so that a message with plural
// forms picks the one the language's rules ask for.
type Num struct {
	n    int
	text string
}

// N is n as a count for T.
func (l *Lang) N(n int) Num { return Num{n: n, text: l.Number(decimal.NewFromInt(int64(n)), 0)} }

// String is the count as written.
func (c Num) String() string { return c.text }

// PluralForm is the CLDR plural form of the count in language t (the
// interface golang.org/x/text/feature/plural selects messages by).
func (c Num) PluralForm(t language.Tag, scale int) (plural.Form, int) {
	n := c.n
	if n < 0 {
		n = -n
	}
	return plural.Cardinal.MatchPlural(t, n, 0, 0, 0, 0), n
}

// Plural is the word for n things, by the language's CLDR plural rules
// (golang.org/x/text/feature/plural): the catalog's word one when the
// language counts n as one (English and Dutch: 1; French: 0 and 1), else
// the word other. Both are keys: Plural(n, "entry", "entries").
func (l *Lang) Plural(n int, one, other string) string {
	if f, _ := (Num{n: n}).PluralForm(l.tag, 0); f == plural.One {
		return l.T(one)
	}
	return l.T(other)
}

// HowMany is n and the word for n things: "1 entry", "0 écriture",
// "2 écritures", "1.250 toezeggingen".
func (l *Lang) HowMany(n int, one, other string) string {
	return l.N(n).String() + " " + l.Plural(n, one, other)
}

// PartyName is "NAME (CODE)", a state's name in the reader's language
// (from golang.org/x/text's display names).
func (l *Lang) PartyName(p ledger.Party) string {
	name := p.Name
	if p.Type == "state" {
		if r, err := language.ParseRegion(p.Code); err == nil {
			if n := display.Regions(l.tag).Name(r); n != "" {
				name = n
			}
		}
	}
	return name + " (" + p.Code + ")"
}

// PartyLabel is how a party reads in a table or a chart: a state by its
// name in the reader's language (CLDR, from golang.org/x/text: België,
// Belgique, Belgium), a built-in organisation by its name in that language,
// another party by the name it was recorded with (stored, "" if unknown);
// its code when Codes is set or no name is known.
func (l *Lang) PartyLabel(code, stored string) string {
	if l.Codes || code == "" {
		return code
	}
	if n := orgNames[code][l.Code]; n != "" {
		return n
	}
	if n := l.regionName(code); n != "" {
		return n
	}
	if stored != "" {
		return stored
	}
	return code
}

// PlaceName is a place (an ISO 3166-1 code) by its name in the reader's
// language (Irak, Syrie); its code when Codes is set or it has no name.
func (l *Lang) PlaceName(code string) string {
	if l.Codes {
		return code
	}
	if n := l.regionName(code); n != "" {
		return n
	}
	return code
}

func (l *Lang) regionName(code string) string {
	if len(code) != 3 || strings.ToUpper(code) != code {
		return ""
	}
	r, err := language.ParseRegion(code)
	if err != nil || !r.IsCountry() {
		return ""
	}
	return display.Regions(l.tag).Name(r)
}

// WithSectors is l reading also the sectors a ledger added to the
// vocabulary by their names (by code, then language: Model.SectorNames).
func (l *Lang) WithSectors(names map[string]map[string]string) *Lang {
	if len(names) == 0 {
		return l
	}
	c := *l
	c.sectorNames = names
	return &c
}

// SectorLabel is how a sector reads in a table or a chart: a sector of the
// vocabulary by its name in the reader's language (reports/sectors.json,
// or the names it was added with: WithSectors); its code when Codes is
// set. A sector outside the vocabulary (recorded before it) reads as it
// was recorded.
func (l *Lang) SectorLabel(code string) string {
	if l.Codes {
		return code
	}
	if n := l.sectorNames[code][l.Code]; n != "" {
		return n
	}
	if s, ok := ledger.BuiltinSectors().Get(code); ok && s.Name[l.Code] != "" {
		return s.Name[l.Code]
	}
	return code
}

// RefName is how an entry named by its ref reads where there is room for
// one name (a chart's axis): its title when it has one, else its ref; the
// ref when Codes is set.
func (l *Lang) RefName(ref, title string) string {
	if l.Codes || title == "" {
		return ref
	}
	return title
}

// RefLabel is how an entry named by its ref reads in a table: "Title
// (ref)" when it has a title, its ref otherwise or when Codes is set.
func (l *Lang) RefLabel(ref, title string) string {
	if l.Codes || title == "" {
		return ref
	}
	return title + " (" + ref + ")"
}

// Has tells whether the catalog has key.
func (l *Lang) Has(key string) bool { return keys[key] }

// Kind translates a kind.
func (l *Lang) Kind(k string) string {
	if keys["kind."+k] {
		return l.T("kind." + k)
	}
	return k
}

// Kinds is a kind in the plural: "the total of pledges".
func (l *Lang) Kinds(k string) string {
	if keys["kinds."+k] {
		return l.T("kinds." + k)
	}
	return l.Kind(k)
}

// Number writes d with places decimals, grouped in thousands, from the
// decimal's own digits (never through a float).
func (l *Lang) Number(d decimal.Decimal, places int32) string {
	s := d.RoundBank(places).StringFixed(places)
	neg := strings.HasPrefix(s, "-")
	s = strings.TrimPrefix(s, "-")
	intPart, frac, _ := strings.Cut(s, ".")
	var b strings.Builder
	if neg {
		b.WriteByte('-')
	}
	for i, r := range intPart {
		if i > 0 && (len(intPart)-i)%3 == 0 {
			b.WriteString(l.group)
		}
		b.WriteRune(r)
	}
	if places > 0 {
		b.WriteString(l.decimals + frac)
	}
	return b.String()
}

// Amount writes an amount cell: "more than 18,000,000.00 EUR" when every
// entry in it is at-least, with the qualifier in the reader's words.
func (l *Lang) Amount(c Cell, cur string, units int32) string {
	if c.Empty {
		return ""
	}
	s := l.Number(c.Value, units) + " " + cur
	if c.Qualifier != "" && c.Qualifier != string(ledger.Exact) {
		s = l.T("q."+c.Qualifier) + " " + s
	}
	if c.Bound != "" {
		s += " (" + l.T("bound."+c.Bound) + ")"
	}
	return s
}

// Units a report's amounts may be shown in, and the decimals shown.
var unitShift = map[string]struct{ exp, places int32 }{"thousand": {3, 0}, "million": {6, 1}, "billion": {9, 2}}

// UnitShift is how a display unit shows an amount: the power of ten it
// divides by (thousand: 3) and the decimals shown; ok is false for one
// ("") or an unknown unit.
func UnitShift(unit string) (exp, places int32, ok bool) {
	u, ok := unitShift[unit]
	return u.exp, u.places, ok
}

// ParseUnit checks a display unit: one (or ""), thousand, million or
// billion; it returns "" for one.
func ParseUnit(s string) (string, error) {
	switch s = strings.ToLower(strings.TrimSpace(s)); s {
	case "", "one", "1":
		return "", nil
	}
	if _, ok := unitShift[s]; ok {
		return s, nil
	}
	return "", ledger.Fail(ledger.ErrInvalid, "bad_unit", "unit", s, "%q: use one, thousand, million or billion", s)
}

// AmountIn writes an amount cell in a display unit ("670.0 million USD"),
// rounded half to even for display only; unit "" is Amount.
func (l *Lang) AmountIn(c Cell, cur string, units int32, unit string) string {
	u, ok := unitShift[unit]
	if !ok || c.Empty {
		return l.Amount(c, cur, units)
	}
	shown := c
	shown.Value = c.Value.Shift(-u.exp)
	s := l.Amount(shown, cur, u.places)
	// The unit word goes before the currency: "670.0 million USD".
	return strings.Replace(s, l.Number(shown.Value, u.places)+" "+cur, l.Number(shown.Value, u.places)+" "+l.T("unit."+unit)+" "+cur, 1)
}

// Count writes a count cell: "about 250" when every entry in it is stated
// as about, with the qualifier and any bound in the reader's words, as
// Amount does for money.
func (l *Lang) Count(c Cell) string {
	if c.Empty {
		return ""
	}
	s := l.Number(decimal.NewFromInt(c.Int), 0)
	if c.Qualifier != "" && c.Qualifier != string(ledger.Exact) {
		s = l.T("q."+c.Qualifier) + " " + s
	}
	if c.Bound != "" {
		s += " (" + l.T("bound."+c.Bound) + ")"
	}
	return s
}

// Date writes a date cell as stated, or "start unknown" in the reader's
// words for a date stated as unknown (ledger.Unknown).
func (l *Lang) Date(text string) string {
	if text == ledger.Unknown {
		return l.T("start-unknown")
	}
	return text
}

// Percent writes a percentage with one decimal.
func (l *Lang) Percent(d decimal.Decimal) string {
	if l.Code == "fr" {
		return l.Number(d, 1) + " %"
	}
	return l.Number(d, 1) + "%"
}

// List writes a list cell of column col (a sector or location field, a
// ';'-joined list): its values by their names (SectorLabel, PlaceName)
// joined by ", ", each share as a percentage ("Ontmijning (40%), Kampen en
// ontheemden (60%)"), and the pseudo-value of a shared entry
// (ledger.Multiple) in the reader's words.
func (l *Lang) List(col, text string) string {
	if text == ledger.Multiple && keys["multiple."+col] {
		return l.T("multiple." + col)
	}
	values, shares := ledger.ReadSplit(text)
	for i, v := range values {
		values[i] = strings.TrimSpace(v)
		switch col {
		case "location":
			values[i] = l.PlaceName(values[i])
		case "sector":
			values[i] = l.SectorLabel(values[i])
		}
		if shares != nil {
			pct := l.Number(shares[i], max(0, -shares[i].Exponent()))
			if l.Code == "fr" {
				pct += " %"
			} else {
				pct += "%"
			}
			values[i] += " (" + pct + ")"
		}
	}
	return strings.Join(values, ", ")
}

// Colon ends a label: "Valuation:" in English and Dutch, "Valorisation :"
// in French.
func (l *Lang) Colon() string {
	if l.Code == "fr" {
		return " :"
	}
	return ":"
}

var months = map[string][12]string{
	"en": {"January", "February", "March", "April", "May", "June", "July", "August", "September", "October", "November", "December"},
	"nl": {"januari", "februari", "maart", "april", "mei", "juni", "juli", "augustus", "september", "oktober", "november", "december"},
	"fr": {"janvier", "février", "mars", "avril", "mai", "juin", "juillet", "août", "septembre", "octobre", "novembre", "décembre"},
}

// LongDate writes a day in words: "15 January 2026", "15 januari 2026",
// "1er janvier 2026".
func (l *Lang) LongDate(t time.Time) string {
	names, ok := months[l.Code]
	if !ok {
		names = months["en"]
	}
	d := strconv.Itoa(t.Day())
	if l.Code == "fr" && t.Day() == 1 {
		d = "1er"
	}
	return d + " " + names[t.Month()-1] + " " + strconv.Itoa(t.Year())
}

// Moment writes a moment in words, in UTC: "15 January 2026, 09:30 UTC".
func (l *Lang) Moment(t time.Time) string {
	t = t.UTC()
	sep := ", "
	if l.Code == "fr" {
		sep = " à "
	}
	return l.LongDate(t) + sep + t.Format("15:04") + " UTC"
}
