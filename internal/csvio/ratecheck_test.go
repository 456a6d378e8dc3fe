package csvio_test

import (
	"context"
	"errors"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/coalition/pledger/internal/csvio"
	"github.com/coalition/pledger/internal/ledger"
	"github.com/coalition/pledger/internal/money"
	"github.com/coalition/pledger/internal/store"
	"github.com/coalition/pledger/internal/store/storetest"
	"github.com/shopspring/decimal"
)

// ecbUSD are real ECB EUR/USD rates (eurofxref-hist.csv), March 2021.
const ecbUSD = "date,base,quote,rate,source\n" +
	"2021-03-12,EUR,USD,1.1933," + csvio.ECBSource + "\n" +
	"2021-03-15,EUR,USD,1.192," + csvio.ECBSource + "\n" +
	"2021-03-16,EUR,USD,1.1926," + csvio.ECBSource + "\n"

func oneRate(t *testing.T, day, base, quote, r, source string) csvio.RateSource {
	t.Helper()
	rt, ps := ledger.ParseRate(ledger.RateFields{Date: day, Base: base, Quote: quote, Rate: r, Source: source}, 0)
	if len(ps) > 0 {
		t.Fatal(ps)
	}
	return csvio.RatesOf("rates set", rt)
}

// TestImportRatesSanityBound: a rate more than 1.5 times away from its
// pair's nearest rates is refused, naming the file, line, field, both
// rates and days, and nothing is written; forced, it is recorded. The real
// jump of the Turkish lira in the ECB's file imports unforced.
func TestImportRatesSanityBound(t *testing.T) {
	ctx := context.Background()
	storetest.Each(t, func(t *testing.T, engine store.Dialect) {
		s := storetest.Open(t, engine)
		if _, err := s.ImportRates(ctx, csvio.RateBytesSource("ecb.csv", []byte(ecbUSD), ""), store.RateImportOptions{Author: "test"}); err != nil {
			t.Fatal(err)
		}
		count := func() int {
			rows, err := s.Rates(ctx, store.RateFilter{})
			if err != nil {
				t.Fatal(err)
			}
			return len(rows)
		}
		// One rate, as rates set, the form and the API give it.
		_, err := s.ImportRates(ctx, oneRate(t, "2021-03-14", "EUR", "USD", "11.93", "manual"), store.RateImportOptions{Author: "test"})
		var ps *ledger.Problems
		if !errors.As(err, &ps) || len(ps.List) != 1 || ps.List[0].Code != ledger.CodeRateJump || ps.List[0].Field != "rate" ||
			ps.List[0].Value != "11.93" || !errors.Is(err, ledger.ErrInvalid) {
			t.Fatalf("a typo: %v", err)
		}
		want := "rates set: rate: 2021-03-14 EUR/USD 11.93 is more than 1.5 times higher or lower than the nearest EUR/USD rate within 30 days " +
			"(1.1933 on 2021-03-12 (recorded, " + csvio.ECBSource + "); 1.192 on 2021-03-15 (recorded, " + csvio.ECBSource + ")): " +
			"check the rate, its day and which currency is the base"
		if err.Error() != want {
			t.Errorf("message\n got %s\nwant %s", err, want)
		}
		if n := count(); n != 3 {
			t.Errorf("a refused rate was written: %d rates", n)
		}
		// A rate <= 0 is refused before it comes to the bound.
		if _, ps := ledger.ParseRate(ledger.RateFields{Date: "2021-03-14", Base: "EUR", Quote: "USD", Rate: "-1.19", Source: "x"}, 0); len(ps) != 1 || ps[0].Field != "rate" {
			t.Errorf("a negative rate: %v", ps)
		}
		res, err := s.ImportRates(ctx, oneRate(t, "2021-03-14", "EUR", "USD", "11.93", "manual"), store.RateImportOptions{Force: true, Author: "test"})
		if err != nil || res.Added != 1 {
			t.Fatalf("forced: %+v, %v", res, err)
		}
		// A file (MADE-UP Treasury rates): the problem names its line and
		// column; every line is
		// checked against the rates in force and the file's other lines.
		file := "date,base,quote,rate,source\n" +
			"2021-03-17,EUR,USD,1.1942,Treasury\n" +
			"2021-03-18,EUR,USD,0.01192,Treasury\n" + // a typo
			"2021-03-19,EUR,USD,1.1915,Treasury\n"
		_, err = s.ImportRates(ctx, csvio.RateBytesSource("treasury.csv", []byte(file), ""), store.RateImportOptions{Author: "test"})
		if err == nil || !strings.HasPrefix(err.Error(), "treasury.csv:3: rate: 2021-03-18 EUR/USD 0.01192 is more than 1.5 times") ||
			!strings.Contains(err.Error(), "(1.1942 on 2021-03-17 (line 2, Treasury); 1.1915 on 2021-03-19 (line 4, Treasury))") ||
			strings.Count(err.Error(), "\n") != 0 {
			t.Errorf("a typo in a file: %v", err)
		}
		if n := count(); n != 4 {
			t.Errorf("a refused file was written: %d rates", n)
		}
		if res, err := s.ImportRates(ctx, csvio.RateBytesSource("treasury.csv", []byte(file), ""), store.RateImportOptions{Force: true, Author: "test"}); err != nil || res.Added != 3 {
			t.Errorf("forced file: %+v, %v", res, err)
		}
		// The ECB's own file, at the float of the Turkish lira (real rates:
		// 624367 on 21 February 2001, 1050000 the next day).
		trl := "Date,USD,TRL,\n" +
			"2001-02-26,0.9105,963500,\n2001-02-23,0.9064,1052750,\n2001-02-22,0.9056,1050000,\n" +
			"2001-02-21,0.9146,624367,\n2001-02-20,0.907,630067,\n"
		if res, err := s.ImportRates(ctx, csvio.RateBytesSource("eurofxref-hist.csv", []byte(trl), ""), store.RateImportOptions{Author: "test"}); err != nil || res.Added != 10 {
			t.Errorf("the ECB's TRL rates: %+v, %v", res, err)
		}
	})
}

// TestImportRatesKeepDigits: a rate is stored and listed with the digits
// it was given, on both engines, and the same value with other digits is
// the same rate again.
func TestImportRatesKeepDigits(t *testing.T) {
	ctx := context.Background()
	storetest.Each(t, func(t *testing.T, engine store.Dialect) {
		s := storetest.Open(t, engine)
		file := "date,base,quote,rate,source\n2021-03-15,EUR,USD,1.2300,manual\n2021-03-15,EUR,JPY,130.00,manual\n2021-03-15,EUR,KRW,1350,manual\n"
		if _, err := s.ImportRates(ctx, csvio.RateBytesSource("r.csv", []byte(file), ""), store.RateImportOptions{Author: "test"}); err != nil {
			t.Fatal(err)
		}
		rows, err := s.Rates(ctx, store.RateFilter{})
		if err != nil {
			t.Fatal(err)
		}
		got := map[string]string{}
		for _, r := range rows {
			got[r.Quote] = r.Rate
		}
		if got["USD"] != "1.2300" || got["JPY"] != "130.00" || got["KRW"] != "1350" {
			t.Errorf("stored %v, want 1.2300, 130.00 and 1350 as given", got)
		}
		res, err := s.ImportRates(ctx, oneRate(t, "2021-03-15", "EUR", "USD", "1.23", "manual"), store.RateImportOptions{Author: "test"})
		if err != nil || res.Skipped != 1 || res.Added != 0 {
			t.Errorf("1.23 after 1.2300: %+v, %v; want skipped", res, err)
		}
		// Twice in one file with other digits: the same rate.
		twice := "date,base,quote,rate,source\n2021-03-16,EUR,USD,1.2300,manual\n2021-03-16,EUR,USD,1.23,manual\n"
		if res, err := s.ImportRates(ctx, csvio.RateBytesSource("r.csv", []byte(twice), ""), store.RateImportOptions{Author: "test"}); err != nil || res.Added != 1 {
			t.Errorf("1.2300 and 1.23 in one file: %+v, %v", res, err)
		}
		table, err := s.RateTable(ctx, time.Time{})
		if err != nil {
			t.Fatal(err)
		}
		f, _, err := table.Cross("EUR", "USD", time.Date(2021, 3, 15, 0, 0, 0, 0, time.UTC), 0)
		if err != nil || !f.Equal(decimal.RequireFromString("1.23")) {
			t.Errorf("EUR/USD = %s, %v", f, err)
		}
	})
}

// TestImportRatesOtherSource: a rate for a pair and day another source
// already quotes is recorded with a warning naming the other source, its
// rate and the source reports prefer by default (most rates, or
// PLEDGER_RATE_SOURCES).
func TestImportRatesOtherSource(t *testing.T) {
	ctx := context.Background()
	storetest.Each(t, func(t *testing.T, engine store.Dialect) {
		s := storetest.Open(t, engine)
		if _, err := s.ImportRates(ctx, csvio.RateBytesSource("ecb.csv", []byte(ecbUSD), ""), store.RateImportOptions{Author: "test"}); err != nil {
			t.Fatal(err)
		}
		res, err := s.ImportRates(ctx, oneRate(t, "2021-03-15", "EUR", "USD", "1.2000", "manual"), store.RateImportOptions{Author: "test"})
		if err != nil || res.Added != 1 || len(res.Warnings) != 1 {
			t.Fatalf("%+v, %v", res, err)
		}
		w := res.Warnings[0]
		want := "2021-03-15 EUR/USD 1.2000 from manual is recorded, and the same pair and day also has EUR/USD 1.192 from " + csvio.ECBSource +
			"; by default reports use the rate from " + csvio.ECBSource
		if w.Code != ledger.CodeRateOtherSource || w.Value != csvio.ECBSource || w.Msg != want {
			t.Errorf("warning %+v\nwant %q", w, want)
		}
		// A day only one source quotes: no warning.
		if res, err := s.ImportRates(ctx, oneRate(t, "2021-03-17", "EUR", "USD", "1.19", "manual"), store.RateImportOptions{Author: "test"}); err != nil || len(res.Warnings) != 0 {
			t.Errorf("a day of its own: %+v, %v", res, err)
		}
		t.Setenv(money.EnvRateSources, "manual")
		res, err = s.ImportRates(ctx, oneRate(t, "2021-03-16", "USD", "EUR", "0.84", "manual"), store.RateImportOptions{Author: "test"})
		if err != nil || len(res.Warnings) != 1 || res.Warnings[0].Value != "manual" ||
			!strings.HasSuffix(res.Warnings[0].Msg, "also has EUR/USD 1.1926 from "+csvio.ECBSource+"; by default reports use this rate (manual)") {
			t.Errorf("with %s=manual: %+v, %v", money.EnvRateSources, res, err)
		}
	})
}

// TestImportECBHistory imports the ECB's whole history (1999-2025, about
// 210,000 rates) unforced: the sanity bound lets every real rate through.
// It needs the shared copy of the file, and is skipped without it.
func TestImportECBHistory(t *testing.T) {
	const path = "/work/shared/data/ecb/eurofxref-hist.csv"
	if _, err := os.Stat(path); err != nil {
		t.Skipf("%s: %v", path, err)
	}
	if testing.Short() {
		t.Skip("short")
	}
	ctx := context.Background()
	storetest.Each(t, func(t *testing.T, engine store.Dialect) {
		s := storetest.Open(t, engine)
		start := time.Now()
		res, err := s.ImportRates(ctx, csvio.RateFileSource(path, "", nil), store.RateImportOptions{Author: "test"})
		if err != nil {
			t.Fatal(err)
		}
		if res.Added != 210545 || len(res.Warnings) != 0 {
			t.Errorf("%+v", res)
		}
		t.Logf("%s: %d rates in %s", engine, res.Added, time.Since(start).Round(time.Millisecond))
	})
}
