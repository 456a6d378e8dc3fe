package money

import (
	"errors"
	"fmt"
	"sort"
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

type dayRate struct {
	day    int32 // days since 1970-01-01
	rate   decimal.Decimal
	source string
}

// Table holds dated rates for lookups by day, with a look-back window.
// Build it once, then look up from any number of goroutines.
type Table struct {
	series map[pair][]dayRate // sorted by day
	bases  map[string][]string
	used   map[string]bool // sources seen
}

// NewTable indexes rates. For one pair and day the last rate given wins
// (callers pass them in recording order).
func NewTable(rates []Rate) *Table {
	t := &Table{series: map[pair][]dayRate{}, bases: map[string][]string{}, used: map[string]bool{}}
	for _, r := range rates {
		p := pair{r.Base, r.Quote}
		t.series[p] = append(t.series[p], dayRate{day: dayNum(r.Day), rate: r.Rate, source: r.Source})
	}
	for p, s := range t.series {
		sort.SliceStable(s, func(i, j int) bool { return s[i].day < s[j].day })
		// keep the last given for a day
		out := s[:0]
		for i := range s {
			if len(out) > 0 && out[len(out)-1].day == s[i].day {
				out[len(out)-1] = s[i]
				continue
			}
			out = append(out, s[i])
		}
		t.series[p] = out
		t.bases[p.quote] = append(t.bases[p.quote], p.base)
	}
	for q := range t.bases {
		sort.Strings(t.bases[q])
	}
	return t
}

func dayNum(t time.Time) int32 { return int32(t.Unix() / 86400) }

func dayTime(n int32) time.Time { return time.Unix(int64(n)*86400, 0).UTC() }

// lookup finds base->quote on day or up to stale days before.
func (t *Table) lookup(base, quote string, day int32, stale int) (dayRate, bool) {
	s := t.series[pair{base, quote}]
	i := sort.Search(len(s), func(i int) bool { return s[i].day > day }) - 1
	if i < 0 || day-s[i].day > int32(stale) {
		return dayRate{}, false
	}
	return s[i], true
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
// common base B as rate(B->to) / rate(B->from). Each rate may be up to stale
// days older than day. The legs used are returned for provenance.
func (t *Table) Cross(from, to string, day time.Time, stale int) (decimal.Decimal, []Leg, error) {
	if from == to {
		return decimal.NewFromInt(1), nil, nil
	}
	d := dayNum(day)
	if r, ok := t.lookup(from, to, d, stale); ok {
		return r.rate, []Leg{{dayTime(r.day), from, to, r.source}}, nil
	}
	if r, ok := t.lookup(to, from, d, stale); ok {
		return Quo(decimal.NewFromInt(1), r.rate), []Leg{{dayTime(r.day), to, from, r.source}}, nil
	}
	// A common base: one that quotes both currencies (or is one of them,
	// handled above). Bases are tried in a fixed order.
	for _, b := range t.bases[to] {
		rt, ok := t.lookup(b, to, d, stale)
		if !ok {
			continue
		}
		rs, ok := t.lookup(b, from, d, stale)
		if !ok {
			continue
		}
		return Quo(rt.rate, rs.rate), []Leg{{dayTime(rs.day), b, from, rs.source}, {dayTime(rt.day), b, to, rt.source}}, nil
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
// the number of days averaged. No day: a *MissingRateError (ErrNoRate).
func (t *Table) MeanCross(from, to string, first, last time.Time) (decimal.Decimal, int, []Leg, error) {
	if from == to {
		return decimal.NewFromInt(1), 0, nil, nil
	}
	var vals []decimal.Decimal
	var legs, lastLegs []Leg
	for d := dayNum(first); d <= dayNum(last); d++ {
		f, l, err := t.Cross(from, to, dayTime(d), 0)
		if err != nil {
			continue
		}
		vals = append(vals, f)
		if len(vals) == 1 {
			legs = append(legs, l...) // the first day's rates
		} else {
			lastLegs = l
		}
	}
	legs = append(legs, lastLegs...) // and the last day's: the span used
	if len(vals) == 0 {
		return decimal.Decimal{}, 0, nil, &MissingRateError{From: from, To: to, First: first, Last: last}
	}
	return Mean(vals), len(vals), legs, nil
}
