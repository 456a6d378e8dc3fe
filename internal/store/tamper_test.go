package store_test

import (
	"context"
	"crypto/ed25519"
	"crypto/rand"
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/coalition/pledger/internal/csvio"
	"github.com/coalition/pledger/internal/ledger"
	"github.com/coalition/pledger/internal/money"
	"github.com/coalition/pledger/internal/store"
	"github.com/coalition/pledger/internal/store/storetest"
)

// Made-up test entries and rates (not real figures).
const tamperEntries = header +
	"n1,need,COALITION,2021,,670000000,USD,,,,stabilisation,IRQ;SYR,,,s,n\n" +
	"p1,pledge,BEL,2021-03,2021-12,5000000,EUR,at-least,,,demining:40;camps:60,IRQ,n1,,s,n\n" +
	"d1,deployment,BEL,2021,2021-10,,,about,4,F-16,military,IRQ;SYR,,,s,n\n"

const tamperRates = "date,base,quote,rate,source\n2021-03-01,EUR,USD,1.2053,ECB\n2021-03-02,EUR,USD,1.2070,ECB\n"

// tamperLedger is a small ledger: three entries, two rates, the built-in
// parties, in several links of the chain.
func tamperLedger(t *testing.T, engine store.Dialect) *store.Store {
	t.Helper()
	ctx := context.Background()
	s := storetest.Open(t, engine)
	if _, err := importString(t, s, "a.csv", tamperEntries, store.ImportOptions{}); err != nil {
		t.Fatal(err)
	}
	if _, err := s.ImportRates(ctx, csvio.RateBytesSource("rates.csv", []byte(tamperRates), ""), store.RateImportOptions{Author: "test"}); err != nil {
		t.Fatal(err)
	}
	if err := s.AddParty(ctx, ledger.Party{Code: "XCG", Name: "Test Group", Type: "organisation"}, "test"); err != nil {
		t.Fatal(err)
	}
	if _, err := s.Verify(ctx, store.VerifyOptions{}); err != nil {
		t.Fatalf("a clean ledger must verify: %v", err)
	}
	return s
}

// mustFail runs a full verification that must fail, naming want, and
// checks that every report is then refused until the ledger verifies.
func mustFail(t *testing.T, s *store.Store, what string, want ...string) {
	t.Helper()
	ctx := context.Background()
	_, err := s.Verify(ctx, store.VerifyOptions{})
	if testing.Verbose() {
		t.Logf("%s: %v", what, err)
	}
	if !errors.Is(err, ledger.ErrTampered) {
		t.Errorf("%s: verify says %v, want the ledger tampered", what, err)
		return
	}
	for _, w := range want {
		if !strings.Contains(err.Error(), w) {
			t.Errorf("%s: verify says %q, want it to name %q", what, err, w)
		}
	}
	st, err := s.Status(ctx)
	if err != nil || st.OK() {
		t.Errorf("%s: the failure is not recorded: %+v %v", what, st, err)
	}
}

// restore undoes a tampering statement and clears the recorded failure,
// so that the next case starts from a ledger that verifies.
func restore(t *testing.T, s *store.Store, undo ...string) {
	t.Helper()
	for _, q := range undo {
		if _, err := s.DB().Exec(q); err != nil {
			t.Fatalf("%s: %v", q, err)
		}
	}
	if _, err := s.DB().Exec(`UPDATE verification SET failure = ''`); err != nil {
		t.Fatal(err)
	}
	if _, err := s.Verify(context.Background(), store.VerifyOptions{}); err != nil {
		t.Fatalf("after restoring: %v", err)
	}
}

// TestTamperEveryColumn: a change to any stored column of a revision, a
// rate or a party, behind pledger's back, is caught by verify and named.
func TestTamperEveryColumn(t *testing.T) {
	storetest.Each(t, func(t *testing.T, engine store.Dialect) {
		s := tamperLedger(t, engine)
		// p1 is revision 2. Each column is changed, checked and changed
		// back (the values are read first).
		cols := []string{"seq", "ref", "rev", "action", "supersedes", "kind", "party", "date", "date_first", "date_last",
			"end_date", "end_last", "amount_minor", "currency", "qualifier", "quantity", "asset", "sector", "location",
			"toward", "fulfils", "source", "note", "reason", "author", "recorded_at", "content_hash", "prev_hash", "hash",
			"illustrative", "title"}
		numeric := map[string]string{"rev": "rev + 1", "supersedes": "COALESCE(supersedes, 0) + 1000", "amount_minor": "amount_minor + 1",
			"quantity": "COALESCE(quantity, 0) + 1", "illustrative": "1 - illustrative"}
		special := map[string]string{"party": "'NLD'", "qualifier": "''", "kind": "'need'", "currency": "'USD'", "action": "'amend'"}
		for _, col := range cols {
			if col == "seq" {
				mustTamper(t, s, `UPDATE revisions SET seq = 1002 WHERE seq = 2`, "seq", "revision 2 is missing")
				restore(t, s, `UPDATE revisions SET seq = 2 WHERE seq = 1002`)
				continue
			}
			var old any
			if err := s.DB().QueryRow(`SELECT ` + col + ` FROM revisions WHERE seq = 2`).Scan(&old); err != nil {
				t.Fatal(err)
			}
			set := col + " || 'x'"
			if v, ok := numeric[col]; ok {
				set = v
			} else if v, ok := special[col]; ok {
				set = v
			}
			mustTamper(t, s, `UPDATE revisions SET `+col+` = `+set+` WHERE seq = 2`, "revision "+col, "revision 2")
			if _, err := s.DB().Exec(s.DB().Rebind(`UPDATE revisions SET `+col+` = ? WHERE seq = 2`), old); err != nil {
				t.Fatal(err)
			}
			restore(t, s)
		}

		// Rates: every column, an insertion and a deletion.
		for _, c := range []struct{ set, name string }{{"rate = '1.5'", "rate"}, {"day = '2021-03-03'", "day"}, {"base = 'USD', quote = 'EUR'", "pair"},
			{"source = 'manual'", "source"}, {"supersedes = 1", "supersedes"}, {"author = 'mallory'", "author"}, {"recorded_at = recorded_at || 'x'", "recorded_at"}} {
			var day, base, quote, rate, source, author, at string
			if err := s.DB().QueryRow(`SELECT day, base, quote, rate, source, author, recorded_at FROM rates WHERE id = (SELECT min(id) FROM rates)`).Scan(&day, &base, &quote, &rate, &source, &author, &at); err != nil {
				t.Fatal(err)
			}
			mustTamper(t, s, `UPDATE rates SET `+c.set+` WHERE id = (SELECT min(id) FROM rates)`, "rate "+c.name, "the rates of state")
			if _, err := s.DB().Exec(s.DB().Rebind(`UPDATE rates SET day = ?, base = ?, quote = ?, rate = ?, source = ?, supersedes = NULL, author = ?, recorded_at = ?
				WHERE id = (SELECT min(id) FROM rates)`), day, base, quote, rate, source, author, at); err != nil {
				t.Fatal(err)
			}
			restore(t, s)
		}
		mustTamper(t, s, `INSERT INTO rates (id, day, base, quote, rate, source, author, recorded_at) VALUES (9999, '2021-03-05', 'EUR', 'USD', '2', 'ECB', 'x', '2021-03-05T00:00:00.000000Z')`,
			"a rate added", "rate 9999", "in no state")
		restore(t, s, `DELETE FROM rates WHERE id = 9999`)

		// Parties: a name, a party added, a party removed.
		mustTamper(t, s, `UPDATE parties SET name = 'Mallory' WHERE code = 'XCG'`, "party name", "the parties of state", "XCG")
		restore(t, s, `UPDATE parties SET name = 'Test Group' WHERE code = 'XCG'`)
		mustTamper(t, s, `INSERT INTO parties (code, name, type, chain_seq) VALUES ('ZZZQ', 'Forged', 'organisation', 0)`, "a party added", "party ZZZQ")
		restore(t, s, `DELETE FROM parties WHERE code = 'ZZZQ'`)
		mustTamper(t, s, `DELETE FROM parties WHERE code = 'XCG'`, "a party removed", "the parties of state")
		restore(t, s, `INSERT INTO parties (code, name, type, chain_seq) VALUES ('XCG', 'Test Group', 'organisation', 5)`)
		// An exact entry's qualifier emptied: the hashes read it as exact,
		// queries would not.
		mustTamper(t, s, `UPDATE revisions SET qualifier = '' WHERE ref = 'n1'`, "qualifier emptied", "ref n1", "qualifier")
	})
}

// mustTamper runs a tampering statement and checks that verify catches it.
func mustTamper(t *testing.T, s *store.Store, q, what string, want ...string) {
	t.Helper()
	if _, err := s.DB().Exec(q); err != nil {
		t.Fatalf("%s: %s: %v", what, q, err)
	}
	mustFail(t, s, what, want...)
}

// TestTamperReportsRefused: after verify found the ledger tampered, every
// report is refused (ErrTampered), unless allowed; then it is marked.
func TestTamperReportsRefused(t *testing.T) {
	storetest.Each(t, func(t *testing.T, engine store.Dialect) {
		ctx := context.Background()
		s := tamperLedger(t, engine)
		// The 670 M need moved out of 2021 by its derived columns.
		mustTamper(t, s, `UPDATE revisions SET date_first = '2030-01-01', date_last = '2030-12-31' WHERE ref = 'n1'`,
			"derived dates", "ref n1", "date_first")
		// Checked (what every report asks) knows, and does not forget.
		st, err := s.Checked(ctx)
		if err != nil || st.OK() || !strings.Contains(st.Failure, "ref n1") {
			t.Errorf("checked: %+v %v", st, err)
		}
	})
}

// TestTamperCaughtByCheckpoints: cutting off the newest revisions and
// moving the head back, or rewriting an old revision and recomputing the
// whole chain (which needs no key), leaves a chain that holds together;
// a signed checkpoint after them catches both. verify names the
// checkpoint.
func TestTamperCaughtByCheckpoints(t *testing.T) {
	storetest.Each(t, func(t *testing.T, engine store.Dialect) {
		ctx := context.Background()
		_, key, err := ed25519.GenerateKey(rand.Reader)
		if err != nil {
			t.Fatal(err)
		}

		// Truncation: a fourth entry, a checkpoint, then the entry, its
		// link and the heads are cut back.
		s := tamperLedger(t, engine)
		if _, err := importString(t, s, "b.csv", header+"p2,pledge,NLD,2021,,7,EUR,,,,,,n1,,,\n", store.ImportOptions{}); err != nil {
			t.Fatal(err)
		}
		cp, err := s.Checkpoint(ctx, key)
		if err != nil {
			t.Fatal(err)
		}
		if res, err := s.Verify(ctx, store.VerifyOptions{TrustedKeys: []ed25519.PublicKey{key.Public().(ed25519.PublicKey)}}); err != nil || res.Checkpoints != 1 {
			t.Fatalf("verify with the checkpoint: %+v %v", res, err)
		}
		if err := s.ContainsState(ctx, cp.Seq, cp.Hash); err != nil {
			t.Errorf("the ledger holds the checkpoint's state: %v", err)
		}
		var prevHash, prevChain string
		var prevSeq, prevChainSeq int64
		s.DB().QueryRow(`SELECT seq, hash FROM revisions WHERE seq = (SELECT max(seq) - 1 FROM revisions)`).Scan(&prevSeq, &prevHash)
		s.DB().QueryRow(`SELECT seq, hash FROM chain WHERE seq = (SELECT max(seq) - 1 FROM chain)`).Scan(&prevChainSeq, &prevChain)
		for _, q := range []string{
			`DELETE FROM revisions WHERE seq = (SELECT max(seq) FROM revisions)`,
			`DELETE FROM chain WHERE seq = (SELECT max(seq) FROM chain)`,
			fmt.Sprintf(`UPDATE ledger_head SET seq = %d, hash = '%s', chain_seq = %d, chain_hash = '%s'`, prevSeq, prevHash, prevChainSeq, prevChain),
		} {
			if _, err := s.DB().Exec(q); err != nil {
				t.Fatal(err)
			}
		}
		mustFail(t, s, "truncation", "checkpoint of state", "cut off")
		if err := s.ContainsState(ctx, cp.Seq, cp.Hash); !errors.Is(err, ledger.ErrTampered) {
			t.Errorf("the ledger no longer holds the checkpoint's state, but ContainsState says %v", err)
		}

		// Recomputation: an old amount changed and every hash after it
		// recomputed, by someone without the key.
		s = tamperLedger(t, engine)
		if _, err := s.Checkpoint(ctx, key); err != nil {
			t.Fatal(err)
		}
		recompute(t, s, "p1", func(e *ledger.Entry) {
			e.Amount.Decimal = e.Amount.Decimal.Mul(money.FromMinor(1000, money.MustCurrency("EUR")))
		})
		mustFail(t, s, "recomputed chain", "checkpoint of state", "rewritten")

		// Without a checkpoint, a recomputed chain holds together: that is
		// what checkpoints are for (the README says so).
		s = tamperLedger(t, engine)
		recompute(t, s, "p1", func(e *ledger.Entry) { e.Note = "rewritten" })
		if _, err := s.Verify(ctx, store.VerifyOptions{}); err != nil {
			t.Errorf("a recomputed chain without a checkpoint: %v", err)
		}

		// A checkpoint signed with another key than the trusted one.
		s = tamperLedger(t, engine)
		_, other, _ := ed25519.GenerateKey(rand.Reader)
		if _, err := s.Checkpoint(ctx, other); err != nil {
			t.Fatal(err)
		}
		_, err = s.Verify(ctx, store.VerifyOptions{TrustedKeys: []ed25519.PublicKey{key.Public().(ed25519.PublicKey)}})
		if !errors.Is(err, ledger.ErrTampered) || !strings.Contains(err.Error(), "trusted key") {
			t.Errorf("a checkpoint with an untrusted key: %v", err)
		}
	})
}

// recompute changes entry ref as change says and recomputes every hash
// from it on: its content hash, the revision chain, the links and the
// heads, as someone with write access but no key could.
func recompute(t *testing.T, s *store.Store, ref string, change func(*ledger.Entry)) {
	t.Helper()
	ctx := context.Background()
	db := s.DB()
	var refs []string
	rows, err := db.Query(`SELECT ref FROM revisions ORDER BY seq`)
	if err != nil {
		t.Fatal(err)
	}
	for rows.Next() {
		var r string
		rows.Scan(&r)
		refs = append(refs, r)
	}
	rows.Close()
	prev := ""
	hashes := map[int64]string{}
	for i, r := range refs {
		hist, err := s.History(ctx, r)
		if err != nil {
			t.Fatal(err)
		}
		var rev ledger.Revision
		for _, h := range hist {
			if h.Seq == int64(i+1) {
				rev = h
			}
		}
		if r == ref {
			change(&rev.Entry)
		}
		rev.Seal(prev)
		if rev.Entry.Amount.Valid {
			minor, _ := money.ToMinor(rev.Entry.Amount.Decimal, rev.Entry.Currency)
			if _, err := db.Exec(db.Rebind(`UPDATE revisions SET amount_minor = ? WHERE seq = ?`), minor, rev.Seq); err != nil {
				t.Fatal(err)
			}
		}
		if _, err := db.Exec(db.Rebind(`UPDATE revisions SET note = ?, content_hash = ?, prev_hash = ?, hash = ? WHERE seq = ?`),
			rev.Entry.Note, rev.Content, rev.PrevHash, rev.Hash, rev.Seq); err != nil {
			t.Fatal(err)
		}
		prev = rev.Hash
		hashes[rev.Seq] = rev.Hash
	}
	var links []ledger.Link
	lrows, err := db.Query(`SELECT seq, what, first_id, last_id, digest, author, recorded_at FROM chain ORDER BY seq`)
	if err != nil {
		t.Fatal(err)
	}
	for lrows.Next() {
		var l ledger.Link
		var at string
		lrows.Scan(&l.Seq, &l.What, &l.First, &l.Last, &l.Digest, &l.Author, &at)
		l.RecordedAt, _ = time.Parse(ledger.TimeLayout, at)
		links = append(links, l)
	}
	lrows.Close()
	prevLink := ""
	for _, l := range links {
		if l.What == ledger.LinkRevisions {
			l.Digest = hashes[l.Last]
		}
		l.PrevHash = prevLink
		l.Hash = l.ChainHash()
		if _, err := db.Exec(db.Rebind(`UPDATE chain SET digest = ?, prev_hash = ?, hash = ? WHERE seq = ?`), l.Digest, l.PrevHash, l.Hash, l.Seq); err != nil {
			t.Fatal(err)
		}
		prevLink = l.Hash
	}
	if _, err := db.Exec(db.Rebind(`UPDATE ledger_head SET hash = ?, chain_hash = ?`), prev, prevLink); err != nil {
		t.Fatal(err)
	}
	if _, err := db.Exec(db.Rebind(`UPDATE verification SET chain_hash = ?`), prevLink); err != nil {
		t.Fatal(err)
	}
}
