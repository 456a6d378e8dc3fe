package store_test

import (
	"context"
	"testing"
	"time"

	"github.com/coalition/pledger/internal/ledger"
	"github.com/coalition/pledger/internal/store"
	"github.com/coalition/pledger/internal/store/storetest"
)

// TestServeState: the state a report would read (the head, or the last
// link at an as-of moment) and whether the ledger's last check covers the
// head and passed, as a server's cache reads it before each report.
func TestServeState(t *testing.T) {
	storetest.Each(t, func(t *testing.T, engine store.Dialect) {
		ctx := context.Background()
		s := tamperLedger(t, engine)
		state := func(at time.Time) store.ServeState {
			t.Helper()
			ss, err := s.ServeState(ctx, at)
			if err != nil {
				t.Fatal(err)
			}
			return ss
		}
		head := func() string {
			t.Helper()
			h, err := s.Head(ctx)
			if err != nil {
				t.Fatal(err)
			}
			return h.StateText()
		}
		before := head()
		if ss := state(time.Time{}); ss.State != before || !ss.Verified {
			t.Errorf("a verified ledger: %+v, want %s, verified", ss, before)
		}
		between := time.Now()
		// A write moves the state; pledger wrote it, so it is verified.
		if err := s.AddParty(ctx, ledger.Party{Code: "XCH", Name: "Another group", Type: "organisation"}, "test"); err != nil {
			t.Fatal(err)
		}
		after := head()
		if ss := state(time.Time{}); after == before || ss.State != after || !ss.Verified {
			t.Errorf("after a write: %+v, want %s, verified", ss, after)
		}
		// As of a moment: the last link recorded by then.
		if ss := state(between); ss.State != before || !ss.Verified {
			t.Errorf("as of before the write: %+v, want %s", ss, before)
		}
		if ss := state(time.Now().Add(time.Hour)); ss.State != after {
			t.Errorf("as of after the write: %+v, want %s", ss, after)
		}
		if ss := state(time.Date(2000, 1, 1, 0, 0, 0, 0, time.UTC)); ss.State != "" || ss.Verified {
			t.Errorf("as of before the ledger: %+v, want no state", ss)
		}
		// A check that does not cover the head is not verified.
		if _, err := s.DB().Exec(`UPDATE verification SET chain_seq = chain_seq - 1 WHERE id = 1`); err != nil {
			t.Fatal(err)
		}
		if ss := state(time.Time{}); ss.State != after || ss.Verified {
			t.Errorf("a check behind the head: %+v, want %s, not verified", ss, after)
		}
		if _, err := s.Verify(ctx, store.VerifyOptions{}); err != nil {
			t.Fatal(err)
		}
		if ss := state(time.Time{}); !ss.Verified {
			t.Errorf("verified again: %+v", ss)
		}
		// A failed check is not verified, whatever it covers.
		if _, err := s.DB().Exec(`UPDATE revisions SET date_first = '2030-01-01', date_last = '2030-12-31' WHERE ref = 'n1'`); err != nil {
			t.Fatal(err)
		}
		if _, err := s.Verify(ctx, store.VerifyOptions{}); err == nil {
			t.Fatal("verify passed a tampered ledger")
		}
		if ss := state(time.Time{}); ss.State != after || ss.Verified {
			t.Errorf("a tampered ledger: %+v, want %s, not verified", ss, after)
		}
	})
}
