package store_test

import (
	"context"
	"testing"

	"github.com/coalition/pledger/internal/csvio"
	"github.com/coalition/pledger/internal/store"
	"github.com/coalition/pledger/internal/store/storetest"
)

// BenchmarkImport imports the generated benchmark ledger (internal/benchgen,
// storetest.BenchConfig: PLEDGER_BENCH_ROWS canonical CSV rows, default
// 100,000) into an empty ledger on each engine, all of it in one import
// with no chain warning. The targets: 1,000,000 rows <= 10 s, peak
// RSS <= 300 MB, and memory flat at 10,000,000. Run:
//
//	PLEDGER_BENCH_ROWS=1000000 go test -run '^$' -bench Import -benchtime 1x -timeout 30m ./internal/store/
//
// peakRSS-MB is the benchmark process's high-water mark (VmHWM) during the
// import (storetest.ResetPeakRSS: the generator's memory left out).
func BenchmarkImport(b *testing.B) {
	n := storetest.BenchRows()
	files, st := storetest.BenchGen(b, storetest.BenchConfig(n))
	for _, engine := range storetest.Engines {
		b.Run(string(engine), func(b *testing.B) {
			for i := 0; i < b.N; i++ {
				b.StopTimer()
				s := storetest.Open(b, engine)
				storetest.ResetPeakRSS()
				b.StartTimer()
				res, err := s.Import(context.Background(), csvio.FileSource(files.Entries, csvio.Options{}, nil), store.ImportOptions{Author: "bench"})
				if err != nil {
					b.Fatal(err)
				}
				b.StopTimer()
				if res.Added != n || res.Rows != n || len(res.Warnings) > 0 {
					b.Fatalf("%d rows, %d added of %d, warnings %v", res.Rows, res.Added, n, res.Warnings)
				}
				if c, err := s.CountEntries(context.Background(), store.Filter{}); err != nil || c != st.Entries {
					b.Fatalf("%d entries in the ledger (%v), want %d", c, err, st.Entries)
				}
				b.StartTimer()
			}
			b.ReportMetric(float64(n)*float64(b.N)/b.Elapsed().Seconds(), "rows/s")
			b.ReportMetric(storetest.PeakRSS(), "peakRSS-MB")
		})
	}
}
