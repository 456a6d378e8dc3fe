// Package storetest opens fresh stores for tests, on every engine: a temp
// SQLite file always, and PostgreSQL when PLEDGER_TEST_POSTGRES holds a URL
// (each test gets a schema of its own, dropped afterwards). When the
// variable is set and the server cannot be reached, tests fail; only when it
// is unset do the PostgreSQL runs skip, with a message.
package storetest

import (
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/hex"
	"net/url"
	"os"
	"path/filepath"
	"runtime/debug"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/coalition/pledger/internal/store"
)

// EnvPostgres names the variable holding the PostgreSQL test URL.
const EnvPostgres = "PLEDGER_TEST_POSTGRES"

// Engines lists the engines every store test runs on.
var Engines = []store.Dialect{store.SQLite, store.Postgres}

// DSN returns the --db value of a fresh, empty ledger on engine.
func DSN(t testing.TB, engine store.Dialect) string {
	t.Helper()
	switch engine {
	case store.SQLite:
		return "sqlite:" + filepath.Join(t.TempDir(), "pledger.db")
	case store.Postgres:
		base := os.Getenv(EnvPostgres)
		if base == "" {
			t.Skipf("PostgreSQL tests skipped: set %s to a postgres:// URL (.ci/run does)", EnvPostgres)
		}
		b := make([]byte, 6)
		rand.Read(b)
		schema := "t_" + hex.EncodeToString(b)
		db, err := sql.Open("postgres", base)
		if err != nil {
			t.Fatalf("%s: %v", EnvPostgres, err)
		}
		if _, err := db.Exec(`CREATE SCHEMA ` + schema); err != nil {
			db.Close()
			t.Fatalf("PostgreSQL at %s is set but unusable: %v", EnvPostgres, err)
		}
		t.Cleanup(func() {
			db.Exec(`DROP SCHEMA ` + schema + ` CASCADE`)
			db.Close()
		})
		u, err := url.Parse(base)
		if err != nil {
			t.Fatalf("%s: %v", EnvPostgres, err)
		}
		q := u.Query()
		q.Set("search_path", schema)
		u.RawQuery = q.Encode()
		return u.String()
	}
	t.Fatalf("unknown engine %q", engine)
	return ""
}

// Open opens a fresh, empty store on engine, closed when the test ends.
func Open(t testing.TB, engine store.Dialect) *store.Store {
	t.Helper()
	return OpenAt(t, engine, time.Now)
}

// OpenAt is Open with a clock (store.OpenAt): a ledger recorded at fixed
// times, for golden files.
func OpenAt(t testing.TB, engine store.Dialect, now func() time.Time) *store.Store {
	t.Helper()
	s, err := store.OpenAt(context.Background(), DSN(t, engine), now)
	if err != nil {
		t.Fatalf("open %s store: %v", engine, err)
	}
	t.Cleanup(func() { s.Close() })
	return s
}

// ResetPeakRSS returns the memory the Go runtime holds unused to the
// system and resets the process's peak resident set size (VmHWM) to what
// it holds now (Linux: /proc/self/clear_refs), so that PeakRSS says what
// the work after it took, not what building a benchmark's ledger took.
// It reports whether the kernel let it.
func ResetPeakRSS() bool {
	debug.FreeOSMemory()
	return os.WriteFile("/proc/self/clear_refs", []byte("5"), 0) == nil
}

// PeakRSS reads the process's peak resident set size (VmHWM) in MB, for
// benchmarks to report: since the process started, or since the last
// ResetPeakRSS.
func PeakRSS() float64 {
	b, err := os.ReadFile("/proc/self/status")
	if err != nil {
		return 0
	}
	for _, l := range strings.Split(string(b), "\n") {
		if strings.HasPrefix(l, "VmHWM:") {
			kb, _ := strconv.Atoi(strings.Fields(l)[1])
			return float64(kb) / 1024
		}
	}
	return 0
}

// Each runs fn as a subtest on every engine.
func Each(t *testing.T, fn func(t *testing.T, engine store.Dialect)) {
	for _, e := range Engines {
		t.Run(string(e), func(t *testing.T) { fn(t, e) })
	}
}
