package store_test

import (
	"context"
	"encoding/json"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/coalition/pledger/internal/access"
	"github.com/coalition/pledger/internal/ledger"
	"github.com/coalition/pledger/internal/store"
	"github.com/coalition/pledger/internal/store/storetest"
)

// clock is a settable clock for a store (store.OpenAt).
type clock struct{ t time.Time }

func (c *clock) now() time.Time         { return c.t }
func (c *clock) add(d time.Duration)    { c.t = c.t.Add(d) }
func newClock() *clock                  { return &clock{time.Date(2026, 3, 1, 9, 0, 0, 0, time.UTC)} }
func days(n int) time.Duration          { return time.Duration(n) * 24 * time.Hour }
func actor(name string) context.Context { return store.WithActor(context.Background(), name) }
func hashOf(t *testing.T, pw string) string {
	t.Helper()
	h, err := access.HashPassword(pw)
	must(t, err)
	return h
}

func must(t *testing.T, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}

// refused checks that secret is refused for reason, with a message that
// says so.
func refused(t *testing.T, s *store.Store, secret, reason, message string) {
	t.Helper()
	_, _, err := s.UseToken(context.Background(), secret)
	var r *store.TokenRefused
	if !errors.As(err, &r) || r.Reason != reason || !strings.Contains(err.Error(), message) {
		t.Errorf("token refused as %q (%q)? got %v", reason, message, err)
	}
}

func usable(t *testing.T, s *store.Store, secret, user string) {
	t.Helper()
	u, _, err := s.UseToken(context.Background(), secret)
	if err != nil || u.Name != user {
		t.Errorf("token of %s: got %q, %v", user, u.Name, err)
	}
}

// auditCount counts the audit log's lines with action.
func auditCount(t *testing.T, s *store.Store, action string) int {
	t.Helper()
	log, err := s.AuditLog(context.Background(), 1000)
	must(t, err)
	n := 0
	for _, e := range log {
		if e.Action == action {
			n++
		}
	}
	return n
}

func TestTokenExpiry(t *testing.T) {
	storetest.Each(t, func(t *testing.T, engine store.Dialect) {
		ctx := actor("root")
		c := newClock()
		s := storetest.OpenAt(t, engine, c.now)
		must(t, s.AddUser(ctx, "bob", access.Officer, hashOf(t, "a long passphrase")))
		secret, err := s.NewToken(ctx, "bob", "sync")
		must(t, err)
		forever, err := access.ParseExpiry("never", c.t)
		must(t, err)
		c.add(time.Second)
		_, never, err := s.CreateToken(ctx, "bob", "service", forever)
		must(t, err)
		ts, err := s.Tokens(ctx, "bob")
		must(t, err)
		if len(ts) != 2 || ts[0].ExpiresAt != "2026-05-30T09:00:00.000000Z" || ts[1].ExpiresAt != "" {
			t.Fatalf("tokens: %+v, want the first to expire 90 days on and the second never", ts)
		}
		usable(t, s, secret, "bob")
		c.add(days(90) - 2*time.Second)
		usable(t, s, secret, "bob")
		c.add(time.Second)
		refused(t, s, secret, store.TokenExpired, "token "+ts[0].ID+" expired on 2026-05-30T09:00:00Z")
		if st := s.TokenState(ts[0]); st != store.TokenExpired {
			t.Errorf("state %s, want expired", st)
		}
		// A client that keeps trying writes one audit line an hour.
		refused(t, s, secret, store.TokenExpired, "expired")
		if n := auditCount(t, s, "token refused"); n != 1 {
			t.Errorf("%d refusals in the audit log, want 1", n)
		}
		c.add(time.Hour)
		refused(t, s, secret, store.TokenExpired, "expired")
		if n := auditCount(t, s, "token refused"); n != 2 {
			t.Errorf("%d refusals in the audit log an hour later, want 2", n)
		}
		c.add(days(3650))
		usable(t, s, never, "bob")

		if _, _, err := s.CreateToken(ctx, "bob", "", c.t.Add(-time.Minute)); !errors.Is(err, ledger.ErrInvalid) {
			t.Errorf("an expiry in the past: %v", err)
		}
		if _, _, err := s.CreateToken(ctx, "bob", "two\tcolumns", time.Time{}); !errors.Is(err, ledger.ErrInvalid) {
			t.Errorf("a label with a tab: %v", err)
		}
		if _, _, err := s.UseToken(ctx, "plg_forged"); !errors.Is(err, ledger.ErrNotFound) {
			t.Errorf("an unknown token: %v", err)
		}
	})
}

// The last use is written at most every TokenTouchEvery.
func TestTokenLastUse(t *testing.T) {
	storetest.Each(t, func(t *testing.T, engine store.Dialect) {
		ctx := actor("root")
		c := newClock()
		s := storetest.OpenAt(t, engine, c.now)
		must(t, s.AddUser(ctx, "bob", access.Officer, hashOf(t, "a long passphrase")))
		secret, err := s.NewToken(ctx, "bob", "")
		must(t, err)
		use := func() string {
			_, tok, err := s.UseToken(ctx, secret)
			must(t, err)
			must(t, s.TouchToken(ctx, tok))
			ts, err := s.Tokens(ctx, "bob")
			must(t, err)
			return ts[0].LastUsedAt
		}
		if got := use(); got != "2026-03-01T09:00:00.000000Z" {
			t.Errorf("last used %q", got)
		}
		c.add(5 * time.Minute)
		if got := use(); got != "2026-03-01T09:00:00.000000Z" {
			t.Errorf("five minutes on, last used %q: written again", got)
		}
		c.add(5 * time.Minute)
		if got := use(); got != "2026-03-01T09:10:00.000000Z" {
			t.Errorf("ten minutes on, last used %q", got)
		}
		// Requests that read the token before it was touched (concurrent
		// ones) find this process touched it already, and write nothing.
		stale := store.Token{ID: store.TokenID(secret)}
		if _, err := s.DB().Exec(`UPDATE api_tokens SET last_used_at = ''`); err != nil {
			t.Fatal(err)
		}
		c.add(time.Minute)
		must(t, s.TouchToken(ctx, stale))
		if ts, _ := s.Tokens(ctx, "bob"); ts[0].LastUsedAt != "" {
			t.Errorf("a stale request wrote the last use again: %q", ts[0].LastUsedAt)
		}
	})
}

func TestTokenRevoke(t *testing.T) {
	storetest.Each(t, func(t *testing.T, engine store.Dialect) {
		ctx := actor("root")
		s := storetest.Open(t, engine)
		must(t, s.AddUser(ctx, "bob", access.Officer, hashOf(t, "a long passphrase")))
		must(t, s.AddUser(ctx, "carol", access.Analyst, hashOf(t, "a long passphrase")))
		secret, err := s.NewToken(ctx, "bob", "sync")
		must(t, err)
		other, err := s.NewToken(ctx, "bob", "other")
		must(t, err)
		id := store.TokenID(secret)
		if _, _, err := s.RevokeToken(ctx, id, "carol"); !errors.Is(err, ledger.ErrNotFound) {
			t.Errorf("carol revokes bob's token: %v", err)
		}
		usable(t, s, secret, "bob")
		tok, revoked, err := s.RevokeToken(ctx, id, "")
		if err != nil || !revoked || tok.User != "bob" || tok.RevokedBy != "root" || tok.RevokedWhy != store.RevokedByHand {
			t.Fatalf("revoke: %+v %v %v", tok, revoked, err)
		}
		refused(t, s, secret, store.TokenRevoked, "token "+id+" was revoked on ")
		usable(t, s, other, "bob")
		if _, revoked, err := s.RevokeToken(ctx, id, "bob"); err != nil || revoked {
			t.Errorf("revoke again: %v %v, want nothing done", revoked, err)
		}
		if _, _, err := s.RevokeToken(ctx, "000000000000", ""); !errors.Is(err, ledger.ErrNotFound) {
			t.Errorf("unknown id: %v", err)
		}
		if n := auditCount(t, s, "token revoked"); n != 1 {
			t.Errorf("%d revocations in the audit log, want 1", n)
		}
		if got, err := store.ParseTokenID(secret); err != nil || got != id {
			t.Errorf("a token names its own id: %q %v", got, err)
		}
		if _, err := store.ParseTokenID("xyz"); !errors.Is(err, ledger.ErrInvalid) {
			t.Errorf("a bad id: %v", err)
		}
	})
}

// A new password, set by an administrator or by the user, ends the
// sessions (all, or all but the user's own) and revokes the live tokens;
// disabling does the same, and enabling again brings none back.
func TestPasswordAndDisableRevoke(t *testing.T) {
	storetest.Each(t, func(t *testing.T, engine store.Dialect) {
		ctx := actor("root")
		c := newClock()
		s := storetest.OpenAt(t, engine, c.now)
		must(t, s.AddUser(ctx, "bob", access.Officer, hashOf(t, "a long passphrase")))
		must(t, s.AddUser(ctx, "carol", access.Officer, hashOf(t, "a long passphrase")))
		// An expired token stays expired: revocation is for live ones.
		old, _, err := s.CreateToken(ctx, "bob", "old", c.t.Add(time.Hour))
		must(t, err)
		c.add(2 * time.Hour)
		t1, err := s.NewToken(ctx, "bob", "one")
		must(t, err)
		t2, err := s.NewToken(ctx, "bob", "two")
		must(t, err)
		carols, err := s.NewToken(ctx, "carol", "")
		must(t, err)
		here, _, err := s.NewSession(ctx, "bob", time.Hour)
		must(t, err)
		there, _, err := s.NewSession(ctx, "bob", time.Hour)
		must(t, err)

		sessions, tokens, err := s.ChangePassword(actor("bob"), "bob", hashOf(t, "another passphrase"), here)
		if err != nil || sessions != 1 || tokens != 2 {
			t.Fatalf("change password: %d sessions, %d tokens, %v", sessions, tokens, err)
		}
		if _, err := s.SessionUser(ctx, here); err != nil {
			t.Errorf("the session the password was changed in ended: %v", err)
		}
		if _, err := s.SessionUser(ctx, there); !errors.Is(err, ledger.ErrNotFound) {
			t.Errorf("the other session lives on: %v", err)
		}
		refused(t, s, t1, store.TokenRevoked, "(password changed)")
		refused(t, s, t2, store.TokenRevoked, "(password changed)")
		usable(t, s, carols, "carol")
		ts, err := s.Tokens(ctx, "bob")
		must(t, err)
		for _, tok := range ts {
			want := store.TokenRevoked
			if tok.ID == old.ID {
				want = store.TokenExpired
			}
			if got := s.TokenState(tok); got != want {
				t.Errorf("token %s (%s): %s, want %s", tok.ID, tok.Label, got, want)
			}
			if tok.ID != old.ID && tok.RevokedBy != "bob" {
				t.Errorf("token %s revoked by %q, want bob", tok.ID, tok.RevokedBy)
			}
		}
		if n := auditCount(t, s, "password changed"); n != 1 {
			t.Errorf("%d password changes in the audit log", n)
		}

		// By an administrator: every session ends, every token is revoked.
		t3, err := s.NewToken(ctx, "bob", "three")
		must(t, err)
		must(t, s.SetUser(ctx, "bob", access.Officer, hashOf(t, "a third passphrase"), false))
		if _, err := s.SessionUser(ctx, here); !errors.Is(err, ledger.ErrNotFound) {
			t.Errorf("a session lives on after an administrator set a new password: %v", err)
		}
		refused(t, s, t3, store.TokenRevoked, "(password changed)")

		// A role change alone revokes nothing.
		t4, err := s.NewToken(ctx, "bob", "four")
		must(t, err)
		must(t, s.SetUser(ctx, "bob", access.Analyst, "", false))
		usable(t, s, t4, "bob")

		must(t, s.SetUser(ctx, "bob", access.Analyst, "", true))
		refused(t, s, t4, store.TokenRevoked, "(account disabled)")
		must(t, s.SetUser(ctx, "bob", access.Analyst, "", false))
		refused(t, s, t4, store.TokenRevoked, "(account disabled)")
		if _, err := s.NewToken(ctx, "carol", ""); err != nil {
			t.Error(err)
		}
		must(t, s.SetUser(ctx, "carol", access.Officer, "", true))
		if _, err := s.NewToken(ctx, "carol", ""); !errors.Is(err, ledger.ErrConflict) {
			t.Errorf("a token for a disabled account: %v", err)
		}
		if _, _, err := s.ChangePassword(ctx, "carol", hashOf(t, "a long passphrase 2"), ""); !errors.Is(err, ledger.ErrNotFound) {
			t.Errorf("a disabled account changes its password: %v", err)
		}
	})
}

// Lists name tokens by id: never the secret, never the stored hash.
func TestTokenListHasNoSecrets(t *testing.T) {
	storetest.Each(t, func(t *testing.T, engine store.Dialect) {
		ctx := actor("root")
		s := storetest.Open(t, engine)
		must(t, s.AddUser(ctx, "bob", access.Officer, hashOf(t, "a long passphrase")))
		must(t, s.AddUser(ctx, "carol", access.Analyst, hashOf(t, "a long passphrase")))
		var secrets []string
		for _, u := range []string{"carol", "bob", "bob"} {
			sec, err := s.NewToken(ctx, u, "for "+u)
			must(t, err)
			secrets = append(secrets, sec)
		}
		all, err := s.Tokens(ctx, "")
		must(t, err)
		bobs, err := s.Tokens(ctx, "bob")
		must(t, err)
		if len(all) != 3 || all[0].User != "bob" || all[2].User != "carol" || len(bobs) != 2 || bobs[0].User != "bob" || bobs[1].User != "bob" {
			t.Fatalf("all %+v, bob's %+v", all, bobs)
		}
		out, _ := json.Marshal(all)
		for _, sec := range secrets {
			if strings.Contains(string(out), sec) || strings.Contains(string(out), access.HashSecret(sec)) {
				t.Errorf("a list holds a secret or its hash: %s", out)
			}
			if !strings.Contains(string(out), `"id":"`+store.TokenID(sec)+`"`) {
				t.Errorf("token %s not listed by its id", store.TokenID(sec))
			}
		}
		if _, err := s.Tokens(ctx, "nobody"); !errors.Is(err, ledger.ErrNotFound) {
			t.Errorf("tokens of nobody: %v", err)
		}
	})
}

// A ledger made before tokens expired: migration 00010 runs on it, its
// tokens keep working with an expiry 90 days after the upgrade, and those
// of a disabled account are revoked.
func TestTokensFromBeforeExpiry(t *testing.T) {
	storetest.Each(t, func(t *testing.T, engine store.Dialect) {
		ctx := actor("root")
		c := newClock()
		dsn := storetest.DSN(t, engine)
		s, err := store.OpenAt(ctx, dsn, c.now)
		must(t, err)
		must(t, s.AddUser(ctx, "bob", access.Officer, hashOf(t, "a long passphrase")))
		must(t, s.AddUser(ctx, "dan", access.Officer, hashOf(t, "a long passphrase")))
		must(t, s.SetUser(ctx, "dan", access.Officer, "", true))
		// Back to the schema of migration 00009, with two tokens of then.
		db := s.DB()
		// (Migrations after 00010 are undone too: 00011's index.)
		for _, q := range []string{`DROP INDEX api_tokens_id`, `DROP INDEX api_tokens_user`, `DROP INDEX revisions_deployments`} {
			if _, err := db.Exec(q); err != nil {
				t.Fatal(q, err)
			}
		}
		for _, col := range []string{"id", "expires_at", "revoked_at", "revoked_by", "revoked_why", "last_used_at", "last_refused_at"} {
			if _, err := db.Exec(`ALTER TABLE api_tokens DROP COLUMN ` + col); err != nil {
				t.Fatal(col, err)
			}
		}
		if _, err := db.Exec(`DELETE FROM goose_db_version WHERE version_id >= 10`); err != nil {
			t.Fatal(err)
		}
		bobs, _ := access.NewSecret("plg_")
		dans, _ := access.NewSecret("plg_")
		for _, tok := range []struct{ secret, user string }{{bobs, "bob"}, {dans, "dan"}} {
			if _, err := db.Exec(db.Rebind(`INSERT INTO api_tokens (token_hash, username, label, created_at) VALUES (?, ?, 'then', '2024-01-01T00:00:00.000000Z')`),
				access.HashSecret(tok.secret), tok.user); err != nil {
				t.Fatal(err)
			}
		}
		must(t, s.Close())

		c.add(days(10))
		s, err = store.OpenAt(ctx, dsn, c.now)
		must(t, err)
		t.Cleanup(func() { s.Close() })
		ts, err := s.Tokens(ctx, "")
		must(t, err)
		if len(ts) != 2 || ts[0].ID != store.TokenID(bobs) || ts[1].ID != store.TokenID(dans) {
			t.Fatalf("tokens after the upgrade: %+v", ts)
		}
		for _, tok := range ts {
			if tok.ExpiresAt != "2026-06-09T09:00:00.000000Z" || tok.CreatedAt != "2024-01-01T00:00:00.000000Z" {
				t.Errorf("token %s: created %s, expires %s; want 90 days after the upgrade", tok.ID, tok.CreatedAt, tok.ExpiresAt)
			}
		}
		usable(t, s, bobs, "bob")
		refused(t, s, dans, store.TokenRevoked, "(account disabled)")
		if n := auditCount(t, s, "token expiry set"); n != 2 {
			t.Errorf("%d expiries in the audit log, want 2", n)
		}
		// Once: opening again changes nothing.
		must(t, s.Close())
		c.add(days(1))
		s, err = store.OpenAt(ctx, dsn, c.now)
		must(t, err)
		if n := auditCount(t, s, "token expiry set"); n != 2 {
			t.Errorf("%d expiries in the audit log after another open, want 2", n)
		}
		c.add(days(89) - time.Second)
		usable(t, s, bobs, "bob")
		c.add(time.Second)
		refused(t, s, bobs, store.TokenExpired, "expired on 2026-06-09T09:00:00Z")
	})
}
