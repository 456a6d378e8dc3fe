package ledger

import (
	"fmt"
	"slices"
	"strconv"
	"strings"
	"sync"

	"github.com/coalition/pledger/internal/money"
	"github.com/shopspring/decimal"
	"golang.org/x/text/language"
)

// Kind is what an entry records.
type Kind string

const (
	Need         Kind = "need"
	Pledge       Kind = "pledge"
	Commitment   Kind = "commitment"
	Disbursement Kind = "disbursement"
	Deployment   Kind = "deployment"
)

// Kinds lists every kind in the order reports show them.
var Kinds = []Kind{Need, Pledge, Commitment, Disbursement, Deployment}

// Monetary reports whether the kind is about money (amount and currency
// required).
func (k Kind) Monetary() bool { return k != Deployment && k != "" }

// ParseKind checks s against the known kinds.
func ParseKind(s string) (Kind, error) {
	if slices.Contains(Kinds, Kind(s)) {
		return Kind(s), nil
	}
	return "", fmt.Errorf("%w: unknown kind %q: use one of need, pledge, commitment, disbursement, deployment", ErrInvalid, s)
}

// Qualifier says how exact a stated amount is: "meer dan 18 miljoen euro"
// is AtLeast.
type Qualifier string

const (
	Exact   Qualifier = "exact"
	AtLeast Qualifier = "at-least"
	About   Qualifier = "about"
	UpTo    Qualifier = "up-to"
)

// Qualifiers lists every qualifier.
var Qualifiers = []Qualifier{Exact, AtLeast, About, UpTo}

// Columns is the canonical CSV header, in order. illustrative and title
// came later, each last when it came: a file without them still imports
// (its entries are not illustrative and have no title).
var Columns = []string{"ref", "kind", "party", "date", "end", "amount", "currency", "qualifier",
	"quantity", "asset", "sector", "location", "toward", "fulfils", "source", "note", "illustrative", "title"}

// Fields is an entry as text, one value per canonical column: what a CSV
// row, a form or a command line gives. ParseEntry turns it into an Entry.
type Fields map[string]string

// Entry is one statement in the ledger.
type Entry struct {
	Ref       string
	Kind      Kind
	Party     string
	Date      Date
	End       Date // zero: open-ended or not stated
	Amount    decimal.NullDecimal
	Currency  money.Currency // zero Code when there is no amount
	Qualifier Qualifier
	Quantity  int64 // deployments: how many assets
	Asset     string
	Sectors   []string // sorted
	// SectorShares are the sectors' shares in percent, one per sector
	// summing to 100, or nil (see the share rule in split.go).
	SectorShares []decimal.Decimal
	Locations    []string // ISO 3166-1 alpha-3, sorted
	// LocationShares are the locations' shares, like SectorShares.
	LocationShares []decimal.Decimal
	Toward         string // ref of the need this entry addresses
	Fulfils        string // ref of the pledge or commitment this fulfils
	Source         string
	Note           string
	// Illustrative marks an entry that is not a published statement (an
	// example, an estimate for a demonstration): every report whose scope
	// includes one says so.
	Illustrative bool
	// Title names a need for a reader ("Stabilisation of liberated areas,
	// 2021"): reports show it, with the ref in small print. Only a need
	// has one; it is optional.
	Title string
}

// PartyLookup tells whether a party code is known.
type PartyLookup func(code string) bool

// Known is what ParseEntry checks an entry's codes against: the parties
// and the sector vocabulary.
type Known struct {
	Party   PartyLookup // nil: every party code is taken as known
	Sectors *Sectors    // nil: the built-in vocabulary (BuiltinSectors)
}

// RefRule says whether an entry may come without a ref.
type RefRule int

const (
	// RefRequired: the ref must be given (a CSV row, an amendment).
	RefRequired RefRule = iota
	// RefOptional: an empty ref is made from the entry's content, so that
	// the same statement entered twice gets the same ref and is refused
	// the second time (the command line, a web form, the API).
	RefOptional
)

// ParseEntry validates f and returns the entry it describes. line is the
// input line for the problems (0 for none). With RefOptional and no ref
// given, the entry gets a default ref: party, kind, date and a digest of
// the content. It checks everything that can be checked from the entry
// alone plus the party list and the sector vocabulary (see checks); links
// to other entries (toward, fulfils) are checked by the caller with
// CheckLink.
func ParseEntry(f Fields, line int, known Known, ref RefRule) (Entry, []Problem) {
	return parseEntry(&parser{f: f, line: line, known: known.Party, sectors: known.Sectors, refRule: ref})
}

func parseEntry(p *parser) (Entry, []Problem) {
	if p.sectors == nil {
		p.sectors = BuiltinSectors()
	}
	var e Entry
	for _, check := range checks {
		check(p, &e)
	}
	if len(p.ps.List) == 0 && e.Ref == "" && p.refRule == RefOptional {
		e.Ref = defaultRef(e)
	}
	return e, p.ps.List
}

// CheckLink checks that an entry of kind from, belonging to party, may point
// with field ("toward" or "fulfils") at an entry of kind to and party
// toParty. It returns "" when it may, or the problem.
func CheckLink(field string, from Kind, party string, to Kind, toParty string) string {
	switch field {
	case "toward":
		if to != Need {
			return fmt.Sprintf("must name a need, and that entry is a %s", to)
		}
	case "fulfils":
		ok := (from == Commitment && to == Pledge) || (from == Disbursement && (to == Pledge || to == Commitment))
		if !ok {
			return fmt.Sprintf("a %s cannot fulfil a %s (a commitment fulfils a pledge; a disbursement a pledge or a commitment)", from, to)
		}
		if party != toParty {
			return fmt.Sprintf("fulfils an entry of %s, but this entry is %s's", toParty, party)
		}
	}
	return ""
}

// ParseLocation turns an ISO 3166-1 alpha-3 (or alpha-2) country code into
// its alpha-3 form, using golang.org/x/text's region data.
func ParseLocation(s string) (string, bool) {
	code, ok := stateCodes()[strings.ToUpper(s)]
	return code, ok
}

var stateCodes = sync.OnceValue(func() map[string]string {
	m := map[string]string{}
	for _, p := range States() {
		m[p.Code] = p.Code
		r, _ := language.ParseRegion(p.Code)
		m[r.String()] = p.Code
	}
	return m
})

// Fields returns e as text in canonical form: what export writes, and what
// ParseEntry turns back into the same entry.
func (e Entry) Fields() Fields {
	rec := e.Record()
	f := make(Fields, len(Columns))
	for i, c := range Columns {
		f[c] = rec[i]
	}
	return f
}

// Record returns the canonical fields in column order (the order of
// Columns): what export writes and what ContentHash covers.
func (e Entry) Record() []string {
	var amount, qualifier, quantity string
	if e.Amount.Valid {
		amount = money.Fixed(e.Amount.Decimal, e.Currency)
	}
	if e.Qualifier != Exact {
		qualifier = string(e.Qualifier)
	}
	if e.Quantity > 0 {
		quantity = strconv.FormatInt(e.Quantity, 10)
	}
	illustrative := ""
	if e.Illustrative {
		illustrative = "true"
	}
	return []string{e.Ref, string(e.Kind), e.Party, e.Date.String(), e.End.String(), amount, e.Currency.Code,
		qualifier, quantity, e.Asset, FormatSplit(e.Sectors, e.SectorShares), FormatSplit(e.Locations, e.LocationShares),
		e.Toward, e.Fulfils, e.Source, e.Note, illustrative, e.Title}
}

// Amended applies changes (only the columns present) to cur and validates
// the result as a whole, as ParseEntry does. The ref and the kind cannot change:
// void the entry and add a new one instead. A sector field left as cur
// records it is kept as it is, even outside the vocabulary (an entry
// recorded before it): only a changed one must name its sectors.
func Amended(cur Entry, changes Fields, known Known) (Entry, []Problem) {
	f := cur.Fields()
	var ps Problems
	for k, v := range changes {
		switch k {
		case "ref":
			if strings.TrimSpace(v) != cur.Ref {
				ps.Add(0, "ref", "a ref cannot change: void this entry and add a new one")
			}
		case "kind":
			if strings.TrimSpace(v) != string(cur.Kind) {
				ps.Add(0, "kind", "the kind cannot change: void this entry and add a new one")
			}
		default:
			if !slices.Contains(Columns, k) {
				ps.Add(0, k, "unknown field")
			}
		}
		f[k] = v
	}
	e, more := parseEntry(&parser{f: f, known: known.Party, sectors: known.Sectors, refRule: RefRequired, recorded: &cur})
	ps.List = append(ps.List, more...)
	if len(ps.List) == 0 && ContentHash(e) == ContentHash(cur) {
		ps.List = append(ps.List, Problem{Code: CodeUnchanged, Msg: "nothing changes: the amendment equals the current entry"})
	}
	return e, ps.List
}

// CheckReason checks the reason an amendment or a withdrawal must give:
// not empty, and keeping the text rules (one line).
func CheckReason(reason string) []Problem {
	_, ps := CleanReason(reason)
	return ps
}

// CleanReason is CheckReason that also returns the reason as it is
// recorded: trimmed, in NFC.
func CleanReason(reason string) (string, []Problem) {
	if strings.TrimSpace(reason) == "" {
		return "", []Problem{{Field: "reason", Code: CodeRequired, Msg: "required: say why the entry is corrected or withdrawn"}}
	}
	clean, p := CleanText("reason", reason)
	if p != nil {
		return "", []Problem{*p}
	}
	return clean, nil
}

// defaultRef makes a ref for an entry given without one: party, kind, date
// and a digest of the content, so that the same statement entered twice
// gets the same ref and is refused the second time.
func defaultRef(e Entry) string {
	e.Ref = ""
	return strings.ToLower(fmt.Sprintf("%s-%s-%s-%s", e.Party, e.Kind, e.Date, ContentHash(e)[:8]))
}
