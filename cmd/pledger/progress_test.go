package main

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"strings"
	"testing"

	"github.com/coalition/pledger/internal/store"
	"github.com/coalition/pledger/internal/store/storetest"
)

// asTerminal makes the progress bars draw into any writer for one test.
func asTerminal(t *testing.T) {
	old := isTerminal
	isTerminal = func(io.Writer) bool { return true }
	t.Cleanup(func() { isTerminal = old })
}

// bigFile is an import file of n pledges.
func bigFile(t *testing.T, n int) string {
	var b strings.Builder
	b.WriteString("ref,kind,party,date,amount,currency\n")
	for i := range n {
		fmt.Fprintf(&b, "p-%05d,pledge,BEL,2021,%d.00,EUR\n", i, i+1)
	}
	return writeFile(t, "big.csv", b.String())
}

// TestProgressSilentWithoutTerminal: standard error that is a pipe or a
// file gets no bar (no carriage returns), only the messages.
func TestProgressSilentWithoutTerminal(t *testing.T) {
	dsn := storetest.DSN(t, store.SQLite)
	for _, args := range [][]string{
		{"import", bigFile(t, 3000)},
		{"report", "summary", "--currency", "EUR"},
		{"chart", "summary", "--currency", "EUR", "--out", writeFile(t, "c.html", "")},
	} {
		res := pledger(t, dsn, args...)
		if res.code != 0 || strings.ContainsAny(res.stderr, "\r\x1b") {
			t.Errorf("%s: want exit 0 and no bar on a non-terminal stderr, got %s", args[0], res)
		}
	}
}

// TestProgressBarEndsBeforeSummary: on a terminal the bar shows the file
// and its real size, and clears its line before the summary, which is
// printed whole on a line of its own, with no bar after it.
func TestProgressBarEndsBeforeSummary(t *testing.T) {
	asTerminal(t)
	dsn := storetest.DSN(t, store.SQLite)
	path := bigFile(t, 3000)
	size := int64(len(mustRead(t, path)))
	var term bytes.Buffer // stdout and stderr on one screen
	full := []string{"import", path, "--db", dsn}
	if code := run(context.Background(), full, strings.NewReader(""), &term, &term); code != 0 {
		t.Fatalf("import: exit %d\n%q", code, term.String())
	}
	screen := term.String()
	i := strings.Index(screen, "imported "+path)
	if i < 0 {
		t.Fatalf("no summary:\n%q", screen)
	}
	bar, after := screen[:i], screen[i:]
	if !strings.Contains(bar, "importing "+path) || !strings.Contains(bar, fmt.Sprintf("/%.0f kB", float64(size)/1000)) {
		t.Errorf("the bar does not name the file and its size (%d bytes):\n%q", size, bar)
	}
	if !strings.Contains(bar, "|"+strings.Repeat(" ", 30)+"|") && !strings.Contains(bar, "█") {
		t.Errorf("the bar has no visible width:\n%q", bar)
	}
	if !strings.HasSuffix(bar, "\r") {
		t.Errorf("the bar's line is not cleared before the summary:\n%q", bar[max(0, len(bar)-200):])
	}
	if after != fmt.Sprintf("imported %s: 3000 rows, 3000 added, 0 amended, 0 unchanged\n", path) {
		t.Errorf("the summary is not alone on its line after the bar:\n%q", after)
	}

	term.Reset()
	full = []string{"report", "summary", "--currency", "EUR", "--format", "csv", "--table", "summary", "--db", dsn}
	if code := run(context.Background(), full, strings.NewReader(""), &term, &term); code != 0 {
		t.Fatalf("report: exit %d\n%q", code, term.String())
	}
	screen = term.String()
	i = strings.Index(screen, "party,kind,")
	if i < 0 || !strings.Contains(screen[:i], "report summary") || !strings.HasSuffix(screen[:i], "\r") || strings.Contains(screen[i:], "\r") {
		t.Errorf("report: the bar must name the report and clear its line before the report:\n%q", screen)
	}
}
