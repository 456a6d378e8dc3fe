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
		"location": "IRQ;SY"}, 2, Known{Party: known}, RefRequired)
	if len(ps) > 0 {
		t.Fatal(ps)
	}
	rec := strings.Join(e.Record(), ",")
	if want := "bel-com-2016-stab,commitment,BEL,2016,,18000000.00,EUR,at-least,,,camps;demining;reconstruction,IRQ;SYR,,,,,,"; rec != want {
		t.Errorf("record:\n got %s\nwant %s", rec, want)
	}
	// Every problem of a bad row is reported, each with its field.
	_, ps = ParseEntry(Fields{"ref": "x y", "kind": "gift", "party": "XYZ", "date": "2021-02-30", "end": "2020",
		"amount": "1.5", "currency": "JPY", "location": "ATLANTIS"}, 7, Known{Party: known}, RefRequired)
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
	_, ps = ParseEntry(Fields{"ref": "d", "kind": "deployment", "party": "BEL", "date": "2021", "end": "2020"}, 1, Known{Party: known}, RefRequired)
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
	e, _ := ParseEntry(Fields{"ref": "n", "kind": "need", "party": "COALITION", "date": "2021", "amount": "670000000", "currency": "USD"}, 0, Known{}, RefRequired)
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

// TestContentHashPinnedIllustrative: an entry that is not illustrative hashes exactly
// as before the flag existed (values computed on the code of that time),
// so every ledger recorded then still verifies; an illustrative one hashes
// differently, and the flag is part of what the chain protects.
func TestContentHashPinnedIllustrative(t *testing.T) {
	e, ps := ParseEntry(Fields{"ref": "bel-commit-2016-2021", "kind": "commitment", "party": "BEL", "date": "2016", "end": "2021",
		"amount": "18000000", "currency": "EUR", "qualifier": "at-least", "sector": "stabilisation;demining", "location": "IRQ;SYR",
		"toward": "coal-need", "source": "https://example.org/a", "note": "meer dan 18 miljoen euro"}, 0, Known{}, RefRequired)
	if len(ps) > 0 {
		t.Fatal(ps)
	}
	if e.Sectors[0] != "demining" {
		t.Fatalf("sectors %q: want them in canonical order", e.Sectors)
	}
	// Recorded before canonical order, as given; the store reads that back.
	e.Sectors = []string{"stabilisation", "demining"}
	r := Revision{Seq: 7, Ref: e.Ref, Rev: 1, Action: Add, Entry: e, Author: "officer", RecordedAt: time.Date(2026, 3, 31, 12, 0, 0, 0, time.UTC)}
	r.Seal("abc")
	if want := "c23c2f40ee9036bccd8f3bde072a50ea1725ee8fd530a6faf8689d0e22ef9e38"; r.Content != want {
		t.Errorf("content hash %s, want %s", r.Content, want)
	}
	if want := "c81666ac00e68d3cbc5e28d5d88df7c2ebe4cfef355b39f2f0885a788e43211b"; r.Hash != want {
		t.Errorf("chain hash %s, want %s", r.Hash, want)
	}
	if got := ContentHashOf(e.Record()[:16]); got != r.Content {
		t.Errorf("a record of the 16 old fields hashes %s, want %s", got, r.Content)
	}

	ill := r
	ill.Entry.Illustrative = true
	ill.Seal("abc")
	if ill.Content == r.Content || ill.Hash == r.Hash {
		t.Errorf("the flag does not change the hashes: %s %s", ill.Content, ill.Hash)
	}
	if err := ill.Verify("abc"); err != nil {
		t.Fatal(err)
	}
	ill.Entry.Illustrative = false
	if err := ill.Verify("abc"); err == nil {
		t.Error("clearing the flag behind the ledger's back is not detected")
	}
}

// TestContentHashTitle: a need's title is covered by its content hash
// (version 3, over every field), while an entry without one hashes as it
// did before titles existed: version 1, or version 2 when illustrative
// (the value below was computed with the code of that time).
func TestContentHashTitle(t *testing.T) {
	e, ps := ParseEntry(Fields{"ref": "bel-commit-2016-2021", "kind": "commitment", "party": "BEL", "date": "2016", "end": "2021",
		"amount": "18000000", "currency": "EUR", "qualifier": "at-least", "sector": "stabilisation;demining", "location": "IRQ;SYR",
		"toward": "coal-need", "source": "https://example.org/a", "note": "meer dan 18 miljoen euro", "illustrative": "true"}, 0, Known{}, RefRequired)
	if len(ps) > 0 {
		t.Fatal(ps)
	}
	if got, want := ContentHash(e), "92536d6427eb4e43d997c0b5cbab21ec7d8217952fca5bb39ec3df09cb564c13"; got != want {
		t.Errorf("illustrative, no title: content hash %s, want %s (as before titles)", got, want)
	}
	if got := ContentHashOf(e.Record()[:17]); got != ContentHash(e) {
		t.Errorf("a record of the 17 fields before title hashes %s, want %s", got, ContentHash(e))
	}

	need := Fields{"ref": "coal-need-2021-stab", "kind": "need", "party": "COALITION", "date": "2021", "amount": "670000000",
		"currency": "USD", "sector": "stabilisation", "location": "IRQ;SYR", "source": "s", "note": "n"}
	plain, _ := ParseEntry(need, 0, Known{}, RefRequired)
	need["title"] = "  Stabilisation of liberated areas, 2021 "
	titled, ps := ParseEntry(need, 0, Known{}, RefRequired)
	if len(ps) > 0 || titled.Title != "Stabilisation of liberated areas, 2021" {
		t.Fatalf("titled need: %q %v", titled.Title, ps)
	}
	if ContentHash(plain) == ContentHash(titled) {
		t.Error("the title is not covered by the content hash")
	}
	for _, illustrative := range []bool{false, true} {
		a, b := titled, titled
		a.Illustrative, b.Illustrative = illustrative, illustrative
		b.Title = "Another title"
		if ContentHash(a) == ContentHash(b) {
			t.Errorf("illustrative %v: two titles hash alike", illustrative)
		}
	}
	back, ps := ParseEntry(titled.Fields(), 0, Known{}, RefRequired)
	if len(ps) > 0 || ContentHash(back) != ContentHash(titled) || back.Fields()["title"] != titled.Title {
		t.Errorf("round trip: %v %+v", ps, back)
	}
	r := Revision{Seq: 1, Ref: titled.Ref, Rev: 1, Action: Add, Entry: titled, Author: "a"}
	r.Seal("")
	r.Entry.Title = "Changed behind the ledger's back"
	if err := r.Verify(""); err == nil {
		t.Error("a changed title is not detected")
	}
}

func TestCheckTitle(t *testing.T) {
	runChecks(t, textThen(checkTitle), []checkCase{
		{name: "need", before: Entry{Kind: Need}, f: Fields{"title": "Demining of Mosul"}},
		{name: "none", before: Entry{Kind: Pledge}, f: Fields{}},
		{name: "pledge", before: Entry{Kind: Pledge}, f: Fields{"title": "Demining"},
			want: []Problem{p("title", "only a need has a title: a pledge is named by its ref")}},
		{name: "two lines", before: Entry{Kind: Need}, f: Fields{"title": "Demining\nof Mosul"},
			want: []Problem{pc("title", CodeCharacter, "U+000A", "a line break (U+000A) at character 9: write it on one line (only a note may have line breaks)")}},
		{name: "too long", before: Entry{Kind: Need}, f: Fields{"title": strings.Repeat("é", maxShort+1)},
			want: []Problem{p("title", "too long (200 characters at most)")}},
	})
}
