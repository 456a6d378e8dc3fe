package store

import (
	"context"
	"crypto/sha256"
	"database/sql"
	"encoding/hex"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/coalition/pledger/internal/ledger"
	"github.com/coalition/pledger/reports"
)

// headRow is the ledger head as a writer locks it: the last revision and
// the last link of the chain (see ledger.Link).
type headRow struct {
	Seq        int64  `db:"seq"`
	Hash       string `db:"hash"`
	RecordedAt string `db:"recorded_at"`
	ChainSeq   int64  `db:"chain_seq"`
	ChainHash  string `db:"chain_hash"`
	ChainAt    string `db:"chain_at"`
}

// lockHead reads the ledger head and, on PostgreSQL, locks it until the
// transaction ends, so that writers append to the chain one at a time
// (SQLite's immediate transactions already queue writers).
func (tx *Tx) lockHead(ctx context.Context) (headRow, error) {
	if tx.head != nil {
		// Locked by this transaction already, and kept up to date by its
		// writes (appendLink; forgotten at a savepoint's rollback).
		return *tx.head, nil
	}
	q := `SELECT seq, hash, recorded_at, chain_seq, chain_hash, chain_at FROM ledger_head WHERE id = 1`
	if tx.s.dialect == Postgres {
		q += ` FOR UPDATE`
	}
	var h headRow
	if err := tx.GetContext(ctx, &h, q); err != nil {
		return h, fmt.Errorf("store: lock ledger head: %w", err)
	}
	kept := h
	tx.head = &kept
	return h, nil
}

// writeTime is the moment a write records: now, but never before the
// last revision or link, so that time order stays chain order even if the
// clock goes back (as-of queries rely on it).
func (tx *Tx) writeTime(h headRow) time.Time {
	return notBefore(tx.s.now().UTC().Truncate(time.Microsecond), h)
}

// notBefore is at, or the head's last moment if at is before it.
func notBefore(at time.Time, h headRow) time.Time {
	for _, s := range []string{h.RecordedAt, h.ChainAt} {
		if prev, err := time.Parse(ledger.TimeLayout, s); err == nil && at.Before(prev) {
			at = prev
		}
	}
	return at
}

// appendLink seals l after the head h (locked), inserts it and moves the
// head's chain to it. When the state before was verified, the new one is
// too: pledger wrote what the link covers itself.
func (tx *Tx) appendLink(ctx context.Context, h *headRow, l *ledger.Link) error {
	l.Seq, l.PrevHash = h.ChainSeq+1, h.ChainHash
	l.Hash = l.ChainHash()
	at := l.RecordedAt.UTC().Format(ledger.TimeLayout)
	if _, err := tx.exec(ctx, `INSERT INTO chain (seq, what, first_id, last_id, digest, author, recorded_at, prev_hash, hash)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`, l.Seq, l.What, l.First, l.Last, l.Digest, l.Author, at, l.PrevHash, l.Hash); err != nil {
		return fmt.Errorf("store: append to the chain: %w", err)
	}
	// The whole head in one statement: a revisions link's appender has
	// set h's revision columns to the revisions it added.
	if _, err := tx.exec(ctx, `UPDATE ledger_head SET seq = ?, hash = ?, recorded_at = ?, chain_seq = ?, chain_hash = ?, chain_at = ? WHERE id = 1`,
		h.Seq, h.Hash, h.RecordedAt, l.Seq, l.Hash, at); err != nil {
		return fmt.Errorf("store: move the chain head: %w", err)
	}
	if _, err := tx.exec(ctx, `UPDATE verification SET chain_seq = ?, chain_hash = ?, checked_at = ?
		WHERE id = 1 AND chain_seq = ? AND chain_hash = ? AND failure = ''`, l.Seq, l.Hash, at, h.ChainSeq, h.ChainHash); err != nil {
		return fmt.Errorf("store: verification: %w", err)
	}
	h.ChainSeq, h.ChainHash, h.ChainAt = l.Seq, l.Hash, at
	// The next write of this transaction starts from here.
	kept := *h
	tx.head = &kept
	return nil
}

// rateDigest is the digest of the rates with ids first..last, as stored,
// and how many there are.
func (tx *Tx) rateDigest(ctx context.Context, first, last int64) (string, int, error) {
	return rateDigestOf(ctx, tx, first, last)
}

func rateDigestOf(ctx context.Context, q queryer, first, last int64) (string, int, error) {
	d := ledger.NewDigester(ledger.LinkRates)
	rows, err := q.QueryContext(ctx, q.Rebind(`SELECT id, day, base, quote, rate, source, supersedes, author, recorded_at
		FROM rates WHERE id >= ? AND id <= ? ORDER BY id`), first, last)
	if err != nil {
		return "", 0, err
	}
	defer rows.Close()
	for rows.Next() {
		var id int64
		var sup sql.NullInt64
		var day, base, quote, rate, source, author, at string
		if err := rows.Scan(&id, &day, &base, &quote, &rate, &source, &sup, &author, &at); err != nil {
			return "", 0, err
		}
		d.Add(ledger.RateItem(id, day, base, quote, rate, source, sup.Int64, author, at)...)
	}
	return d.Sum(), d.Items(), rows.Err()
}

// partyDigestOf is the digest of the parties a link (seq) recorded, as
// stored, in the bytewise order of their codes (the same on every engine,
// whatever PostgreSQL's collation: a ledger moved between engines keeps
// its digests); legacy is the digest in the database's own order, which
// links recorded on a PostgreSQL server with a language collation used
// before; and the codes.
func partyDigestOf(ctx context.Context, q queryer, seq int64) (digest, legacy string, codes []string, err error) {
	rows, err := q.QueryContext(ctx, q.Rebind(`SELECT code, name, type FROM parties WHERE chain_seq = ? ORDER BY code`), seq)
	if err != nil {
		return "", "", nil, err
	}
	defer rows.Close()
	var ps []ledger.Party
	for rows.Next() {
		var p ledger.Party
		if err := rows.Scan(&p.Code, &p.Name, &p.Type); err != nil {
			return "", "", nil, err
		}
		ps = append(ps, p)
	}
	if err := rows.Err(); err != nil {
		return "", "", nil, err
	}
	sum := func(ps []ledger.Party) string {
		d := ledger.NewDigester(ledger.LinkParties)
		for _, p := range ps {
			d.Add(ledger.PartyItem(p)...)
		}
		return d.Sum()
	}
	legacy = sum(ps)
	slices.SortFunc(ps, func(a, b ledger.Party) int { return strings.Compare(a.Code, b.Code) })
	for _, p := range ps {
		codes = append(codes, p.Code)
	}
	return sum(ps), legacy, codes, nil
}

// queryer is what the digests read through: the store's pool or a
// transaction.
type queryer interface {
	QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error)
	Rebind(string) string
}

// linkParties appends a link for the parties the transaction inserted
// with chain_seq h.ChainSeq+1, if there are any.
func (tx *Tx) linkParties(ctx context.Context, h *headRow, author string) error {
	tx.parties = nil // parties were added: look them up again
	digest, _, codes, err := partyDigestOf(ctx, tx, h.ChainSeq+1)
	if err != nil || len(codes) == 0 {
		return err
	}
	return tx.appendLink(ctx, h, &ledger.Link{What: ledger.LinkParties, Last: int64(len(codes)), Digest: digest,
		Author: author, RecordedAt: tx.writeTime(*h)})
}

// AssetsDigest is the digest of the asset catalog this binary carries.
func AssetsDigest() string {
	b, err := reports.FS.ReadFile("assets.json")
	if err != nil {
		return ""
	}
	sum := sha256.Sum256(b)
	return hex.EncodeToString(sum[:])
}

// adopt brings a ledger recorded before the chain existed into it, once:
// while the chain is empty, one link each for the revisions, the rates and
// the parties already there. Then every write appends its own link.
func (s *Store) adopt(ctx context.Context) error {
	return s.Write(ctx, func(tx *Tx) error {
		h, err := tx.lockHead(ctx)
		if err != nil || h.ChainSeq > 0 {
			return err
		}
		var checkpoints int
		if err := tx.GetContext(ctx, &checkpoints, `SELECT count(*) FROM checkpoints`); err != nil || checkpoints > 0 {
			return err
		}
		const author = "pledger (adopted into the chain)"
		if h.Seq > 0 {
			if err := tx.appendLink(ctx, &h, &ledger.Link{What: ledger.LinkRevisions, First: 1, Last: h.Seq, Digest: h.Hash,
				Author: author, RecordedAt: tx.writeTime(h)}); err != nil {
				return err
			}
		}
		var lo, hi sql.NullInt64
		if err := tx.QueryRowContext(ctx, `SELECT min(id), max(id) FROM rates`).Scan(&lo, &hi); err != nil {
			return fmt.Errorf("store: adopt rates: %w", err)
		}
		if hi.Valid {
			digest, _, err := tx.rateDigest(ctx, lo.Int64, hi.Int64)
			if err != nil {
				return fmt.Errorf("store: adopt rates: %w", err)
			}
			if err := tx.appendLink(ctx, &h, &ledger.Link{What: ledger.LinkRates, First: lo.Int64, Last: hi.Int64, Digest: digest,
				Author: author, RecordedAt: tx.writeTime(h)}); err != nil {
				return err
			}
		}
		if _, err := tx.exec(ctx, `UPDATE parties SET chain_seq = ? WHERE chain_seq = 0`, h.ChainSeq+1); err != nil {
			return fmt.Errorf("store: adopt parties: %w", err)
		}
		if err := tx.linkParties(ctx, &h, author); err != nil {
			return err
		}
		// What was adopted was not written by this chain: the first check
		// (a report's, or verify) goes over all of it.
		_, err = tx.exec(ctx, `UPDATE verification SET chain_seq = 0, chain_hash = '' WHERE id = 1`)
		return err
	})
}

// recordAssets appends a link when the asset catalog this binary carries
// is not the one the chain last recorded: reports read it, so the chain
// says which catalog was in force from when.
func (s *Store) recordAssets(ctx context.Context) error {
	digest := AssetsDigest()
	last, err := s.lastAssets(ctx, s.db)
	if err != nil || last == digest {
		return err
	}
	return s.Write(ctx, func(tx *Tx) error {
		h, err := tx.lockHead(ctx)
		if err != nil {
			return err
		}
		if last, err := s.lastAssets(ctx, tx); err != nil || last == digest {
			return err
		}
		return tx.appendLink(ctx, &h, &ledger.Link{What: ledger.LinkAssets, Digest: digest, Author: "pledger", RecordedAt: tx.writeTime(h)})
	})
}

func (s *Store) lastAssets(ctx context.Context, q queryer) (string, error) {
	rows, err := q.QueryContext(ctx, q.Rebind(`SELECT digest FROM chain WHERE what = ? ORDER BY seq DESC LIMIT 1`), ledger.LinkAssets)
	if err != nil {
		return "", fmt.Errorf("store: asset catalog: %w", err)
	}
	defer rows.Close()
	digest := ""
	if rows.Next() {
		if err := rows.Scan(&digest); err != nil {
			return "", err
		}
	}
	return digest, rows.Err()
}
