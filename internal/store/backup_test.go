package store_test

import (
	"archive/zip"
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/coalition/pledger/internal/access"
	"github.com/coalition/pledger/internal/csvio"
	"github.com/coalition/pledger/internal/ledger"
	"github.com/coalition/pledger/internal/store"
	"github.com/coalition/pledger/internal/store/storetest"
)

func backup(t *testing.T, s *store.Store, withAccounts bool) ([]byte, *store.Manifest) {
	t.Helper()
	var buf bytes.Buffer
	m, err := s.Backup(context.Background(), &buf, store.BackupOptions{WithAccounts: withAccounts, Version: "test"})
	if err != nil {
		t.Fatal(err)
	}
	return buf.Bytes(), m
}

func restoreBytes(s *store.Store, archive []byte) (store.RestoreResult, error) {
	return s.Restore(context.Background(), bytes.NewReader(archive), int64(len(archive)), "test.zip")
}

// counts is what a ledger holds, table by table.
func counts(t *testing.T, s *store.Store) map[string]int64 {
	t.Helper()
	out := map[string]int64{}
	for table := range store.ArchivedColumns() {
		var n int64
		if err := s.DB().Get(&n, `SELECT count(*) FROM `+table); err != nil {
			t.Fatal(err)
		}
		out[table] = n
	}
	return out
}

// TestArchiveCoversSchema: every table of the schema is archived, column
// for column, or named in store.NotArchived with why: a migration that
// adds a table or a column fails here until backup.go says how it is
// archived.
func TestArchiveCoversSchema(t *testing.T) {
	storetest.Each(t, func(t *testing.T, engine store.Dialect) {
		s := storetest.Open(t, engine)
		var tables []string
		tq := `SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name`
		cq := `SELECT name FROM pragma_table_info(?) ORDER BY cid`
		if engine == store.Postgres {
			tq = `SELECT table_name FROM information_schema.tables WHERE table_schema = current_schema() ORDER BY table_name`
			cq = `SELECT column_name FROM information_schema.columns WHERE table_schema = current_schema() AND table_name = $1 ORDER BY ordinal_position`
		}
		if err := s.DB().Select(&tables, tq); err != nil {
			t.Fatal(err)
		}
		archived := store.ArchivedColumns()
		for _, table := range tables {
			if _, ok := store.NotArchived[table]; ok {
				continue
			}
			want, ok := archived[table]
			if !ok {
				t.Errorf("table %s is neither archived nor in store.NotArchived", table)
				continue
			}
			var got []string
			if err := s.DB().Select(&got, cq, table); err != nil {
				t.Fatal(err)
			}
			if !slices.Equal(got, want) {
				t.Errorf("table %s has columns %v, the archive %v", table, got, want)
			}
		}
		for table := range archived {
			if !slices.Contains(tables, table) {
				t.Errorf("the archive names a table %s the schema does not have", table)
			}
		}
	})
}

// TestRestoreRefusesANonEmptyLedger: a ledger holding anything beyond what
// a new database has (an entry, a rate, a party, an account) is refused,
// with what it holds, and left as it was.
func TestRestoreRefusesANonEmptyLedger(t *testing.T) {
	storetest.Each(t, func(t *testing.T, engine store.Dialect) {
		ctx := context.Background()
		archive, _ := backup(t, tamperLedger(t, engine), false)
		for what, fill := range map[string]func(s *store.Store) error{
			"an entry": func(s *store.Store) error {
				_, err := importString(t, s, "one.csv", header+"x1,need,UN,2024,,1,USD,,,,,,,,s,\n", store.ImportOptions{})
				return err
			},
			"a rate": func(s *store.Store) error {
				_, err := s.ImportRates(ctx, csvio.RateBytesSource("r.csv", []byte(tamperRates), ""), store.RateImportOptions{Author: "t"})
				return err
			},
			"a party": func(s *store.Store) error {
				return s.AddParty(ctx, ledger.Party{Code: "XKX", Name: "Kosovo", Type: "state"}, "t")
			},
			"an account": func(s *store.Store) error { return s.AddUser(ctx, "alice", access.Admin, "x") },
		} {
			s := storetest.Open(t, engine)
			if err := fill(s); err != nil {
				t.Fatal(err)
			}
			before := counts(t, s)
			_, err := restoreBytes(s, archive)
			if !errors.Is(err, ledger.ErrConflict) || !strings.Contains(err.Error(), "not empty") {
				t.Errorf("restore into a ledger with %s: %v, want a conflict: not empty", what, err)
			}
			if after := counts(t, s); !mapsEqual(before, after) {
				t.Errorf("restore into a ledger with %s changed it: %v -> %v", what, before, after)
			}
		}
	})
}

func mapsEqual(a, b map[string]int64) bool {
	if len(a) != len(b) {
		return false
	}
	for k, v := range a {
		if b[k] != v {
			return false
		}
	}
	return true
}

// rezip rewrites an archive: change gives each file's new content (nil:
// leave it out). With fixManifest, the manifest's sizes and checksums are
// made to agree with the new parts, as a forger would.
func rezip(t *testing.T, archive []byte, fixManifest bool, change func(name string, data []byte) []byte) []byte {
	t.Helper()
	zr, err := zip.NewReader(bytes.NewReader(archive), int64(len(archive)))
	if err != nil {
		t.Fatal(err)
	}
	files := map[string][]byte{}
	var order []string
	for _, f := range zr.File {
		rc, err := f.Open()
		if err != nil {
			t.Fatal(err)
		}
		b, err := io.ReadAll(rc)
		rc.Close()
		if err != nil {
			t.Fatal(err)
		}
		if b = change(f.Name, b); b != nil {
			files[f.Name] = b
			order = append(order, f.Name)
		}
	}
	if fixManifest {
		var m map[string]any
		if err := json.Unmarshal(files[store.ManifestName], &m); err != nil {
			t.Fatal(err)
		}
		for _, p := range m["parts"].([]any) {
			p := p.(map[string]any)
			data := files[p["name"].(string)]
			sum := sha256.Sum256(data)
			p["sha256"], p["bytes"], p["rows"] = hex.EncodeToString(sum[:]), len(data), bytes.Count(data, []byte("\n"))
		}
		if files[store.ManifestName], err = json.Marshal(m); err != nil {
			t.Fatal(err)
		}
	}
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	for _, name := range order {
		w, err := zw.Create(name)
		if err != nil {
			t.Fatal(err)
		}
		w.Write(files[name])
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// TestRestoreRefusesADamagedArchive: an archive cut short anywhere, with a
// byte changed, a part missing or altered, a row that does not read, or
// from a newer format, is refused with a clear error and nothing is
// written; a part altered together with its manifest (a forgery) does not
// verify, and is refused too. The same ledger then takes the good archive.
func TestRestoreRefusesADamagedArchive(t *testing.T) {
	storetest.Each(t, func(t *testing.T, engine store.Dialect) {
		good, m := backup(t, tamperLedger(t, engine), false)
		dst := storetest.Open(t, engine)
		empty := counts(t, dst)
		replace := func(part, old, new string) func(string, []byte) []byte {
			return func(name string, b []byte) []byte {
				if name == part {
					if !bytes.Contains(b, []byte(old)) {
						t.Fatalf("%s holds no %s", part, old)
					}
					return bytes.Replace(b, []byte(old), []byte(new), 1)
				}
				return b
			}
		}
		flipped := slices.Clone(good)
		flipped[len(flipped)/3] ^= 0x40
		type tc struct {
			archive []byte
			kind    error
			says    string
		}
		cases := map[string]tc{
			"empty file":     {good[:0], ledger.ErrInvalid, "not a pledger archive, or damaged or cut short"},
			"first bytes":    {good[:100], ledger.ErrInvalid, "cut short"},
			"half":           {good[:len(good)/2], ledger.ErrInvalid, "cut short"},
			"last byte cut":  {good[:len(good)-1], ledger.ErrInvalid, "cut short"},
			"a byte changed": {flipped, ledger.ErrInvalid, "test.zip"},
			"not a zip":      {[]byte("ref,kind\n"), ledger.ErrInvalid, "not a pledger archive"},
			"an amount":      {rezip(t, good, false, replace("revisions.jsonl", `"amount_minor":500000000,`, `"amount_minor":600000000,`)), ledger.ErrInvalid, "revisions.jsonl is not what its manifest says"},
			"a part missing": {rezip(t, good, false, func(name string, b []byte) []byte { return map[bool][]byte{true: nil, false: b}[name == "chain.jsonl"] }), ledger.ErrInvalid, "chain.jsonl that its manifest lists is missing"},
			"no manifest": {rezip(t, good, false, func(name string, b []byte) []byte {
				return map[bool][]byte{true: nil, false: b}[name == store.ManifestName]
			}), ledger.ErrInvalid, "it has no manifest.json"},
			"a newer format":  {rezip(t, good, false, replace(store.ManifestName, `"format_version": 1`, `"format_version": 2`)), ledger.ErrInvalid, "written by a newer pledger"},
			"a newer column":  {rezip(t, good, false, replace(store.ManifestName, `"code",`, `"code", "flag",`)), ledger.ErrInvalid, "a column this version does not know (flag)"},
			"a row not JSON":  {rezip(t, good, true, replace("rates.jsonl", `{"id":1,`, `{"id":1`)), ledger.ErrInvalid, "rates.jsonl line 1: not a JSON object"},
			"text as number":  {rezip(t, good, true, replace("rates.jsonl", `"rate":"1.2053"`, `"rate":1.2053`)), ledger.ErrInvalid, "rates.jsonl line 1: rate: 1.2053 is not text"},
			"a forged amount": {rezip(t, good, true, replace("revisions.jsonl", `"amount_minor":500000000,`, `"amount_minor":600000000,`)), ledger.ErrTampered, "does not verify"},
			"a forged rate":   {rezip(t, good, true, replace("rates.jsonl", `"rate":"1.2053"`, `"rate":"1.3053"`)), ledger.ErrTampered, "does not verify"},
			"a forged head":   {rezip(t, good, true, replace("ledger_head.jsonl", `"seq":3,`, `"seq":2,`)), ledger.ErrTampered, "does not verify"},
			"a state cut off": {rezip(t, good, true, func(name string, b []byte) []byte {
				if name == "chain.jsonl" {
					lines := bytes.SplitAfter(b, []byte("\n"))
					return bytes.Join(lines[:len(lines)-2], nil)
				}
				return b
			}), ledger.ErrTampered, "does not verify"},
		}
		for what, c := range cases {
			_, err := restoreBytes(dst, c.archive)
			if !errors.Is(err, c.kind) || !strings.Contains(err.Error(), c.says) {
				t.Errorf("%s: restore says %v; want %v saying %q", what, err, c.kind, c.says)
			} else if testing.Verbose() {
				t.Logf("%s: %v", what, err)
			}
			if after := counts(t, dst); !mapsEqual(empty, after) {
				t.Errorf("%s: a refused restore wrote %v (before %v)", what, after, empty)
			}
		}
		res, err := restoreBytes(dst, good)
		if err != nil {
			t.Fatalf("the good archive after the refused ones: %v", err)
		}
		if res.Verified.State != m.State {
			t.Errorf("restored %s, want %s", res.Verified.State, m.State)
		}
	})
}

// TestRestoreAccounts: without --with-accounts, accounts come back with no
// password (none signs in) and no token; with it, passwords and tokens
// work as before. Sessions are never archived.
func TestRestoreAccounts(t *testing.T) {
	storetest.Each(t, func(t *testing.T, engine store.Dialect) {
		ctx := context.Background()
		src := tamperLedger(t, engine)
		hash, err := access.HashPassword("correct horse battery")
		if err != nil {
			t.Fatal(err)
		}
		if err := src.AddUser(ctx, "alice", access.Admin, hash); err != nil {
			t.Fatal(err)
		}
		token, err := src.NewToken(ctx, "alice", "sync")
		if err != nil {
			t.Fatal(err)
		}
		session, _, err := src.NewSession(ctx, "alice", time.Hour)
		if err != nil {
			t.Fatal(err)
		}
		for _, with := range []bool{false, true} {
			archive, m := backup(t, src, with)
			if _, ok := m.Part("sessions"); ok {
				t.Error("sessions archived")
			}
			if _, ok := m.Part("api_tokens"); ok != with {
				t.Errorf("with accounts %v: tokens archived %v", with, ok)
			}
			if p, _ := m.Part("users"); slices.Contains(p.Columns, "password_hash") != with {
				t.Errorf("with accounts %v: password hashes archived: %v", with, p.Columns)
			}
			if bytes.Contains(archive, []byte(hash)) && !with {
				t.Error("the password hash is in an archive without accounts")
			}
			dst := storetest.Open(t, engine)
			if _, err := restoreBytes(dst, archive); err != nil {
				t.Fatal(err)
			}
			u, err := dst.User(ctx, "alice")
			if err != nil || u.Role != access.Admin {
				t.Fatalf("with accounts %v: alice: %+v %v", with, u, err)
			}
			if got := access.CheckPassword(u.PasswordHash, "correct horse battery"); got != with {
				t.Errorf("with accounts %v: the password signs in: %v", with, got)
			}
			if _, _, err := dst.UseToken(ctx, token); (err == nil) != with {
				t.Errorf("with accounts %v: the token: %v", with, err)
			}
			if _, err := dst.SessionUser(ctx, session); err == nil {
				t.Errorf("with accounts %v: a session came back", with)
			}
			if with {
				continue
			}
			// An account restored without its password takes a new one.
			h2, _ := access.HashPassword("another long password")
			if err := dst.SetUser(ctx, "alice", u.Role, h2, false); err != nil {
				t.Fatal(err)
			}
		}
	})
}

// TestBackupOfANewLedger: a ledger with nothing recorded yet (only what
// Open writes) backs up and restores too.
func TestBackupOfANewLedger(t *testing.T) {
	storetest.Each(t, func(t *testing.T, engine store.Dialect) {
		archive, m := backup(t, storetest.Open(t, engine), false)
		res, err := restoreBytes(storetest.Open(t, engine), archive)
		if err != nil {
			t.Fatal(err)
		}
		if res.Verified.State != m.State || m.Revisions != "" || res.Rows["revisions"] != 0 {
			t.Errorf("restored %+v from %+v", res, m)
		}
	})
}

// TestBackupWhileWriting: backups taken while entries and rates are being
// written are each the ledger at one moment: each restores (which verifies
// in full before it commits) to the manifest's state, with every revision
// up to the manifest's last one and none after.
func TestBackupWhileWriting(t *testing.T) {
	storetest.Each(t, func(t *testing.T, engine store.Dialect) {
		ctx := context.Background()
		src := tamperLedger(t, engine)
		var stop atomic.Bool
		var written atomic.Int64
		var wg sync.WaitGroup
		errs := make(chan error, 4)
		for w := range 3 {
			wg.Add(1)
			go func() {
				defer wg.Done()
				for i := 0; !stop.Load(); i++ {
					var err error
					if w == 2 {
						// A rate import: one link of its own.
						day := time.Date(2022, 1, 3, 0, 0, 0, 0, time.UTC).AddDate(0, 0, i).Format(time.DateOnly)
						_, err = src.ImportRates(ctx, csvio.RateBytesSource("r.csv", []byte("date,base,quote,rate,source\n"+day+",EUR,USD,1.1"+fmt.Sprint(i%10)+",ECB\n"), ""),
							store.RateImportOptions{Author: "w", Force: true})
					} else {
						_, err = importString(t, src, "w.csv", header+fmt.Sprintf("w%d-%d,pledge,BEL,2022,,%d,EUR,,,,,,,,s,\n", w, i, 1000+i), store.ImportOptions{})
					}
					if err != nil {
						errs <- err
						return
					}
					written.Add(1)
				}
			}()
		}
		var archives [][]byte
		var manifests []*store.Manifest
		for len(archives) < 4 {
			// Some writes since the last backup ended, then the next.
			for from := written.Load(); written.Load() < from+5; {
				time.Sleep(2 * time.Millisecond)
			}
			a, m := backup(t, src, false)
			archives, manifests = append(archives, a), append(manifests, m)
		}
		stop.Store(true)
		wg.Wait()
		close(errs)
		for err := range errs {
			t.Fatalf("a writer: %v", err)
		}
		for i, a := range archives {
			m := manifests[i]
			dst := storetest.Open(t, engine)
			res, err := restoreBytes(dst, a)
			if err != nil {
				t.Fatalf("backup %d (%s) taken while writing: %v", i, m.State, err)
			}
			seq, _, err := ledger.ParseState(m.Revisions)
			if err != nil {
				t.Fatal(err)
			}
			if res.Verified.State != m.State || res.Verified.Revisions != seq || res.Rows["revisions"] != seq {
				t.Errorf("backup %d: restored %s with %d revisions; the manifest says %s, %s", i, res.Verified.State, res.Verified.Revisions, m.State, m.Revisions)
			}
			if i > 0 && m.State == manifests[i-1].State {
				t.Errorf("backups %d and %d at the same state %s: nothing was written between them", i-1, i, m.State)
			}
		}
	})
}

// gate passes writes through until its first one, then waits until it is
// opened: a backup held in the middle of its reading.
type gate struct {
	w      io.Writer
	paused chan struct{}
	open   chan struct{}
	once   sync.Once
}

func (g *gate) Write(b []byte) (int, error) {
	g.once.Do(func() {
		close(g.paused)
		<-g.open
	})
	return g.w.Write(b)
}

// TestBackupIsOneMoment: a backup held in the middle of its reading does
// not hold up a writer, and what the writer adds meanwhile is not in the
// archive, in any table: the archive is the ledger when the backup began,
// and restores to exactly that state.
func TestBackupIsOneMoment(t *testing.T) {
	storetest.Each(t, func(t *testing.T, engine store.Dialect) {
		ctx := context.Background()
		src := tamperLedger(t, engine)
		// Enough rates that the archive is written out before its last
		// parts (the chain, the head) are read.
		var rates strings.Builder
		rates.WriteString("date,base,quote,rate,source\n")
		for i := range 3000 {
			fmt.Fprintf(&rates, "%s,EUR,JPY,%d.%02d,ECB\n", time.Date(2010, 1, 1, 0, 0, 0, 0, time.UTC).AddDate(0, 0, i).Format(time.DateOnly), 120+i%20, i%100)
		}
		if _, err := src.ImportRates(ctx, csvio.RateBytesSource("jpy.csv", []byte(rates.String()), ""), store.RateImportOptions{Author: "t", Force: true}); err != nil {
			t.Fatal(err)
		}
		before, err := src.Head(ctx)
		if err != nil {
			t.Fatal(err)
		}
		var buf bytes.Buffer
		g := &gate{w: &buf, paused: make(chan struct{}), open: make(chan struct{})}
		done := make(chan error, 1)
		var m *store.Manifest
		go func() {
			var err error
			m, err = src.Backup(ctx, g, store.BackupOptions{Version: "test"})
			done <- err
		}()
		<-g.paused
		// The backup is reading: an entry, a rate and a party written now
		// go through (on SQLite a read transaction takes no write lock).
		if _, err := importString(t, src, "late.csv", header+"late,pledge,BEL,2022,,1,EUR,,,,,,,,s,\n", store.ImportOptions{}); err != nil {
			t.Fatal(err)
		}
		if _, err := src.ImportRates(ctx, csvio.RateBytesSource("late.csv", []byte("date,base,quote,rate,source\n2024-01-02,EUR,USD,1.1,ECB\n"), ""), store.RateImportOptions{Author: "t"}); err != nil {
			t.Fatal(err)
		}
		if err := src.AddParty(ctx, ledger.Party{Code: "XKX", Name: "Kosovo", Type: "state"}, "t"); err != nil {
			t.Fatal(err)
		}
		close(g.open)
		if err := <-done; err != nil {
			t.Fatal(err)
		}
		if m.State != before.StateText() {
			t.Errorf("the archive is at %s, the ledger was at %s when the backup began", m.State, before.StateText())
		}
		dst := storetest.Open(t, engine)
		res, err := restoreBytes(dst, buf.Bytes())
		if err != nil {
			t.Fatal(err)
		}
		if res.Verified.State != before.StateText() {
			t.Errorf("restored %s, want %s", res.Verified.State, before.StateText())
		}
		if _, err := dst.Current(ctx, "late"); !errors.Is(err, ledger.ErrNotFound) {
			t.Errorf("the entry written during the backup is in the archive: %v", err)
		}
		n, _ := dst.PartySet(ctx)
		if n("XKX") {
			t.Error("the party added during the backup is in the archive")
		}
		if p, _ := m.Part("rates"); p.Rows != 3002 {
			t.Errorf("%d rates archived, want the 3002 there when the backup began", p.Rows)
		}
	})
}
