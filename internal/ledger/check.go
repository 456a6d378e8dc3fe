package ledger

import (
	"errors"
	"fmt"
	"maps"
	"slices"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/coalition/pledger/internal/money"
	"github.com/shopspring/decimal"
)

// parser holds one entry's fields while the checks read them.
type parser struct {
	f       Fields
	line    int
	known   PartyLookup
	sectors *Sectors
	refRule RefRule
	// recorded is the entry an amendment corrects (nil for a new one):
	// its sector field, given back unchanged, is kept as recorded.
	recorded *Entry
	ps       Problems
	// badText are the fields that break the text rules: that is their
	// one problem.
	badText map[string]bool
}

// get is a field without surrounding spaces.
func (p *parser) get(k string) string { return strings.TrimSpace(p.f[k]) }

// bad records a problem with field.
func (p *parser) bad(field, format string, args ...any) {
	p.add(Problem{Field: field, Msg: fmt.Sprintf(format, args...)})
}

// badAs records a problem with field that has a stable code (see the Code*
// constants), so that a door can phrase it in its reader's language.
func (p *parser) badAs(field, code, value, format string, args ...any) {
	p.add(Problem{Field: field, Code: code, Value: value, Msg: fmt.Sprintf(format, args...)})
}

// add records pr on the parser's line, unless its field breaks the text
// rules: that problem, reported first, is the field's only one.
func (p *parser) add(pr Problem) {
	if p.badText[pr.Field] {
		return
	}
	pr.Line = p.line
	p.ps.List = append(p.ps.List, pr)
}

// check is one rule of an entry: it reads the fields it is about, fills in
// its part of e, and reports what is wrong. A check may rely on the parts
// the checks before it filled in (the kind, the date, the ref).
type check func(p *parser, e *Entry)

// checks are the rules of an entry, one concern each, in the order their
// problems are reported.
var checks = []check{
	checkText,
	checkRefField,
	checkKind,
	checkParty,
	checkDates,
	checkAmount,
	checkUnknownStart,
	checkQualifier,
	checkDeployment,
	checkSectors,
	checkLocations,
	checkLinks,
	checkSourceNote,
	checkTitle,
	checkIllustrative,
}

// checkText: every field keeps the text rules (text.go), and is read in
// NFC from here on. A field that breaks them has that one problem. In an
// amendment, a field given back as recorded is kept as recorded (a ref
// longer than the rules now allow, a toward naming one, text not in NFC),
// unless it holds a character the rules refuse: storing it again would
// carry it on, so it must be corrected too.
func checkText(p *parser, _ *Entry) {
	var rec Fields
	if p.recorded != nil {
		rec = p.recorded.Fields()
	}
	var cleaned Fields // the fields whose text cleaning changed, beyond trimming
	for i, k := range Columns {
		v, ok := p.f[k]
		if !ok || v == "" {
			continue
		}
		clean, pr := columnRules[i].Clean(k, v)
		if rec != nil && strings.TrimSpace(v) == rec[k] {
			if pr == nil || pr.Code != CodeCharacter {
				continue // as recorded
			}
			pr.Msg += " (recorded so before the text rules: correct this field too)"
		}
		if pr != nil {
			if p.badText == nil {
				p.badText = map[string]bool{}
			}
			p.add(*pr)
			p.badText[k] = true
			continue
		}
		if clean != strings.TrimSpace(v) {
			if cleaned == nil {
				cleaned = Fields{}
			}
			cleaned[k] = clean
		}
	}
	if cleaned != nil {
		// A copy: the caller's fields stay as given.
		f := maps.Clone(p.f)
		maps.Copy(f, cleaned)
		p.f = f
	}
}

// columnRules are the text rules of Columns, in their order.
var columnRules = func() []TextRule {
	out := make([]TextRule, len(Columns))
	for i, c := range Columns {
		out[i] = TextRules[c]
	}
	return out
}()

// checkRefField: the ref, required unless it may be made (RefOptional).
func checkRefField(p *parser, e *Entry) {
	e.Ref = p.get("ref")
	switch {
	case e.Ref == "" && p.refRule == RefOptional:
		// made by defaultRef once the content is known
	case e.Ref == "":
		p.badAs("ref", CodeRequired, "", "required: a unique key for the entry, e.g. bel-pledge-2021")
	}
}

// checkKind: one of Kinds.
func checkKind(p *parser, e *Entry) {
	s := p.get("kind")
	kind, err := ParseKind(s)
	switch {
	case s == "":
		p.badAs("kind", CodeRequired, "", "required: one of need, pledge, commitment, disbursement, deployment")
	case err != nil:
		p.badAs("kind", CodeUnknown, Clip(s), "unknown kind %q: use one of need, pledge, commitment, disbursement, deployment", Clip(s))
	}
	e.Kind = kind
}

// checkParty: a known party code, upper case.
func checkParty(p *parser, e *Entry) {
	e.Party = strings.ToUpper(p.get("party"))
	switch {
	case e.Party == "":
		p.badAs("party", CodeRequired, "", "required: an ISO 3166-1 alpha-3 code such as BEL, or an organisation such as EU")
	case p.known != nil && !p.known(e.Party):
		p.badAs("party", CodeUnknownParty, e.Party, "unknown party %q", p.get("party"))
	}
}

// checkDates: a required date (or "unknown", see checkUnknownStart) and
// an optional end, not before it.
func checkDates(p *parser, e *Entry) {
	// dateProblem is ParseDate's message without the error kind.
	dateProblem := func(err error) string { return strings.TrimPrefix(err.Error(), ErrInvalid.Error()+": ") }
	if s := p.get("date"); s == "" {
		p.badAs("date", CodeRequired, "", "required: YYYY, YYYY-MM or YYYY-MM-DD")
	} else if d, err := ParseStart(s); err != nil {
		p.bad("date", "%s", dateProblem(err))
	} else {
		e.Date = d
	}
	if s := p.get("end"); s != "" {
		if d, err := ParseDate(s); err != nil {
			p.bad("end", "%s", dateProblem(err))
		} else {
			e.End = d
			if e.Date.Known() && d.Last().Before(e.Date.First()) {
				p.badAs("end", CodeEndBeforeDate, d.String(), "end %s is before date %s", d, e.Date)
			}
		}
	}
}

// checkAmount: an amount and its currency go together; money kinds need
// them, a deployment may state its cost.
func checkAmount(p *parser, e *Entry) {
	amount, cur := p.get("amount"), p.get("currency")
	if cur != "" {
		c, err := money.ParseCurrency(cur)
		if err != nil {
			p.badAs("currency", CodeUnknown, Clip(cur), "unknown currency %q: use an ISO 4217 code such as EUR, USD or GBP", Clip(cur))
		} else {
			e.Currency = c
		}
	}
	switch {
	case amount != "":
		d, err := money.ParseDecimal(amount)
		switch {
		case err != nil:
			p.bad("amount", "%q is not a number: use digits with '.' as decimal separator, e.g. 18000000.00", Clip(amount))
		case !d.IsPositive():
			p.bad("amount", "%s: must be greater than zero", amount)
		case cur == "":
			p.badAs("currency", CodeRequired, "", "required with an amount: an ISO 4217 code such as EUR")
		case e.Currency.Code != "":
			if err := money.CheckAmount(d, e.Currency); err != nil {
				p.bad("amount", "%s", strings.TrimPrefix(err.Error(), money.ErrAmount.Error()+" "))
			} else {
				e.Amount = decimal.NullDecimal{Decimal: d, Valid: true}
			}
		}
	case cur != "" && e.Kind.Monetary():
		p.badAs("amount", CodeRequired, "", "required with a currency")
	case cur != "" && e.Kind == Deployment:
		p.bad("amount", "a currency without an amount: give the deployment's cost or leave currency empty")
	case cur == "" && e.Kind.Monetary():
		p.badAs("amount", CodeRequired, "", "required for a %s: an amount greater than zero, with its currency", e.Kind)
	}
}

// checkUnknownStart: only a deployment may have an unknown start
// ("until October 2021"), and then it must state its end, and no cost
// (an amount is valued at its date, and there is none).
func checkUnknownStart(p *parser, e *Entry) {
	if !e.Date.IsUnknown() {
		return
	}
	switch {
	case e.Kind != "" && e.Kind != Deployment:
		p.bad("date", "only a deployment may have an unknown start: give the %s's date as YYYY, YYYY-MM or YYYY-MM-DD", e.Kind)
	case p.get("end") == "":
		p.bad("end", "required when the start is unknown: when the deployment ended, e.g. 2021-10")
	}
	if e.Kind == Deployment && p.get("amount") != "" {
		p.bad("amount", "a deployment with an unknown start cannot state a cost: an amount is valued at its date")
	}
}

// checkQualifier: one of Qualifiers (exact is the default). It qualifies
// the amount, or a deployment's quantity when there is no amount ("about
// 250 trainers").
func checkQualifier(p *parser, e *Entry) {
	switch q := p.get("qualifier"); q {
	case "", string(Exact):
		e.Qualifier = Exact
	case string(AtLeast), string(About), string(UpTo):
		e.Qualifier = Qualifier(q)
		switch {
		case p.get("amount") != "":
		case e.Kind == Deployment && p.get("quantity") != "":
		case e.Kind == Deployment:
			p.bad("qualifier", "%s qualifies an amount or a quantity, and there is neither", q)
		default:
			p.bad("qualifier", "%s qualifies an amount, and there is none", q)
		}
	default:
		p.badAs("qualifier", CodeUnknown, Clip(q), "unknown qualifier %q: use exact, at-least, about or up-to", Clip(q))
	}
}

// checkDeployment: a deployment, and only a deployment, has a quantity
// (a whole number greater than zero, at most MaxQuantity) and an asset.
func checkDeployment(p *parser, e *Entry) {
	qty, asset := p.get("quantity"), p.get("asset")
	if qty != "" {
		n, err := strconv.ParseInt(qty, 10, 64)
		switch {
		case errors.Is(err, strconv.ErrRange) && !strings.HasPrefix(qty, "-"):
			p.bad("quantity", "%s is more than %d, the largest quantity: check the figure", Clip(qty), int64(MaxQuantity))
		case err != nil:
			p.bad("quantity", "%q is not a whole number", Clip(qty))
		case n <= 0:
			p.bad("quantity", "%s: must be greater than zero", Clip(qty))
		case n > MaxQuantity:
			p.bad("quantity", "%d is more than %d, the largest quantity: check the figure", n, int64(MaxQuantity))
		default:
			e.Quantity = n
		}
	}
	e.Asset = asset
	switch {
	case e.Kind == Deployment:
		if qty == "" {
			p.badAs("quantity", CodeRequired, "", "required for a deployment: how many, e.g. 4")
		}
		if asset == "" {
			p.badAs("asset", CodeRequired, "", "required for a deployment: what, e.g. F-16")
		}
	case e.Kind != "":
		if qty != "" {
			p.bad("quantity", "only deployments have a quantity")
		}
		if asset != "" {
			p.bad("asset", "only deployments have an asset")
		}
	}
}

// checkSectors: a ';'-separated list of sectors of the vocabulary (each
// by its code, a name or a known spelling, stored as the code), each once,
// with optional shares (see the share rule in split.go). An amendment that
// gives back the sector field it corrects keeps it as recorded.
func checkSectors(p *parser, e *Entry) {
	if r := p.recorded; r != nil && p.get("sector") == FormatSplit(r.Sectors, r.SectorShares) {
		e.Sectors, e.SectorShares = slices.Clone(r.Sectors), slices.Clone(r.SectorShares)
		return
	}
	e.Sectors, e.SectorShares = parseSplit(p, "sector", func(s string) (string, string) {
		switch {
		case utf8.RuneCountInString(s) > maxShort:
			return "", fmt.Sprintf("value too long (%d characters at most)", maxShort)
		case strings.EqualFold(s, Multiple):
			return "", fmt.Sprintf("%q is what reports call an entry shared between several sectors: name the sectors instead, e.g. demining;camps", Multiple)
		}
		if code, ok := p.sectors.Lookup(s); ok {
			return code, ""
		}
		p.add(p.sectors.sectorProblem(s))
		return "", skipValue
	})
}

// checkLocations: a ';'-separated list of ISO 3166-1 country codes, kept
// in their alpha-3 form, each once, with optional shares (see the share
// rule in split.go).
func checkLocations(p *parser, e *Entry) {
	e.Locations, e.LocationShares = parseSplit(p, "location", func(s string) (string, string) {
		code, ok := ParseLocation(s)
		if !ok {
			return "", fmt.Sprintf("%q is not an ISO 3166-1 country code: use alpha-3 codes such as IRQ;SYR", Clip(s))
		}
		return code, ""
	})
}

// checkLinks: toward and fulfils are refs (their form is checkText's),
// of another entry, from a kind that may have them. What they point at is
// CheckLink's.
func checkLinks(p *parser, e *Entry) {
	e.Toward, e.Fulfils = p.get("toward"), p.get("fulfils")
	if e.Toward != "" {
		if e.Kind == Need {
			p.badAs("toward", CodeNeedTowardNeed, "", "a need cannot be toward another need")
		}
		if e.Toward == e.Ref {
			p.bad("toward", "an entry cannot point at itself")
		}
	}
	if e.Fulfils != "" {
		if e.Kind != Commitment && e.Kind != Disbursement {
			p.bad("fulfils", "only a commitment or a disbursement fulfils an earlier entry")
		}
		if e.Fulfils == e.Ref {
			p.bad("fulfils", "an entry cannot point at itself")
		}
	}
}

// checkSourceNote: the source and the note, free text (their rules are
// checkText's).
func checkSourceNote(p *parser, e *Entry) {
	e.Source, e.Note = p.get("source"), p.get("note")
}

// checkTitle: a need's title (one line, not too long: checkText); other
// kinds have none.
func checkTitle(p *parser, e *Entry) {
	e.Title = p.get("title")
	switch {
	case e.Title == "":
	case e.Kind != "" && e.Kind != Need:
		p.bad("title", "only a need has a title: a %s is named by its ref", e.Kind)
	}
}

// checkIllustrative: a yes or no; empty (or a missing column) is no.
func checkIllustrative(p *parser, e *Entry) {
	v, ok := ParseFlag(p.get("illustrative"))
	if !ok {
		p.bad("illustrative", "%q is not a yes or no: use true, yes or 1 for an illustrative entry, and false, no, 0 or nothing for one that is not", Clip(p.get("illustrative")))
	}
	e.Illustrative = v
}

// ParseFlag reads a yes-or-no field as a CSV cell, a form or the command
// line gives it: empty, false, no or 0 is no; true, yes or 1 is yes (any
// case); anything else is not a flag (ok false).
func ParseFlag(s string) (v, ok bool) {
	switch strings.ToLower(strings.TrimSpace(s)) {
	case "", "false", "no", "0":
		return false, true
	case "true", "yes", "1":
		return true, true
	}
	return false, false
}
