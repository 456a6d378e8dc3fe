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
// in a spreadsheet, to the report's figures.
type Valuer struct {
	conv *Converter
	cur  money.Currency
}

// NewValuer values into opt.Currency under opt.Valuation, with the rates
// recorded at or before opt.AsOf (zero: the latest).
func NewValuer(ctx context.Context, s *store.Store, opt Options) (*Valuer, error) {
	table, err := s.RateTable(ctx, opt.AsOf)
	if err != nil {
		return nil, err
	}
	return &Valuer{conv: NewConverter(table, opt.Currency, opt.Valuation), cur: opt.Currency}, nil
}

// Currency is the currency values are in.
func (v *Valuer) Currency() money.Currency { return v.cur }

// Value is e's value; ok is false for an entry without an amount.
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
	return money.FromMinor(m, v.cur), true, nil
}
