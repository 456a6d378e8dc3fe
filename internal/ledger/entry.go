package ledger

import (
	"fmt"
	"strconv"
	"strings"
	"sync"
	"unicode"
	"unicode/utf8"

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
	for _, k := range Kinds {
		if string(k) == s {
			return k, nil
		}
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

// Columns is the canonical CSV header, in order.
var Columns = []string{"ref", "kind", "party", "date", "end", "amount", "currency", "qualifier",
	"quantity", "asset", "sector", "location", "toward", "fulfils", "source", "note"}

// Fields is an entry as text, one value per canonical column: what a CSV
// row, a form or a command line gives. Parse turns it into an Entry.
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
	Sectors   []string
	Locations []string // ISO 3166-1 alpha-3
	Toward    string   // ref of the need this entry addresses
	Fulfils   string   // ref of the pledge or commitment this fulfils
	Source    string
	Note      string
}

// Limits on text fields, so that a runaway spreadsheet cell is refused with
// a message rather than stored.
const (
	maxRef    = 100
	maxShort  = 200  // party, asset, one sector
	maxSource = 2000 // source
	maxNote   = 10000
)

// PartyLookup tells whether a party code is known.
type PartyLookup func(code string) bool

// Parse validates f and returns the entry it describes. line is the input
// line for the problems (0 for none). It checks everything that can be
// checked from the entry alone plus the party list; links to other entries
// (toward, fulfils) are checked by the caller with CheckLink.
func Parse(f Fields, line int, known PartyLookup) (Entry, []Problem) {
	return parse(f, line, known, true)
}

// ParseNew is Parse for an entry whose ref is not given yet: the caller
// makes one with DefaultRef.
func ParseNew(f Fields, known PartyLookup) (Entry, []Problem) {
	return parse(f, 0, known, false)
}

func parse(f Fields, line int, known PartyLookup, needRef bool) (Entry, []Problem) {
	var ps Problems
	bad := func(field, format string, args ...any) { ps.Add(line, field, format, args...) }
	get := func(k string) string { return strings.TrimSpace(f[k]) }
	var e Entry

	e.Ref = get("ref")
	if !needRef {
		// made by DefaultRef once the content is known
	} else if e.Ref == "" {
		bad("ref", "required: a unique key for the entry, e.g. bel-pledge-2021")
	} else if msg := checkRef(e.Ref); msg != "" {
		bad("ref", "%s", msg)
	}

	kind, err := ParseKind(get("kind"))
	if get("kind") == "" {
		bad("kind", "required: one of need, pledge, commitment, disbursement, deployment")
	} else if err != nil {
		bad("kind", "unknown kind %q: use one of need, pledge, commitment, disbursement, deployment", Clip(get("kind")))
	}
	e.Kind = kind

	e.Party = strings.ToUpper(get("party"))
	switch {
	case e.Party == "":
		bad("party", "required: an ISO 3166-1 alpha-3 code such as BEL, or an organisation such as EU")
	case len(e.Party) > 16:
		bad("party", "party code too long (16 characters at most)")
	case known != nil && !known(e.Party):
		bad("party", "unknown party %q: add it first with `pledger party add %s --name \"...\"`", get("party"), e.Party)
	}

	if s := get("date"); s == "" {
		bad("date", "required: YYYY, YYYY-MM or YYYY-MM-DD")
	} else if d, err := ParseDate(s); err != nil {
		bad("date", "%s", strings.TrimPrefix(err.Error(), ErrInvalid.Error()+": "))
	} else {
		e.Date = d
	}
	if s := get("end"); s != "" {
		if d, err := ParseDate(s); err != nil {
			bad("end", "%s", strings.TrimPrefix(err.Error(), ErrInvalid.Error()+": "))
		} else {
			e.End = d
			if !e.Date.IsZero() && d.Last().Before(e.Date.First()) {
				bad("end", "end %s is before date %s", d, e.Date)
			}
		}
	}

	amount, cur := get("amount"), get("currency")
	if cur != "" {
		c, err := money.ParseCurrency(cur)
		if err != nil {
			bad("currency", "unknown currency %q: use an ISO 4217 code such as EUR, USD or GBP", Clip(cur))
		} else {
			e.Currency = c
		}
	}
	if amount != "" {
		d, err := money.ParseDecimal(amount)
		switch {
		case err != nil:
			bad("amount", "%q is not a number: use digits with '.' as decimal separator, e.g. 18000000.00", Clip(amount))
		case !d.IsPositive():
			bad("amount", "%s: must be greater than zero", amount)
		case cur == "":
			bad("currency", "required with an amount: an ISO 4217 code such as EUR")
		case e.Currency.Code != "":
			if err := money.CheckAmount(d, e.Currency); err != nil {
				bad("amount", "%s", strings.TrimPrefix(err.Error(), money.ErrAmount.Error()+" "))
			} else {
				e.Amount = decimal.NullDecimal{Decimal: d, Valid: true}
			}
		}
	} else if cur != "" && e.Kind.Monetary() {
		bad("amount", "required with a currency")
	} else if cur != "" && e.Kind == Deployment {
		bad("amount", "a currency without an amount: give the deployment's cost or leave currency empty")
	}
	if e.Kind.Monetary() && amount == "" && cur == "" {
		bad("amount", "required for a %s: an amount greater than zero, with its currency", e.Kind)
	}

	switch q := get("qualifier"); q {
	case "", string(Exact):
		e.Qualifier = Exact
	case string(AtLeast), string(About), string(UpTo):
		e.Qualifier = Qualifier(q)
		if amount == "" {
			bad("qualifier", "%s qualifies an amount, and there is none", q)
		}
	default:
		bad("qualifier", "unknown qualifier %q: use exact, at-least, about or up-to", Clip(q))
	}

	qty, asset := get("quantity"), get("asset")
	if qty != "" {
		n, err := strconv.ParseInt(qty, 10, 64)
		switch {
		case err != nil:
			bad("quantity", "%q is not a whole number", Clip(qty))
		case n <= 0:
			bad("quantity", "%s: must be greater than zero", Clip(qty))
		default:
			e.Quantity = n
		}
	}
	e.Asset = asset
	if e.Kind == Deployment {
		if qty == "" {
			bad("quantity", "required for a deployment: how many, e.g. 4")
		}
		if asset == "" {
			bad("asset", "required for a deployment: what, e.g. F-16")
		}
	} else if e.Kind != "" {
		if qty != "" {
			bad("quantity", "only deployments have a quantity")
		}
		if asset != "" {
			bad("asset", "only deployments have an asset")
		}
	}
	if utf8.RuneCountInString(asset) > maxShort {
		bad("asset", "too long (%d characters at most)", maxShort)
	}

	e.Sectors = splitList(get("sector"))
	for _, s := range e.Sectors {
		if utf8.RuneCountInString(s) > maxShort {
			bad("sector", "value too long (%d characters at most)", maxShort)
		} else if hasControl(s) {
			bad("sector", "control characters are not allowed")
		}
	}
	for _, l := range splitList(get("location")) {
		code, ok := ParseLocation(l)
		if !ok {
			bad("location", "%q is not an ISO 3166-1 country code: use alpha-3 codes such as IRQ;SYR", Clip(l))
			continue
		}
		e.Locations = appendUnique(e.Locations, code)
	}

	e.Toward, e.Fulfils = get("toward"), get("fulfils")
	for field, v := range map[string]string{"toward": e.Toward, "fulfils": e.Fulfils} {
		if v != "" {
			if msg := checkRef(v); msg != "" {
				bad(field, "not a ref: %s", msg)
			}
		}
	}
	if e.Toward != "" {
		if e.Kind == Need {
			bad("toward", "a need cannot be toward another need")
		}
		if e.Toward == e.Ref && needRef {
			bad("toward", "an entry cannot point at itself")
		}
	}
	if e.Fulfils != "" {
		if e.Kind != Commitment && e.Kind != Disbursement {
			bad("fulfils", "only a commitment or a disbursement fulfils an earlier entry")
		}
		if e.Fulfils == e.Ref && needRef {
			bad("fulfils", "an entry cannot point at itself")
		}
	}
	e.Source, e.Note = get("source"), get("note")
	if utf8.RuneCountInString(e.Source) > maxSource {
		bad("source", "too long (%d characters at most)", maxSource)
	}
	if utf8.RuneCountInString(e.Note) > maxNote {
		bad("note", "too long (%d characters at most)", maxNote)
	}
	for _, k := range Columns {
		if v := f[k]; !utf8.ValidString(v) {
			bad(k, "not valid UTF-8: save the file as UTF-8")
		}
	}
	return e, ps.List
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

func checkRef(s string) string {
	if utf8.RuneCountInString(s) > maxRef {
		return fmt.Sprintf("too long (%d characters at most)", maxRef)
	}
	for _, r := range s {
		if !(r < utf8.RuneSelf && (unicode.IsLetter(r) || unicode.IsDigit(r) || strings.ContainsRune("-_.:/", r))) {
			return fmt.Sprintf("%q: use letters, digits and - _ . : / only", Clip(s))
		}
	}
	return ""
}

func hasControl(s string) bool {
	for _, r := range s {
		if unicode.IsControl(r) {
			return true
		}
	}
	return false
}

func splitList(s string) []string {
	var out []string
	for _, v := range strings.Split(s, ";") {
		if v = strings.TrimSpace(v); v != "" {
			out = appendUnique(out, v)
		}
	}
	return out
}

func appendUnique(list []string, v string) []string {
	for _, x := range list {
		if x == v {
			return list
		}
	}
	return append(list, v)
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
// Parse turns back into the same entry.
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
	return []string{e.Ref, string(e.Kind), e.Party, e.Date.String(), e.End.String(), amount, e.Currency.Code,
		qualifier, quantity, e.Asset, strings.Join(e.Sectors, ";"), strings.Join(e.Locations, ";"),
		e.Toward, e.Fulfils, e.Source, e.Note}
}

// Amended applies changes (only the columns present) to cur and validates
// the result as a whole, as Parse does. The ref and the kind cannot change:
// void the entry and add a new one instead.
func Amended(cur Entry, changes Fields, known PartyLookup) (Entry, []Problem) {
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
			if !isColumn(k) {
				ps.Add(0, k, "unknown field")
			}
		}
		f[k] = v
	}
	e, more := Parse(f, 0, known)
	ps.List = append(ps.List, more...)
	if len(ps.List) == 0 && ContentHash(e) == ContentHash(cur) {
		ps.Add(0, "", "nothing changes: the amendment equals the current entry")
	}
	return e, ps.List
}

func isColumn(k string) bool {
	for _, c := range Columns {
		if c == k {
			return true
		}
	}
	return false
}

// CheckReason checks the reason an amendment or a withdrawal must give.
func CheckReason(reason string) []Problem {
	var ps Problems
	if strings.TrimSpace(reason) == "" {
		ps.Add(0, "reason", "required: say why the entry is corrected or withdrawn")
	} else if utf8.RuneCountInString(reason) > maxSource {
		ps.Add(0, "reason", "too long (%d characters at most)", maxSource)
	}
	return ps.List
}

// DefaultRef makes a ref for an entry given without one: party, kind, date
// and a digest of the content, so that the same statement entered twice
// gets the same ref and is refused the second time.
func DefaultRef(e Entry) string {
	e.Ref = ""
	return strings.ToLower(fmt.Sprintf("%s-%s-%s-%s", e.Party, e.Kind, e.Date, ContentHash(e)[:8]))
}
