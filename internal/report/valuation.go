package report

import (
	"fmt"
	"sort"
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
	cache  map[convKey]decimal.Decimal
	fixed  map[convKey]*money.Factor

	sources     map[string]bool
	first, last time.Time
}

type convKey struct {
	cur  string
	date ledger.Date
}

// NewConverter converts into target with the rates of table.
func NewConverter(table *money.Table, target money.Currency, val model.Valuation) *Converter {
	return &Converter{table: table, target: target, val: val, cache: map[convKey]decimal.Decimal{}, fixed: map[convKey]*money.Factor{}, sources: map[string]bool{}}
}

// Factor returns the rate (target units per unit of cur) for an entry of
// currency cur dated date.
func (c *Converter) Factor(cur string, date ledger.Date) (decimal.Decimal, error) {
	if cur == c.target.Code {
		return decimal.NewFromInt(1), nil
	}
	k := convKey{cur, date}
	switch c.val.Kind {
	case model.Annual:
		k.date = ledger.Date{Y: date.Y, Precision: ledger.Year}
	case model.Fixed:
		k.date = ledger.Date{}
	}
	c.mu.Lock()
	f, ok := c.cache[k]
	c.mu.Unlock()
	if ok {
		return f, nil
	}
	var legs []money.Leg
	var err error
	switch {
	case c.val.Kind == model.Fixed:
		f, legs, err = c.table.Cross(cur, c.target.Code, c.val.Fixed, c.val.MaxStale)
	case k.date.Precision == ledger.Day:
		f, legs, err = c.table.Cross(cur, c.target.Code, k.date.First(), c.val.MaxStale)
	default:
		f, _, legs, err = c.table.MeanCross(cur, c.target.Code, k.date.First(), k.date.Last())
	}
	if err != nil {
		return decimal.Decimal{}, fmt.Errorf("valuing a %s amount dated %s (%s): %w", cur, date, c.val, err)
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	for _, l := range legs {
		c.sources[l.Source] = true
		if c.first.IsZero() || l.Day.Before(c.first) {
			c.first = l.Day
		}
		if l.Day.After(c.last) {
			c.last = l.Day
		}
	}
	c.cache[k] = f
	return f, nil
}

// ExactFactor is Factor ready for money.Factor.Value.
func (c *Converter) ExactFactor(cur string, date ledger.Date) (*money.Factor, error) {
	k := convKey{cur, date}
	c.mu.Lock()
	f, ok := c.fixed[k]
	c.mu.Unlock()
	if ok {
		return f, nil
	}
	d, err := c.Factor(cur, date)
	if err != nil {
		return nil, err
	}
	f = money.NewFactor(d)
	c.mu.Lock()
	c.fixed[k] = f
	c.mu.Unlock()
	return f, nil
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
func entryValue(f *money.Factor, minor int64, units int32, target money.Currency, ref string) (int64, error) {
	v, ok := f.Value(minor, units, target)
	if !ok {
		return 0, fmt.Errorf("%w: entry %s: its value in %s is too large", ledger.ErrInvalid, ref, target.Code)
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

// RatesUsed describes the rates the conversions used: their sources and
// the span of days, or "" when none was needed.
func (c *Converter) RatesUsed() (sources []string, first, last time.Time) {
	c.mu.Lock()
	defer c.mu.Unlock()
	for s := range c.sources {
		sources = append(sources, s)
	}
	sort.Strings(sources)
	return sources, c.first, c.last
}
