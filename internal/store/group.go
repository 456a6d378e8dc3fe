package store

import (
	"context"
	"fmt"
	"slices"
	"sync"
)

// Group commit. Every write to the ledger moves its one head, so writes
// are recorded one after another whatever happens; what costs is the
// commit of each (a flush to disk, a round trip to the server). Writes
// that arrive while one is being recorded wait, and are then recorded
// together in one transaction under one head lock, each inside its own
// savepoint: a write that fails is rolled back alone and its caller gets
// its own error; the others are committed together, and each caller learns
// the outcome of the commit. To every caller it is as if its write had
// been the only one: the same checks under the lock, the same revisions,
// the same chain (each write still appends its own link).

// maxGroup bounds the writes recorded in one transaction.
const maxGroup = 256

// writeReq is one caller's write waiting for its group.
type writeReq struct {
	ctx  context.Context
	fn   func(tx *Tx) error
	err  error
	done chan struct{} // closed when err is final
	lead chan struct{} // closed when this caller is to record the next group
}

// writeGroups queues the writes of one Store.
type writeGroups struct {
	mu      sync.Mutex
	queue   []*writeReq
	running bool // a caller is recording a group
}

// Write runs fn in one transaction that holds the ledger's head lock from
// its first statement to its commit. Every write to the ledger goes
// through here, so that whatever fn checks against the ledger (a ref in
// use, an entry's current revision, a link's target, the parties and
// sectors known) is still so when its revisions are recorded: no other
// write can commit in between. On SQLite the immediate transaction already
// holds the database's write lock; on PostgreSQL the head row is locked
// FOR UPDATE, and under READ COMMITTED every later statement sees all
// that was committed before the lock was granted.
//
// Writes of one process that arrive together share a transaction (group
// commit, above); fn must not call Write itself.
//
// A unique key that another writer took first, which the lock leaves to
// tables outside the chain, is a conflict, never a driver's error.
func (s *Store) Write(ctx context.Context, fn func(tx *Tx) error) error {
	req := &writeReq{ctx: ctx, fn: fn, done: make(chan struct{}), lead: make(chan struct{})}
	g := &s.groups
	g.mu.Lock()
	g.queue = append(g.queue, req)
	if g.running {
		g.mu.Unlock()
		if done, err := g.wait(req); done {
			return err
		}
		g.mu.Lock()
	}
	g.running = true
	batch := g.queue[:min(len(g.queue), maxGroup)]
	g.queue = g.queue[len(batch):]
	g.mu.Unlock()

	s.record(batch)

	g.mu.Lock()
	if len(g.queue) > 0 {
		close(g.queue[0].lead) // the first waiting caller records the next group
	} else {
		g.running = false
	}
	g.mu.Unlock()
	// This caller's request was in the batch: the first one waiting is
	// always taken first, and it was first when it was given the lead.
	<-req.done
	return req.err
}

// record runs a batch of writes in one transaction and tells each caller
// its outcome.
func (s *Store) record(batch []*writeReq) {
	var live []*writeReq
	for _, r := range batch {
		if err := r.ctx.Err(); err != nil {
			r.finish(err)
			continue
		}
		live = append(live, r)
	}
	if len(live) == 0 {
		return
	}
	// The transaction is everyone's: no single caller's cancellation may
	// roll it back. Each write's statements run under its own context.
	ctx := context.WithoutCancel(live[0].ctx)
	err := s.InTx(ctx, func(tx *Tx) error {
		if _, err := tx.lockHead(ctx); err != nil {
			return err
		}
		if len(live) == 1 {
			if err := live[0].fn(tx); err != nil {
				live[0].err = uniqueConflict(err)
				return live[0].err
			}
			return nil
		}
		for _, r := range live {
			if _, err := tx.ExecContext(ctx, `SAVEPOINT one_write`); err != nil {
				return fmt.Errorf("store: savepoint: %w", err)
			}
			if err := r.ctx.Err(); err != nil {
				r.err = err
			} else if err := r.fn(tx); err != nil {
				r.err = uniqueConflict(err)
			}
			q := `RELEASE SAVEPOINT one_write`
			if r.err != nil {
				q = `ROLLBACK TO SAVEPOINT one_write`
				tx.forget()
			}
			if _, err := tx.ExecContext(ctx, q); err != nil {
				return fmt.Errorf("store: %s: %w", q, err)
			}
		}
		return nil
	})
	if err != nil {
		// Nothing was committed: every write that had not failed on its
		// own fails with the transaction.
		err = uniqueConflict(err)
		for _, r := range live {
			if r.err == nil {
				r.err = err
			}
		}
	}
	for _, r := range live {
		r.finish(r.err)
	}
}

// wait waits for req's group to be recorded (done: its outcome), or for
// req to be given the lead (not done: the caller records the next group).
// A caller whose context ends while it waits leaves the queue at once,
// with nothing written, unless its write is already being recorded or it
// was just given the lead, which it cannot hand on.
func (g *writeGroups) wait(req *writeReq) (done bool, err error) {
	select {
	case <-req.done:
		return true, req.err
	case <-req.lead:
		return false, nil
	case <-req.ctx.Done():
	}
	g.mu.Lock()
	i := slices.Index(g.queue, req)
	if i < 0 {
		// Taken into a group: its outcome is the group's.
		g.mu.Unlock()
		<-req.done
		return true, req.err
	}
	select {
	case <-req.lead:
		g.mu.Unlock()
		return false, nil
	default:
	}
	g.queue = slices.Delete(g.queue, i, i+1)
	g.mu.Unlock()
	return true, req.ctx.Err()
}

func (r *writeReq) finish(err error) {
	r.err = err
	close(r.done)
}
