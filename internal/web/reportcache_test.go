package web

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/url"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/coalition/pledger/internal/access"
	"github.com/coalition/pledger/internal/chart"
	"github.com/coalition/pledger/internal/csvio"
	"github.com/coalition/pledger/internal/ledger"
	"github.com/coalition/pledger/internal/store"
	"github.com/coalition/pledger/internal/store/storetest"
)

// computed is how many computations of kind (model, page) the server's
// report cache has run.
func (e *env) computed(kind string) int64 {
	e.s.cache.mu.Lock()
	defer e.s.cache.mu.Unlock()
	return e.s.cache.computed[kind]
}

// fresh is a second server over the same ledger without a cache: what it
// answers is what the figures are now.
func (e *env) fresh() *env {
	e.t.Helper()
	s, err := New(Config{Store: e.st, UploadDir: e.t.TempDir(), CacheBytes: -1, VerifyEvery: -1})
	if err != nil {
		e.t.Fatal(err)
	}
	f := &env{t: e.t, st: e.st, tokens: e.tokens, s: s, srv: httptest.NewServer(s.Handler())}
	e.t.Cleanup(f.srv.Close)
	return f
}

// get asks for path as the analyst (API paths with the token, pages with
// a session) and wants a 200.
func (e *env) get(b *browser, path string) string {
	e.t.Helper()
	var st int
	var body string
	if strings.HasPrefix(path, "/api/") {
		st, body, _ = e.api("GET", path, e.tokens[access.Analyst], "")
	} else {
		st, body = b.get(path)
	}
	if st != http.StatusOK {
		e.t.Fatalf("GET %s: %d %.300s", path, st, body)
	}
	return body
}

// summary reads the figures and the state of a summary report's JSON.
type summaryJSON struct {
	Totals []struct {
		Kind   string `json:"kind"`
		Amount string `json:"amount"`
	} `json:"totals"`
	Provenance struct {
		State    string `json:"state"`
		Verified bool   `json:"verified"`
	} `json:"provenance"`
}

func readSummary(t *testing.T, body string) summaryJSON {
	t.Helper()
	var s summaryJSON
	if err := json.Unmarshal([]byte(body), &s); err != nil {
		t.Fatalf("summary JSON: %v: %.300s", err, body)
	}
	return s
}

func (s summaryJSON) total(kind string) string {
	for _, t := range s.Totals {
		if t.Kind == kind {
			return t.Amount
		}
	}
	return ""
}

// TestReportCacheRepeat: a report, a download, a chart's page, the API's
// chart and the dashboard asked again for the same ledger state are
// served from the cache (nothing is computed again) and are the bytes a
// server without a cache makes; a chart's page and the dashboard share
// the charts' models.
func TestReportCacheRepeat(t *testing.T) {
	storetest.Each(t, func(t *testing.T, engine store.Dialect) {
		e := newEnv(t, engine, Config{VerifyEvery: -1})
		fresh := e.fresh()
		b, fb := e.browser(), fresh.browser()
		b.login(string(access.Analyst))
		fb.login(string(access.Analyst))
		for _, c := range []struct {
			path          string
			models, pages int64 // made by the first request
		}{
			{"/api/v1/reports/summary?currency=EUR", 1, 1},
			{"/api/v1/reports/summary?currency=EUR&format=xlsx", 0, 1}, // the JSON's model
			{"/api/v1/reports/party?report-party=BEL&currency=USD&format=csv&table=by_kind", 1, 1},
			{"/reports/view?name=coverage&currency=USD&lang=fr", 1, 1},
			{"/charts/coverage?currency=EUR&top=3", 1, 1},
			// The summary's and the coverage chart's models are kept; the
			// flows chart's is the flows report with params of its own.
			{"/dashboard?currency=EUR&top=3", int64(len(chart.Names) - 2), 1},
			{"/api/v1/charts/coverage?currency=EUR&top=3", 0, 0}, // the page of /charts/coverage
			{"/api/v1/reports/flows?currency=EUR", 1, 1},
			{"/api/v1/reports/timeline?currency=EUR&format=md", 0, 1}, // the dashboard's
		} {
			path := c.path
			models, pages := e.computed("model"), e.computed("page")
			first := e.get(b, path)
			if dm, dp := e.computed("model")-models, e.computed("page")-pages; dm != c.models || dp != c.pages {
				t.Errorf("%s: %d models and %d pages made, want %d and %d", path, dm, dp, c.models, c.pages)
			}
			if want := fresh.get(fb, path); first != want {
				t.Errorf("%s: the cached server's answer differs from a fresh one", path)
			}
			models, pages = e.computed("model"), e.computed("page")
			for range 3 {
				if again := e.get(b, path); again != first {
					t.Fatalf("%s: asked again, other bytes", path)
				}
			}
			if e.computed("model") != models || e.computed("page") != pages {
				t.Errorf("%s: asked again, computed again (%d models, %d pages)", path, e.computed("model")-models, e.computed("page")-pages)
			}
		}
		// Another format of a kept report is drawn from its model.
		models := e.computed("model")
		e.get(b, "/api/v1/reports/summary?currency=EUR&format=md")
		if e.computed("model") != models {
			t.Errorf("the markdown of a kept report computed its model again")
		}
		if n, size := e.s.cache.stats(); n == 0 || size <= 0 || size > DefaultCacheBytes {
			t.Errorf("cache holds %d values, %d bytes", n, size)
		}
	})
}

// TestReportCacheWrites: every kind of write, through the API or straight
// into the store (as the CLI or another server would), moves the state,
// so the next request computes again and shows the new figure, the same
// as a server without a cache; asked again, it is kept.
func TestReportCacheWrites(t *testing.T) {
	storetest.Each(t, func(t *testing.T, engine store.Dialect) {
		ctx := context.Background()
		e := newEnv(t, engine, Config{VerifyEvery: -1})
		fresh := e.fresh()
		b := e.browser()
		b.login(string(access.Analyst))
		fb := fresh.browser()
		fb.login(string(access.Analyst))
		off := e.tokens[access.Officer]
		// A manual rate of a day no entry needs, so that reports may
		// prefer the manual source.
		if st, body, _ := e.api("POST", "/api/v1/rates", off, `{"date":"2021-03-15","base":"EUR","quote":"USD","rate":"1.2000","source":"manual"}`); st != http.StatusCreated {
			t.Fatalf("rate: %d %s", st, body)
		}
		paths := []string{
			"/api/v1/reports/summary?currency=EUR",
			"/api/v1/reports/summary?currency=USD&rate_source=manual,ECB",
			"/charts/summary?currency=EUR",
		}
		for _, p := range paths {
			e.get(b, p)
		}
		steps := []struct {
			name    string
			write   func()
			changes []string // the paths whose pledge total must change (none: only the state)
		}{
			{"add", func() {
				if st, body, _ := e.api("POST", "/api/v1/entries", off, `{"ref":"cache-p1","kind":"pledge","party":"NLD","date":"2021-06-01","amount":"1500000.00","currency":"EUR"}`); st != http.StatusCreated {
					t.Fatalf("add: %d %s", st, body)
				}
			}, paths[:2]},
			{"amend", func() {
				if st, body, _ := e.api("POST", "/api/v1/entries/cache-p1/amend", off, `{"changes":{"amount":"2000000.00"},"reason":"review"}`); st != http.StatusOK {
					t.Fatalf("amend: %d %s", st, body)
				}
			}, paths[:2]},
			{"rate set", func() {
				if st, body, _ := e.api("POST", "/api/v1/rates", off, `{"date":"2021-06-01","base":"EUR","quote":"USD","rate":"1.5000","source":"manual"}`); st != http.StatusCreated {
					t.Fatalf("rate: %d %s", st, body)
				}
			}, paths[1:2]},
			{"rate import", func() {
				csv := "date,base,quote,rate,source\n2021-06-01,EUR,USD,1.4000,manual\n"
				if _, err := e.st.ImportRates(ctx, csvio.RateBytesSource("rates.csv", []byte(csv), ""), store.RateImportOptions{Replace: true, Author: "officer"}); err != nil {
					t.Fatal(err)
				}
			}, paths[1:2]},
			{"import", func() {
				csv := "ref,kind,party,date,amount,currency\ncache-p2,pledge,NLD,2021-06-01,250000.00,EUR\n"
				if _, err := e.st.Import(ctx, csvio.BytesSource("entries.csv", []byte(csv), csvio.Options{}), store.ImportOptions{Author: "officer"}); err != nil {
					t.Fatal(err)
				}
			}, paths[:2]},
			{"party add", func() {
				if err := e.st.AddParty(ctx, ledger.Party{Code: "XCA", Name: "Cache test party", Type: "state"}, "admin"); err != nil {
					t.Fatal(err)
				}
			}, nil},
			{"sector add", func() {
				sec, err := ledger.NewSector("cache-test", map[string]string{"en": "Cache test", "nl": "Cachetest", "fr": "Test de cache"}, nil)
				if err != nil {
					t.Fatal(err)
				}
				if err := e.st.AddSector(ctx, sec, "admin"); err != nil {
					t.Fatal(err)
				}
			}, nil},
			{"void", func() {
				if st, body, _ := e.api("POST", "/api/v1/entries/cache-p1/void", off, `{"reason":"withdrawn"}`); st != http.StatusOK {
					t.Fatalf("void: %d %s", st, body)
				}
			}, paths[:2]},
		}
		for _, step := range steps {
			before := map[string]string{}
			for _, p := range paths {
				before[p] = e.get(b, p)
			}
			models := e.computed("model")
			step.write()
			head, err := e.st.Head(ctx)
			if err != nil {
				t.Fatal(err)
			}
			for _, p := range paths {
				got := e.get(b, p)
				if want := fresh.get(fb, p); got != want {
					t.Errorf("after %s, %s: not what a server without a cache answers", step.name, p)
				}
				if got == before[p] {
					t.Errorf("after %s, %s: the same answer as before", step.name, p)
				}
				if !strings.Contains(got, head.StateText()) {
					t.Errorf("after %s, %s: the state %s is not named", step.name, p, head.StateText())
				}
				if strings.HasPrefix(p, "/api/") {
					old, now := readSummary(t, before[p]), readSummary(t, got)
					if changed := old.total("pledge") != now.total("pledge"); changed != slices.Contains(step.changes, p) {
						t.Errorf("after %s, %s: pledges %s, then %s", step.name, p, old.total("pledge"), now.total("pledge"))
					}
				}
			}
			if e.computed("model") == models {
				t.Errorf("after %s: nothing was computed", step.name)
			}
			models = e.computed("model")
			for _, p := range paths {
				e.get(b, p)
			}
			if e.computed("model") != models {
				t.Errorf("after %s: asked again, computed again", step.name)
			}
		}
	})
}

// TestReportCacheConcurrent: identical first requests that arrive
// together compute once; all get the same bytes.
func TestReportCacheConcurrent(t *testing.T) {
	storetest.Each(t, func(t *testing.T, engine store.Dialect) {
		e := newEnv(t, engine, Config{VerifyEvery: -1})
		const n = 8
		for _, path := range []string{"/api/v1/reports/coverage?currency=USD", "/dashboard?currency=USD"} {
			release := make(chan struct{})
			var waiting atomic.Int64
			e.s.cache.onWait = func() {
				if waiting.Add(1) == n-1 {
					close(release)
				}
			}
			var once sync.Once
			e.s.cache.onCompute = func(kind string) {
				// The first computation waits for every other request
				// to be waiting for it.
				once.Do(func() { <-release })
			}
			b := e.browser()
			b.login(string(access.Analyst))
			models, pages := e.computed("model"), e.computed("page")
			bodies := make([]string, n)
			var wg sync.WaitGroup
			for i := range n {
				wg.Go(func() {
					var st int
					if strings.HasPrefix(path, "/api/") {
						st, bodies[i], _ = e.api("GET", path, e.tokens[access.Analyst], "")
					} else {
						st, bodies[i] = b.get(path)
					}
					if st != http.StatusOK {
						t.Errorf("%s: %d", path, st)
					}
				})
			}
			wg.Wait()
			e.s.cache.onWait, e.s.cache.onCompute = nil, nil
			wantModels := int64(1)
			if strings.HasPrefix(path, "/dashboard") {
				wantModels = int64(len(chart.Names) - 1) // the coverage report's is kept
			}
			if dm, dp := e.computed("model")-models, e.computed("page")-pages; dm != wantModels || dp != 1 {
				t.Errorf("%s: %d identical requests made %d models and %d pages, want %d and 1", path, n, dm, dp, wantModels)
			}
			for i := range bodies {
				if bodies[i] != bodies[0] {
					t.Errorf("%s: request %d got other bytes", path, i)
				}
			}
		}
	})
}

// TestReportCacheTampered: once a verification found the ledger tampered
// with, the figures kept from before are not served as verified: the API
// and the pages refuse (409), allow-unverified makes a marked report each
// time, and nothing made from the failing ledger is kept.
func TestReportCacheTampered(t *testing.T) {
	storetest.Each(t, func(t *testing.T, engine store.Dialect) {
		ctx := context.Background()
		e := newEnv(t, engine, Config{VerifyEvery: -1})
		tok := e.tokens[access.Analyst]
		b := e.browser()
		b.login(string(access.Analyst))
		const api = "/api/v1/reports/summary?currency=EUR"
		for _, p := range []string{api, api + "&allow-unverified=1", "/reports/view?name=summary&currency=EUR", "/dashboard?currency=EUR"} {
			if got := readSummaryIf(t, e.get(b, p)); got != nil && !got.Provenance.Verified {
				t.Fatalf("%s: unverified before tampering", p)
			}
		}
		if _, err := e.st.DB().Exec(`UPDATE revisions SET date_first = '2030-01-01', date_last = '2030-12-31' WHERE ref = 'coal-need-2021-stab'`); err != nil {
			t.Fatal(err)
		}
		if _, err := e.st.Verify(ctx, store.VerifyOptions{}); err == nil {
			t.Fatal("verify passed a tampered ledger")
		}
		if st, body, _ := e.api("GET", api, tok, ""); st != http.StatusConflict || !strings.Contains(body, `"code":"ledger_tampered"`) {
			t.Errorf("API report after tampering: %d %.300s", st, body)
		}
		for _, p := range []string{"/reports/view?name=summary&currency=EUR", "/dashboard?currency=EUR", "/charts/summary?currency=EUR"} {
			if st, _ := b.get(p); st != http.StatusConflict {
				t.Errorf("%s after tampering: %d", p, st)
			}
		}
		models := e.computed("model")
		for range 2 {
			st, body, _ := e.api("GET", api+"&allow-unverified=1", tok, "")
			if st != http.StatusOK || readSummary(t, body).Provenance.Verified {
				t.Errorf("allow-unverified after tampering: %d %.300s", st, body)
			}
		}
		if d := e.computed("model") - models; d != 2 {
			t.Errorf("allow-unverified twice after tampering: %d models made, want 2 (none kept)", d)
		}
	})
}

// readSummaryIf reads a summary's JSON, or nil for a page.
func readSummaryIf(t *testing.T, body string) *summaryJSON {
	if !strings.HasPrefix(body, "{") {
		return nil
	}
	s := readSummary(t, body)
	return &s
}

// TestReportCacheKeys: the cache never answers one request with another's
// result: each currency, language, filter, format, table, grouping, unit,
// codes, valuation, rate source order, as-of and chart option is its own
// answer, the same as a server without a cache makes, asked in any order.
func TestReportCacheKeys(t *testing.T) {
	storetest.Each(t, func(t *testing.T, engine store.Dialect) {
		e := newEnv(t, engine, Config{VerifyEvery: -1})
		fresh := e.fresh()
		b, fb := e.browser(), fresh.browser()
		b.login(string(access.Analyst))
		fb.login(string(access.Analyst))
		asOf := time.Now().UTC().Format(time.RFC3339Nano) // after the demo's rates
		queries := []string{
			"currency=EUR", "currency=USD", "currency=EUR&lang=nl", "currency=EUR&lang=fr", "currency=EUR&party=BEL",
			"currency=EUR&party=BEL,NLD", "currency=EUR&sector=demining", "currency=EUR&location=IRQ", "currency=EUR&from=2020&to=2021",
			"currency=EUR&by=sector", "currency=EUR&unit=million", "currency=EUR&codes=1", "currency=EUR&valuation=fixed:2021-01-01",
			"currency=USD&rate_source=manual,ECB", "currency=EUR&as-of=" + asOf, "currency=EUR&as-of=2021-01-01", "currency=EUR&format=csv",
			"currency=EUR&format=md", "currency=EUR&format=html", "currency=EUR&format=md&lang=nl",
		}
		// The summary of each query, a page and a chart of some, in
		// turn, twice over: the second round is all kept.
		var paths []string
		for i, q := range queries {
			paths = append(paths, "/api/v1/reports/summary?"+q)
			if i%3 == 0 {
				paths = append(paths, "/reports/view?name=flows&"+q)
			}
			if i%4 == 0 {
				paths = append(paths, "/charts/summary?"+q+"&top=2")
			}
		}
		paths = append(paths, "/charts/summary?currency=EUR&top=3", "/charts/summary?currency=EUR&cumulative=on", "/charts/timeline?currency=EUR", "/charts/timeline?currency=EUR&by=quarter")
		if st, body, _ := e.api("POST", "/api/v1/rates", e.tokens[access.Officer], `{"date":"2021-03-15","base":"EUR","quote":"USD","rate":"1.2000","source":"manual"}`); st != http.StatusCreated {
			t.Fatalf("rate: %d %s", st, body)
		}
		ok := map[string]bool{}
		type answer struct {
			st   int
			body string
		}
		want := map[string]answer{}
		for _, p := range paths {
			var a answer
			if strings.HasPrefix(p, "/api/") {
				a.st, a.body, _ = fresh.api("GET", p, fresh.tokens[access.Analyst], "")
			} else {
				a.st, a.body = fb.get(p)
			}
			want[p] = a
		}
		for round := range 2 {
			for _, p := range paths {
				var st int
				var got string
				if strings.HasPrefix(p, "/api/") {
					st, got, _ = e.api("GET", p, e.tokens[access.Analyst], "")
				} else {
					st, got = b.get(p)
				}
				fst := want[p].st
				// An error page carries the asker's form token: compare
				// the status only.
				if st != fst || st == http.StatusOK && got != want[p].body {
					t.Errorf("round %d, %s: %d, a server without a cache %d, or other bytes", round, p, st, fst)
				}
				ok[p] = st == http.StatusOK
			}
		}
		models := e.computed("model")
		for _, p := range paths {
			if !ok[p] {
				continue // errors are not kept
			}
			if strings.HasPrefix(p, "/api/") {
				e.api("GET", p, e.tokens[access.Analyst], "")
			} else {
				b.get(p)
			}
		}
		if d := e.computed("model") - models; d != 0 {
			t.Errorf("asked again, %d models made", d)
		}
		// A viewer is refused the dashboard an analyst had made, kept or
		// not.
		vb := e.browser()
		vb.login(string(access.Viewer))
		if st, _ := vb.get("/dashboard?currency=EUR"); st != http.StatusForbidden {
			t.Errorf("a viewer asked for the dashboard: %d", st)
		}
		if st, _, _ := e.api("GET", "/api/v1/reports/summary?currency=EUR", e.tokens[access.Viewer], ""); st != http.StatusForbidden {
			t.Errorf("a viewer asked for a kept report: %d", st)
		}
	})
}

// TestReportCacheAsOf: a report as of a past moment keeps its state when
// the ledger moves on, and is served from the cache; one as of a moment
// after the ledger's latest write moves with it.
func TestReportCacheAsOf(t *testing.T) {
	storetest.Each(t, func(t *testing.T, engine store.Dialect) {
		e := newEnv(t, engine, Config{VerifyEvery: -1})
		b := e.browser()
		past := "/api/v1/reports/summary?currency=EUR&as-of=" + time.Now().UTC().Format(time.RFC3339Nano)
		future := "/api/v1/reports/summary?currency=EUR&as-of=2999-01-01"
		first := map[string]string{past: e.get(b, past), future: e.get(b, future)}
		if st, body, _ := e.api("POST", "/api/v1/entries", e.tokens[access.Officer], `{"ref":"cache-p1","kind":"pledge","party":"NLD","date":"2021-06-01","amount":"1500000.00","currency":"EUR"}`); st != http.StatusCreated {
			t.Fatalf("add: %d %s", st, body)
		}
		models := e.computed("model")
		if got := e.get(b, past); got != first[past] {
			t.Errorf("as of before the write: other figures")
		}
		if e.computed("model") != models {
			t.Errorf("as of before the write: computed again")
		}
		got := e.get(b, future)
		if readSummary(t, got).total("pledge") == readSummary(t, first[future]).total("pledge") || e.computed("model") != models+1 {
			t.Errorf("as of after the write: the same figures, or not computed once (%d)", e.computed("model")-models)
		}
	})
}

// TestReportCacheLRU: the cache keeps what fits, drops the least recently
// used first, never holds more than its bound, and keeps nothing larger.
func TestReportCacheLRU(t *testing.T) {
	c := newReportCache(100)
	ctx := context.Background()
	made := 0
	get := func(key string, size int64) any {
		v, err := c.do(ctx, key, func(context.Context) (any, int64, bool, error) {
			made++
			return key, size, true, nil
		})
		if err != nil || v != key {
			t.Fatalf("%s: %v, %v", key, v, err)
		}
		return v
	}
	get("a", 40)
	get("b", 40)
	get("a", 40) // a is now the most recent
	get("c", 40) // b goes
	if n, used := c.stats(); n != 2 || used != 80 || made != 3 {
		t.Fatalf("%d values, %d bytes, %d made", n, used, made)
	}
	get("a", 40)
	get("c", 40)
	if made != 3 {
		t.Errorf("a and c were dropped: %d made", made)
	}
	get("b", 40)
	if made != 4 {
		t.Errorf("b was kept: %d made", made)
	}
	get("huge", 101)
	get("huge", 101)
	if n, used := c.stats(); made != 6 || used > 100 || n != 2 {
		t.Errorf("a value larger than the cache: %d made, %d values, %d bytes", made, n, used)
	}
	// An error or a value that may not be kept is not kept.
	for i := range 2 {
		_, err := c.do(ctx, "err", func(context.Context) (any, int64, bool, error) { return nil, 0, false, fmt.Errorf("no %d", i) })
		if err == nil || err.Error() != fmt.Sprintf("no %d", i) {
			t.Errorf("error %d: %v", i, err)
		}
	}
	// A computation that panics fails its waiters and keeps nothing.
	func() {
		defer func() { recover() }()
		c.do(ctx, "panic", func(context.Context) (any, int64, bool, error) { panic("boom") })
	}()
	if v, err := c.do(ctx, "panic", func(context.Context) (any, int64, bool, error) { return "ok", 1, true, nil }); err != nil || v != "ok" {
		t.Errorf("after a panic: %v, %v", v, err)
	}
	// Off: nothing is kept.
	off := newReportCache(cacheSize(-1))
	for range 2 {
		off.do(ctx, "a", func(context.Context) (any, int64, bool, error) { return "a", 1, true, nil })
	}
	if n, _ := off.stats(); n != 0 {
		t.Errorf("a cache of size 0 keeps %d values", n)
	}
}

// TestReportCacheOtherState: a model made for a request whose state moved
// on while it was made (a write landed in between) names the newer state:
// it is served to that request, as fresh figures, but never kept under
// the older state's key.
func TestReportCacheOtherState(t *testing.T) {
	storetest.Each(t, func(t *testing.T, engine store.Dialect) {
		ctx := context.Background()
		e := newEnv(t, engine, Config{VerifyEvery: -1})
		req := reportRequest(url.Values{"currency": {"EUR"}})
		v, err := e.s.view(ctx, req)
		if err != nil || !v.ok {
			t.Fatalf("view: %+v, %v", v, err)
		}
		if st, body, _ := e.api("POST", "/api/v1/entries", e.tokens[access.Officer], `{"ref":"cache-p1","kind":"pledge","party":"NLD","date":"2021-06-01","amount":"1500000.00","currency":"EUR"}`); st != http.StatusCreated {
			t.Fatalf("add: %d %s", st, body)
		}
		head, err := e.st.Head(ctx)
		if err != nil {
			t.Fatal(err)
		}
		for i := range 2 {
			m, _, err := e.s.reportModel(ctx, v, "summary", req, "")
			if err != nil {
				t.Fatal(err)
			}
			if m.Provenance.State != head.StateText() || m.Provenance.State == v.state {
				t.Errorf("made from %s, the state is %s, the request's view was %s", m.Provenance.State, head.StateText(), v.state)
			}
			if n, _ := e.s.cache.stats(); n != 0 || e.computed("model") != int64(i+1) {
				t.Errorf("try %d: %d values kept, %d models made", i, n, e.computed("model"))
			}
		}
	})
}

// TestReportCacheLeave: a computation goes on for the requests waiting
// for it when the one that started it has gone, and is stopped once every
// request has gone; a request that arrives after it was stopped gets its
// own answer, not the stopped one's error.
func TestReportCacheLeave(t *testing.T) {
	c := newReportCache(1 << 20)
	waited, left := make(chan struct{}, 8), make(chan struct{}, 8)
	c.onWait = func() { waited <- struct{}{} }
	c.onLeave = func() { left <- struct{}{} }

	// The first request goes; the second still waits and gets the value.
	started, proceed := make(chan struct{}), make(chan struct{})
	fn := func(ctx context.Context) (any, int64, bool, error) {
		close(started)
		<-proceed
		if ctx.Err() != nil {
			return nil, 0, false, ctx.Err()
		}
		return "v", 1, true, nil
	}
	ctx1, cancel1 := context.WithCancel(context.Background())
	type result struct {
		v   any
		err error
	}
	first, second := make(chan result, 1), make(chan result, 1)
	go func() { v, err := c.do(ctx1, "k", fn); first <- result{v, err} }()
	<-started
	go func() { v, err := c.do(context.Background(), "k", fn); second <- result{v, err} }()
	<-waited
	cancel1()
	<-left
	close(proceed)
	if r := <-second; r.err != nil || r.v != "v" {
		t.Errorf("the waiter, after the first request went: %v, %v", r.v, r.err)
	}
	<-first
	if n, _ := c.stats(); n != 1 {
		t.Errorf("%d values kept, want 1", n)
	}

	// Every request goes: the computation is stopped, and a request after
	// that makes its own.
	started, proceed = make(chan struct{}), make(chan struct{})
	ctx1, cancel1 = context.WithCancel(context.Background())
	ctx2, cancel2 := context.WithCancel(context.Background())
	go func() { v, err := c.do(ctx1, "k2", fn); first <- result{v, err} }()
	<-started
	go func() { v, err := c.do(ctx2, "k2", fn); second <- result{v, err} }()
	<-waited
	cancel2()
	<-left
	if r := <-second; r.err == nil {
		t.Errorf("a waiter whose request ended: %v", r.v)
	}
	cancel1()
	<-left
	// A request that comes while the stopped computation ends waits for
	// it, then makes its own.
	third := make(chan result, 1)
	go func() {
		v, err := c.do(context.Background(), "k2", func(context.Context) (any, int64, bool, error) { return "third", 1, true, nil })
		third <- result{v, err}
	}()
	<-waited
	close(proceed)
	if r := <-first; r.err == nil {
		t.Errorf("the computation was not stopped when every request had gone: %v", r.v)
	}
	if r := <-third; r.err != nil || r.v != "third" {
		t.Errorf("a request after the computation was stopped: %v, %v", r.v, r.err)
	}
	if v, err := c.do(context.Background(), "k2", nil); err != nil || v != "third" {
		t.Errorf("kept after a stopped computation: %v, %v", v, err)
	}
}

// TestReportCachePublished: a published dashboard, pinned at its as-of
// moment, is served to viewers from the cache too, and stays as it was
// published when the ledger moves on.
func TestReportCachePublished(t *testing.T) {
	storetest.Each(t, func(t *testing.T, engine store.Dialect) {
		ctx := context.Background()
		e := newEnv(t, engine, Config{VerifyEvery: -1})
		ab := e.browser()
		ab.login(string(access.Analyst))
		if st, _ := ab.post("/publish", url.Values{"csrf": {ab.csrf("/reports")}, "title": {"Pinned"}, "currency": {"EUR"}}); st != http.StatusSeeOther {
			t.Fatalf("publish: %d", st)
		}
		sns, err := e.st.Snapshots(ctx)
		if err != nil || len(sns) != 1 {
			t.Fatalf("snapshots %v, %v", sns, err)
		}
		path := "/published/" + sns[0].ID
		vb := e.browser()
		vb.login(string(access.Viewer))
		first := e.get(vb, path)
		if !strings.Contains(first, "Pinned") {
			t.Errorf("the published dashboard has not its title")
		}
		if st, body, _ := e.api("POST", "/api/v1/entries", e.tokens[access.Officer], `{"ref":"cache-p1","kind":"pledge","party":"NLD","date":"2021-06-01","amount":"1500000.00","currency":"EUR"}`); st != http.StatusCreated {
			t.Fatalf("add: %d %s", st, body)
		}
		models, pages := e.computed("model"), e.computed("page")
		if again := e.get(vb, path); again != first {
			t.Errorf("the published dashboard changed with the ledger")
		}
		if e.computed("model") != models || e.computed("page") != pages {
			t.Errorf("the published dashboard, asked again: %d models and %d pages made", e.computed("model")-models, e.computed("page")-pages)
		}
		fresh := e.fresh()
		fvb := fresh.browser()
		fvb.login(string(access.Viewer))
		if want := fresh.get(fvb, path); want != first {
			t.Errorf("the published dashboard differs from what a server without a cache makes")
		}
	})
}

// TestReportETag: a report, a chart and the dashboard carry an entity tag
// of their bytes; asked again with it in If-None-Match, the answer is 304
// with no body while the ledger state is the same, and 200 with a new tag
// (and the new figures) after a write.
func TestReportETag(t *testing.T) {
	storetest.Each(t, func(t *testing.T, engine store.Dialect) {
		e := newEnv(t, engine, Config{VerifyEvery: -1})
		tok := e.tokens[access.Analyst]
		paths := []string{"/api/v1/reports/summary?currency=EUR", "/api/v1/reports/coverage?currency=USD&format=xlsx", "/api/v1/charts/flows?currency=EUR"}
		tags := map[string]string{}
		for _, p := range paths {
			st, body, h := e.api("GET", p, tok, "")
			tag := h.Get("ETag")
			if st != http.StatusOK || !strings.HasPrefix(tag, `"`) || len(tag) < 10 {
				t.Fatalf("GET %s: %d, ETag %q", p, st, tag)
			}
			tags[p] = tag
			for _, inm := range []string{tag, `"other", ` + tag, "W/" + tag, "*"} {
				st, again, h2 := e.api("GET", p, tok, "", "If-None-Match", inm)
				if st != http.StatusNotModified || again != "" || h2.Get("ETag") != tag {
					t.Errorf("GET %s with If-None-Match %s: %d, %d bytes, ETag %q; want 304, none, the same tag", p, inm, st, len(again), h2.Get("ETag"))
				}
			}
			if st, again, _ := e.api("GET", p, tok, "", "If-None-Match", `"other"`); st != http.StatusOK || again != body {
				t.Errorf("GET %s with another tag: %d, want 200 and the same bytes", p, st)
			}
		}
		b := e.browser()
		b.login(string(access.Analyst))
		req, _ := http.NewRequest("GET", e.srv.URL+"/dashboard?currency=EUR", nil)
		resp, err := b.c.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		tag := resp.Header.Get("ETag")
		req.Header.Set("If-None-Match", tag)
		if resp, err = b.c.Do(req); err != nil || resp.StatusCode != http.StatusNotModified || tag == "" {
			t.Fatalf("dashboard asked again with its tag %q: %v %v", tag, resp.StatusCode, err)
		}
		resp.Body.Close()
		if st, body, _ := e.api("POST", "/api/v1/entries", e.tokens[access.Officer], pledgeJSON); st != http.StatusCreated {
			t.Fatalf("add: %d %s", st, body)
		}
		for _, p := range paths[:1] {
			st, _, h := e.api("GET", p, tok, "", "If-None-Match", tags[p])
			if st != http.StatusOK || h.Get("ETag") == tags[p] {
				t.Errorf("GET %s after a write, with the old tag: %d, ETag %q; want 200 and a new tag", p, st, h.Get("ETag"))
			}
		}
	})
}
