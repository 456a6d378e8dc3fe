package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"

	"github.com/coalition/pledger/internal/ledger"
)

// Head is the state of the ledger at one moment: its last revision, and
// the last link of the chain of every fact (see ledger.Link), which names
// the state.
type Head struct {
	Seq        int64     // 0 for an empty ledger
	Hash       string    // chain hash of revision Seq
	RecordedAt time.Time // when revision Seq was recorded
	State      int64     // the last link of the chain at that moment (0: none)
	StateHash  string    // its hash
}

// StateText names the state as SEQ:HASH, as a report's footer prints it
// and verify --head reads it.
func (h Head) StateText() string {
	if h.State == 0 {
		return ""
	}
	return ledger.FormatState(h.State, h.StateHash)
}

// HeadAsOf resolves an as-of text as a person gives it (RFC 3339, or a date:
// the end of that day, UTC; "" is the latest state) to the ledger state
// recorded then. It is the one as-of resolver of the CLI, the web and the
// API.
func (s *Store) HeadAsOf(ctx context.Context, text string) (Head, error) {
	if text == "" {
		return s.Head(ctx)
	}
	t, err := ledger.ParseAsOf(text)
	if err != nil {
		return Head{}, err
	}
	return s.AsOf(ctx, t)
}

// Head returns the latest state of the ledger.
func (s *Store) Head(ctx context.Context) (Head, error) {
	return s.AsOf(ctx, time.Time{})
}

// AsOf returns the ledger's state as recorded at t (the zero t: now). A
// moment before the first revision is an error, never an empty ledger
// that looks like zero.
func (s *Store) AsOf(ctx context.Context, t time.Time) (Head, error) {
	var row struct {
		Seq        int64  `db:"seq"`
		Hash       string `db:"hash"`
		RecordedAt string `db:"recorded_at"`
		ChainSeq   int64  `db:"chain_seq"`
		ChainHash  string `db:"chain_hash"`
	}
	var err error
	if t.IsZero() {
		err = s.db.GetContext(ctx, &row, `SELECT seq, hash, recorded_at, chain_seq, chain_hash FROM ledger_head WHERE id = 1`)
	} else {
		at := t.UTC().Format(ledger.TimeLayout)
		err = s.db.GetContext(ctx, &row, s.rebind(`SELECT seq, hash, recorded_at, 0 AS chain_seq, '' AS chain_hash FROM revisions WHERE recorded_at <= ? ORDER BY seq DESC LIMIT 1`), at)
		if errors.Is(err, sql.ErrNoRows) {
			return Head{}, s.beforeFirst(ctx, t)
		}
		if err == nil {
			var link struct {
				Seq  int64  `db:"seq"`
				Hash string `db:"hash"`
			}
			switch err2 := s.db.GetContext(ctx, &link, s.rebind(`SELECT seq, hash FROM chain WHERE recorded_at <= ? ORDER BY seq DESC LIMIT 1`), at); {
			case err2 == nil:
				row.ChainSeq, row.ChainHash = link.Seq, link.Hash
			case !errors.Is(err2, sql.ErrNoRows):
				err = err2
			}
		}
	}
	if err != nil {
		return Head{}, fmt.Errorf("store.AsOf: %w", err)
	}
	h := Head{Seq: row.Seq, Hash: row.Hash, State: row.ChainSeq, StateHash: row.ChainHash}
	if row.RecordedAt != "" {
		if h.RecordedAt, err = time.Parse(ledger.TimeLayout, row.RecordedAt); err != nil {
			return Head{}, fmt.Errorf("store.AsOf: %w", err)
		}
	}
	return h, nil
}

// beforeFirst is the error for an as-of moment t with no revision at or
// before it.
func (s *Store) beforeFirst(ctx context.Context, t time.Time) error {
	var first sql.NullString
	if err := s.db.GetContext(ctx, &first, `SELECT min(recorded_at) FROM revisions`); err != nil {
		return fmt.Errorf("store.AsOf: %w", err)
	}
	at := t.UTC().Format(time.RFC3339)
	if !first.Valid {
		return ledger.Fail(ledger.ErrInvalid, "as_of_empty", "as-of", at, "%s: the ledger is empty", at)
	}
	return ledger.Fail(ledger.ErrInvalid, "as_of_before_ledger", "as-of", at,
		"%s is before the ledger existed (its first revision was recorded at %s)", at, first.String)
}

// History returns every revision of ref, oldest first.
func (s *Store) History(ctx context.Context, ref string) ([]ledger.Revision, error) {
	var rows []revRow
	if err := s.db.SelectContext(ctx, &rows, s.rebind(`SELECT `+revColList+` FROM revisions WHERE ref = ? ORDER BY rev`), ref); err != nil {
		return nil, fmt.Errorf("store.History(%q): %w", ref, err)
	}
	if len(rows) == 0 {
		return nil, noSuchRef(ref)
	}
	out := make([]ledger.Revision, len(rows))
	for i := range rows {
		r, err := rows[i].revision()
		if err != nil {
			return nil, fmt.Errorf("store.History(%q): %w", ref, err)
		}
		out[i] = r
	}
	return out, nil
}

// noSuchRef is the error for a ref the ledger does not hold.
func noSuchRef(ref string) error {
	return ledger.Fail(ledger.ErrNotFound, "no_such_ref", "ref", ref, "%q is not in the ledger", ref)
}
