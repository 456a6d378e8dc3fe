package main

import (
	"context"
	"fmt"
	"io"
	"os"
	"sync"
	"sync/atomic"
	"time"

	"github.com/coalition/pledger/internal/csvio"
	"github.com/coalition/pledger/internal/store"
	"github.com/schollz/progressbar/v3"
	"golang.org/x/term"
)

// isTerminal tells whether w is a terminal: progress bars show only there
// (never in a pipe, a file or a CI log). Tests replace it.
var isTerminal = func(w io.Writer) bool {
	f, ok := w.(*os.File)
	return ok && term.IsTerminal(int(f.Fd()))
}

// bar is a progress bar on standard error, or nothing at all when standard
// error is not a terminal (all its methods are then no-ops). Done clears
// its line, so that what is printed next starts on a clean line.
type bar struct {
	mu    sync.Mutex
	pb    *progressbar.ProgressBar
	max   int64
	pos   int64
	done  bool
	stage string       // what the command does now (readBar)
	rows  atomic.Int64 // rows read so far (readBar)
}

// newBar starts a bar of max units (bytes when bytes is set; -1: unknown,
// a spinner with the elapsed time) described by desc.
func (a *app) newBar(max int64, desc string, bytes bool) *bar {
	if !isTerminal(a.errw) {
		return &bar{done: true}
	}
	opts := []progressbar.Option{
		progressbar.OptionSetWriter(a.errw),
		progressbar.OptionSetDescription(desc),
		progressbar.OptionSetWidth(30),
		progressbar.OptionThrottle(100 * time.Millisecond),
		progressbar.OptionSpinnerType(14),
		progressbar.OptionClearOnFinish(),
		progressbar.OptionSetRenderBlankState(true),
	}
	if bytes {
		opts = append(opts, progressbar.OptionShowBytes(true), progressbar.OptionShowTotalBytes(true), progressbar.OptionShowCount())
	} else if max > 0 {
		opts = append(opts, progressbar.OptionShowCount())
	}
	if max < 0 {
		opts = append(opts, progressbar.OptionSetElapsedTime(true))
	}
	if max == 0 {
		max = -1
	}
	return &bar{pb: progressbar.NewOptions64(max, opts...), max: max}
}

// Set moves the bar to n (never back, never past its end: the end is
// reached by Done, after the last step).
func (b *bar) Set(n int64) {
	b.mu.Lock()
	defer b.mu.Unlock()
	if b.done || n <= b.pos || b.max < 0 {
		return
	}
	if n >= b.max {
		n = b.max - 1
	}
	b.pos = n
	b.pb.Set64(n)
}

// Add moves the bar n further.
func (b *bar) Add(n int64) {
	b.mu.Lock()
	pos := b.pos
	b.mu.Unlock()
	b.Set(pos + n)
}

// Describe changes what the bar says.
func (b *bar) Describe(desc string) {
	b.mu.Lock()
	defer b.mu.Unlock()
	if !b.done {
		b.pb.Describe(desc)
	}
}

// Done finishes the bar and clears its line. It may be called more than
// once (a deferred Done after the one before the summary).
func (b *bar) Done() {
	b.mu.Lock()
	defer b.mu.Unlock()
	if b.done {
		return
	}
	b.done = true
	b.pb.Finish()
}

// readBar shows, while a command reads the ledger (a report, a chart, the
// demo), what it does, how many rows it has read and for how long: a
// spinner, since what a report reads is known only once read. The store
// counts the rows through the returned context.
func (a *app) readBar(ctx context.Context, stage string) (context.Context, *bar) {
	b := a.newBar(-1, stage, false)
	if b.done {
		return ctx, b
	}
	b.stage = stage
	return store.WithReadProgress(ctx, func(rows int) {
		n := b.rows.Add(int64(rows))
		b.mu.Lock()
		stage := b.stage
		b.mu.Unlock()
		b.Describe(fmt.Sprintf("%s: %d rows read", stage, n))
	}), b
}

// Stage says what the command does now.
func (b *bar) Stage(stage string) {
	b.mu.Lock()
	b.stage = stage
	b.mu.Unlock()
	b.Describe(fmt.Sprintf("%s: %d rows read", stage, b.rows.Load()))
}

// fileProgress follows an import source over a file: the bytes of the
// file read in its first pass (an import reads the file once; a second
// pass, to put line numbers on link problems, does not move the bar) and
// the rows, shown as "what FILE: N rows".
type fileProgress struct {
	b          *bar
	what, path string
	unit       string // rows, rates
	mu         sync.Mutex
	pass       int
	rows       int
}

func (a *app) fileProgress(what, path, unit string, size int64) *fileProgress {
	// The bar shows the file's size and stops a byte short of it (Set):
	// it ends with Done, when what follows the read (checks, the commit)
	// is over too.
	return &fileProgress{b: a.newBar(size, what+" "+path, true), what: what, path: path, unit: unit}
}

// bytes is the progress function of a file source.
func (p *fileProgress) bytes(n int) {
	p.mu.Lock()
	first := p.pass <= 1
	p.mu.Unlock()
	if first {
		p.b.Add(int64(n))
	}
}

// row counts one row (or rate) of the first pass.
func (p *fileProgress) row() {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.pass > 1 {
		return
	}
	p.rows++
	if p.rows%256 == 0 {
		p.b.Describe(fmt.Sprintf("%s %s: %d %s", p.what, p.path, p.rows, p.unit))
	}
}

// start marks the start of a pass over the file.
func (p *fileProgress) start() {
	p.mu.Lock()
	p.pass++
	p.mu.Unlock()
}

// read marks the end of the first pass.
func (p *fileProgress) read() {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.pass == 1 {
		p.b.Describe(fmt.Sprintf("%s %s: %d %s read, checking", p.what, p.path, p.rows, p.unit))
	}
}

// entries follows src's rows.
func (p *fileProgress) entries(src csvio.Source) csvio.Source {
	rows := src.Rows
	src.Rows = func(yield func(csvio.Row, error) bool) {
		p.start()
		for r, err := range rows {
			p.row()
			if !yield(r, err) {
				return
			}
		}
		p.read()
	}
	return src
}

// rates follows src's rates.
func (p *fileProgress) rates(src csvio.RateSource) csvio.RateSource {
	rates := src.Rates
	src.Rates = func(yield func(csvio.RateInput, error) bool) {
		p.start()
		for r, err := range rates {
			p.row()
			if !yield(r, err) {
				return
			}
		}
		p.read()
	}
	return src
}
