package web

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"io"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"net/url"
	"sort"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/coalition/pledger/internal/access"
	"github.com/coalition/pledger/internal/demo"
	"github.com/coalition/pledger/internal/ledger"
	"github.com/coalition/pledger/internal/report"
	"github.com/coalition/pledger/internal/store"
	"github.com/coalition/pledger/internal/store/storetest"
)

// The benchmarks of the performance issue's targets for pledger serve, on
// both engines: a dashboard or report asked again for the same ledger
// state <= 50 ms; API writes with 50 clients >= 2,000 writes/s with a p99
// <= 100 ms (the figure is for PostgreSQL). They check what they
// got (the same bytes again; every write recorded); none asserts a time.
// Loopback only (httptest), bounded by b.N.

// benchServer is a server over st with an analyst and an officer, each
// with an API token, and a signed-in browser session for the analyst.
type benchServer struct {
	srv     *httptest.Server
	st      *store.Store
	tokens  map[access.Role]string
	browser *http.Client
	s       *Server
}

func newBenchServer(b *testing.B, st *store.Store) *benchServer {
	b.Helper()
	ctx := context.Background()
	hash, err := access.HashPassword(testPassword)
	if err != nil {
		b.Fatal(err)
	}
	bs := &benchServer{st: st, tokens: map[access.Role]string{}}
	for _, r := range []access.Role{access.Analyst, access.Officer} {
		if err := st.AddUser(ctx, string(r), r, hash); err != nil {
			b.Fatal(err)
		}
		if bs.tokens[r], err = st.NewToken(ctx, string(r), "bench"); err != nil {
			b.Fatal(err)
		}
	}
	s, err := New(Config{Store: st, UploadDir: b.TempDir(), VerifyEvery: -1})
	if err != nil {
		b.Fatal(err)
	}
	bs.s = s
	bs.srv = httptest.NewServer(s.Handler())
	b.Cleanup(bs.srv.Close)
	jar, _ := cookiejar.New(nil)
	bs.browser = &http.Client{Jar: jar, CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	resp, err := bs.browser.Get(bs.srv.URL + "/login")
	if err != nil {
		b.Fatal(err)
	}
	page, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	m := csrfRE.FindSubmatch(page)
	if m == nil {
		b.Fatal("no csrf token on the sign-in page")
	}
	resp, err = bs.browser.PostForm(bs.srv.URL+"/login", url.Values{"csrf": {string(m[1])}, "name": {string(access.Analyst)}, "password": {testPassword}})
	if err != nil {
		b.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusSeeOther {
		b.Fatalf("login: %d", resp.StatusCode)
	}
	return bs
}

// get asks for path (an API path with the analyst's token, a page with the
// session) and returns the body of a 200 answer.
func (bs *benchServer) get(b *testing.B, path string) []byte {
	b.Helper()
	req, _ := http.NewRequest("GET", bs.srv.URL+path, nil)
	c := bs.browser
	if strings.HasPrefix(path, "/api/") {
		req.Header.Set("Authorization", "Bearer "+bs.tokens[access.Analyst])
		c = http.DefaultClient
	}
	resp, err := c.Do(req)
	if err != nil {
		b.Fatal(err)
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	if err != nil {
		b.Fatal(err)
	}
	if resp.StatusCode != http.StatusOK {
		b.Fatalf("GET %s: %d %s", path, resp.StatusCode, body[:min(len(body), 500)])
	}
	return body
}

// BenchmarkServeRepeat asks pledger serve for each report of the catalog
// (the API, JSON), for a report's page and workbook, for a chart's page and
// for the dashboard page, once untimed (first-ms says how long that took:
// the computation) and then b.N times more for the same ledger state: the
// issue's target for a repeat is <= 50 ms. Every answer must be the same
// bytes as the first, and no repeat may compute anything (the report
// cache's counter). cpu-ms/op is the CPU time of a repeat, server and
// client (this process; PostgreSQL's own is not counted), which a machine
// shared with other work does not inflate as it does the wall clock;
// inproc-ms is a repeat answered into memory, without the network. Over the generated benchmark ledger
// (PLEDGER_BENCH_ROWS entries, default 100,000). Run:
//
//	PLEDGER_BENCH_ROWS=100000 go test -run '^$' -bench ServeRepeat -benchtime 20x -timeout 60m ./internal/web/
func BenchmarkServeRepeat(b *testing.B) {
	n := storetest.BenchRows()
	files, _ := storetest.BenchGen(b, storetest.BenchConfig(n))
	paths := []struct{ name, path string }{}
	for _, d := range report.Catalog() {
		paths = append(paths, struct{ name, path string }{d.Name, "/api/v1/reports/" + d.Name + "?currency=USD&report-party=BEL"})
	}
	paths = append(paths,
		struct{ name, path string }{"summary-page", "/reports/view?name=summary&currency=USD&lang=nl"},
		struct{ name, path string }{"coverage-xlsx", "/api/v1/reports/coverage?currency=USD&format=xlsx"},
		struct{ name, path string }{"chart-flows", "/charts/flows?currency=USD"},
		struct{ name, path string }{"dashboard", "/dashboard?currency=USD"})
	for _, engine := range storetest.Engines {
		b.Run(string(engine), func(b *testing.B) {
			bs := newBenchServer(b, storetest.BenchStore(b, engine, n, files.Entries, files.Rates))
			for _, p := range paths {
				// The testing package runs a benchmark's function more
				// than once (b.N = 1 first): the first answer is the very
				// first, made in the first run.
				var first []byte
				var firstTook time.Duration
				b.Run(p.name, func(b *testing.B) {
					if first == nil {
						storetest.ResetPeakRSS()
						start := time.Now()
						first = bs.get(b, p.path)
						firstTook = time.Since(start)
					}
					computed := bs.computed()
					cpu := processCPU()
					b.ResetTimer()
					for i := 0; i < b.N; i++ {
						if again := bs.get(b, p.path); !bytes.Equal(again, first) {
							b.Fatalf("GET %s: the same ledger state gave other bytes (%d, then %d)", p.path, len(first), len(again))
						}
					}
					b.StopTimer()
					cpu = processCPU() - cpu
					if c := bs.computed(); c != computed {
						b.Fatalf("GET %s: a repeat computed %d times", p.path, c-computed)
					}
					b.ReportMetric(bs.inProcess(b, p.path, first), "inproc-ms")
					b.ReportMetric(float64(cpu.Microseconds())/1000/float64(b.N), "cpu-ms/op")
					b.ReportMetric(float64(firstTook.Microseconds())/1000, "first-ms")
					b.ReportMetric(float64(len(first))/1024, "KB")
					b.ReportMetric(storetest.PeakRSS(), "peakRSS-MB")
				})
			}
		})
	}
}

// inProcess is the mean time, in ms, the server takes to answer path
// again into memory (no network, no client): what a repeat costs the
// server, apart from carrying the bytes.
func (bs *benchServer) inProcess(b *testing.B, path string, want []byte) float64 {
	b.Helper()
	const n = 10
	h := bs.s.Handler()
	req := httptest.NewRequest("GET", path, nil)
	if strings.HasPrefix(path, "/api/") {
		req.Header.Set("Authorization", "Bearer "+bs.tokens[access.Analyst])
	} else {
		u, _ := url.Parse(bs.srv.URL)
		for _, c := range bs.browser.Jar.Cookies(u) {
			req.AddCookie(c)
		}
	}
	var took time.Duration
	for range n {
		rec := httptest.NewRecorder()
		start := time.Now()
		h.ServeHTTP(rec, req)
		took += time.Since(start)
		if rec.Code != http.StatusOK || !bytes.Equal(rec.Body.Bytes(), want) {
			b.Fatalf("GET %s in process: %d, or other bytes", path, rec.Code)
		}
	}
	return float64(took.Microseconds()) / 1000 / n
}

// computed is how many computations the server's report cache has run.
func (bs *benchServer) computed() int64 {
	bs.s.cache.mu.Lock()
	defer bs.s.cache.mu.Unlock()
	var n int64
	for _, c := range bs.s.cache.computed {
		n += c
	}
	return n
}

// BenchmarkAPIWrites: 50 concurrent API clients write b.N entries (POST
// /api/v1/entries, each with an Idempotency-Key) into the demo ledger;
// every write must be answered 201 and recorded, and the ledger must
// verify afterwards. It reports writes/s and the latency percentiles
// (p50-ms, p99-ms). The target, for PostgreSQL: >= 2,000 writes/s,
// p99 <= 100 ms. Run:
//
//	go test -run '^$' -bench APIWrites -benchtime 10000x -timeout 30m ./internal/web/
func BenchmarkAPIWrites(b *testing.B) {
	const clients = 50
	for _, engine := range storetest.Engines {
		b.Run(string(engine), func(b *testing.B) {
			ctx := context.Background()
			st := storetest.Open(b, engine)
			if _, _, err := demo.Load(ctx, st); err != nil {
				b.Fatal(err)
			}
			bs := newBenchServer(b, st)
			before, err := st.CountEntries(ctx, store.Filter{})
			if err != nil {
				b.Fatal(err)
			}
			run := make([]byte, 4)
			rand.Read(run)
			prefix := "bench-" + hex.EncodeToString(run)
			client := &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: clients}}
			tok := bs.tokens[access.Officer]
			send := func(i int) (time.Duration, int, error) {
				body := fmt.Sprintf(`{"ref":"%s-%d","kind":"pledge","party":"NLD","date":"2021-06-01","amount":"%d.%02d","currency":"EUR","toward":"coal-need-2021-stab"}`,
					prefix, i, 1000+i, i%100)
				req, _ := http.NewRequest("POST", bs.srv.URL+"/api/v1/entries", strings.NewReader(body))
				req.Header.Set("Authorization", "Bearer "+tok)
				req.Header.Set("Content-Type", "application/json")
				req.Header.Set("Idempotency-Key", fmt.Sprintf("%s-key-%d", prefix, i))
				t0 := time.Now()
				resp, err := client.Do(req)
				if err != nil {
					return 0, 0, err
				}
				io.Copy(io.Discard, resp.Body)
				resp.Body.Close()
				return time.Since(t0), resp.StatusCode, nil
			}
			jobs := make(chan int)
			lat := make([]time.Duration, b.N)
			var mu sync.Mutex
			var failures []string
			var wg sync.WaitGroup
			b.ResetTimer()
			for range clients {
				wg.Add(1)
				go func() {
					defer wg.Done()
					for i := range jobs {
						d, code, err := send(i)
						lat[i] = d
						if err != nil || code != http.StatusCreated {
							mu.Lock()
							failures = append(failures, fmt.Sprintf("%d: %d %v", i, code, err))
							mu.Unlock()
						}
					}
				}()
			}
			for i := 0; i < b.N; i++ {
				jobs <- i
			}
			close(jobs)
			wg.Wait()
			b.StopTimer()
			if len(failures) > 0 {
				b.Fatalf("%d of %d writes failed, e.g. %v", len(failures), b.N, failures[:min(5, len(failures))])
			}
			after, err := st.CountEntries(ctx, store.Filter{Kinds: ledger.Kinds})
			if err != nil {
				b.Fatal(err)
			}
			if after-before != b.N {
				b.Fatalf("%d entries written, want exactly %d", after-before, b.N)
			}
			if _, err := st.Verify(ctx, store.VerifyOptions{}); err != nil {
				b.Fatalf("verify: %v", err)
			}
			sort.Slice(lat, func(i, j int) bool { return lat[i] < lat[j] })
			ms := func(d time.Duration) float64 { return float64(d.Microseconds()) / 1000 }
			b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "writes/s")
			b.ReportMetric(ms(lat[len(lat)/2]), "p50-ms")
			b.ReportMetric(ms(lat[len(lat)*99/100]), "p99-ms")
			b.ReportMetric(clients, "clients")
		})
	}
}
