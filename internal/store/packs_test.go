package store_test

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/coalition/pledger/internal/benchgen"
	"github.com/coalition/pledger/internal/csvio"
	"github.com/coalition/pledger/internal/ledger"
	"github.com/coalition/pledger/internal/store"
	"github.com/coalition/pledger/internal/store/storetest"
)

// amountRows is every row a scan gives, as text, sorted: what a report
// sees, whatever the order or the parts.
func amountRows(t *testing.T, s *store.Store, f store.Filter) []string {
	t.Helper()
	out := make([][]string, 3)
	err := s.Amounts(context.Background(), f, 3, func(p int, a *store.Amount) error {
		out[p] = append(out[p], fmt.Sprintf("%s|%s|%s|%s|%s|%s|%s|%d|%t|%s|%s|%s|%s", a.Ref, a.Kind, a.Party, a.Date, a.End,
			a.Currency, a.Qualifier, a.Minor, a.Illustrative, a.Sector, a.Location, a.Toward, a.Fulfils))
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	all := slices.Concat(out...)
	slices.Sort(all)
	return all
}

// packLedger imports a generated ledger of n entries, amends and voids a
// few, and returns the store (packs cover 64 seqs while the test runs).
func packLedger(t *testing.T, engine store.Dialect, n int) *store.Store {
	t.Helper()
	ctx := context.Background()
	s := storetest.Open(t, engine)
	files, _, err := benchgen.Write(t.TempDir(), benchgen.Config{Entries: n, Seed: 3})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := s.Import(ctx, csvio.FileSource(files.Entries, csvio.Options{}, nil), store.ImportOptions{Author: "t"}); err != nil {
		t.Fatal(err)
	}
	var refs []string
	for _, r := range current(t, s, store.Filter{Kinds: []ledger.Kind{ledger.Pledge}, Limit: 40}) {
		refs = append(refs, r.Ref)
	}
	for i, ref := range refs {
		if i%2 == 0 {
			if _, err := s.Amend(ctx, ref, 0, ledger.Fields{"note": "amended"}, "fix", "t"); err != nil {
				t.Fatal(err)
			}
		} else if _, err := s.Void(ctx, ref, 0, "gone", "t"); err != nil && !errors.Is(err, ledger.ErrConflict) {
			t.Fatal(err)
		}
	}
	return s
}

// Reading packs gives exactly the rows the revisions give, for every
// kind of filter a report uses, at the head and as of earlier states.
func TestPacksReadLikeRows(t *testing.T) {
	storetest.Each(t, func(t *testing.T, engine store.Dialect) {
		ctx := context.Background()
		s := packLedger(t, engine, 3000)
		head, err := s.Head(ctx)
		if err != nil {
			t.Fatal(err)
		}
		filters := []store.Filter{
			{},
			{Wide: true},
			{WithVoided: true, Wide: true},
			{Kinds: []ledger.Kind{ledger.Pledge, ledger.Commitment, ledger.Disbursement}, Wide: true},
			{Kinds: []ledger.Kind{ledger.Need}},
			{Parties: []string{"BEL", "USA", "EU"}},
			{From: "2016-01-01", To: "2019-12-31"},
			{From: "2016-01-01", To: "2019-12-31", Straddling: true},
			{From: "2020-03-01", Straddling: true},
			{To: "2018-06-30"},
			{Sectors: []string{"demining", "multiple"}},
			{Locations: []string{"IRQ"}, Parties: []string{"DEU", "FRA"}},
		}
		seqs := []int64{head.Seq, head.Seq - 37, 1500, 70}
		// Before: no packs (a block is larger than the ledger).
		var want [][]string
		for _, seq := range seqs {
			for _, f := range filters {
				f.Seq = seq
				want = append(want, amountRows(t, s, f))
			}
		}
		defer store.SetPackBlock(64)()
		made, err := s.BuildPacks(ctx, 0)
		if err != nil {
			t.Fatal(err)
		}
		if made < int(head.Seq/64)-1 {
			t.Fatalf("made %d packs, want %d", made, head.Seq/64)
		}
		i := 0
		for _, seq := range seqs {
			for _, f := range filters {
				f.Seq = seq
				got := amountRows(t, s, f)
				if !slices.Equal(got, want[i]) {
					t.Fatalf("seq %d, filter %+v: packs give %d rows, rows %d; first differences:\n%s", seq, f, len(got), len(want[i]), diff(got, want[i]))
				}
				if len(got) == 0 && f.Kinds == nil && f.Parties == nil {
					t.Fatalf("seq %d, filter %+v: no rows", seq, f)
				}
				i++
			}
		}
		if _, err := s.Verify(ctx, store.VerifyOptions{}); err != nil {
			t.Fatalf("verify with packs: %v", err)
		}
	})
}

func diff(a, b []string) string {
	var out []string
	for _, x := range a {
		if !slices.Contains(b, x) {
			out = append(out, "+ "+x)
		}
	}
	for _, x := range b {
		if !slices.Contains(a, x) {
			out = append(out, "- "+x)
		}
	}
	if len(out) > 10 {
		out = out[:10]
	}
	return strings.Join(out, "\n")
}

// A report makes the packs it lacks when enough full blocks have none,
// and later revisions are read as rows until their blocks fill.
func TestReportsMakePacks(t *testing.T) {
	storetest.Each(t, func(t *testing.T, engine store.Dialect) {
		ctx := context.Background()
		s := packLedger(t, engine, 1000)
		defer store.SetPackBlock(64)()
		head, _ := s.Head(ctx)
		before := amountRows(t, s, store.Filter{Wide: true})
		var n int
		if err := s.DB().GetContext(ctx, &n, `SELECT count(*) FROM amount_packs`); err != nil {
			t.Fatal(err)
		}
		if want := int(head.Seq / 64); n != want {
			t.Fatalf("%d packs after a scan, want %d", n, want)
		}
		if _, err := s.Amend(ctx, current(t, s, store.Filter{Kinds: []ledger.Kind{ledger.Need}, Limit: 1})[0].Ref, 0,
			ledger.Fields{"amount": "123"}, "fix", "t"); err != nil {
			t.Fatal(err)
		}
		after := amountRows(t, s, store.Filter{Wide: true})
		if slices.Equal(before, after) {
			t.Fatal("an amendment after the packs did not show")
		}
	})
}

// Verify rebuilds every pack from the revisions and names one that is not
// what they give.
func TestVerifyChecksPacks(t *testing.T) {
	storetest.Each(t, func(t *testing.T, engine store.Dialect) {
		ctx := context.Background()
		s := packLedger(t, engine, 1000)
		defer store.SetPackBlock(64)()
		if _, err := s.BuildPacks(ctx, 0); err != nil {
			t.Fatal(err)
		}
		if _, err := s.Verify(ctx, store.VerifyOptions{}); err != nil {
			t.Fatalf("verify: %v", err)
		}
		// A pack whose amount was changed: the figures a report reads
		// would differ from the revisions.
		var data []byte
		if err := s.DB().GetContext(ctx, &data, s.DB().Rebind(`SELECT data FROM amount_packs WHERE lo = ?`), 129); err != nil {
			t.Fatal(err)
		}
		data[len(data)-40] ^= 1
		if _, err := s.DB().ExecContext(ctx, s.DB().Rebind(`UPDATE amount_packs SET data = ? WHERE lo = ?`), data, 129); err != nil {
			t.Fatal(err)
		}
		_, err := s.Verify(ctx, store.VerifyOptions{})
		if !errors.Is(err, ledger.ErrTampered) || !strings.Contains(err.Error(), "129") {
			t.Fatalf("verify of a changed pack: %v", err)
		}
	})
}

// The rate pack gives the rates the table gives, latest and as of any
// moment, and verify names a pack that was changed.
func TestRatePack(t *testing.T) {
	storetest.Each(t, func(t *testing.T, engine store.Dialect) {
		ctx := context.Background()
		s := storetest.Open(t, engine)
		day := func(d string) string { return d }
		set := func(d, q, r string, replace bool) {
			t.Helper()
			if _, err := s.ImportRates(ctx, csvio.RateBytesSource("r.csv", []byte("date,base,quote,rate\n"+day(d)+",EUR,"+q+","+r+"\n"), "manual"),
				store.RateImportOptions{Author: "t", Replace: replace}); err != nil {
				t.Fatal(err)
			}
		}
		set("2021-01-04", "USD", "1.2", false)
		set("2021-01-05", "USD", "1.21", false)
		mid := time.Now()
		time.Sleep(2 * time.Millisecond)
		set("2021-01-05", "USD", "1.22", true)
		set("2021-01-04", "GBP", "0.9", false)
		table := func(asOf time.Time) string {
			tb, err := s.RateTable(ctx, asOf)
			if err != nil {
				t.Fatal(err)
			}
			r, _, err := tb.Cross("EUR", "USD", time.Date(2021, 1, 5, 0, 0, 0, 0, time.UTC), 0)
			if err != nil {
				t.Fatal(err)
			}
			g, _, err := tb.Cross("EUR", "GBP", time.Date(2021, 1, 4, 0, 0, 0, 0, time.UTC), 0)
			if err != nil && asOf.IsZero() {
				t.Fatal(err)
			}
			return r.String() + " " + g.String()
		}
		for range 2 { // the first read makes the pack, the second reads it
			if got := table(time.Time{}); got != "1.22 0.9" {
				t.Fatalf("latest: %s", got)
			}
			if got := table(mid); got != "1.21 0" {
				t.Fatalf("as of before the replacement: %s", got)
			}
			// At or after the latest rate: the pack's own table.
			if got := table(time.Now()); got != "1.22 0.9" {
				t.Fatalf("as of now: %s", got)
			}
		}
		var n int
		if err := s.DB().GetContext(ctx, &n, `SELECT count(*) FROM rate_packs`); err != nil || n != 1 {
			t.Fatalf("%d rate packs (%v), want 1", n, err)
		}
		set("2021-01-06", "USD", "1.23", false) // a new rate: the pack is stale
		if got := table(time.Time{}); got != "1.22 0.9" {
			t.Fatalf("after a new rate: %s", got)
		}
		if _, err := s.Verify(ctx, store.VerifyOptions{}); err != nil {
			t.Fatalf("verify: %v", err)
		}
		var data []byte
		if err := s.DB().GetContext(ctx, &data, `SELECT data FROM rate_packs`); err != nil {
			t.Fatal(err)
		}
		// A rate changed in the rows, or in the table reports read.
		for _, at := range []int{bytes.Index(data, []byte("1.22")), bytes.LastIndex(data, []byte("1.22"))} {
			changed := bytes.Clone(data)
			changed[at+3] = '9'
			if _, err := s.DB().ExecContext(ctx, s.DB().Rebind(`UPDATE rate_packs SET data = ?`), changed); err != nil {
				t.Fatal(err)
			}
			if _, err := s.Verify(ctx, store.VerifyOptions{}); !errors.Is(err, ledger.ErrTampered) || !strings.Contains(err.Error(), "rate pack") {
				t.Fatalf("verify of a rate pack changed at %d of %d: %v", at, len(data), err)
			}
		}
	})
}

// An import writes the packs of the blocks it fills, from first seq to
// last, in its own transaction: the bytes a report or verify would make
// from the stored revisions. Blocks it starts inside of or leaves
// unfinished are left to reports; an import that fails leaves no pack.
func TestImportMakesPacks(t *testing.T) {
	storetest.Each(t, func(t *testing.T, engine store.Dialect) {
		ctx := context.Background()
		defer store.SetPackBlock(64)()
		s := storetest.Open(t, engine)
		dir := t.TempDir()
		files, _, err := benchgen.Write(dir, benchgen.Config{Entries: 1000, Seed: 5})
		if err != nil {
			t.Fatal(err)
		}
		all, err := os.ReadFile(files.Entries)
		if err != nil {
			t.Fatal(err)
		}
		lines := strings.SplitAfter(string(all), "\n")
		header := lines[0]
		// Three imports: rows 1-100 (seqs 1-100: block 1 filled), 101-700
		// (a block begun by the first import, then full ones) and all
		// 1,000 with amounts changed (amendments; the first 700 rows
		// again, unchanged, take no seq).
		part := func(name string, from, to int, change bool) string {
			body := strings.Join(lines[1+from:1+to], "")
			if change {
				body = strings.ReplaceAll(body, ".00,", ".01,")
			}
			p := filepath.Join(dir, name)
			if err := os.WriteFile(p, []byte(header+body), 0o644); err != nil {
				t.Fatal(err)
			}
			return p
		}
		imports := []store.ImportOptions{{Author: "t"}, {Author: "t"}, {Author: "t", Amend: true, Reason: "review"}}
		for i, p := range []string{part("a.csv", 0, 100, false), part("b.csv", 100, 700, false), part("c.csv", 0, 1000, true)} {
			if _, err := s.Import(ctx, csvio.FileSource(p, csvio.Options{}, nil), imports[i]); err != nil {
				t.Fatal(err)
			}
		}
		packs := func() map[int64][]byte {
			var rows []struct {
				Lo   int64  `db:"lo"`
				Data []byte `db:"data"`
			}
			if err := s.DB().SelectContext(ctx, &rows, `SELECT lo, data FROM amount_packs`); err != nil {
				t.Fatal(err)
			}
			out := map[int64][]byte{}
			for _, r := range rows {
				out[r.Lo] = r.Data
			}
			return out
		}
		made := packs()
		head, _ := s.Head(ctx)
		if len(made) < 10 || made[1] == nil || made[65] != nil || made[129] == nil {
			var los []int64
			for lo := range made {
				los = append(los, lo)
			}
			slices.Sort(los)
			t.Fatalf("packs made by the imports (head %d): %v; want 1, not 65 (begun by the first import), 129 and the others filled", head.Seq, los)
		}
		if _, err := s.Verify(ctx, store.VerifyOptions{}); err != nil {
			t.Fatalf("verify of the packs an import made: %v", err)
		}
		// The same bytes as packs made from the stored revisions.
		if _, err := s.DB().ExecContext(ctx, `DELETE FROM amount_packs`); err != nil {
			t.Fatal(err)
		}
		if _, err := s.BuildPacks(ctx, 0); err != nil {
			t.Fatal(err)
		}
		built := packs()
		for lo, data := range made {
			if !bytes.Equal(built[lo], data) {
				t.Errorf("the pack of seq %d an import made differs from the one made from the revisions", lo)
			}
		}
		// A failing import leaves no pack: a bad last row.
		if _, err := s.DB().ExecContext(ctx, `DELETE FROM amount_packs`); err != nil {
			t.Fatal(err)
		}
		bad := part("d.csv", 0, 1000, false)
		body, _ := os.ReadFile(bad)
		body = append(bytes.ReplaceAll(body, []byte("p-"), []byte("q-")), []byte("zz,pledge,BEL,2021-13-01,,1.00,EUR,,,,,,,,generated,,,\n")...)
		if err := os.WriteFile(bad, body, 0o644); err != nil {
			t.Fatal(err)
		}
		if _, err := s.Import(ctx, csvio.FileSource(bad, csvio.Options{}, nil), store.ImportOptions{Author: "t"}); err == nil || !strings.Contains(err.Error(), "2021-13-01") {
			t.Fatalf("an import with a bad last row: %v", err)
		}
		if n := len(packs()); n != 0 {
			t.Fatalf("a failed import left %d packs", n)
		}
	})
}
