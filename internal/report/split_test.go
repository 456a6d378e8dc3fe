package report_test

import (
	"context"
	"testing"

	"github.com/coalition/pledger/internal/csvio"
	"github.com/coalition/pledger/internal/model"
	"github.com/coalition/pledger/internal/money"
	"github.com/coalition/pledger/internal/report"
	"github.com/coalition/pledger/internal/store"
	"github.com/coalition/pledger/internal/store/storetest"
)

// Made-up test entries (not real contributions): one with sector and
// location shares, one shared between two sectors, one single-sector.
const splitEntries = `ref,kind,party,date,amount,currency,sector,location
shares,pledge,BEL,2021,100.01,EUR,demining:40;camps:35;reconstruction:25,SYR:50;IRQ:50
shared,pledge,BEL,2021,7.00,EUR,demining;camps,IRQ
single,pledge,NLD,2021,3.00,EUR,demining,IRQ
`

// TestShareSplit: an entry's value is split by its shares with the
// largest-remainder method, in exact cents, sector first then place; a
// shared entry counts only under "multiple".
func TestShareSplit(t *testing.T) {
	storetest.Each(t, func(t *testing.T, engine store.Dialect) {
		ctx := context.Background()
		s := storetest.Open(t, engine)
		if _, err := s.Import(ctx, csvio.BytesSource("entries.csv", []byte(splitEntries), csvio.Options{}), store.ImportOptions{Author: "test"}); err != nil {
			t.Fatal(err)
		}
		pledged := func(sectors, locations []string) string {
			t.Helper()
			val, _ := model.ParseValuation("spot", 7)
			m, err := report.MakeSummary(ctx, s, report.Options{Currency: money.MustCurrency("EUR"), Valuation: val, Sectors: sectors, Locations: locations})
			if err != nil {
				t.Fatal(err)
			}
			for _, tot := range m.Totals {
				return tot.Amount
			}
			return "none"
		}
		// 10001 cents: 4000.4, 3500.35 and 2500.25; the leftover cent
		// goes to the largest remainder, demining's.
		for _, c := range []struct {
			sectors, locations []string
			want               string
		}{
			{nil, nil, "110.01"},
			{[]string{"demining"}, nil, "43.01"},
			{[]string{"camps"}, nil, "35.00"},
			{[]string{"reconstruction"}, nil, "25.00"},
			{[]string{"multiple"}, nil, "7.00"},
			{[]string{"demining", "camps"}, nil, "78.01"},
			// demining's 40.01 split by place: 20.005 each, the cent to IRQ
			// (ties go to the first in canonical order).
			{[]string{"demining"}, []string{"IRQ"}, "23.01"},
			{[]string{"demining"}, []string{"SYR"}, "20.00"},
			{nil, []string{"IRQ"}, "60.01"},
			{nil, []string{"SYR"}, "50.00"},
		} {
			if got := pledged(c.sectors, c.locations); got != c.want {
				t.Errorf("sectors %v locations %v: pledged %s, want %s", c.sectors, c.locations, got, c.want)
			}
		}
		// Flows by sector and place: every part in its own row, the rows
		// adding up to the total, each entry counted once in it.
		val, _ := model.ParseValuation("spot", 7)
		m, err := report.Run(ctx, s, "flows", report.Options{Currency: money.MustCurrency("EUR"), Valuation: val})
		if err != nil {
			t.Fatal(err)
		}
		rows := map[string]string{}
		for _, r := range m.Sections[0].Rows {
			rows[r["party"].Text+" "+r["sector"].Text+" "+r["location"].Text] = r["pledge"].Value.StringFixed(2)
		}
		want := map[string]string{"BEL camps IRQ": "17.50", "BEL camps SYR": "17.50", "BEL demining IRQ": "20.01", "BEL demining SYR": "20.00",
			"BEL reconstruction IRQ": "12.50", "BEL reconstruction SYR": "12.50", "BEL multiple IRQ": "7.00", "NLD demining IRQ": "3.00"}
		for k, v := range want {
			if rows[k] != v {
				t.Errorf("flows %s: %s, want %s (rows %v)", k, rows[k], v, rows)
			}
		}
		if len(rows) != len(want) {
			t.Errorf("flows rows %v, want %v", rows, want)
		}
		tot := m.Sections[0].Totals[0]
		if tot["pledge"].Value.StringFixed(2) != "110.01" || tot["entries"].Int != 3 {
			t.Errorf("flows total %s over %d entries, want 110.01 over 3", tot["pledge"].Value, tot["entries"].Int)
		}
	})
}
