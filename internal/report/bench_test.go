package report_test

import (
	"context"
	"io"
	"testing"

	"github.com/coalition/pledger/internal/benchgen"
	"github.com/coalition/pledger/internal/model"
	"github.com/coalition/pledger/internal/money"
	"github.com/coalition/pledger/internal/render"
	"github.com/coalition/pledger/internal/report"
	"github.com/coalition/pledger/internal/store"
	"github.com/coalition/pledger/internal/store/storetest"
)

// The benchmarks of the performance issue's report targets, on both
// engines, over internal/benchgen's generated ledger (storetest.BenchConfig:
// PLEDGER_BENCH_ROWS entries, default 100,000). Each checks what it
// computed against what was generated; none asserts a time. The targets:
// at 1,000,000 entries summary <= 1.0 s, every other report <= 2.0 s,
// peak RSS <= 300 MB (coverage with 200,000 needs included); on a ledger of
// at most 1,000 entries with twelve years of daily rates in 25 currencies,
// any report <= 100 ms. Run them all at the size with
//
//	PLEDGER_BENCH_ROWS=1000000 go test -run '^$' -bench . -benchtime 3x -timeout 60m ./internal/report/
//
// peakRSS-MB is the benchmark process's high-water mark (VmHWM) while it
// made the report, from what the process held once the ledger was built
// (storetest.ResetPeakRSS); .ci/perf gives the RSS of one report as a user
// runs it, as its own process. The flat-memory check:
// PLEDGER_BENCH_ROWS=10000000 -bench Summary.

// benchOptions are the options of the figures: USD, spot.
func benchOptions() report.Options {
	val, _ := model.ParseValuation("spot", model.Defaults.MaxStale)
	return report.Options{Currency: money.MustCurrency("USD"), Valuation: val, Params: map[string]string{"party": "BEL"}}
}

// checkCounted fails unless the report m counted what st says it should:
// the entries with an amount for the reports over every entry, the
// deployments for the deployments report.
func checkCounted(b *testing.B, m *model.Model, st benchgen.Stats) {
	b.Helper()
	want := -1
	switch m.Report {
	case "summary", "timeline", "flows":
		want = st.Amounts
	case "deployments":
		want = st.Kinds["deployment"]
	}
	switch {
	case want >= 0 && m.Provenance.Entries != want:
		b.Fatalf("%s counted %d entries, want %d", m.Report, m.Provenance.Entries, want)
	case m.Provenance.Entries == 0:
		b.Fatalf("%s counted no entry", m.Report)
	case m.Provenance.Unverified != "":
		b.Fatalf("%s: ledger unverified: %s", m.Report, m.Provenance.Unverified)
	}
}

// BenchmarkSummary makes the summary report in USD over a generated ledger.
// Run: PLEDGER_BENCH_ROWS=1000000 go test -run '^$' -bench Summary -benchtime 3x -timeout 30m ./internal/report/
func BenchmarkSummary(b *testing.B) {
	n := storetest.BenchRows()
	files, st := storetest.BenchGen(b, storetest.BenchConfig(n))
	for _, engine := range storetest.Engines {
		b.Run(string(engine), func(b *testing.B) {
			ctx := context.Background()
			s := storetest.BenchStore(b, engine, n, files.Entries, files.Rates)
			opt := benchOptions()
			storetest.ResetPeakRSS()
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
			if entries != st.Amounts { // deployments without a cost have no amount
				b.Fatalf("summary counted %d entries of %d", entries, st.Amounts)
			}
			checkCounted(b, sum.Model, st)
			b.ReportMetric(storetest.PeakRSS(), "peakRSS-MB")
		})
	}
}

// BenchmarkReports makes every report of the catalog, rendered as JSON,
// over the generated ledger.
// Run: PLEDGER_BENCH_ROWS=1000000 go test -run '^$' -bench Reports -benchtime 3x -timeout 30m ./internal/report/
func BenchmarkReports(b *testing.B) {
	benchCatalog(b, storetest.BenchConfig(storetest.BenchRows()), true)
}

// BenchmarkCoverageNeeds makes the coverage report over a generated ledger
// in which one entry in five is a need: 200,000 needs at the issue's
// 1,000,000 entries.
// Run: PLEDGER_BENCH_ROWS=1000000 go test -run '^$' -bench CoverageNeeds -benchtime 3x -timeout 30m ./internal/report/
func BenchmarkCoverageNeeds(b *testing.B) {
	n := storetest.BenchRows()
	cfg := storetest.BenchConfig(n)
	cfg.Needs = n / 5
	files, st := storetest.BenchGen(b, cfg)
	for _, engine := range storetest.Engines {
		b.Run(string(engine), func(b *testing.B) {
			ctx := context.Background()
			s := storetest.BenchOpen(b, engine, files, st)
			opt := benchOptions()
			storetest.ResetPeakRSS()
			b.ResetTimer()
			var m *model.Model
			for i := 0; i < b.N; i++ {
				var err error
				if m, err = report.Run(ctx, s, "coverage", opt); err != nil {
					b.Fatal(err)
				}
				if err := render.Write(io.Discard, m, "json", nil); err != nil {
					b.Fatal(err)
				}
			}
			b.StopTimer()
			checkCounted(b, m, st)
			b.ReportMetric(float64(st.Kinds["need"]), "needs")
			b.ReportMetric(storetest.PeakRSS(), "peakRSS-MB")
		})
	}
}

// BenchmarkSmallLedger makes every report of the catalog over a small
// ledger (1,000 entries) that holds the twelve years of daily rates in 25
// currencies: what a report costs when the ledger is small and the rates
// are many.
// Run: go test -run '^$' -bench SmallLedger -benchtime 20x ./internal/report/
func BenchmarkSmallLedger(b *testing.B) {
	benchCatalog(b, benchgen.Config{Entries: 1000, Seed: 1}, false)
}

// benchCatalog makes every report of the catalog, rendered as JSON, over
// the generated ledger of cfg, on each engine (reuse: a SQLite ledger kept
// in PLEDGER_BENCH_DIR, see storetest.BenchStore).
func benchCatalog(b *testing.B, cfg benchgen.Config, reuse bool) {
	files, st := storetest.BenchGen(b, cfg)
	for _, engine := range storetest.Engines {
		b.Run(string(engine), func(b *testing.B) {
			ctx := context.Background()
			var s *store.Store
			if reuse {
				s = storetest.BenchStore(b, engine, cfg.Entries, files.Entries, files.Rates)
			} else {
				s = storetest.BenchOpen(b, engine, files, st)
			}
			for _, d := range report.Catalog() {
				b.Run(d.Name, func(b *testing.B) {
					opt := benchOptions()
					storetest.ResetPeakRSS()
					b.ResetTimer()
					var m *model.Model
					for i := 0; i < b.N; i++ {
						var err error
						if m, err = report.Run(ctx, s, d.Name, opt); err != nil {
							b.Fatal(err)
						}
						if err := render.Write(io.Discard, m, "json", nil); err != nil {
							b.Fatal(err)
						}
					}
					b.StopTimer()
					checkCounted(b, m, st)
					b.ReportMetric(storetest.PeakRSS(), "peakRSS-MB")
				})
			}
		})
	}
}
