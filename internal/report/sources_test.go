package report_test

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"math/rand/v2"
	"strings"
	"testing"
	"time"

	"github.com/coalition/pledger/internal/csvio"
	"github.com/coalition/pledger/internal/ledger"
	"github.com/coalition/pledger/internal/model"
	"github.com/coalition/pledger/internal/money"
	"github.com/coalition/pledger/internal/render"
	"github.com/coalition/pledger/internal/report"
	"github.com/coalition/pledger/internal/store"
	"github.com/coalition/pledger/internal/store/storetest"
	"github.com/shopspring/decimal"
)

// Two sources for a pair and day. The ECB rates are real
// (eurofxref-hist.csv, March 2021; 18 March left out); the "manual" ones
// are MADE UP: EUR/USD on 15 March, which the ECB also quotes, and on 18
// March, which only manual quotes here.
const twoSourceRates = "date,base,quote,rate,source\n" +
	"2021-03-15,EUR,USD,1.192," + csvio.ECBSource + "\n" +
	"2021-03-16,EUR,USD,1.1926," + csvio.ECBSource + "\n" +
	"2021-03-17,EUR,USD,1.1907," + csvio.ECBSource + "\n" +
	"2021-03-15,EUR,GBP,0.8567," + csvio.ECBSource + "\n" +
	"2021-03-16,EUR,GBP,0.85945," + csvio.ECBSource + "\n" +
	"2021-03-17,EUR,GBP,0.85668," + csvio.ECBSource + "\n" +
	"2021-03-15,EUR,USD,1.2000,manual\n" +
	"2021-03-18,EUR,USD,1.1950,manual\n"

const twoSourceEntries = "ref,kind,party,date,amount,currency\n" +
	"usd-15,pledge,USA,2021-03-15,1000000.00,USD\n" + // both sources quote EUR/USD that day
	"usd-16,pledge,USA,2021-03-16,1000000.00,USD\n" + // the ECB only
	"usd-18,pledge,USA,2021-03-18,1000000.00,USD\n" + // manual only
	"gbp-15,pledge,GBR,2021-03-15,1000000.00,GBP\n" +
	"eur-15,pledge,BEL,2021-03-15,500000.00,EUR\n"

func twoSourceLedger(t *testing.T, engine store.Dialect) *store.Store {
	t.Helper()
	ctx := context.Background()
	s := storetest.Open(t, engine)
	if _, err := s.ImportRates(ctx, csvio.RateBytesSource("rates.csv", []byte(twoSourceRates), ""), store.RateImportOptions{Author: "test"}); err != nil {
		t.Fatal(err)
	}
	if _, err := s.Import(ctx, csvio.BytesSource("entries.csv", []byte(twoSourceEntries), csvio.Options{}), store.ImportOptions{Author: "test"}); err != nil {
		t.Fatal(err)
	}
	return s
}

// summaryOf runs the summary for req and returns each party's pledged
// figure and the provenance.
func summaryOf(t *testing.T, s *store.Store, req report.Request) (map[string]string, *model.Model) {
	t.Helper()
	ctx := context.Background()
	req.MaxStale = 7
	opt, err := req.Options(ctx, s)
	if err != nil {
		t.Fatal(err)
	}
	m, err := report.Run(ctx, s, "summary", opt)
	if err != nil {
		t.Fatal(err)
	}
	out := map[string]string{}
	for _, r := range m.Sections[0].Rows {
		out[r["party"].Text] = r["amount"].Value.StringFixed(2)
	}
	return out, m
}

func sourcesOf(m *model.Model) string {
	var b []string
	for _, s := range m.Provenance.RateSources {
		b = append(b, fmt.Sprintf("%s=%d", s.Source, s.Entries))
	}
	return strings.Join(b, ", ")
}

// TestRateSourcePreference: for a pair and day two sources quote, a report
// uses the preferred one's rate (by default the source with most rates;
// else the one named in the request or in PLEDGER_RATE_SOURCES), the other
// source's rates only where the preferred one has none, and the provenance
// counts the entries valued with each.
func TestRateSourcePreference(t *testing.T) {
	storetest.Each(t, func(t *testing.T, engine store.Dialect) {
		s := twoSourceLedger(t, engine)
		ecb, manual := csvio.ECBSource, "manual"
		// 1000000/1.192 = 838926.17, 1000000/1.1926 = 838504.11,
		// 1000000/1.195 = 836820.08 (manual's 18 March), 1000000/1.2 = 833333.33
		for _, c := range []struct {
			name    string
			req     report.Request
			env     string
			usa     string
			sources string
		}{
			{"default: the source with most rates", report.Request{Currency: "EUR"}, "", "2514250.36", ecb + "=3, manual=1"},
			{"--rate-source manual", report.Request{Currency: "EUR", RateSources: []string{manual}}, "", "2508657.52", "manual=2, " + ecb + "=2"},
			{"--rate-source ECB,manual (a name's first word)", report.Request{Currency: "EUR", RateSources: []string{"ECB", manual}}, "", "2514250.36", ecb + "=3, manual=1"},
			{"the environment", report.Request{Currency: "EUR"}, "manual", "2508657.52", "manual=2, " + ecb + "=2"},
			{"the request before the environment", report.Request{Currency: "EUR", RateSources: []string{"ecb"}}, "manual", "2514250.36", ecb + "=3, manual=1"},
			{"the environment may name a source the ledger lacks", report.Request{Currency: "EUR"}, "IMF,manual", "2508657.52", "manual=2, " + ecb + "=2"},
			// In USD: EUR/USD alone for eur-15; GBP->USD across EUR, two
			// legs, each counted under its source.
			{"USD, default", report.Request{Currency: "USD"}, "", "", ecb + "=2"},
			{"USD, manual first", report.Request{Currency: "USD", RateSources: []string{manual}}, "", "", "manual=2, " + ecb + "=1"},
		} {
			t.Run(c.name, func(t *testing.T) {
				t.Setenv(money.EnvRateSources, c.env)
				figures, m := summaryOf(t, s, c.req)
				if c.usa != "" && figures["USA"] != c.usa {
					t.Errorf("USA pledged %s, want %s", figures["USA"], c.usa)
				}
				if got := sourcesOf(m); got != c.sources {
					t.Errorf("rate sources %q, want %q", got, c.sources)
				}
				if m.Provenance.Entries != 5 {
					t.Errorf("entries %d", m.Provenance.Entries)
				}
			})
		}
		// The list of entries with their values (list --currency) follows
		// the same order.
		for _, c := range []struct {
			prefer []string
			want   string
		}{{nil, "838926.17"}, {[]string{manual}, "833333.33"}} {
			opt, err := report.Request{Currency: "EUR", MaxStale: 7, RateSources: c.prefer}.Options(context.Background(), s)
			if err != nil {
				t.Fatal(err)
			}
			val, err := report.NewValuer(context.Background(), s, opt)
			if err != nil {
				t.Fatal(err)
			}
			e := ledger.Entry{Ref: "usd-15", Amount: decimal.NullDecimal{Decimal: decimal.RequireFromString("1000000"), Valid: true},
				Currency: money.MustCurrency("USD"), Date: vdate(t, "2021-03-15")}
			if v, ok, err := val.Value(e); err != nil || !ok || v.StringFixed(2) != c.want {
				t.Errorf("Valuer with %v: %s, %v; want %s", c.prefer, v, err, c.want)
			}
		}
		// A source the request names that the ledger lacks, or a name
		// that matches two sources, is an error naming the field.
		_, err := report.Request{Currency: "EUR", MaxStale: 7, RateSources: []string{"IMF"}}.Options(context.Background(), s)
		var f *ledger.Failure
		if !errors.As(err, &f) || f.Code != "no_such_rate_source" || f.Field != "rate-source" || !errors.Is(err, ledger.ErrInvalid) ||
			!strings.Contains(err.Error(), `"IMF": no rate in force comes from this source; the sources are "`+ecb+`", "manual"`) {
			t.Errorf("an unknown source: %v", err)
		}
	})
}

// TestRateSourceFooter: the provenance in words and in JSON.
func TestRateSourceFooter(t *testing.T) {
	s := twoSourceLedger(t, store.SQLite)
	_, m := summaryOf(t, s, report.Request{Currency: "EUR"})
	for lang, want := range map[string]string{
		"en": csvio.ECBSource + " (3 entries), manual (1 entry); 2021-03-15 – 2021-03-18",
		"nl": csvio.ECBSource + " (3 posten), manual (1 post); 2021-03-15 – 2021-03-18",
		"fr": csvio.ECBSource + " (3 écritures), manual (1 écriture) ; 2021-03-15 – 2021-03-18",
	} {
		l := model.MustLang(lang)
		if got := model.RatesUsed(l, m.Provenance); got != want {
			t.Errorf("%s: %q, want %q", lang, got, want)
		}
	}
	var buf bytes.Buffer
	if err := render.Write(&buf, m, "json", model.MustLang("en")); err != nil {
		t.Fatal(err)
	}
	var j struct {
		Provenance struct {
			RateSources []struct {
				Source  string `json:"source"`
				Entries int    `json:"entries"`
			} `json:"rate_sources"`
		} `json:"provenance"`
	}
	if err := json.Unmarshal(buf.Bytes(), &j); err != nil {
		t.Fatal(err)
	}
	if rs := j.Provenance.RateSources; len(rs) != 2 || rs[0].Source != csvio.ECBSource || rs[0].Entries != 3 || rs[1].Source != "manual" || rs[1].Entries != 1 {
		t.Errorf("JSON rate_sources %+v", rs)
	}
}

// TestPreferenceOnlyMovesSharedDays, a property: on generated ledgers, with
// two sources quoting some pairs and days alone and others together,
// changing the order of preference changes no figure whose pairs and days
// have a single source: each entry's value, and the total of a party all of
// whose entries are such.
func TestPreferenceOnlyMovesSharedDays(t *testing.T) {
	storetest.Each(t, func(t *testing.T, engine store.Dialect) {
		for seed := uint64(1); seed <= 3; seed++ {
			checkPreference(t, engine, seed)
		}
	})
}

func checkPreference(t *testing.T, engine store.Dialect, seed uint64) {
	ctx := context.Background()
	r := rand.New(rand.NewPCG(seed, 11))
	currencies := []string{"USD", "GBP", "JPY"}
	type pd struct {
		cur string
		day string
	}
	quoted := map[pd]int{} // 0: generated only, 1: alt only, 2: both
	var rates strings.Builder
	rates.WriteString("date,base,quote,rate,source\n")
	var days []string
	for d := time.Date(2021, 3, 1, 0, 0, 0, 0, time.UTC); d.Month() == 3; d = d.AddDate(0, 0, 1) {
		day := d.Format(time.DateOnly)
		days = append(days, day)
		for i, cur := range currencies {
			// made-up rates near 1.2, 0.86 and 130 per EUR
			base := []float64{1.2, 0.86, 130}[i]
			g := decimal.NewFromFloat(base * (0.95 + 0.1*r.Float64())).Round(5)
			a := g.Mul(decimal.NewFromFloat(0.9 + 0.2*r.Float64())).Round(5)
			k := r.IntN(3)
			quoted[pd{cur, day}] = k
			if k != 1 {
				fmt.Fprintf(&rates, "%s,EUR,%s,%s,generated\n", day, cur, g)
			}
			if k != 0 {
				fmt.Fprintf(&rates, "%s,EUR,%s,%s,alt\n", day, cur, a)
			}
		}
	}
	single := func(cur, target, day string) bool {
		for _, c := range []string{cur, target} {
			if c != "EUR" && quoted[pd{c, day}] == 2 {
				return false
			}
		}
		return true
	}
	type ent struct{ ref, cur, day string }
	var all []ent
	for i := range 200 {
		e := ent{fmt.Sprintf("e%03d", i), append([]string{"EUR"}, currencies...)[r.IntN(4)], days[r.IntN(len(days))]}
		all = append(all, e)
	}
	for _, target := range []string{"EUR", "USD"} {
		s := storetest.Open(t, engine)
		if _, err := s.ImportRates(ctx, csvio.RateBytesSource("rates.csv", []byte(rates.String()), ""), store.RateImportOptions{Author: "test"}); err != nil {
			t.Fatal(err)
		}
		// party BEL holds the entries whose pairs and days have one
		// source in this target currency, party NLD the others
		var b strings.Builder
		b.WriteString("ref,kind,party,date,amount,currency\n")
		for _, e := range all {
			party := "NLD"
			if single(e.cur, target, e.day) {
				party = "BEL"
			}
			amount := fmt.Sprintf("%d.%02d", 1000+r.IntN(10_000_000), r.IntN(100))
			if e.cur == "JPY" {
				amount = fmt.Sprint(1000 + r.IntN(1_000_000_000))
			}
			fmt.Fprintf(&b, "%s-%s,pledge,%s,%s,%s,%s\n", strings.ToLower(target), e.ref, party, e.day, amount, e.cur)
		}
		if _, err := s.Import(ctx, csvio.BytesSource("entries.csv", []byte(b.String()), csvio.Options{}), store.ImportOptions{Author: "test"}); err != nil {
			t.Fatal(err)
		}
		figures := map[string]map[string]string{}
		values := map[string]map[string]string{}
		for _, order := range [][]string{{"generated", "alt"}, {"alt", "generated"}} {
			key := order[0]
			f, _ := summaryOf(t, s, report.Request{Currency: target, Parties: []string{"BEL", "NLD"}, RateSources: order})
			figures[key] = f
			opt, err := report.Request{Currency: target, MaxStale: 7, RateSources: order}.Options(ctx, s)
			if err != nil {
				t.Fatal(err)
			}
			val, err := report.NewValuer(ctx, s, opt)
			if err != nil {
				t.Fatal(err)
			}
			values[key] = map[string]string{}
			err = s.Entries(ctx, store.Filter{Parties: []string{"BEL", "NLD"}}, func(rev ledger.Revision) error {
				if !strings.HasPrefix(rev.Ref, strings.ToLower(target)+"-") {
					return nil
				}
				v, _, err := val.Value(rev.Entry)
				values[key][rev.Entry.Party+" "+rev.Ref] = v.String()
				return err
			})
			if err != nil {
				t.Fatal(err)
			}
		}
		moved := 0
		for k, v := range values["generated"] {
			w := values["alt"][k]
			if strings.HasPrefix(k, "BEL ") && v != w {
				t.Errorf("seed %d, %s: %s is %s or %s depending on the order, though its pairs and days have one source", seed, target, k, v, w)
			}
			if v != w {
				moved++
			}
		}
		if moved == 0 {
			t.Errorf("seed %d, %s: the order moved no value: the test tests nothing", seed, target)
		}
		if figures["generated"]["BEL"] == "" || figures["generated"]["BEL"] != figures["alt"]["BEL"] {
			t.Errorf("seed %d, %s: party BEL %q or %q depending on the order", seed, target, figures["generated"]["BEL"], figures["alt"]["BEL"])
		}
		if figures["generated"]["NLD"] == figures["alt"]["NLD"] {
			t.Errorf("seed %d, %s: party NLD %s whatever the order: the test tests nothing", seed, target, figures["generated"]["NLD"])
		}
	}
}
