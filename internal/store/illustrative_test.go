package store_test

import (
	"context"
	"testing"

	"github.com/coalition/pledger/internal/ledger"
	"github.com/coalition/pledger/internal/store"
	"github.com/coalition/pledger/internal/store/storetest"
)

// TestIllustrative: the flag is written and read by every path (add,
// amend, import in bulk, an amending import, the listing, as-of, the
// amounts scan), and the chain still verifies.
func TestIllustrative(t *testing.T) {
	storetest.Each(t, func(t *testing.T, engine store.Dialect) {
		ctx := context.Background()
		s := storetest.Open(t, engine)
		n := need("n1")
		n["illustrative"] = "yes"
		if _, err := s.Add(ctx, parse(t, s, n), "alice"); err != nil {
			t.Fatal(err)
		}
		flags := func(f store.Filter) map[string]bool {
			m := map[string]bool{}
			for _, r := range current(t, s, f) {
				m[r.Ref] = r.Entry.Illustrative
			}
			return m
		}
		if got := flags(store.Filter{}); !got["n1"] {
			t.Fatalf("added illustrative, read %v", got)
		}
		added, err := s.Head(ctx)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := s.Amend(ctx, "n1", 0, ledger.Fields{"illustrative": "false"}, "confirmed by the ministry", "bob"); err != nil {
			t.Fatal(err)
		}
		if got := flags(store.Filter{}); got["n1"] {
			t.Fatalf("amended to not illustrative, read %v", got)
		}
		if got := flags(store.Filter{Seq: added.Seq}); !got["n1"] {
			t.Fatalf("as of before the amendment, read %v", got)
		}

		// A file with the column (bulk path), one without it.
		with := "ref,kind,party,date,amount,currency,illustrative\n" +
			"p1,pledge,BEL,2021,5,EUR,true\np2,pledge,BEL,2021,6,EUR,\np3,pledge,NLD,2021,7,EUR,1\n"
		if _, err := importString(t, s, "with.csv", with, store.ImportOptions{Author: "a"}); err != nil {
			t.Fatal(err)
		}
		without := "ref,kind,party,date,amount,currency\np4,pledge,BEL,2021,8,EUR\n"
		if _, err := importString(t, s, "without.csv", without, store.ImportOptions{Author: "a"}); err != nil {
			t.Fatal(err)
		}
		got := flags(store.Filter{})
		if !got["p1"] || got["p2"] || !got["p3"] || got["p4"] || got["n1"] {
			t.Fatalf("after the imports: %v", got)
		}
		// The same file again adds nothing; flipping a flag needs amend.
		if res, err := importString(t, s, "with.csv", with, store.ImportOptions{Author: "a"}); err != nil || res.Skipped != 3 {
			t.Fatalf("re-import: %+v, %v", res, err)
		}
		flipped := "ref,kind,party,date,amount,currency,illustrative\np1,pledge,BEL,2021,5,EUR,no\n"
		if _, err := importString(t, s, "flip.csv", flipped, store.ImportOptions{Author: "a"}); err == nil {
			t.Fatal("a changed flag imported without amend")
		}
		if res, err := importString(t, s, "flip.csv", flipped, store.ImportOptions{Author: "a", Amend: true, Reason: "source found"}); err != nil || res.Amended != 1 {
			t.Fatalf("amending import: %+v, %v", res, err)
		}
		if got := flags(store.Filter{}); got["p1"] {
			t.Fatalf("after the amending import: %v", got)
		}

		var illus, all int
		err = s.Amounts(ctx, store.Filter{}, 1, func(_ int, a *store.Amount) error {
			all++
			if a.Illustrative {
				illus++
			}
			return nil
		})
		if err != nil || all != 5 || illus != 1 {
			t.Fatalf("amounts: %d of %d illustrative, %v", illus, all, err)
		}
		if res, err := s.Verify(ctx, store.VerifyOptions{}); err != nil || res.Revisions != 7 {
			t.Fatalf("verify: %+v %v", res, err)
		}
	})
}
