package ledger

import (
	"slices"
	"strings"

	"github.com/shopspring/decimal"
)

// The share rule. A sector or location field names one or more values,
// each with an optional share in percent: "demining:40;camps:35;
// reconstruction:25". Shares are given for every value or for none; each
// is greater than zero with at most two decimals, and they add up to
// exactly 100. An entry's value is split by its shares with the
// largest-remainder method (money.Apportion), so that the parts add up to
// the value exactly. An entry with several values and no shares is shared:
// it counts once, under the pseudo-value Multiple, never in full under
// each. Values are kept in a canonical order (sorted), so "IRQ;SYR" and
// "SYR;IRQ" are the same statement.

// Multiple is the pseudo-value under which an entry with several sectors
// (or places) and no shares is counted: "Multiple sectors (shared)".
const Multiple = "multiple"

// shareScale is how many weight units make 100 %: shares have at most two
// decimals, so a weight is a share in hundredths of a percent.
const shareScale = 10000

var hundred = decimal.NewFromInt(100)

// Part is one part of a split sector or location field: the label an
// entry's value (or a part of it) counts under, and its weight in
// hundredths of a percent (10000 for the whole).
type Part struct {
	Label string
	// Weight is the part's share in hundredths of a percent.
	Weight int64
	// Members are the values a Multiple part stands for; nil otherwise.
	Members []string
}

// Parts are the parts a stored sector or location field splits an
// entry's value into: one part with an empty label when the field is
// empty, the one value, each value with its share, or one Multiple part
// for several values without shares. It reads what was recorded (shares
// after a ':'), in canonical order whatever the stored order, and never
// fails: a share that does not read makes the field shared.
func Parts(field string) []Part {
	if field == "" {
		return []Part{{Weight: shareScale}}
	}
	if !strings.Contains(field, ";") {
		v, _, _ := strings.Cut(field, ":")
		return []Part{{Label: v, Weight: shareScale}}
	}
	items := strings.Split(field, ";")
	parts := make([]Part, 0, len(items))
	shared := false
	var sum int64
	for _, it := range items {
		v, s, hasShare := strings.Cut(it, ":")
		w := int64(0)
		if hasShare {
			d, err := decimal.NewFromString(s)
			if err == nil {
				w = d.Mul(hundred).IntPart()
			}
		}
		if w <= 0 {
			shared = true
		}
		sum += w
		parts = append(parts, Part{Label: v, Weight: w})
	}
	slices.SortFunc(parts, func(a, b Part) int { return strings.Compare(a.Label, b.Label) })
	if shared || sum != shareScale {
		members := make([]string, len(parts))
		for i, p := range parts {
			members[i] = p.Label
		}
		return []Part{{Label: Multiple, Weight: shareScale, Members: slices.Compact(members)}}
	}
	return parts
}

// ListValues are the values a stored sector or location field names,
// without their shares, in the stored order.
func ListValues(field string) []string {
	if field == "" {
		return nil
	}
	out := strings.Split(field, ";")
	for i, v := range out {
		out[i], _, _ = strings.Cut(v, ":")
	}
	return out
}

// FormatSplit writes values with their shares (none when shares is nil)
// as a field: "camps:35;demining:40;reconstruction:25".
func FormatSplit(values []string, shares []decimal.Decimal) string {
	if len(shares) != len(values) {
		return strings.Join(values, ";")
	}
	var b strings.Builder
	for i, v := range values {
		if i > 0 {
			b.WriteByte(';')
		}
		b.WriteString(v)
		b.WriteByte(':')
		b.WriteString(shares[i].String())
	}
	return b.String()
}

// ReadSplit reads a stored field back into values and shares, in the
// stored order, as FormatSplit wrote it (shares nil when there are none).
// It does not validate: what is in the table is what was recorded.
func ReadSplit(field string) (values []string, shares []decimal.Decimal) {
	if field == "" {
		return nil, nil
	}
	items := strings.Split(field, ";")
	for _, it := range items {
		v, s, ok := strings.Cut(it, ":")
		values = append(values, v)
		if ok {
			d, _ := decimal.NewFromString(s)
			shares = append(shares, d)
		}
	}
	if len(shares) != len(values) {
		shares = nil
	}
	return values, shares
}

// parseSplit reads a sector or location field as a person wrote it (see
// the share rule), with norm turning each value into its canonical form
// or saying what is wrong with it. Problems name field. The values come
// back sorted, with their shares (nil when none are given; also nil for a
// single value at 100).
func parseSplit(p *parser, field string, norm func(string) (string, string)) ([]string, []decimal.Decimal) {
	type item struct {
		value string
		share decimal.Decimal
		has   bool
	}
	var items []item
	withShare, without := 0, 0
	for raw := range strings.SplitSeq(p.get(field), ";") {
		raw = strings.TrimSpace(raw)
		if raw == "" {
			continue
		}
		v, s, has := strings.Cut(raw, ":")
		v = strings.TrimSpace(v)
		it := item{has: has}
		if has {
			withShare++
			d, msg := parseShare(strings.TrimSpace(s))
			if msg != "" {
				p.bad(field, "%q: %s", Clip(raw), msg)
				continue
			}
			it.share = d
		} else {
			without++
		}
		value, msg := norm(v)
		if msg == skipValue {
			continue // norm reported the problem itself
		}
		if msg != "" {
			p.bad(field, "%s", msg)
			continue
		}
		it.value = value
		if i := slices.IndexFunc(items, func(o item) bool { return o.value == value }); i >= 0 {
			if has || items[i].has {
				p.bad(field, "%s is named twice: give each once, with its share", value)
			}
			continue
		}
		items = append(items, it)
	}
	if withShare > 0 && without > 0 {
		p.bad(field, "give a share for every value or for none, e.g. demining:40;camps:60 (or demining;camps for an entry shared between them)")
		return nil, nil
	}
	slices.SortFunc(items, func(a, b item) int { return strings.Compare(a.value, b.value) })
	values := make([]string, len(items))
	for i, it := range items {
		values[i] = it.value
	}
	if withShare == 0 || len(p.ps.List) > 0 {
		return values, nil
	}
	sum := decimal.Zero
	shares := make([]decimal.Decimal, len(items))
	for i, it := range items {
		sum = sum.Add(it.share)
		shares[i] = it.share
	}
	if !sum.Equal(hundred) {
		p.bad(field, "the shares add up to %s: they must add up to exactly 100", sum.String())
		return values, nil
	}
	if len(values) == 1 {
		return values, nil
	}
	return values, shares
}

// skipValue is what a parseSplit norm returns for a value whose problem
// it recorded itself (with its code).
const skipValue = "\x00skip"

// parseShare reads a share: a number greater than zero, at most 100, with
// at most two decimals. It returns the problem, or "".
func parseShare(s string) (decimal.Decimal, string) {
	const how = "a share is a percentage after ':', greater than zero, with at most two decimals, e.g. demining:40;camps:60"
	whole, frac, _ := strings.Cut(s, ".")
	if whole == "" || !allDigits(whole) || !allDigits(frac) || strings.HasSuffix(s, ".") {
		return decimal.Zero, how
	}
	if len(frac) > 2 {
		return decimal.Zero, "more than two decimals: " + how
	}
	d, err := decimal.NewFromString(s)
	if err != nil || !d.IsPositive() {
		return decimal.Zero, how
	}
	if d.GreaterThan(hundred) {
		return decimal.Zero, "more than 100: " + how
	}
	return d, ""
}

func allDigits(s string) bool {
	for _, r := range s {
		if r < '0' || r > '9' {
			return false
		}
	}
	return true
}
