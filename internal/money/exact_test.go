package money

import (
	"math"
	"math/big"
	"math/rand/v2"
	"testing"

	"github.com/shopspring/decimal"
)

// TestFactorFastPath checks that Value in 128-bit integers gives exactly
// what the big-integer path gives, on rates as published (a few digits),
// quotients of them (many digits), amounts of every size and sign, ties,
// and every pair of minor units.
func TestFactorFastPath(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	rates := []string{"1", "1.085", "0.8", "1.2345", "159.23", "0.0001", "12345.6789", "0.5", "2.5", "7.4601", "36.5"}
	var factors []decimal.Decimal
	for _, r := range rates {
		factors = append(factors, decimal.RequireFromString(r))
	}
	for range 200 {
		a := decimal.New(rng.Int64N(10_000_000)+1, -int32(rng.IntN(8)))
		b := decimal.New(rng.Int64N(10_000_000)+1, -int32(rng.IntN(8)))
		factors = append(factors, a, a.Div(b), decimal.NewFromInt(1).DivRound(b, 30), Quo(a, b), Quo(b, a))
	}
	// A cross rate of Digits significant digits takes the fixed-size path.
	cross := NewFactor(Quo(decimal.RequireFromString("1.0850"), decimal.RequireFromString("159.23")))
	if _, ok := cross.valueSmall(123_456_789_00, 0, Currency{"USD", 2}); !cross.small || !ok {
		t.Error("a cross rate of 34 digits does not take the fixed-size path")
	}
	minors := []int64{0, 1, -1, 5, -5, 15, 25, -25, 50, 125, 999_999_999, math.MaxInt64, math.MinInt64, math.MaxInt64 / 3, -math.MaxInt64 / 7}
	for range 300 {
		minors = append(minors, rng.Int64N(1_000_000_000_000_000)-500_000_000_000_000, rng.Int64N(100_000))
	}
	currencies := []Currency{{"JPY", 0}, {"EUR", 2}, {"KWD", 3}, {"CLF", 4}}
	fast := 0
	for _, d := range factors {
		f := NewFactor(d)
		for _, m := range minors {
			for _, from := range currencies {
				for _, to := range currencies {
					want, wok := f.valueBig(m, from.Units, to)
					got, gok := f.Value(m, from.Units, to)
					if got != want || gok != wok {
						t.Fatalf("factor %s, minor %d %s -> %s: fast path %d %v, big %d %v", d, m, from.Code, to.Code, got, gok, want, wok)
					}
					if f.small {
						if _, ok := f.valueSmall(m, from.Units, to); ok {
							fast++
						}
					}
				}
			}
		}
	}
	if fast == 0 {
		t.Fatal("the 128-bit path was never taken")
	}
	// Ties round half to even, away from zero symmetrically.
	half := NewFactor(decimal.RequireFromString("0.5"))
	for _, c := range []struct{ minor, want int64 }{{1, 0}, {3, 2}, {5, 2}, {7, 4}, {-1, 0}, {-3, -2}, {-7, -4}} {
		if got, ok := half.Value(c.minor, 0, Currency{"JPY", 0}); !ok || got != c.want {
			t.Errorf("0.5 × %d = %d, want %d", c.minor, got, c.want)
		}
	}
}

// BenchmarkFactorValue values an amount at a cross rate of Digits
// significant digits, by the fixed-size path and by big integers.
func BenchmarkFactorValue(b *testing.B) {
	f := NewFactor(Quo(decimal.RequireFromString("1.0850"), decimal.RequireFromString("159.23")))
	usd := Currency{"USD", 2}
	b.Run("fixed", func(b *testing.B) {
		for i := range b.N {
			f.Value(int64(i)*1_000_003, 0, usd)
		}
	})
	b.Run("big", func(b *testing.B) {
		for i := range b.N {
			f.valueBig(int64(i)*1_000_003, 0, usd)
		}
	})
}

// NewFactor's shortcut (coefficient times a power of ten) gives the
// factor the definition gives (d shifted by factorScale, truncated), with
// m × 10^e equal to it, for rates, quotients, tiny and huge numbers.
func TestNewFactorDefinition(t *testing.T) {
	for _, s := range []string{"1", "1.1789", "0.0000001", "1300.5", "159.87000", "1e-60", "123456789012345678901234567890.123",
		"0.000000000000000000000000000000000000000000000000015", "7e40", "0", "2.5e3"} {
		d := decimal.RequireFromString(s)
		for _, x := range []decimal.Decimal{d, Quo(d.Add(decimal.NewFromInt(3)), decimal.RequireFromString("7.123"))} {
			f := NewFactor(x)
			want := x.Shift(factorScale).Truncate(0).BigInt()
			if f.f.Cmp(want) != 0 {
				t.Fatalf("%s: f = %s, want %s", x, &f.f, want)
			}
			if f.small {
				m := new(big.Int).Lsh(new(big.Int).SetUint64(f.m[0]), 64)
				m.Or(m, new(big.Int).SetUint64(f.m[1]))
				m.Mul(m, new(big.Int).Exp(big.NewInt(10), big.NewInt(int64(f.e)), nil))
				if m.Cmp(want) != 0 || f.m[1]%10 == 0 && f.m[0] == 0 {
					t.Fatalf("%s: m×10^e = %s, want %s (m %v e %d)", x, m, want, f.m, f.e)
				}
			}
		}
	}
}
