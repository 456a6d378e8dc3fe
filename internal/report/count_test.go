package report

import (
	"math"
	"testing"
)

func TestCheckedCounts(t *testing.T) {
	for _, c := range []struct {
		a, b     int64
		sum, mul bool // whether each fits
	}{
		{0, 0, true, true},
		{4, 12, true, true},
		{math.MaxInt64, 0, true, true},
		{math.MaxInt64, 1, false, true},
		{1 << 62, 1 << 62, false, false},
		{1<<62 - 1, 1 << 62, true, false},
		{math.MaxInt64 / 2, 2, true, true},
		{math.MaxInt64/2 + 1, 2, true, false},
		{3, math.MaxInt64 / 3, true, true},
	} {
		if s, ok := addCount(c.a, c.b); ok != c.sum || ok && s != c.a+c.b || ok && s < 0 {
			t.Errorf("%d + %d: %d %v", c.a, c.b, s, ok)
		}
		if p, ok := mulCount(c.a, c.b); ok != c.mul || ok && p != c.a*c.b || ok && p < 0 {
			t.Errorf("%d × %d: %d %v", c.a, c.b, p, ok)
		}
	}
}
