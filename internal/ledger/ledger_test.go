package ledger

import (
	"strings"
	"testing"
	"time"
)

func TestParseDate(t *testing.T) {
	for _, c := range []struct {
		in, first, last string
		p               Precision
	}{
		{"2021", "2021-01-01", "2021-12-31", Year},
		{"2021-10", "2021-10-01", "2021-10-31", Month},
		{"2024-02", "2024-02-01", "2024-02-29", Month},
		{"2021-10-31", "2021-10-31", "2021-10-31", Day},
	} {
		d, err := ParseDate(c.in)
		if err != nil {
			t.Fatalf("%s: %v", c.in, err)
		}
		if d.String() != c.in || d.Precision != c.p || d.First().Format(time.DateOnly) != c.first || d.Last().Format(time.DateOnly) != c.last {
			t.Errorf("%s: got %s %v %s..%s", c.in, d, d.Precision, d.First(), d.Last())
		}
	}
	if d, err := ParseStart("unknown"); err != nil || !d.IsUnknown() || d.Known() || d.String() != "unknown" || !d.First().IsZero() || !d.Last().IsZero() {
		t.Errorf("ParseStart(unknown): %+v %v", d, err)
	}
	if d, err := ParseStart("2021-10"); err != nil || d.String() != "2021-10" || !d.Known() {
		t.Errorf("ParseStart(2021-10): %+v %v", d, err)
	}
	for _, bad := range []string{"unknown", "", "21", "2021-13", "2021-02-30", "2021-1-01", "2021/10", "abcd", "2021-10-1x"} {
		if _, err := ParseDate(bad); err == nil {
			t.Errorf("%q: no error", bad)
		}
	}
}

func TestParseEntry(t *testing.T) {
	known := func(c string) bool { return c == "BEL" || c == "COALITION" }
	e, ps := ParseEntry(Fields{"ref": "bel-com-2016-stab", "kind": "commitment", "party": "bel", "date": "2016",
		"amount": "18000000", "currency": "eur", "qualifier": "at-least", "sector": "reconstruction;demining;camps",
		"location": "IRQ;SY"}, 2, known, RefRequired)
	if len(ps) > 0 {
		t.Fatal(ps)
	}
	rec := strings.Join(e.Record(), ",")
	if want := "bel-com-2016-stab,commitment,BEL,2016,,18000000.00,EUR,at-least,,,reconstruction;demining;camps,IRQ;SYR,,,,"; rec != want {
		t.Errorf("record:\n got %s\nwant %s", rec, want)
	}
	// Every problem of a bad row is reported, each with its field.
	_, ps = ParseEntry(Fields{"ref": "x y", "kind": "gift", "party": "XYZ", "date": "2021-02-30", "end": "2020",
		"amount": "1.5", "currency": "JPY", "location": "ATLANTIS"}, 7, known, RefRequired)
	fields := map[string]bool{}
	for _, p := range ps {
		if p.Line != 7 {
			t.Errorf("problem without its line: %+v", p)
		}
		fields[p.Field] = true
	}
	for _, f := range []string{"ref", "kind", "party", "date", "location"} {
		if !fields[f] {
			t.Errorf("no problem reported for %s in %v", f, ps)
		}
	}
	_, ps = ParseEntry(Fields{"ref": "d", "kind": "deployment", "party": "BEL", "date": "2021", "end": "2020"}, 1, known, RefRequired)
	got := (&Problems{List: ps}).Error()
	for _, want := range []string{"quantity: required", "asset: required", "end: end 2020 is before date 2021"} {
		if !strings.Contains(got, want) {
			t.Errorf("missing %q in %s", want, got)
		}
	}
}

func TestStatesFromXText(t *testing.T) {
	s := States()
	if len(s) != 249 {
		t.Errorf("%d ISO 3166-1 states and territories, want 249", len(s))
	}
	for _, c := range []string{"BEL", "IRQ", "SYR", "USA", "GBR"} {
		if _, ok := ParseLocation(c); !ok {
			t.Errorf("%s not known", c)
		}
	}
}

func TestChain(t *testing.T) {
	e, _ := ParseEntry(Fields{"ref": "n", "kind": "need", "party": "COALITION", "date": "2021", "amount": "670000000", "currency": "USD"}, 0, nil, RefRequired)
	r := Revision{Seq: 1, Ref: "n", Rev: 1, Action: Add, Entry: e, Author: "a"}
	r.Seal("")
	if err := r.Verify(""); err != nil {
		t.Fatal(err)
	}
	r.Entry.Amount.Decimal = r.Entry.Amount.Decimal.Add(r.Entry.Amount.Decimal)
	if err := r.Verify(""); err == nil || !strings.Contains(err.Error(), "ref n") {
		t.Fatalf("tampered content not detected: %v", err)
	}
}
