package main

// Crash tests: the pledger binary killed with SIGKILL (kill -9: no chance
// to clean up) in the middle of an import and of a burst of API writes, on
// both engines. After it, the ledger holds all of the import or none of
// it, every write the API acknowledged, nothing half-written, and it
// verifies.

import (
	"bytes"
	"context"
	"database/sql"
	"errors"
	"fmt"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/coalition/pledger/internal/access"
	"github.com/coalition/pledger/internal/benchgen"
	"github.com/coalition/pledger/internal/ledger"
	"github.com/coalition/pledger/internal/store"
	"github.com/coalition/pledger/internal/store/storetest"
)

// The pledger binary the crash tests run, built once per test run into
// a temp dir that TestMain removes.
var built struct {
	once sync.Once
	dir  string
	bin  string
	out  []byte
	err  error
}

func TestMain(m *testing.M) {
	code := m.Run()
	if built.dir != "" {
		os.RemoveAll(built.dir)
	}
	os.Exit(code)
}

// buildPledger builds the pledger binary (go build) and returns its path.
func buildPledger(t *testing.T) string {
	t.Helper()
	built.once.Do(func() {
		if built.dir, built.err = os.MkdirTemp("", "pledger-crash-"); built.err != nil {
			return
		}
		built.bin = filepath.Join(built.dir, "pledger")
		built.out, built.err = exec.Command("go", "build", "-o", built.bin, ".").CombinedOutput()
	})
	if built.err != nil {
		t.Fatalf("go build: %v\n%s", built.err, built.out)
	}
	return built.bin
}

// proc is a pledger process the test may kill.
type proc struct {
	cmd        *exec.Cmd
	out        bytes.Buffer
	done       chan struct{}
	err        error
	start, end time.Time
}

func startPledger(t *testing.T, bin string, args ...string) *proc {
	t.Helper()
	p := &proc{cmd: exec.Command(bin, args...), done: make(chan struct{})}
	p.cmd.Stdout, p.cmd.Stderr = &p.out, &p.out
	p.start = time.Now()
	if err := p.cmd.Start(); err != nil {
		t.Fatal(err)
	}
	go func() {
		p.err = p.cmd.Wait()
		p.end = time.Now()
		close(p.done)
	}()
	t.Cleanup(func() { p.kill() })
	return p
}

// kill sends SIGKILL and waits for the process to be gone.
func (p *proc) kill() {
	p.cmd.Process.Kill() // SIGKILL on Unix
	<-p.done
}

func (p *proc) exited() bool {
	select {
	case <-p.done:
		return true
	default:
		return false
	}
}

// writing polls until the ledger dsn is inside a long write transaction of
// another process (the import's), and returns when it saw it, or false if
// p ended first. SQLite: the database's write lock is held (BEGIN
// IMMEDIATE fails at once), and still 20 ms later, which the short
// transactions of opening a ledger are not. PostgreSQL: another backend
// holds a RowExclusiveLock on the schema's revisions table: it is
// inserting revisions.
func writing(t *testing.T, dsn string, p *proc) (time.Time, bool) {
	t.Helper()
	dialect, src, err := store.ParseDSN(dsn)
	if err != nil {
		t.Fatal(err)
	}
	var probe func() bool
	switch dialect {
	case store.SQLite:
		db, err := sql.Open("sqlite", "file:"+src+"?_pragma=busy_timeout(0)&_txlock=immediate")
		if err != nil {
			t.Fatal(err)
		}
		defer db.Close()
		db.SetMaxOpenConns(1)
		locked := func() bool {
			tx, err := db.Begin()
			if err != nil {
				return strings.Contains(err.Error(), "locked") || strings.Contains(err.Error(), "busy")
			}
			tx.Rollback()
			return false
		}
		probe = func() bool {
			if !locked() {
				return false
			}
			time.Sleep(20 * time.Millisecond)
			return locked()
		}
	case store.Postgres:
		db, err := sql.Open("postgres", dsn)
		if err != nil {
			t.Fatal(err)
		}
		defer db.Close()
		probe = func() bool {
			var n int
			err := db.QueryRow(`SELECT count(*) FROM pg_locks l JOIN pg_class c ON c.oid = l.relation
				WHERE c.relname = 'revisions' AND c.relnamespace = current_schema()::regnamespace
				AND l.mode = 'RowExclusiveLock' AND l.granted AND l.pid <> pg_backend_pid()`).Scan(&n)
			if err != nil {
				t.Fatal(err)
			}
			return n > 0
		}
	}
	for !p.exited() {
		if probe() {
			return time.Now(), true
		}
		time.Sleep(time.Millisecond)
	}
	return time.Time{}, false
}

// ledgerState opens the ledger (recovering from the crash), verifies it in
// full and returns how many revisions it holds.
func ledgerState(t *testing.T, dsn string) (int64, *store.Store) {
	t.Helper()
	ctx := context.Background()
	s, err := store.Open(ctx, dsn)
	if err != nil {
		t.Fatalf("reopening after the crash: %v", err)
	}
	t.Cleanup(func() { s.Close() })
	if _, err := s.Verify(ctx, store.VerifyOptions{}); err != nil {
		t.Fatalf("after the crash the ledger does not verify: %v", err)
	}
	h, err := s.Head(ctx)
	if err != nil {
		t.Fatal(err)
	}
	return h.Seq, s
}

// crashEntries is the size of the crash tests' import (env
// PLEDGER_CRASH_ENTRIES): big enough that its transaction lasts a while,
// small enough that the tests stay fast.
func crashEntries(t *testing.T) int {
	if v := os.Getenv("PLEDGER_CRASH_ENTRIES"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n <= 0 {
			t.Fatalf("PLEDGER_CRASH_ENTRIES=%q", v)
		}
		return n
	}
	return 5000
}

// TestCrashDuringImport: pledger import of a generated ledger is killed
// with SIGKILL inside its transaction, at several points from its first
// insert to near its end, on both engines. Each time the reopened ledger
// verifies and holds either none of the file or all of it (revisions
// before, or before + every entry), and the same import run again then
// completes. At least one kill must land inside the transaction (the last
// one, at about its end, may land before or after its commit).
func TestCrashDuringImport(t *testing.T) {
	bin := buildPledger(t)
	n := crashEntries(t)
	files, _, err := benchgen.Write(t.TempDir(), benchgen.Config{Entries: n, Seed: 11})
	if err != nil {
		t.Fatal(err)
	}
	storetest.Each(t, func(t *testing.T, engine store.Dialect) {
		// A fresh ledger holding a few entries of its own.
		fresh := func() (string, int64) {
			dsn := storetest.DSN(t, engine)
			s, err := store.Open(context.Background(), dsn)
			if err != nil {
				t.Fatal(err)
			}
			defer s.Close()
			f := writeFile(t, "seed.csv", header+"\n"+row(map[string]string{"ref": "crash-seed-1", "kind": "need", "party": "UN",
				"date": "2024", "amount": "100.00", "currency": "USD"})+row(map[string]string{"ref": "crash-seed-2", "kind": "pledge",
				"party": "BEL", "date": "2024", "amount": "50.00", "currency": "EUR", "toward": "crash-seed-1"}))
			if r := pledger(t, dsn, "import", f); r.code != 0 {
				t.Fatal(r)
			}
			return dsn, 2
		}
		// A whole import first: how many revisions it adds, and how long
		// its transaction lasts.
		dsn, before := fresh()
		p := startPledger(t, bin, "import", files.Entries, "--db", dsn)
		t0, ok := writing(t, dsn, p)
		<-p.done
		if p.err != nil {
			t.Fatalf("the import: %v\n%s", p.err, p.out.String())
		}
		if !ok {
			t.Fatalf("the import's transaction was never seen open: did it write at all?\n%s", p.out.String())
		}
		span := p.end.Sub(t0)
		got, _ := ledgerState(t, dsn)
		all := got - before
		if all != int64(n) {
			t.Fatalf("a whole import added %d revisions, want %d", all, n)
		}
		t.Logf("%s: %d entries; the import's transaction lasted about %v (the process %v)", engine, n, span.Round(time.Millisecond), p.end.Sub(p.start).Round(time.Millisecond))
		inside := 0
		for i, frac := range []float64{0, 0.5, 0.9, 1} {
			dsn, before := fresh()
			p := startPledger(t, bin, "import", files.Entries, "--db", dsn)
			_, ok := writing(t, dsn, p)
			time.Sleep(time.Duration(frac * float64(span)))
			alive := !p.exited()
			p.kill()
			got, _ := ledgerState(t, dsn)
			switch {
			case got == before:
				if ok && alive {
					inside++
				}
			case got == before+all:
			default:
				t.Errorf("killed at %.0f%% of the import: %d revisions, want %d (none of the file) or %d (all of it)", frac*100, got, before, before+all)
			}
			t.Logf("%s: killed at %.0f%% of the transaction (still running: %v): %d of %d revisions of the file", engine, frac*100, alive, got-before, all)
			if i < 3 {
				continue
			}
			// Nothing is left half-done: the same import runs again to its end.
			if r := pledger(t, dsn, "import", files.Entries); r.code != 0 {
				t.Fatalf("the import again after the crash: %s", r)
			}
			if got, _ := ledgerState(t, dsn); got != before+all {
				t.Errorf("after the import again: %d revisions, want %d", got, before+all)
			}
		}
		if inside == 0 {
			t.Errorf("no kill landed inside the import's transaction: the test proved nothing")
		}
	})
}

func freeAddr(t *testing.T) string {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	return l.Addr().String()
}

// TestCrashDuringAPIWrites: pledger serve takes a burst of API writes from
// concurrent clients and is killed with SIGKILL once a number of them have
// been acknowledged (201), while others are in flight; twice, restarting
// on the same ledger. After each crash the ledger verifies, holds every
// acknowledged entry, and nothing else but entries whose request was in
// flight when it died, each whole (one revision per entry).
func TestCrashDuringAPIWrites(t *testing.T) {
	bin := buildPledger(t)
	storetest.Each(t, func(t *testing.T, engine store.Dialect) {
		ctx := context.Background()
		dsn := storetest.DSN(t, engine)
		s, err := store.Open(ctx, dsn)
		if err != nil {
			t.Fatal(err)
		}
		if err := s.AddUser(ctx, "officer", access.Officer, "x"); err != nil {
			t.Fatal(err)
		}
		token, err := s.NewToken(ctx, "officer", "crash test")
		if err != nil {
			t.Fatal(err)
		}
		s.Close()
		const clients = 8
		client := &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: clients}, Timeout: time.Minute}
		var before int64
		for round, killAfter := range []int{25, 60} {
			acked := map[string]bool{} // answered 201
			sent := map[string]bool{}  // sent, answered or not
			addr := freeAddr(t)
			p := startPledger(t, bin, "serve", "--addr", addr, "--db", dsn, "--verify-every", "0")
			for {
				resp, err := http.Get("http://" + addr + "/api/v1/openapi.json")
				if err == nil {
					resp.Body.Close()
					break
				}
				if p.exited() {
					t.Fatalf("serve ended: %v\n%s", p.err, p.out.String())
				}
				time.Sleep(10 * time.Millisecond)
			}
			var mu sync.Mutex
			var acks atomic.Int64
			var next atomic.Int64
			var killed atomic.Bool
			var wg sync.WaitGroup
			for range clients {
				wg.Add(1)
				go func() {
					defer wg.Done()
					for {
						i := next.Add(1)
						ref := fmt.Sprintf("crash-%d-%d", round, i)
						body := fmt.Sprintf(`{"ref":"%s","kind":"pledge","party":"NLD","date":"2021-06-01","amount":"%d.%02d","currency":"EUR"}`, ref, 1000+i, i%100)
						req, _ := http.NewRequest("POST", "http://"+addr+"/api/v1/entries", strings.NewReader(body))
						req.Header.Set("Authorization", "Bearer "+token)
						req.Header.Set("Content-Type", "application/json")
						req.Header.Set("Idempotency-Key", ref)
						mu.Lock()
						sent[ref] = true
						mu.Unlock()
						resp, err := client.Do(req)
						if err != nil {
							if killed.Load() {
								return // the server is gone
							}
							t.Errorf("%s: %v", ref, err)
							return
						}
						resp.Body.Close()
						if resp.StatusCode != http.StatusCreated {
							if killed.Load() {
								return
							}
							t.Errorf("%s: %d", ref, resp.StatusCode)
							return
						}
						mu.Lock()
						acked[ref] = true
						mu.Unlock()
						if acks.Add(1) == int64(killAfter) {
							killed.Store(true)
							p.cmd.Process.Kill()
						}
					}
				}()
			}
			wg.Wait()
			<-p.done
			if !killed.Load() {
				t.Fatalf("the server ended before it was killed: %v\n%s", p.err, p.out.String())
			}
			got, st := ledgerState(t, dsn)
			present := 0
			for ref := range sent {
				r, err := st.Current(ctx, ref)
				switch {
				case err == nil:
					present++
					if r.Rev != 1 || r.Entry.Party != "NLD" || !r.Entry.Amount.Valid {
						t.Errorf("%s after the crash: %+v", ref, r)
					}
				case !errors.Is(err, ledger.ErrNotFound):
					t.Fatal(err)
				case acked[ref]:
					t.Errorf("round %d: %s was acknowledged (201) but is not in the ledger after the crash", round, ref)
				}
			}
			if got != before+int64(present) {
				t.Errorf("round %d: %d revisions after the crash, want %d before and %d entries present", round, got, before, present)
			}
			inFlight := present - len(acked)
			if inFlight < 0 || inFlight > clients {
				t.Errorf("round %d: %d entries present that were not acknowledged; at most %d requests were in flight", round, inFlight, clients)
			}
			t.Logf("%s round %d: killed after %d acknowledged writes; %d requests sent, %d entries in the ledger (%d of them in flight at the kill)",
				engine, round, len(acked), len(sent), present, inFlight)
			st.Close()
			before = got
		}
	})
}
