package main

import (
	"bytes"
	"context"
	"errors"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/coalition/pledger/internal/access"
	"github.com/coalition/pledger/internal/store"
	"github.com/coalition/pledger/internal/store/storetest"
)

// API tokens from the command line: created with an expiry, listed by id
// without their secrets, revoked; what the API then accepts is what the
// list says.
func TestCLITokens(t *testing.T) {
	storetest.Each(t, func(t *testing.T, engine store.Dialect) {
		ctx := context.Background()
		dsn := storetest.DSN(t, engine)
		run1 := func(stdin string, args ...string) result {
			var out, errw bytes.Buffer
			code := run(ctx, append(args, "--db", dsn, "--as", "root"), strings.NewReader(stdin), &out, &errw)
			return result{code, out.String(), errw.String()}
		}
		if r := run1("a long passphrase\n", "user", "add", "bob", "--role", "officer"); r.code != 0 {
			t.Fatalf("user add: %s", r)
		}
		// A token made 100 days ago, with the default expiry, has expired.
		past, err := store.OpenAt(ctx, dsn, func() time.Time { return time.Now().Add(-100 * 24 * time.Hour) })
		if err != nil {
			t.Fatal(err)
		}
		old, err := past.NewToken(ctx, "bob", "old")
		if err != nil {
			t.Fatal(err)
		}
		past.Close()

		idRE := regexp.MustCompile(`^token ([0-9a-f]{12}) for bob: (.*); shown once, keep it secret\n$`)
		create := func(args ...string) (secret, id, when string) {
			t.Helper()
			r := run1("", append([]string{"token", "create", "bob"}, args...)...)
			m := idRE.FindStringSubmatch(r.stderr)
			if r.code != 0 || !strings.HasPrefix(r.stdout, "plg_") || strings.Count(r.stdout, "\n") != 1 || m == nil {
				t.Fatalf("token create %v: %s", args, r)
			}
			return strings.TrimSpace(r.stdout), m[1], m[2]
		}
		sync, syncID, when := create("--label", "treasury sync")
		if want := "expires " + time.Now().UTC().AddDate(0, 0, 90).Format("2006-01-02"); !strings.HasPrefix(when, want) {
			t.Errorf("default expiry: %q, want %s...", when, want)
		}
		_, monthID, when := create("--expires", "30d")
		if want := "expires " + time.Now().UTC().AddDate(0, 0, 30).Format("2006-01-02"); !strings.HasPrefix(when, want) {
			t.Errorf("--expires 30d: %q", when)
		}
		_, _, when = create("--expires", "2099-01-31")
		if when != "expires 2099-01-31T00:00:00Z" {
			t.Errorf("--expires 2099-01-31: %q", when)
		}
		forever, foreverID, when := create("--expires", "never", "--label", "service")
		if !strings.HasPrefix(when, "never expires") {
			t.Errorf("--expires never: %q", when)
		}
		for _, bad := range []string{"0d", "3651d", "soon", "2020-01-01", "90"} {
			if r := run1("", "token", "create", "bob", "--expires", bad); r.code != 2 || !strings.Contains(r.stderr, "token expiry") || r.stdout != "" {
				t.Errorf("--expires %s: %s", bad, r)
			}
		}
		if r := run1("", "token", "create", "nobody"); r.code != 3 {
			t.Errorf("token for an unknown user: %s", r)
		}

		// The list: every token by id, with its state; no secret.
		list := run1("", "token", "list")
		lines := strings.Split(strings.TrimSpace(list.stdout), "\n")
		if list.code != 0 || len(lines) != 6 || !strings.HasPrefix(lines[0], "ID ") || !strings.Contains(lines[0], "LAST USED") {
			t.Fatalf("token list: %s", list)
		}
		for _, sec := range []string{old, sync, forever} {
			if strings.Contains(list.stdout, sec) || strings.Contains(list.stdout, access.HashSecret(sec)) || strings.Contains(list.stdout, "plg_") {
				t.Errorf("token list shows a secret or its hash:\n%s", list.stdout)
			}
		}
		row := func(id string) string {
			for _, l := range strings.Split(list.stdout, "\n") {
				if strings.HasPrefix(l, id+" ") {
					return l
				}
			}
			t.Errorf("token list has no %s:\n%s", id, list.stdout)
			return ""
		}
		if l := row(store.TokenID(old)); !strings.HasSuffix(l, " expired") || !strings.Contains(l, " old ") {
			t.Errorf("the old token: %q", l)
		}
		if l := row(syncID); !strings.HasSuffix(l, " active") || !strings.Contains(l, "treasury sync") {
			t.Errorf("the sync token: %q", l)
		}
		if l := row(foreverID); !strings.Contains(l, " never ") {
			t.Errorf("the token that never expires: %q", l)
		}
		if r := run1("", "token", "list", "--user", "bob"); r.code != 0 || r.stdout != list.stdout {
			t.Errorf("token list --user bob: %s", r)
		}
		if r := run1("", "token", "list", "--user", "nobody"); r.code != 3 {
			t.Errorf("token list --user nobody: %s", r)
		}

		// Revoke: by id, or by the token itself; twice changes nothing.
		s, err := store.Open(ctx, dsn)
		if err != nil {
			t.Fatal(err)
		}
		defer s.Close()
		if _, _, err := s.UseToken(ctx, sync); err != nil {
			t.Fatalf("before revoke: %v", err)
		}
		if r := run1("", "token", "revoke", syncID); r.code != 0 || r.stdout != "revoked token "+syncID+" of bob\n" {
			t.Errorf("revoke: %s", r)
		}
		var refused *store.TokenRefused
		if _, _, err := s.UseToken(ctx, sync); !errors.As(err, &refused) || refused.Reason != store.TokenRevoked {
			t.Errorf("after revoke: %v", err)
		}
		if r := run1("", "token", "revoke", syncID); r.code != 0 || !strings.Contains(r.stdout, "already revoked") {
			t.Errorf("revoke twice: %s", r)
		}
		if r := run1("", "token", "revoke", forever); r.code != 0 || r.stdout != "revoked token "+foreverID+" of bob\n" {
			t.Errorf("revoke by the token itself: %s", r)
		}
		if r := run1("", "token", "revoke", "000000000000"); r.code != 3 {
			t.Errorf("revoke an unknown id: %s", r)
		}
		if r := run1("", "token", "revoke", "xyz"); r.code != 2 || !strings.Contains(r.stderr, "12 hex digits") {
			t.Errorf("revoke a bad id: %s", r)
		}
		list = run1("", "token", "list")
		if l := row(syncID); !regexp.MustCompile(` revoked \(by root, \d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ\)$`).MatchString(l) {
			t.Errorf("the revoked token: %q", l)
		}
		if l := row(monthID); !strings.HasSuffix(l, " active") {
			t.Errorf("the other token: %q", l)
		}

		// A new password revokes the rest (the web's user form, here
		// through the store).
		hash, _ := access.HashPassword("another passphrase")
		if err := s.SetUser(store.WithActor(ctx, "root"), "bob", access.Officer, hash, false); err != nil {
			t.Fatal(err)
		}
		list = run1("", "token", "list")
		if l := row(monthID); !strings.Contains(l, "revoked (password changed, by root, ") {
			t.Errorf("after a new password: %q", l)
		}
		audit := run1("", "audit")
		for _, want := range []string{"\ttoken created\tbob\tid " + syncID + ", label treasury sync, expires ",
			"\ttoken revoked\tbob\tid " + syncID + ": revoked", "\ttoken revoked\tbob\tid " + monthID + ": password changed"} {
			if !strings.Contains(audit.stdout, want) {
				t.Errorf("audit has no %q:\n%s", want, audit.stdout)
			}
		}
	})
}
