package report_test

import (
	"context"
	"strings"
	"testing"

	"github.com/coalition/pledger/internal/csvio"
	"github.com/coalition/pledger/internal/demo"
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

// stageCents is a row of the stages section, by column, in cents (every
// figure of these tests is in USD).
func stageCents(t *testing.T, r model.Row) map[string]int64 {
	t.Helper()
	out := map[string]int64{}
	for k, c := range r {
		if k == "party" || k == "sector" || c.Empty {
			continue
		}
		if !c.Value.Shift(2).IsInteger() {
			t.Fatalf("%s = %s: not in cents", k, c.Value)
		}
		out[k] = c.Value.Shift(2).IntPart()
	}
	return out
}

// checkPartition checks that the stages add up, exactly, in every row and
// the totals: pledged = committed on a pledge + disbursed on a pledge + not
// yet committed, and committed (on a pledge or not) = disbursed on a
// commitment + not yet disbursed. over are the rows ("party sector") of
// over-fulfilled chains, where they need not: the totals are checked less
// those rows.
func checkPartition(t *testing.T, sec *model.Section, over ...string) {
	t.Helper()
	if len(sec.Totals) != 1 {
		t.Fatalf("%d total rows", len(sec.Totals))
	}
	skip := map[string]bool{}
	for _, o := range over {
		skip[o] = true
	}
	check := func(name string, v map[string]int64) {
		if p, c := v["pledge"], v["committed_on_pledge"]+v["disbursed_on_pledge"]+v["uncommitted"]; p != c {
			t.Errorf("%s: pledged %d ≠ committed on a pledge + disbursed on a pledge + not yet committed %d (%v)", name, p, c, v)
		}
		if c, d := v["committed_on_pledge"]+v["committed_alone"], v["disbursed_on_commitment"]+v["undisbursed"]; c != d {
			t.Errorf("%s: committed %d ≠ disbursed on a commitment + not yet disbursed %d (%v)", name, c, d, v)
		}
	}
	total := stageCents(t, sec.Totals[0])
	seen := 0
	for _, r := range sec.Rows {
		name := r["party"].Text + " " + r["sector"].Text
		v := stageCents(t, r)
		if skip[name] {
			seen++
			for k, x := range v {
				total[k] -= x
			}
			continue
		}
		check(name, v)
	}
	if seen != len(over) {
		t.Errorf("over-fulfilled rows %v: %d found", over, seen)
	}
	check("total", total)
}

func stagesOf(t *testing.T, m *model.Model) *model.Section {
	t.Helper()
	for i := range m.Sections {
		if m.Sections[i].Key == "stages" {
			return &m.Sections[i]
		}
	}
	t.Fatal("the flows report has no stages section")
	return nil
}

// The stages of the demo ledger add up, exactly, row by row: every
// contribution of a chain is valued like its head, and the remainders are
// differences.
func TestFlowStagesPartitionDemo(t *testing.T) {
	storetest.Each(t, func(t *testing.T, engine store.Dialect) {
		ctx := context.Background()
		s := storetest.Open(t, engine)
		if _, err := s.ImportRates(ctx, csvio.RateBytesSource("rates.csv", demo.Rates, ""), store.RateImportOptions{Author: "test"}); err != nil {
			t.Fatal(err)
		}
		if _, err := s.Import(ctx, csvio.BytesSource("entries.csv", demo.Entries, csvio.Options{}), store.ImportOptions{Author: "test"}); err != nil {
			t.Fatal(err)
		}
		for _, opt := range []report.Options{
			{},
			{Sectors: []string{"stabilisation"}},
			{Parties: []string{"EU", "SWE", "CAN"}, From: "2022-01-01"},
		} {
			opt.Currency, opt.Valuation = money.MustCurrency("USD"), model.DefaultValuation()
			m, err := report.Run(ctx, s, "flows", opt)
			if err != nil {
				t.Fatal(err)
			}
			sec := stagesOf(t, m)
			if len(sec.Rows) == 0 {
				t.Fatalf("%+v: no stages", opt)
			}
			checkPartition(t, sec)
			if len(opt.Sectors) == 0 && len(opt.Parties) == 0 {
				// Belgium's pledge of 5,000,000 EUR, half paid in euros at
				// another rate: half of it paid, half not yet committed.
				for _, r := range sec.Rows {
					if r["party"].Text == "BEL" && r["sector"].Text == "stabilisation" {
						if r["disbursed_on_pledge"].Value.StringFixed(2) != "2974771.74" || r["uncommitted"].Value.StringFixed(2) != "2974771.74" {
							t.Errorf("Belgium: paid %s, not yet committed %s", r["disbursed_on_pledge"].Value, r["uncommitted"].Value)
						}
					}
				}
			}
		}
	})
}

// A hand-made ledger with the euro moving between each pledge, its
// commitments and its disbursements, shared between sectors, a chain that
// mixes currencies, and an over-fulfilled pledge (made-up figures and
// rates).
const stageRatesLedger = `ref,kind,party,date,amount,currency,qualifier,sector,fulfils
p1,pledge,BEL,2021-01-04,1000.00,EUR,,demining:30;camps:70,
c1,commitment,BEL,2021-03-01,700.00,EUR,,demining:30;camps:70,p1
d1,disbursement,BEL,2021-06-01,333.33,EUR,,demining:30;camps:70,c1
d2,disbursement,BEL,2021-09-01,200.01,EUR,,demining:30;camps:70,p1
c3,commitment,NLD,2021-03-01,500.00,EUR,,camps,
d3,disbursement,NLD,2021-09-01,123.45,EUR,,camps,c3
p4,pledge,GBR,2021-01-04,400.00,EUR,,stabilisation,
c4,commitment,GBR,2021-03-01,200.00,GBP,,stabilisation,p4
d4,disbursement,GBR,2021-06-01,150.00,GBP,,stabilisation,c4
d5,disbursement,GBR,2021-09-01,100.00,USD,,stabilisation,p4
d7,disbursement,GBR,2021-09-01,50.00,EUR,,stabilisation,c4
p5,pledge,USA,2021-01-04,100.00,EUR,,camps,
d6,disbursement,USA,2021-06-01,150.00,EUR,,camps,p5
`

const stageRates = `date,base,quote,rate,source
2021-01-04,EUR,USD,1.2000,test
2021-03-01,EUR,USD,1.1537,test
2021-06-01,EUR,USD,1.0999,test
2021-09-01,EUR,USD,1.3333,test
2021-03-01,GBP,USD,1.3700,test
2021-06-01,GBP,USD,1.4100,test
`

func TestFlowStagesPartitionRates(t *testing.T) {
	storetest.Each(t, func(t *testing.T, engine store.Dialect) {
		ctx := context.Background()
		s := storetest.Open(t, engine)
		if _, err := s.ImportRates(ctx, csvio.RateBytesSource("rates.csv", []byte(stageRates), ""), store.RateImportOptions{Author: "test"}); err != nil {
			t.Fatal(err)
		}
		if _, err := s.Import(ctx, csvio.BytesSource("stages.csv", []byte(stageRatesLedger), csvio.Options{}), store.ImportOptions{Author: "test"}); err != nil {
			t.Fatal(err)
		}
		run := func(opt report.Options) *model.Section {
			opt.Currency, opt.Valuation = money.MustCurrency("USD"), model.DefaultValuation()
			m, err := report.Run(ctx, s, "flows", opt)
			if err != nil {
				t.Fatal(err)
			}
			return stagesOf(t, m)
		}
		sec := run(report.Options{})
		checkPartition(t, sec, "USA camps")
		got := map[string]string{}
		for _, r := range sec.Rows {
			for _, c := range stageColumnsOf(sec) {
				if cell := r[c]; !cell.Empty {
					got[r["party"].Text+" "+r["sector"].Text+" "+c] = cell.Value.StringFixed(2)
				}
			}
		}
		// Worked by hand, in cents. BEL's chain is valued at the pledge's
		// rate, 1.2: pledged 1,200.00 (360.00 + 840.00); committed 700 EUR
		// = 840.00, paid on it 333.33 EUR = 399.996 → 400.00, paid on the
		// pledge 200.01 EUR = 240.012 → 240.01; not yet committed 1,200.00
		// − 840.00 − 240.01 = 119.99, not yet disbursed 840.00 − 400.00 =
		// 440.00. NLD's commitment heads its chain: 500 EUR at 1.1537 =
		// 576.85, paid 123.45 EUR at that rate = 142.424265 → 142.42, not
		// yet disbursed 434.43. GBR's pledge 400 EUR at 1.2 = 480.00; its
		// commitment in pounds is valued at its own rate: 200 × 1.37 =
		// 274.00, and what pays it in pounds too: 150 × 1.41 = 211.50; in
		// euros, like the pledge: 50 × 1.2 = 60.00; the 100 USD paid on the
		// pledge: 100.00; not yet committed 480.00 − 274.00 − 100.00 =
		// 106.00; not yet disbursed 274.00 − 211.50 − 60.00 = 2.50.
		for k, v := range map[string]string{
			"BEL demining pledge":                       "360.00",
			"BEL camps pledge":                          "840.00",
			"BEL demining committed_on_pledge":          "252.00",
			"BEL camps committed_on_pledge":             "588.00",
			"BEL demining disbursed_on_commitment":      "120.00",
			"BEL camps disbursed_on_commitment":         "280.00",
			"BEL demining disbursed_on_pledge":          "72.00",
			"BEL camps disbursed_on_pledge":             "168.01",
			"BEL demining uncommitted":                  "36.00",
			"BEL camps uncommitted":                     "83.99",
			"BEL demining undisbursed":                  "132.00",
			"BEL camps undisbursed":                     "308.00",
			"NLD camps committed_alone":                 "576.85",
			"NLD camps disbursed_on_commitment":         "142.42",
			"NLD camps undisbursed":                     "434.43",
			"GBR stabilisation pledge":                  "480.00",
			"GBR stabilisation committed_on_pledge":     "274.00",
			"GBR stabilisation disbursed_on_pledge":     "100.00",
			"GBR stabilisation uncommitted":             "106.00",
			"GBR stabilisation disbursed_on_commitment": "271.50",
			"GBR stabilisation undisbursed":             "2.50",
			"USA camps pledge":                          "120.00",
			"USA camps uncommitted":                     "0.00",
			"USA camps disbursed_on_pledge":             "180.00",
		} {
			if got[k] != v {
				t.Errorf("%s = %s, want %s", k, got[k], v)
			}
		}
		// Filters: the portions of one sector, and a party's chains whose
		// pledges are out of scope.
		checkPartition(t, run(report.Options{Sectors: []string{"camps"}}), "USA camps")
		checkPartition(t, run(report.Options{Sectors: []string{"demining"}}))
		checkPartition(t, run(report.Options{Parties: []string{"BEL", "GBR"}, From: "2021-02-01"}))
	})
}

func stageColumnsOf(sec *model.Section) []string {
	var out []string
	for _, c := range sec.Columns[2:] {
		out = append(out, c.Key)
	}
	return out
}
