package demo_test

import (
	"bytes"
	"context"
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/coalition/pledger/internal/model"

	"github.com/coalition/pledger/internal/demo"
	"github.com/coalition/pledger/internal/money"
	"github.com/coalition/pledger/internal/render"
	"github.com/coalition/pledger/internal/report"
	"github.com/coalition/pledger/internal/store"
	"github.com/coalition/pledger/internal/store/storetest"
)

var update = flag.Bool("update", false, "rewrite the golden files")

// fixedClock records the demo at one known moment, so that its chain hash,
// and every report made from it, are the same on every run and engine.
func fixedClock() time.Time { return time.Date(2026, 1, 15, 9, 30, 0, 0, time.UTC) }

// openDemo loads the demo ledger into a fresh store on engine.
func openDemo(t *testing.T, engine store.Dialect) *store.Store {
	t.Helper()
	s := storetest.OpenAt(t, engine, fixedClock)
	if _, _, err := demo.Load(context.Background(), s); err != nil {
		t.Fatal(err)
	}
	return s
}

// Every report of the catalog, in every format and language, on the demo
// ledger, equals its golden file byte for byte, on SQLite and PostgreSQL.
// Refresh with: go test ./internal/demo -run Golden -update
func TestGoldenReports(t *testing.T) {
	storetest.Each(t, func(t *testing.T, engine store.Dialect) {
		ctx := context.Background()
		s := openDemo(t, engine)
		for _, d := range report.Catalog() {
			for _, code := range model.Languages {
				lang, err := model.ParseLang(code)
				if err != nil {
					t.Fatal(err)
				}
				val, _ := model.ParseValuation("spot", 7)
				cur := "USD"
				if len(d.Args) > 0 {
					cur = "EUR"
				}
				m, err := report.Run(ctx, s, d.Name, report.Options{Currency: money.MustCurrency(cur), Valuation: val, Lang: lang,
					Params: map[string]string{"party": "BEL"}})
				if err != nil {
					t.Fatalf("%s %s: %v", d.Name, code, err)
				}
				for _, file := range reportFiles(t, m, lang) {
					golden := filepath.Join("testdata", "golden", d.Name+"."+code+file.Name)
					if *update && engine == store.SQLite {
						if err := os.WriteFile(golden, file.Data, 0o644); err != nil {
							t.Fatal(err)
						}
						continue
					}
					want, err := os.ReadFile(golden)
					if err != nil {
						t.Fatalf("%v (run with -update to create it)", err)
					}
					if !bytes.Equal(file.Data, want) {
						t.Errorf("%s differs from its golden file on %s:\n%s", golden, engine, firstDiff(string(want), string(file.Data)))
					}
				}
			}
		}
	})
}

// reportFiles are the golden files of a report, named by what follows
// NAME.LANG: a file per format, a CSV file per table (.csv for a report's
// only table, -KEY.csv for each of several), and for xlsx what the
// workbook holds (.xlsx.txt), which a person can review.
func reportFiles(t *testing.T, m *model.Model, lang *model.Lang) []render.File {
	t.Helper()
	var files []render.File
	for _, format := range render.Formats {
		switch format {
		case "csv":
			tables, err := render.CSVFiles(m, lang, render.RFC4180, "")
			if err != nil {
				t.Fatalf("%s %s csv: %v", m.Report, lang.Code, err)
			}
			for _, f := range tables {
				if f.Name != ".csv" {
					f.Name = "." + strings.TrimPrefix(f.Name, "-")
				}
				files = append(files, f)
			}
			continue
		}
		var buf bytes.Buffer
		if err := render.Write(&buf, m, format, lang); err != nil {
			t.Fatalf("%s %s %s: %v", m.Report, lang.Code, format, err)
		}
		data, name := buf.Bytes(), "."+format
		if format == "xlsx" {
			text, err := render.XLSXText(data)
			if err != nil {
				t.Fatalf("%s %s xlsx: %v", m.Report, lang.Code, err)
			}
			data, name = []byte(text), ".xlsx.txt"
		}
		files = append(files, render.File{Name: name, Data: data})
	}
	return files
}

func firstDiff(want, got string) string {
	wl, gl := bytes.Split([]byte(want), []byte("\n")), bytes.Split([]byte(got), []byte("\n"))
	for i := 0; i < len(wl) || i < len(gl); i++ {
		var w, g []byte
		if i < len(wl) {
			w = wl[i]
		}
		if i < len(gl) {
			g = gl[i]
		}
		if !bytes.Equal(w, g) {
			return "line " + itoa(i+1) + ":\n  want " + string(w) + "\n  got  " + string(g)
		}
	}
	return "(equal lines, different bytes)"
}

func itoa(n int) string {
	b := []byte{}
	for n > 0 || len(b) == 0 {
		b = append([]byte{byte('0' + n%10)}, b...)
		n /= 10
	}
	return string(b)
}
