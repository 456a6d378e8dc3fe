package store_test

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"testing"

	"github.com/coalition/pledger/internal/ledger"
	"github.com/coalition/pledger/internal/store"
	"github.com/coalition/pledger/internal/store/storetest"
)

// A change based on a revision that is no longer current is refused, with
// what changed since; based on the current one, it is written.
func TestStaleBase(t *testing.T) {
	storetest.Each(t, func(t *testing.T, engine store.Dialect) {
		ctx := context.Background()
		s := storetest.Open(t, engine)
		if _, err := s.Add(ctx, parse(t, s, need("n1")), "alice"); err != nil {
			t.Fatal(err)
		}
		if _, err := s.Amend(ctx, "n1", 1, ledger.Fields{"amount": "700000000"}, "revised appeal", "bob"); err != nil {
			t.Fatal(err)
		}
		// Carol's form was opened at revision 1.
		_, err := s.Amend(ctx, "n1", 1, ledger.Fields{"note": "from the ministerial"}, "add a note", "carol")
		var stale *ledger.StaleError
		if !errors.As(err, &stale) || !errors.Is(err, ledger.ErrConflict) {
			t.Fatalf("stale amend: got %v, want a StaleError", err)
		}
		if stale.Based != 1 || stale.Current != 2 || len(stale.Since) != 1 {
			t.Fatalf("stale: %+v", stale)
		}
		c := stale.Since[0]
		if c.Rev != 2 || c.Author != "bob" || c.Reason != "revised appeal" || c.Action != ledger.Amend ||
			len(c.Fields) != 1 || c.Fields[0] != (ledger.Change{Field: "amount", Old: "670000000.00", New: "700000000.00"}) {
			t.Fatalf("change since: %+v", c)
		}
		if h, _ := s.History(ctx, "n1"); len(h) != 2 {
			t.Fatalf("a stale amend wrote: %d revisions", len(h))
		}
		// A revision that does not exist yet is stale too, with nothing since.
		if _, err := s.Amend(ctx, "n1", 7, ledger.Fields{"note": "x"}, "r", "carol"); !errors.As(err, &stale) || stale.Since != nil {
			t.Fatalf("amend based on revision 7: %v", err)
		}
		// Based on the current revision: written.
		if r, err := s.Amend(ctx, "n1", 2, ledger.Fields{"note": "from the ministerial"}, "add a note", "carol"); err != nil || r.Rev != 3 {
			t.Fatalf("amend based on 2: %+v %v", r, err)
		}
		// A stale void is refused the same way and names both amendments.
		if _, err := s.Void(ctx, "n1", 1, "entered twice", "dave"); !errors.As(err, &stale) || len(stale.Since) != 2 || stale.Since[1].Fields[0].Field != "note" {
			t.Fatalf("stale void: %v", err)
		}
		if r, err := s.Void(ctx, "n1", 3, "entered twice", "dave"); err != nil || r.Rev != 4 {
			t.Fatalf("void based on 3: %+v %v", r, err)
		}
		// What changed since is said for a void too: nothing but the action.
		if _, err := s.Amend(ctx, "n1", 3, ledger.Fields{"note": "y"}, "r", "erin"); !errors.As(err, &stale) ||
			len(stale.Since) != 1 || stale.Since[0].Action != ledger.Void || len(stale.Since[0].Fields) != 0 {
			t.Fatalf("amend after the void: %v", err)
		}
	})
}

// Officers amending the same entry at the same moment, all from the same
// revision: exactly one is written, every other one is refused as stale
// (the check is made under the head lock, in the writing transaction), on
// both engines.
func TestConcurrentAmendsFromOneRevision(t *testing.T) {
	storetest.Each(t, func(t *testing.T, engine store.Dialect) {
		ctx := context.Background()
		s := storetest.Open(t, engine)
		if _, err := s.Add(ctx, parse(t, s, need("n1")), "alice"); err != nil {
			t.Fatal(err)
		}
		const workers = 6
		for round := 0; round < 3; round++ {
			base := 1 + round
			start := make(chan struct{})
			errs := make([]error, workers)
			var wg sync.WaitGroup
			for i := range workers {
				wg.Add(1)
				go func() {
					defer wg.Done()
					<-start
					ch := ledger.Fields{"note": fmt.Sprintf("round %d officer %d", round, i)}
					if i%2 == 1 && round == 2 {
						_, errs[i] = s.Void(ctx, "n1", base, "withdrawn by officer", fmt.Sprint("o", i))
						return
					}
					_, errs[i] = s.Amend(ctx, "n1", base, ch, "note", fmt.Sprint("o", i))
				}()
			}
			close(start)
			wg.Wait()
			ok := 0
			for i, err := range errs {
				var stale *ledger.StaleError
				switch {
				case err == nil:
					ok++
				case errors.As(err, &stale):
					if stale.Based != base || stale.Current != base+1 || len(stale.Since) != 1 {
						t.Errorf("round %d officer %d: %+v", round, i, stale)
					}
				default:
					t.Errorf("round %d officer %d: %v, want written or stale", round, i, err)
				}
			}
			if ok != 1 {
				t.Fatalf("round %d: %d amendments from revision %d were written, want exactly 1", round, ok, base)
			}
			if h, err := s.History(ctx, "n1"); err != nil || len(h) != base+1 {
				t.Fatalf("round %d: %d revisions, %v", round, len(h), err)
			}
		}
		if res, err := s.Verify(ctx, store.VerifyOptions{}); err != nil {
			t.Fatalf("verify after concurrent amends: %+v %v", res, err)
		}
	})
}
