package store

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/coalition/pledger/internal/ledger"
)

// appender adds revisions to the chain inside one transaction: it holds the
// head (locked on PostgreSQL; SQLite's immediate transactions already queue
// writers), numbers and seals each revision, bulk-inserts them and moves the
// head once at the end.
type appender struct {
	ctx    context.Context
	tx     *Tx
	head   Head
	row    headRow // the head as locked: its chain link too
	at     time.Time
	bulk   bulkInserter
	n      int
	author string       // of the last revision added: the link's author
	packs  *importPacks // an import's: the packs of the blocks it fills
}

func (tx *Tx) newAppender(ctx context.Context) (*appender, error) {
	return tx.newAppenderAt(ctx, time.Time{})
}

// newAppenderAt is newAppender with a fixed recording time (zero: now), so
// that all revisions of one import carry the same moment.
func (tx *Tx) newAppenderAt(ctx context.Context, at time.Time) (*appender, error) {
	row, err := tx.lockHead(ctx)
	if err != nil {
		return nil, err
	}
	// Revision times never go backwards, even if the clock does: as-of
	// queries rely on time order being chain order.
	if at.IsZero() {
		at = tx.writeTime(row)
	} else {
		at = notBefore(at.UTC().Truncate(time.Microsecond), row)
	}
	return &appender{ctx: ctx, tx: tx, head: Head{Seq: row.Seq, Hash: row.Hash}, row: row, at: at}, nil
}

// single makes the appender insert its one revision with a plain INSERT:
// for one row, COPY's extra round trips cost more than they save, and the
// ledger head is locked while they happen.
func (a *appender) single() { a.bulk = &oneInsert{ctx: a.ctx, tx: a.tx} }

// oneInsert inserts revisions one statement each.
type oneInsert struct {
	ctx context.Context
	tx  *Tx
}

func (o *oneInsert) add(vals ...any) error {
	_, err := o.tx.exec(o.ctx, `INSERT INTO revisions (`+revColList+`) VALUES (?`+strings.Repeat(", ?", len(revCols)-1)+`)`, vals...)
	return err
}

func (o *oneInsert) close() error { return nil }

// add numbers, seals and queues r. r.Ref, Rev, Action, Supersedes, Entry,
// Reason and Author must be set.
func (a *appender) add(r *ledger.Revision) error {
	if a.bulk == nil {
		bulk, err := a.tx.newBulk(a.ctx, "revisions", revCols)
		if err != nil {
			return err
		}
		a.bulk = bulk
	}
	r.Seq = a.head.Seq + 1
	r.RecordedAt = a.at
	if r.Content == "" {
		r.Content = ledger.ContentHash(r.Entry)
	}
	r.PrevHash = a.head.Hash
	r.Hash = r.ChainHash()
	vals, err := revValues(r)
	if err != nil {
		return fmt.Errorf("store: revision of %s: %w", r.Ref, err)
	}
	if err := a.bulk.add(vals...); err != nil {
		return fmt.Errorf("store: insert revision of %s: %w", r.Ref, err)
	}
	if a.packs != nil {
		a.packs.add(r.Seq, vals)
	}
	a.head.Seq, a.head.Hash = r.Seq, r.Hash
	a.n++
	a.author = r.Author
	return nil
}

// close flushes the inserts and moves the head.
func (a *appender) close(ctx context.Context) error {
	if a.bulk == nil {
		return nil
	}
	if err := a.bulk.close(); err != nil {
		return fmt.Errorf("store: insert revisions: %w", err)
	}
	if a.packs != nil {
		if err := a.packs.flush(ctx, a.tx); err != nil {
			return err
		}
	}
	if a.n == 0 {
		return nil
	}
	// The head moves with the link (appendLink's one UPDATE).
	a.row.Seq, a.row.Hash, a.row.RecordedAt = a.head.Seq, a.head.Hash, a.at.Format(ledger.TimeLayout)
	// One link of the chain for the whole write: the revisions it added,
	// named by the last one's hash.
	return a.tx.appendLink(ctx, &a.row, &ledger.Link{What: ledger.LinkRevisions, First: a.head.Seq - int64(a.n) + 1,
		Last: a.head.Seq, Digest: a.head.Hash, Author: a.author, RecordedAt: a.at})
}

// bulkInserter loads many rows into one table inside a transaction:
// PostgreSQL's COPY FROM STDIN, or a prepared multi-row INSERT on SQLite.
type bulkInserter interface {
	add(vals ...any) error
	close() error
}

func (tx *Tx) newBulk(ctx context.Context, table string, cols []string) (bulkInserter, error) {
	if tx.s.dialect == Postgres {
		stmt, err := tx.PrepareContext(ctx, `COPY `+table+` (`+strings.Join(cols, ", ")+`) FROM STDIN`)
		if err != nil {
			return nil, fmt.Errorf("store: copy into %s: %w", table, err)
		}
		return &copyIn{stmt: stmt}, nil
	}
	return &sqliteBulk{tx: tx, ctx: ctx, table: table, cols: cols}, nil
}
