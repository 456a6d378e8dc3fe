package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"

	"github.com/coalition/pledger/internal/ledger"
)

// Head is the state of the ledger at one moment: its last revision.
type Head struct {
	Seq        int64     // 0 for an empty ledger
	Hash       string    // chain hash of revision Seq
	RecordedAt time.Time // when revision Seq was recorded
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
	}
	var err error
	if t.IsZero() {
		err = s.db.GetContext(ctx, &row, `SELECT seq, hash, recorded_at FROM ledger_head WHERE id = 1`)
	} else {
		err = s.db.GetContext(ctx, &row, s.rebind(`SELECT seq, hash, recorded_at FROM revisions WHERE recorded_at <= ? ORDER BY seq DESC LIMIT 1`),
			t.UTC().Format(ledger.TimeLayout))
		if errors.Is(err, sql.ErrNoRows) {
			return Head{}, s.beforeFirst(ctx, t)
		}
	}
	if err != nil {
		return Head{}, fmt.Errorf("store.AsOf: %w", err)
	}
	h := Head{Seq: row.Seq, Hash: row.Hash}
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

// Verify recomputes the whole hash chain, streaming, and returns the first
// revision that does not match (an error matching ledger.ErrTampered), or
// the number of revisions checked.
func (s *Store) Verify(ctx context.Context) (int64, error) {
	rows, err := s.db.QueryxContext(ctx, `SELECT `+revColList+` FROM revisions ORDER BY seq`)
	if err != nil {
		return 0, fmt.Errorf("store.Verify: %w", err)
	}
	defer rows.Close()
	var n int64
	prev := ""
	for rows.Next() {
		var row revRow
		if err := rows.StructScan(&row); err != nil {
			return n, fmt.Errorf("store.Verify: %w", err)
		}
		n++
		if row.Seq != n {
			return n, fmt.Errorf("%w: revision %d is missing (found %d next)", ledger.ErrTampered, n, row.Seq)
		}
		r, err := row.revision()
		if err != nil {
			return n, fmt.Errorf("%w: revision %d (ref %s) cannot be read: %w", ledger.ErrTampered, row.Seq, row.Ref, err)
		}
		if err := r.Verify(prev); err != nil {
			return n, err
		}
		prev = r.Hash
	}
	if err := rows.Err(); err != nil {
		return n, fmt.Errorf("store.Verify: %w", err)
	}
	head, err := s.Head(ctx)
	if err != nil {
		return n, err
	}
	if head.Seq != n || head.Hash != prev {
		return n, fmt.Errorf("%w: the chain ends at revision %d but the ledger head says %d: revisions were removed", ledger.ErrTampered, n, head.Seq)
	}
	return n, nil
}
