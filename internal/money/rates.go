package money

import (
	"errors"
	"fmt"
	"slices"
	"sort"
	"strings"
	"time"

	"github.com/shopspring/decimal"
)

// ErrNoRate reports a conversion that needs a rate the table lacks; the
// error is a *MissingRateError.
var ErrNoRate = errors.New("missing exchange rate")

// Rate says that on Day one unit of Base is worth Rate units of Quote
// (the ECB's 1 EUR = 1.1789 USD is Base EUR, Quote USD, Rate 1.1789).
type Rate struct {
	Day    time.Time // UTC midnight
	Base   string
	Quote  string
	Rate   decimal.Decimal
	Source string
}

type pair struct{ base, quote string }

// canonical is the pair with its currencies in byte order, and whether
// base->quote runs the other way.
func canonical(base, quote string) (pair, bool) {
	if quote < base {
		return pair{quote, base}, true
	}
	return pair{base, quote}, false
}

type dayRate struct {
	day      int32 // days since 1970-01-01
	inverted bool  // quoted as p.quote->p.base for the pair p of its series
	rate     decimal.Decimal
	text     string // the rate as stored, when rate is not yet parsed (NewTableText)
	source   string
}

// value is the rate, parsed from its text when the table was built from
// text (the text was checked then: it parses).
func (r *dayRate) value() decimal.Decimal {
	if r.text == "" {
		return r.rate
	}
	return parseRate(r.text)
}

// Table holds dated rates for lookups by day, with a look-back window.
// Build it once, then look up from any number of goroutines.
type Table struct {
	series map[pair][]dayRate  // by canonical pair, sorted by day, one rate a day
	links  map[string][]string // the currencies each currency has rates with, sorted
	order  []string            // the sources, in order of preference
	counts map[string]int      // rates given per source
}

// NewTable indexes rates. For one pair (either way round) and day quoted by
// several sources, the rate of the source that comes first in the order of
// preference is kept (OrderSources: the sources of prefer that match, then
// the others by how many rates they have, most first, ties by name); a
// source's rate serves only the pairs and days its betters do not quote.
// Names in prefer that match no source, or several, are skipped. Of two rates of one
// source for a pair and day (quoted both ways round), the one given last
// is kept.
func NewTable(rates []Rate, prefer ...string) *Table {
	in := make([]dayRate, len(rates))
	for i, r := range rates {
		in[i] = dayRate{day: dayNum(r.Day), rate: r.Rate, source: r.Source}
	}
	return newTable(in, func(i int) (string, string) { return rates[i].Base, rates[i].Quote }, prefer)
}

// TextRate is a rate as a store keeps it: its day as a count of days since
// 1970-01-01 (UTC) and its value as the text it was recorded with.
type TextRate struct {
	Day                 int32
	Base, Quote, Source string
	Value               string
}

// DayNumber is t's day as TextRate counts it.
func DayNumber(t time.Time) int32 { return dayNum(t) }

// NewTableText is NewTable over n rates (rate(i) gives the i-th, in the
// order given) whose values are still text: a value is parsed only when a
// lookup uses it, so a report that needs a few rates of a long history
// does not pay for all of them. Every value is checked here; one that is
// not a decimal is an error naming it.
func NewTableText(n int, rate func(i int) TextRate, prefer ...string) (*Table, error) {
	in := make([]dayRate, n)
	for i := range in {
		r := rate(i)
		if !rateSyntax(r.Value) {
			v, err := decimal.NewFromString(r.Value)
			if err != nil {
				return nil, fmt.Errorf("rate %s/%s on %s: %q: %w", r.Base, r.Quote, dayTime(r.Day).Format(time.DateOnly), r.Value, err)
			}
			in[i] = dayRate{day: r.Day, rate: v, source: r.Source} // exponent notation and the like: parsed now
			continue
		}
		in[i] = dayRate{day: r.Day, text: r.Value, source: r.Source}
	}
	return newTable(in, func(i int) (string, string) { r := rate(i); return r.Base, r.Quote }, prefer), nil
}

// rateSyntax tells whether s is digits with at most one point between
// them, at most 18 digits in all: what parseRate reads exactly.
func rateSyntax(s string) bool {
	digits, point := 0, -1
	for i := 0; i < len(s); i++ {
		switch c := s[i]; {
		case c >= '0' && c <= '9':
			digits++
		case c == '.' && point < 0 && i > 0 && i < len(s)-1:
			point = i
		default:
			return false
		}
	}
	return digits > 0 && digits <= 18
}

// parseRate reads text of rateSyntax into the decimal
// decimal.NewFromString gives for it: the same digits and exponent.
func parseRate(s string) decimal.Decimal {
	var m int64
	exp := int32(0)
	for i := 0; i < len(s); i++ {
		if s[i] == '.' {
			exp = -int32(len(s) - i - 1)
			continue
		}
		m = m*10 + int64(s[i]-'0')
	}
	return decimal.New(m, exp)
}

// newTable indexes in (whose pairs pairOf gives, by position; day, rate or
// text and source set) as NewTable says.
func newTable(in []dayRate, pairOf func(i int) (base, quote string), prefer []string) *Table {
	t := &Table{series: map[pair][]dayRate{}, links: map[string][]string{}, counts: map[string]int{}}
	for i := range in {
		t.counts[in[i].source]++
	}
	order, _, err := OrderSources(prefer, t.counts)
	for err != nil { // an ambiguous name: skipped, as a name that matches none
		var amb *AmbiguousSourceError
		if !errors.As(err, &amb) {
			break
		}
		prefer = slices.DeleteFunc(slices.Clone(prefer), func(n string) bool { return strings.TrimSpace(n) == amb.Name })
		order, _, err = OrderSources(prefer, t.counts)
	}
	t.order = order
	rank := make(map[string]int32, len(order))
	for i, s := range order {
		rank[s] = int32(i)
	}
	// The rates of each pair, by position in in (the order given).
	type pairIdx struct {
		p   pair
		idx []int32
	}
	var pairs []*pairIdx
	byPair := map[pair]*pairIdx{}
	var last *pairIdx
	for i := range in {
		base, quote := pairOf(i)
		p, inv := canonical(base, quote)
		in[i].inverted = inv
		if last == nil || last.p != p {
			if last = byPair[p]; last == nil {
				last = &pairIdx{p: p}
				byPair[p] = last
				pairs = append(pairs, last)
			}
		}
		last.idx = append(last.idx, int32(i))
	}
	for _, pi := range pairs {
		s := pi.idx
		// By day, then the preferred source first, then the one given
		// last. Rates usually come in day order, one source: then no sort
		// is needed.
		less := func(a, b int32) int {
			x, y := &in[a], &in[b]
			if x.day != y.day {
				return int(x.day) - int(y.day)
			}
			if rx, ry := rank[x.source], rank[y.source]; rx != ry {
				return int(rx - ry)
			}
			return int(b - a)
		}
		if !slices.IsSortedFunc(s, less) {
			slices.SortFunc(s, less)
		}
		out := make([]dayRate, 0, len(s))
		for _, i := range s {
			if len(out) > 0 && out[len(out)-1].day == in[i].day {
				continue
			}
			out = append(out, in[i])
		}
		t.series[pi.p] = out
		t.links[pi.p.base] = append(t.links[pi.p.base], pi.p.quote)
		t.links[pi.p.quote] = append(t.links[pi.p.quote], pi.p.base)
	}
	for c := range t.links {
		sort.Strings(t.links[c])
	}
	return t
}

// Sources are the sources of the table's rates in its order of preference.
func (t *Table) Sources() []string { return slices.Clone(t.order) }

func dayNum(t time.Time) int32 { return int32(t.Unix() / 86400) }

func dayTime(n int32) time.Time { return time.Unix(int64(n)*86400, 0).UTC() }

// found is a rate a lookup found for base->quote: the rate as quoted, the
// other way round when inv (quote->base).
type found struct {
	raw decimal.Decimal
	inv bool
	leg Leg
}

// rate is base->quote.
func (f found) rate() decimal.Decimal {
	if f.inv {
		return Quo(decimal.NewFromInt(1), f.raw)
	}
	return f.raw
}

// lookup finds base->quote on day or up to stale days before, directly or
// by the inverse of quote->base, whichever the preferred source quotes on
// the latest such day.
func (t *Table) lookup(base, quote string, day int32, stale int) (found, bool) {
	p, inv := canonical(base, quote)
	s := t.series[p]
	// The last rate on or before day (a search by hand: this runs for
	// every conversion a report computes).
	lo, hi := 0, len(s)
	for lo < hi {
		m := int(uint(lo+hi) >> 1)
		if s[m].day <= day {
			lo = m + 1
		} else {
			hi = m
		}
	}
	i := lo - 1
	if i < 0 || day-s[i].day > int32(stale) {
		return found{}, false
	}
	r := &s[i]
	leg := Leg{Day: dayTime(r.day), Base: p.base, Quote: p.quote, Source: r.source}
	if r.inverted {
		leg.Base, leg.Quote = p.quote, p.base
	}
	return found{raw: r.value(), inv: r.inverted != inv, leg: leg}, true
}

// Leg is one rate a conversion used.
type Leg struct {
	Day    time.Time
	Base   string
	Quote  string
	Source string
}

// Cross returns the factor f such that 1 unit of from is worth f units of
// to on day: directly (from->to), by the inverse (to->from), or across a
// common base B as rate(B->to) / rate(B->from), each of those either way
// round. Each rate may be up to stale days older than day; for each pair
// and day, the rate is the preferred source's (NewTable). The legs used are
// returned for provenance.
func (t *Table) Cross(from, to string, day time.Time, stale int) (decimal.Decimal, []Leg, error) {
	if from == to {
		return decimal.NewFromInt(1), nil, nil
	}
	d := dayNum(day)
	if r, ok := t.lookup(from, to, d, stale); ok {
		return r.rate(), []Leg{r.leg}, nil
	}
	// A common base: a currency with rates to both (or one of them,
	// handled above). Bases are tried in a fixed order.
	for _, b := range t.links[to] {
		if b == from {
			continue
		}
		rt, ok := t.lookup(b, to, d, stale)
		if !ok {
			continue
		}
		rs, ok := t.lookup(b, from, d, stale)
		if !ok {
			continue
		}
		// rate(B->to) / rate(B->from), with one division whichever way
		// round each is quoted.
		num, den := decimal.NewFromInt(1), decimal.NewFromInt(1)
		if rt.inv {
			den = rt.raw
		} else {
			num = rt.raw
		}
		if rs.inv {
			num = num.Mul(rs.raw)
		} else {
			den = den.Mul(rs.raw)
		}
		return Quo(num, den), []Leg{rs.leg, rt.leg}, nil
	}
	return decimal.Decimal{}, nil, t.missing(from, to, day, stale)
}

func (t *Table) missing(from, to string, day time.Time, stale int) error {
	return &MissingRateError{From: from, To: to, Day: day, Stale: stale}
}

// MissingRateError is a conversion that needs a rate the table lacks: for
// Cross, on Day or in the Stale days before; for MeanCross, on any day
// from First to Last. It matches ErrNoRate with errors.Is. Its message
// names the pair and the days, and no way to add rates: that is for the
// door (a command, a page) to say.
type MissingRateError struct {
	From, To    string
	Day         time.Time // Cross: the day of the conversion
	Stale       int       // Cross: how many days before Day a rate may be
	First, Last time.Time // MeanCross: the period; zero for Cross
}

func (e *MissingRateError) Error() string {
	if e.IsPeriod() {
		return fmt.Sprintf("%s: no %s/%s rate on any day from %s to %s",
			ErrNoRate, e.From, e.To, e.First.Format(time.DateOnly), e.Last.Format(time.DateOnly))
	}
	return fmt.Sprintf("%s: no %s/%s rate on %s or in the %d days before", ErrNoRate, e.From, e.To, e.Day.Format(time.DateOnly), e.Stale)
}

// Is matches ErrNoRate.
func (e *MissingRateError) Is(target error) bool { return target == ErrNoRate }

// IsPeriod reports whether the rates of a period were wanted (MeanCross)
// rather than one day's (Cross).
func (e *MissingRateError) IsPeriod() bool { return !e.First.IsZero() || !e.Last.IsZero() }

// Quoted is the pair the way reference rates are quoted, EUR first when
// either currency is EUR (else From/To): the rate a person would add to
// fill the gap.
func (e *MissingRateError) Quoted() (base, quote string) {
	base, quote = "EUR", e.To
	if e.To == "EUR" {
		quote = e.From
	} else if e.From != "EUR" {
		base, quote = e.From, e.To
	}
	return base, quote
}

// MeanCross is the arithmetic mean of the daily cross rates from->to over
// the days first..last (inclusive) that have rates for the conversion, and
// the number of days averaged. The legs are the first day's and the last
// day's (the span used) and, between them, one leg of each other source a
// day in between used. No day: a *MissingRateError (ErrNoRate).
func (t *Table) MeanCross(from, to string, first, last time.Time) (decimal.Decimal, int, []Leg, error) {
	if from == to {
		return decimal.NewFromInt(1), 0, nil, nil
	}
	var vals []decimal.Decimal
	var legs, lastLegs []Leg
	named := map[string]bool{} // the sources legs already name
	for d := dayNum(first); d <= dayNum(last); d++ {
		f, l, err := t.Cross(from, to, dayTime(d), 0)
		if err != nil {
			continue
		}
		vals = append(vals, f)
		if len(vals) == 1 {
			legs = append(legs, l...) // the first day's rates
			for _, x := range l {
				named[x.Source] = true
			}
			continue
		}
		if lastLegs != nil {
			// a day between: one leg for each source not yet named
			for _, x := range lastLegs {
				if !named[x.Source] {
					named[x.Source] = true
					legs = append(legs, x)
				}
			}
		}
		lastLegs = l
	}
	legs = append(legs, lastLegs...) // and the last day's: the span used
	if len(vals) == 0 {
		return decimal.Decimal{}, 0, nil, &MissingRateError{From: from, To: to, First: first, Last: last}
	}
	return Mean(vals), len(vals), legs, nil
}

// RateText writes a rate with the digits it was given: a decimal read from
// "1.2300" keeps its four decimals, and RateText writes them back (String
// would write 1.23). Equal rates compare equal whatever their digits.
func RateText(d decimal.Decimal) string {
	if e := d.Exponent(); e < 0 {
		return d.StringFixed(-e)
	}
	return d.String()
}
