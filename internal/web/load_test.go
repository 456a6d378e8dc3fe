package web

import (
	"context"
	"fmt"
	"net/http"
	"os"
	"sort"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/coalition/pledger/internal/access"
	"github.com/coalition/pledger/internal/ledger"
	"github.com/coalition/pledger/internal/store"
	"github.com/coalition/pledger/internal/store/storetest"
)

// TestLoad: 50 concurrent API clients write 10,000 entries with
// idempotency keys, a tenth of them sent twice (the retry racing the
// first or following it); afterwards exactly 10,000 entries exist and the
// chain verifies. Loopback only, bounded in count; throughput and latency
// are logged (go test -run Load -v), never asserted.
func TestLoad(t *testing.T) {
	if testing.Short() {
		t.Skip("load test: 10,000 writes")
	}
	n := 10000
	if v, err := strconv.Atoi(os.Getenv("PLEDGER_LOAD_ENTRIES")); err == nil && v > 0 {
		n = v
	}
	const clients = 50
	storetest.Each(t, func(t *testing.T, engine store.Dialect) {
		e := newEnv(t, engine, Config{})
		before, err := e.st.CountEntries(context.Background(), store.Filter{})
		if err != nil {
			t.Fatal(err)
		}
		tok := e.tokens[access.Officer]
		client := &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: clients}}
		send := func(i int) (time.Duration, int, error) {
			body := fmt.Sprintf(`{"ref":"load-%d","kind":"pledge","party":"NLD","date":"2021-06-01","amount":"%d.%02d","currency":"EUR","toward":"coal-need-2021-stab"}`, i, 1000+i, i%100)
			req, _ := http.NewRequest("POST", e.srv.URL+"/api/v1/entries", strings.NewReader(body))
			req.Header.Set("Authorization", "Bearer "+tok)
			req.Header.Set("Idempotency-Key", fmt.Sprintf("load-key-%d", i))
			start := time.Now()
			resp, err := client.Do(req)
			if err != nil {
				return 0, 0, err
			}
			resp.Body.Close()
			return time.Since(start), resp.StatusCode, nil
		}
		jobs := make(chan int)
		var mu sync.Mutex
		var lat []time.Duration
		var failures []string
		var wg sync.WaitGroup
		start := time.Now()
		for c := 0; c < clients; c++ {
			wg.Add(1)
			go func() {
				defer wg.Done()
				for i := range jobs {
					d, st, err := send(i)
					// A tenth are retried: as if the answer had been lost.
					if i%10 == 0 && err == nil {
						var d2 time.Duration
						d2, st, err = send(i)
						d += d2
					}
					mu.Lock()
					lat = append(lat, d)
					if err != nil || st != http.StatusCreated {
						failures = append(failures, fmt.Sprintf("%d: %d %v", i, st, err))
					}
					mu.Unlock()
				}
			}()
		}
		for i := 0; i < n; i++ {
			jobs <- i
		}
		close(jobs)
		wg.Wait()
		elapsed := time.Since(start)
		if len(failures) > 0 {
			t.Fatalf("%d requests failed, e.g. %v", len(failures), failures[:min(5, len(failures))])
		}
		after, err := e.st.CountEntries(context.Background(), store.Filter{Kinds: []ledger.Kind{ledger.Pledge, ledger.Need, ledger.Commitment, ledger.Disbursement, ledger.Deployment}})
		if err != nil {
			t.Fatal(err)
		}
		if after-before != n {
			t.Fatalf("%d entries written, want exactly %d", after-before, n)
		}
		if _, err := e.st.Verify(context.Background(), store.VerifyOptions{}); err != nil {
			t.Fatalf("verify: %v", err)
		}
		sort.Slice(lat, func(i, j int) bool { return lat[i] < lat[j] })
		t.Logf("%s: %d entries (+%d retries) by %d clients in %s: %.0f writes/s, p50 %s, p99 %s",
			engine, n, n/10, clients, elapsed.Round(time.Millisecond), float64(n+n/10)/elapsed.Seconds(),
			lat[len(lat)/2].Round(time.Microsecond), lat[len(lat)*99/100].Round(time.Microsecond))
	})
}
