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
			ps.List = append(ps.List, ledger.Problem{Line: line, Field: l.field, Code: ledger.CodeNoSuchLink, Value: l.ref,
				Msg: fmt.Sprintf("no entry with ref %q", l.ref)})
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
	return a.addOne(ctx, r)
}

// addOne adds r as the appender's one revision and closes it.
func (a *appender) addOne(ctx context.Context, r *ledger.Revision) error {
	a.single()
	if err := a.add(r); err != nil {
		return err
	}
	return a.close(ctx)
}

// Add records a new entry (already validated by ledger.Parse) as revision 1
// of its ref. A ref in use is a conflict; a broken link is invalid.
func (s *Store) Add(ctx context.Context, e ledger.Entry, author string) (r ledger.Revision, err error) {
	err = s.Write(ctx, func(tx *Tx) error {
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
// current ones, and the result is validated as a whole. base is the
// revision the correction was made from (a form opened at it, an API
// client's If-Match): when it is no longer the current revision, nothing
// is written and the error is a *ledger.StaleError naming what changed
// since. base 0 applies the changes to whatever revision is current.
func (s *Store) Amend(ctx context.Context, ref string, base int, changes ledger.Fields, reason, author string) (r ledger.Revision, err error) {
	err = s.Write(ctx, func(tx *Tx) error {
		r, err = tx.Amend(ctx, ref, base, changes, reason, author)
		return err
	})
	return r, err
}

// Amend is Store.Amend inside a transaction.
func (tx *Tx) Amend(ctx context.Context, ref string, base int, changes ledger.Fields, reason, author string) (ledger.Revision, error) {
	var r ledger.Revision
	reason, ps := ledger.CleanReason(reason)
	if len(ps) > 0 {
		return r, &ledger.Problems{List: ps}
	}
	known := tx.PartyCheck(ctx)
	err := func() error {
		a, cur, err := tx.lockedCurrent(ctx, ref, base)
		if err != nil {
			return err
		}
		if cur.Action == ledger.Void {
			return fmt.Errorf("%w: %s was withdrawn (voided) in revision %d; add a new entry instead", ledger.ErrConflict, ref, cur.Rev)
		}
		sectors, err := tx.SectorVocab(ctx)
		if err != nil {
			return err
		}
		e, ps := ledger.Amended(cur.Entry, changes, ledger.Known{Party: known.Known, Sectors: sectors})
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
		return a.addOne(ctx, &r)
	}()
	return r, err
}

// Void withdraws ref: a new revision that keeps the content and says why.
// base is as for Amend.
func (s *Store) Void(ctx context.Context, ref string, base int, reason, author string) (r ledger.Revision, err error) {
	err = s.Write(ctx, func(tx *Tx) error {
		r, err = tx.Void(ctx, ref, base, reason, author)
		return err
	})
	return r, err
}

// Void is Store.Void inside a transaction.
func (tx *Tx) Void(ctx context.Context, ref string, base int, reason, author string) (ledger.Revision, error) {
	var r ledger.Revision
	reason, ps := ledger.CleanReason(reason)
	if len(ps) > 0 {
		return r, &ledger.Problems{List: ps}
	}
	err := func() error {
		a, cur, err := tx.lockedCurrent(ctx, ref, base)
		if err != nil {
			return err
		}
		if cur.Action == ledger.Void {
			return fmt.Errorf("%w: %s is already withdrawn (revision %d)", ledger.ErrConflict, ref, cur.Rev)
		}
		r = ledger.Revision{Ref: ref, Rev: cur.Rev + 1, Action: ledger.Void, Supersedes: cur.Seq, Entry: cur.Entry, Reason: reason, Author: author}
		return a.addOne(ctx, &r)
	}()
	return r, err
}

// lockedCurrent takes the ledger's head lock and then reads ref's current
// revision, so that no other write can record a revision of ref between
// this read and this transaction's commit: the check of base (when not 0)
// and the write it guards are one atomic step, on both engines (SQLite's
// immediate transactions hold the write lock from their start; PostgreSQL's
// head row is locked FOR UPDATE, and a statement after it sees every
// revision committed before the lock was granted).
func (tx *Tx) lockedCurrent(ctx context.Context, ref string, base int) (*appender, ledger.Revision, error) {
	a, err := tx.newAppender(ctx)
	if err != nil {
		return nil, ledger.Revision{}, err
	}
	cur, err := tx.current(ctx, ref)
	if err != nil {
		return nil, cur, err
	}
	if base != 0 && base != cur.Rev {
		stale := &ledger.StaleError{Ref: ref, Based: base, Current: cur.Rev}
		if base >= 1 && base < cur.Rev {
			hist, err := tx.revisionsFrom(ctx, ref, base)
			if err != nil {
				return nil, cur, err
			}
			stale.Since = ledger.RevisionChanges(hist)
		}
		return nil, cur, stale
	}
	return a, cur, nil
}

// revisionsFrom reads ref's revisions from rev on, oldest first.
func (tx *Tx) revisionsFrom(ctx context.Context, ref string, rev int) ([]ledger.Revision, error) {
	var rows []revRow
	q := `SELECT ` + revColList + ` FROM revisions WHERE ref = ? AND rev >= ? ORDER BY rev`
	if err := tx.SelectContext(ctx, &rows, tx.Rebind(q), ref, rev); err != nil {
		return nil, fmt.Errorf("store: revisions of %q from %d: %w", ref, rev, err)
	}
	out := make([]ledger.Revision, 0, len(rows))
	for i := range rows {
		r, err := rows[i].revision()
		if err != nil {
			return nil, err
		}
		out = append(out, r)
	}
	return out, nil
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
