package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"

	"github.com/coalition/pledger/internal/ledger"
)

// linkTarget is what a link check needs to know about the entry a ref names.
type linkTarget struct {
	Kind  string `db:"kind"`
	Party string `db:"party"`
}

// checkLinks checks e's toward and fulfils against the current ledger. A
// failed look-up is an error, never a problem with the entry.
func (tx *Tx) checkLinks(ctx context.Context, e ledger.Entry, line int) ([]ledger.Problem, error) {
	var ps ledger.Problems
	for _, l := range []struct{ field, ref string }{{"toward", e.Toward}, {"fulfils", e.Fulfils}} {
		if l.ref == "" {
			continue
		}
		var t linkTarget
		q := `SELECT r.kind, r.party FROM revisions r WHERE ` + latestCond + ` AND r.action <> 'void' AND r.ref = ?`
		err := tx.GetContext(ctx, &t, tx.Rebind(q), l.ref)
		if errors.Is(err, sql.ErrNoRows) {
			ps.Add(line, l.field, "no entry with ref %q", l.ref)
			continue
		}
		if err != nil {
			return nil, fmt.Errorf("store: look up %s %q: %w", l.field, l.ref, err)
		}
		if msg := ledger.CheckLink(l.field, e.Kind, e.Party, ledger.Kind(t.Kind), t.Party); msg != "" {
			ps.Add(line, l.field, "%s: %s", l.ref, msg)
		}
	}
	return ps.List, nil
}

// appendOne adds a single revision to the chain.
func (tx *Tx) appendOne(ctx context.Context, r *ledger.Revision) error {
	a, err := tx.newAppender(ctx)
	if err != nil {
		return err
	}
	a.single()
	if err := a.add(r); err != nil {
		return err
	}
	return a.close(ctx)
}

// Add records a new entry (already validated by ledger.Parse) as revision 1
// of its ref. A ref in use is a conflict; a broken link is invalid.
func (s *Store) Add(ctx context.Context, e ledger.Entry, author string) (r ledger.Revision, err error) {
	err = s.InTx(ctx, func(tx *Tx) error {
		r, err = tx.Add(ctx, e, author)
		return err
	})
	return r, err
}

// Add is Store.Add inside a transaction.
func (tx *Tx) Add(ctx context.Context, e ledger.Entry, author string) (ledger.Revision, error) {
	r := ledger.Revision{Ref: e.Ref, Rev: 1, Action: ledger.Add, Entry: e, Author: author}
	err := func() error {
		var n int
		if err := tx.GetContext(ctx, &n, tx.Rebind(`SELECT count(*) FROM revisions WHERE ref = ?`), e.Ref); err != nil {
			return fmt.Errorf("store.Add(%q): %w", e.Ref, err)
		}
		if n > 0 {
			return ledger.Fail(ledger.ErrConflict, "ref_exists", "ref", e.Ref, "%q is already in the ledger", e.Ref)
		}
		ps, err := tx.checkLinks(ctx, e, 0)
		if err != nil {
			return err
		}
		if len(ps) > 0 {
			return &ledger.Problems{List: ps}
		}
		return tx.appendOne(ctx, &r)
	}()
	return r, err
}

// Amend records a correction of ref: the fields in changes replace the
// current ones, and the result is validated as a whole.
func (s *Store) Amend(ctx context.Context, ref string, changes ledger.Fields, reason, author string) (r ledger.Revision, err error) {
	err = s.InTx(ctx, func(tx *Tx) error {
		r, err = tx.Amend(ctx, ref, changes, reason, author)
		return err
	})
	return r, err
}

// Amend is Store.Amend inside a transaction.
func (tx *Tx) Amend(ctx context.Context, ref string, changes ledger.Fields, reason, author string) (ledger.Revision, error) {
	var r ledger.Revision
	if ps := ledger.CheckReason(reason); len(ps) > 0 {
		return r, &ledger.Problems{List: ps}
	}
	known := tx.PartyCheck(ctx)
	err := func() error {
		cur, err := tx.current(ctx, ref)
		if err != nil {
			return err
		}
		if cur.Action == ledger.Void {
			return fmt.Errorf("%w: %s was withdrawn (voided) in revision %d; add a new entry instead", ledger.ErrConflict, ref, cur.Rev)
		}
		e, ps := ledger.Amended(cur.Entry, changes, known.Known)
		if err := known.Err(); err != nil {
			return err
		}
		if len(ps) == 0 {
			if ps, err = tx.checkLinks(ctx, e, 0); err != nil {
				return err
			}
		}
		if len(ps) > 0 {
			return &ledger.Problems{List: ps}
		}
		r = ledger.Revision{Ref: ref, Rev: cur.Rev + 1, Action: ledger.Amend, Supersedes: cur.Seq, Entry: e, Reason: reason, Author: author}
		return tx.appendOne(ctx, &r)
	}()
	return r, err
}

// Void withdraws ref: a new revision that keeps the content and says why.
func (s *Store) Void(ctx context.Context, ref, reason, author string) (r ledger.Revision, err error) {
	err = s.InTx(ctx, func(tx *Tx) error {
		r, err = tx.Void(ctx, ref, reason, author)
		return err
	})
	return r, err
}

// Void is Store.Void inside a transaction.
func (tx *Tx) Void(ctx context.Context, ref, reason, author string) (ledger.Revision, error) {
	var r ledger.Revision
	if ps := ledger.CheckReason(reason); len(ps) > 0 {
		return r, &ledger.Problems{List: ps}
	}
	err := func() error {
		cur, err := tx.current(ctx, ref)
		if err != nil {
			return err
		}
		if cur.Action == ledger.Void {
			return fmt.Errorf("%w: %s is already withdrawn (revision %d)", ledger.ErrConflict, ref, cur.Rev)
		}
		r = ledger.Revision{Ref: ref, Rev: cur.Rev + 1, Action: ledger.Void, Supersedes: cur.Seq, Entry: cur.Entry, Reason: reason, Author: author}
		return tx.appendOne(ctx, &r)
	}()
	return r, err
}

// current reads the latest revision of ref inside the transaction.
func (tx *Tx) current(ctx context.Context, ref string) (ledger.Revision, error) {
	var row revRow
	q := `SELECT ` + prefixed("r.", revCols) + ` FROM revisions r WHERE ` + latestCond + ` AND r.ref = ?`
	err := tx.GetContext(ctx, &row, tx.Rebind(q), ref)
	if errors.Is(err, sql.ErrNoRows) {
		return ledger.Revision{}, noSuchRef(ref)
	}
	if err != nil {
		return ledger.Revision{}, fmt.Errorf("store: current revision of %q: %w", ref, err)
	}
	return row.revision()
}

// ChainWarnings says what is odd about e's place in its chain (see
// ledger.ChainWarnings): nothing when e fulfils nothing, or nothing that is
// in the ledger.
func (s *Store) ChainWarnings(ctx context.Context, e ledger.Entry) ([]ledger.Problem, error) {
	if e.Fulfils == "" {
		return nil, nil
	}
	var target *ledger.Entry
	var others []ledger.Entry
	err := s.Entries(ctx, Filter{Ref: e.Fulfils}, func(r ledger.Revision) error { target = &r.Entry; return nil })
	if err == nil && target != nil {
		err = s.Entries(ctx, Filter{Fulfils: e.Fulfils}, func(r ledger.Revision) error { others = append(others, r.Entry); return nil })
	}
	if err != nil || target == nil {
		return nil, err
	}
	return ledger.ChainWarnings(e, *target, others), nil
}
