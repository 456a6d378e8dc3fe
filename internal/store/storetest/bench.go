package storetest

import (
	"bufio"
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"testing"
	"time"

	"github.com/coalition/pledger/internal/csvio"
	"github.com/coalition/pledger/internal/money"
	"github.com/coalition/pledger/internal/store"
)

// The benchmark ledger: generated entries in 25 currencies and twelve
// years of generated (not real) daily rates against EUR.
var benchCurrencies = []string{"EUR", "USD", "GBP", "JPY", "KRW", "CAD", "AUD", "NOK", "SEK", "DKK", "CHF", "CZK",
	"PLN", "HUF", "RON", "BGN", "ISK", "TRY", "BRL", "CNY", "HKD", "INR", "MXN", "NZD", "SGD"}

var benchParties = []string{"BEL", "USA", "GBR", "FRA", "DEU", "NLD", "ITA", "JPN", "KOR", "SAU", "CAN", "AUS", "DNK",
	"NOR", "SWE", "ESP", "POL", "CZE", "HUN", "ROU", "BGR", "TUR", "BRA", "CHN", "IND", "MEX", "NZL", "SGP", "EU", "UN"}

// BenchRows is the size of the generated benchmark ledger:
// PLEDGER_BENCH_ROWS, or 100,000.
func BenchRows() int {
	if n, err := strconv.Atoi(os.Getenv("PLEDGER_BENCH_ROWS")); err == nil && n > 0 {
		return n
	}
	return 100000
}

// BenchLedger writes the benchmark ledger of n entries (a need, three
// contributions toward it and a deployment, in turn, in 25 currencies) and
// twelve years of generated daily rates, and returns the two files.
func BenchLedger(b testing.TB, n int) (entries, rates string) {
	dir := b.TempDir()
	entries, rates = filepath.Join(dir, "entries.csv"), filepath.Join(dir, "rates.csv")
	f, _ := os.Create(rates)
	w := bufio.NewWriterSize(f, 1<<20)
	w.WriteString("date,base,quote,rate,source\n")
	start := time.Date(2013, 1, 1, 0, 0, 0, 0, time.UTC)
	for d := start; d.Year() < 2025; d = d.AddDate(0, 0, 1) {
		if d.Weekday() == time.Saturday || d.Weekday() == time.Sunday {
			continue
		}
		for i, c := range benchCurrencies[1:] {
			// A smooth made-up series with four decimals.
			v := 10000*(i+1) + (d.YearDay()*37+i*11)%2000
			fmt.Fprintf(w, "%s,EUR,%s,%d.%04d,generated\n", d.Format(time.DateOnly), c, v/10000, v%10000)
		}
	}
	w.Flush()
	f.Close()
	f, _ = os.Create(entries)
	w = bufio.NewWriterSize(f, 1<<20)
	w.WriteString("ref,kind,party,date,amount,currency,qualifier,quantity,asset,sector,location,toward\n")
	kinds := []string{"need", "pledge", "commitment", "disbursement", "deployment"}
	sectors := []string{"stabilisation", "demining", "camps;humanitarian", "reconstruction", "training"}
	for i := 0; i < n; i++ {
		cur := benchCurrencies[(i/3)%len(benchCurrencies)]
		cu := money.MustCurrency(cur)
		date := start.AddDate(0, 0, (i*7)%(12*365))
		ds := date.Format(time.DateOnly)
		switch i % 20 {
		case 0:
			ds = ds[:4]
		case 1:
			ds = ds[:7]
		}
		amount := strconv.Itoa(1000 + (i*7919)%10000000)
		if cu.Units > 0 {
			amount += fmt.Sprintf(".%0*d", cu.Units, i%100)
		}
		q := ""
		if i%50 == 0 {
			q = "at-least"
		}
		party, sector := benchParties[i%len(benchParties)], sectors[(i/5)%len(sectors)]
		switch kind := kinds[i%5]; kind {
		case "need":
			fmt.Fprintf(w, "b-%d,need,COALITION,%s,%s,%s,%s,,,%s,IRQ;SYR,\n", i, ds, amount, cur, q, sector)
		case "deployment":
			fmt.Fprintf(w, "b-%d,deployment,%s,%s,,,,%d,F-16,military,IRQ,\n", i, party, ds, 1+i%8)
		default:
			fmt.Fprintf(w, "b-%d,%s,%s,%s,%s,%s,%s,,,%s,IRQ,b-%d\n", i, kind, party, ds, amount, cur, q, sector, i-i%5)
		}
	}
	w.Flush()
	f.Close()
	return entries, rates
}

// BenchStore opens a store on engine holding the generated ledger (with
// PLEDGER_BENCH_DIR set, SQLite reuses a ledger built by an earlier run).
func BenchStore(b testing.TB, engine store.Dialect, n int, entries, rates string) *store.Store {
	ctx := context.Background()
	s := Open(b, engine)
	if dir := os.Getenv("PLEDGER_BENCH_DIR"); dir != "" && engine == store.SQLite {
		// Reuse a ledger built by an earlier run (for profiling).
		var err error
		if s, err = store.Open(ctx, "sqlite:"+filepath.Join(dir, fmt.Sprintf("bench-v2-%d.db", n))); err != nil {
			b.Fatal(err)
		}
		b.Cleanup(func() { s.Close() })
	}
	if h, _ := s.Head(ctx); h.Seq >= int64(n) {
		// already built
	} else if _, err := s.Import(ctx, csvio.FileSource(entries, csvio.Options{}, nil), store.ImportOptions{Author: "bench"}); err != nil {
		b.Fatal(err)
	}
	if _, err := s.ImportRates(ctx, csvio.RateFileSource(rates, "", nil), store.RateImportOptions{Author: "bench"}); err != nil {
		b.Fatal(err)
	}
	return s
}
