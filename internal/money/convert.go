package money

import "github.com/shopspring/decimal"

// Digits is the number of significant digits kept in every intermediate
// quotient (cross rates, means of rates). The issue asks for at least 28.
const Digits = 34

// Quo divides a by b keeping Digits significant digits (b must not be zero).
// shopspring's Div keeps only 16 decimal places, which is not enough for a
// JPY-per-KWD cross rate, so every division in pledger goes through here.
func Quo(a, b decimal.Decimal) decimal.Decimal {
	// magnitude of the quotient, in powers of ten, give or take one
	mag := (int32(a.NumDigits()) + a.Exponent()) - (int32(b.NumDigits()) + b.Exponent())
	places := Digits - mag + 1
	if places < 0 {
		places = 0
	}
	return a.DivRound(b, places)
}

// Round rounds d once, half to even, to cur's minor units.
func Round(d decimal.Decimal, cur Currency) decimal.Decimal { return d.RoundBank(cur.Units) }

// Convert turns amount into the target currency with factor, a rate in
// target units per source unit, and rounds the product once, half to even.
func Convert(amount, factor decimal.Decimal, target Currency) decimal.Decimal {
	return Round(amount.Mul(factor), target)
}

// Mean is the arithmetic mean of rates with Digits significant digits.
func Mean(rates []decimal.Decimal) decimal.Decimal {
	if len(rates) == 0 {
		return decimal.Zero
	}
	sum := decimal.Zero
	for _, r := range rates {
		sum = sum.Add(r)
	}
	return Quo(sum, decimal.NewFromInt(int64(len(rates))))
}
