package store

import "context"

// readProgressKey carries a function told of the rows the store reads.
type readProgressKey struct{}

// readStep is how many rows a scan reads between two reports.
const readStep = 4096

// WithReadProgress returns a context under which the store's long scans
// (entries, amounts, rates) tell fn how many more rows they have read,
// every few thousand rows and at their end. Scans may run concurrently:
// fn must be safe for concurrent use. A progress bar counts with it.
func WithReadProgress(ctx context.Context, fn func(rows int)) context.Context {
	return context.WithValue(ctx, readProgressKey{}, fn)
}

// readCounter counts the rows of one scan for ctx's progress function.
type readCounter struct {
	fn func(int)
	n  int
}

func newReadCounter(ctx context.Context) *readCounter {
	fn, _ := ctx.Value(readProgressKey{}).(func(int))
	return &readCounter{fn: fn}
}

// row counts one row read.
func (c *readCounter) row() {
	if c.fn == nil {
		return
	}
	if c.n++; c.n == readStep {
		c.fn(c.n)
		c.n = 0
	}
}

// done reports the rows read since the last report.
func (c *readCounter) done() {
	if c.fn != nil && c.n > 0 {
		c.fn(c.n)
		c.n = 0
	}
}
