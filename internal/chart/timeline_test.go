package chart_test

import (
	"slices"
	"testing"

	"github.com/coalition/pledger/internal/chart"
	"github.com/coalition/pledger/internal/model"
)

// A quarterly timeline with rows of entries spanning several periods, in
// the report's order: each is a category of its own, its tooltip says so,
// and the running totals still end at the whole total.
func TestTimelineSpanningRows(t *testing.T) {
	en := lang(t, "en")
	none := model.Cell{Empty: true}
	row := func(period string, need, pledge model.Cell) model.Row {
		return model.Row{"period": text(period), "need": need, "pledge": pledge, "commitment": none,
			"disbursement": none, "deployment": none}
	}
	m := handModel("timeline",
		[]model.Column{col("period", "text"), col("need", "amount"), col("pledge", "amount"), col("commitment", "amount"),
			col("disbursement", "amount"), col("deployment", "amount"), col("entries", "count")},
		[]model.Row{
			row("2021-Q1", none, amt("6026500.00")),
			row("2021-Q3", none, amt("3013250.00")),
			row("2021", amt("670000000.00"), amt("1.00")),
			row("2016–2021", none, amt("21695400.00")),
		})
	ss := specs(t, writePage(t, chart.Item{Name: "timeline", Model: m}, en, chart.Options{Cumulative: true, Lines: true}))
	if len(ss) != 1 {
		t.Fatalf("%d charts", len(ss))
	}
	s := ss[0]
	if got := axisData(t, s.Option, "xAxis"); !slices.Equal(got, []string{"2021-Q1", "2021-Q3", "2021", "2016–2021"}) {
		t.Errorf("categories %q", got)
	}
	span := "Entries over this whole span, after the periods it ends with"
	for i, wantSpan := range []bool{false, false, true, true} {
		h := s.Format.Heads[i]
		if got := len(h) == 2 && h[1] == span; got != wantSpan {
			t.Errorf("category %d: heads %q, spanning %v", i, h, wantSpan)
		}
	}
	pledged := seriesOf(t, s.Option)[1]["data"].([]any)
	if v := value(pledged[len(pledged)-1]); v != 6026500.0+3013250.0+1.0+21695400.0 {
		t.Errorf("running pledged ends at %v, not the total", v)
	}
	if tip := tipOf(pledged[len(pledged)-1]); tip != "30,735,151.00 EUR" {
		t.Errorf("running total tooltip %q", tip)
	}
}
