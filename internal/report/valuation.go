package report

import (
	"fmt"
	"sort"
	"strings"
	"sync"
	"time"

	"github.com/coalition/pledger/internal/ledger"
	"github.com/coalition/pledger/internal/money"
	"github.com/shopspring/decimal"
)

// Valuation is the convention that picks the rate for an entry.
type Valuation struct {
	Kind     string    // "spot", "annual" or "fixed"
	Fixed    time.Time // the day of a fixed valuation
	MaxStale int       // days a spot or fixed rate may be older than its day
}

// ParseValuation reads --valuation: spot, annual or fixed:YYYY-MM-DD.
func ParseValuation(s string, maxStale int) (Valuation, error) {
	if maxStale < 0 {
		return Valuation{}, fmt.Errorf("%w: --max-staleness %d: must be 0 or more days", ledger.ErrInvalid, maxStale)
	}
	v := Valuation{Kind: s, MaxStale: maxStale}
	switch {
	case s == "" || s == "spot":
		v.Kind = "spot"
	case s == "annual":
	case strings.HasPrefix(s, "fixed:"):
		d, err := ledger.ParseDate(strings.TrimPrefix(s, "fixed:"))
		if err != nil || d.Precision != ledger.Day {
			return Valuation{}, fmt.Errorf("%w: --valuation %q: fixed takes a day, e.g. fixed:2021-12-31", ledger.ErrInvalid, s)
		}
		v.Kind, v.Fixed = "fixed", d.First()
	default:
		return Valuation{}, fmt.Errorf("%w: --valuation %q: use spot, annual or fixed:YYYY-MM-DD", ledger.ErrInvalid, s)
	}
	return v, nil
}

// String is the convention as written on the command line.
func (v Valuation) String() string {
	if v.Kind == "fixed" {
		return "fixed:" + v.Fixed.Format("2006-01-02")
	}
	return v.Kind
}

// Describe says in words how amounts were valued, for notes and footers.
func (v Valuation) Describe() string {
	switch v.Kind {
	case "annual":
		return "annual: each entry at the mean of the daily rates of its calendar year (OECD DAC convention)"
	case "fixed":
		return fmt.Sprintf("fixed: every entry at the rate of %s (or up to %d days before)", v.Fixed.Format("2006-01-02"), v.MaxStale)
	}
	return fmt.Sprintf("spot: each entry at the rate of its date (or up to %d days before); month and year dates at the mean of the daily rates of that month or year", v.MaxStale)
}

// Converter converts entry amounts into one currency under a valuation,
// computing each needed factor once.
type Converter struct {
	mu     sync.Mutex // guards the maps and the span; factors are computed outside it
	table  *money.Table
	target money.Currency
	val    Valuation
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
func NewConverter(table *money.Table, target money.Currency, val Valuation) *Converter {
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
	case "annual":
		k.date = ledger.Date{Y: date.Y, Precision: ledger.Year}
	case "fixed":
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
	case c.val.Kind == "fixed":
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

// ExactFactor is Factor ready for money.Sum.
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

// Convert values amount (in cur, dated date) in the target currency,
// rounded once, half to even, to the target's minor units.
func (c *Converter) Convert(amount decimal.Decimal, cur string, date ledger.Date) (decimal.Decimal, error) {
	if cur == c.target.Code {
		return amount, nil
	}
	f, err := c.Factor(cur, date)
	if err != nil {
		return decimal.Decimal{}, err
	}
	return money.Convert(amount, f, c.target), nil
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
