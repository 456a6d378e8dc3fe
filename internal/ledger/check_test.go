package ledger

import (
	"fmt"
	"slices"
	"strings"
	"testing"
)

// checkCase is one input to one check: the fields, the entry as the checks
// before it left it, and the problems it must report (none: valid).
type checkCase struct {
	name   string
	f      Fields
	before Entry
	rule   RefRule
	want   []Problem // Field, Code, Value and Msg are compared
}

// p is a problem as the cases state it.
func p(field, msg string) Problem { return Problem{Field: field, Msg: msg} }

// pc is a problem with a stable code and the value at fault.
func pc(field, code, value, msg string) Problem {
	return Problem{Field: field, Code: code, Value: value, Msg: msg}
}

func runChecks(t *testing.T, c check, cases []checkCase) []Entry {
	t.Helper()
	known := func(code string) bool { return code == "BEL" || code == "COALITION" || code == "EU" }
	var out []Entry
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			pr := &parser{f: tc.f, line: 3, known: known, refRule: tc.rule}
			e := tc.before
			c(pr, &e)
			got := pr.ps.List
			for _, g := range got {
				if g.Line != 3 {
					t.Errorf("problem without its line: %+v", g)
				}
			}
			strip := func(ps []Problem) []string {
				var s []string
				for _, x := range ps {
					s = append(s, fmt.Sprintf("%s|%s|%s|%s", x.Field, x.Code, x.Value, x.Msg))
				}
				return s
			}
			if g, w := strip(got), strip(tc.want); !slices.Equal(g, w) {
				t.Errorf("problems:\n got %q\nwant %q", g, w)
			}
			out = append(out, e)
		})
	}
	return out
}

// textThen is check c after checkText, as ParseEntry runs them.
func textThen(c check) check {
	return func(p *parser, e *Entry) {
		checkText(p, e)
		c(p, e)
	}
}

func TestCheckRef(t *testing.T) {
	long := strings.Repeat("a", MaxRef+1)
	bad := func(v string) Problem {
		return p("ref", fmt.Sprintf(`%q: a ref starts with a letter or a digit, followed by letters, digits, '.', '_', ':' or '-' (no spaces or '/'), e.g. bel-pledge-2021`, v))
	}
	es := runChecks(t, textThen(checkRefField), []checkCase{
		{name: "valid", f: Fields{"ref": " bel-pledge-2021:a_b.c-D9 "}},
		{name: "longest", f: Fields{"ref": long[:MaxRef]}},
		{name: "digit first", f: Fields{"ref": "2021-bel"}},
		{name: "empty, required", f: Fields{"ref": "  "},
			want: []Problem{pc("ref", CodeRequired, "", "required: a unique key for the entry, e.g. bel-pledge-2021")}},
		{name: "empty, optional", f: Fields{}, rule: RefOptional},
		{name: "bad, optional", f: Fields{"ref": "a b"}, rule: RefOptional, want: []Problem{bad("a b")}},
		{name: "space", f: Fields{"ref": "x y"}, want: []Problem{bad("x y")}},
		{name: "non-ASCII letter", f: Fields{"ref": "café"}, want: []Problem{bad("café")}},
		{name: "dot", f: Fields{"ref": "."}, want: []Problem{bad(".")}},
		{name: "dot dot", f: Fields{"ref": ".."}, want: []Problem{bad("..")}},
		{name: "slash", f: Fields{"ref": "bel/2021"}, want: []Problem{bad("bel/2021")}},
		{name: "hyphen first", f: Fields{"ref": "-bel"}, want: []Problem{bad("-bel")}},
		{name: "too long", f: Fields{"ref": long}, want: []Problem{p("ref", "too long (64 characters at most)")}},
		{name: "escape", f: Fields{"ref": "a\x1bb"},
			want: []Problem{pc("ref", CodeCharacter, "U+001B", "a control character (U+001B) at character 2: remove it")}},
	})
	if len(es) == 14 && es[0].Ref != "bel-pledge-2021:a_b.c-D9" {
		t.Errorf("ref %q", es[0].Ref)
	}
}

func TestCheckKind(t *testing.T) {
	es := runChecks(t, checkKind, []checkCase{
		{name: "need", f: Fields{"kind": "need"}},
		{name: "deployment, spaces", f: Fields{"kind": " deployment "}},
		{name: "empty", f: Fields{}, want: []Problem{pc("kind", CodeRequired, "", "required: one of need, pledge, commitment, disbursement, deployment")}},
		{name: "unknown", f: Fields{"kind": "gift"},
			want: []Problem{pc("kind", CodeUnknown, "gift", `unknown kind "gift": use one of need, pledge, commitment, disbursement, deployment`)}},
		{name: "upper case", f: Fields{"kind": "Need"},
			want: []Problem{pc("kind", CodeUnknown, "Need", `unknown kind "Need": use one of need, pledge, commitment, disbursement, deployment`)}},
	})
	if len(es) == 5 && (es[0].Kind != Need || es[1].Kind != Deployment || es[3].Kind != "") {
		t.Errorf("kinds: %v", es)
	}
}

func TestCheckParty(t *testing.T) {
	es := runChecks(t, checkParty, []checkCase{
		{name: "known, lower case", f: Fields{"party": " bel "}},
		{name: "organisation", f: Fields{"party": "EU"}},
		{name: "empty", f: Fields{},
			want: []Problem{pc("party", CodeRequired, "", "required: an ISO 3166-1 alpha-3 code such as BEL, or an organisation such as EU")}},
		{name: "unknown", f: Fields{"party": "acme"},
			want: []Problem{{Field: "party", Code: CodeUnknownParty, Value: "ACME", Msg: `unknown party "acme"`}}},
	})
	runChecks(t, textThen(checkParty), []checkCase{
		{name: "too long", f: Fields{"party": strings.Repeat("X", 17)},
			want: []Problem{p("party", "too long (16 characters at most)")}},
	})
	if len(es) == 5 && es[0].Party != "BEL" {
		t.Errorf("party %q, want BEL", es[0].Party)
	}
}

func TestCheckDates(t *testing.T) {
	es := runChecks(t, checkDates, []checkCase{
		{name: "year", f: Fields{"date": "2021"}},
		{name: "day and end", f: Fields{"date": "2021-10-31", "end": "2022-01"}},
		{name: "end in the same year", f: Fields{"date": "2021-10", "end": "2021"}},
		{name: "empty", f: Fields{}, want: []Problem{pc("date", CodeRequired, "", "required: YYYY, YYYY-MM or YYYY-MM-DD")}},
		{name: "no such day", f: Fields{"date": "2021-02-30"},
			want: []Problem{p("date", `date "2021-02-30": no such day: 2021-02 has 28 days (use YYYY, YYYY-MM or YYYY-MM-DD)`)}},
		{name: "malformed end", f: Fields{"date": "2021", "end": "2021/10"},
			want: []Problem{p("end", `date "2021/10": malformed (use YYYY, YYYY-MM or YYYY-MM-DD)`)}},
		{name: "end before date", f: Fields{"date": "2021", "end": "2020-12"},
			want: []Problem{pc("end", CodeEndBeforeDate, "2020-12", "end 2020-12 is before date 2021")}},
		{name: "end without a valid date", f: Fields{"date": "x", "end": "2020"},
			want: []Problem{p("date", `date "x": malformed (use YYYY, YYYY-MM or YYYY-MM-DD)`)}},
		{name: "unknown start", f: Fields{"date": "unknown", "end": "2021-10"}},
		{name: "Unknown is not unknown", f: Fields{"date": "Unknown", "end": "2021-10"},
			want: []Problem{p("date", `date "Unknown": year must be four digits between 1900 and 2999 (use YYYY, YYYY-MM or YYYY-MM-DD)`)}},
	})
	if len(es) == 10 && (es[1].Date.String() != "2021-10-31" || es[1].End.String() != "2022-01") {
		t.Errorf("dates: %s %s", es[1].Date, es[1].End)
	}
	if len(es) == 10 && (!es[8].Date.IsUnknown() || es[8].Date.String() != "unknown" || es[8].End.String() != "2021-10") {
		t.Errorf("unknown start: %+v %s", es[8].Date, es[8].End)
	}
}

func TestCheckUnknownStart(t *testing.T) {
	unknown := Entry{Kind: Deployment, Date: Date{Precision: UnknownDate}}
	runChecks(t, checkUnknownStart, []checkCase{
		{name: "deployment until October 2021", before: unknown, f: Fields{"date": "unknown", "end": "2021-10"}},
		{name: "known start", before: Entry{Kind: Pledge, Date: Date{Y: 2021, Precision: Year}}, f: Fields{"date": "2021"}},
		{name: "no end", before: unknown, f: Fields{"date": "unknown"},
			want: []Problem{p("end", "required when the start is unknown: when the deployment ended, e.g. 2021-10")}},
		{name: "pledge", before: Entry{Kind: Pledge, Date: Date{Precision: UnknownDate}}, f: Fields{"date": "unknown", "end": "2021"},
			want: []Problem{p("date", "only a deployment may have an unknown start: give the pledge's date as YYYY, YYYY-MM or YYYY-MM-DD")}},
		{name: "with a cost", before: unknown, f: Fields{"date": "unknown", "end": "2021", "amount": "5", "currency": "EUR"},
			want: []Problem{p("amount", "a deployment with an unknown start cannot state a cost: an amount is valued at its date")}},
		{name: "unknown kind", before: Entry{Date: Date{Precision: UnknownDate}}, f: Fields{"date": "unknown", "end": "2021"}},
	})
}

func TestCheckAmount(t *testing.T) {
	es := runChecks(t, checkAmount, []checkCase{
		{name: "pledge", before: Entry{Kind: Pledge}, f: Fields{"amount": "18000000.5", "currency": "eur"}},
		{name: "deployment with a cost", before: Entry{Kind: Deployment}, f: Fields{"amount": "1000", "currency": "USD"}},
		{name: "deployment without", before: Entry{Kind: Deployment}, f: Fields{}},
		{name: "unknown kind, nothing", f: Fields{}},
		{name: "unknown currency", before: Entry{Kind: Pledge}, f: Fields{"amount": "1", "currency": "ABC"},
			want: []Problem{pc("currency", CodeUnknown, "ABC", `unknown currency "ABC": use an ISO 4217 code such as EUR, USD or GBP`)}},
		{name: "not a number", before: Entry{Kind: Pledge}, f: Fields{"amount": "1,5", "currency": "EUR"},
			want: []Problem{p("amount", `"1,5" is not a number: use digits with '.' as decimal separator, e.g. 18000000.00`)}},
		{name: "zero", before: Entry{Kind: Pledge}, f: Fields{"amount": "0.00", "currency": "EUR"},
			want: []Problem{p("amount", "0.00: must be greater than zero")}},
		{name: "negative", before: Entry{Kind: Need}, f: Fields{"amount": "-5", "currency": "EUR"},
			want: []Problem{p("amount", "-5: must be greater than zero")}},
		{name: "amount without currency", before: Entry{Kind: Pledge}, f: Fields{"amount": "5"},
			want: []Problem{pc("currency", CodeRequired, "", "required with an amount: an ISO 4217 code such as EUR")}},
		{name: "too many decimals", before: Entry{Kind: Pledge}, f: Fields{"amount": "1.5", "currency": "JPY"},
			want: []Problem{p("amount", "1.5: JPY has no minor unit, so the amount must be a whole number")}},
		{name: "three decimals in EUR", before: Entry{Kind: Pledge}, f: Fields{"amount": "1.555", "currency": "EUR"},
			want: []Problem{p("amount", "1.555: EUR has 2 decimals at most")}},
		{name: "too large", before: Entry{Kind: Pledge}, f: Fields{"amount": "99999999999999999999", "currency": "EUR"},
			want: []Problem{p("amount", "99999999999999999999: too large to store")}},
		{name: "currency without amount", before: Entry{Kind: Commitment}, f: Fields{"currency": "EUR"},
			want: []Problem{pc("amount", CodeRequired, "", "required with a currency")}},
		{name: "deployment: currency without amount", before: Entry{Kind: Deployment}, f: Fields{"currency": "EUR"},
			want: []Problem{p("amount", "a currency without an amount: give the deployment's cost or leave currency empty")}},
		{name: "money kind without money", before: Entry{Kind: Disbursement}, f: Fields{},
			want: []Problem{pc("amount", CodeRequired, "", "required for a disbursement: an amount greater than zero, with its currency")}},
	})
	if len(es) == 15 {
		if e := es[0]; !e.Amount.Valid || e.Amount.Decimal.String() != "18000000.5" || e.Currency.Code != "EUR" {
			t.Errorf("amount %v %v", e.Amount, e.Currency)
		}
		if es[9].Amount.Valid {
			t.Errorf("an invalid amount was kept: %v", es[9].Amount)
		}
	}
}

func TestCheckQualifier(t *testing.T) {
	es := runChecks(t, checkQualifier, []checkCase{
		{name: "default", f: Fields{}},
		{name: "exact", f: Fields{"qualifier": "exact"}},
		{name: "at-least", f: Fields{"qualifier": "at-least", "amount": "1"}},
		{name: "without amount", f: Fields{"qualifier": "about"},
			want: []Problem{p("qualifier", "about qualifies an amount, and there is none")}},
		{name: "unknown", f: Fields{"qualifier": "roughly", "amount": "1"},
			want: []Problem{pc("qualifier", CodeUnknown, "roughly", `unknown qualifier "roughly": use exact, at-least, about or up-to`)}},
		{name: "about 250 trainers", before: Entry{Kind: Deployment}, f: Fields{"qualifier": "about", "quantity": "250"}},
		{name: "deployment cost", before: Entry{Kind: Deployment}, f: Fields{"qualifier": "up-to", "quantity": "4", "amount": "1"}},
		{name: "deployment, neither", before: Entry{Kind: Deployment}, f: Fields{"qualifier": "at-least"},
			want: []Problem{p("qualifier", "at-least qualifies an amount or a quantity, and there is neither")}},
		{name: "pledge with a quantity", before: Entry{Kind: Pledge}, f: Fields{"qualifier": "about", "quantity": "3"},
			want: []Problem{p("qualifier", "about qualifies an amount, and there is none")}},
	})
	if len(es) == 9 && (es[0].Qualifier != Exact || es[2].Qualifier != AtLeast || es[5].Qualifier != About) {
		t.Errorf("qualifiers %q %q %q", es[0].Qualifier, es[2].Qualifier, es[5].Qualifier)
	}
}

func TestCheckDeployment(t *testing.T) {
	es := runChecks(t, checkDeployment, []checkCase{
		{name: "deployment", before: Entry{Kind: Deployment}, f: Fields{"quantity": "4", "asset": "F-16"}},
		{name: "pledge", before: Entry{Kind: Pledge}, f: Fields{}},
		{name: "unknown kind with both", f: Fields{"quantity": "4", "asset": "F-16"}},
		{name: "not a whole number", before: Entry{Kind: Deployment}, f: Fields{"quantity": "4.5", "asset": "F-16"},
			want: []Problem{p("quantity", `"4.5" is not a whole number`)}},
		{name: "zero", before: Entry{Kind: Deployment}, f: Fields{"quantity": "0", "asset": "F-16"},
			want: []Problem{p("quantity", "0: must be greater than zero")}},
		{name: "missing both", before: Entry{Kind: Deployment}, f: Fields{},
			want: []Problem{pc("quantity", CodeRequired, "", "required for a deployment: how many, e.g. 4"), pc("asset", CodeRequired, "", "required for a deployment: what, e.g. F-16")}},
		{name: "not a deployment", before: Entry{Kind: Need}, f: Fields{"quantity": "4", "asset": "F-16"},
			want: []Problem{p("quantity", "only deployments have a quantity"), p("asset", "only deployments have an asset")}},
		{name: "largest", before: Entry{Kind: Deployment}, f: Fields{"quantity": "1000000000000", "asset": "F-16"}},
		{name: "above the largest", before: Entry{Kind: Deployment}, f: Fields{"quantity": "1000000000001", "asset": "F-16"},
			want: []Problem{p("quantity", "1000000000001 is more than 1000000000000, the largest quantity: check the figure")}},
		{name: "beyond 64 bits", before: Entry{Kind: Deployment}, f: Fields{"quantity": "9223372036854775808", "asset": "F-16"},
			want: []Problem{p("quantity", "9223372036854775808 is more than 1000000000000, the largest quantity: check the figure")}},
		{name: "near 2^63", before: Entry{Kind: Deployment}, f: Fields{"quantity": "4611686018427387904", "asset": "F-16"},
			want: []Problem{p("quantity", "4611686018427387904 is more than 1000000000000, the largest quantity: check the figure")}},
	})
	if len(es) == 10 && (es[0].Quantity != 4 || es[0].Asset != "F-16" || es[7].Quantity != MaxQuantity) {
		t.Errorf("deployment %d %q", es[0].Quantity, es[0].Asset)
	}
	runChecks(t, textThen(checkDeployment), []checkCase{
		{name: "asset too long", before: Entry{Kind: Deployment}, f: Fields{"quantity": "1", "asset": strings.Repeat("é", maxShort+1)},
			want: []Problem{p("asset", "too long (200 characters at most)")}},
		{name: "NUL in asset", before: Entry{Kind: Deployment}, f: Fields{"quantity": "1", "asset": "F-16\x00"},
			want: []Problem{pc("asset", CodeCharacter, "U+0000", "a control character (U+0000) at character 5: remove it")}},
	})
}

func TestCheckSectors(t *testing.T) {
	es := runChecks(t, checkSectors, []checkCase{
		{name: "list", f: Fields{"sector": " demining; camps;;demining "}},
		{name: "empty", f: Fields{}},
		{name: "too long", f: Fields{"sector": "demining;" + strings.Repeat("b", maxShort+1)},
			want: []Problem{p("sector", "value too long (200 characters at most)")}},
	})
	runChecks(t, textThen(checkSectors), []checkCase{
		{name: "control character", f: Fields{"sector": "de\x07mining"},
			want: []Problem{pc("sector", CodeCharacter, "U+0007", "a control character (U+0007) at character 3: remove it")}},
	})
	if len(es) == 3 && !slices.Equal(es[0].Sectors, []string{"camps", "demining"}) {
		t.Errorf("sectors %q: want them once each, in canonical order", es[0].Sectors)
	}
}

// TestCheckShares: the share rule (split.go), for sectors and locations.
func TestCheckShares(t *testing.T) {
	const how = "a share is a percentage after ':', greater than zero, with at most two decimals, e.g. demining:40;camps:60"
	es := runChecks(t, checkSectors, []checkCase{
		{name: "shares", f: Fields{"sector": "demining:40; camps:35;reconstruction: 25"}},
		{name: "two decimals", f: Fields{"sector": "camps:33.33;demining:33.33;reconstruction:33.34"}},
		{name: "one at 100", f: Fields{"sector": "demining:100"}},
		{name: "not 100", f: Fields{"sector": "demining:40;camps:50"},
			want: []Problem{p("sector", "the shares add up to 90: they must add up to exactly 100")}},
		{name: "over 100", f: Fields{"sector": "demining:60;camps:60"},
			want: []Problem{p("sector", "the shares add up to 120: they must add up to exactly 100")}},
		{name: "some without", f: Fields{"sector": "demining:40;camps"},
			want: []Problem{p("sector", "give a share for every value or for none, e.g. demining:40;camps:60 (or demining;camps for an entry shared between them)")}},
		{name: "zero", f: Fields{"sector": "demining:0;camps:100"},
			want: []Problem{p("sector", `"demining:0": `+how)}},
		{name: "negative", f: Fields{"sector": "demining:-10;camps:110"},
			want: []Problem{p("sector", `"demining:-10": `+how), p("sector", `"camps:110": more than 100: `+how)}},
		{name: "three decimals", f: Fields{"sector": "demining:40.125;camps:59.875"},
			want: []Problem{p("sector", `"demining:40.125": more than two decimals: `+how), p("sector", `"camps:59.875": more than two decimals: `+how)}},
		{name: "trailing zeros count", f: Fields{"sector": "demining:40.000;camps:60"},
			want: []Problem{p("sector", `"demining:40.000": more than two decimals: `+how)}},
		{name: "not a number", f: Fields{"sector": "demining:forty;camps:60"},
			want: []Problem{p("sector", `"demining:forty": `+how)}},
		{name: "percent sign", f: Fields{"sector": "demining:40%;camps:60%"},
			want: []Problem{p("sector", `"demining:40%": `+how), p("sector", `"camps:60%": `+how)}},
		{name: "twice", f: Fields{"sector": "demining:40;demining:60"},
			want: []Problem{p("sector", "demining is named twice: give each once, with its share")}},
		{name: "reserved", f: Fields{"sector": "Multiple"},
			want: []Problem{p("sector", `"multiple" is what reports call an entry shared between several sectors: name the sectors instead, e.g. demining;camps`)}},
	})
	if len(es) == 14 {
		if !slices.Equal(es[0].Sectors, []string{"camps", "demining", "reconstruction"}) ||
			FormatSplit(es[0].Sectors, es[0].SectorShares) != "camps:35;demining:40;reconstruction:25" {
			t.Errorf("shares %q %v: want them in canonical order", es[0].Sectors, es[0].SectorShares)
		}
		if FormatSplit(es[1].Sectors, es[1].SectorShares) != "camps:33.33;demining:33.33;reconstruction:33.34" {
			t.Errorf("two decimals: %v", es[1].SectorShares)
		}
		if es[2].SectorShares != nil || es[2].Sectors[0] != "demining" {
			t.Errorf("one sector at 100 %% is that sector, without a share: %q %v", es[2].Sectors, es[2].SectorShares)
		}
	}
	ls := runChecks(t, checkLocations, []checkCase{
		{name: "shares", f: Fields{"location": "SYR:30;IQ:70"}},
		{name: "unknown", f: Fields{"location": "SYR:30;ATLANTIS:70"},
			want: []Problem{p("location", `"ATLANTIS" is not an ISO 3166-1 country code: use alpha-3 codes such as IRQ;SYR`)}},
		{name: "not 100", f: Fields{"location": "SYR:30;IRQ:30"},
			want: []Problem{p("location", "the shares add up to 60: they must add up to exactly 100")}},
	})
	if len(ls) == 3 && FormatSplit(ls[0].Locations, ls[0].LocationShares) != "IRQ:70;SYR:30" {
		t.Errorf("location shares %q %v", ls[0].Locations, ls[0].LocationShares)
	}
}

// TestParts: how a stored field splits a value, whatever its stored order.
func TestParts(t *testing.T) {
	for _, c := range []struct {
		field string
		want  []Part
	}{
		{"", []Part{{Weight: 10000}}},
		{"demining", []Part{{Label: "demining", Weight: 10000}}},
		{"reconstruction;demining;camps", []Part{{Label: Multiple, Weight: 10000, Members: []string{"camps", "demining", "reconstruction"}}}},
		{"demining:40;camps:35.5;reconstruction:24.5", []Part{{Label: "camps", Weight: 3550}, {Label: "demining", Weight: 4000}, {Label: "reconstruction", Weight: 2450}}},
		{"SYR;IRQ", []Part{{Label: Multiple, Weight: 10000, Members: []string{"IRQ", "SYR"}}}},
	} {
		got := Parts(c.field)
		if !slices.EqualFunc(got, c.want, func(a, b Part) bool {
			return a.Label == b.Label && a.Weight == b.Weight && slices.Equal(a.Members, b.Members)
		}) {
			t.Errorf("Parts(%q) = %+v, want %+v", c.field, got, c.want)
		}
	}
}

func TestCheckLocations(t *testing.T) {
	es := runChecks(t, checkLocations, []checkCase{
		{name: "alpha-3 and alpha-2", f: Fields{"location": "irq; SY;SYR"}},
		{name: "empty", f: Fields{}},
		{name: "unknown", f: Fields{"location": "IRQ;ATLANTIS"},
			want: []Problem{p("location", `"ATLANTIS" is not an ISO 3166-1 country code: use alpha-3 codes such as IRQ;SYR`)}},
		{name: "reserved, not ISO 3166-1", f: Fields{"location": "XK"},
			want: []Problem{p("location", `"XK" is not an ISO 3166-1 country code: use alpha-3 codes such as IRQ;SYR`)}},
	})
	if len(es) == 4 && !slices.Equal(es[0].Locations, []string{"IRQ", "SYR"}) {
		t.Errorf("locations %q", es[0].Locations)
	}
}

func TestCheckLinks(t *testing.T) {
	runChecks(t, textThen(checkLinks), []checkCase{
		{name: "pledge toward a need", before: Entry{Ref: "p", Kind: Pledge}, f: Fields{"toward": "n"}},
		{name: "commitment fulfils", before: Entry{Ref: "c", Kind: Commitment}, f: Fields{"toward": "n", "fulfils": "p"}},
		{name: "disbursement fulfils", before: Entry{Ref: "d", Kind: Disbursement}, f: Fields{"fulfils": "c"}},
		{name: "ref not made yet", before: Entry{Kind: Disbursement}, f: Fields{"fulfils": "c"}},
		{name: "not refs", before: Entry{Ref: "c", Kind: Commitment}, f: Fields{"toward": "a b", "fulfils": "c d"},
			want: []Problem{p("toward", `"a b": a ref starts with a letter or a digit, followed by letters, digits, '.', '_', ':' or '-' (no spaces or '/'), e.g. bel-pledge-2021`),
				p("fulfils", `"c d": a ref starts with a letter or a digit, followed by letters, digits, '.', '_', ':' or '-' (no spaces or '/'), e.g. bel-pledge-2021`)}},
		{name: "dot dot", before: Entry{Ref: "c", Kind: Commitment}, f: Fields{"fulfils": ".."},
			want: []Problem{p("fulfils", `"..": a ref starts with a letter or a digit, followed by letters, digits, '.', '_', ':' or '-' (no spaces or '/'), e.g. bel-pledge-2021`)}},
		{name: "need toward a need", before: Entry{Ref: "n2", Kind: Need}, f: Fields{"toward": "n"},
			want: []Problem{pc("toward", CodeNeedTowardNeed, "", "a need cannot be toward another need")}},
		{name: "toward itself", before: Entry{Ref: "p", Kind: Pledge}, f: Fields{"toward": "p"},
			want: []Problem{p("toward", "an entry cannot point at itself")}},
		{name: "pledge fulfils", before: Entry{Ref: "p", Kind: Pledge}, f: Fields{"fulfils": "q"},
			want: []Problem{p("fulfils", "only a commitment or a disbursement fulfils an earlier entry")}},
		{name: "fulfils itself", before: Entry{Ref: "c", Kind: Commitment}, f: Fields{"fulfils": "c"},
			want: []Problem{p("fulfils", "an entry cannot point at itself")}},
	})
}

func TestCheckTextLimits(t *testing.T) {
	es := runChecks(t, textThen(checkSourceNote), []checkCase{
		{name: "short", f: Fields{"source": " https://example.org ", "note": "fine"}},
		{name: "longest", f: Fields{"source": strings.Repeat("s", maxSource), "note": strings.Repeat("n", maxNote)}},
		{name: "too long", f: Fields{"source": strings.Repeat("s", maxSource+1), "note": strings.Repeat("n", maxNote+1)},
			want: []Problem{p("source", "too long (2000 characters at most)"), p("note", "too long (10000 characters at most)")}},
	})
	if len(es) == 3 && es[0].Source != "https://example.org" {
		t.Errorf("source %q", es[0].Source)
	}
}

func TestCheckIllustrative(t *testing.T) {
	bad := func(v string) []Problem {
		return []Problem{p("illustrative", fmt.Sprintf("%q is not a yes or no: use true, yes or 1 for an illustrative entry, and false, no, 0 or nothing for one that is not", v))}
	}
	cases := []checkCase{
		{name: "missing", f: Fields{}},
		{name: "empty", f: Fields{"illustrative": " "}},
		{name: "false", f: Fields{"illustrative": "false"}},
		{name: "no", f: Fields{"illustrative": "No"}},
		{name: "0", f: Fields{"illustrative": "0"}},
		{name: "true", f: Fields{"illustrative": "true"}},
		{name: "yes", f: Fields{"illustrative": " YES "}},
		{name: "1", f: Fields{"illustrative": "1"}},
		{name: "maybe", f: Fields{"illustrative": "maybe"}, want: bad("maybe")},
		{name: "2", f: Fields{"illustrative": "2"}, want: bad("2")},
	}
	es := runChecks(t, checkIllustrative, cases)
	want := []bool{false, false, false, false, false, true, true, true, false, false}
	if len(es) != len(want) {
		t.Fatalf("%d entries", len(es))
	}
	for i, e := range es {
		if e.Illustrative != want[i] {
			t.Errorf("%s: illustrative %v, want %v", cases[i].name, e.Illustrative, want[i])
		}
	}
}

func TestCheckUTF8(t *testing.T) {
	runChecks(t, checkText, []checkCase{
		{name: "valid", f: Fields{"note": "Belgique – België"}},
		{name: "invalid", f: Fields{"party": "B\xffL", "note": "\xc3"},
			want: []Problem{pc("party", CodeCharacter, "", "not valid UTF-8: save the file as UTF-8"), pc("note", CodeCharacter, "", "not valid UTF-8: save the file as UTF-8")}},
	})
}

// TestParseEntryRef: the one entry point makes the ref when it may.
func TestParseEntryRef(t *testing.T) {
	f := Fields{"kind": "pledge", "party": "BEL", "date": "2021", "amount": "1000", "currency": "EUR"}
	e, ps := ParseEntry(f, 0, Known{}, RefOptional)
	if len(ps) > 0 || e.Ref != defaultRef(e) || !strings.HasPrefix(e.Ref, "bel-pledge-2021-") {
		t.Errorf("no ref, optional: ref %q, %v", e.Ref, ps)
	}
	if _, ps := ParseEntry(f, 0, Known{}, RefRequired); len(ps) != 1 || ps[0].Field != "ref" {
		t.Errorf("no ref, required: %v", ps)
	}
	f["ref"] = "mine"
	if e, ps := ParseEntry(f, 0, Known{}, RefOptional); len(ps) > 0 || e.Ref != "mine" {
		t.Errorf("given ref: %q, %v", e.Ref, ps)
	}
	f["ref"], f["amount"] = "", "0"
	if e, ps := ParseEntry(f, 0, Known{}, RefOptional); len(ps) != 1 || e.Ref != "" {
		t.Errorf("with problems no ref is made: %q, %v", e.Ref, ps)
	}
}
