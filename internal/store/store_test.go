package store_test

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/coalition/pledger/internal/csvio"
	"github.com/coalition/pledger/internal/ledger"
	"github.com/coalition/pledger/internal/store"
	"github.com/coalition/pledger/internal/store/storetest"
)

func parse(t *testing.T, s *store.Store, f ledger.Fields) ledger.Entry {
	t.Helper()
	known, err := s.PartySet(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	e, ps := ledger.ParseEntry(f, 0, ledger.Known{Party: known}, ledger.RefRequired)
	if len(ps) > 0 {
		t.Fatalf("parse %v: %v", f, ps)
	}
	return e
}

func need(ref string) ledger.Fields {
	return ledger.Fields{"ref": ref, "kind": "need", "party": "COALITION", "date": "2021", "amount": "670000000",
		"currency": "USD", "sector": "stabilisation", "location": "IRQ;SYR"}
}

func current(t *testing.T, s *store.Store, f store.Filter) []ledger.Revision {
	t.Helper()
	var out []ledger.Revision
	if err := s.Entries(context.Background(), f, func(r ledger.Revision) error { out = append(out, r); return nil }); err != nil {
		t.Fatal(err)
	}
	return out
}

func TestRevisionsAndAsOf(t *testing.T) {
	storetest.Each(t, func(t *testing.T, engine store.Dialect) {
		ctx := context.Background()
		s := storetest.Open(t, engine)
		if _, err := s.Add(ctx, parse(t, s, need("n1")), "alice"); err != nil {
			t.Fatal(err)
		}
		p := ledger.Fields{"ref": "p1", "kind": "pledge", "party": "BEL", "date": "2021-03", "amount": "5000000.00",
			"currency": "EUR", "toward": "n1"}
		if _, err := s.Add(ctx, parse(t, s, p), "alice"); err != nil {
			t.Fatal(err)
		}
		if _, err := s.Add(ctx, parse(t, s, p), "alice"); !errors.Is(err, ledger.ErrConflict) {
			t.Fatalf("second add of p1: got %v, want conflict", err)
		}
		before, err := s.Head(ctx)
		if err != nil {
			t.Fatal(err)
		}
		time.Sleep(2 * time.Millisecond)
		r, err := s.Amend(ctx, "p1", 0, ledger.Fields{"amount": "5500000"}, "budget review", "bob")
		if err != nil {
			t.Fatal(err)
		}
		if r.Rev != 2 || r.Supersedes != 2 || r.Action != ledger.Amend {
			t.Fatalf("amend revision: %+v", r)
		}
		if _, err := s.Amend(ctx, "p1", 0, ledger.Fields{"amount": "5500000.00"}, "again", "bob"); !errors.Is(err, ledger.ErrInvalid) {
			t.Fatalf("amend to same content: got %v, want invalid", err)
		}
		if _, err := s.Amend(ctx, "p1", 0, ledger.Fields{"amount": "1"}, "", "bob"); !errors.Is(err, ledger.ErrInvalid) {
			t.Fatalf("amend without reason: got %v", err)
		}
		if _, err := s.Amend(ctx, "nope", 0, ledger.Fields{"amount": "1"}, "x", "bob"); !errors.Is(err, ledger.ErrNotFound) {
			t.Fatalf("amend unknown: got %v", err)
		}
		got := current(t, s, store.Filter{})
		if len(got) != 2 || got[1].Entry.Amount.Decimal.String() != "5500000" || got[1].Author != "bob" {
			t.Fatalf("current after amend: %+v", got)
		}
		if _, err := s.Void(ctx, "p1", 0, "entered by mistake", "carol"); err != nil {
			t.Fatal(err)
		}
		if _, err := s.Void(ctx, "p1", 0, "again", "carol"); !errors.Is(err, ledger.ErrConflict) {
			t.Fatalf("void twice: got %v", err)
		}
		if got := current(t, s, store.Filter{}); len(got) != 1 || got[0].Ref != "n1" {
			t.Fatalf("current after void: %+v", got)
		}
		// As of before the amendment: the original pledge.
		old := current(t, s, store.Filter{Seq: before.Seq})
		if len(old) != 2 || old[1].Entry.Amount.Decimal.String() != "5000000" {
			t.Fatalf("as of %d: %+v", before.Seq, old)
		}
		h, err := s.AsOf(ctx, before.RecordedAt)
		if err != nil || h.Seq != before.Seq || h.Hash != before.Hash {
			t.Fatalf("AsOf(%v) = %+v, %v; want %+v", before.RecordedAt, h, err, before)
		}
		if _, err := s.AsOf(ctx, before.RecordedAt.Add(-time.Hour)); !errors.Is(err, ledger.ErrInvalid) {
			t.Fatalf("as-of before the ledger: got %v", err)
		}
		hist, err := s.History(ctx, "p1")
		if err != nil {
			t.Fatal(err)
		}
		if len(hist) != 3 || hist[2].Action != ledger.Void || hist[2].Reason != "entered by mistake" {
			t.Fatalf("history: %+v", hist)
		}
		if res, err := s.Verify(ctx, store.VerifyOptions{}); err != nil || res.Revisions != 4 {
			t.Fatalf("verify: %+v %v", res, err)
		}
	})
}

func TestLinksChecked(t *testing.T) {
	storetest.Each(t, func(t *testing.T, engine store.Dialect) {
		ctx := context.Background()
		s := storetest.Open(t, engine)
		p := ledger.Fields{"ref": "p1", "kind": "pledge", "party": "BEL", "date": "2021", "amount": "5", "currency": "EUR", "toward": "missing"}
		if _, err := s.Add(ctx, parse(t, s, p), "a"); !errors.Is(err, ledger.ErrInvalid) || !strings.Contains(err.Error(), "toward") {
			t.Fatalf("toward a missing need: %v", err)
		}
		delete(p, "toward")
		if _, err := s.Add(ctx, parse(t, s, p), "a"); err != nil {
			t.Fatal(err)
		}
		c := ledger.Fields{"ref": "c1", "kind": "commitment", "party": "NLD", "date": "2021", "amount": "5", "currency": "EUR", "fulfils": "p1"}
		if _, err := s.Add(ctx, parse(t, s, c), "a"); !errors.Is(err, ledger.ErrInvalid) {
			t.Fatalf("commitment fulfilling another party's pledge: %v", err)
		}
		c["party"] = "BEL"
		if _, err := s.Add(ctx, parse(t, s, c), "a"); err != nil {
			t.Fatal(err)
		}
		d := ledger.Fields{"ref": "d1", "kind": "pledge", "party": "BEL", "date": "2021", "amount": "5", "currency": "EUR", "toward": "c1"}
		if _, err := s.Add(ctx, parse(t, s, d), "a"); !errors.Is(err, ledger.ErrInvalid) {
			t.Fatalf("toward a commitment: %v", err)
		}
	})
}

const header = "ref,kind,party,date,end,amount,currency,qualifier,quantity,asset,sector,location,toward,fulfils,source,note\n"

func importString(t *testing.T, s *store.Store, name, data string, opt store.ImportOptions) (store.ImportResult, error) {
	t.Helper()
	if opt.Author == "" {
		opt.Author = "test"
	}
	return s.Import(context.Background(), csvio.BytesSource(name, []byte(data), csvio.Options{}), opt)
}

func TestImportIdempotentAndAtomic(t *testing.T) {
	storetest.Each(t, func(t *testing.T, engine store.Dialect) {
		ctx := context.Background()
		s := storetest.Open(t, engine)
		good := header +
			"n1,need,COALITION,2021,,670000000,USD,,,,stabilisation,IRQ;SYR,,,seed,\n" +
			"p1,pledge,BEL,2021-03,,5000000,EUR,,,,stabilisation,IRQ,n1,,x,\n" +
			"c1,commitment,BEL,2021-04,,4000000,EUR,,,,stabilisation,IRQ,n1,p1,x,\n" +
			"f16,deployment,BEL,2021,2021-10,,,,4,F-16,military,IRQ;SYR,,,seed,\n"
		res, err := importString(t, s, "a.csv", good, store.ImportOptions{})
		if err != nil {
			t.Fatal(err)
		}
		if res.Added != 4 || res.Head.Seq != 4 {
			t.Fatalf("first import: %+v", res)
		}
		res, err = importString(t, s, "a.csv", good, store.ImportOptions{})
		if err != nil || res.Added != 0 || res.Skipped != 4 || res.Head.Seq != 4 {
			t.Fatalf("re-import: %+v, %v", res, err)
		}
		changed := strings.Replace(good, "5000000,EUR", "6000000,EUR", 1)
		_, err = importString(t, s, "b.csv", changed, store.ImportOptions{})
		if !errors.Is(err, ledger.ErrInvalid) || !strings.Contains(err.Error(), "b.csv:3: ref:") {
			t.Fatalf("differing row without --amend: %v", err)
		}
		res, err = importString(t, s, "b.csv", changed, store.ImportOptions{Amend: true, Reason: "fix"})
		if err != nil || res.Amended != 1 || res.Skipped != 3 {
			t.Fatalf("--amend: %+v, %v", res, err)
		}
		hist, _ := s.History(ctx, "p1")
		if len(hist) != 2 || hist[1].Reason != "fix" {
			t.Fatalf("history after --amend: %+v", hist)
		}
		// A bad file writes nothing and reports every bad line.
		head, _ := s.Head(ctx)
		bad := header +
			"x1,pledge,BEL,2021,,5,EUR,,,,,,,,,\n" +
			"x2,pledge,BEL,2021-02-30,,5,EUR,,,,,,,,,\n" +
			"x3,pledge,BEL,2021,,1.5,JPY,,,,,,,,,\n" +
			"x1,pledge,BEL,2021,,6,EUR,,,,,,,,,\n" +
			"x4,pledge,BEL,2021,,5,EUR,,,,,,nope,,,\n" +
			"x5,commitment,BEL,2021,,5,EUR,,,,,,,n1,,\n"
		_, err = importString(t, s, "bad.csv", bad, store.ImportOptions{})
		if err == nil {
			t.Fatal("bad file imported")
		}
		for _, want := range []string{"bad.csv:3: date:", "bad.csv:4: amount:", "bad.csv:5: ref: duplicate ref \"x1\": already on line 2", "bad.csv:6: toward:", "bad.csv:7: fulfils:"} {
			if !strings.Contains(err.Error(), want) {
				t.Errorf("missing %q in:\n%v", want, err)
			}
		}
		if after, _ := s.Head(ctx); after != head {
			t.Fatalf("bad import changed the ledger: %+v -> %+v", head, after)
		}
		if res, err := s.Verify(ctx, store.VerifyOptions{}); err != nil || res.Revisions != 5 {
			t.Fatalf("verify: %+v %v", res, err)
		}
	})
}

func TestVerifyFindsTampering(t *testing.T) {
	storetest.Each(t, func(t *testing.T, engine store.Dialect) {
		ctx := context.Background()
		s := storetest.Open(t, engine)
		data := header + "n1,need,COALITION,2021,,670000000,USD,,,,,,,,,\np1,pledge,BEL,2021,,5,EUR,,,,,,n1,,,\np2,pledge,NLD,2021,,7,EUR,,,,,,n1,,,\n"
		if _, err := importString(t, s, "a.csv", data, store.ImportOptions{}); err != nil {
			t.Fatal(err)
		}
		if _, err := s.DB().Exec(`UPDATE revisions SET amount_minor = amount_minor + 100 WHERE ref = 'p1'`); err != nil {
			t.Fatal(err)
		}
		_, err := s.Verify(ctx, store.VerifyOptions{})
		if !errors.Is(err, ledger.ErrTampered) || !strings.Contains(err.Error(), "ref p1") {
			t.Fatalf("verify after tampering: %v", err)
		}
	})
}

func TestSameResultOnBothEngines(t *testing.T) {
	// Ordering by ref is by bytes on both engines, whatever the collation.
	var outs []string
	storetest.Each(t, func(t *testing.T, engine store.Dialect) {
		s := storetest.Open(t, engine)
		data := header + "b-1,need,UN,2021,,1,USD,,,,,,,,,\nB_1,need,UN,2021,,1,USD,,,,,,,,,\na.1,need,UN,2021,,1,USD,,,,,,,,,\nA-2,need,UN,2021,,1,USD,,,,,,,,,\n"
		if _, err := importString(t, s, "a.csv", data, store.ImportOptions{}); err != nil {
			t.Fatal(err)
		}
		var refs []string
		for _, r := range current(t, s, store.Filter{}) {
			refs = append(refs, r.Ref)
		}
		outs = append(outs, strings.Join(refs, " "))
		if got, want := outs[len(outs)-1], "A-2 B_1 a.1 b-1"; got != want {
			t.Fatalf("order on %s: %q, want %q", engine, got, want)
		}
	})
}

// A scan split into parts sees every current entry once, amendments and
// voids included, whatever the number of parts.
func TestAmountsInParts(t *testing.T) {
	storetest.Each(t, func(t *testing.T, engine store.Dialect) {
		ctx := context.Background()
		s := storetest.Open(t, engine)
		var b strings.Builder
		b.WriteString(header)
		for i := 0; i < 5000; i++ {
			fmt.Fprintf(&b, "r%d,pledge,BEL,2021,,%d,EUR,about,,,,,,,,\n", i, i+1) // qualified, so the scan names them
		}
		if _, err := importString(t, s, "a.csv", b.String(), store.ImportOptions{}); err != nil {
			t.Fatal(err)
		}
		if _, err := s.Amend(ctx, "r10", 0, ledger.Fields{"amount": "1000000"}, "fix", "a"); err != nil {
			t.Fatal(err)
		}
		if _, err := s.Void(ctx, "r20", 0, "gone", "a"); err != nil {
			t.Fatal(err)
		}
		head, _ := s.Head(ctx)
		for _, parts := range []int{1, 2, 3} {
			var mu sync.Mutex
			seen := map[string]int64{}
			var total int64
			err := s.Amounts(ctx, store.Filter{Seq: head.Seq}, parts, func(p int, a *store.Amount) error {
				mu.Lock()
				defer mu.Unlock()
				seen[string(a.Ref)]++
				total += a.Minor
				return nil
			})
			if err != nil {
				t.Fatal(err)
			}
			// 1..5000 EUR in cents, minus r10's 11 and r20's 21, plus r10's 1000000.
			want := int64(5000*5001/2-11-21+1000000) * 100
			if len(seen) != 4999 || total != want {
				t.Fatalf("%d parts: %d refs, total %d; want 4999, %d", parts, len(seen), total, want)
			}
			for ref, n := range seen {
				if n != 1 {
					t.Fatalf("%d parts: %s seen %d times", parts, ref, n)
				}
			}
		}
	})
}

// A search takes its text literally: _ and % in it match only themselves.
func TestSearchIsLiteral(t *testing.T) {
	storetest.Each(t, func(t *testing.T, engine store.Dialect) {
		s := storetest.Open(t, engine)
		data := header +
			"bel_2021,need,COALITION,2021,,1000,USD,,,,stabilisation,IRQ,,,,\n" +
			"belx2021,need,COALITION,2021,,2000,USD,,,,stabilisation,IRQ,,,,\n" +
			"bel2021,need,COALITION,2021,,3000,USD,,,,stabilisation,IRQ,,,,note 50% done\n" +
			"bel5021,need,COALITION,2021,,4000,USD,,,,stabilisation,IRQ,,,,note 5021 done\n"
		if _, err := importString(t, s, "search.csv", data, store.ImportOptions{}); err != nil {
			t.Fatal(err)
		}
		for search, want := range map[string]string{"bel_2021": "bel_2021", "BEL_2021": "bel_2021", "50%": "bel2021", `l_2`: "bel_2021"} {
			var refs []string
			for _, r := range current(t, s, store.Filter{SearchText: search}) {
				refs = append(refs, r.Ref)
			}
			if strings.Join(refs, ",") != want {
				t.Errorf("search %q: got %v, want %s", search, refs, want)
			}
			n, err := s.CountEntries(context.Background(), store.Filter{SearchText: search})
			if err != nil || n != 1 {
				t.Errorf("count of search %q: %d, %v; want 1", search, n, err)
			}
		}
	})
}

// Rate imports running at the same time both succeed: rate ids are the
// engine's to allocate, and the second import sees what the first wrote.
func TestConcurrentRateImports(t *testing.T) {
	storetest.Each(t, func(t *testing.T, engine store.Dialect) {
		ctx := context.Background()
		s := storetest.Open(t, engine)
		files := []string{
			"date,base,quote,rate,source\n2021-01-04,EUR,USD,1.2296,ECB\n2021-01-05,EUR,USD,1.2271,ECB\n",
			"date,base,quote,rate,source\n2021-01-04,EUR,GBP,0.9016,ECB\n2021-01-05,EUR,GBP,0.9029,ECB\n",
			"date,base,quote,rate,source\n2021-01-04,EUR,JPY,126.62,ECB\n",
			"date,base,quote,rate,source\n2021-01-04,EUR,JPY,126.62,ECB\n",
		}
		var wg sync.WaitGroup
		errs := make([]error, len(files))
		for i, f := range files {
			wg.Go(func() {
				_, errs[i] = s.ImportRates(ctx, csvio.RateBytesSource(fmt.Sprintf("rates%d.csv", i), []byte(f), ""), store.RateImportOptions{Author: "test"})
			})
		}
		wg.Wait()
		for i, err := range errs {
			if err != nil {
				t.Errorf("import %d: %v", i, err)
			}
		}
		rates, err := s.Rates(ctx, store.RateFilter{})
		if err != nil {
			t.Fatal(err)
		}
		if len(rates) != 5 {
			t.Errorf("got %d rates, want 5 (the same file twice records its rate once): %+v", len(rates), rates)
		}
	})
}

// SourceCounts gives, by source, what counting the entries Entries reads
// gives: with a party, a kind, a void and an amendment, and with a sector
// filter (matched in Go).
func TestSourceCounts(t *testing.T) {
	storetest.Each(t, func(t *testing.T, engine store.Dialect) {
		ctx := context.Background()
		s := storetest.Open(t, engine)
		csv := `ref,kind,party,date,amount,currency,sector,source
n1,need,COALITION,2021,100.00,USD,stabilisation,minutes
p1,pledge,BEL,2021-02,10.00,EUR,stabilisation,minutes
p2,pledge,BEL,2021-03,10.00,EUR,demining,press release
p3,pledge,BEL,2021-04,10.00,EUR,stabilisation;demining,press release
p4,pledge,NLD,2021-04,10.00,EUR,demining,
d1,disbursement,BEL,2021-05-01,5.00,EUR,demining,minutes
`
		if _, err := s.Import(ctx, csvio.BytesSource("s.csv", []byte(csv), csvio.Options{}), store.ImportOptions{Author: "t"}); err != nil {
			t.Fatal(err)
		}
		if _, err := s.Void(ctx, "p2", 0, "withdrawn", "t"); err != nil {
			t.Fatal(err)
		}
		for _, f := range []store.Filter{{}, {Parties: []string{"BEL"}}, {Kinds: []ledger.Kind{ledger.Pledge}}, {Parties: []string{"BEL"}, Sectors: []string{"demining"}}, {WithVoided: true}} {
			want := map[string]int{}
			if err := s.Entries(ctx, f, func(r ledger.Revision) error { want[r.Entry.Source]++; return nil }); err != nil {
				t.Fatal(err)
			}
			got, err := s.SourceCounts(ctx, f)
			if err != nil {
				t.Fatal(err)
			}
			if fmt.Sprint(got) != fmt.Sprint(want) || len(want) == 0 {
				t.Errorf("filter %+v: %v, want %v", f, got, want)
			}
		}
	})
}
