package store_test

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/coalition/pledger/internal/ledger"
	"github.com/coalition/pledger/internal/store"
	"github.com/coalition/pledger/internal/store/storetest"
)

// together runs n functions at the same moment and returns their errors.
func together(n int, fn func(i int) error) []error {
	errs := make([]error, n)
	start := make(chan struct{})
	var wg sync.WaitGroup
	for i := range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			<-start
			errs[i] = fn(i)
		}()
	}
	close(start)
	wg.Wait()
	return errs
}

// noDriverError fails when err is a raw error of the database rather than
// one of the ledger's own.
func noDriverError(t *testing.T, what string, err error) {
	t.Helper()
	if err == nil {
		return
	}
	msg := err.Error()
	for _, raw := range []string{"pq:", "23505", "duplicate key", "UNIQUE constraint", "SQLITE_", "deadlock"} {
		if strings.Contains(msg, raw) {
			t.Errorf("%s: a raw database error reached the caller: %v", what, err)
		}
	}
	if !errors.Is(err, ledger.ErrConflict) && !errors.Is(err, ledger.ErrInvalid) {
		t.Errorf("%s: %v is neither a conflict nor invalid input", what, err)
	}
}

// Writes at the same moment, on both engines: writes to different
// entries all succeed; two writes of one ref give one entry and a clear
// conflict naming the ref; a check against the ledger (a ref in use, a
// link's target) holds at the moment the write is recorded.
func TestConcurrentWrites(t *testing.T) {
	storetest.Each(t, func(t *testing.T, engine store.Dialect) {
		ctx := context.Background()
		s := storetest.Open(t, engine)
		const n = 10

		// Adds of different refs: all written.
		for i, err := range together(n, func(i int) error {
			_, err := s.Add(ctx, parse(t, s, need(fmt.Sprint("n", i))), fmt.Sprint("officer", i))
			return err
		}) {
			if err != nil {
				t.Errorf("add n%d: %v", i, err)
			}
		}
		// Amends of different entries: all written.
		for i, err := range together(n, func(i int) error {
			_, err := s.Amend(ctx, fmt.Sprint("n", i), 1, ledger.Fields{"note": fmt.Sprint("revised by officer ", i)}, "revised", fmt.Sprint("officer", i))
			return err
		}) {
			if err != nil {
				t.Errorf("amend n%d: %v", i, err)
			}
		}
		// Pledges toward different needs with a void of another: all written.
		for i, err := range together(n, func(i int) error {
			if i == n-1 {
				_, err := s.Void(ctx, fmt.Sprint("n", i), 2, "entered twice", "officer")
				return err
			}
			p := ledger.Fields{"ref": fmt.Sprint("p", i), "kind": "pledge", "party": "BEL", "date": "2021-03",
				"amount": "1000", "currency": "EUR", "toward": fmt.Sprint("n", i)}
			_, err := s.Add(ctx, parse(t, s, p), "officer")
			return err
		}) {
			if err != nil {
				t.Errorf("writer %d: %v", i, err)
			}
		}

		// One ref added by many at once: one entry, the rest conflicts
		// that name it.
		ok := 0
		for i, err := range together(n, func(i int) error {
			f := need("same")
			f["note"] = fmt.Sprint("officer ", i)
			_, err := s.Add(ctx, parse(t, s, f), fmt.Sprint("officer", i))
			return err
		}) {
			switch {
			case err == nil:
				ok++
			case !errors.Is(err, ledger.ErrConflict) || !strings.Contains(err.Error(), `"same"`):
				t.Errorf("add of a ref in use by officer %d: %v, want a conflict naming it", i, err)
			}
			noDriverError(t, "add of one ref", err)
		}
		if ok != 1 {
			t.Errorf("%d adds of one ref were written, want 1", ok)
		}

		// Imports of overlapping files at once: each whole or not at all,
		// never a driver's error.
		imports := together(4, func(i int) error {
			csv := "ref,kind,party,date,amount,currency,toward,note\n" +
				fmt.Sprintf("imp%d,pledge,BEL,2021-04,%d,EUR,n0,\n", i, 100+i) +
				fmt.Sprintf("shared,pledge,NLD,2021-04,%d,EUR,n1,from file %d\n", 500+i, i)
			_, err := importString(t, s, fmt.Sprintf("file%d.csv", i), csv, store.ImportOptions{})
			return err
		})
		written := 0
		for i, err := range imports {
			noDriverError(t, fmt.Sprint("import ", i), err)
			got := current(t, s, store.Filter{Ref: fmt.Sprint("imp", i)})
			if (err == nil) != (len(got) == 1) {
				t.Errorf("import %d: error %v, yet %d of its rows are in the ledger", i, err, len(got))
			}
			if err == nil {
				written++
				if sh := current(t, s, store.Filter{Ref: "shared"}); len(sh) != 1 || sh[0].Entry.Note != fmt.Sprint("from file ", i) {
					t.Errorf("shared after import %d: %+v", i, sh)
				}
			}
		}
		if written != 1 {
			t.Errorf("%d of 4 imports of a ref with different content were written, want 1", written)
		}

		// A pledge toward a need that is withdrawn at the same moment: the
		// pledge is either refused or recorded before the withdrawal,
		// never after it.
		for round := range 8 {
			ref := fmt.Sprint("v", round)
			if _, err := s.Add(ctx, parse(t, s, need(ref)), "alice"); err != nil {
				t.Fatal(err)
			}
			var pledge, void ledger.Revision
			errs := together(2, func(i int) error {
				var err error
				if i == 0 {
					void, err = s.Void(ctx, ref, 1, "withdrawn", "bob")
					return err
				}
				p := ledger.Fields{"ref": "pv" + ref, "kind": "pledge", "party": "BEL", "date": "2021-03",
					"amount": "1000", "currency": "EUR", "toward": ref}
				pledge, err = s.Add(ctx, parse(t, s, p), "carol")
				return err
			})
			if errs[0] != nil {
				t.Fatalf("void %s: %v", ref, errs[0])
			}
			if errs[1] != nil {
				var ps *ledger.Problems
				if !errors.As(errs[1], &ps) || ps.List[0].Code != ledger.CodeNoSuchLink {
					t.Errorf("pledge toward %s: %v, want no such link", ref, errs[1])
				}
				continue
			}
			if pledge.Seq > void.Seq {
				t.Errorf("pledge toward %s recorded at %d, after the need was withdrawn at %d", ref, pledge.Seq, void.Seq)
			}
		}
		if res, err := s.Verify(ctx, store.VerifyOptions{}); err != nil {
			t.Fatalf("verify: %+v %v", res, err)
		}
	})
}

// A unique key taken twice inside a ledger write, which the head lock
// should make impossible, still comes out as a conflict that names the
// key, on both engines: never a driver's message with exit 1 or HTTP 500.
func TestUniqueViolationIsConflict(t *testing.T) {
	storetest.Each(t, func(t *testing.T, engine store.Dialect) {
		ctx := context.Background()
		s := storetest.Open(t, engine)
		err := s.Write(ctx, func(tx *store.Tx) error {
			if _, err := tx.ExecContext(ctx, `CREATE TEMPORARY TABLE taken (k VARCHAR(10) PRIMARY KEY)`); err != nil {
				return err
			}
			for range 2 {
				if _, err := tx.ExecContext(ctx, `INSERT INTO taken (k) VALUES ('x1')`); err != nil {
					return fmt.Errorf("insert: %w", err)
				}
			}
			return nil
		})
		if !errors.Is(err, ledger.ErrConflict) || !strings.Contains(err.Error(), "x1") && !strings.Contains(err.Error(), "taken.k") {
			t.Fatalf("duplicate key: %v, want a conflict naming the key", err)
		}
	})
}

// Writes that queue behind one being recorded are recorded together (group
// commit), and each is still its own: the ones that fail (a ref in use, a
// missing link, a stale base) are rolled back alone with their own error,
// the others are all in the ledger, each checked against the writes
// recorded before it in the group, and the chain verifies.
func TestGroupedWrites(t *testing.T) {
	storetest.Each(t, func(t *testing.T, engine store.Dialect) {
		ctx := context.Background()
		s := storetest.Open(t, engine)
		if _, err := s.Add(ctx, parse(t, s, need("g-need")), "alice"); err != nil {
			t.Fatal(err)
		}
		pledge := func(ref, toward string) ledger.Entry {
			return parse(t, s, ledger.Fields{"ref": ref, "kind": "pledge", "party": "BEL", "date": "2021-03",
				"amount": "1000", "currency": "EUR", "toward": toward})
		}
		release, inside := make(chan struct{}), make(chan struct{})
		first := make(chan error)
		e := pledge("g-first", "g-need")
		go func() {
			first <- s.Write(ctx, func(tx *store.Tx) error {
				close(inside)
				<-release // the others queue meanwhile
				_, err := tx.Add(ctx, e, "alice")
				return err
			})
		}()
		<-inside // the first write is being recorded: the others wait
		const n = 9
		want := map[int]string{ // the writes that must fail, and how
			1: "ref_exists", // g-first, recorded by the write before
			4: "no_such_link",
			6: "stale",
			8: "ref_exists", // g-2, recorded earlier in the same group
		}
		errs := make([]error, n)
		var wg sync.WaitGroup
		for i := range n {
			wg.Add(1)
			go func() {
				defer wg.Done()
				var err error
				switch i {
				case 1:
					_, err = s.Add(ctx, pledge("g-first", "g-need"), "bob")
				case 4:
					_, err = s.Add(ctx, pledge("g-4", "no-such-need"), "bob")
				case 6:
					_, err = s.Amend(ctx, "g-need", 7, ledger.Fields{"note": "x"}, "r", "bob")
				case 8:
					for s.QueuedWrites() < n-1 { // after g-2 in the queue
						time.Sleep(time.Millisecond)
					}
					_, err = s.Add(ctx, pledge("g-2", "g-need"), "bob")
				default:
					_, err = s.Add(ctx, pledge(fmt.Sprint("g-", i), "g-need"), "bob")
				}
				errs[i] = err
			}()
		}
		for s.QueuedWrites() < n {
			time.Sleep(time.Millisecond)
		}
		close(release)
		if err := <-first; err != nil {
			t.Fatal(err)
		}
		wg.Wait()
		for i, err := range errs {
			var ps *ledger.Problems
			var stale *ledger.StaleError
			switch code := want[i]; {
			case code == "" && err != nil:
				t.Errorf("write %d: %v", i, err)
			case code == "":
			case code == "stale" && errors.As(err, &stale):
			case code == "no_such_link" && errors.As(err, &ps) && ps.List[0].Code == ledger.CodeNoSuchLink:
			case code == "ref_exists" && errors.Is(err, ledger.ErrConflict):
			default:
				t.Errorf("write %d: %v, want %s", i, err, code)
			}
		}
		got := current(t, s, store.Filter{})
		if len(got) != 1+1+n-len(want) {
			t.Errorf("%d entries after the group, want %d", len(got), 2+n-len(want))
		}
		if res, err := s.Verify(ctx, store.VerifyOptions{}); err != nil {
			t.Fatalf("verify: %+v %v", res, err)
		}
	})
}

// A write waiting behind a long one (an import) whose caller gives up (a
// closed connection, a cancelled request) leaves the queue at once with
// nothing written; the writes around it are recorded.
func TestWaitingWriteCancelled(t *testing.T) {
	storetest.Each(t, func(t *testing.T, engine store.Dialect) {
		ctx := context.Background()
		s := storetest.Open(t, engine)
		release, inside := make(chan struct{}), make(chan struct{})
		first := make(chan error)
		go func() {
			first <- s.Write(ctx, func(tx *store.Tx) error {
				close(inside)
				<-release
				_, err := tx.Add(ctx, parse(t, s, need("w-first")), "alice")
				return err
			})
		}()
		<-inside
		gone, cancel := context.WithCancel(ctx)
		e1, e2 := parse(t, s, need("w-gone")), parse(t, s, need("w-after"))
		gaveUp := make(chan error)
		go func() {
			_, err := s.Add(gone, e1, "bob")
			gaveUp <- err
		}()
		for s.QueuedWrites() < 1 {
			time.Sleep(time.Millisecond)
		}
		after := make(chan error)
		go func() {
			_, err := s.Add(ctx, e2, "carol")
			after <- err
		}()
		for s.QueuedWrites() < 2 {
			time.Sleep(time.Millisecond)
		}
		cancel()
		if err := <-gaveUp; !errors.Is(err, context.Canceled) {
			t.Fatalf("the write given up while waiting: %v, want context.Canceled", err)
		}
		if n := s.QueuedWrites(); n != 1 {
			t.Fatalf("%d writes wait after one gave up, want 1", n)
		}
		close(release)
		if err := <-first; err != nil {
			t.Fatal(err)
		}
		if err := <-after; err != nil {
			t.Fatal(err)
		}
		if got := current(t, s, store.Filter{Ref: "w-gone"}); len(got) != 0 {
			t.Fatalf("the write given up was recorded: %+v", got)
		}
		if got := current(t, s, store.Filter{}); len(got) != 2 {
			t.Fatalf("%d entries, want w-first and w-after", len(got))
		}
	})
}
