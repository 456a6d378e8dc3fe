package chart_test

import (
	"math"
	"testing"

	"github.com/coalition/pledger/internal/chart"
)

// The sankey of the demo's stages conserves money, to the cent, in every
// language and currency: what enters a sector node leaves it, and what
// enters the pledged and committed nodes goes on to committed, disbursed or
// what is not yet committed or disbursed (the report values a chain like
// its head, so that its stages add up: internal/report/stages.go).
func TestFlowsDemoConserves(t *testing.T) {
	for _, c := range []struct{ lang, cur string }{{"en", "USD"}, {"nl", "EUR"}, {"fr", "EUR"}} {
		it := itemNamed(demoItems(t, c.lang, c.cur), "flows")
		ss := specs(t, writePage(t, it, lang(t, c.lang), chart.Options{}))
		if len(ss) != 1 {
			t.Fatalf("%s: %d charts", c.lang, len(ss))
		}
		sk := seriesOf(t, ss[0].Option)[0]
		var ids []string
		for _, n := range sk["data"].([]any) {
			ids = append(ids, n.(map[string]any)["id"].(string))
		}
		// Each link's value is the float nearest its exact decimal figure:
		// back in cents, the sums are exact.
		in, out := map[string]int64{}, map[string]int64{}
		for _, l := range sk["links"].([]any) {
			link := l.(map[string]any)
			v := int64(math.Round(link["value"].(float64) * 100))
			out[ids[int(link["source"].(float64))]] += v
			in[ids[int(link["target"].(float64))]] += v
		}
		checked := 0
		for _, id := range ids {
			if id == "stage:pledge" || id == "stage:commitment" || len(id) > 7 && id[:7] == "sector:" {
				checked++
				if in[id] == 0 || in[id] != out[id] {
					t.Errorf("%s/%s: node %s: %d cents in, %d out", c.lang, c.cur, id, in[id], out[id])
				}
			}
		}
		if checked < 4 {
			t.Errorf("%s/%s: only %d nodes checked: %v", c.lang, c.cur, checked, ids)
		}
	}
}
