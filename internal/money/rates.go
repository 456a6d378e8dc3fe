package money

import (
	"errors"
	"fmt"
	"sort"
	"time"

	"github.com/shopspring/decimal"
)

// ErrNoRate reports a conversion that needs a rate the table lacks.
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
	// Suggest the pair the way reference rates are quoted: against EUR.
	base, other := "EUR", to
	if to == "EUR" {
		other = from
	} else if from != "EUR" {
		base, other = from, to
	}
	d := day.Format("2006-01-02")
	return fmt.Errorf("%w: no %s/%s rate on %s or in the %d days before: add one with `pledger rates set %s %s %s RATE`, or import the ECB file with `pledger rates import eurofxref-hist.csv`",
		ErrNoRate, from, to, d, stale, d, base, other)
}

// MeanCross is the arithmetic mean of the daily cross rates from->to over
// the days first..last (inclusive) that have rates for the conversion, and
// the number of days averaged. No day: ErrNoRate.
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
		return decimal.Decimal{}, 0, nil, fmt.Errorf("%w: no %s/%s rate on any day from %s to %s: import the rates for that period (`pledger rates import FILE`)",
			ErrNoRate, from, to, first.Format("2006-01-02"), last.Format("2006-01-02"))
	}
	return Mean(vals), len(vals), legs, nil
}
