package main

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/coalition/pledger/internal/store"
	"github.com/coalition/pledger/internal/store/storetest"
)

// pledgerIn runs one command line with stdin.
func pledgerIn(t *testing.T, dsn, stdin string, args ...string) result {
	t.Helper()
	var out, errw bytes.Buffer
	code := run(context.Background(), append(append([]string{}, args...), "--db", dsn), strings.NewReader(stdin), &out, &errw)
	return result{code, out.String(), errw.String()}
}

// stateLine is the "state SEQ:HASH" line of verify's output.
func stateLine(t *testing.T, out string) string {
	t.Helper()
	for _, l := range strings.Split(out, "\n") {
		if strings.HasPrefix(l, "state ") {
			return l
		}
	}
	t.Fatalf("no state line in %q", out)
	return ""
}

// TestCLIBackupRestore: an officer's SQLite ledger goes to each engine
// through pledger backup and pledger restore: the same entries, the same
// history, the same chain head, verified; its accounts need a password
// (pledger user password) unless archived --with-accounts. A second
// restore into the same ledger is refused (exit 4) and changes nothing; a
// cut-short archive is refused (exit 2) and leaves no database file
// behind.
func TestCLIBackupRestore(t *testing.T) {
	src := seedLedger(t, store.SQLite)
	mustPledger(t, src, "amend", "seed-pledge", "--amount", "5500", "--reason", "budget review")
	mustPledger(t, src, "void", "seed-dep", "--reason", "entered twice")
	if r := pledgerIn(t, src, "a long enough password\n", "user", "add", "alice", "--role", "admin"); r.code != 0 {
		t.Fatal(r)
	}
	before := snapshot(t, src)
	state := stateLine(t, mustPledger(t, src, "verify"))
	dir := t.TempDir()
	archive := filepath.Join(dir, "ledger.pledger.zip")
	out := mustPledger(t, src, "backup", "--out", archive)
	if !strings.Contains(out, "wrote "+archive) || !strings.Contains(out, "5 revisions") || !strings.Contains(out, state) {
		t.Errorf("backup says %q; want the file, 5 revisions and %s", out, state)
	}
	if r := pledger(t, src, "backup"); r.code != 2 || !strings.Contains(r.stderr, "--out") {
		t.Errorf("backup without --out: %s", r)
	}
	storetest.Each(t, func(t *testing.T, engine store.Dialect) {
		dst := storetest.DSN(t, engine)
		out := mustPledger(t, dst, "restore", archive)
		for _, want := range []string{"restored " + archive, "verified: 5 revisions", state, "pledger user password NAME"} {
			if !strings.Contains(out, want) {
				t.Errorf("restore says %q; want %q", out, want)
			}
		}
		if after := snapshot(t, dst); after != before {
			t.Errorf("the restored ledger differs:\n--- before:\n%s\n--- after:\n%s", clip(before), clip(after))
		}
		if got, want := historyJSON(t, dst, "seed-pledge"), historyJSON(t, src, "seed-pledge"); len(got) != 2 || got[1].Hash != want[1].Hash || got[1].Reason != "budget review" {
			t.Errorf("history after the restore: %+v, want %+v", got, want)
		}
		// Refused into a ledger that is not empty, which stays as it was.
		r := pledger(t, dst, "restore", archive)
		if r.code != 4 || !strings.Contains(r.stderr, "not empty") || !strings.Contains(r.stderr, "restore into a new ledger") {
			t.Errorf("a second restore: %s", r)
		}
		if after := snapshot(t, dst); after != before {
			t.Errorf("a refused restore changed the ledger")
		}
		// The restored account takes a password.
		if r := pledgerIn(t, dst, "another long password\n", "user", "password", "alice"); r.code != 0 || !strings.Contains(r.stdout, "set the password of alice") {
			t.Errorf("user password: %s", r)
		}
	})
	// A cut-short archive: refused, and the new file is not left behind.
	b, err := os.ReadFile(archive)
	if err != nil {
		t.Fatal(err)
	}
	cut := filepath.Join(dir, "cut.pledger.zip")
	if err := os.WriteFile(cut, b[:len(b)*2/3], 0o644); err != nil {
		t.Fatal(err)
	}
	target := filepath.Join(t.TempDir(), "new.db")
	r := pledger(t, "sqlite:"+target, "restore", cut)
	if r.code != 2 || !strings.Contains(r.stderr, "cut short") || !strings.Contains(r.stderr, "nothing was restored") {
		t.Errorf("restore of a cut-short archive: %s", r)
	}
	if _, err := os.Stat(target); !os.IsNotExist(err) {
		t.Errorf("a refused restore left %s behind: %v", target, err)
	}
	// With the accounts, the password survives the move.
	withAcc := filepath.Join(dir, "with.pledger.zip")
	mustPledger(t, src, "backup", "--out", withAcc, "--with-accounts")
	dst := storetest.DSN(t, store.SQLite)
	if out := mustPledger(t, dst, "restore", withAcc); strings.Contains(out, "user password") {
		t.Errorf("restore with accounts asks for passwords: %q", out)
	}
	s, err := store.Open(context.Background(), dst)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	if u, err := s.User(context.Background(), "alice"); err != nil || u.PasswordHash == "" {
		t.Errorf("alice after a restore --with-accounts: %+v %v", u, err)
	}
}
