package store_test

import (
	"bufio"
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/coalition/pledger/internal/csvio"
	"github.com/coalition/pledger/internal/store"
	"github.com/coalition/pledger/internal/store/storetest"
)

// benchRows is the size of the generated import (PLEDGER_BENCH_ROWS
// overrides it, e.g. 1000000 for the target).
func benchRows() int {
	if n, err := strconv.Atoi(os.Getenv("PLEDGER_BENCH_ROWS")); err == nil && n > 0 {
		return n
	}
	return 100000
}

var benchParties = []string{"BEL", "USA", "GBR", "FRA", "DEU", "NLD", "ITA", "JPN", "KOR", "SAU", "CAN", "AUS", "DNK", "NOR", "SWE", "EU", "UN"}
var benchCurrencies = []string{"EUR", "USD", "GBP", "JPY", "KRW", "CAD", "AUD", "NOK", "SEK", "DKK", "CHF"}

// writeBenchCSV writes n generated rows: one need per 1000 rows and pledges,
// commitments, disbursements and deployments pointing at them.
func writeBenchCSV(tb testing.TB, n int) string {
	path := filepath.Join(tb.TempDir(), "bench.csv")
	f, err := os.Create(path)
	if err != nil {
		tb.Fatal(err)
	}
	w := bufio.NewWriterSize(f, 1<<20)
	w.WriteString(strings.TrimSuffix(header, "\n") + "\n")
	kinds := []string{"pledge", "commitment", "disbursement", "deployment"}
	for i := 0; i < n; i++ {
		p := benchParties[i%len(benchParties)]
		cur := benchCurrencies[(i/7)%len(benchCurrencies)]
		date := fmt.Sprintf("%04d-%02d-%02d", 2014+i%11, 1+i%12, 1+i%28)
		amount := fmt.Sprintf("%d.%02d", 1000+(i*7919)%100000000, i%100)
		if cur == "JPY" || cur == "KRW" {
			amount = strconv.Itoa(100000 + (i*7919)%100000000)
		}
		if i%1000 == 0 {
			fmt.Fprintf(w, "need-%d,need,COALITION,%d,,%s,%s,,,,stabilisation,IRQ;SYR,,,generated,\n", i, 2014+i%11, amount, cur)
			continue
		}
		need := fmt.Sprintf("need-%d", i/1000*1000)
		switch k := kinds[i%4]; k {
		case "deployment":
			fmt.Fprintf(w, "e-%d,deployment,%s,%s,,,,,%d,F-16,military,IRQ,%s,,generated,\n", i, p, date, 1+i%8, need)
		default:
			fmt.Fprintf(w, "e-%d,%s,%s,%s,,%s,%s,,,,reconstruction;demining,IRQ;SYR,%s,,generated,row %d\n", i, k, p, date, amount, cur, need, i)
		}
	}
	if err := w.Flush(); err != nil {
		tb.Fatal(err)
	}
	f.Close()
	return path
}

// BenchmarkImport imports generated rows into an empty ledger on each
// engine. Run: PLEDGER_BENCH_ROWS=1000000 go test -run ^$ -bench Import -benchtime 1x ./internal/store/
func BenchmarkImport(b *testing.B) {
	n := benchRows()
	path := writeBenchCSV(b, n)
	for _, engine := range storetest.Engines {
		b.Run(string(engine), func(b *testing.B) {
			for i := 0; i < b.N; i++ {
				b.StopTimer()
				s := storetest.Open(b, engine)
				b.StartTimer()
				res, err := s.Import(context.Background(), csvio.FileSource(path, csvio.Options{}, nil), store.ImportOptions{Author: "bench"})
				if err != nil {
					b.Fatal(err)
				}
				if res.Added != n {
					b.Fatalf("added %d of %d", res.Added, n)
				}
			}
			b.ReportMetric(float64(n)*float64(b.N)/b.Elapsed().Seconds(), "rows/s")
			b.ReportMetric(storetest.PeakRSS(), "peakRSS-MB")
		})
	}
}
