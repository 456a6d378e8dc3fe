package benchgen_test

import (
	"context"
	"testing"

	"github.com/coalition/pledger/internal/benchgen"
	"github.com/coalition/pledger/internal/csvio"
	"github.com/coalition/pledger/internal/model"
	"github.com/coalition/pledger/internal/money"
	"github.com/coalition/pledger/internal/report"
	"github.com/coalition/pledger/internal/store"
	"github.com/coalition/pledger/internal/store/storetest"
)

// TestImport: a generated ledger imports as it is, on every engine: every
// row added in one import with no chain warning, every rate recorded (none
// too far from its neighbours to be refused), the ledger verifies, and the
// reports count what was generated.
func TestImport(t *testing.T) {
	files, st, err := benchgen.Write(t.TempDir(), benchgen.Config{Entries: 3000, Seed: 5})
	if err != nil {
		t.Fatal(err)
	}
	storetest.Each(t, func(t *testing.T, engine store.Dialect) {
		ctx := context.Background()
		s := storetest.Open(t, engine)
		res, err := s.Import(ctx, csvio.FileSource(files.Entries, csvio.Options{}, nil), store.ImportOptions{Author: "bench"})
		if err != nil {
			t.Fatal(err)
		}
		if res.Added != st.Entries || res.Rows != st.Entries || len(res.Warnings) > 0 {
			t.Fatalf("import: %d rows, %d added, warnings %v: want %d added and no warning", res.Rows, res.Added, res.Warnings, st.Entries)
		}
		rr, err := s.ImportRates(ctx, csvio.RateFileSource(files.Rates, "", nil), store.RateImportOptions{Author: "bench"})
		if err != nil {
			t.Fatal(err)
		}
		if rr.Added != st.Rates {
			t.Fatalf("rates: %d added, want %d", rr.Added, st.Rates)
		}
		if _, err := s.Verify(ctx, store.VerifyOptions{}); err != nil {
			t.Fatalf("verify: %v", err)
		}
		val, _ := model.ParseValuation("spot", 7)
		opt := report.Options{Currency: money.MustCurrency("USD"), Valuation: val}
		sum, err := report.MakeSummary(ctx, s, opt)
		if err != nil {
			t.Fatal(err)
		}
		counted := 0
		for _, r := range sum.Totals {
			counted += r.Entries
		}
		if counted != st.Amounts || sum.Model.Provenance.Entries != st.Amounts {
			t.Errorf("summary counted %d entries (provenance %d), want the %d with an amount", counted, sum.Model.Provenance.Entries, st.Amounts)
		}
		if sum.IllustrativeEntries == 0 {
			t.Error("summary: no illustrative entry counted")
		}
		if src := sum.Model.Provenance.RateSources; len(src) != 1 || src[0].Source != benchgen.Source {
			t.Errorf("summary: rate sources %+v, want only %q", src, benchgen.Source)
		}
		dep, err := report.Run(ctx, s, "deployments", opt)
		if err != nil {
			t.Fatal(err)
		}
		if dep.Provenance.Entries != st.Kinds["deployment"] {
			t.Errorf("deployments counted %d, want %d", dep.Provenance.Entries, st.Kinds["deployment"])
		}
	})
}
