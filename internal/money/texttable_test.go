package money

import (
	"fmt"
	"math/rand/v2"
	"testing"
	"time"

	"github.com/shopspring/decimal"
)

// parseRate gives what decimal.NewFromString gives: the same digits and
// the same exponent, so that a rate's text round-trips (RateText).
func TestParseRate(t *testing.T) {
	cases := []string{"1", "0", "1.0823", "1.50", "0.000001", "123456789012345678", "12345678.9012345678", "7.0", "10", "0.1"}
	r := rand.New(rand.NewPCG(1, 2))
	for range 2000 {
		int := fmt.Sprint(r.IntN(100000))
		if r.IntN(2) == 0 {
			cases = append(cases, int)
			continue
		}
		frac := fmt.Sprint(r.IntN(1000000))
		cases = append(cases, int+"."+frac+map[bool]string{true: "0", false: ""}[r.IntN(4) == 0])
	}
	for _, c := range cases {
		if !rateSyntax(c) {
			t.Fatalf("rateSyntax(%q) = false", c)
		}
		want := decimal.RequireFromString(c)
		got := parseRate(c)
		if !got.Equal(want) || got.Exponent() != want.Exponent() || RateText(got) != RateText(want) {
			t.Errorf("parseRate(%q) = %s (exp %d), want %s (exp %d)", c, got, got.Exponent(), want, want.Exponent())
		}
	}
	for _, c := range []string{"", ".", "1.", ".5", "1..2", "1.2.3", "-1", "+1", "1e3", "1E-2", " 1", "1 ", "1234567890123456789", "１"} {
		if rateSyntax(c) {
			t.Errorf("rateSyntax(%q) = true, want false (parsed by decimal instead)", c)
		}
	}
}

// A table built from text answers every lookup as the one built from the
// parsed rates: the same rate, the same legs, the same errors, with
// several sources, both quoting directions, repeated days and out-of-order
// input.
func TestNewTableTextMatchesNewTable(t *testing.T) {
	r := rand.New(rand.NewPCG(3, 4))
	curs := []string{"EUR", "USD", "GBP", "JPY", "SEK"}
	sources := []string{"ECB", "BoE", "manual"}
	start := time.Date(2020, 1, 1, 0, 0, 0, 0, time.UTC)
	var rates []Rate
	var texts []TextRate
	for range 3000 {
		b, q := curs[r.IntN(len(curs))], curs[r.IntN(len(curs))]
		if b == q {
			continue
		}
		day := start.AddDate(0, 0, r.IntN(60))
		text := fmt.Sprintf("%d.%0*d", 1+r.IntN(150), 1+r.IntN(5), r.IntN(10000))
		if r.IntN(50) == 0 {
			text = "1.5e1" // not rateSyntax: parsed when the table is built
		}
		src := sources[r.IntN(len(sources))]
		rates = append(rates, Rate{Day: day, Base: b, Quote: q, Rate: decimal.RequireFromString(text), Source: src})
		texts = append(texts, TextRate{Day: DayNumber(day), Base: b, Quote: q, Value: text, Source: src})
	}
	for _, prefer := range [][]string{nil, {"manual"}, {"BoE", "ECB"}} {
		a := NewTable(rates, prefer...)
		b, err := NewTableText(len(texts), func(i int) TextRate { return texts[i] }, prefer...)
		if err != nil {
			t.Fatal(err)
		}
		sameCrosses(t, fmt.Sprintf("prefer %v, the text table", prefer), a, b, curs, start, 65, 2)
		ma, na, la, ea := a.MeanCross("SEK", "JPY", start, start.AddDate(0, 1, 0))
		mb, nb, lb, eb := b.MeanCross("SEK", "JPY", start, start.AddDate(0, 1, 0))
		if fmt.Sprint(ma, na, la, ea) != fmt.Sprint(mb, nb, lb, eb) {
			t.Fatalf("MeanCross differs: %v %v %v %v and %v %v %v %v", mb, nb, lb, eb, ma, na, la, ea)
		}
	}
	bad := TextRate{Day: 1, Base: "EUR", Quote: "USD", Value: "1,2", Source: "x"}
	if _, err := NewTableText(1, func(int) TextRate { return bad }); err == nil {
		t.Fatal("a rate of 1,2 was taken")
	}
}

// A table read back from its binary form answers as the table written,
// and the form is the same bytes for the same table.
func TestTableBinaryRoundTrip(t *testing.T) {
	r := rand.New(rand.NewPCG(5, 6))
	curs := []string{"EUR", "USD", "GBP", "JPY"}
	start := time.Date(2021, 1, 1, 0, 0, 0, 0, time.UTC)
	var rates []Rate
	for range 800 {
		b, q := curs[r.IntN(len(curs))], curs[r.IntN(len(curs))]
		if b == q {
			continue
		}
		v := decimal.New(int64(1+r.IntN(1e6)), -int32(r.IntN(6)))
		if r.IntN(40) == 0 {
			v = decimal.RequireFromString("1.23456789012345678901") // too long for parseRate
		}
		rates = append(rates, Rate{Day: start.AddDate(0, 0, r.IntN(40)), Base: b, Quote: q, Rate: v, Source: []string{"ECB", "Fed"}[r.IntN(2)]})
	}
	a := NewTable(rates, "Fed")
	bin := a.AppendBinary(nil)
	b, err := DecodeTable(bin)
	if err != nil {
		t.Fatal(err)
	}
	if again := b.AppendBinary(nil); string(again) != string(bin) {
		t.Fatal("the decoded table encodes to other bytes")
	}
	if fmt.Sprint(a.Sources(), a.counts) != fmt.Sprint(b.Sources(), b.counts) {
		t.Fatalf("sources %v %v, decoded %v %v", a.Sources(), a.counts, b.Sources(), b.counts)
	}
	sameCrosses(t, "the decoded table", a, b, curs, start, 42, 3)
	for i := range bin {
		if _, err := DecodeTable(bin[:i]); err == nil {
			t.Fatalf("the first %d of %d bytes decoded", i, len(bin))
		}
	}
	if _, err := DecodeTable(append(bin[:len(bin):len(bin)], 0)); err == nil {
		t.Fatal("a trailing byte was taken")
	}
}

// sameCrosses fails unless b gives what a gives for every pair of curs on
// every day from a few days before start to days after it: the same rate
// (and its digits), the same legs, the same error.
func sameCrosses(t *testing.T, what string, a, b *Table, curs []string, start time.Time, days, stale int) {
	t.Helper()
	for d := -3; d < days; d++ {
		day := start.AddDate(0, 0, d)
		for _, from := range curs {
			for _, to := range curs {
				fa, la, ea := a.Cross(from, to, day, stale)
				fb, lb, eb := b.Cross(from, to, day, stale)
				if fmt.Sprint(fa, la, ea) != fmt.Sprint(fb, lb, eb) || RateText(fa) != RateText(fb) {
					t.Fatalf("%s, %s->%s on %s: %v %v %v, want %v %v %v", what, from, to, day, fb, lb, eb, fa, la, ea)
				}
			}
		}
	}
}
