package store_test

import (
	"context"
	"errors"
	"strings"
	"testing"

	"github.com/coalition/pledger/internal/ledger"
	"github.com/coalition/pledger/internal/store"
	"github.com/coalition/pledger/internal/store/storetest"
)

// amendSeed is a ledger whose entries fill every column a six-column
// corrections file does not have. The entries are made up for the test.
const amendSeed = "ref,kind,party,date,end,amount,currency,qualifier,quantity,asset,sector,location,toward,fulfils,source,note,illustrative\n" +
	"n1,need,COALITION,2021,,670000000.00,USD,,,,stabilisation,IRQ;SYR,,,seed source,,\n" +
	"p1,pledge,BEL,2021-03,,1000.00,EUR,at-least,,,demining:40;camps:60,IRQ,n1,,Ministry statement,to be confirmed,true\n" +
	"f16,deployment,BEL,2021,2021-10,,,,4,F-16,military,IRQ;SYR,,,seed,four jets,\n"

func entryOf(t *testing.T, s *store.Store, ref string) ledger.Entry {
	t.Helper()
	r, err := s.Current(context.Background(), ref)
	if err != nil {
		t.Fatal(err)
	}
	return r.Entry
}

// outcome finds the listed row of ref.
func outcome(t *testing.T, res store.ImportResult, ref string) store.RowOutcome {
	t.Helper()
	for _, o := range res.Outcomes {
		if o.Ref == ref {
			return o
		}
	}
	t.Fatalf("no row for %s in %+v", ref, res.Outcomes)
	return store.RowOutcome{}
}

// TestImportAmendsOnlyTheColumnsGiven: a corrections file changes the
// columns it has and leaves the others as they are; an empty cell in a
// column it has clears that field; the dry run lists every row's changes
// field by field; --amend needs a reason.
func TestImportAmendsOnlyTheColumnsGiven(t *testing.T) {
	storetest.Each(t, func(t *testing.T, engine store.Dialect) {
		ctx := context.Background()
		s := storetest.Open(t, engine)
		if _, err := importString(t, s, "seed.csv", amendSeed, store.ImportOptions{}); err != nil {
			t.Fatal(err)
		}
		before := entryOf(t, s, "p1")
		six := "ref,kind,party,date,amount,currency\n" +
			"n1,need,COALITION,2021,670000000.00,USD\n" + // as it is
			"p1,pledge,BEL,2021-03,2500.00,EUR\n" + // the amount corrected
			"p2,pledge,NLD,2021,300.00,EUR\n" // new

		t.Run("amend needs a reason", func(t *testing.T) {
			_, err := importString(t, s, "six.csv", six, store.ImportOptions{Amend: true})
			var ps *ledger.Problems
			if !errors.As(err, &ps) || len(ps.List) != 1 || ps.List[0].Field != "reason" {
				t.Fatalf("want a reason problem, got %v", err)
			}
		})

		t.Run("without amend, a differing row is refused and says what differs", func(t *testing.T) {
			res, err := importString(t, s, "six.csv", six, store.ImportOptions{DryRun: true})
			if err == nil || !strings.Contains(err.Error(), "six.csv:3: ref:") || !strings.Contains(err.Error(), "amount 1000.00 -> 2500.00") {
				t.Fatalf("want six.csv:3 refused naming the amount, got %v", err)
			}
			if o := outcome(t, res, "p1"); o.Action != store.RowRefused || len(o.Changes) != 1 || o.Changes[0].Field != "amount" ||
				len(o.Problems) != 1 || o.Problems[0].Code != "ref_differs" {
				t.Errorf("p1: %+v", o)
			}
			if o := outcome(t, res, "n1"); o.Action != store.RowUnchanged {
				t.Errorf("n1: a row equal in its columns is unchanged, got %+v", o)
			}
		})

		t.Run("the dry run lists each row field by field", func(t *testing.T) {
			head, _ := s.Head(ctx)
			res, err := importString(t, s, "six.csv", six, store.ImportOptions{Amend: true, Reason: "Q3", DryRun: true})
			if err != nil {
				t.Fatal(err)
			}
			if res.Added != 1 || res.Amended != 1 || res.Skipped != 1 {
				t.Errorf("counts: %+v", res)
			}
			want := []struct {
				line   int
				ref    string
				action store.RowAction
				change string
			}{{2, "n1", store.RowUnchanged, ""}, {3, "p1", store.RowAmend, "amount 1000.00 -> 2500.00"}, {4, "p2", store.RowAdd, ""}}
			if len(res.Outcomes) != len(want) {
				t.Fatalf("outcomes: %+v", res.Outcomes)
			}
			for i, w := range want {
				o := res.Outcomes[i]
				if o.Line != w.line || o.Ref != w.ref || o.Action != w.action || ledger.Changes(o.Changes) != w.change {
					t.Errorf("row %d: got %+v (%s), want %+v", i, o, ledger.Changes(o.Changes), w)
				}
			}
			if after, _ := s.Head(ctx); after != head {
				t.Errorf("the dry run wrote: %+v -> %+v", head, after)
			}
		})

		t.Run("a six-column file leaves the other columns as they were", func(t *testing.T) {
			res, err := importString(t, s, "six.csv", six, store.ImportOptions{Amend: true, Reason: "Q3"})
			if err != nil || res.Amended != 1 || res.Added != 1 || res.Skipped != 1 {
				t.Fatalf("%+v %v", res, err)
			}
			after := entryOf(t, s, "p1")
			if after.Amount.Decimal.StringFixed(2) != "2500.00" {
				t.Errorf("amount: %v", after.Amount)
			}
			want := before
			want.Amount = after.Amount
			if ledger.ContentHash(after) != ledger.ContentHash(want) {
				t.Errorf("other fields changed: %s", ledger.Changes(ledger.Diff(want, after)))
			}
			if after.Toward != "n1" || after.Note != "to be confirmed" || after.Source != "Ministry statement" ||
				len(after.Sectors) != 2 || after.Qualifier != ledger.AtLeast || !after.Illustrative {
				t.Errorf("p1 after: %+v", after)
			}
			hist, _ := s.History(ctx, "p1")
			if len(hist) != 2 || hist[1].Reason != "Q3" {
				t.Errorf("history: %+v", hist)
			}
			// The same file again changes nothing.
			res, err = importString(t, s, "six.csv", six, store.ImportOptions{Amend: true, Reason: "Q3"})
			if err != nil || res.Amended != 0 || res.Skipped != 3 {
				t.Errorf("again: %+v %v", res, err)
			}
		})

		t.Run("an empty cell in a present column clears the field", func(t *testing.T) {
			f := "ref,kind,party,date,note,toward\np1,pledge,BEL,2021-03,,\n"
			res, err := importString(t, s, "clear.csv", f, store.ImportOptions{Amend: true, Reason: "no note", DryRun: true})
			if err != nil {
				t.Fatal(err)
			}
			if o := outcome(t, res, "p1"); ledger.Changes(o.Changes) != `toward n1 -> ""; note "to be confirmed" -> ""` {
				t.Errorf("dry run: %q", ledger.Changes(o.Changes))
			}
			if _, err := importString(t, s, "clear.csv", f, store.ImportOptions{Amend: true, Reason: "no note"}); err != nil {
				t.Fatal(err)
			}
			e := entryOf(t, s, "p1")
			if e.Note != "" || e.Toward != "" || e.Source != "Ministry statement" || e.Amount.Decimal.StringFixed(2) != "2500.00" {
				t.Errorf("p1: %+v", e)
			}
		})

		t.Run("a partial row that is no whole entry corrects a known ref, and is refused for a new one", func(t *testing.T) {
			// A deployment without quantity or asset columns: not an entry
			// by itself, but a correction of f16's end.
			f := "ref,kind,party,date,end\nf16,deployment,BEL,2021,2021-12\nf17,deployment,BEL,2021,2021-12\n"
			res, err := importString(t, s, "end.csv", f, store.ImportOptions{Amend: true, Reason: "extended"})
			if err == nil || !strings.Contains(err.Error(), "end.csv:3: quantity:") || strings.Contains(err.Error(), "end.csv:2:") {
				t.Fatalf("want line 3 refused for its quantity, line 2 fine: %v", err)
			}
			if o := outcome(t, res, "f16"); o.Action != store.RowAmend || ledger.Changes(o.Changes) != "end 2021-10 -> 2021-12" {
				t.Errorf("f16: %+v", o)
			}
			if o := outcome(t, res, "f17"); o.Action != store.RowRefused || len(o.Problems) == 0 {
				t.Errorf("f17: %+v", o)
			}
			f = "ref,kind,party,date,end\nf16,deployment,BEL,2021,2021-12\n"
			if _, err := importString(t, s, "end.csv", f, store.ImportOptions{Amend: true, Reason: "extended"}); err != nil {
				t.Fatal(err)
			}
			if e := entryOf(t, s, "f16"); e.End.String() != "2021-12" || e.Quantity != 4 || e.Asset != "F-16" || e.Note != "four jets" {
				t.Errorf("f16: %+v", e)
			}
		})

		t.Run("a correction is still checked as a whole", func(t *testing.T) {
			f := "ref,kind,party,date,toward\np1,pledge,BEL,2021-03,p2\n" // toward a pledge
			_, err := importString(t, s, "link.csv", f, store.ImportOptions{Amend: true, Reason: "x"})
			if err == nil || !strings.Contains(err.Error(), "link.csv:2: toward:") {
				t.Errorf("want a toward problem on line 2: %v", err)
			}
			f = "ref,kind,party,date,amount\nf16,deployment,BEL,2021,5.00\n" // a deployment with an amount and no currency
			if _, err := importString(t, s, "cur.csv", f, store.ImportOptions{Amend: true, Reason: "x"}); err == nil || !strings.Contains(err.Error(), "cur.csv:2: ") {
				t.Errorf("want a problem on line 2: %v", err)
			}
		})

		if res, err := s.Verify(ctx, store.VerifyOptions{}); err != nil {
			t.Fatalf("verify: %+v %v", res, err)
		}
	})
}
