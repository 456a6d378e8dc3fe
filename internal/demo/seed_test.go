package demo

import (
	"bytes"
	"io"
	"testing"

	"github.com/coalition/pledger/internal/csvio"
	"github.com/coalition/pledger/internal/ledger"
)

// TestOnlyTheSeedIsReal: the three statements of the announcement are not
// illustrative; every other entry of the demo ledger is.
func TestOnlyTheSeedIsReal(t *testing.T) {
	seed := map[string]bool{"coal-need-2021-stab": true, "bel-dep-f16": true, "bel-com-2016-stab": true}
	rd, err := csvio.NewReader(bytes.NewReader(Entries), "entries.csv", csvio.Options{})
	if err != nil {
		t.Fatal(err)
	}
	n, real := 0, 0
	for {
		line, f, err := rd.Next()
		if err == io.EOF {
			break
		}
		if err != nil {
			t.Fatal(err)
		}
		e, ps := ledger.ParseEntry(f, line, ledger.Known{}, ledger.RefRequired)
		if len(ps) > 0 {
			t.Fatalf("line %d: %v", line, ps)
		}
		n++
		if e.Illustrative == seed[e.Ref] {
			t.Errorf("%s: illustrative %v", e.Ref, e.Illustrative)
		}
		if !e.Illustrative {
			real++
		}
	}
	if n != 63 || real != 3 {
		t.Errorf("%d entries, %d not illustrative; want 63 and 3", n, real)
	}
}
