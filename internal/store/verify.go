package store

import (
	"context"
	"crypto/ed25519"
	"database/sql"
	"encoding/hex"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/coalition/pledger/internal/ledger"
	"github.com/jmoiron/sqlx"
)

// What verify proves. Every fact a figure depends on is a link of one
// chain (ledger.Link): revisions (each stored column, derived ones
// recomputed and compared), rates, parties, the sectors a ledger added to
// the vocabulary and the asset catalog in force.
// Verify recomputes the chain and every link's digest from what is stored,
// so a change to any stored value, and an insertion or a deletion between
// links, is caught and named. What a writer of the database can still do
// is rewrite the chain whole, or cut its end off; checkpoints (signed with
// a key kept outside the database) catch both from the first checkpoint
// after the change on.

// VerifyOptions are the options of a full verification.
type VerifyOptions struct {
	// TrustedKeys, when set, are the public keys checkpoints must be
	// signed with; a checkpoint signed with any other key fails.
	TrustedKeys []ed25519.PublicKey
}

// VerifyResult says what a full verification checked.
type VerifyResult struct {
	Revisions, Links, Rates, Parties, Checkpoints int64
	Sectors                                       int64    // sectors the ledger added to the vocabulary
	State                                         string   // the state verified, SEQ:HASH ("" when empty)
	Keys                                          []string // the ids of the keys that signed checkpoints
}

// Verify recomputes the whole chain and everything it covers, streaming,
// checks every checkpoint, and records the result (a report reads it: see
// Checked). A failure is an error matching ledger.ErrTampered that names
// what and where.
func (s *Store) Verify(ctx context.Context, opt VerifyOptions) (VerifyResult, error) {
	var res VerifyResult
	h, err := s.headRow(ctx)
	if err != nil {
		return res, err
	}
	v := &verifier{s: s, db: s.db, ctx: ctx, res: &res}
	err = v.check(0, "", h, true)
	if err == nil {
		err = v.checkpoints(opt.TrustedKeys)
	}
	if err == nil {
		res.State = ledger.FormatState(h.ChainSeq, h.ChainHash)
	}
	if rerr := s.recordVerification(ctx, h, err, true); rerr != nil && err == nil {
		err = rerr
	}
	return res, err
}

// Status is what is known of the ledger's integrity.
type Status struct {
	Failure   string    // why the last check failed; "" when it passed
	FullAt    time.Time // the last full verification (zero: never)
	CheckedAt time.Time // the last check, full or since the last verified state
	State     string    // the state verified up to (SEQ:HASH)
}

// OK tells whether the ledger verified.
func (st Status) OK() bool { return st.Failure == "" }

// Status is the last recorded check, without checking anything.
func (s *Store) Status(ctx context.Context) (Status, error) {
	vs, err := s.verification(ctx)
	return vs.status(), err
}

// Checked says whether the ledger verifies, checking only what was
// recorded since the last verified state (a full verification checks the
// rest: pledger verify, a server's start, and periodically). A failure is
// recorded, so that every report after it knows.
func (s *Store) Checked(ctx context.Context) (Status, error) {
	vs, err := s.verification(ctx)
	if err != nil || vs.Failure != "" {
		return vs.status(), err
	}
	h, err := s.headRow(ctx)
	if err != nil {
		return Status{}, err
	}
	if vs.ChainSeq == h.ChainSeq && vs.ChainHash == h.ChainHash {
		return vs.status(), nil
	}
	var res VerifyResult
	v := &verifier{s: s, db: s.db, ctx: ctx, res: &res}
	cerr := v.check(vs.ChainSeq, vs.ChainHash, h, false)
	if err := s.recordVerification(ctx, h, cerr, false); err != nil {
		return Status{}, err
	}
	vs, err = s.verification(ctx)
	return vs.status(), err
}

type verificationRow struct {
	ChainSeq  int64  `db:"chain_seq"`
	ChainHash string `db:"chain_hash"`
	FullAt    string `db:"full_at"`
	CheckedAt string `db:"checked_at"`
	Failure   string `db:"failure"`
}

func (r verificationRow) status() Status {
	st := Status{Failure: r.Failure}
	st.FullAt, _ = time.Parse(ledger.TimeLayout, r.FullAt)
	st.CheckedAt, _ = time.Parse(ledger.TimeLayout, r.CheckedAt)
	if r.ChainSeq > 0 {
		st.State = ledger.FormatState(r.ChainSeq, r.ChainHash)
	}
	return st
}

func (s *Store) verification(ctx context.Context) (verificationRow, error) {
	var r verificationRow
	if err := s.db.GetContext(ctx, &r, `SELECT chain_seq, chain_hash, full_at, checked_at, failure FROM verification WHERE id = 1`); err != nil {
		return r, fmt.Errorf("store: verification: %w", err)
	}
	return r, nil
}

func (s *Store) headRow(ctx context.Context) (headRow, error) {
	var h headRow
	if err := s.db.GetContext(ctx, &h, `SELECT seq, hash, recorded_at, chain_seq, chain_hash, chain_at FROM ledger_head WHERE id = 1`); err != nil {
		return h, fmt.Errorf("store: ledger head: %w", err)
	}
	return h, nil
}

// recordVerification records the outcome of a check up to head h.
func (s *Store) recordVerification(ctx context.Context, h headRow, failure error, full bool) error {
	now := s.now().UTC().Truncate(time.Microsecond).Format(ledger.TimeLayout)
	var err error
	switch {
	case failure != nil && !errors.Is(failure, ledger.ErrTampered):
		return nil // a database error says nothing of the ledger
	case failure != nil:
		msg := failure.Error()
		_, err = s.db.ExecContext(ctx, s.rebind(`UPDATE verification SET failure = ?, checked_at = ? WHERE id = 1`), msg, now)
	case full:
		_, err = s.db.ExecContext(ctx, s.rebind(`UPDATE verification SET chain_seq = ?, chain_hash = ?, full_at = ?, checked_at = ?, failure = '' WHERE id = 1`),
			h.ChainSeq, h.ChainHash, now, now)
	default:
		_, err = s.db.ExecContext(ctx, s.rebind(`UPDATE verification SET chain_seq = ?, chain_hash = ?, checked_at = ? WHERE id = 1 AND failure = ''`),
			h.ChainSeq, h.ChainHash, now)
	}
	if err != nil {
		return fmt.Errorf("store: record verification: %w", err)
	}
	return nil
}

// verifier checks the chain from a verified state on, reading through db:
// the store's pool, or the transaction of a restore, which verifies what
// it wrote before it commits.
type verifier struct {
	s   *Store
	db  reader
	ctx context.Context
	res *VerifyResult
}

// reader is what a verification reads through: *sqlx.DB or a transaction.
// Through a transaction no query may run while another's rows are open
// (lib/pq); the one place that does (a pack's check while revisions are
// read) has no pack to check in a restore's transaction, which removes them.
type reader interface {
	queryer
	QueryxContext(ctx context.Context, query string, args ...any) (*sqlx.Rows, error)
	GetContext(ctx context.Context, dest any, query string, args ...any) error
	SelectContext(ctx context.Context, dest any, query string, args ...any) error
}

func tampered(format string, args ...any) error {
	return fmt.Errorf("%w: %s", ledger.ErrTampered, fmt.Sprintf(format, args...))
}

// links reads the links after seq from, in order.
func (v *verifier) links(from int64) ([]ledger.Link, error) {
	rows, err := v.db.QueryContext(v.ctx, v.db.Rebind(`SELECT seq, what, first_id, last_id, digest, author, recorded_at, prev_hash, hash
		FROM chain WHERE seq > ? ORDER BY seq`), from)
	if err != nil {
		return nil, fmt.Errorf("store.Verify: %w", err)
	}
	defer rows.Close()
	var out []ledger.Link
	for rows.Next() {
		var l ledger.Link
		var at string
		if err := rows.Scan(&l.Seq, &l.What, &l.First, &l.Last, &l.Digest, &l.Author, &at, &l.PrevHash, &l.Hash); err != nil {
			return nil, fmt.Errorf("store.Verify: %w", err)
		}
		if l.RecordedAt, err = time.Parse(ledger.TimeLayout, at); err != nil {
			return nil, tampered("state %d: its time %q cannot be read", l.Seq, at)
		}
		out = append(out, l)
	}
	return out, rows.Err()
}

// check verifies the links after state (from, fromHash), which is taken as
// verified, up to head h, and what they cover; full also checks that
// nothing lies outside the chain.
func (v *verifier) check(from int64, fromHash string, h headRow, full bool) error {
	links, err := v.links(from)
	if err != nil {
		return err
	}
	prev, want := fromHash, from+1
	// The revisions the new links cover follow on from those of the
	// verified state.
	var revFirst, revLast int64
	if from > 0 {
		err := v.db.GetContext(v.ctx, &revLast, v.db.Rebind(`SELECT last_id FROM chain WHERE what = ? AND seq <= ? ORDER BY seq DESC LIMIT 1`), ledger.LinkRevisions, from)
		if err != nil && !errors.Is(err, sql.ErrNoRows) {
			return fmt.Errorf("store.Verify: %w", err)
		}
	}
	var partyLinks, sectorLinks []int64
	ratesCovered := int64(0)
	boundaries := map[int64]string{} // revision seq -> the hash a revisions link names
	for i := range links {
		l := &links[i]
		if l.Seq != want {
			return tampered("state %d is missing from the chain (found state %d next)", want, l.Seq)
		}
		if err := l.Verify(prev); err != nil {
			return err
		}
		prev, want = l.Hash, want+1
		v.res.Links++
		switch l.What {
		case ledger.LinkRevisions:
			if l.First != revLast+1 {
				return tampered("%s does not follow on from revision %d", l.Describe(), revLast)
			}
			if revFirst == 0 {
				revFirst = l.First
			}
			revLast = l.Last
			boundaries[l.Last] = l.Digest
		case ledger.LinkRates:
			digest, n, err := rateDigestOf(v.ctx, v.db, l.First, l.Last)
			if err != nil {
				return fmt.Errorf("store.Verify: %w", err)
			}
			if digest != l.Digest {
				return tampered("the rates of %s are not what was recorded: a rate in ids %d–%d was changed, added or removed", l.Describe(), l.First, l.Last)
			}
			ratesCovered += int64(n)
		case ledger.LinkParties:
			digest, legacy, codes, err := partyDigestOf(v.ctx, v.db, l.Seq)
			if err != nil {
				return fmt.Errorf("store.Verify: %w", err)
			}
			if digest != l.Digest && legacy != l.Digest {
				return tampered("the parties of %s are not what was recorded (now: %s): a party was changed, added or removed", l.Describe(), clipList(codes))
			}
			partyLinks = append(partyLinks, l.Seq)
			v.res.Parties += int64(len(codes))
		case ledger.LinkSectors:
			digest, legacy, codes, err := sectorDigestOf(v.ctx, v.db, l.Seq)
			if err != nil {
				return fmt.Errorf("store.Verify: %w", err)
			}
			if digest != l.Digest && legacy != l.Digest {
				return tampered("the sectors of %s are not what was recorded (now: %s): a sector was changed, added or removed", l.Describe(), clipList(codes))
			}
			sectorLinks = append(sectorLinks, l.Seq)
			v.res.Sectors += int64(len(codes))
		case ledger.LinkAssets:
		default:
			return tampered("%s: unknown kind of link %q", l.Describe(), l.What)
		}
	}
	if prev != h.ChainHash || want-1 != h.ChainSeq {
		return tampered("the chain ends at state %d but the ledger head says state %d: states were removed or the head was moved", want-1, h.ChainSeq)
	}
	v.res.Rates = ratesCovered
	// Revisions: from the first one a new link covers (all of them, in a
	// full check) to the head.
	start := revFirst
	if full {
		start = 1
	}
	if revLast != h.Seq {
		return tampered("the chain's revisions end at %d but the ledger head says %d: revisions were removed or the head was moved", revLast, h.Seq)
	}
	if start > 0 && h.Seq >= start {
		if err := v.revisions(start, h, boundaries); err != nil {
			return err
		}
	}
	if !full {
		return nil
	}
	var rates int64
	if err := v.db.GetContext(v.ctx, &rates, `SELECT count(*) FROM rates`); err != nil {
		return fmt.Errorf("store.Verify: %w", err)
	}
	if rates != ratesCovered {
		return v.strayRate()
	}
	if err := v.checkRatePack(); err != nil {
		return err
	}
	if err := v.strayRows("parties", "party", partyLinks); err != nil {
		return err
	}
	return v.strayRows("sectors", "sector", sectorLinks)
}

// revisions checks revisions start..h.Seq: the chain, every stored column
// against what the revision's fields give, and the links' boundaries.
func (v *verifier) revisions(start int64, h headRow, boundaries map[int64]string) error {
	prev := ""
	if start > 1 {
		if err := v.db.GetContext(v.ctx, &prev, v.db.Rebind(`SELECT hash FROM revisions WHERE seq = ?`), start-1); err != nil {
			return tampered("revision %d is missing", start-1)
		}
	}
	// The packs first: through a transaction (a restore's), no query may
	// run while the revisions' rows are open.
	packs, err := v.packChecks(start, h.Seq)
	if err != nil {
		return err
	}
	rows, err := v.db.QueryxContext(v.ctx, v.db.Rebind(`SELECT `+revColList+` FROM revisions WHERE seq >= ? ORDER BY seq`), start)
	if err != nil {
		return fmt.Errorf("store.Verify: %w", err)
	}
	defer rows.Close()
	n := start - 1
	for rows.Next() {
		var row revRow
		if err := rows.StructScan(&row); err != nil {
			return fmt.Errorf("store.Verify: %w", err)
		}
		n++
		if row.Seq != n {
			return tampered("revision %d is missing (found %d next)", n, row.Seq)
		}
		r, err := row.revision()
		if err != nil {
			return tampered("revision %d (ref %s) cannot be read: %v", row.Seq, row.Ref, err)
		}
		if err := r.Verify(prev); err != nil {
			return err
		}
		if err := row.matches(&r); err != nil {
			return err
		}
		if d, ok := boundaries[r.Seq]; ok && d != r.Hash {
			return tampered("revision %d (ref %s) is not the one its state recorded", r.Seq, r.Ref)
		}
		if err := packs.row(&row); err != nil {
			return err
		}
		prev = r.Hash
		v.res.Revisions++
	}
	if err := rows.Err(); err != nil {
		return fmt.Errorf("store.Verify: %w", err)
	}
	if n != h.Seq || prev != h.Hash {
		return tampered("the revisions end at %d but the ledger head says %d: revisions were removed or the head was moved", n, h.Seq)
	}
	return nil
}

// matches compares every stored column of a revision with what its
// fields give (revValues, the one way a revision is stored): a derived
// column (date_first, date_last, end_last) or a stored form that the
// hashes do not cover differently would change what queries select.
func (row *revRow) matches(r *ledger.Revision) error {
	want, err := revValues(r)
	if err != nil {
		return tampered("revision %d (ref %s): %v", r.Seq, r.Ref, err)
	}
	got := []any{row.Seq, row.Ref, row.Rev, row.Action, nullInt(row.Supersedes), row.Kind, row.Party, row.Date,
		row.DateFirst, row.DateLast, row.EndDate, row.EndLast, nullInt(row.AmountMinor), row.Currency, row.Qualifier,
		nullInt(row.Quantity), row.Asset, row.Sector, row.Location, row.Toward, row.Fulfils, row.Source, row.Note,
		row.Reason, row.Author, row.RecordedAt, row.ContentHash, row.PrevHash, row.Hash, row.Illustrative, row.Title}
	for i, col := range revCols {
		if fmt.Sprint(got[i]) != fmt.Sprint(want[i]) {
			return tampered("revision %d (ref %s): %s is %q, but its recorded fields give %q", r.Seq, r.Ref, col, fmt.Sprint(got[i]), fmt.Sprint(want[i]))
		}
	}
	return nil
}

func nullInt(n sql.NullInt64) any {
	if !n.Valid {
		return nil
	}
	return n.Int64
}

// strayRate names a rate that no link covers.
func (v *verifier) strayRate() error {
	rows, err := v.db.QueryContext(v.ctx, v.db.Rebind(`SELECT r.id, r.day, r.base, r.quote, r.rate, r.source FROM rates r
		WHERE NOT EXISTS (SELECT 1 FROM chain c WHERE c.what = ? AND r.id >= c.first_id AND r.id <= c.last_id) ORDER BY r.id`), ledger.LinkRates)
	if err != nil {
		return fmt.Errorf("store.Verify: %w", err)
	}
	defer rows.Close()
	if rows.Next() {
		var id int64
		var day, base, quote, rate, source string
		if err := rows.Scan(&id, &day, &base, &quote, &rate, &source); err != nil {
			return fmt.Errorf("store.Verify: %w", err)
		}
		return tampered("rate %d (%s %s/%s %s from %s) is in no state of the chain: it was written behind pledger's back", id, day, base, quote, rate, source)
	}
	return tampered("the rates do not add up to what the chain recorded")
}

// strayRows names a row of table (parties, or added sectors: what, in
// words) that no link of its kind covers.
func (v *verifier) strayRows(table, what string, links []int64) error {
	rows, err := v.db.QueryContext(v.ctx, `SELECT code, chain_seq FROM `+table+` ORDER BY code`)
	if err != nil {
		return fmt.Errorf("store.Verify: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var code string
		var seq int64
		if err := rows.Scan(&code, &seq); err != nil {
			return fmt.Errorf("store.Verify: %w", err)
		}
		if !slices.Contains(links, seq) {
			return tampered("%s %s is in no state of the chain: it was written behind pledger's back", what, code)
		}
	}
	return rows.Err()
}

// checkpoints checks each stored checkpoint: its signature, its key (one
// of trusted, when given) and that the chain still passes through it.
func (v *verifier) checkpoints(trusted []ed25519.PublicKey) error {
	cps, err := checkpointsOf(v.ctx, v.db)
	if err != nil {
		return err
	}
	keys := map[string]bool{}
	for _, c := range cps {
		where := fmt.Sprintf("the checkpoint of state %d signed at %s with key %s", c.Seq, c.SignedAt.UTC().Format(ledger.TimeLayout), ledger.KeyID(c.PublicKey))
		if !c.Valid() {
			return tampered("%s: its signature is not valid", where)
		}
		if len(trusted) > 0 && !slices.ContainsFunc(trusted, func(k ed25519.PublicKey) bool { return k.Equal(c.PublicKey) }) {
			return tampered("%s: it is not signed with a trusted key", where)
		}
		var hash string
		err := v.db.GetContext(v.ctx, &hash, v.db.Rebind(`SELECT hash FROM chain WHERE seq = ?`), c.Seq)
		switch {
		case errors.Is(err, sql.ErrNoRows):
			return tampered("%s: the chain no longer has that state: it was cut off after it", where)
		case err != nil:
			return fmt.Errorf("store.Verify: %w", err)
		case hash != c.Hash:
			return tampered("%s: the chain no longer passes through it (state %d is now %s): the ledger was rewritten", where, c.Seq, hash)
		}
		keys[ledger.KeyID(c.PublicKey)] = true
		v.res.Checkpoints++
	}
	for k := range keys {
		v.res.Keys = append(v.res.Keys, k)
	}
	slices.Sort(v.res.Keys)
	return nil
}

// Checkpoints lists the stored checkpoints, oldest first.
func (s *Store) Checkpoints(ctx context.Context) ([]ledger.Checkpoint, error) {
	return checkpointsOf(ctx, s.db)
}

func checkpointsOf(ctx context.Context, q queryer) ([]ledger.Checkpoint, error) {
	rows, err := q.QueryContext(ctx, `SELECT chain_seq, chain_hash, signed_at, public_key, signature FROM checkpoints ORDER BY id`)
	if err != nil {
		return nil, fmt.Errorf("store.Checkpoints: %w", err)
	}
	defer rows.Close()
	var out []ledger.Checkpoint
	for rows.Next() {
		var c ledger.Checkpoint
		var at, pub, sig string
		if err := rows.Scan(&c.Seq, &c.Hash, &at, &pub, &sig); err != nil {
			return nil, fmt.Errorf("store.Checkpoints: %w", err)
		}
		c.SignedAt, _ = time.Parse(ledger.TimeLayout, at)
		c.PublicKey, _ = hex.DecodeString(pub)
		c.Signature, _ = hex.DecodeString(sig)
		out = append(out, c)
	}
	return out, rows.Err()
}

// Checkpoint signs the current state with key and stores the checkpoint.
// A ledger known to fail verification is not signed.
func (s *Store) Checkpoint(ctx context.Context, key ed25519.PrivateKey) (ledger.Checkpoint, error) {
	var c ledger.Checkpoint
	st, err := s.Checked(ctx)
	if err != nil {
		return c, err
	}
	if !st.OK() {
		return c, fmt.Errorf("%w: %s", ledger.ErrTampered, strings.TrimPrefix(st.Failure, ledger.ErrTampered.Error()+": "))
	}
	err = s.Write(ctx, func(tx *Tx) error {
		h, err := tx.lockHead(ctx)
		if err != nil {
			return err
		}
		if h.ChainSeq == 0 {
			return ledger.Fail(ledger.ErrInvalid, "nothing_to_sign", "", "", "the ledger is empty: there is no state to sign")
		}
		c = ledger.SignCheckpoint(key, h.ChainSeq, h.ChainHash, tx.s.now())
		var id int64
		if err := tx.GetContext(ctx, &id, `SELECT COALESCE(max(id), 0) + 1 FROM checkpoints`); err != nil {
			return err
		}
		_, err = tx.exec(ctx, `INSERT INTO checkpoints (id, chain_seq, chain_hash, signed_at, public_key, signature) VALUES (?, ?, ?, ?, ?, ?)`,
			id, c.Seq, c.Hash, c.SignedAt.Format(ledger.TimeLayout), hex.EncodeToString(c.PublicKey), hex.EncodeToString(c.Signature))
		return err
	})
	if err != nil {
		return c, fmt.Errorf("store.Checkpoint: %w", err)
	}
	return c, nil
}

// ContainsState tells whether the chain holds state seq:hash: the state a
// report named is still exactly in the ledger.
func (s *Store) ContainsState(ctx context.Context, seq int64, hash string) error {
	var got string
	err := s.db.GetContext(ctx, &got, s.rebind(`SELECT hash FROM chain WHERE seq = ?`), seq)
	switch {
	case errors.Is(err, sql.ErrNoRows):
		return tampered("the ledger has no state %d: it was cut off, or the state is from another ledger", seq)
	case err != nil:
		return fmt.Errorf("store: %w", err)
	case got != hash:
		return tampered("state %d of the ledger is %s, not %s: the ledger was rewritten since, or the state is from another ledger", seq, got, hash)
	}
	return nil
}

func clipList(codes []string) string {
	if len(codes) == 0 {
		return "none"
	}
	if len(codes) > 6 {
		return strings.Join(codes[:6], ", ") + ", …"
	}
	return strings.Join(codes, ", ")
}
