package money

import (
	"encoding/binary"
	"errors"
	"slices"
	"strings"

	"github.com/shopspring/decimal"
)

// A table's binary form, for a store to keep the table its rates give
// (the rate pack) and read it back without indexing the rates again: the
// sources in order of preference with their counts, then each pair's
// series in day order, every rate as its text. Decoding checks the form
// (ErrTableForm), not that the table is the one some rates give: that is
// for whoever kept it to check.

// ErrTableForm is returned by DecodeTable for bytes that are not a table.
var ErrTableForm = errors.New("money: not a rate table")

// AppendBinary appends the table's binary form to b: the same bytes for
// the same table, whatever order it was built in.
func (t *Table) AppendBinary(b []byte) []byte {
	b = binary.AppendUvarint(b, uint64(len(t.order)))
	src := make(map[string]uint64, len(t.order))
	for i, s := range t.order {
		src[s] = uint64(i)
		b = appendText(b, s)
		b = binary.AppendUvarint(b, uint64(t.counts[s]))
	}
	pairs := make([]pair, 0, len(t.series))
	for p := range t.series {
		pairs = append(pairs, p)
	}
	slices.SortFunc(pairs, func(x, y pair) int {
		if c := strings.Compare(x.base, y.base); c != 0 {
			return c
		}
		return strings.Compare(x.quote, y.quote)
	})
	b = binary.AppendUvarint(b, uint64(len(pairs)))
	for _, p := range pairs {
		s := t.series[p]
		b = appendText(b, p.base)
		b = appendText(b, p.quote)
		b = binary.AppendUvarint(b, uint64(len(s)))
		prev := int32(0)
		for i := range s {
			r := &s[i]
			b = binary.AppendVarint(b, int64(r.day-prev))
			prev = r.day
			flags := src[r.source] << 1
			if r.inverted {
				flags |= 1
			}
			b = binary.AppendUvarint(b, flags)
			text := r.text
			if text == "" {
				text = RateText(r.rate)
			}
			b = appendText(b, text)
		}
	}
	return b
}

func appendText(b []byte, s string) []byte {
	b = binary.AppendUvarint(b, uint64(len(s)))
	return append(b, s...)
}

// DecodeTable reads a table's binary form (AppendBinary), which must be
// all of data. The rates' texts are kept as they are, parsed when a lookup
// uses them.
func DecodeTable(data []byte) (*Table, error) {
	d := &tableReader{s: string(data)}
	t := &Table{series: map[pair][]dayRate{}, links: map[string][]string{}, counts: map[string]int{}}
	t.order = make([]string, d.count())
	for i := range t.order {
		t.order[i] = d.text()
		t.counts[t.order[i]] = int(d.uvarint())
	}
	np := d.count()
	var prevPair pair
	for i := 0; i < np && d.err == nil; i++ {
		p := pair{d.text(), d.text()}
		if p.base >= p.quote || (i > 0 && (p.base < prevPair.base || (p.base == prevPair.base && p.quote <= prevPair.quote))) {
			return nil, ErrTableForm
		}
		prevPair = p
		s := make([]dayRate, d.count())
		day := int64(0)
		for j := range s {
			if day += d.varint(); j > 0 && int32(day) <= s[j-1].day || day != int64(int32(day)) {
				return nil, ErrTableForm
			}
			flags := d.uvarint()
			if flags>>1 >= uint64(len(t.order)) {
				return nil, ErrTableForm
			}
			r := dayRate{day: int32(day), inverted: flags&1 != 0, source: t.order[flags>>1], text: d.text()}
			if !rateSyntax(r.text) { // more digits than parseRate reads
				v, err := decimal.NewFromString(r.text)
				if err != nil {
					return nil, ErrTableForm
				}
				r.rate, r.text = v, ""
			}
			s[j] = r
		}
		t.series[p] = s
		t.links[p.base] = append(t.links[p.base], p.quote)
		t.links[p.quote] = append(t.links[p.quote], p.base)
	}
	if d.err != nil || d.s != "" {
		return nil, ErrTableForm
	}
	for c := range t.links {
		slices.Sort(t.links[c])
	}
	return t, nil
}

// tableReader reads DecodeTable's input; the first problem sticks in err.
type tableReader struct {
	s   string
	err error
}

func (d *tableReader) uvarint() uint64 {
	if d.err != nil {
		return 0
	}
	var v uint64
	for i := 0; i < len(d.s) && i < binary.MaxVarintLen64; i++ {
		c := d.s[i]
		v |= uint64(c&0x7f) << (7 * i)
		if c < 0x80 {
			d.s = d.s[i+1:]
			return v
		}
	}
	d.err = ErrTableForm
	return 0
}

func (d *tableReader) varint() int64 {
	u := d.uvarint()
	return int64(u>>1) ^ -int64(u&1)
}

// count is a length that must fit in what is left (every item takes at
// least one byte).
func (d *tableReader) count() int {
	n := d.uvarint()
	if n > uint64(len(d.s)) {
		d.err = ErrTableForm
		return 0
	}
	return int(n)
}

func (d *tableReader) text() string {
	n := d.count()
	if d.err != nil {
		return ""
	}
	v := d.s[:n]
	d.s = d.s[n:]
	return v
}
