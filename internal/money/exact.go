package money

import (
	"math"
	"math/big"
	"math/bits"

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
	// When f is m × 10^e with m < 2^128 (a published rate, or a cross
	// rate of Digits significant digits), Value works in fixed-size
	// integers without allocating; the result is the same, exactly
	// (TestFactorFastPath).
	m     [2]uint64 // most significant limb first
	e     int32
	small bool
}

// NewFactor fixes d (at most factorScale decimals; Quo gives fewer for any
// realistic rate) for Accumulate.
func NewFactor(d decimal.Decimal) *Factor {
	var f Factor
	f.one = d.Equal(decimal.NewFromInt(1))
	// d is coef × 10^exp; f is d × 10^factorScale, truncated. When that
	// needs no truncation (every realistic rate: Quo keeps fewer decimals)
	// f is coef × 10^(exp+factorScale), and its trailing zeros are coef's
	// plus the shift, so only coef's few are divided out.
	coef, shift := d.Coefficient(), d.Exponent()+factorScale
	if shift < 0 || shift >= int32(len(pow10big)) {
		f.f.Set(d.Shift(factorScale).Truncate(0).BigInt())
		coef, shift = new(big.Int).Set(&f.f), 0
	} else {
		f.f.Mul(coef, &pow10big[shift])
	}
	if coef.Sign() > 0 {
		m, e := coef, shift
		var q, r big.Int
		ten := big.NewInt(10)
		for {
			q.QuoRem(m, ten, &r)
			if r.Sign() != 0 {
				break
			}
			m.Set(&q)
			e++
		}
		if m.BitLen() <= 128 {
			var hi big.Int
			hi.Rsh(m, 64)
			var lo big.Int
			lo.And(m, new(big.Int).SetUint64(math.MaxUint64))
			f.m, f.e, f.small = [2]uint64{hi.Uint64(), lo.Uint64()}, e, true
		}
	}
	return &f
}

// pow10big holds 10^0 … 10^127, for NewFactor's shifts.
var pow10big = func() (p [128]big.Int) {
	p[0].SetInt64(1)
	ten := big.NewInt(10)
	for i := 1; i < len(p); i++ {
		p[i].Mul(&p[i-1], ten)
	}
	return p
}()

// pow10u holds 10^0 … 10^19, every power of ten below 2^64.
var pow10u = func() (p [20]uint64) {
	p[0] = 1
	for i := 1; i < len(p); i++ {
		p[i] = p[i-1] * 10
	}
	return p
}()

// valueSmall is Value in fixed 192-bit integer arithmetic, without
// allocating; ok is false when the result does not fit int64 (or would
// need more than 192 bits), and Value then works in big integers.
func (f *Factor) valueSmall(minor int64, units int32, target Currency) (v int64, ok bool) {
	neg := minor < 0
	a := uint64(minor)
	if neg {
		a = -a
	}
	// n = a × m, in three 64-bit limbs, most significant first.
	h0, l0 := bits.Mul64(a, f.m[1])
	h1, l1 := bits.Mul64(a, f.m[0])
	n1, c := bits.Add64(h0, l1, 0)
	n := [3]uint64{h1 + c, n1, l0}
	// value = n × 10^k, rounded half to even.
	k := int(f.e) - factorScale - int(units) + int(target.Units)
	var q uint64
	if k >= 0 {
		if n[0] != 0 || n[1] != 0 || k >= len(pow10u) {
			return 0, false
		}
		h, l := bits.Mul64(n[2], pow10u[k])
		if h != 0 {
			return 0, false
		}
		q = l
	} else {
		// Divide by 10^-k in steps of at most 10^19; the last step's
		// remainder against half its divisor, and whether anything was
		// left over before, decide the rounding.
		lower := false // a remainder of an earlier step was not zero
		var r, d uint64
		for j := -k; j > 0; {
			step := min(j, len(pow10u)-1)
			d, j = pow10u[step], j-step
			if r != 0 {
				lower = true
			}
			n, r = div192(n, d)
		}
		if n[0] != 0 || n[1] != 0 {
			return 0, false
		}
		q = n[2]
		if half := d / 2; r > half || (r == half && (lower || q&1 == 1)) {
			q++
		}
	}
	if q > math.MaxInt64 {
		return 0, false
	}
	if neg {
		return -int64(q), true
	}
	return int64(q), true
}

// div192 divides n (three limbs, most significant first) by d.
func div192(n [3]uint64, d uint64) (q [3]uint64, r uint64) {
	q[0], r = bits.Div64(0, n[0], d)
	q[1], r = bits.Div64(r, n[1], d)
	q[2], r = bits.Div64(r, n[2], d)
	return q, r
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
	if f.small {
		if v, ok := f.valueSmall(minor, units, target); ok {
			return v, true
		}
	}
	return f.valueBig(minor, units, target)
}

// valueBig is Value in big integers, for any factor and amount.
func (f *Factor) valueBig(minor int64, units int32, target Currency) (v int64, ok bool) {
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
