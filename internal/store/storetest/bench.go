package storetest

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"testing"

	"github.com/coalition/pledger/internal/benchgen"
	"github.com/coalition/pledger/internal/csvio"
	"github.com/coalition/pledger/internal/store"
)

// The benchmark ledger is internal/benchgen's: the shape of the
// performance issue's table (80 parties, 25 currencies, twelve years of
// generated daily rates against EUR, 15 % qualified amounts, day, month
// and year dates, spans, shares, chains, deployments). Its size and shape
// come from the environment:
//
//	PLEDGER_BENCH_ROWS   entries (default 100,000; the targets are
//	                     at 1,000,000, its flat-memory check at 10,000,000)
//	PLEDGER_BENCH_NEEDS  needs among them (default one in twenty)
//	PLEDGER_BENCH_SEED   the generator's seed (default 1)
//	PLEDGER_BENCH_DIR    a directory where SQLite ledgers built by one run
//	                     are kept for the next (for profiling)

// envInt reads a positive integer from the environment, or def.
func envInt(name string, def int) int {
	if n, err := strconv.Atoi(os.Getenv(name)); err == nil && n > 0 {
		return n
	}
	return def
}

// BenchRows is the size of the generated benchmark ledger:
// PLEDGER_BENCH_ROWS, or 100,000.
func BenchRows() int { return envInt("PLEDGER_BENCH_ROWS", 100000) }

// BenchConfig is the generator's configuration for a benchmark ledger of
// n entries: PLEDGER_BENCH_NEEDS needs (default one in twenty, capped at
// n) and PLEDGER_BENCH_SEED.
func BenchConfig(n int) benchgen.Config {
	return benchgen.Config{Entries: n, Needs: min(envInt("PLEDGER_BENCH_NEEDS", 0), n), Seed: uint64(envInt("PLEDGER_BENCH_SEED", 1))}
}

// BenchGen writes the generated ledger of cfg into a temporary directory
// and says what it holds, for the benchmark to check its results against.
func BenchGen(b testing.TB, cfg benchgen.Config) (benchgen.Files, benchgen.Stats) {
	b.Helper()
	files, st, err := benchgen.Write(b.TempDir(), cfg)
	if err != nil {
		b.Fatal(err)
	}
	return files, st
}

// BenchLedger writes the benchmark ledger of n entries (BenchConfig) and
// its twelve years of generated rates, and returns the two files.
func BenchLedger(b testing.TB, n int) (entries, rates string) {
	files, _ := BenchGen(b, BenchConfig(n))
	return files.Entries, files.Rates
}

// BenchStore opens a store on engine holding the generated ledger of n
// entries in the files entries and rates (with PLEDGER_BENCH_DIR set,
// SQLite reuses a ledger built by an earlier run with the same
// PLEDGER_BENCH_ROWS, _NEEDS and _SEED).
func BenchStore(b testing.TB, engine store.Dialect, n int, entries, rates string) *store.Store {
	b.Helper()
	ctx := context.Background()
	var s *store.Store
	if dir := os.Getenv("PLEDGER_BENCH_DIR"); dir != "" && engine == store.SQLite {
		cfg := BenchConfig(n)
		var err error
		name := fmt.Sprintf("bench-v3-%d-%d-%d.db", n, cfg.Needs, cfg.Seed)
		if s, err = store.Open(ctx, "sqlite:"+filepath.Join(dir, name)); err != nil {
			b.Fatal(err)
		}
		b.Cleanup(func() { s.Close() })
		c, err := s.CountEntries(ctx, store.Filter{})
		switch {
		case err != nil:
			b.Fatal(err)
		case c == n:
			return s // built by an earlier run, rates included
		case c > 0:
			b.Fatalf("%s holds %d entries, not %d: remove it", filepath.Join(dir, name), c, n)
		}
	} else {
		s = Open(b, engine)
	}
	load(b, s, entries, rates, n, -1)
	return s
}

// BenchOpen opens a fresh store on engine holding the generated ledger
// files, and checks that every entry and rate st counts was recorded.
func BenchOpen(b testing.TB, engine store.Dialect, files benchgen.Files, st benchgen.Stats) *store.Store {
	b.Helper()
	s := Open(b, engine)
	load(b, s, files.Entries, files.Rates, st.Entries, st.Rates)
	return s
}

// load imports the entries (n of them, all new, without a chain warning)
// and the rates (nrates of them; -1: any number) into s.
func load(b testing.TB, s *store.Store, entries, rates string, n, nrates int) {
	b.Helper()
	ctx := context.Background()
	res, err := s.Import(ctx, csvio.FileSource(entries, csvio.Options{}, nil), store.ImportOptions{Author: "bench"})
	if err != nil {
		b.Fatal(err)
	}
	if res.Added != n || len(res.Warnings) > 0 {
		b.Fatalf("benchmark ledger: %d of %d entries added, warnings %v", res.Added, n, res.Warnings)
	}
	rr, err := s.ImportRates(ctx, csvio.RateFileSource(rates, "", nil), store.RateImportOptions{Author: "bench"})
	if err != nil {
		b.Fatal(err)
	}
	if nrates >= 0 && rr.Added != nrates {
		b.Fatalf("benchmark rates: %d of %d added", rr.Added, nrates)
	}
}
