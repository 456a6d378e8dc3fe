package model

import (
	"strconv"
	"strings"
	"time"

	"github.com/coalition/pledger/internal/ledger"
)

// ValuationKind names a valuation convention.
type ValuationKind string

const (
	Spot   ValuationKind = "spot"   // the rate of the entry's date (month and year dates: the mean of the period)
	Annual ValuationKind = "annual" // the mean of the daily rates of the entry's calendar year
	Fixed  ValuationKind = "fixed"  // every entry at one day's rate
)

// Valuation is the convention that picks the rate for an entry.
type Valuation struct {
	Kind     ValuationKind
	Fixed    time.Time // the day of a fixed valuation
	MaxStale int       // days a spot or fixed rate may be older than its day
}

// ParseValuation reads a valuation as a person writes it: spot, annual or
// fixed:YYYY-MM-DD ("" is the default), with the days a rate may be older
// than its day.
func ParseValuation(s string, maxStale int) (Valuation, error) {
	if maxStale < 0 {
		return Valuation{}, ledger.Fail(ledger.ErrInvalid, "bad_max_staleness", "max-staleness", strconv.Itoa(maxStale),
			"%d: must be 0 or more days", maxStale)
	}
	v := Valuation{Kind: ValuationKind(s), MaxStale: maxStale}
	switch {
	case s == "" || s == string(Spot):
		v.Kind = Spot
	case s == string(Annual):
	case strings.HasPrefix(s, "fixed:"):
		d, err := ledger.ParseDate(strings.TrimPrefix(s, "fixed:"))
		if err != nil || d.Precision != ledger.Day {
			return Valuation{}, ledger.Fail(ledger.ErrInvalid, "bad_valuation", "valuation", s, "%q: fixed takes a day, e.g. fixed:2021-12-31", s)
		}
		v.Kind, v.Fixed = Fixed, d.First()
	default:
		return Valuation{}, ledger.Fail(ledger.ErrInvalid, "bad_valuation", "valuation", s, "%q: use spot, annual or fixed:YYYY-MM-DD", s)
	}
	return v, nil
}

// String is the convention as a person writes it: spot, annual,
// fixed:2021-12-31.
func (v Valuation) String() string {
	if v.Kind == Fixed {
		return "fixed:" + v.Fixed.Format(time.DateOnly)
	}
	return string(v.Kind)
}

// Describe says in the reader's words how amounts were valued, for notes
// and footers.
func (v Valuation) Describe(l *Lang) string {
	stale := strconv.Itoa(v.MaxStale)
	switch v.Kind {
	case Annual:
		return l.T("val.annual")
	case Fixed:
		return l.T("val.fixed", v.Fixed.Format(time.DateOnly), stale)
	}
	return l.T("val.spot", stale)
}

// Brief says in a few words how amounts were valued, for the line under a
// chart's title: "at spot rates".
func (v Valuation) Brief(l *Lang) string {
	switch v.Kind {
	case Spot, "":
		return l.T("chart.val.spot")
	case Annual:
		return l.T("chart.val.annual")
	case Fixed:
		return l.T("chart.val.fixed", l.LongDate(v.Fixed))
	}
	return l.T("chart.val.other", string(v.Kind))
}

// Defaults are what a report uses when a request leaves a choice open:
// the one place for them, read by the CLI's flags, the web's forms and the
// API alike.
var Defaults = struct {
	Currency  string
	Valuation string
	MaxStale  int
	Lang      string
}{Currency: "USD", Valuation: string(Spot), MaxStale: 7, Lang: "en"}

// DefaultValuation is Defaults' valuation, parsed.
func DefaultValuation() Valuation {
	return Valuation{Kind: Spot, MaxStale: Defaults.MaxStale}
}
