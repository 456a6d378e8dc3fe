// Package money holds amounts, currencies and exchange-rate arithmetic.
//
// Every amount and rate is a shopspring/decimal.Decimal; nothing here ever
// goes through a float. Currency codes and their minor units (2 for USD and
// EUR, 0 for JPY and KRW, 3 for KWD) come from golang.org/x/text/currency,
// never from a hand-written table.
//
// Rounding policy: amounts are entered with at most the currency's minor
// units (an amount with more decimals is an error, not rounded). A converted
// amount is an entry's value: computed exactly and rounded once, half to
// even, to the target currency's minor units (Factor.Value; Convert states
// the same rule in decimals); every report figure is an exact sum of values.
// In storage an amount is an int64 count of minor units beside its currency
// code, which both SQLite and PostgreSQL sum exactly.
package money

import (
	"errors"
	"fmt"
	"slices"
	"strings"

	"github.com/shopspring/decimal"
	"golang.org/x/text/currency"
)

// ErrCurrency reports an unknown or unusable currency code.
var ErrCurrency = errors.New("unknown currency")

// ErrAmount reports an amount that cannot be used as written.
var ErrAmount = errors.New("invalid amount")

// Currency is an ISO 4217 currency with its number of minor units.
type Currency struct {
	Code  string // ISO 4217 alphabetic code, upper case
	Units int32  // decimals in the minor unit: USD 2, JPY 0, KWD 3
}

func (c Currency) String() string { return c.Code }

// notMoney are ISO 4217 codes that are not money a coalition member pledges:
// testing and "no currency" codes, precious metals, units of account.
var notMoney = map[string]bool{
	"XXX": true, "XTS": true, "XAU": true, "XAG": true, "XPT": true, "XPD": true,
	"XBA": true, "XBB": true, "XBC": true, "XBD": true, "XDR": true, "XSU": true, "XUA": true,
}

// ParseCurrency checks code against ISO 4217 (golang.org/x/text/currency)
// and returns it with its minor units. Lower case is accepted and normalised.
func ParseCurrency(code string) (Currency, error) {
	c := strings.ToUpper(strings.TrimSpace(code))
	if len(c) != 3 {
		return Currency{}, fmt.Errorf("%w %q: want a three-letter ISO 4217 code such as EUR or USD", ErrCurrency, code)
	}
	u, err := currency.ParseISO(c)
	if err != nil || notMoney[c] {
		return Currency{}, fmt.Errorf("%w %q: not an ISO 4217 currency code (e.g. EUR, USD, GBP, JPY)", ErrCurrency, code)
	}
	scale, _ := currency.Standard.Rounding(u)
	return Currency{Code: u.String(), Units: int32(scale)}, nil
}

// MustCurrency is ParseCurrency for codes known at compile time.
func MustCurrency(code string) Currency {
	c, err := ParseCurrency(code)
	if err != nil {
		panic(err)
	}
	return c
}

// maxDigits caps the digits of a number ParseDecimal reads.
const maxDigits = 40

// ParseDecimal reads a plain decimal number: digits, an optional '.' and
// fraction, an optional leading sign. No exponent, no thousands separators,
// no spaces, so that what a person typed is what is stored.
func ParseDecimal(s string) (decimal.Decimal, error) {
	if s == "" {
		return decimal.Decimal{}, fmt.Errorf("%w: empty", ErrAmount)
	}
	digits, dot := 0, false
	for i, r := range s {
		switch {
		case r >= '0' && r <= '9':
			digits++
		case r == '.' && !dot:
			dot = true
		case (r == '-' || r == '+') && i == 0:
		default:
			return decimal.Decimal{}, fmt.Errorf("%w %q: use digits with '.' as decimal separator, no thousands separators (e.g. 18000000.00)", ErrAmount, s)
		}
	}
	if digits == 0 {
		return decimal.Decimal{}, fmt.Errorf("%w %q: no digits", ErrAmount, s)
	}
	if strings.HasPrefix(strings.TrimLeft(s, "+-"), ".") {
		digits++ // ".5" is written "0.5": count its zero, so that what is written reads again
	}
	if digits > maxDigits {
		return decimal.Decimal{}, fmt.Errorf("%w %q: too many digits", ErrAmount, s)
	}
	d, err := decimal.NewFromString(s)
	if err != nil {
		return decimal.Decimal{}, fmt.Errorf("%w %q: %w", ErrAmount, s, err)
	}
	return d, nil
}

// ParseAmount reads a positive amount in cur, refusing more decimals than
// the currency's minor units (1.5 JPY is an error).
func ParseAmount(s string, cur Currency) (decimal.Decimal, error) {
	d, err := ParseDecimal(s)
	if err != nil {
		return d, err
	}
	if err := CheckAmount(d, cur); err != nil {
		return d, err
	}
	return d, nil
}

// CheckAmount checks that d is positive and fits cur's minor units and the
// int64 minor-unit storage.
func CheckAmount(d decimal.Decimal, cur Currency) error {
	if !d.IsPositive() {
		return fmt.Errorf("%w %s: must be greater than zero", ErrAmount, d.String())
	}
	// The decimals as written count, trailing zeros included: "5.000 EUR"
	// is refused, never rounded (it may be a thousands group misread).
	if !d.Equal(d.Truncate(cur.Units)) || -d.Exponent() > cur.Units {
		if cur.Units == 0 {
			return fmt.Errorf("%w %s: %s has no minor unit, so the amount must be a whole number", ErrAmount, d.String(), cur.Code)
		}
		return fmt.Errorf("%w %s: %s has %d decimals at most", ErrAmount, d.String(), cur.Code, cur.Units)
	}
	if _, err := ToMinor(d, cur); err != nil {
		return err
	}
	return nil
}

var maxMinor = decimal.NewFromInt(1<<63 - 1)

// ToMinor turns an amount into an integer count of cur's minor units. It
// fails if the amount has more decimals than cur allows or does not fit.
func ToMinor(d decimal.Decimal, cur Currency) (int64, error) {
	m := d.Shift(cur.Units)
	if !m.IsInteger() {
		return 0, fmt.Errorf("%w %s: more decimals than %s's %d", ErrAmount, d.String(), cur.Code, cur.Units)
	}
	if m.Abs().GreaterThan(maxMinor) {
		return 0, fmt.Errorf("%w %s: too large to store", ErrAmount, d.String())
	}
	return m.IntPart(), nil
}

// FromMinor turns a count of minor units back into an amount.
func FromMinor(m int64, cur Currency) decimal.Decimal {
	return decimal.New(m, -cur.Units)
}

// Fixed writes d with exactly cur's number of decimals ("12461314647.00").
func Fixed(d decimal.Decimal, cur Currency) string { return d.StringFixed(cur.Units) }

// Codes lists the codes of Currencies: what a person is offered when
// completing a currency.
func Codes() []string {
	cs := Currencies()
	out := make([]string, len(cs))
	for i, c := range cs {
		out[i] = c.Code
	}
	return out
}

// Currencies lists the ISO 4217 currencies in use today as legal tender
// somewhere (golang.org/x/text/currency), that ParseCurrency accepts,
// sorted by code: what a form or a spreadsheet offers to choose from.
// ParseCurrency accepts more (historical codes); this is the usual list.
func Currencies() []Currency {
	seen := map[string]bool{}
	var out []Currency
	for it := currency.Query(); it.Next(); {
		code := it.Unit().String()
		if seen[code] {
			continue
		}
		seen[code] = true
		if c, err := ParseCurrency(code); err == nil {
			out = append(out, c)
		}
	}
	slices.SortFunc(out, func(a, b Currency) int { return strings.Compare(a.Code, b.Code) })
	return out
}
