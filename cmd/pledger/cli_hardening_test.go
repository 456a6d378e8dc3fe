package main

// Tests of issue #15's hardening on the command line: passwords in a
// database name are never printed, a missing exchange rate is bad input
// (exit 2), and a file bad everywhere prints the first problems and how
// many more.

import (
	"bytes"
	"context"
	"fmt"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/coalition/pledger/internal/store"
	"github.com/coalition/pledger/internal/store/storetest"
)

const secretPassword = "s3cret-Pw-41"

// Finding 7: a database name with a password that cannot be opened is
// named without its password, in every error; --help does not show the
// one in PLEDGER_DB.
func TestDSNPasswordNotInErrors(t *testing.T) {
	for _, dsn := range []string{
		"postgres://bob:" + secretPassword + "@127.0.0.1:notaport/db?sslmode=disable",
		"postgres://bob:" + url.PathEscape(secretPassword+"@/") + "@[::1/db",
		"postgresql://bob@[::1/db?sslmode=disable&password=" + secretPassword,
		"mysql://bob:" + secretPassword + "@db.example/pledger",
	} {
		r := pledger(t, dsn, "list")
		if r.code == 0 || strings.Contains(r.stdout+r.stderr, secretPassword) || strings.Contains(r.stderr, "s3cret") {
			t.Errorf("--db %s: %s", dsn, r)
		}
		if !strings.Contains(r.stderr, "xxxxx") {
			t.Errorf("--db %s: the error does not name the database (redacted): %s", dsn, r)
		}
	}
	t.Setenv("PLEDGER_DB", "postgres://bob:"+secretPassword+"@db.example/pledger?sslmode=disable")
	var out, errw bytes.Buffer
	run(context.Background(), []string{"list", "--help"}, strings.NewReader(""), &out, &errw)
	if strings.Contains(out.String()+errw.String(), secretPassword) || !strings.Contains(out.String(), "postgres://bob:xxxxx@db.example") {
		t.Errorf("--help with PLEDGER_DB:\n%s%s", out.String(), errw.String())
	}
}

// syncBuffer is a buffer written by a command running in another
// goroutine.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

// Finding 7: init and serve name the database they opened without its
// password (PostgreSQL: the test server trusts the connection, so the
// password given is accepted and ignored).
func TestDSNPasswordNotPrinted(t *testing.T) {
	u, err := url.Parse(storetest.DSN(t, store.Postgres))
	if err != nil {
		t.Fatal(err)
	}
	u.User = url.UserPassword(u.User.Username(), secretPassword)
	dsn := u.String()
	r := pledger(t, dsn, "init")
	if r.code != 0 || strings.Contains(r.stdout+r.stderr, secretPassword) || !strings.Contains(r.stdout, ":xxxxx@") {
		t.Errorf("init: %s", r)
	}
	ctx, cancel := context.WithCancel(context.Background())
	var out, errw syncBuffer
	done := make(chan int)
	go func() {
		done <- run(ctx, []string{"serve", "--addr", "127.0.0.1:0", "--db", dsn}, strings.NewReader(""), &out, &errw)
	}()
	for !strings.Contains(out.String(), "serving") {
		select {
		case code := <-done:
			t.Fatalf("serve stopped: exit %d\n%s%s", code, out.String(), errw.String())
		case <-time.After(10 * time.Millisecond):
		}
	}
	cancel()
	<-done
	if all := out.String() + errw.String(); strings.Contains(all, secretPassword) || !strings.Contains(out.String(), ":xxxxx@") {
		t.Errorf("serve:\n%s", all)
	}
}

// Finding 10: a report that needs a rate the ledger lacks exits 2 (bad
// input: record the rate), with the rate named.
func TestMissingRateExits2(t *testing.T) {
	storetest.Each(t, func(t *testing.T, engine store.Dialect) {
		dsn := storetest.DSN(t, engine)
		mustPledger(t, dsn, "init")
		mustPledger(t, dsn, "add", "pledge", "--ref", "p1", "--party", "BEL", "--date", "2021-03", "--amount", "5000000", "--currency", "EUR")
		for _, args := range [][]string{{"report", "summary", "--currency", "KWD"}, {"chart", "summary", "--currency", "KWD", "--out", filepath.Join(t.TempDir(), "c.html")}} {
			r := pledger(t, dsn, args...)
			if r.code != 2 || !strings.Contains(r.stderr, "missing exchange rate: no EUR/KWD rate") {
				t.Errorf("%s: %s", strings.Join(args, " "), r)
			}
		}
	})
}

// Finding 9: an import bad in thousands of rows prints the first 100
// problems and how many more, in the error and in a dry run's list.
func TestImportPrintsCappedProblems(t *testing.T) {
	storetest.Each(t, func(t *testing.T, engine store.Dialect) {
		dsn := storetest.DSN(t, engine)
		mustPledger(t, dsn, "init")
		var b strings.Builder
		b.WriteString("ref,kind,party,date,amount,currency\n")
		for i := range 3000 {
			fmt.Fprintf(&b, "bad-%d,pledge,XXX,2021,5,EUR\n", i)
		}
		file := filepath.Join(t.TempDir(), "bad.csv")
		if err := os.WriteFile(file, []byte(b.String()), 0o644); err != nil {
			t.Fatal(err)
		}
		r := pledger(t, dsn, "import", file)
		lines := strings.Count(r.stderr, "\n")
		if r.code != 2 || lines > maxPrintedProblems+2 || !strings.Contains(r.stderr, "... and 2900 more problems") {
			t.Errorf("import of 3000 bad rows: exit %d, %d lines of errors:\n%s", r.code, lines, clip(r.stderr[max(0, len(r.stderr)-300):]))
		}
		r = pledger(t, dsn, "import", file, "--dry-run")
		if n := strings.Count(r.stdout, "refused"); r.code != 2 || n > maxPrintedProblems || !strings.Contains(r.stdout, "900 more rows not listed") {
			t.Errorf("dry run of 3000 bad rows: exit %d, %d rows listed:\n%s", r.code, n, clip(r.stdout[max(0, len(r.stdout)-300):]))
		}
		// A header of a million unknown columns: one problem.
		wide := "ref,kind,party,date,amount,currency" + strings.Repeat(",x", 1_000_000) + "\n"
		if err := os.WriteFile(file, []byte(wide), 0o644); err != nil {
			t.Fatal(err)
		}
		r = pledger(t, dsn, "import", file)
		if r.code != 2 || len(r.stderr) > 2000 || !strings.Contains(r.stderr, "the header has 1000006 columns") {
			t.Errorf("a million columns: %s", r)
		}
	})
}
