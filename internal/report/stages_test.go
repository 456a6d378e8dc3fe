package report_test

import (
	"context"
	"strings"
	"testing"

	"github.com/coalition/pledger/internal/csvio"
	"github.com/coalition/pledger/internal/model"
	"github.com/coalition/pledger/internal/money"
	"github.com/coalition/pledger/internal/report"
	"github.com/coalition/pledger/internal/store"
	"github.com/coalition/pledger/internal/store/storetest"
)

// stageLedger (made-up figures, all in USD): BEL pledges 600 to demining,
// commits 400 against it and pays 300 of that, and pays 50 on the pledge
// directly; it also commits 18 to stabilisation with no pledge ("more
// than", as Belgium's commitment in the demo) and pays nothing on it. NLD
// pledges 100 split 40/60 between demining and camps, and nothing follows.
// KWT pays 70 to camps against nothing. USA pledges about 100 to camps and
// pays 150 on it: over-fulfilled.
const stageLedger = `ref,kind,party,date,amount,currency,qualifier,sector,fulfils
p1,pledge,BEL,2021-02,600.00,USD,,demining,
c1,commitment,BEL,2021-03,400.00,USD,,demining,p1
d1,disbursement,BEL,2021-04-01,300.00,USD,,demining,c1
d5,disbursement,BEL,2021-06-01,50.00,USD,,demining,p1
c2,commitment,BEL,2021-05,18.00,USD,at-least,stabilisation,
p4,pledge,NLD,2021-01,100.00,USD,,demining:40;camps:60,
d4,disbursement,KWT,2021-07-01,70.00,USD,,camps,
p3,pledge,USA,2021-09,100.00,USD,about,camps,
d3,disbursement,USA,2021-10-01,150.00,USD,,camps,p3
`

// The flows report's stages section counts each contribution once, where
// it enters its chain, and what each chain has still to do, so that the
// stages add up.
func TestFlowStages(t *testing.T) {
	storetest.Each(t, func(t *testing.T, engine store.Dialect) {
		ctx := context.Background()
		s := storetest.Open(t, engine)
		if _, err := s.Import(ctx, csvio.BytesSource("stages.csv", []byte(stageLedger), csvio.Options{}), store.ImportOptions{Author: "test"}); err != nil {
			t.Fatal(err)
		}
		m, err := report.Run(ctx, s, "flows", report.Options{Currency: money.MustCurrency("USD"), Valuation: model.DefaultValuation()})
		if err != nil {
			t.Fatal(err)
		}
		var sec *model.Section
		for i := range m.Sections {
			if m.Sections[i].Key == "stages" {
				sec = &m.Sections[i]
			}
		}
		if sec == nil {
			t.Fatal("the flows report has no stages section")
		}
		got := map[string]string{}
		for _, r := range sec.Rows {
			for _, c := range sec.Columns[2:] {
				if cell := r[c.Key]; !cell.Empty {
					got[r["party"].Text+" "+r["sector"].Text+" "+c.Key] = cell.Value.StringFixed(2) + " " + cell.Qualifier
				}
			}
		}
		want := map[string]string{
			"BEL demining pledge":                  "600.00 ",
			"BEL demining uncommitted":             "150.00 ", // 600 − 400 committed − 50 paid directly
			"BEL demining committed_on_pledge":     "400.00 ",
			"BEL demining undisbursed":             "100.00 ",
			"BEL demining disbursed_on_commitment": "300.00 ",
			"BEL demining disbursed_on_pledge":     "50.00 ",
			"BEL stabilisation committed_alone":    "18.00 at-least",
			"BEL stabilisation undisbursed":        "18.00 at-least",
			"NLD demining pledge":                  "40.00 ",
			"NLD demining uncommitted":             "40.00 ",
			"NLD camps pledge":                     "60.00 ",
			"NLD camps uncommitted":                "60.00 ",
			"KWT camps disbursed_alone":            "70.00 ",
			"USA camps pledge":                     "100.00 about",
			"USA camps uncommitted":                "0.00 about", // never below zero
			"USA camps disbursed_on_pledge":        "150.00 ",
		}
		for k, v := range want {
			if got[k] != v {
				t.Errorf("%s = %q, want %q", k, got[k], v)
			}
		}
		for k, v := range got {
			if _, ok := want[k]; !ok {
				t.Errorf("unexpected %s = %q", k, v)
			}
		}
		// The totals are the sums of the rows; the stages add up but for
		// the over-fulfilled pledge: pledged 800 = 400 + 200 + 250 − 50.
		tot := sec.Totals[0]
		for col, v := range map[string]string{"pledge": "800.00", "uncommitted": "250.00", "committed_on_pledge": "400.00",
			"committed_alone": "18.00", "undisbursed": "118.00", "disbursed_on_commitment": "300.00", "disbursed_on_pledge": "200.00",
			"disbursed_alone": "70.00"} {
			if got := tot[col].Value.StringFixed(2); got != v {
				t.Errorf("total %s = %s, want %s", col, got, v)
			}
		}
		// The flows section is as it was, and the notes still read the
		// chains.
		if m.Sections[0].Key != "flows" || len(m.Sections[0].Rows) != 6 {
			t.Errorf("the flows section: %s, %d rows", m.Sections[0].Key, len(m.Sections[0].Rows))
		}
		if !strings.Contains(strings.Join(m.Notes, "\n"), "Pledge p3 is fulfilled beyond its amount") {
			t.Errorf("the notes do not say p3 is over-fulfilled:\n%s", strings.Join(m.Notes, "\n"))
		}

		// A party filter: BEL's commitment c1 fulfils a pledge in scope;
		// with the pledge out of scope (dated before --from), the commitment
		// enters on its own.
		m, err = report.Run(ctx, s, "flows", report.Options{Currency: money.MustCurrency("USD"), Valuation: model.DefaultValuation(),
			Parties: []string{"BEL"}, From: "2021-03-01"})
		if err != nil {
			t.Fatal(err)
		}
		for _, r := range m.Sections[1].Rows {
			if r["sector"].Text == "demining" && (r["committed_alone"].Value.StringFixed(2) != "400.00" || !r["pledge"].Empty) {
				t.Errorf("with its pledge out of scope, BEL's commitment: alone %s, pledged %v", r["committed_alone"].Value, r["pledge"])
			}
		}
	})
}
