package report_test

import (
	"context"
	"encoding/json"
	"errors"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/coalition/pledger/internal/model"

	"github.com/coalition/pledger/internal/csvio"
	"github.com/coalition/pledger/internal/ledger"
	"github.com/coalition/pledger/internal/money"
	"github.com/coalition/pledger/internal/report"
	"github.com/coalition/pledger/internal/store"
	"github.com/coalition/pledger/internal/store/storetest"
	"github.com/shopspring/decimal"
)

// summaryRates are real ECB euro reference rates for the first week of
// March 2021, copied digit for digit from
// /work/shared/data/ecb/eurofxref-hist.csv (European Central Bank, euro
// foreign exchange reference rates). 2021-03-06/07 is a weekend.
const summaryRates = `date,base,quote,rate,source
2021-03-01,EUR,USD,1.2053,ECB euro foreign exchange reference rates
2021-03-01,EUR,GBP,0.86558,ECB euro foreign exchange reference rates
2021-03-01,EUR,JPY,128.63,ECB euro foreign exchange reference rates
2021-03-01,EUR,KRW,1352.8,ECB euro foreign exchange reference rates
2021-03-02,EUR,USD,1.2028,ECB euro foreign exchange reference rates
2021-03-02,EUR,GBP,0.86433,ECB euro foreign exchange reference rates
2021-03-02,EUR,JPY,128.58,ECB euro foreign exchange reference rates
2021-03-02,EUR,KRW,1354.37,ECB euro foreign exchange reference rates
2021-03-03,EUR,USD,1.2048,ECB euro foreign exchange reference rates
2021-03-03,EUR,GBP,0.86351,ECB euro foreign exchange reference rates
2021-03-03,EUR,JPY,128.81,ECB euro foreign exchange reference rates
2021-03-03,EUR,KRW,1347.23,ECB euro foreign exchange reference rates
2021-03-04,EUR,USD,1.2034,ECB euro foreign exchange reference rates
2021-03-04,EUR,GBP,0.8627,ECB euro foreign exchange reference rates
2021-03-04,EUR,JPY,129.23,ECB euro foreign exchange reference rates
2021-03-04,EUR,KRW,1353.89,ECB euro foreign exchange reference rates
2021-03-05,EUR,USD,1.1938,ECB euro foreign exchange reference rates
2021-03-05,EUR,GBP,0.863,ECB euro foreign exchange reference rates
2021-03-05,EUR,JPY,129.3,ECB euro foreign exchange reference rates
2021-03-05,EUR,KRW,1347.11,ECB euro foreign exchange reference rates
`

// summaryEntries: made-up test entries (not real contributions). The
// month-precision entries (2021-03) are valued at the mean of the five days
// above; usa-pledge-b (Saturday) and kor-dis-b (Sunday) at Friday's rates;
// bel-dep-f16 has no amount and is not counted.
const summaryEntries = `ref,kind,party,date,amount,currency,qualifier,quantity,asset
bel-pledge-a,pledge,BEL,2021-03-01,5000000.00,EUR,,,
bel-com-a,commitment,BEL,2021-03,18000000,EUR,at-least,,
bel-dep-f16,deployment,BEL,2021,,,,4,F-16
nld-dep-a,deployment,NLD,2021-03-02,1000000.00,EUR,,2,F-35
usa-pledge-a,pledge,USA,2021-03-02,250000000.00,USD,,,
usa-pledge-b,pledge,USA,2021-03-06,1234567.89,USD,,,
usa-com-a,commitment,USA,2021-03,99999999.99,USD,,,
gbr-pledge-a,pledge,GBR,2021-03-03,7654321.09,GBP,,,
jpn-pledge-a,pledge,JPN,2021-03-04,1000000000,JPY,about,,
kor-dis-a,disbursement,KOR,2021-03-05,5000000000,KRW,,,
kor-dis-b,disbursement,KOR,2021-03-07,123456789,KRW,,,
`

type sumRow struct{ party, kind, amount string }

// summaryWant: rows and totals computed with Python's decimal module (prec
// 50, ROUND_HALF_EVEN) under the policy the reports document: each entry's
// value is amount * factor rounded once, half to even; a row is the exact
// sum of its entries' values and a total the sum of its rows. factor is rate(target)/rate(cur) on the
// entry's day (EUR = 1), or the mean of that over the five days for a
// 2021-03 entry. For example, in EUR:
//
//	kor-dis-a: D(5000000000) / D('1347.11') = 3711649.38275…
//	kor-dis-b: D(123456789) / D('1347.11')  =   91645.66294…
//	KOR row = 3711649.38 + 91645.66 = 3803295.04 (rounding the row's exact
//	sum instead would give q(3803295.04569…, 2) = 3803295.05: this row
//	tells the two policies apart)
//	usa-com-a: q(D('99999999.99') * sum(1/D(u) for u in ('1.2053','1.2028',
//	  '1.2048','1.2034','1.1938')) / 5, 2) = 83194316.00
var summaryWant = []struct {
	target string
	rows   []sumRow
	totals []sumRow // party unused
}{
	{"EUR", []sumRow{
		{"BEL", "commitment", "18000000.00"},
		{"BEL", "pledge", "5000000.00"},
		{"GBR", "pledge", "8864195.08"}, // q(D('7654321.09') / D('0.86351'), 2)
		{"JPN", "pledge", "7738141.30"}, // q(D(1000000000) / D('129.23'), 2)
		{"KOR", "disbursement", "3803295.04"},
		{"NLD", "deployment", "1000000.00"},
		{"USA", "commitment", "83194316.00"},
		{"USA", "pledge", "208882503.52"}, // q(207848353.84104… + 1034149.68169…, 2)
	}, []sumRow{
		{"", "commitment", "101194316.00"},
		{"", "deployment", "1000000.00"},
		{"", "disbursement", "3803295.04"},
		{"", "pledge", "230484839.90"},
	}},
	{"USD", []sumRow{
		{"BEL", "commitment", "21636360.00"}, // 18000000 * D('6.0101') / 5
		{"BEL", "pledge", "6026500.00"},
		{"GBR", "pledge", "10679582.23"},
		{"JPN", "pledge", "9312079.24"},
		{"KOR", "disbursement", "4540373.62"}, // q(4430967.03313…, 2) + q(109406.59241…, 2)
		{"NLD", "deployment", "1202800.00"},
		{"USA", "commitment", "99999999.99"},
		{"USA", "pledge", "251234567.89"},
	}, []sumRow{
		{"", "commitment", "121636359.99"},
		{"", "deployment", "1202800.00"},
		{"", "disbursement", "4540373.62"},
		{"", "pledge", "277252729.36"},
	}},
	{"JPY", []sumRow{
		{"BEL", "commitment", "2320380000"}, // 18000000 * D('128.91'), the mean of the five JPY rates
		{"BEL", "pledge", "643150000"},
		{"GBR", "pledge", "1141796968"},
		{"JPN", "pledge", "1000000000"},
		{"KOR", "disbursement", "491766049"},
		{"NLD", "deployment", "128580000"},
		{"USA", "commitment", "10724637929"},
		{"USA", "pledge", "26858856891"}, // q(26725141336.88061… + 133715553.84235…, 0)
	}, []sumRow{
		{"", "commitment", "13045017929"},
		{"", "deployment", "128580000"},
		{"", "disbursement", "491766049"},
		{"", "pledge", "29643803859"},
	}},
}

var wantEntries = map[string]int{"BEL/commitment": 1, "BEL/pledge": 1, "GBR/pledge": 1, "JPN/pledge": 1,
	"KOR/disbursement": 2, "NLD/deployment": 1, "USA/commitment": 1, "USA/pledge": 2}

var ledgerNote = regexp.MustCompile(`^Ledger as of (\S+): revision (\d+), chain hash ([0-9a-f]+)\.$`)

// normalJSON is the summary's JSON with the recording moment and the chain
// hash (both from the wall clock at import) replaced.
func normalJSON(t *testing.T, s *report.Summary) string {
	t.Helper()
	c := *s
	c.AsOf = "AS-OF"
	b, err := json.Marshal(&c)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

func TestSummaryEndToEnd(t *testing.T) {
	ctx := context.Background()
	jsonByEngine := map[store.Dialect]map[string]string{}
	storetest.Each(t, func(t *testing.T, engine store.Dialect) {
		s := storetest.Open(t, engine)
		res, err := s.Import(ctx, csvio.BytesSource("entries.csv", []byte(summaryEntries), csvio.Options{}), store.ImportOptions{Author: "test"})
		if err != nil {
			t.Fatalf("import entries: %v", err)
		}
		if res.Added != 11 {
			t.Fatalf("import entries: %+v, want 11 added", res)
		}
		rres, err := s.ImportRates(ctx, csvio.RateBytesSource("rates.csv", []byte(summaryRates), ""), store.RateImportOptions{Author: "test"})
		if err != nil {
			t.Fatalf("import rates: %v", err)
		}
		if rres.Added != 20 {
			t.Fatalf("import rates: %+v, want 20 added", rres)
		}
		jsonByEngine[engine] = map[string]string{}
		for _, w := range summaryWant {
			t.Run(w.target, func(t *testing.T) {
				val, err := model.ParseValuation("spot", 4)
				if err != nil {
					t.Fatal(err)
				}
				cur := money.MustCurrency(w.target)
				sum, err := report.MakeSummary(ctx, s, report.Options{Currency: cur, Valuation: val})
				if err != nil {
					t.Fatal(err)
				}
				if sum.Currency != w.target || sum.Valuation != "spot" || sum.Report != "summary" {
					t.Errorf("summary header: %q %q %q", sum.Report, sum.Currency, sum.Valuation)
				}
				var got []sumRow
				for _, r := range sum.Rows {
					got = append(got, sumRow{r.Party, r.Kind, r.Amount})
					if n, ok := wantEntries[r.Party+"/"+r.Kind]; !ok || n != r.Entries {
						t.Errorf("row %s %s: %d entries, want %d", r.Party, r.Kind, r.Entries, n)
					}
					if !r.Value.Equal(vdec(t, r.Amount)) {
						t.Errorf("row %s %s: Value %s, Amount %s", r.Party, r.Kind, r.Value, r.Amount)
					}
				}
				if !equalRows(got, w.rows) {
					t.Errorf("rows:\n got %v\nwant %v", got, w.rows)
				}
				got = nil
				entries := 0
				for _, tt := range sum.Totals {
					got = append(got, sumRow{"", tt.Kind, tt.Amount})
					entries += tt.Entries
				}
				if !equalRows(got, w.totals) {
					t.Errorf("totals:\n got %v\nwant %v", got, w.totals)
				}
				// Every amount has exactly the currency's decimals; the
				// deployment without an amount is not counted.
				if entries != 10 {
					t.Errorf("totals count %d entries, want 10 (the deployment without amount is not counted)", entries)
				}
				// Totals are the sums of rows.
				byKind := map[string]decimal.Decimal{}
				for _, r := range sum.Rows {
					byKind[r.Kind] = byKind[r.Kind].Add(vdec(t, r.Amount))
					if r.Party == "BEL" && r.Kind == "deployment" {
						t.Errorf("BEL deployment row from an entry without amount: %+v", r)
					}
				}
				for _, tt := range sum.Totals {
					if money.Fixed(byKind[tt.Kind], cur) != tt.Amount {
						t.Errorf("total %s = %s, sum of rows = %s", tt.Kind, tt.Amount, money.Fixed(byKind[tt.Kind], cur))
					}
				}
				notes := strings.Join(sum.Notes, "\n")
				for _, want := range []string{
					"BEL commitment: 1 entry stated as “more than” (bel-com-a): the figure is a lower bound.",
					"The total of commitments is a lower bound",
					"JPN pledge: 1 entry stated as “about” (jpn-pledge-a): the figure is approximate.",
					"Deployments without an amount are not counted",
					"rounded once, half to even",
				} {
					if !strings.Contains(notes, want) {
						t.Errorf("notes lack %q:\n%s", want, notes)
					}
				}
				// The rates used and the ledger state are in the provenance.
				p := sum.Model.Provenance
				if len(p.RateSources) != 1 || p.RateSources[0].Source != csvio.ECBSource || p.RateSources[0].Entries == 0 ||
					p.RateSources[0].Entries > p.Entries || p.RateFirst.Format("2006-01-02") != "2021-03-01" ||
					p.RateLast.Format("2006-01-02") != "2021-03-05" {
					t.Errorf("rates used: %v %s..%s", p.RateSources, p.RateFirst, p.RateLast)
				}
				jsonByEngine[engine][w.target] = normalJSON(t, sum)
			})
		}

	})
	sq, pg := jsonByEngine[store.SQLite], jsonByEngine[store.Postgres]
	if pg == nil {
		t.Log("PostgreSQL not run: JSON not compared across engines")
		return
	}
	for _, w := range summaryWant {
		if sq[w.target] == "" || sq[w.target] != pg[w.target] {
			t.Errorf("summary JSON in %s differs between engines:\nsqlite:   %s\npostgres: %s", w.target, sq[w.target], pg[w.target])
		}
	}
}

// TestSummaryMissingRate: an entry whose rate is missing makes the summary
// fail with ErrNoRate, naming the entry, its currency and date and the
// command that adds rates; never a zero amount.
func TestSummaryMissingRate(t *testing.T) {
	ctx := context.Background()
	storetest.Each(t, func(t *testing.T, engine store.Dialect) {
		s := storetest.Open(t, engine)
		if _, err := s.Import(ctx, csvio.BytesSource("entries.csv", []byte(summaryEntries), csvio.Options{}), store.ImportOptions{Author: "test"}); err != nil {
			t.Fatal(err)
		}
		if _, err := s.ImportRates(ctx, csvio.RateBytesSource("rates.csv", []byte(summaryRates), ""), store.RateImportOptions{Author: "test"}); err != nil {
			t.Fatal(err)
		}
		// 2021-04-15: no rate on that day or in the 4 days before.
		late := "ref,kind,party,date,amount,currency,qualifier\n" +
			"usa-pledge-late,pledge,USA,2021-04-15,1000.00,USD,\n" +
			"gbr-pledge-late,pledge,GBR,2021-04-16,1000.00,GBP,about\n"
		if _, err := s.Import(ctx, csvio.BytesSource("late.csv", []byte(late), csvio.Options{}), store.ImportOptions{Author: "test"}); err != nil {
			t.Fatal(err)
		}
		val, _ := model.ParseValuation("spot", 4)
		for _, c := range []struct{ target, party, ref, cur, date string }{
			{"JPY", "USA", "usa-pledge-late", "USD", "2021-04-15"}, // an exact entry
			{"USD", "GBR", "gbr-pledge-late", "GBP", "2021-04-16"}, // a qualified one
		} {
			sum, err := report.MakeSummary(ctx, s, report.Options{Currency: money.MustCurrency(c.target), Valuation: val, Parties: []string{c.party}})
			if !errors.Is(err, money.ErrNoRate) || sum != nil {
				t.Fatalf("summary in %s with a missing rate = %+v, %v; want ErrNoRate", c.target, sum, err)
			}
			for _, want := range []string{c.ref, c.cur, c.date} {
				if !strings.Contains(err.Error(), want) {
					t.Errorf("summary in %s: error %q does not mention %q", c.target, err, want)
				}
			}
			// The facts for a hint are data: the door (cmd, web) phrases it.
			var mr *money.MissingRateError
			if !errors.As(err, &mr) || mr.Day.Format("2006-01-02") != c.date {
				t.Errorf("summary in %s: error %q carries no missing rate for %s", c.target, err, c.date)
			}
		}
		// In the late entries' own currency no rate is needed for them.
		sum, err := report.MakeSummary(ctx, s, report.Options{Currency: money.MustCurrency("USD"), Valuation: val, Parties: []string{"USA"}})
		if err != nil {
			t.Fatalf("USA summary in USD: %v", err)
		}
		for _, r := range sum.Rows {
			if r.Party == "USA" && r.Kind == "pledge" && (r.Amount != "251235567.89" || r.Entries != 3) {
				t.Errorf("USA pledge in USD with the late entry = %s (%d entries), want 251235567.89 (3)", r.Amount, r.Entries)
			}
		}
	})
}

// TestSummaryAmendVoidAsOf: the summary counts an amended entry at its new
// amount, leaves a withdrawn entry out, and --as-of before the changes
// gives the earlier figures.
func TestSummaryAmendVoidAsOf(t *testing.T) {
	ctx := context.Background()
	storetest.Each(t, func(t *testing.T, engine store.Dialect) {
		s := storetest.Open(t, engine)
		if _, err := s.Import(ctx, csvio.BytesSource("entries.csv", []byte(summaryEntries), csvio.Options{}), store.ImportOptions{Author: "test"}); err != nil {
			t.Fatal(err)
		}
		if _, err := s.ImportRates(ctx, csvio.RateBytesSource("rates.csv", []byte(summaryRates), ""), store.RateImportOptions{Author: "test"}); err != nil {
			t.Fatal(err)
		}
		time.Sleep(2 * time.Millisecond)
		before := time.Now()
		time.Sleep(2 * time.Millisecond)
		if _, err := s.Amend(ctx, "usa-pledge-a", 0, ledger.Fields{"amount": "300000000.00"}, "corrected figure", "test"); err != nil {
			t.Fatal(err)
		}
		if _, err := s.Void(ctx, "kor-dis-b", 0, "entered twice", "test"); err != nil {
			t.Fatal(err)
		}
		val, _ := model.ParseValuation("spot", 4)
		eur := money.MustCurrency("EUR")
		sum, err := report.MakeSummary(ctx, s, report.Options{Currency: eur, Valuation: val})
		if err != nil {
			t.Fatal(err)
		}
		want := map[string]string{
			"BEL/commitment": "18000000.00", "BEL/pledge": "5000000.00", "GBR/pledge": "8864195.08",
			"JPN/pledge": "7738141.30", "NLD/deployment": "1000000.00", "USA/commitment": "83194316.00",
			// q(D('300000000.00') / D('1.2028') + D('1234567.89') / D('1.1938'), 2)
			"USA/pledge": "250452174.29",
			// q(D(5000000000) / D('1347.11'), 2): kor-dis-b is withdrawn
			"KOR/disbursement": "3711649.38",
		}
		got := map[string]string{}
		for _, r := range sum.Rows {
			got[r.Party+"/"+r.Kind] = r.Amount
			if r.Party == "KOR" && r.Entries != 1 {
				t.Errorf("KOR disbursement counts %d entries, want 1", r.Entries)
			}
		}
		if len(got) != len(want) {
			t.Errorf("rows %v, want %v", got, want)
		}
		for k, v := range want {
			if got[k] != v {
				t.Errorf("row %s = %q, want %s", k, got[k], v)
			}
		}
		totals := map[string]string{}
		for _, tt := range sum.Totals {
			totals[tt.Kind] = tt.Amount
		}
		// 5000000.00 + 8864195.08 + 7738141.30 + 250452174.29
		if totals["pledge"] != "272054510.67" || totals["disbursement"] != "3711649.38" {
			t.Errorf("totals %v, want pledge 272054510.67 and disbursement 3711649.38", totals)
		}
		// As of before the amendment and the withdrawal: the first figures.
		old, err := report.MakeSummary(ctx, s, report.Options{Currency: eur, Valuation: val, AsOf: before})
		if err != nil {
			t.Fatal(err)
		}
		var rows []sumRow
		for _, r := range old.Rows {
			rows = append(rows, sumRow{r.Party, r.Kind, r.Amount})
		}
		if !equalRows(rows, summaryWant[0].rows) {
			t.Errorf("as of before the changes:\n got %v\nwant %v", rows, summaryWant[0].rows)
		}
	})
}

func equalRows(a, b []sumRow) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}
