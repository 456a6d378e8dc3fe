package chartrun_test

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"flag"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/coalition/pledger/internal/chart"
	"github.com/coalition/pledger/internal/chartrun"
	"github.com/coalition/pledger/internal/demo"
	"github.com/coalition/pledger/internal/ledger"
	"github.com/coalition/pledger/internal/model"
	"github.com/coalition/pledger/internal/report"
	"github.com/coalition/pledger/internal/store"
	"github.com/coalition/pledger/internal/store/storetest"
)

func TestSource(t *testing.T) {
	want := []string{"summary", "coverage", "deployments", "flows", "timeline"}
	if strings.Join(chart.Names, ",") != strings.Join(want, ",") {
		t.Fatalf("Names = %v, want %v", chart.Names, want)
	}
	catalog := map[string]bool{}
	for _, d := range report.Catalog() {
		catalog[d.Name] = true
	}
	for _, n := range chart.Names {
		r, params, err := chart.Source(n)
		if err != nil {
			t.Fatalf("%s: %v", n, err)
		}
		if !catalog[r] {
			t.Errorf("chart %s draws report %q, which is not in the catalog", n, r)
		}
		if params != nil {
			params["mutated"] = "yes"
			if _, again, _ := chart.Source(n); again["mutated"] != "" {
				t.Errorf("Source(%s) hands out its own params map", n)
			}
		}
	}
	_, _, err := chart.Source("pie")
	if !errors.Is(err, ledger.ErrInvalid) {
		t.Fatalf("Source(pie) = %v, want ErrInvalid", err)
	}
	for _, n := range chart.Names {
		if !strings.Contains(err.Error(), n) {
			t.Errorf("the error %q does not list %s", err, n)
		}
	}
}

var update = flag.Bool("update", false, "rewrite internal/chart/testdata/demo-models.json")

// demoModels is where internal/chart's tests find the demo ledger's
// models, so that they draw real reports without building a ledger.
const demoModels = "../chart/testdata/demo-models.json"

// The models internal/chart's tests draw are the ones the engine makes of
// the demo ledger today: this test runs every chart's report and compares
// them with the fixture (go test ./internal/chartrun -update rewrites it).
func TestDemoModels(t *testing.T) {
	at := time.Date(2026, 1, 15, 9, 30, 0, 0, time.UTC)
	s := storetest.OpenAt(t, store.SQLite, func() time.Time { return at })
	ctx := context.Background()
	if _, _, err := demo.Load(ctx, s); err != nil {
		t.Fatal(err)
	}
	got := map[string][]*model.Model{}
	for _, c := range []struct{ lang, cur string }{{"en", "USD"}, {"nl", "EUR"}, {"fr", "EUR"}} {
		opt, err := report.Request{Currency: c.cur, Lang: c.lang, MaxStale: model.Defaults.MaxStale}.Options(ctx, s)
		if err != nil {
			t.Fatal(err)
		}
		items, err := chartrun.Items(ctx, s, opt, chart.Names)
		if err != nil {
			t.Fatal(err)
		}
		for _, it := range items {
			got[c.lang+"/"+c.cur] = append(got[c.lang+"/"+c.cur], it.Model)
		}
	}
	data, err := json.MarshalIndent(got, "", " ")
	if err != nil {
		t.Fatal(err)
	}
	data = append(data, '\n')
	if *update {
		if err := os.WriteFile(demoModels, data, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(demoModels)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(data, want) {
		t.Errorf("%s is not what the engine makes of the demo ledger: run go test ./internal/chartrun -update and review the diff", demoModels)
	}
}
