// Package store keeps the ledger in a SQL database through sqlx: an embedded
// SQLite file (modernc.org/sqlite, pure Go) by default, PostgreSQL through
// lib/pq for a ministry. The schema lives in migrations/ and is applied at
// Open. SQL is written once, with ? placeholders rebound per engine; the few
// places where the engines really differ (row locks, bulk load) switch on
// Dialect. Amounts are integer minor units, never floats.
package store

import (
	"cmp"
	"context"
	"database/sql"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"time"

	"github.com/coalition/pledger/internal/ledger"
	"github.com/coalition/pledger/migrations"
	"github.com/jmoiron/sqlx"
	"github.com/lib/pq" // PostgreSQL driver
	"github.com/pressly/goose/v3"
	"github.com/pressly/goose/v3/lock"
	"modernc.org/sqlite" // SQLite driver
	sqlite3 "modernc.org/sqlite/lib"
)

func init() { sqlx.BindDriver("sqlite", sqlx.QUESTION) }

// Dialect names the database engine behind a Store.
type Dialect string

const (
	SQLite   Dialect = "sqlite"
	Postgres Dialect = "postgres"
)

// pgIdleConns is how many idle connections to PostgreSQL a process keeps.
const pgIdleConns = 24

// DefaultDSN is the embedded ledger in the current directory.
const DefaultDSN = "sqlite:pledger.db"

// Store is an open ledger database.
type Store struct {
	db      *sqlx.DB
	dialect Dialect
	dsn     string
	now     func() time.Time
	rates   rateCache   // the rates last read (ratepack.go)
	touched sync.Map    // token id -> when this process last wrote its last use (tokens.go)
	groups  writeGroups // writes waiting to be recorded together (group.go)
}

// SetClock makes the store record revisions and rates at the times now
// gives (tests and golden files use a fixed clock; times never go back
// before the latest recorded one). Not for concurrent use with writes.
func (s *Store) SetClock(now func() time.Time) { s.now = now }

// ParseDSN splits a database name into driver and data source:
// postgres://... or postgresql://... for PostgreSQL, sqlite:PATH or a plain
// path for SQLite.
func ParseDSN(dsn string) (Dialect, string, error) {
	switch {
	case dsn == "":
		return ParseDSN(DefaultDSN)
	case strings.HasPrefix(dsn, "postgres://"), strings.HasPrefix(dsn, "postgresql://"):
		return Postgres, dsn, nil
	case strings.HasPrefix(dsn, "sqlite:"):
		path := strings.TrimPrefix(dsn, "sqlite:")
		path = strings.TrimPrefix(path, "//")
		if path == "" {
			return "", "", ledger.Fail(ledger.ErrInvalid, "db_no_path", "db", dsn, "sqlite: needs a file path, e.g. sqlite:pledger.db")
		}
		return SQLite, path, nil
	case strings.Contains(dsn, "://"):
		safe := RedactDSN(dsn)
		return "", "", ledger.Fail(ledger.ErrInvalid, "db_scheme", "db", safe, "%q: use postgres://... or sqlite:PATH", safe)
	}
	return SQLite, dsn, nil
}

// Open opens (creating if need be) the ledger named by dsn and brings its
// schema up to date.
func Open(ctx context.Context, dsn string) (*Store, error) {
	return OpenAt(ctx, dsn, time.Now)
}

// OpenAt is Open with a clock (see SetClock), in force from the first
// write Open itself may make (the built-in parties, the asset catalog):
// tests and golden files record a whole ledger at fixed times.
func OpenAt(ctx context.Context, dsn string, now func() time.Time) (*Store, error) {
	dialect, src, err := ParseDSN(dsn)
	if err != nil {
		return nil, err
	}
	var db *sqlx.DB
	switch dialect {
	case SQLite:
		if dir := filepath.Dir(src); dir != "." {
			if _, err := os.Stat(dir); err != nil {
				return nil, fmt.Errorf("store.Open: directory of %s: %w", src, err)
			}
		}
		// Pragmas go in the DSN so that every pooled connection has them;
		// _txlock=immediate makes writers queue instead of failing on upgrade.
		q := "?_pragma=busy_timeout(10000)&_pragma=journal_mode(WAL)&_pragma=foreign_keys(1)&_pragma=synchronous(NORMAL)&_pragma=cache_size(-16384)&_txlock=immediate"
		db, err = sqlx.Open("sqlite", "file:"+src+q)
	case Postgres:
		db, err = sqlx.Open("postgres", src)
		if err == nil {
			// Keep the connections a busy server uses: database/sql keeps
			// two idle by default, so under 50 API clients every request
			// opened (forked a backend) and closed one. Open connections
			// are not bounded: a write holding the head lock may need one
			// more (its chain warnings) while readers wait for that lock's
			// row (verification), and a bound could leave none.
			db.SetMaxIdleConns(pgIdleConns)
			db.SetConnMaxIdleTime(5 * time.Minute)
		}
	}
	if err != nil {
		return nil, fmt.Errorf("store.Open: %w", err)
	}
	s := &Store{db: db, dialect: dialect, dsn: dsn, now: now}
	if err := db.PingContext(ctx); err != nil {
		db.Close()
		// lib/pq's errors may quote the whole name (a URL it cannot
		// parse): never its password.
		return nil, fmt.Errorf("store.Open: cannot reach %s database: %w", dialect, redactedError{err, dsn})
	}
	if err := s.migrate(ctx); err != nil {
		db.Close()
		return nil, err
	}
	// A ledger recorded before the chain is adopted into it once; then
	// the built-in parties and the asset catalog in force are facts of the
	// chain like any other. API tokens made before tokens expired are
	// given an expiry once (tokens.go).
	for _, step := range []func(context.Context) error{s.adopt, s.seedParties, s.recordAssets, s.dateOldTokens} {
		if err := step(ctx); err != nil {
			db.Close()
			return nil, err
		}
	}
	return s, nil
}

func (s *Store) migrate(ctx context.Context) error {
	opts := []goose.ProviderOption{goose.WithDisableGlobalRegistry(true)}
	gd := goose.DialectSQLite3
	if s.dialect == SQLite {
		// PostgreSQL-only migrations are recorded on SQLite, not run.
		names, err := fs.Glob(migrations.FS, migrations.PostgresOnly)
		if err != nil {
			return fmt.Errorf("store.migrate: %w", err)
		}
		opts = append(opts, goose.WithExcludeNames(names))
		for _, name := range names {
			v, err := goose.NumericComponent(name)
			if err != nil {
				return fmt.Errorf("store.migrate: %s: %w", name, err)
			}
			opts = append(opts, goose.WithGoMigrations(goose.NewGoMigration(v, nil, nil)))
		}
	}
	if s.dialect == Postgres {
		gd = goose.DialectPostgres
		locker, err := lock.NewPostgresSessionLocker()
		if err != nil {
			return fmt.Errorf("store.migrate: %w", err)
		}
		opts = append(opts, goose.WithSessionLocker(locker))
	}
	p, err := goose.NewProvider(gd, s.db.DB, migrations.FS, opts...)
	if err != nil {
		return fmt.Errorf("store.migrate: %w", err)
	}
	if _, err := p.Up(ctx); err != nil {
		return fmt.Errorf("store.migrate: %w", err)
	}
	return nil
}

// Close closes the database.
func (s *Store) Close() error { return s.db.Close() }

// Dialect says which engine the store runs on.
func (s *Store) Dialect() Dialect { return s.dialect }

// DB exposes the handle for tests and benchmarks in other packages.
func (s *Store) DB() *sqlx.DB { return s.db }

// Tx is a transaction on the store.
type Tx struct {
	*sqlx.Tx
	s *Store
	// What this transaction has read and may keep while it holds the head
	// lock (a write's own changes keep them up to date; a savepoint's
	// rollback forgets them): the head as locked, the sector vocabulary,
	// the parties looked up.
	head    *headRow
	sectors *ledger.Sectors
	parties map[string]bool
}

// forget drops what the transaction kept: after a rollback to a savepoint,
// or a write that changed the tables behind it wholesale (restore).
func (tx *Tx) forget() { tx.head, tx.sectors, tx.parties = nil, nil, nil }

// InTx runs fn in one transaction: committed if fn returns nil, rolled back
// otherwise. Writes to the ledger go through Write, which adds the head
// lock; InTx alone is for what is outside the chain (accounts, tokens,
// packs).
func (s *Store) InTx(ctx context.Context, fn func(tx *Tx) error) error {
	tx, err := s.db.BeginTxx(ctx, nil)
	if err != nil {
		return fmt.Errorf("store.InTx: begin: %w", err)
	}
	if err := fn(&Tx{Tx: tx, s: s}); err != nil {
		tx.Rollback()
		return err
	}
	if err := tx.Commit(); err != nil {
		return fmt.Errorf("store.InTx: commit: %w", err)
	}
	return nil
}

// uniqueConflict turns a unique-key violation, on either engine, into a
// ledger.ErrConflict that says which key was taken.
func uniqueConflict(err error) error {
	if err == nil || errors.Is(err, ledger.ErrConflict) {
		return err
	}
	var what string
	var pqe *pq.Error
	var se *sqlite.Error
	switch {
	case errors.As(err, &pqe) && pqe.Code == "23505":
		what = cmp.Or(strings.TrimSuffix(pqe.Detail, "."), pqe.Constraint) // Key (ref, rev)=(x, 1) already exists
	case errors.As(err, &se) && (se.Code() == sqlite3.SQLITE_CONSTRAINT_UNIQUE || se.Code() == sqlite3.SQLITE_CONSTRAINT_PRIMARYKEY):
		what = se.Error()
	default:
		return err
	}
	return fmt.Errorf("%w: another write recorded the same key first (%s); look at the ledger again and retry", ledger.ErrConflict, what)
}

// rebind turns ? placeholders into the engine's.
func (s *Store) rebind(q string) string { return s.db.Rebind(q) }

func (tx *Tx) exec(ctx context.Context, q string, args ...any) (sql.Result, error) {
	return tx.ExecContext(ctx, tx.Rebind(q), args...)
}

// notFound maps sql.ErrNoRows to ledger.ErrNotFound.
func notFound(err error, what string) error {
	if errors.Is(err, sql.ErrNoRows) {
		return fmt.Errorf("%w: %s", ledger.ErrNotFound, what)
	}
	return err
}
