package report

import (
	"context"
	"fmt"

	"github.com/coalition/pledger/internal/ledger"
	"github.com/coalition/pledger/internal/money"
	"github.com/coalition/pledger/internal/store"
	"github.com/shopspring/decimal"
)

// Valuer values single entries exactly as every report does: with the
// rates in force at the request's as-of moment, under its valuation, each
// entry converted and rounded once (money.Factor.Value). A report's row is
// the sum of these values, so a list of entries with their values adds up,
// in a spreadsheet, to the report's figures. With sector or location
// filters (opt.Sectors, opt.Locations), an entry's value is the part of it
// a report with those filters counts (the share rule, split.go).
type Valuer struct {
	conv  *Converter
	cur   money.Currency
	split *splitter // nil: no sector or location filter
}

// NewValuer values into opt.Currency under opt.Valuation, with the rates
// recorded at or before opt.AsOf (zero: the latest) in the order of
// preference opt.RateSources, counting what a
// report filtered by opt.Sectors and opt.Locations counts.
func NewValuer(ctx context.Context, s *store.Store, opt Options) (*Valuer, error) {
	table, err := s.RateTable(ctx, opt.AsOf, opt.RateSources...)
	if err != nil {
		return nil, err
	}
	v := &Valuer{conv: NewConverter(table, opt.Currency, opt.Valuation), cur: opt.Currency}
	if len(opt.Sectors) > 0 || len(opt.Locations) > 0 {
		v.split = newSplitter(store.Filter{Sectors: opt.Sectors, Locations: opt.Locations})
		v.split.quiet = true // a list says per entry what counts; no notes to keep
	}
	return v, nil
}

// Currency is the currency values are in.
func (v *Valuer) Currency() money.Currency { return v.cur }

// Value is e's value, or the part of it the filters count; ok is false for
// an entry without an amount, and for one the filters leave out (a shared
// entry: it counts under ledger.Multiple).
func (v *Valuer) Value(e ledger.Entry) (value decimal.Decimal, ok bool, err error) {
	if !e.Amount.Valid {
		return decimal.Decimal{}, false, nil
	}
	minor, err := money.ToMinor(e.Amount.Decimal, e.Currency)
	if err != nil {
		return decimal.Decimal{}, false, fmt.Errorf("entry %s: %w", e.Ref, err)
	}
	m, err := v.conv.Value(minor, e.Currency, e.Date, e.Ref)
	if err != nil {
		return decimal.Decimal{}, false, err
	}
	if v.split != nil {
		a := &store.Amount{Ref: []byte(e.Ref), Kind: string(e.Kind), Minor: minor,
			Sector: []byte(ledger.FormatSplit(e.Sectors, e.SectorShares)), Location: []byte(ledger.FormatSplit(e.Locations, e.LocationShares))}
		ps := v.split.portions(nil, a, m)
		if len(ps) == 0 {
			return decimal.Decimal{}, false, nil
		}
		m = 0
		for _, p := range ps {
			m += p.value
		}
	}
	return money.FromMinor(m, v.cur), true, nil
}
