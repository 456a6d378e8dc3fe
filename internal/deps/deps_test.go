// Package deps holds the import policy of pledger as a test: each package
// may import only the project packages below it, and each third-party
// library has one home. Changing the allow-list is a design decision.
package deps

import (
	"os/exec"
	"strings"
	"testing"
)

const mod = "github.com/coalition/pledger/"

// database lists the packages that reach a database: drivers, sqlx and the
// migration runner. Nothing that draws or holds figures may stand on them.
var database = []string{"github.com/jmoiron/sqlx", "github.com/lib/pq", "modernc.org/", "github.com/pressly/goose",
	mod + "internal/store", mod + "migrations"}

// noDatabase are the packages that must link no database package, even
// transitively: the domain, money, the report model and what draws it.
var noDatabase = []string{"internal/money", "internal/ledger", "internal/model", "internal/page", "internal/render", "internal/chart", "internal/csvio", "internal/xlsxio", "internal/pdf", "internal/chromium", "internal/benchgen"}

// chromedp is the browser driver and what it stands on; its one home in
// the program is internal/pdf (the browser tests use it too), so that
// the renderers and the charts link none of it.
var chromedp = []string{"github.com/chromedp/", "github.com/go-json-experiment/json"}

// excelize is the XLSX library and what it stands on; its homes are
// internal/xlsxio (a workbook read as a csvio.Source, and the entry
// template) and internal/render (a report written as a workbook), so
// that the store, which imports csvio, links none of it.
var excelize = []string{"github.com/xuri/", "github.com/richardlehane/", "github.com/tiendc/go-deepcopy", "golang.org/x/crypto", "golang.org/x/net"}

// allowed lists, for each package, the project packages and third-party
// module prefixes it may depend on (directly or not).
var allowed = map[string][]string{
	"internal/money":  {"github.com/shopspring/decimal", "golang.org/x/text"},
	"internal/ledger": {"internal/money", "reports", "github.com/shopspring/decimal", "golang.org/x/text"}, // reports: data only (the sector vocabulary)
	"internal/model":  {"internal/money", "internal/ledger", "reports", "github.com/shopspring/decimal", "golang.org/x/text"},
	"internal/access": {"internal/money", "internal/ledger", "reports", "github.com/shopspring/decimal", "golang.org/x/text", "golang.org/x/crypto"},
	"internal/csvio":  {"internal/money", "internal/ledger", "reports", "github.com/shopspring/decimal", "golang.org/x/text"},
	// The generated ledger for measuring: text out, nothing else.
	"internal/benchgen": {"internal/money", "github.com/shopspring/decimal", "golang.org/x/text"},
	"internal/xlsxio":   append([]string{"internal/money", "internal/ledger", "reports", "internal/csvio", "github.com/shopspring/decimal", "golang.org/x/text"}, excelize...),
	"internal/page":     {},
	// The API's strict JSON decoder: the standard library alone.
	"internal/strictjson": {},
	"internal/render": append([]string{"internal/money", "internal/ledger", "internal/model", "internal/page", "internal/csvio", "reports",
		"github.com/shopspring/decimal", "golang.org/x/text"}, excelize...),
	"internal/chart": {"internal/money", "internal/ledger", "internal/model", "internal/page", "reports", "github.com/shopspring/decimal", "golang.org/x/text",
		"github.com/go-echarts/go-echarts"},
	// How Chromium is started (for PDFs and the browser tests): chromedp alone.
	"internal/chromium": chromedp,
	"internal/pdf":      append([]string{"internal/chromium", "internal/money", "internal/ledger", "internal/model", "reports", "github.com/shopspring/decimal", "golang.org/x/text"}, chromedp...),
	"internal/store": {"internal/money", "internal/ledger", "internal/access", "internal/csvio", "reports", "golang.org/x/crypto", "migrations", "github.com/shopspring/decimal", "golang.org/x/text",
		"github.com/jmoiron/sqlx", "github.com/lib/pq", "modernc.org/", "github.com/pressly/goose", "github.com/mfridman/interpolate",
		"github.com/sethvargo/go-retry", "go.uber.org/multierr", "golang.org/x/sync", "github.com/google/uuid",
		"github.com/dustin/go-humanize", "github.com/mattn/go-isatty", "github.com/ncruces/go-strftime",
		"github.com/remyoudompheng/bigfft", "golang.org/x/sys", "golang.org/x/exp"},
	"internal/report":   {"internal/money", "internal/ledger", "internal/model", "internal/store", "reports", "*store"},
	"internal/chartrun": {"internal/money", "internal/ledger", "internal/model", "internal/page", "internal/store", "internal/report", "internal/chart", "reports", "github.com/go-echarts/go-echarts", "*store"},
	"internal/web": {"internal/money", "internal/ledger", "internal/model", "internal/page", "internal/store", "internal/report", "internal/render", "internal/chart",
		"internal/chartrun", "internal/csvio", "internal/xlsxio", "internal/access", "internal/strictjson", "reports", "github.com/go-echarts/go-echarts", "*store", "*xlsxio"},
}

func deps(t *testing.T, pkg string, std bool) []string {
	t.Helper()
	format := "{{if not .Standard}}{{.ImportPath}}{{end}}"
	if std {
		format = "{{.ImportPath}}"
	}
	out, err := exec.Command("go", "list", "-deps", "-f", format, mod+pkg).Output()
	if err != nil {
		t.Fatalf("go list %s: %v", pkg, err)
	}
	return strings.Fields(string(out))
}

func TestImportPolicy(t *testing.T) {
	for pkg, allow := range allowed {
		// "*store" inherits what internal/store may use, "*xlsxio" what
		// internal/xlsxio may.
		var expanded []string
		for _, a := range allow {
			if a == "*store" || a == "*xlsxio" {
				expanded = append(expanded, allowed["internal/"+a[1:]]...)
			} else {
				expanded = append(expanded, a)
			}
		}
		for _, d := range deps(t, pkg, false) {
			if d == mod+pkg {
				continue
			}
			ok := false
			for _, a := range expanded {
				if strings.HasPrefix(d, a) || strings.HasPrefix(d, mod+a) {
					ok = true
					break
				}
			}
			if !ok {
				t.Errorf("%s depends on %s, which the import policy does not allow", pkg, d)
			}
		}
	}
}

// TestNoDatabaseUnder checks, whatever the allow-list says, that the model,
// the renderers, the charts, the domain and money link no database package.
func TestNoDatabaseUnder(t *testing.T) {
	for _, pkg := range noDatabase {
		for _, d := range deps(t, pkg, true) {
			for _, db := range database {
				if d == db || strings.HasPrefix(d, db) {
					t.Errorf("%s depends on %s: a database package under the model, a renderer or the domain", pkg, d)
				}
			}
		}
	}
}
