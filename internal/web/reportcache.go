package web

import (
	"container/list"
	"context"
	"encoding/json"
	"errors"
	"net/url"
	"sync"
	"time"

	"github.com/coalition/pledger/internal/ledger"
	"github.com/coalition/pledger/internal/model"
	"github.com/coalition/pledger/internal/money"
	"github.com/coalition/pledger/internal/report"
)

// The report cache: what pledger serve computed for reports, charts and
// dashboards, kept so that the same question about the same ledger state
// is answered without computing again.
//
// What a figure depends on, and so what a key holds:
//   - the state of the chain the report reads (store.ServeState: the
//     head, or the last link at the as-of moment asked for). Every fact a
//     figure reads (revisions, rates, parties, sectors, the asset catalog)
//     is a link of that one chain, so any write (add, amend, void, import,
//     rates, a party or a sector) names a new state and so new keys;
//   - the request: the report or chart, and its options (report.Request as
//     the query is read, the report's party, the environment's order of
//     rate sources) for a model; the whole query for a rendered page or
//     file (format, table, CSV dialect, chart options too).
//
// What is never kept: anything made while the ledger is not known to
// verify (a failure recorded, or a head its last check does not cover):
// such a request is made afresh every time, refused or marked as report.Open
// decides; a model whose provenance names another state than the key's (a
// write landed while it was made) or says it is unverified; an error.
//
// Who asks does not enter the key: the permission check of the route
// comes first, and a report, chart or dashboard is the same bytes for
// every role allowed to see it (a viewer reaches only published
// dashboards, through their route).
//
// The cache is bounded by bytes (least recently used out first), safe for
// concurrent use, and computes once for identical requests that arrive
// together: the others wait for the first.

// DefaultCacheBytes is the report cache's size when Config.CacheBytes is 0.
const DefaultCacheBytes = 64 << 20

// reportCache is a least-recently-used map of computed values, bounded by
// their estimated size in bytes, with one computation in flight per key.
type reportCache struct {
	max int64 // bytes; <= 0: nothing is kept

	mu    sync.Mutex
	used  int64
	order *list.List // of *cacheEntry, the most recently used first
	items map[string]*list.Element
	calls map[string]*cacheCall

	// computed counts the computations run, by kind (model, page), for
	// the tests; guarded by mu.
	computed map[string]int64
	// onCompute, when set, is called at the start of each computation,
	// onWait when a request starts waiting for one in flight, and onLeave
	// when a request leaves one (tests: to hold a computation until the
	// others wait for it, or have gone).
	onCompute func(kind string)
	onWait    func()
	onLeave   func()
}

type cacheEntry struct {
	key  string
	val  any
	size int64
}

// cacheCall is a computation in flight: the requests for its key wait on
// done.
type cacheCall struct {
	done    chan struct{}
	val     any
	err     error
	kept    bool
	stopped bool // the computation was stopped: every request had left
	// refs counts the requests still waiting for it, the one computing
	// included (guarded by reportCache.mu); the last to leave stops it.
	refs   int
	cancel context.CancelFunc
}

func newReportCache(max int64) *reportCache {
	return &reportCache{max: max, order: list.New(), items: map[string]*list.Element{}, calls: map[string]*cacheCall{}, computed: map[string]int64{}}
}

// computation makes a value for a key: the value, its estimated size in
// bytes, and whether it may be kept for the key.
type computation func(ctx context.Context) (val any, size int64, keep bool, err error)

// do returns the value kept for key, or makes it with fn and keeps it
// (when fn says it may). Requests for a key being made wait for it. The
// computation goes on while any request waits for it, even when the one
// that started it has gone, and is stopped when none is left (as a
// request's own computation would be); a waiter whose request ends stops
// waiting. When a computation may not be kept, each waiter makes its own.
func (c *reportCache) do(ctx context.Context, key string, fn computation) (any, error) {
	c.mu.Lock()
	if el, ok := c.items[key]; ok {
		c.order.MoveToFront(el)
		c.mu.Unlock()
		return el.Value.(*cacheEntry).val, nil
	}
	if call, ok := c.calls[key]; ok {
		call.refs++
		c.mu.Unlock()
		if c.onWait != nil {
			c.onWait()
		}
		select {
		case <-call.done:
		case <-ctx.Done():
			c.leave(call)
			return nil, ctx.Err()
		}
		switch {
		case call.stopped: // everyone else had left: ask again
			return c.do(ctx, key, fn)
		case call.err != nil || call.kept:
			return call.val, call.err
		}
		val, _, _, err := fn(ctx) // made for another state: make our own
		return val, err
	}
	cctx, cancel := context.WithCancel(context.WithoutCancel(ctx))
	call := &cacheCall{done: make(chan struct{}), refs: 1, cancel: cancel}
	c.calls[key] = call
	c.mu.Unlock()
	stop := context.AfterFunc(ctx, func() { c.leave(call) })

	var size int64
	finished := false
	defer func() {
		stop()
		if !finished { // fn panicked: the waiters fail, the panic goes on
			call.err, call.kept = errComputePanic, false
		}
		c.mu.Lock()
		delete(c.calls, key)
		if call.err == nil && call.kept {
			c.add(key, call.val, size)
		}
		c.mu.Unlock()
		cancel()
		close(call.done)
	}()
	call.val, size, call.kept, call.err = fn(cctx)
	call.stopped = cctx.Err() != nil
	finished = true
	return call.val, call.err
}

// leave is a request no longer waiting for call: the last one to leave
// stops the computation.
func (c *reportCache) leave(call *cacheCall) {
	c.mu.Lock()
	call.refs--
	last := call.refs == 0
	c.mu.Unlock()
	if last {
		call.cancel()
	}
	if c.onLeave != nil {
		c.onLeave()
	}
}

var errComputePanic = errors.New("web: report cache: the computation failed")

// add keeps val under key, then drops the least recently used values
// until the cache fits. A value larger than the whole cache is not kept.
// c.mu is held.
func (c *reportCache) add(key string, val any, size int64) {
	if size > c.max {
		return
	}
	if el, ok := c.items[key]; ok {
		c.used -= el.Value.(*cacheEntry).size
		c.order.Remove(el)
	}
	c.items[key] = c.order.PushFront(&cacheEntry{key: key, val: val, size: size})
	c.used += size
	for c.used > c.max {
		el := c.order.Back()
		e := el.Value.(*cacheEntry)
		c.order.Remove(el)
		delete(c.items, e.key)
		c.used -= e.size
	}
}

// stats says how many values the cache holds and their size (tests).
func (c *reportCache) stats() (n int, bytes int64) {
	c.mu.Lock()
	defer c.mu.Unlock()
	return len(c.items), c.used
}

// cacheView is one request's view of the cache: the ledger state it
// reads, and whether what was made for that state may be served.
type cacheView struct {
	c     *reportCache
	state string // SEQ:HASH
	ok    bool   // the state is known and verified, and the cache is on
}

// view reads the state a request with these options reads (one small
// query; a request whose as-of cannot be read is made afresh, and refused
// there).
func (s *Server) view(ctx context.Context, req report.Request) (cacheView, error) {
	v := cacheView{c: s.cache}
	if s.cache.max <= 0 {
		return v, nil
	}
	var at time.Time
	if req.AsOf != "" {
		var err error
		if at, err = ledger.ParseAsOf(req.AsOf); err != nil {
			return v, nil
		}
	}
	ss, err := s.st.ServeState(ctx, at)
	if err != nil {
		return v, err
	}
	v.state, v.ok = ss.State, ss.Verified && ss.State != ""
	return v, nil
}

// of tells whether every model was made from the view's state, verified:
// only then may what was made from them be kept under the view's keys.
func (v cacheView) of(ms []*model.Model) bool {
	for _, m := range ms {
		if m == nil || m.Provenance.State != v.state || m.Provenance.Unverified != "" {
			return false
		}
	}
	return len(ms) > 0
}

// get returns the value kept for key in the view's state, or makes it
// with fn; when the state may not be served from the cache, it makes it.
func (v cacheView) get(ctx context.Context, kind, key string, fn computation) (any, error) {
	counted := func(ctx context.Context) (any, int64, bool, error) {
		v.c.mu.Lock()
		v.c.computed[kind]++
		v.c.mu.Unlock()
		if v.c.onCompute != nil {
			v.c.onCompute(kind)
		}
		return fn(ctx)
	}
	if !v.ok {
		val, _, _, err := counted(ctx)
		return val, err
	}
	return v.c.do(ctx, cacheKey(kind, v.state, key), counted)
}

// modelKey names the model of catalog report name for req with the
// report params params (a profile's party, a chart's own): every option
// as the query was read, the params that are set (report.Run ignores the
// empty ones), and what else a model depends on beyond the ledger state
// (the environment's order of rate sources). A chart that draws a report
// as it is shares its model with the report's page. The parts are
// written as one JSON array (a map's keys sorted), so that no two
// requests share a key.
func modelKey(name string, req report.Request, params map[string]string) string {
	set := map[string]string{}
	for k, v := range params {
		if v != "" {
			set[k] = v
		}
	}
	return cacheKey(name, req, set, money.EnvSources())
}

// pageKey names a rendered answer: the route, its names (a report, a
// title, charts), and the whole query in a canonical order
// (url.Values.Encode sorts by key and keeps the order of repeated
// values).
func pageKey(route string, q url.Values, names ...string) string {
	return cacheKey(route, names, q.Encode())
}

func cacheKey(parts ...any) string {
	b, err := json.Marshal(parts)
	if err != nil { // plain data
		panic(err)
	}
	return string(b)
}

// modelSize estimates the memory a model holds, in bytes: its cells and
// texts, with the overhead of their maps. It bounds the cache; it need
// not be exact.
func modelSize(m *model.Model) int64 {
	const cell, entry = 160, 64
	n := int64(1024)
	str := func(s string) { n += int64(len(s)) + 16 }
	for _, sec := range m.Sections {
		for _, rows := range [][]model.Row{sec.Rows, sec.Totals} {
			for _, r := range rows {
				n += entry
				for k, c := range r {
					n += cell
					str(k)
					str(c.Text)
				}
			}
		}
		n += int64(len(sec.Columns)) * 3 * 32
	}
	for _, s := range m.Notes {
		str(s)
	}
	for k, v := range m.Titles {
		n += entry
		str(k)
		str(v)
	}
	for k, v := range m.PartyNames {
		n += entry
		str(k)
		str(v)
	}
	for _, names := range m.SectorNames {
		n += entry * int64(1+len(names))
	}
	return n
}

// cacheSize is the cache's bound for Config.CacheBytes.
func cacheSize(n int64) int64 {
	switch {
	case n == 0:
		return DefaultCacheBytes
	case n < 0:
		return 0
	}
	return n
}
