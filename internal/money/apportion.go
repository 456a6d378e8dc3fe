package money

import "math/bits"

// Apportion splits total (a count of minor units) into parts in proportion
// to weights, by the largest-remainder method: each part first gets the
// whole units of its exact quota (total × weight ÷ the sum of weights,
// rounded toward zero), then the units left over go one each to the parts
// with the largest remainders, ties to the earlier part. The parts add up
// to total exactly. Weights are not negative and add up to more than zero.
func Apportion(total int64, weights []int64) []int64 {
	parts := make([]int64, len(weights))
	if len(weights) == 0 {
		return parts
	}
	var sum uint64
	for _, w := range weights {
		sum += uint64(w)
	}
	neg := total < 0
	abs := uint64(total)
	if neg {
		abs = -abs
	}
	rems := make([]uint64, len(weights))
	var given uint64
	for i, w := range weights {
		hi, lo := bits.Mul64(abs, uint64(w))
		q, r := bits.Div64(hi, lo, sum) // hi < sum: abs × w ÷ sum ≤ abs
		parts[i], rems[i] = int64(q), r
		given += q
	}
	for left := abs - given; left > 0; left-- {
		best := -1
		for i, r := range rems {
			if best < 0 || r > rems[best] {
				best = i
			}
		}
		parts[best]++
		rems[best] = 0
	}
	if neg {
		for i := range parts {
			parts[i] = -parts[i]
		}
	}
	return parts
}
