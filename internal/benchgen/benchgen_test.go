package benchgen_test

import (
	"bytes"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/coalition/pledger/internal/benchgen"
	"github.com/coalition/pledger/internal/csvio"
	"github.com/coalition/pledger/internal/ledger"
	"github.com/coalition/pledger/internal/money"
	"github.com/shopspring/decimal"
)

// TestDeterministic: the same seed gives the same bytes, another seed
// other bytes.
func TestDeterministic(t *testing.T) {
	gen := func(seed uint64) (string, string) {
		var e, r bytes.Buffer
		if _, err := benchgen.WriteEntries(&e, benchgen.Config{Entries: 3000, Seed: seed}); err != nil {
			t.Fatal(err)
		}
		if _, err := benchgen.WriteRates(&r, seed); err != nil {
			t.Fatal(err)
		}
		return e.String(), r.String()
	}
	e1, r1 := gen(1)
	e1b, r1b := gen(1)
	e2, r2 := gen(2)
	if e1 != e1b || r1 != r1b {
		t.Error("seed 1 gave different files twice")
	}
	if e1 == e2 || r1 == r2 {
		t.Error("seeds 1 and 2 gave the same files")
	}
}

// TestTooManyNeeds: more needs than entries is an error, not a short file.
func TestTooManyNeeds(t *testing.T) {
	var b bytes.Buffer
	if _, err := benchgen.WriteEntries(&b, benchgen.Config{Entries: 10, Needs: 11}); err == nil {
		t.Fatal("11 needs in 10 entries: want an error")
	}
}

// TestShape reads a generated ledger back with the importer's own reader
// and the domain's checks: every row is a valid entry, every link points
// at an entry of the right kind and party, no chain runs against itself
// (ledger.ChainWarnings), the counts match Stats, and the shape is the
// issue's: 80 parties, 25 currencies, about 15 % qualified amounts, day,
// month and year dates, spans, shares, chains, deployments.
func TestShape(t *testing.T) {
	const n = 20000
	cfg := benchgen.Config{Entries: n, Seed: 3}
	var buf bytes.Buffer
	st, err := benchgen.WriteEntries(&buf, cfg)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(buf.String(), strings.Join(ledger.Columns, ",")+"\n") {
		t.Fatalf("header: want the canonical columns, got %q", strings.SplitN(buf.String(), "\n", 2)[0])
	}
	known := map[string]bool{}
	for _, p := range ledger.BuiltinParties() {
		known[p.Code] = true
	}
	sectors := map[string]bool{}
	for _, s := range benchgen.Sectors {
		sectors[s] = true
	}
	byRef := map[string]ledger.Entry{}
	fulfilling := map[string][]ledger.Entry{} // by the ref they fulfil
	var order []ledger.Entry
	var got benchgen.Stats
	got.Kinds, got.AmountsByKind = map[string]int{}, map[string]int{}
	parties, currencies := map[string]bool{}, map[string]bool{}
	src := csvio.BytesSource("entries.csv", buf.Bytes(), csvio.Options{})
	for row, err := range src.Rows {
		if err != nil {
			t.Fatalf("line %d: %v", row.Line, err)
		}
		e, ps := ledger.ParseEntry(row.Fields, row.Line, ledger.Known{Party: func(c string) bool { return known[c] }}, ledger.RefRequired)
		if len(ps) > 0 {
			t.Fatalf("line %d: %v", row.Line, ps)
		}
		if _, dup := byRef[e.Ref]; dup {
			t.Fatalf("line %d: ref %s twice", row.Line, e.Ref)
		}
		if e.Source != benchgen.Source {
			t.Fatalf("line %d: source %q, want %q", row.Line, e.Source, benchgen.Source)
		}
		for _, s := range e.Sectors {
			if !sectors[s] {
				t.Fatalf("line %d: sector %q is not one of %v", row.Line, s, benchgen.Sectors)
			}
		}
		byRef[e.Ref] = e
		order = append(order, e)
		got.Entries++
		got.Kinds[string(e.Kind)]++
		parties[e.Party] = true
		if e.Amount.Valid {
			got.Amounts++
			got.AmountsByKind[string(e.Kind)]++
			currencies[e.Currency.Code] = true
		}
		switch {
		case e.Qualifier == ledger.Exact:
		case e.Amount.Valid:
			got.Qualified++
		default:
			got.QualifiedQuantities++
		}
		switch e.Date.Precision {
		case ledger.Day:
			got.DayDates++
		case ledger.Month:
			got.MonthDates++
		case ledger.Year:
			got.YearDates++
		case ledger.UnknownDate:
			got.UnknownStarts++
		}
		if e.Date.Known() && (e.Date.First().Before(benchgen.First) || e.Date.Last().After(benchgen.Last)) {
			t.Fatalf("line %d: date %s outside %s..%s", row.Line, e.Date, benchgen.First.Format(time.DateOnly), benchgen.Last.Format(time.DateOnly))
		}
		if !e.End.IsZero() {
			got.Spans++
			if e.End.Last().After(benchgen.Last) {
				t.Fatalf("line %d: end %s after %s", row.Line, e.End, benchgen.Last.Format(time.DateOnly))
			}
		}
		if e.SectorShares != nil {
			got.SectorShares++
		} else if len(e.Sectors) > 1 {
			got.SharedSectors++
		}
		if e.LocationShares != nil {
			got.PlaceShares++
		}
		if e.Illustrative {
			got.Illustrative++
		}
		if e.Toward != "" {
			got.Toward++
		}
		if e.Fulfils != "" {
			got.Fulfils++
			fulfilling[e.Fulfils] = append(fulfilling[e.Fulfils], e)
		}
	}
	got.Parties, got.Currencies = len(parties), len(currencies)
	for _, e := range order {
		for _, l := range []struct{ field, ref string }{{"toward", e.Toward}, {"fulfils", e.Fulfils}} {
			if l.ref == "" {
				continue
			}
			target, ok := byRef[l.ref]
			if !ok {
				t.Fatalf("%s: %s %s: no such entry", e.Ref, l.field, l.ref)
			}
			if msg := ledger.CheckLink(l.field, e.Kind, e.Party, target.Kind, target.Party); msg != "" {
				t.Fatalf("%s: %s %s: %s", e.Ref, l.field, l.ref, msg)
			}
			if l.field == "fulfils" {
				if ws := ledger.ChainWarnings(e, target, fulfilling[l.ref]); len(ws) > 0 {
					t.Fatalf("%s fulfils %s: %v", e.Ref, l.ref, ws)
				}
			}
		}
	}
	got.Rates = st.Rates
	if !reflect.DeepEqual(got, st) {
		t.Errorf("Stats say\n%+v\nthe file holds\n%+v", st, got)
	}

	// The shape of the table.
	if st.Entries != n || st.Kinds["need"] != benchgen.DefaultNeeds(n) {
		t.Errorf("%d entries, %d needs: want %d and %d", st.Entries, st.Kinds["need"], n, benchgen.DefaultNeeds(n))
	}
	if st.Parties != 80 || len(benchgen.Parties) != 80 {
		t.Errorf("%d parties used, %d listed: want 80", st.Parties, len(benchgen.Parties))
	}
	if st.Currencies != 25 || len(benchgen.Currencies) != 25 {
		t.Errorf("%d currencies used, %d listed: want 25", st.Currencies, len(benchgen.Currencies))
	}
	if q := st.Qualified * 1000 / st.Amounts; q < 140 || q > 160 {
		t.Errorf("%d qualified of %d amounts (%d‰): want about 15 %%", st.Qualified, st.Amounts, q)
	}
	if st.DayDates < n/2 || st.MonthDates < n/20 || st.YearDates < n/50 || st.UnknownStarts == 0 {
		t.Errorf("dates: %d days, %d months, %d years, %d unknown starts: want mostly days, and each kind", st.DayDates, st.MonthDates, st.YearDates, st.UnknownStarts)
	}
	for what, c := range map[string]int{"spans": st.Spans, "sector shares": st.SectorShares, "place shares": st.PlaceShares,
		"shared sectors": st.SharedSectors, "qualified quantities": st.QualifiedQuantities, "toward": st.Toward, "fulfils": st.Fulfils, "illustrative": st.Illustrative} {
		if c < n/200 {
			t.Errorf("%d entries with %s: want more", c, what)
		}
	}
	for _, k := range ledger.Kinds {
		if st.Kinds[string(k)] < n/20 {
			t.Errorf("%d %ss: want at least %d", st.Kinds[string(k)], k, n/20)
		}
	}
	if st.AmountsByKind["deployment"] == 0 || st.AmountsByKind["deployment"] == st.Kinds["deployment"] {
		t.Errorf("%d of %d deployments state a cost: want some, not all", st.AmountsByKind["deployment"], st.Kinds["deployment"])
	}
	t.Logf("%+v", st)
}

// TestNeeds: the needs knob gives that many needs, and the contributions
// still point at them.
func TestNeeds(t *testing.T) {
	var buf bytes.Buffer
	st, err := benchgen.WriteEntries(&buf, benchgen.Config{Entries: 5000, Needs: 1000, Seed: 1})
	if err != nil {
		t.Fatal(err)
	}
	if st.Entries != 5000 || st.Kinds["need"] != 1000 || st.Toward == 0 {
		t.Errorf("%d entries, %d needs, %d toward: want 5000, 1000 and some", st.Entries, st.Kinds["need"], st.Toward)
	}
}

// TestRates: every business day of twelve years, EUR against the 24 other
// currencies, a positive rate that stays within a fifth of the day
// before's and with the digits a published rate has.
func TestRates(t *testing.T) {
	var buf bytes.Buffer
	n, err := benchgen.WriteRates(&buf, 1)
	if err != nil {
		t.Fatal(err)
	}
	days := 0
	for d := benchgen.First; !d.After(benchgen.Last); d = d.AddDate(0, 0, 1) {
		if d.Weekday() != time.Saturday && d.Weekday() != time.Sunday {
			days++
		}
	}
	if want := days * (len(benchgen.Currencies) - 1); n != want {
		t.Fatalf("%d rates, want %d (%d business days × %d quotes)", n, want, days, len(benchgen.Currencies)-1)
	}
	src := csvio.RateBytesSource("rates.csv", buf.Bytes(), "")
	prev := map[string]decimal.Decimal{}
	count := 0
	for in, err := range src.Rates {
		if err != nil {
			t.Fatalf("line %d: %v", in.Line, err)
		}
		r := in.Rate
		if r.Base != "EUR" || r.Source != benchgen.Source || !r.Rate.IsPositive() {
			t.Fatalf("line %d: %+v", in.Line, r)
		}
		if _, err := money.ParseCurrency(r.Quote); err != nil {
			t.Fatalf("line %d: %v", in.Line, err)
		}
		if p, ok := prev[r.Quote]; ok {
			if q := r.Rate.Div(p); q.GreaterThan(decimal.RequireFromString("1.2")) || q.LessThan(decimal.RequireFromString("0.8")) {
				t.Fatalf("line %d: %s moved from %s to %s in a day", in.Line, r.Quote, p, r.Rate)
			}
		}
		prev[r.Quote] = r.Rate
		count++
	}
	if count != n || len(prev) != 24 {
		t.Fatalf("read %d rates of %d quotes, want %d of 24", count, len(prev), n)
	}
}
