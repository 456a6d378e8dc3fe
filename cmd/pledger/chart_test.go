package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/coalition/pledger/internal/store"
	"github.com/coalition/pledger/internal/store/storetest"
)

// pledger chart dashboard writes a folder whose pages share one copy of
// ECharts, under the title given (or the dashboard's title in the report
// language); pledger chart NAME stays one self-contained file, and takes
// no title.
func TestChartDashboardFolder(t *testing.T) {
	dsn := storetest.DSN(t, store.SQLite)
	mustPledger(t, dsn, "import", writeFile(t, "e.csv", "ref,kind,party,date,amount,currency,sector,fulfils\n"+
		"p1,pledge,BEL,2021-03,5000.00,EUR,stabilisation,\n"+
		"c1,commitment,BEL,2021-04,4000.00,EUR,stabilisation,p1\n"+
		"c2,commitment,NLD,2021-05,18000000.00,EUR,demining,\n"), "--as", "seeder")
	dir := filepath.Join(t.TempDir(), "dash")
	out := mustPledger(t, dsn, "chart", "dashboard", "--currency", "EUR", "--title", "Coalition, 2026", "--out", dir)
	if !strings.Contains(out, filepath.Join(dir, "index.html")) {
		t.Errorf("the output does not name the index: %q", out)
	}
	lib, err := os.ReadFile(filepath.Join(dir, "echarts.min.js"))
	if err != nil || len(lib) < 500_000 {
		t.Fatalf("no library beside the pages: %v", err)
	}
	index, err := os.ReadFile(filepath.Join(dir, "index.html"))
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(index), "<title>Coalition, 2026</title>") || !strings.Contains(string(index), `<script src="echarts.min.js">`) {
		t.Errorf("the index is not titled as asked, or does not load the shared library")
	}
	var total int64
	for _, name := range []string{"index", "summary", "coverage", "deployments", "flows", "timeline"} {
		info, err := os.Stat(filepath.Join(dir, name+".html"))
		if err != nil {
			t.Fatal(err)
		}
		total += info.Size()
	}
	if total > int64(len(lib)) {
		t.Errorf("the six pages weigh %d bytes, more than one library (%d): do they inline it?", total, len(lib))
	}

	mustPledger(t, dsn, "chart", "dashboard", "--lang", "fr", "--currency", "EUR", "--out", dir)
	if index, _ := os.ReadFile(filepath.Join(dir, "index.html")); !strings.Contains(string(index), "<title>Tableau de bord de la coalition</title>") {
		t.Errorf("the default title is not in the report language")
	}

	page := filepath.Join(t.TempDir(), "summary.html")
	mustPledger(t, dsn, "chart", "summary", "--currency", "EUR", "--out", page)
	html, err := os.ReadFile(page)
	if err != nil {
		t.Fatal(err)
	}
	if strings.Contains(string(html), "<script src=") || !strings.Contains(string(html), string(lib[:2000])) {
		t.Errorf("a single chart is not one self-contained file")
	}
	if res := pledger(t, dsn, "chart", "summary", "--currency", "EUR", "--title", "x", "--out", page); res.code == 0 || !strings.Contains(res.stderr, "--title") {
		t.Errorf("a title for a single chart: %s", res)
	}
}
