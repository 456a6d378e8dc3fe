package report_test

import (
	"context"
	"io"
	"testing"

	"github.com/coalition/pledger/internal/model"

	"github.com/coalition/pledger/internal/money"
	"github.com/coalition/pledger/internal/render"
	"github.com/coalition/pledger/internal/report"
	"github.com/coalition/pledger/internal/store/storetest"
)

// BenchmarkSummary makes the summary report in USD over a generated ledger.
// Run: PLEDGER_BENCH_ROWS=1000000 go test -run ^$ -bench Summary -benchtime 3x -timeout 30m ./internal/report/
func BenchmarkSummary(b *testing.B) {
	n := storetest.BenchRows()
	entries, rates := storetest.BenchLedger(b, n)
	for _, engine := range storetest.Engines {
		b.Run(string(engine), func(b *testing.B) {
			ctx := context.Background()
			s := storetest.BenchStore(b, engine, n, entries, rates)
			val, _ := model.ParseValuation("spot", 7)
			opt := report.Options{Currency: money.MustCurrency("USD"), Valuation: val}
			b.ResetTimer()
			var sum *report.Summary
			for i := 0; i < b.N; i++ {
				var err error
				if sum, err = report.MakeSummary(ctx, s, opt); err != nil {
					b.Fatal(err)
				}
			}
			b.StopTimer()
			entries := 0
			for _, r := range sum.Rows {
				entries += r.Entries
			}
			if want := n - n/5; entries != want { // deployments have no amount
				b.Fatalf("summary counted %d entries of %d", entries, want)
			}
			b.ReportMetric(storetest.PeakRSS(), "peakRSS-MB")
		})
	}
}

// BenchmarkReports makes every report of the catalog, rendered as JSON,
// over the generated ledger.
// Run: PLEDGER_BENCH_ROWS=1000000 go test -run ^$ -bench Reports -benchtime 3x -timeout 30m ./internal/report/
func BenchmarkReports(b *testing.B) {
	n := storetest.BenchRows()
	entries, rates := storetest.BenchLedger(b, n)
	for _, engine := range storetest.Engines {
		b.Run(string(engine), func(b *testing.B) {
			ctx := context.Background()
			s := storetest.BenchStore(b, engine, n, entries, rates)
			val, _ := model.ParseValuation("spot", 7)
			for _, d := range report.Catalog() {
				b.Run(d.Name, func(b *testing.B) {
					opt := report.Options{Currency: money.MustCurrency("USD"), Valuation: val, Params: map[string]string{"party": "BEL"}}
					for i := 0; i < b.N; i++ {
						m, err := report.Run(ctx, s, d.Name, opt)
						if err != nil {
							b.Fatal(err)
						}
						if err := render.Write(io.Discard, m, "json", nil); err != nil {
							b.Fatal(err)
						}
					}
					b.ReportMetric(storetest.PeakRSS(), "peakRSS-MB")
				})
			}
		})
	}
}
