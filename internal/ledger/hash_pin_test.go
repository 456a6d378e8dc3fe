package ledger

import "testing"

// TestContentHashPinned pins the content hash of an entry of every kind, as
// computed before unknown starts and qualified quantities existed: a ledger
// recorded then must still verify.
func TestContentHashPinned(t *testing.T) {
	known := func(c string) bool { return c == "BEL" || c == "COALITION" || c == "DNK" }
	for _, c := range []struct {
		f    Fields
		want string
	}{
		{Fields{"ref": "coal-need-2021-stab", "kind": "need", "party": "COALITION", "date": "2021", "amount": "670000000",
			"currency": "USD", "sector": "stabilisation", "location": "IRQ;SYR", "source": "s", "note": "n"}, "8f963a8ee5aedcf6471e89e71c8cf2d9ffba11a05663e842b62d5aa89823c155"},
		{Fields{"ref": "bel-pledge-2021-stab", "kind": "pledge", "party": "BEL", "date": "2021-03", "amount": "5000000",
			"currency": "EUR", "toward": "coal-need-2021-stab"}, "c63850de6211597a083d7d1a7ada382aed5e7582b1357cbc34cebbbefe3abc37"},
		{Fields{"ref": "bel-com-2016-stab", "kind": "commitment", "party": "BEL", "date": "2016", "amount": "18000000",
			"currency": "EUR", "qualifier": "at-least", "sector": "reconstruction;demining;camps", "location": "IRQ;SYR"}, "6751bd319847bc12160499b1f96f69ef5efd1d27a861e7da5cc739d51908f9fe"},
		{Fields{"ref": "bel-dis-2021-stab", "kind": "disbursement", "party": "BEL", "date": "2021-09-15", "amount": "2500000",
			"currency": "EUR", "fulfils": "bel-pledge-2021-stab", "toward": "coal-need-2021-stab"}, "d4f149c2cd6f60a556bcb957af11127de3d03774a5204b8363728792043c854b"},
		{Fields{"ref": "bel-dep-f16", "kind": "deployment", "party": "BEL", "date": "2021", "end": "2021-10",
			"quantity": "4", "asset": "F-16", "sector": "military", "location": "IRQ;SYR"}, "87bef7aa4a132ac9823ac88f66c50500dbab1ef4243e384d52d8f371079670cf"},
		{Fields{"ref": "dnk-dep-f16", "kind": "deployment", "party": "DNK", "date": "2016-06", "end": "2016-12",
			"amount": "250000000", "currency": "DKK", "qualifier": "about", "quantity": "7", "asset": "F-16"}, "849aedd61b01cf3f82b411ed28edd0f499398c793c7e559d271e5439eb61cf8a"},
	} {
		e, ps := ParseEntry(c.f, 0, Known{Party: known}, RefRequired)
		if len(ps) > 0 {
			t.Fatalf("%s: %v", c.f["ref"], ps)
		}
		// Recorded then, the lists kept the order they were given in; the
		// store reads them back in that order (ReadSplit), and so they hash.
		e.Sectors, e.SectorShares = ReadSplit(c.f["sector"])
		e.Locations, e.LocationShares = ReadSplit(c.f["location"])
		if got := ContentHash(e); got != c.want {
			t.Errorf("%s: content hash %s, want %s", c.f["ref"], got, c.want)
		}
	}
}

// TestUnknownStartRoundTrip: a deployment "until October 2021" is written
// with date "unknown", and its fields parse back to the same entry.
func TestUnknownStartRoundTrip(t *testing.T) {
	known := func(c string) bool { return c == "BEL" }
	f := Fields{"ref": "bel-dep-f16", "kind": "deployment", "party": "BEL", "date": "unknown", "end": "2021-10",
		"quantity": "4", "asset": "F-16", "location": "IRQ;SYR", "qualifier": "about"}
	e, ps := ParseEntry(f, 0, Known{Party: known}, RefRequired)
	if len(ps) > 0 {
		t.Fatal(ps)
	}
	if !e.Date.IsUnknown() || e.Qualifier != About || e.Quantity != 4 {
		t.Fatalf("entry %+v", e)
	}
	back, ps := ParseEntry(e.Fields(), 0, Known{Party: known}, RefRequired)
	if len(ps) > 0 || ContentHash(back) != ContentHash(e) || back.Fields()["date"] != "unknown" {
		t.Errorf("round trip: %v %+v", ps, back)
	}
	f["ref"] = ""
	if e, ps := ParseEntry(f, 0, Known{Party: known}, RefOptional); len(ps) > 0 || e.Ref[:len("bel-deployment-unknown-")] != "bel-deployment-unknown-" {
		t.Errorf("default ref %q %v", e.Ref, ps)
	}
}
