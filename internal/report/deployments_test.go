package report_test

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/coalition/pledger/internal/csvio"
	"github.com/coalition/pledger/internal/ledger"
	"github.com/coalition/pledger/internal/model"
	"github.com/coalition/pledger/internal/report"
	"github.com/coalition/pledger/internal/store"
	"github.com/coalition/pledger/internal/store/storetest"
)

// deploymentEntries: made-up deployments (not real contributions), in
// canonical CSV (export's header and order): F-16s of two parties, one
// spelt F16, a Rafale, about 250 trainers, advisers, an asset the catalog
// does not know, and F-16s "until October 2021" with an unknown start.
const deploymentEntries = `ref,kind,party,date,end,amount,currency,qualifier,quantity,asset,sector,location,toward,fulfils,source,note,illustrative,title
bel-dep-f16,deployment,BEL,unknown,2021-10,,,,4,F-16,military,IRQ;SYR,,,seed,until October 2021,,
dnk-dep-f16,deployment,DNK,2016-06,2016-12,,,,7,F16,military,IRQ,,,test,,,
fra-dep-rafale,deployment,FRA,2015,2015,,,,12,Rafale,military,IRQ,,,test,,,
gbr-dep-widget,deployment,GBR,2020-01,2020-02,,,,3,Widget 9000,,IRQ,,,test,,,
nato-dep-advisers,deployment,NATO,2018-10,2018-11,,,,500,advisers,training,IRQ,,,test,,,
usa-dep-trainers,deployment,USA,2015-06,2015-07,,,about,250,trainers,training,IRQ,,,test,,,
`

// deployClock records the test ledgers at one moment, so that what is
// open-ended counts up to a known day.
func deployClock() time.Time { return time.Date(2026, 1, 15, 9, 30, 0, 0, time.UTC) }

func importDeployments(t *testing.T, s *store.Store, data string) {
	t.Helper()
	if _, err := s.Import(context.Background(), csvio.BytesSource("d.csv", []byte(data), csvio.Options{}), store.ImportOptions{Author: "test"}); err != nil {
		t.Fatal(err)
	}
}

func exportCSV(t *testing.T, s *store.Store) string {
	t.Helper()
	var b bytes.Buffer
	w, err := csvio.NewWriter(&b, nil)
	if err != nil {
		t.Fatal(err)
	}
	if err := s.Entries(context.Background(), store.Filter{}, func(r ledger.Revision) error { return w.Write(r.Entry.Record()) }); err != nil {
		t.Fatal(err)
	}
	if err := w.Flush(); err != nil {
		t.Fatal(err)
	}
	return b.String()
}

func runDeployments(t *testing.T, s *store.Store, lang, activeOn string) *model.Model {
	t.Helper()
	ctx := context.Background()
	opt, err := report.Request{Currency: "EUR", Lang: lang, MaxStale: model.Defaults.MaxStale}.Options(ctx, s)
	if err != nil {
		t.Fatal(err)
	}
	opt.Params = map[string]string{"active-on": activeOn}
	m, err := report.Run(ctx, s, "deployments", opt)
	if err != nil {
		t.Fatal(err)
	}
	return m
}

// byKey is a section's rows keyed by the text of column key.
func byKey(rows []model.Row, key string) map[string]model.Row {
	out := map[string]model.Row{}
	for _, r := range rows {
		out[r[key].Text] = r
	}
	return out
}

func TestDeploymentsCountLikeWithLike(t *testing.T) {
	storetest.Each(t, func(t *testing.T, engine store.Dialect) {
		s := storetest.OpenAt(t, engine, deployClock)
		importDeployments(t, s, deploymentEntries)
		m := runDeployments(t, s, "en", "")
		dep, assets := m.Sections[0], m.Sections[1]
		if dep.Key != "deployments" || assets.Key != "assets" {
			t.Fatalf("sections %s, %s", dep.Key, assets.Key)
		}
		if len(dep.Totals) != 0 {
			t.Errorf("the deployments have a total across assets: %v", dep.Totals)
		}
		rows := byKey(assets.Rows, "asset")
		// F-16 and F16 are one asset; trainers are never added to it.
		if r := rows["F-16"]; r["quantity"].Int != 11 || r["entries"].Int != 2 || r["category"].Text != "aircraft" {
			t.Errorf("F-16: %+v", r)
		}
		if r := rows["trainers"]; r["quantity"].Int != 250 || r["quantity"].Qualifier != "about" || r["asset_months"].Int != 500 ||
			r["asset_months"].Qualifier != "about" || r["category"].Text != "personnel" {
			t.Errorf("trainers: %+v", r)
		}
		if r := rows["Widget 9000"]; r["category"].Text != "other" || r["quantity"].Int != 3 {
			t.Errorf("an asset the catalog does not know: %+v", r)
		}
		// F-16 asset-months: only DNK's 7 × 7 months; BEL's start is unknown,
		// so the figure is a lower bound.
		if r := rows["F-16"]; r["asset_months"].Int != 49 || r["asset_months"].Bound != "lower" {
			t.Errorf("F-16 asset-months: %+v", r["asset_months"])
		}
		// Category totals: within a category only; none for other.
		totals := byKey(assets.Totals, "category")
		if len(totals) != 2 {
			t.Errorf("category totals %v, want aircraft and personnel", assets.Totals)
		}
		if r := totals["Total aircraft"]; r["quantity"].Int != 23 || r["entries"].Int != 3 {
			t.Errorf("aircraft total: %+v", r)
		}
		if r := totals["Total personnel"]; r["quantity"].Int != 750 || r["quantity"].Bound != "approximate" {
			t.Errorf("personnel total: %+v", r)
		}
		for _, r := range append(append([]model.Row{}, assets.Rows...), assets.Totals...) {
			if q := r["quantity"].Int; q == 11+12+3+500+250 || q == 23+750 {
				t.Errorf("a total across categories: %+v", r)
			}
		}
		// The unknown start shows as such, with no asset-months.
		bel := byKey(dep.Rows, "ref")["bel-dep-f16"]
		if bel["start"].Text != ledger.Unknown || !bel["asset_months"].Empty {
			t.Errorf("unknown start: %+v", bel)
		}
		if notes := strings.Join(m.Notes, "\n"); !strings.Contains(notes, "Start unknown (bel-dep-f16)") ||
			!strings.Contains(notes, "trainers: 1 entry stated as “about” (usa-dep-trainers): the quantity is approximate.") {
			t.Errorf("notes:\n%s", notes)
		}
		if got := model.MustLang("nl").Date(bel["start"].Text); got != "begin onbekend" {
			t.Errorf("nl start %q", got)
		}
		if got := model.MustLang("fr").Date(bel["start"].Text); got != "début inconnu" {
			t.Errorf("fr start %q", got)
		}
	})
}

// TestUnknownStartRoundTrip: a deployment with an unknown start goes through
// import and export unchanged (on every engine), verifies, is listed on a day
// before its end with "start unknown", and not after its end.
func TestUnknownStartRoundTrip(t *testing.T) {
	storetest.Each(t, func(t *testing.T, engine store.Dialect) {
		ctx := context.Background()
		s := storetest.OpenAt(t, engine, deployClock)
		importDeployments(t, s, deploymentEntries)
		out := exportCSV(t, s)
		if out != deploymentEntries {
			t.Fatalf("export differs from the import:\n%s", out)
		}
		again := storetest.OpenAt(t, engine, deployClock)
		importDeployments(t, again, out)
		if exportCSV(t, again) != out {
			t.Errorf("export -> import -> export differs")
		}
		if _, err := s.Verify(ctx, store.VerifyOptions{}); err != nil {
			t.Errorf("verify: %v", err)
		}
		// A period counts an entry only if its span lies inside it: with an
		// unknown start it cannot be shown to, so a 2021 filter leaves it
		// out and names it as overlapping (it ended 2021-10).
		for _, straddling := range []bool{false, true} {
			var refs []string
			f := store.Filter{Kinds: []ledger.Kind{ledger.Deployment}, From: "2021-01-01", To: "2021-12-31", Straddling: straddling}
			if err := s.Entries(ctx, f, func(r ledger.Revision) error { refs = append(refs, r.Ref); return nil }); err != nil {
				t.Fatal(err)
			}
			want := ""
			if straddling {
				want = "bel-dep-f16"
			}
			if strings.Join(refs, ",") != want {
				t.Errorf("2021 deployments (straddling %v): %v, want %q", straddling, refs, want)
			}
		}

		m := runDeployments(t, s, "en", "2019-03-01")
		rows := byKey(m.Sections[0].Rows, "ref")
		if _, ok := rows["bel-dep-f16"]; !ok || len(rows) != 1 {
			t.Errorf("active on 2019-03-01: %v", rows)
		}
		if notes := strings.Join(m.Notes, "\n"); !strings.Contains(notes, "Listed for 2019-03-01 although their start is unknown") {
			t.Errorf("notes:\n%s", notes)
		}
		if m := runDeployments(t, s, "en", "2021-11-01"); len(m.Sections[0].Rows) != 0 {
			t.Errorf("listed after its end: %v", m.Sections[0].Rows)
		}
	})
}

// addOldDeployments records deployments as a ledger written before the
// quantity limit could hold them: store.Add takes the entry as given, so
// each row's quantity (any int64) is set after parsing it with quantity 1.
func addOldDeployments(t *testing.T, s *store.Store, rows ...string) {
	t.Helper()
	for _, row := range rows {
		c := strings.Split(row, ",")
		qty, err := strconv.ParseInt(c[5], 10, 64)
		if err != nil {
			t.Fatal(err)
		}
		e, ps := ledger.ParseEntry(ledger.Fields{"ref": c[0], "kind": c[1], "party": c[2], "date": c[3], "end": c[4], "quantity": "1", "asset": c[6]},
			0, ledger.Known{}, ledger.RefRequired)
		if len(ps) > 0 {
			t.Fatal(ps)
		}
		e.Quantity = qty
		if _, err := s.Add(context.Background(), e, "old"); err != nil {
			t.Fatal(err)
		}
	}
}

// TestDeploymentOverflow: quantities and asset-months near 2^63 (which
// a ledger recorded before the quantity limit may hold) are an error
// naming the asset, never a negative total.
func TestDeploymentOverflow(t *testing.T) {
	storetest.Each(t, func(t *testing.T, engine store.Dialect) {
		for name, c := range map[string]struct {
			rows []string
			want string
		}{
			"quantities": {[]string{fmt.Sprintf("a,deployment,BEL,2021-01,2021-01,%d,F-16", int64(1)<<62), fmt.Sprintf("b,deployment,DNK,2021-01,2021-01,%d,F16", int64(1)<<62)},
				"the quantities of F-16 add up to more than 9223372036854775807"},
			"asset-months": {[]string{"a,deployment,BEL,2021-01,2021-02,9223372036854775807,trainers"},
				"the asset-months of trainers add up to more than"},
			"category": {[]string{fmt.Sprintf("a,deployment,BEL,2021-01,2021-01,%d,F-16", int64(1)<<62), fmt.Sprintf("b,deployment,DNK,2021-01,2021-01,%d,Rafale", int64(1)<<62)},
				"the quantities of aircraft add up to more than"},
		} {
			t.Run(name, func(t *testing.T) {
				s := storetest.OpenAt(t, engine, deployClock)
				addOldDeployments(t, s, c.rows...)
				ctx := context.Background()
				opt, err := report.Request{Currency: "EUR", Lang: "en", MaxStale: 7}.Options(ctx, s)
				if err != nil {
					t.Fatal(err)
				}
				m, err := report.Run(ctx, s, "deployments", opt)
				if !errors.Is(err, ledger.ErrInvalid) || !strings.Contains(err.Error(), c.want) {
					t.Fatalf("got %v (model %v), want %q", err, m, c.want)
				}
			})
		}
		// Just below the limit is fine, and positive.
		s := storetest.OpenAt(t, engine, deployClock)
		addOldDeployments(t, s, fmt.Sprintf("a,deployment,BEL,2021-01,2021-01,%d,F-16", int64(1)<<62),
			fmt.Sprintf("b,deployment,DNK,2021-01,2021-01,%d,F-16", int64(1)<<62-1))
		opt, err := report.Request{Currency: "EUR", Lang: "en", MaxStale: 7}.Options(context.Background(), s)
		if err != nil {
			t.Fatal(err)
		}
		m, err := report.Run(context.Background(), s, "deployments", opt)
		if err != nil {
			t.Fatal(err)
		}
		if q := m.Sections[1].Rows[0]["quantity"].Int; q != 1<<63-1 {
			t.Errorf("F-16 quantity %d, want 2^63-1", q)
		}
	})
}

// TestDeploymentQuantityLimit: a quantity above ledger.MaxQuantity is
// refused at input, naming the line and the field, and nothing is
// written; quantities at the limit add up exactly, asset-months too.
func TestDeploymentQuantityLimit(t *testing.T) {
	storetest.Each(t, func(t *testing.T, engine store.Dialect) {
		const head = "ref,kind,party,date,end,quantity,asset\n"
		ctx := context.Background()
		s := storetest.OpenAt(t, engine, deployClock)
		for _, qty := range []string{"1000000000001", "4611686018427387904", "9223372036854775808"} {
			_, err := s.Import(ctx, csvio.BytesSource("d.csv", []byte(head+"ok,deployment,BEL,2021-01,2021-01,4,F-16\nbig,deployment,DNK,2021-01,2021-01,"+qty+",F-16\n"), csvio.Options{}),
				store.ImportOptions{Author: "test"})
			if want := "d.csv:3: quantity: " + qty + " is more than 1000000000000, the largest quantity: check the figure"; !errors.Is(err, ledger.ErrInvalid) || err.Error() != want {
				t.Errorf("quantity %s: got %v, want %q", qty, err, want)
			}
		}
		if n, err := s.CountEntries(ctx, store.Filter{}); err != nil || n != 0 {
			t.Fatalf("a refused import wrote %d entries (%v)", n, err)
		}
		// Three at the limit, over 12 months: exact, positive.
		importDeployments(t, s, head+"a,deployment,BEL,2021-01,2021-12,1000000000000,F-16\n"+
			"b,deployment,DNK,2021-01,2021-12,1000000000000,F16\nc,deployment,FRA,2021-01,2021-12,1000000000000,Rafale\n")
		opt, err := report.Request{Currency: "EUR", Lang: "en", MaxStale: 7}.Options(ctx, s)
		if err != nil {
			t.Fatal(err)
		}
		m, err := report.Run(ctx, s, "deployments", opt)
		if err != nil {
			t.Fatal(err)
		}
		var f16, aircraft model.Row
		for _, r := range m.Sections[1].Rows {
			if r["asset"].Text == "F-16" {
				f16 = r
			}
		}
		for _, r := range m.Sections[1].Totals {
			aircraft = r
		}
		if f16["quantity"].Int != 2_000_000_000_000 || f16["asset_months"].Int != 24_000_000_000_000 ||
			aircraft["quantity"].Int != 3_000_000_000_000 || aircraft["asset_months"].Int != 36_000_000_000_000 {
			t.Errorf("F-16 %v, aircraft %v: want 2e12 and 2.4e13, 3e12 and 3.6e13", f16, aircraft)
		}
	})
}
