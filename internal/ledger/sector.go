package ledger

import (
	"bytes"
	"encoding/json"
	"fmt"
	"maps"
	"slices"
	"strings"
	"sync"
	"unicode"
	"unicode/utf8"

	"github.com/coalition/pledger/reports"
	"golang.org/x/text/unicode/norm"
)

// The sector vocabulary. An entry's sectors are codes of one list: the
// Coalition's lines of effort and what members fund under them, shipped as
// data (reports/sectors.json: each code with its name in en, nl and fr and
// the other spellings that mean it), plus the sectors a ledger adds
// (pledger sector add), recorded in its chain. Every door (the command
// line, a form, the API, a CSV or Excel import) reads a sector the same
// way: its code, one of its names or another known spelling, in any case
// and with or without accents ("Stabilization", "wederopbouw",
// "Déminage"), is stored as the code; anything else is refused, naming the
// codes close to what was typed.
//
// Entries recorded before the vocabulary may hold other sectors. They stay
// as recorded (the ledger holds what was stated, and its hashes still
// verify), reports show them as they were written, and a correction that
// leaves the sector as it is keeps it; a correction that changes it must
// name sectors of the vocabulary.

// Sector is one sector of the vocabulary.
type Sector struct {
	Code string `json:"code"`
	// Name is the sector's name in each of SectorLanguages.
	Name map[string]string `json:"name"`
	// Spellings are other ways of writing it that mean the sector, in any
	// language (its code and names need not be listed).
	Spellings []string `json:"spellings,omitempty"`
	// Added says the sector was added to the ledger, not shipped.
	Added bool `json:"-"`
}

// SectorLanguages are the languages every sector is named in.
var SectorLanguages = []string{"en", "nl", "fr"}

// Sectors is a sector vocabulary: the built-in sectors and those a ledger
// added. It is read-only once made; With makes a larger one.
type Sectors struct {
	list []Sector
	by   map[string]int // every folded spelling -> its sector's index in list
	code map[string]int // every code -> its sector's index in list
}

// CodeUnknownSector: a sector that is not in the vocabulary; Value is the
// sector as given.
const CodeUnknownSector = "unknown_sector"

// maxSectorCode is the length of the longest sector code.
const maxSectorCode = 40

// LoadSectors reads a vocabulary file (the shape of reports/sectors.json)
// and checks it: every code well formed, every sector named in every
// language, no spelling meaning two sectors.
func LoadSectors(data []byte) (*Sectors, error) {
	var raw struct {
		Sectors []Sector `json:"sectors"`
	}
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&raw); err != nil {
		return nil, fmt.Errorf("sector vocabulary: %w", err)
	}
	v := &Sectors{by: map[string]int{}, code: map[string]int{}}
	for _, s := range raw.Sectors {
		if _, err := NewSector(s.Code, s.Name, s.Spellings); err != nil {
			return nil, fmt.Errorf("sector vocabulary: %s: %w", s.Code, err)
		}
		if err := v.add(s); err != nil {
			return nil, fmt.Errorf("sector vocabulary: %w", err)
		}
	}
	return v, nil
}

// BuiltinSectors is the vocabulary shipped with pledger
// (reports/sectors.json).
var BuiltinSectors = sync.OnceValue(func() *Sectors {
	data, err := reports.FS.ReadFile("sectors.json")
	if err != nil {
		panic(err)
	}
	v, err := LoadSectors(data)
	if err != nil {
		panic("reports/sectors.json: " + err.Error())
	}
	return v
})

// With is the vocabulary v (nil: the built-in one) with the added sectors,
// or an error naming a spelling that two sectors would share.
func (v *Sectors) With(added []Sector) (*Sectors, error) {
	if v == nil {
		v = BuiltinSectors()
	}
	out := &Sectors{list: slices.Clone(v.list), by: maps.Clone(v.by), code: maps.Clone(v.code)}
	for _, s := range added {
		s.Added = true
		if err := out.add(s); err != nil {
			return nil, err
		}
	}
	return out, nil
}

// add appends s, with every spelling of it.
func (v *Sectors) add(s Sector) error {
	i := len(v.list)
	spell := append([]string{s.Code}, s.Spellings...)
	for _, lang := range SectorLanguages {
		spell = append(spell, s.Name[lang])
	}
	for _, sp := range spell {
		k := FoldSpelling(sp)
		if k == "" {
			continue
		}
		if j, ok := v.by[k]; ok && j != i {
			return Fail(ErrConflict, "sector_spelling_taken", "sector", sp, "%q already means the sector %s", sp, v.list[j].Code)
		}
		v.by[k] = i
	}
	v.code[s.Code] = i
	v.list = append(v.list, s)
	return nil
}

// List is every sector, the built-in ones in their file's order, then
// the added ones in the order they were added.
func (v *Sectors) List() []Sector {
	if v == nil {
		v = BuiltinSectors()
	}
	return slices.Clone(v.list)
}

// Get returns the sector whose code is code.
func (v *Sectors) Get(code string) (Sector, bool) {
	if v == nil {
		v = BuiltinSectors()
	}
	if i, ok := v.code[code]; ok {
		return v.list[i], true
	}
	return Sector{}, false
}

// Has tells whether code is a code of the vocabulary (exactly: what an
// entry stores).
func (v *Sectors) Has(code string) bool {
	_, ok := v.Get(code)
	return ok
}

// Lookup reads a sector as a person wrote it: its code, a name or another
// known spelling, in any case, with or without accents, with spaces,
// hyphens or underscores alike. It returns the code.
func (v *Sectors) Lookup(s string) (string, bool) {
	if v == nil {
		v = BuiltinSectors()
	}
	if i, ok := v.code[s]; ok {
		return v.list[i].Code, true // the code itself: most of what an import reads
	}
	i, ok := v.by[FoldSpelling(s)]
	if !ok {
		return "", false
	}
	return v.list[i].Code, true
}

// Codes are the codes of the vocabulary, in List's order.
func (v *Sectors) Codes() []string {
	list := v.List()
	out := make([]string, len(list))
	for i, s := range list {
		out[i] = s.Code
	}
	return out
}

// maxClose is how many close matches a problem names.
const maxClose = 5

// Close returns the codes of the sectors that s may have meant, best
// first: those with a spelling at a small edit distance from it (a typo,
// two letters swapped), or that start with it ("stab"), or whose spelling
// it starts with ("demining support"). At most maxClose.
func (v *Sectors) Close(s string) []string {
	if v == nil {
		v = BuiltinSectors()
	}
	f := FoldSpelling(s)
	if f == "" {
		return nil
	}
	best := map[int]int{} // sector index -> best score (lower is closer)
	for k, i := range v.by {
		score := -1
		if d := editDistance(f, k); d <= allowedEdits(k) {
			score = 2 * d
		}
		if score < 0 && closeByPrefix(f, k) {
			score = 3
		}
		if score >= 0 {
			if b, ok := best[i]; !ok || score < b {
				best[i] = score
			}
		}
	}
	idx := make([]int, 0, len(best))
	for i := range best {
		idx = append(idx, i)
	}
	slices.SortFunc(idx, func(a, b int) int {
		if best[a] != best[b] {
			return best[a] - best[b]
		}
		return a - b
	})
	out := make([]string, 0, min(len(idx), maxClose))
	for _, i := range idx[:min(len(idx), maxClose)] {
		out = append(out, v.list[i].Code)
	}
	return out
}

// allowedEdits is how many edits away from a spelling a typo may be: one
// for a short word, two for a longer one, three for a long one.
func allowedEdits(k string) int {
	switch n := utf8.RuneCountInString(k); {
	case n <= 4:
		return 1
	case n <= 10:
		return 2
	default:
		return 3
	}
}

// closeByPrefix: f (at least three letters) begins k or one of its words
// ("stab", "fighters"), or k (at least four letters) begins f as a word
// ("demining support").
func closeByPrefix(f, k string) bool {
	if utf8.RuneCountInString(f) >= 3 {
		if strings.HasPrefix(k, f) {
			return true
		}
		for w := range strings.FieldsSeq(k) {
			if utf8.RuneCountInString(f) >= 4 && strings.HasPrefix(w, f) {
				return true
			}
		}
	}
	return utf8.RuneCountInString(k) >= 4 && strings.HasPrefix(f, k+" ")
}

// editDistance is the optimal string alignment distance between a and b,
// in runes: insertions, deletions, substitutions and swaps of two
// neighbours cost one each.
func editDistance(a, b string) int {
	x, y := []rune(a), []rune(b)
	if len(x) == 0 || len(y) == 0 {
		return max(len(x), len(y))
	}
	prev2 := make([]int, len(y)+1)
	prev := make([]int, len(y)+1)
	cur := make([]int, len(y)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(x); i++ {
		cur[0] = i
		for j := 1; j <= len(y); j++ {
			cost := 1
			if x[i-1] == y[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
			if i > 1 && j > 1 && x[i-1] == y[j-2] && x[i-2] == y[j-1] {
				cur[j] = min(cur[j], prev2[j-2]+1)
			}
		}
		prev2, prev, cur = prev, cur, prev2
	}
	return prev[len(y)]
}

// FoldSpelling is the form in which spellings are compared: lower case,
// without accents, every run of characters that are not letters or digits
// one space, trimmed ("Déminage" and "deminage", "counter-financing" and
// "Counter financing" fold alike).
func FoldSpelling(s string) string {
	if !isASCII(s) {
		// Decomposed, an accented letter is its letter and a combining
		// mark, which is dropped below.
		s = norm.NFD.String(s)
	}
	var b strings.Builder
	b.Grow(len(s))
	space := false
	for _, r := range s {
		var keep bool
		if r < utf8.RuneSelf {
			if r >= 'A' && r <= 'Z' {
				r += 'a' - 'A'
			}
			keep = r >= 'a' && r <= 'z' || r >= '0' && r <= '9'
		} else {
			if unicode.Is(unicode.Mn, r) {
				continue
			}
			r = unicode.ToLower(r)
			keep = unicode.IsLetter(r) || unicode.IsDigit(r)
		}
		if keep {
			if space && b.Len() > 0 {
				b.WriteByte(' ')
			}
			space = false
			b.WriteRune(r)
			continue
		}
		space = true
	}
	return b.String()
}

func isASCII(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] >= utf8.RuneSelf {
			return false
		}
	}
	return true
}

// NewSector checks a sector a user adds (or the shipped file holds): a
// code of lower-case letters, digits and hyphens (1 to 40, starting with a
// letter; never multiple), a name in every language of SectorLanguages,
// and other spellings without ';' or ':' (they separate an entry's
// sectors and their shares); names and spellings keep the text rules. It does not know the other sectors: With
// refuses a spelling another sector has.
func NewSector(code string, names map[string]string, spellings []string) (Sector, error) {
	var ps Problems
	code = strings.TrimSpace(code)
	switch {
	case code == "" || len(code) > maxSectorCode:
		ps.Add(0, "code", "a sector code has 1 to %d characters", maxSectorCode)
	case !validSectorCode(code):
		ps.Add(0, "code", "%q: use lower-case letters a-z, digits and hyphens, starting with a letter (e.g. mine-risk-education)", Clip(code))
	case code == Multiple:
		ps.Add(0, "code", "%q is what reports call an entry shared between several sectors", Multiple)
	}
	s := Sector{Code: code, Name: map[string]string{}}
	for _, lang := range SectorLanguages {
		field := "name-" + lang
		n, p := CleanText(field, names[lang])
		switch {
		case p != nil:
			ps.List = append(ps.List, *p)
		case n == "":
			ps.List = append(ps.List, Problem{Field: field, Code: CodeRequired, Msg: fmt.Sprintf("required: the sector's name in %s", languageNames[lang])})
		}
		s.Name[lang] = n
	}
	for k := range names {
		if !slices.Contains(SectorLanguages, k) {
			ps.Add(0, "name-"+k, "a sector is named in %s only", strings.Join(SectorLanguages, ", "))
		}
	}
	for _, sp := range spellings {
		sp, p := CleanText("spelling", sp)
		switch {
		case p != nil:
			ps.List = append(ps.List, *p)
		case sp == "":
			continue
		case strings.ContainsAny(sp, ";:"):
			ps.Add(0, "spelling", "%q: a spelling cannot hold ';' or ':'", Clip(sp))
		case FoldSpelling(sp) == "":
			ps.Add(0, "spelling", "%q has no letter or digit", Clip(sp))
		case FoldSpelling(sp) == Multiple:
			ps.Add(0, "spelling", "%q is what reports call an entry shared between several sectors", Multiple)
		}
		s.Spellings = append(s.Spellings, sp)
	}
	if err := ps.Err(); err != nil {
		return Sector{}, err
	}
	return s, nil
}

var languageNames = map[string]string{"en": "English", "nl": "Dutch", "fr": "French"}

func validSectorCode(s string) bool {
	for i, r := range s {
		switch {
		case r >= 'a' && r <= 'z':
		case i > 0 && (r >= '0' && r <= '9' || r == '-'):
		default:
			return false
		}
	}
	return !strings.HasSuffix(s, "-") && !strings.Contains(s, "--")
}

// sectorProblem is what is wrong with a sector as given: unknown, with
// the codes close to it, or every code when none is.
func (v *Sectors) sectorProblem(s string) Problem {
	p := Problem{Field: "sector", Code: CodeUnknownSector, Value: Clip(s)}
	if close := v.Close(s); len(close) > 0 {
		names := make([]string, len(close))
		for i, c := range close {
			sec, _ := v.Get(c)
			names[i] = fmt.Sprintf("%s (%s)", c, sec.Name["en"])
		}
		p.Msg = fmt.Sprintf("unknown sector %q: did you mean %s?", Clip(s), orList(names))
		return p
	}
	codes := v.Codes()
	const shown = 12
	list := strings.Join(codes[:min(len(codes), shown)], ", ")
	if len(codes) > shown {
		list += fmt.Sprintf(" and %d more", len(codes)-shown)
	}
	p.Msg = fmt.Sprintf("unknown sector %q: not in the sector vocabulary (%s)", Clip(s), list)
	return p
}

// orList writes "a", "a or b", "a, b or c".
func orList(xs []string) string {
	if len(xs) <= 1 {
		return strings.Join(xs, "")
	}
	return strings.Join(xs[:len(xs)-1], ", ") + " or " + xs[len(xs)-1]
}
