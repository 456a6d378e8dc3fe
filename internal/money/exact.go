package money

import (
	"math/big"

	"github.com/shopspring/decimal"
)

// Sums of converted amounts are kept exactly, in fixed point, so that a
// report row can be rounded once from its exact value however many entries
// it adds up: Σ amount × factor, then one half-to-even rounding.
const (
	factorScale = 50 // a Factor is an integer count of 10^-50
	maxUnits    = 4  // minor units are normalised to 10^-4 (CLF has 4)
	sumScale    = factorScale + maxUnits
)

var pow10 [maxUnits + 1]big.Int

func init() {
	for i := range pow10 {
		pow10[i].Exp(big.NewInt(10), big.NewInt(int64(i)), nil)
	}
}

// Factor is a conversion factor ready for exact accumulation.
type Factor struct {
	f   big.Int
	one bool // the identity: no multiplication needed
}

// NewFactor fixes d (at most factorScale decimals; Quo gives fewer for any
// realistic rate) for Accumulate.
func NewFactor(d decimal.Decimal) *Factor {
	var f Factor
	f.f.Set(d.Shift(factorScale).Truncate(0).BigInt())
	f.one = d.Equal(decimal.NewFromInt(1))
	return &f
}

// Sum is an exact sum of converted amounts. The zero value is zero.
type Sum struct {
	v   big.Int
	tmp big.Int
}

// AddMinor adds minor (a count of minor units of a currency with units
// decimals) times factor.
func (s *Sum) AddMinor(minor int64, units int32, factor *Factor) {
	s.tmp.SetInt64(minor)
	s.tmp.Mul(&s.tmp, &pow10[maxUnits-units])
	s.tmp.Mul(&s.tmp, &factor.f)
	s.v.Add(&s.v, &s.tmp)
}

// Add adds another sum.
func (s *Sum) Add(o *Sum) { s.v.Add(&s.v, &o.v) }

// Exact returns the sum as a decimal, unrounded.
func (s *Sum) Exact() decimal.Decimal {
	return decimal.NewFromBigInt(new(big.Int).Set(&s.v), -sumScale)
}

// Rounded returns the sum rounded once, half to even, to cur's minor units.
func (s *Sum) Rounded(cur Currency) decimal.Decimal { return Round(s.Exact(), cur) }
