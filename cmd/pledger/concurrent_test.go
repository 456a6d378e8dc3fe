package main

import (
	"fmt"
	"strings"
	"sync"
	"testing"

	"github.com/coalition/pledger/internal/store"
	"github.com/coalition/pledger/internal/store/storetest"
)

// TestConcurrentProcesses: officers running pledger at the same moment
// against one ledger, as separate processes, on both engines. Adds and
// amends of different entries all succeed; adds of one ref give one entry
// and, for every other officer, exit 4 with a message naming the ref,
// never a driver's error; the ledger verifies.
func TestConcurrentProcesses(t *testing.T) {
	bin := buildPledger(t)
	storetest.Each(t, func(t *testing.T, engine store.Dialect) {
		dsn := storetest.DSN(t, engine)
		mustPledger(t, dsn, "add", "need", "--party", "COALITION", "--date", "2021", "--amount", "670000000", "--currency", "USD",
			"--sector", "stabilisation", "--ref", "need-2021")
		const n = 12
		// all runs n command lines at once, each as its own process when
		// procs, else in this one (where they meet in the same few
		// microseconds far more often than processes, which take
		// milliseconds to start).
		all := func(args func(i int) []string) []result {
			rs := make([]result, n)
			var wg sync.WaitGroup
			start := make(chan struct{})
			for i := range n {
				wg.Add(1)
				go func() {
					defer wg.Done()
					<-start
					if i%2 == 0 {
						p := startPledger(t, bin, append(args(i), "--db", dsn)...)
						<-p.done
						rs[i] = result{code: p.cmd.ProcessState.ExitCode(), stderr: p.out.String()}
						return
					}
					rs[i] = pledger(t, dsn, args(i)...)
				}()
			}
			close(start)
			wg.Wait()
			return rs
		}
		for i, p := range all(func(i int) []string {
			return []string{"add", "pledge", "--party", "BEL", "--date", "2021", "--amount", fmt.Sprint(1000 + i), "--currency", "EUR",
				"--toward", "need-2021", "--ref", fmt.Sprint("pledge-", i)}
		}) {
			if p.code != 0 {
				t.Errorf("add pledge-%d: %s", i, p)
			}
		}
		for i, p := range all(func(i int) []string {
			return []string{"amend", fmt.Sprint("pledge-", i), "--amount", fmt.Sprint(2000 + i), "--reason", "budget review"}
		}) {
			if p.code != 0 {
				t.Errorf("amend pledge-%d: %s", i, p)
			}
		}
		ok := 0
		for i, p := range all(func(i int) []string {
			return []string{"add", "pledge", "--party", "NLD", "--date", "2021", "--amount", fmt.Sprint(3000 + i), "--currency", "EUR",
				"--ref", "same-ref"}
		}) {
			out := p.stdout + p.stderr
			switch code := p.code; {
			case code == 0:
				ok++
			case code != 4 || !strings.Contains(out, "same-ref"):
				t.Errorf("officer %d adding a ref in use: exit %d, want 4 naming the ref:\n%s", i, code, out)
			}
			for _, raw := range []string{"pq:", "23505", "UNIQUE constraint", "duplicate key"} {
				if strings.Contains(out, raw) {
					t.Errorf("officer %d saw a driver's error:\n%s", i, out)
				}
			}
		}
		if ok != 1 {
			t.Errorf("%d of %d adds of one ref succeeded, want 1", ok, n)
		}
		r := mustPledger(t, dsn, "list", "--format", "csv")
		for i := range n {
			if !strings.Contains(r, fmt.Sprintf("pledge-%d,", i)) || !strings.Contains(r, fmt.Sprintf("%d.00", 2000+i)) {
				t.Errorf("pledge-%d is not in the ledger at its amended amount:\n%s", i, clip(r))
			}
		}
		if res := pledger(t, dsn, "verify"); res.code != 0 {
			t.Fatalf("verify: %s", res)
		}
	})
}
