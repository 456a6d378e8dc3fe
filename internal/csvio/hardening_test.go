package csvio

import (
	"fmt"
	"os"
	"strings"
	"testing"

	"github.com/coalition/pledger/internal/ledger"
)

// A header cannot make an answer much larger than itself (issue #15): past
// MaxColumns cells it is one problem; past a few bad names, one problem
// counts the rest.
func TestCheckHeaderCapped(t *testing.T) {
	header := func(n int) []string {
		cells := []string{"ref", "kind", "party", "date"}
		for i := range n {
			cells = append(cells, fmt.Sprint("x", i))
		}
		return cells
	}
	collect := func(cells []string) []ledger.Problem {
		var ps []ledger.Problem
		CheckHeader(cells, Options{}, func(_ int, p ledger.Problem) { ps = append(ps, p) })
		return ps
	}
	ps := collect(header(1_000_000))
	if len(ps) != 1 || !strings.Contains(ps[0].Msg, "the header has 1000004 columns, more than the 100 a file may have") {
		t.Errorf("a million columns: %d problems: %v", len(ps), ps[:min(len(ps), 3)])
	}
	ps = collect(header(MaxColumns - 4))
	if len(ps) != maxBadColumns+1 || !strings.Contains(ps[maxBadColumns].Msg, fmt.Sprintf("... and %d more unknown", MaxColumns-4-maxBadColumns)) {
		t.Errorf("%d unknown columns: %d problems, last %v", MaxColumns-4, len(ps), ps[len(ps)-1])
	}
	ps = collect(header(3))
	if len(ps) != 3 || ps[0].Field != "x0" || !strings.HasPrefix(ps[0].Msg, "unknown column") {
		t.Errorf("3 unknown columns: %v", ps)
	}
	// The same through a CSV file, one problem in its error.
	_, err := NewReader(strings.NewReader(strings.Join(header(200), ",")+"\n"), "wide.csv", Options{})
	if err == nil || strings.Count(err.Error(), "\n") != 0 || !strings.Contains(err.Error(), "wide.csv:1: the header has 204 columns") {
		t.Errorf("a CSV file of 204 columns: %v", err)
	}
}

// An upload kept in a temporary file is named by its name in every
// problem and error, never by the temporary path.
func TestNamedFileSource(t *testing.T) {
	dir := t.TempDir()
	for _, path := range []string{dir + "/missing.upload", dir} {
		for _, err := range NamedFileSource(path, "pledges.csv", Options{}, nil).Rows {
			if err == nil || strings.Contains(err.Error(), dir) || !strings.Contains(err.Error(), "pledges.csv") {
				t.Errorf("%s: %v", path, err)
			}
		}
	}
	if err := os.WriteFile(dir+"/x.upload", []byte("ref,kind,party,date\n\"a,b\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	for _, err := range NamedFileSource(dir+"/x.upload", "pledges.csv", Options{}, nil).Rows {
		if err != nil && strings.Contains(err.Error(), dir) {
			t.Errorf("a quoting error names the path: %v", err)
		}
	}
}
