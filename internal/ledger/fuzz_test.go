package ledger

import (
	"slices"
	"testing"
	"time"
)

// FuzzParseDate: ParseDate, ParseStart and ParseDay never panic, and a
// date they read is written back by String exactly as it was given and
// reads again to the same date; its first day is not after its last.
func FuzzParseDate(f *testing.F) {
	f.Fuzz(func(t *testing.T, s string) {
		if d, err := ParseDate(s); err == nil {
			if d.String() != s || !d.Known() {
				t.Fatalf("ParseDate(%q) = %+v, written %q", s, d, d.String())
			}
			if back, err := ParseDate(d.String()); err != nil || back != d {
				t.Fatalf("ParseDate(%q) = %+v, which reads back as %+v, %v", s, d, back, err)
			}
			if d.First().After(d.Last()) || d.First().IsZero() {
				t.Fatalf("%q: first day %v after last %v", s, d.First(), d.Last())
			}
		}
		if d, err := ParseStart(s); err == nil {
			if back, err := ParseStart(d.String()); err != nil || back != d {
				t.Fatalf("ParseStart(%q) = %+v, written %q, which reads back as %+v, %v", s, d, d.String(), back, err)
			}
		}
		if day, err := ParseDay(s); err == nil {
			text := day.Format(time.DateOnly)
			if back, err := ParseDay(text); err != nil || !back.Equal(day) || day.Location() != time.UTC || day.Truncate(24*time.Hour) != day {
				t.Fatalf("ParseDay(%q) = %v, written %q, which reads back as %v, %v", s, day, text, back, err)
			}
		}
	})
}

// FuzzParseAsOf: ParseAsOf never panics, and a moment it reads is UTC and
// written back (RFC 3339, and the ledger's own TimeLayout) reads again to
// the same moment (to the microsecond, for TimeLayout).
func FuzzParseAsOf(f *testing.F) {
	f.Fuzz(func(t *testing.T, s string) {
		at, err := ParseAsOf(s)
		if err != nil {
			return
		}
		if at.Location() != time.UTC {
			t.Fatalf("ParseAsOf(%q) = %v, not UTC", s, at)
		}
		text := at.Format(time.RFC3339Nano)
		if back, err := ParseAsOf(text); err != nil || !back.Equal(at) {
			t.Fatalf("ParseAsOf(%q) = %v, written %q, which reads back as %v, %v", s, at, text, back, err)
		}
		text = at.Format(TimeLayout)
		if back, err := ParseAsOf(text); err != nil || !back.Equal(at.Truncate(time.Microsecond)) {
			t.Fatalf("ParseAsOf(%q) = %v, written %q, which reads back as %v, %v", s, at, text, back, err)
		}
	})
}

// FuzzParseEntry: ParseEntry never panics; every problem says what is
// wrong and names a column (or none); an entry it accepts is written
// (Fields, Record) as text that reads again to the same entry, with the
// same content hash.
func FuzzParseEntry(f *testing.F) {
	f.Fuzz(func(t *testing.T, ref, kind, party, date, end, amount, currency, qualifier, quantity, asset, sector, location,
		toward, fulfils, source, note, illustrative, title string) {
		in := Fields{"ref": ref, "kind": kind, "party": party, "date": date, "end": end, "amount": amount, "currency": currency,
			"qualifier": qualifier, "quantity": quantity, "asset": asset, "sector": sector, "location": location, "toward": toward,
			"fulfils": fulfils, "source": source, "note": note, "illustrative": illustrative, "title": title}
		for _, rule := range []RefRule{RefRequired, RefOptional} {
			e, ps := ParseEntry(in, 7, Known{}, rule)
			for _, p := range ps {
				if p.Msg == "" || (p.Field != "" && !slices.Contains(Columns, p.Field)) || p.Line != 7 {
					t.Fatalf("%v: problem %+v: no message, a field that is no column, or not line 7", in, p)
				}
			}
			if len(ps) > 0 {
				continue
			}
			if e.Ref == "" {
				t.Fatalf("%v: accepted without a ref", in)
			}
			back, ps := ParseEntry(e.Fields(), 0, Known{}, RefRequired)
			if len(ps) > 0 {
				t.Fatalf("%v: accepted as %v, which reads back with problems %v", in, e.Record(), ps)
			}
			if !slices.Equal(back.Record(), e.Record()) || ContentHash(back) != ContentHash(e) {
				t.Fatalf("%v: accepted as %q, which reads back as %q", in, e.Record(), back.Record())
			}
		}
	})
}
