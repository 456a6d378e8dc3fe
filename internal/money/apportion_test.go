package money_test

import (
	"math"
	"math/rand/v2"
	"slices"
	"testing"

	"github.com/coalition/pledger/internal/money"
	"github.com/shopspring/decimal"
)

func TestApportion(t *testing.T) {
	for _, c := range []struct {
		total   int64
		weights []int64
		want    []int64
	}{
		{100, []int64{4000, 3500, 2500}, []int64{40, 35, 25}},
		// 1 800 000 000 cents by 33.33/33.33/33.34
		{1_800_000_000, []int64{3333, 3333, 3334}, []int64{599_940_000, 599_940_000, 600_120_000}},
		// 10 cents in three: 3.33.. each, the leftover unit to the first of the ties
		{10, []int64{1, 1, 1}, []int64{4, 3, 3}},
		// the largest remainder wins: 7 × .4 = 2.8, 7 × .6 = 4.2
		{7, []int64{4000, 6000}, []int64{3, 4}},
		{-7, []int64{4000, 6000}, []int64{-3, -4}},
		{0, []int64{5000, 5000}, []int64{0, 0}},
		{1, []int64{10000}, []int64{1}},
		{math.MaxInt64, []int64{5000, 5000}, []int64{math.MaxInt64/2 + 1, math.MaxInt64 / 2}},
	} {
		if got := money.Apportion(c.total, c.weights); !slices.Equal(got, c.want) {
			t.Errorf("Apportion(%d, %v) = %v, want %v", c.total, c.weights, got, c.want)
		}
	}
}

// TestApportionProperty: on random totals and weights, the parts add up to
// the total, and each part is within one unit of its exact quota (computed
// with decimals, independently).
func TestApportionProperty(t *testing.T) {
	r := rand.New(rand.NewPCG(10, 2))
	for range 5000 {
		n := 1 + r.IntN(6)
		weights := make([]int64, n)
		var sum int64
		for i := range weights {
			weights[i] = 1 + r.Int64N(10000)
			sum += weights[i]
		}
		total := r.Int64N(1 << 50)
		parts := money.Apportion(total, weights)
		var got int64
		for i, p := range parts {
			got += p
			quota := decimal.NewFromInt(total).Mul(decimal.NewFromInt(weights[i])).Div(decimal.NewFromInt(sum))
			if d := decimal.NewFromInt(p).Sub(quota).Abs(); d.GreaterThanOrEqual(decimal.NewFromInt(1)) {
				t.Fatalf("Apportion(%d, %v)[%d] = %d, quota %s", total, weights, i, p, quota)
			}
		}
		if got != total {
			t.Fatalf("Apportion(%d, %v) = %v adds up to %d", total, weights, parts, got)
		}
	}
}
