package money

import (
	"math/big"

	"github.com/shopspring/decimal"
)

// An entry's value is computed exactly, in fixed point, and rounded once:
// amount × factor, half to even, to the report currency's minor units
// (Factor.Value). Report figures are exact sums of such values (Total).
const (
	factorScale = 50 // a Factor is an integer count of 10^-50
	maxUnits    = 4  // minor units are normalised to 10^-4 (CLF has 4)
	sumScale    = factorScale + maxUnits
)

var (
	pow10    [maxUnits + 1]big.Int
	toMinors [maxUnits + 1]big.Int // 10^(sumScale-u): from the exact product's scale to u minor units
)

func init() {
	for i := range pow10 {
		pow10[i].Exp(big.NewInt(10), big.NewInt(int64(i)), nil)
		toMinors[i].Exp(big.NewInt(10), big.NewInt(int64(sumScale-i)), nil)
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

// Value is one entry's value in the report currency: minor (a count of
// minor units of a currency with units decimals) times the factor, rounded
// once, half to even, to target's minor units, as a count of them. This is
// the one rounding of a report: every row and total is the exact sum of its
// entries' values. ok is false when the value does not fit in int64.
func (f *Factor) Value(minor int64, units int32, target Currency) (v int64, ok bool) {
	if f.one && units == target.Units {
		return minor, true
	}
	var n, q, r big.Int
	n.SetInt64(minor)
	n.Mul(&n, &pow10[maxUnits-units])
	n.Mul(&n, &f.f)
	// n is the exact value in units of 10^-sumScale; bring it to target's
	// minor units, half to even.
	d := &toMinors[target.Units]
	q.QuoRem(&n, d, &r)
	r.Abs(&r)
	r.Lsh(&r, 1)
	switch c := r.Cmp(d); {
	case c > 0, c == 0 && q.Bit(0) == 1:
		if n.Sign() < 0 {
			q.Sub(&q, big.NewInt(1))
		} else {
			q.Add(&q, big.NewInt(1))
		}
	}
	if !q.IsInt64() {
		return 0, false
	}
	return q.Int64(), true
}

// Total is an exact sum of values in minor units of one currency, with
// overflow kept, never wrapped. The zero value is zero.
type Total struct {
	minor    int64
	overflow bool
}

// Add adds a value (a count of minor units).
func (t *Total) Add(v int64) {
	s := t.minor + v
	if (v > 0 && s < t.minor) || (v < 0 && s > t.minor) {
		t.overflow = true
	}
	t.minor = s
}

// Merge adds another total.
func (t *Total) Merge(o *Total) {
	t.Add(o.minor)
	t.overflow = t.overflow || o.overflow
}

// Minor is the total in minor units; ok is false if it overflowed.
func (t *Total) Minor() (minor int64, ok bool) { return t.minor, !t.overflow }

// Decimal is the total as an amount of cur (zero if it overflowed: check
// Minor first).
func (t *Total) Decimal(cur Currency) decimal.Decimal { return FromMinor(t.minor, cur) }
