package report

import (
	"fmt"
	"slices"
	"sync"
	"time"

	"github.com/coalition/pledger/internal/ledger"
	"github.com/coalition/pledger/internal/model"
	"github.com/coalition/pledger/internal/money"
	"github.com/shopspring/decimal"
)

// Converter converts entry amounts into one currency under a valuation,
// computing each needed factor once.
type Converter struct {
	mu     sync.Mutex // guards the maps and the span; factors are computed outside it
	table  *money.Table
	target money.Currency
	val    model.Valuation
	cache  map[convKey]*conversion // by the valuation's key (a year for annual, none for fixed)
	fixed  map[convKey]*conversion // by the entry's currency and date

	first, last time.Time
}

type convKey struct {
	cur  string
	date ledger.Date
}

// conversion is one factor of a report and the sources of the rates it
// used: the entries valued with it count under each of them
// (model.Provenance.RateSources).
type conversion struct {
	rate    decimal.Decimal
	exact   *money.Factor
	sources []string // distinct, in the order of the legs; none for the identity
}

// tally counts the entries a scan valued with one conversion. A scan keeps
// one per conversion key, so that counting costs an increment.
type tally struct {
	conv *conversion
	n    int
	// chain counts the chains' links valued with conv, when one scan
	// reads both (aggregateChains): links count apart from the entries.
	chain *tally
}

// rated counts entries per conversion: the entries a report's figures
// (and its notes' figures) counted, merged from the scans' tallies.
type rated map[*conversion]int

func (r rated) add(ts ...*tally) {
	for _, t := range ts {
		if t.n > 0 {
			r[t.conv] += t.n
		}
	}
}

func (r rated) merge(o rated) {
	for c, n := range o {
		r[c] += n
	}
}

// NewConverter converts into target with the rates of table.
func NewConverter(table *money.Table, target money.Currency, val model.Valuation) *Converter {
	return &Converter{table: table, target: target, val: val, cache: map[convKey]*conversion{}, fixed: map[convKey]*conversion{}}
}

// Factor returns the rate (target units per unit of cur) for an entry of
// currency cur dated date.
func (c *Converter) Factor(cur string, date ledger.Date) (decimal.Decimal, error) {
	cv, err := c.conversion(cur, date)
	if err != nil {
		return decimal.Decimal{}, err
	}
	return cv.rate, nil
}

// ExactFactor is Factor ready for money.Factor.Value.
func (c *Converter) ExactFactor(cur string, date ledger.Date) (*money.Factor, error) {
	cv, err := c.conversion(cur, date)
	if err != nil {
		return nil, err
	}
	return cv.exact, nil
}

// conversion is the conversion of an entry of currency cur dated date,
// computed the first time it is asked for.
func (c *Converter) conversion(cur string, date ledger.Date) (*conversion, error) {
	raw := convKey{cur, date}
	c.mu.Lock()
	cv, ok := c.fixed[raw]
	c.mu.Unlock()
	if ok {
		return cv, nil
	}
	cv, err := c.compute(cur, date)
	if err != nil {
		return nil, err
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if got, ok := c.fixed[raw]; ok {
		return got, nil // another scan computed it meanwhile: one conversion per key
	}
	c.fixed[raw] = cv
	return cv, nil
}

// compute finds the factor for cur and date under the valuation, shared by
// every date with the same valuation key.
func (c *Converter) compute(cur string, date ledger.Date) (*conversion, error) {
	k := convKey{cur, date}
	if cur == c.target.Code {
		k.date = ledger.Date{}
	} else {
		switch c.val.Kind {
		case model.Annual:
			k.date = ledger.Date{Y: date.Y, Precision: ledger.Year}
		case model.Fixed:
			k.date = ledger.Date{}
		}
	}
	c.mu.Lock()
	cv, ok := c.cache[k]
	c.mu.Unlock()
	if ok {
		return cv, nil
	}
	var f decimal.Decimal
	var legs []money.Leg
	var err error
	switch {
	case cur == c.target.Code:
		f = decimal.NewFromInt(1)
	case c.val.Kind == model.Fixed:
		f, legs, err = c.table.Cross(cur, c.target.Code, c.val.Fixed, c.val.MaxStale)
	case k.date.Precision == ledger.Day:
		f, legs, err = c.table.Cross(cur, c.target.Code, k.date.First(), c.val.MaxStale)
	default:
		f, _, legs, err = c.table.MeanCross(cur, c.target.Code, k.date.First(), k.date.Last())
	}
	if err != nil {
		return nil, fmt.Errorf("valuing a %s amount dated %s (%s): %w", cur, date, c.val, err)
	}
	cv = &conversion{rate: f, exact: money.NewFactor(f)}
	for _, l := range legs {
		if !slices.Contains(cv.sources, l.Source) {
			cv.sources = append(cv.sources, l.Source)
		}
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if got, ok := c.cache[k]; ok {
		return got, nil
	}
	for _, l := range legs {
		if c.first.IsZero() || l.Day.Before(c.first) {
			c.first = l.Day
		}
		if l.Day.After(c.last) {
			c.last = l.Day
		}
	}
	c.cache[k] = cv
	return cv, nil
}

// Value is the value, in minor units of the target currency, of minor
// units of cur dated date: converted and rounded once (entryValue). ref
// names the entry in errors.
func (c *Converter) Value(minor int64, cur money.Currency, date ledger.Date, ref string) (int64, error) {
	f, err := c.ExactFactor(cur.Code, date)
	if err != nil {
		return 0, fmt.Errorf("%w (entry %s)", err, ref)
	}
	return entryValue(f, minor, cur.Units, c.target, ref)
}

// entryValue is the one rounding of a report: an entry's amount (minor
// units with units decimals) times its factor, rounded once, half to even,
// to the target's minor units (money.Factor.Value). A value too large to
// add up is an error naming the entry, never a wrapped number.
func entryValue[R ~string | ~[]byte](f *money.Factor, minor int64, units int32, target money.Currency, ref R) (int64, error) {
	v, ok := f.Value(minor, units, target)
	if !ok {
		return 0, fmt.Errorf("%w: entry %s: its value in %s is too large", ledger.ErrInvalid, string(ref), target.Code)
	}
	return v, nil
}

// Convert values amount (in cur, dated date) in the target currency, by
// the same rule as Value.
func (c *Converter) Convert(amount decimal.Decimal, cur string, date ledger.Date) (decimal.Decimal, error) {
	from, err := money.ParseCurrency(cur)
	if err != nil {
		return decimal.Decimal{}, err
	}
	minor, err := money.ToMinor(amount, from)
	if err != nil {
		return decimal.Decimal{}, err
	}
	v, err := c.Value(minor, from, date, "")
	if err != nil {
		return decimal.Decimal{}, err
	}
	return money.FromMinor(v, c.target), nil
}

// RatesUsed describes the rates the conversions used: their sources, in
// the order of preference, and the span of their days; none when no rate
// was needed.
func (c *Converter) RatesUsed() (sources []string, first, last time.Time) {
	c.mu.Lock()
	defer c.mu.Unlock()
	used := map[string]bool{}
	for _, cv := range c.cache {
		for _, s := range cv.sources {
			used[s] = true
		}
	}
	for _, s := range c.table.Sources() {
		if used[s] {
			sources = append(sources, s)
		}
	}
	return sources, c.first, c.last
}

// rateSources names, per source, in the order of preference, how many of
// the entries counted in r were valued with a rate from it (an entry
// whose conversion went through two sources counts under each).
func (c *Converter) rateSources(r rated) []model.RateSource {
	n := map[string]int{}
	for cv, k := range r {
		for _, s := range cv.sources {
			n[s] += k
		}
	}
	var out []model.RateSource
	for _, s := range c.table.Sources() {
		if n[s] > 0 {
			out = append(out, model.RateSource{Source: s, Entries: n[s]})
		}
	}
	return out
}
