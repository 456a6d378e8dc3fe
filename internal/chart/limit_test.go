package chart_test

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"strings"
	"testing"

	"github.com/coalition/pledger/internal/chart"
	"github.com/coalition/pledger/internal/money"
	"github.com/coalition/pledger/internal/render"
	"github.com/coalition/pledger/internal/report"
	"github.com/coalition/pledger/internal/store"
	"github.com/coalition/pledger/internal/store/storetest"
)

// A chart of a ledger with many needs and deployments draws the largest
// (twice --top) and groups or counts the rest, so its size is bounded.
func TestLimits(t *testing.T) {
	var rows []report.Row
	for i := 0; i < 100; i++ {
		rows = append(rows, report.Row{"need": text(fmt.Sprintf("n-%03d", i)), "needed": amt(fmt.Sprintf("%d.00", 1000+i)),
			"pledge": amt("1.00"), "disbursement": amt("0.50"), "gap": amt(fmt.Sprintf("%d.00", 999+i)), "covered": {Empty: true}})
	}
	cols := []report.Column{col("need", "text"), col("needed", "amount"), col("pledge", "amount"), col("disbursement", "amount"), col("covered", "percent"), col("gap", "amount")}
	m := model("coverage", cols, rows)
	page := writePage(t, chart.Item{Name: "coverage", Model: m}, lang(t, "en"), chart.Options{TopN: 5})
	sp := specs(t, page)
	cats := sp[0].Option["yAxis"].([]any)[0].(map[string]any)["data"].([]any)
	if len(cats) != 11 {
		t.Fatalf("%d needs drawn, want the 10 largest and one group", len(cats))
	}
	last := fmt.Sprint(cats[10])
	if !strings.HasPrefix(last, "Others needs") && !strings.HasPrefix(last, "Other needs (90)") {
		t.Errorf("the group is %q", last)
	}
	// The group holds exactly the 90 smaller needs: 1000+...+1089 = 94005.
	if !strings.Contains(string(page), "94,005.00 EUR") {
		t.Error("the group's needed amount is not the exact sum of the rest")
	}
}

// BenchmarkCharts draws each chart of the benchmark ledger, beside its
// report rendered as JSON, and reports the page size.
// Run: PLEDGER_BENCH_ROWS=1000000 go test -run ^$ -bench Charts -benchtime 3x -timeout 30m ./internal/chart/
func BenchmarkCharts(b *testing.B) {
	n := storetest.BenchRows()
	entries, rates := storetest.BenchLedger(b, n)
	for _, engine := range storetest.Engines {
		b.Run(string(engine), func(b *testing.B) {
			ctx := context.Background()
			s := storetest.BenchStore(b, engine, n, entries, rates)
			val, _ := report.ParseValuation("spot", 7)
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
