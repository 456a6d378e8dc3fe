package chart_test

import (
	"bytes"
	"testing"

	"github.com/coalition/pledger/internal/chart"
)

// TestIllustrativeMark: a chart of a report that counts illustrative
// entries shows the mark under its title, and so does a dashboard holding
// it (under the page title and the chart's); charts without any do not.
func TestIllustrativeMark(t *testing.T) {
	l := lang(t, "en")
	mark := []byte(`<p class="mark">(includes illustrative figures)</p>`)
	items := handItems(false)
	for _, it := range items {
		if bytes.Contains(writePage(t, it, l, chart.Options{}), mark) {
			t.Errorf("%s: marked without illustrative entries", it.Name)
		}
	}
	if bytes.Contains(dashboard(t, "Dashboard", items, l, chart.Options{}), mark) {
		t.Error("dashboard marked without illustrative entries")
	}
	items[0].Model.Illustrative, items[0].Model.Mark = 3, l.T("mark.illustrative")
	if page := writePage(t, items[0], l, chart.Options{}); !bytes.Contains(page, mark) {
		t.Errorf("%s: no mark under the title", items[0].Name)
	}
	if n := bytes.Count(dashboard(t, "Dashboard", items, l, chart.Options{}), mark); n != 2 {
		t.Errorf("dashboard: the mark %d times, want 2 (the page, the chart)", n)
	}
}
