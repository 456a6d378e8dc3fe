package report_test

import (
	"context"
	"slices"
	"strings"
	"testing"

	"github.com/coalition/pledger/internal/csvio"
	"github.com/coalition/pledger/internal/model"
	"github.com/coalition/pledger/internal/money"
	"github.com/coalition/pledger/internal/report"
	"github.com/coalition/pledger/internal/store"
	"github.com/coalition/pledger/internal/store/storetest"
)

// periodEntries: made-up test entries (not real contributions), shaped
// like the seed statements: a need for the year 2021, a commitment "since
// 2016" (2016 to 2021), a deployment until October 2021, and a pledge and
// a disbursement inside quarters.
const periodEntries = `ref,kind,party,date,end,amount,currency,qualifier,quantity,asset
coal-need-2021,need,COALITION,2021,,670000000,USD,,,
bel-pledge-q1,pledge,BEL,2021-03,,5000000.00,EUR,,,
bel-dis-q3,disbursement,BEL,2021-09-15,,2500000.00,EUR,,,
bel-com-since-2016,commitment,BEL,2016,2021,18000000.00,EUR,at-least,,
bel-dep-f16,deployment,BEL,2021,2021-10,,,,4,F-16
`

// One rate, and every entry valued at it (fixed:2021-03-01), so the
// figures below are plain products: 5,000,000 × 1.2053 = 6,026,500.
const periodRates = `date,base,quote,rate,source
2021-03-01,EUR,USD,1.2053,ECB euro foreign exchange reference rates
`

func periodLedger(t *testing.T, engine store.Dialect) *store.Store {
	t.Helper()
	ctx := context.Background()
	s := storetest.Open(t, engine)
	if _, err := s.Import(ctx, csvio.BytesSource("entries.csv", []byte(periodEntries), csvio.Options{}), store.ImportOptions{Author: "test"}); err != nil {
		t.Fatalf("import entries: %v", err)
	}
	if _, err := s.ImportRates(ctx, csvio.RateBytesSource("rates.csv", []byte(periodRates), ""), store.RateImportOptions{Author: "test"}); err != nil {
		t.Fatalf("import rates: %v", err)
	}
	return s
}

func periodOptions(t *testing.T, lang, from, to string, params map[string]string) report.Options {
	t.Helper()
	val, err := model.ParseValuation("fixed:2021-03-01", 7)
	if err != nil {
		t.Fatal(err)
	}
	return report.Options{Currency: money.MustCurrency("USD"), Valuation: val, From: from, To: to,
		Lang: model.MustLang(lang), Params: params}
}

// Quarterly summaries of 2021 do not count the need dated 2021 (nor the
// commitment since 2016): each says so in a note with the amount; the
// whole year counts the need once.
func TestQuarterlySummariesLeaveYearOut(t *testing.T) {
	ctx := context.Background()
	storetest.Each(t, func(t *testing.T, engine store.Dialect) {
		s := periodLedger(t, engine)
		quarters := [][2]string{{"2021-01-01", "2021-03-31"}, {"2021-04-01", "2021-06-30"}, {"2021-07-01", "2021-09-30"}, {"2021-10-01", "2021-12-31"}}
		wantCounted := []string{"pledge 6026500", "", "disbursement 3013250", ""}
		for i, q := range quarters {
			sum, err := report.MakeSummary(ctx, s, periodOptions(t, "en", q[0], q[1], nil))
			if err != nil {
				t.Fatal(err)
			}
			var counted []string
			for _, tot := range sum.Totals {
				counted = append(counted, tot.Kind+" "+tot.Value.String())
			}
			if got := strings.Join(counted, ", "); got != wantCounted[i] {
				t.Errorf("%s: totals %q, want %q", q[0], got, wantCounted[i])
			}
			notes := strings.Join(sum.Notes, "\n")
			for _, want := range []string{
				"Not counted, as dated partly outside the period: 1 entry of kind need, 670,000,000.00 USD (coal-need-2021).",
				"Not counted, as dated partly outside the period: 1 entry of kind commitment, more than 21,695,400.00 USD (bel-com-since-2016).",
			} {
				if !strings.Contains(notes, want) {
					t.Errorf("%s: notes lack %q:\n%s", q[0], want, notes)
				}
			}
		}
		year, err := report.MakeSummary(ctx, s, periodOptions(t, "nl", "2021-01-01", "2021-12-31", nil))
		if err != nil {
			t.Fatal(err)
		}
		if len(year.Totals) != 3 || year.Totals[1].Kind != "need" || year.Totals[1].Amount != "670000000.00" {
			t.Errorf("2021 totals: %+v", year.Totals)
		}
		notes := strings.Join(year.Notes, "\n")
		if !strings.Contains(notes, "Niet meegeteld, want deels buiten de periode gedateerd: 1 post van soort vastlegging, meer dan 21.695.400,00 USD (bel-com-since-2016).") ||
			strings.Contains(notes, "coal-need-2021") {
			t.Errorf("2021 notes (nl):\n%s", notes)
		}
		// French agrees with the count: one entry left out is "non comptée".
		q1, err := report.MakeSummary(ctx, s, periodOptions(t, "fr", "2021-01-01", "2021-03-31", nil))
		if err != nil {
			t.Fatal(err)
		}
		notes = strings.Join(q1.Notes, "\n")
		if want := "Non comptée, car datée en partie hors de la période : 1 écriture de type besoin, 670 000 000,00 USD (coal-need-2021)."; !strings.Contains(notes, want) {
			t.Errorf("2021-Q1 notes (fr) lack %q:\n%s", want, notes)
		}
	})
}

// A timeline by quarter puts the need dated 2021 in one row "2021", after
// the quarters, and the commitment since 2016 in a row "2016–2021".
func TestTimelineSpanningRows(t *testing.T) {
	ctx := context.Background()
	storetest.Each(t, func(t *testing.T, engine store.Dialect) {
		s := periodLedger(t, engine)
		for _, c := range []struct {
			from, to, by string
			want         []string // period: need pledge commitment disbursement
			entries      int64
		}{
			{"2021-01-01", "2021-12-31", "quarter", []string{"2021-Q1: - 6026500 - -", "2021-Q3: - - - 3013250", "2021: 670000000 - - -"}, 3},
			{"", "", "quarter", []string{"2021-Q1: - 6026500 - -", "2021-Q3: - - - 3013250", "2021: 670000000 - - -", "2016–2021: - - 21695400 -"}, 4},
			{"", "", "year", []string{"2021: 670000000 6026500 - 3013250", "2016–2021: - - 21695400 -"}, 4},
			{"2021-07-01", "2021-09-30", "month", []string{"2021-09: - - - 3013250"}, 1},
		} {
			m, err := report.Run(ctx, s, "timeline", periodOptions(t, "en", c.from, c.to, map[string]string{"by": c.by}))
			if err != nil {
				t.Fatal(err)
			}
			var got []string
			entries := int64(0)
			for _, r := range m.Sections[0].Rows {
				line := r["period"].Text + ":"
				for _, k := range []string{"need", "pledge", "commitment", "disbursement"} {
					if r[k].Empty {
						line += " -"
					} else {
						line += " " + r[k].Value.String()
					}
				}
				got = append(got, line)
				entries += r["entries"].Int
			}
			if !slices.Equal(got, c.want) {
				t.Errorf("%s..%s by %s:\n got %q\nwant %q", c.from, c.to, c.by, got, c.want)
			}
			if total := m.Sections[0].Totals; len(total) != 1 || total[0]["entries"].Int != entries || entries != c.entries {
				t.Errorf("%s..%s by %s: rows hold %d entries, totals %v", c.from, c.to, c.by, entries, total)
			}
			spanning := strings.Contains(strings.Join(m.Notes, "\n"), "shown once, in a row named by its own span")
			if wantNote := c.by != "month"; spanning != wantNote {
				t.Errorf("%s..%s by %s: spanning note %v, want %v", c.from, c.to, c.by, spanning, wantNote)
			}
		}
	})
}

// The deployments report lists a deployment only in a period that holds
// its whole span, and names the ones it leaves out.
func TestDeploymentsLeftOut(t *testing.T) {
	ctx := context.Background()
	storetest.Each(t, func(t *testing.T, engine store.Dialect) {
		s := periodLedger(t, engine)
		for _, c := range []struct {
			from, to string
			rows     int
			note     bool
		}{
			{"2021-07-01", "2021-09-30", 0, true},
			{"2021-01-01", "2021-10-31", 1, false},
			{"", "", 1, false},
		} {
			m, err := report.Run(ctx, s, "deployments", periodOptions(t, "en", c.from, c.to, nil))
			if err != nil {
				t.Fatal(err)
			}
			note := slices.Contains(m.Notes, "Not listed, as dated partly outside the period: 1 entry (bel-dep-f16).")
			if len(m.Sections[0].Rows) != c.rows || note != c.note {
				t.Errorf("%s..%s: %d rows, note %v; notes %q", c.from, c.to, len(m.Sections[0].Rows), note, m.Notes)
			}
		}
	})
}
