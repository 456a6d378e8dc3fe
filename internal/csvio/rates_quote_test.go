package csvio_test

import (
	"errors"
	"io"
	"strings"
	"testing"

	"github.com/coalition/pledger/internal/csvio"
	"github.com/coalition/pledger/internal/ledger"
)

// TestRateReaderQuoteInFirstField: a quoting error in the first field of
// a line (found by FuzzReadRates) is a problem on that line, in both
// layouts; it used to panic in encoding/csv's FieldPos, which has no
// position for a field it could not read.
func TestRateReaderQuoteInFirstField(t *testing.T) {
	for _, data := range []string{
		"Date,USD,JPY,\n2021-03-15,1.1926,130.05,\n2000\"00,1.19,\n",
		"date,base,quote,rate,source\n2021-03-15,EUR,USD,1.1926,manual\n\"2021-03-16,EUR,USD,1.19,manual\n",
		"Date,USD,\n2021-03-15,1.19,\n\"2021\"-03-16,1.2,\n",
	} {
		rr, err := csvio.NewRateReader(strings.NewReader(data), "rates.csv", "")
		if err != nil {
			t.Fatalf("%q: %v", data, err)
		}
		var rates int
		var probs []ledger.Problem
		for {
			in, err := rr.Next()
			if errors.Is(err, io.EOF) {
				break
			}
			var ps *ledger.Problems
			switch {
			case errors.As(err, &ps):
				probs = append(probs, ps.List...)
			case err != nil:
				t.Fatalf("%q: %v", data, err)
			default:
				if in.Line != 2 {
					t.Errorf("%q: a rate on line %d", data, in.Line)
				}
				rates++
			}
		}
		if rates == 0 || len(probs) != 1 || probs[0].Line != 3 || !strings.Contains(probs[0].Msg, "quote") {
			t.Errorf("%q: %d rates, problems %+v; want the rates of line 2 and a quoting problem on line 3", data, rates, probs)
		}
	}
}
