package demo_test

import (
	"context"
	"strings"
	"testing"

	"github.com/coalition/pledger/internal/report"
	"github.com/coalition/pledger/internal/store"
	"github.com/coalition/pledger/internal/store/storetest"
)

// TestSeedStatementIsShared: "more than 18 million euro since 2016 for
// reconstruction, demining and the camps" names three sectors and two
// places without shares, so it counts once, under "multiple", never in
// full under each: a demining report does not add it, and says so with its
// sum; the sectors plus "multiple" add up to Belgium's whole.
func TestSeedStatementIsShared(t *testing.T) {
	storetest.Each(t, func(t *testing.T, engine store.Dialect) {
		ctx := context.Background()
		s := openDemo(t, engine)
		sum := func(req report.Request) (*report.Summary, string) {
			t.Helper()
			req.Currency, req.Parties = "EUR", []string{"BEL"}
			opt, err := req.Options(ctx, s)
			if err != nil {
				t.Fatal(err)
			}
			m, err := report.MakeSummary(ctx, s, opt)
			if err != nil {
				t.Fatal(err)
			}
			committed := "0.00"
			for _, tot := range m.Totals {
				if tot.Kind == "commitment" {
					committed = tot.Amount
				}
			}
			return m, committed
		}
		for sec, name := range map[string]string{"demining": "Demining", "reconstruction": "Reconstruction", "camps": "Camps and displaced people"} {
			m, committed := sum(report.Request{Sectors: []string{sec}})
			if committed != "0.00" {
				t.Errorf("--sector %s: committed %s, want nothing: the statement is shared", sec, committed)
			}
			noted := false
			for _, n := range m.Notes {
				noted = noted || (strings.Contains(n, "bel-com-2016-stab") && strings.Contains(n, "18,000,000.00 EUR") && strings.Contains(n, "between "+name+" and"))
			}
			if !noted {
				t.Errorf("--sector %s: no note names the shared statement with its sum: %q", sec, m.Notes)
			}
		}
		if _, committed := sum(report.Request{Sectors: []string{"multiple"}}); committed != "18000000.00" {
			t.Errorf("--sector multiple: committed %s, want 18000000.00", committed)
		}
		for _, loc := range []string{"IRQ", "SYR"} {
			if _, committed := sum(report.Request{Locations: []string{loc}}); committed != "0.00" {
				t.Errorf("--location %s: committed %s, want nothing: the statement is shared", loc, committed)
			}
		}
		if _, committed := sum(report.Request{Locations: []string{"multiple"}}); committed != "18000000.00" {
			t.Errorf("--location multiple: committed %s, want 18000000.00", committed)
		}
	})
}
