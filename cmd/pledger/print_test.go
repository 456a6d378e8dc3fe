package main

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/coalition/pledger/internal/browsertest"
	"github.com/coalition/pledger/internal/pdf"
	"github.com/coalition/pledger/internal/store"
	"github.com/coalition/pledger/internal/store/storetest"
)

// demoDSN is a fresh SQLite ledger holding the demo entries and rates.
func demoDSN(t *testing.T) string {
	t.Helper()
	dsn := storetest.DSN(t, store.SQLite)
	mustPledger(t, dsn, "import", "../../internal/demo/data/entries.csv")
	mustPledger(t, dsn, "rates", "import", "../../internal/demo/data/rates.csv")
	return dsn
}

// isPDF tells whether b is a PDF with at least one page.
func isPDF(b []byte) bool {
	return bytes.HasPrefix(b, []byte("%PDF-")) && bytes.Contains(b, []byte("/Type /Page")) && bytes.HasSuffix(bytes.TrimSpace(b), []byte("%%EOF"))
}

// pledger report coverage --format pdf writes the demo's coverage report
// as a PDF, to --out or to standard output when that is not a terminal;
// pledger chart coverage --format pdf, its chart. (With Chromium: the
// PLEDGER_TEST_CHROMIUM that .ci/run installs, or /usr/bin/chromium.)
func TestCLIPDF(t *testing.T) {
	t.Setenv(pdf.EnvChromium, browsertest.Path(t))
	dsn := demoDSN(t)
	dir := t.TempDir()

	file := filepath.Join(dir, "coverage.pdf")
	res := pledger(t, dsn, "report", "coverage", "--currency", "USD", "--format", "pdf", "--out", file)
	if res.code != 0 || !strings.Contains(res.stderr, "wrote "+file) {
		t.Fatalf("report coverage --format pdf --out: %s", res)
	}
	if b, err := os.ReadFile(file); err != nil || !isPDF(b) {
		t.Errorf("%s is not a PDF (%v): %q", file, err, b[:min(len(b), 16)])
	}

	// Standard output that is a file or a pipe takes the PDF.
	res = pledger(t, dsn, "report", "party", "BEL", "--currency", "EUR", "--lang", "fr", "--format", "pdf")
	if res.code != 0 || !isPDF([]byte(res.stdout)) {
		t.Errorf("report party BEL --format pdf to a pipe: exit %d, stdout %q, stderr %s", res.code, clip(res.stdout[:min(len(res.stdout), 16)]), res.stderr)
	}

	file = filepath.Join(dir, "coverage-chart.pdf")
	res = pledger(t, dsn, "chart", "coverage", "--currency", "EUR", "--lang", "nl", "--format", "pdf", "--out", file)
	if res.code != 0 {
		t.Fatalf("chart coverage --format pdf: %s", res)
	}
	if b, err := os.ReadFile(file); err != nil || !isPDF(b) || !bytes.Contains(b, []byte("/Subtype /Image")) {
		t.Errorf("%s is not a PDF with the chart drawn in it (%v)", file, err)
	}
}

// Without Chromium, --format pdf fails before any work with a message that
// names what to install, exits non-zero and writes nothing.
func TestCLIPDFWithoutChromium(t *testing.T) {
	dsn := demoDSN(t)
	dir := t.TempDir()
	missing := filepath.Join(dir, "no-such-chromium")
	t.Setenv(pdf.EnvChromium, missing)
	for _, args := range [][]string{
		{"report", "coverage", "--format", "pdf", "--out", filepath.Join(dir, "coverage.pdf")},
		{"report", "coverage", "--format", "pdf"},
		{"chart", "coverage", "--format", "pdf", "--out", filepath.Join(dir, "coverage-chart.pdf")},
	} {
		res := pledger(t, dsn, args...)
		if res.code == 0 || res.stdout != "" {
			t.Errorf("%s: want a failure and nothing on stdout, got %s", strings.Join(args, " "), res)
		}
		for _, want := range []string{"PDF needs Chromium", missing, "apt-get install chromium", pdf.EnvChromium} {
			if !strings.Contains(res.stderr, want) {
				t.Errorf("%s: the message does not say %q: %s", strings.Join(args, " "), want, res.stderr)
			}
		}
	}
	if files, _ := os.ReadDir(dir); len(files) != 0 {
		t.Errorf("files left behind: %v", files)
	}

	// Nowhere on PATH either.
	t.Setenv(pdf.EnvChromium, "")
	t.Setenv("PATH", t.TempDir())
	res := pledger(t, dsn, "report", "coverage", "--format", "pdf", "--out", filepath.Join(dir, "coverage.pdf"))
	if res.code == 0 || !strings.Contains(res.stderr, "PDF needs Chromium") || !strings.Contains(res.stderr, "apt-get install chromium") {
		t.Errorf("no Chromium on PATH: %s", res)
	}
	if files, _ := os.ReadDir(dir); len(files) != 0 {
		t.Errorf("files left behind: %v", files)
	}
}

// A PDF is never written to a terminal, the dashboard is no PDF, and a
// chart is html or pdf: usage errors (exit 2), before any work.
func TestCLIPDFUsage(t *testing.T) {
	dsn := demoDSN(t)
	asTerminal(t)
	for _, c := range []struct {
		args []string
		want string
	}{
		{[]string{"report", "coverage", "--format", "pdf"}, "--out"},
		{[]string{"chart", "dashboard", "--format", "pdf", "--out", t.TempDir()}, "the dashboard is a folder of HTML pages"},
		{[]string{"chart", "summary", "--format", "md", "--out", filepath.Join(t.TempDir(), "s.md")}, "a chart is html or pdf"},
		{[]string{"report", "coverage", "--format", "docx"}, `--format "docx": use table, md`},
	} {
		res := pledger(t, dsn, c.args...)
		if res.code != 2 || res.stdout != "" || !strings.Contains(res.stderr, c.want) {
			t.Errorf("%s: want exit 2 saying %q, got %s", strings.Join(c.args, " "), c.want, res)
		}
	}
	res := pledger(t, dsn, "report", "coverage", "--format", "docx")
	if !strings.Contains(res.stderr, ", pdf") {
		t.Errorf("--format docx: the message does not offer pdf: %s", res.stderr)
	}
}
