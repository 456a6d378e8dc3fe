package chartrun_test

import (
	"bytes"
	"context"
	"io"
	"testing"

	"github.com/coalition/pledger/internal/chart"
	"github.com/coalition/pledger/internal/model"
	"github.com/coalition/pledger/internal/money"
	"github.com/coalition/pledger/internal/render"
	"github.com/coalition/pledger/internal/report"
	"github.com/coalition/pledger/internal/store"
	"github.com/coalition/pledger/internal/store/storetest"
)

// BenchmarkCharts draws each chart of the benchmark ledger, beside its
// report rendered as JSON, and reports the page size.
// Run: PLEDGER_BENCH_ROWS=1000000 go test -run ^$ -bench Charts -benchtime 3x -timeout 30m ./internal/chartrun/
func BenchmarkCharts(b *testing.B) {
	n := storetest.BenchRows()
	entries, rates := storetest.BenchLedger(b, n)
	for _, engine := range storetest.Engines {
		b.Run(string(engine), func(b *testing.B) {
			ctx := context.Background()
			s := storetest.BenchStore(b, engine, n, entries, rates)
			val, _ := model.ParseValuation("spot", 7)
			opt := report.Options{Currency: money.MustCurrency("USD"), Valuation: val}
			for _, name := range chart.Names {
				rep, params, _ := chart.Source(name)
				o := opt
				o.Params = params
				b.Run(name+"/report", func(b *testing.B) {
					for i := 0; i < b.N; i++ {
						m, err := report.Run(ctx, s, rep, o)
						if err != nil {
							b.Fatal(err)
						}
						render.Write(io.Discard, m, "json", nil)
					}
				})
				b.Run(name+"/chart", func(b *testing.B) {
					var size int
					for i := 0; i < b.N; i++ {
						m, err := report.Run(ctx, s, rep, o)
						if err != nil {
							b.Fatal(err)
						}
						var buf bytes.Buffer
						if err := chart.WritePage(&buf, chart.Item{Name: name, Model: m}, nil, chart.Options{}); err != nil {
							b.Fatal(err)
						}
						size = buf.Len()
					}
					b.ReportMetric(float64(size)/1024, "page-KB")
				})
			}
		})
	}
	_ = store.SQLite
}
