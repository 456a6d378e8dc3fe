package store_test

import (
	"context"
	"slices"
	"strings"
	"testing"

	"github.com/coalition/pledger/internal/ledger"
	"github.com/coalition/pledger/internal/store"
	"github.com/coalition/pledger/internal/store/storetest"
)

// periodEntries: made-up entries (not real contributions) with the spans
// the period rule tells apart.
const periodEntries = `ref,kind,party,date,end,amount,currency
y2021,need,COALITION,2021,,670000000,USD
m2021-03,pledge,BEL,2021-03,,5000000.00,EUR
d2021-08-15,pledge,NLD,2021-08-15,,1000.00,EUR
q3-span,commitment,DEU,2021-07,2021-09,2000.00,EUR
since-2016,commitment,BEL,2016,2021,18000000.00,EUR
y2022,pledge,FRA,2022,,3000.00,EUR
`

// A period counts the entries whose span lies inside it; Straddling gives
// those that overlap it without lying inside it; the two never share an
// entry, and between them hold every entry that overlaps the period.
func TestPeriodContainment(t *testing.T) {
	storetest.Each(t, func(t *testing.T, engine store.Dialect) {
		ctx := context.Background()
		s := storetest.Open(t, engine)
		if _, err := importString(t, s, "period.csv", periodEntries, store.ImportOptions{Author: "test"}); err != nil {
			t.Fatal(err)
		}
		refs := func(f store.Filter) string {
			var out []string
			for _, r := range current(t, s, f) {
				out = append(out, r.Ref)
			}
			var amounts []string
			if err := s.Amounts(ctx, f, 2, func(_ int, a *store.Amount) error {
				amounts = append(amounts, a.Kind+"@"+a.Date+"/"+a.End)
				return nil
			}); err != nil {
				t.Fatal(err)
			}
			if len(amounts) != len(out) {
				t.Errorf("%+v: Amounts gave %v, Entries %v", f, amounts, out)
			}
			n, err := s.CountEntries(ctx, f)
			if err != nil || n != len(out) {
				t.Errorf("%+v: CountEntries %d, %v; Entries %d", f, n, err, len(out))
			}
			return strings.Join(out, " ")
		}
		for _, c := range []struct {
			from, to         string
			inside, straddle string
		}{
			{"2021-07-01", "2021-09-30", "d2021-08-15 q3-span", "since-2016 y2021"},
			{"2021-01-01", "2021-12-31", "d2021-08-15 m2021-03 q3-span y2021", "since-2016"},
			{"2016-01-01", "2021-12-31", "d2021-08-15 m2021-03 q3-span since-2016 y2021", ""},
			{"2021-08-01", "", "d2021-08-15 y2022", "q3-span since-2016 y2021"},
			{"", "2021-08-31", "d2021-08-15 m2021-03", "q3-span since-2016 y2021"},
			{"2023-01-01", "2023-12-31", "", ""},
		} {
			inside := refs(store.Filter{From: c.from, To: c.to})
			straddle := refs(store.Filter{From: c.from, To: c.to, Straddling: true})
			if inside != c.inside || straddle != c.straddle {
				t.Errorf("%s..%s: inside %q, straddling %q; want %q, %q", c.from, c.to, inside, straddle, c.inside, c.straddle)
			}
		}
		var ends []string
		if err := s.Amounts(ctx, store.Filter{Kinds: []ledger.Kind{ledger.Commitment}}, 1, func(_ int, a *store.Amount) error {
			ends = append(ends, a.Date+"–"+a.End)
			return nil
		}); err != nil {
			t.Fatal(err)
		}
		slices.Sort(ends)
		if strings.Join(ends, " ") != "2016–2021 2021-07–2021-09" {
			t.Errorf("Amount ends: %v", ends)
		}
	})
}
