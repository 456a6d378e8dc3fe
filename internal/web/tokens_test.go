package web

import (
	"context"
	"encoding/json"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/coalition/pledger/internal/access"
	"github.com/coalition/pledger/internal/store"
	"github.com/coalition/pledger/internal/store/storetest"
)

// apiRefused checks that token gets 401 with code and a message holding
// message.
func (e *env) apiRefused(token, code, message string) {
	e.t.Helper()
	st, body, h := e.api("GET", "/api/v1/entries?limit=1", token, "")
	var got apiErrorBody
	json.Unmarshal([]byte(body), &got)
	if st != http.StatusUnauthorized || got.Error.Code != code || !strings.Contains(got.Error.Message, message) ||
		!strings.Contains(h.Get("WWW-Authenticate"), `error="invalid_token"`) {
		e.t.Errorf("want 401 %s %q: %d %s (WWW-Authenticate %q)", code, message, st, body, h.Get("WWW-Authenticate"))
	}
}

// apiWorks checks that token is accepted (200, or 403 for a viewer, who
// reads no entries).
func (e *env) apiWorks(token string) {
	e.t.Helper()
	if st, body, _ := e.api("GET", "/api/v1/entries?limit=1", token, ""); st != http.StatusOK && st != http.StatusForbidden {
		e.t.Errorf("want the token accepted: %d %s", st, body)
	}
}

func (e *env) audited(action, detail string) bool {
	e.t.Helper()
	log, err := e.st.AuditLog(context.Background(), 1000)
	if err != nil {
		e.t.Fatal(err)
	}
	for _, l := range log {
		if l.Action == action && strings.Contains(l.Detail, detail) {
			return true
		}
	}
	return false
}

// An expired token and a revoked one get 401 with a code and a message
// saying when; the refusal is in the audit log.
func TestAPIExpiredAndRevokedTokens(t *testing.T) {
	storetest.Each(t, func(t *testing.T, engine store.Dialect) {
		e := newEnv(t, engine, Config{})
		ctx := store.WithActor(context.Background(), "root")
		now := time.Now().UTC()
		tok, secret, err := e.st.CreateToken(ctx, "analyst", "short", now.Add(time.Hour))
		if err != nil {
			t.Fatal(err)
		}
		e.apiWorks(secret)
		if ts, _ := e.st.Tokens(ctx, "analyst"); ts[1].ID != tok.ID || ts[1].LastUsedAt == "" {
			t.Errorf("last use not recorded: %+v", ts)
		}
		e.st.SetClock(func() time.Time { return now.Add(2 * time.Hour) })
		e.apiRefused(secret, "token_expired", "token "+tok.ID+" expired on "+store.ShortTime(tok.ExpiresAt))
		if !e.audited("token refused", tok.ID+" expired on") {
			t.Error("the refusal is not in the audit log")
		}
		e.st.SetClock(time.Now)

		e.apiWorks(e.tokens[access.Officer])
		id := store.TokenID(e.tokens[access.Officer])
		if _, _, err := e.st.RevokeToken(ctx, id, ""); err != nil {
			t.Fatal(err)
		}
		e.apiRefused(e.tokens[access.Officer], "token_revoked", "token "+id+" was revoked on ")
		// An unknown token is still just unauthenticated.
		if st, body, _ := e.api("GET", "/api/v1/entries?limit=1", "plg_forged", ""); st != 401 || !strings.Contains(body, `"unauthenticated"`) {
			t.Errorf("forged token: %d %s", st, body)
		}
	})
}

// A signed-in user changes their own password: the current one is needed
// and the form needs its CSRF token; their other sessions end, this one
// goes on, their API tokens are revoked, and the page says so.
func TestSelfPasswordChange(t *testing.T) {
	storetest.Each(t, func(t *testing.T, engine store.Dialect) {
		e := newEnv(t, engine, Config{})
		here, there := e.browser(), e.browser()
		here.login("viewer")
		there.login("viewer")
		e.apiWorks(e.tokens[access.Viewer])
		st, page := here.get("/account")
		if st != 200 || !strings.Contains(page, `action="/account/password"`) || !strings.Contains(page, store.TokenID(e.tokens[access.Viewer])) {
			t.Fatalf("account page: %d", st)
		}
		form := url.Values{"current": {testPassword}, "password": {"a new passphrase"}, "again": {"a new passphrase"}}
		if st, _ := here.post("/account/password", form); st != http.StatusForbidden {
			t.Errorf("without the CSRF token: %d", st)
		}
		for _, c := range []struct {
			current, again, says string
		}{
			{"wrong password!", "a new passphrase", "The current password is wrong"},
			{testPassword, "another passphrase", "The two new passwords differ"},
			{testPassword, testPassword, "The new password is the current one"},
		} {
			f := url.Values{"csrf": {here.csrf("/account")}, "current": {c.current}, "password": {form.Get("password")}, "again": {c.again}}
			if c.again == testPassword {
				f.Set("password", testPassword)
			}
			if st, page := here.post("/account/password", f); st != http.StatusBadRequest || !strings.Contains(page, c.says) {
				t.Errorf("%s: %d", c.says, st)
			}
		}
		f := url.Values{"csrf": {here.csrf("/account")}, "current": {testPassword}, "password": {"short"}, "again": {"short"}}
		if st, page := here.post("/account/password", f); st != http.StatusBadRequest || !strings.Contains(page, "at least 10") {
			t.Errorf("a short password: %d", st)
		}
		e.apiWorks(e.tokens[access.Viewer]) // nothing changed so far
		form.Set("csrf", here.csrf("/account"))
		st, page = here.post("/account/password", form)
		for _, says := range []string{"Your password is changed.", "1 other session signed out.", "1 API token revoked."} {
			if !strings.Contains(page, says) {
				t.Errorf("after the change: %d, no %q", st, says)
			}
		}
		if st != 200 {
			t.Errorf("change: %d", st)
		}
		if st, _ := here.get("/account"); st != 200 {
			t.Errorf("this session ended: %d", st)
		}
		if st, _ := there.get("/account"); st != http.StatusSeeOther {
			t.Errorf("the other session goes on: %d", st)
		}
		e.apiRefused(e.tokens[access.Viewer], "token_revoked", "(password changed)")
		if _, page := here.get("/account"); !strings.Contains(page, "password changed") {
			t.Error("the account page does not say why the token was revoked")
		}
		signIn := func(password string) int {
			b := e.browser()
			st, _ := b.post("/login", url.Values{"csrf": {b.csrf("/login")}, "name": {"viewer"}, "password": {password}})
			return st
		}
		if st := signIn(testPassword); st != 401 {
			t.Errorf("the old password still signs in: %d", st)
		}
		if st := signIn("a new passphrase"); st != http.StatusSeeOther {
			t.Errorf("the new password does not sign in: %d", st)
		}
		if !e.audited("password changed", "1 other sessions ended, 1 tokens revoked") || !e.audited("token revoked", "password changed") {
			t.Error("the change is not in the audit log")
		}
	})
}

// Administrators list each account's tokens (ids, never secrets) and
// revoke them; disabling an account revokes its tokens; users revoke their
// own tokens, and no one else's.
func TestAdminTokens(t *testing.T) {
	storetest.Each(t, func(t *testing.T, engine store.Dialect) {
		e := newEnv(t, engine, Config{})
		admin := e.browser()
		admin.login("admin")
		id := store.TokenID(e.tokens[access.Officer])
		_, users := admin.get("/users")
		if !strings.Contains(users, `href="/users/officer/tokens"`) || !strings.Contains(users, "1 active") {
			t.Error("/users links no token page, or counts no active token")
		}
		st, page := admin.get("/users/officer/tokens")
		if st != 200 || !strings.Contains(page, id) || !strings.Contains(page, "/users/officer/tokens/"+id+"/revoke") {
			t.Fatalf("token page: %d", st)
		}
		for _, secret := range e.tokens {
			if strings.Contains(page, secret) || strings.Contains(page, access.HashSecret(secret)) {
				t.Error("the token page shows a secret or its hash")
			}
		}
		for _, r := range []string{"officer", "analyst"} {
			b := e.browser()
			b.login(r)
			if st, _ := b.get("/users/officer/tokens"); st != http.StatusForbidden {
				t.Errorf("%s reads the token page: %d", r, st)
			}
		}
		// Someone else's token is not yours to revoke.
		analyst := e.browser()
		analyst.login("analyst")
		if st, _ := analyst.post("/account/tokens/"+id+"/revoke", url.Values{"csrf": {analyst.csrf("/account")}}); st != http.StatusNotFound {
			t.Errorf("the analyst revokes the officer's token: %d", st)
		}
		e.apiWorks(e.tokens[access.Officer])
		if st, _ := admin.post("/users/officer/tokens/"+id+"/revoke", url.Values{}); st != http.StatusForbidden {
			t.Errorf("revoke without the CSRF token: %d", st)
		}
		e.apiWorks(e.tokens[access.Officer])
		st, _ = admin.post("/users/officer/tokens/"+id+"/revoke", url.Values{"csrf": {admin.csrf("/users/officer/tokens")}})
		if st != http.StatusSeeOther {
			t.Fatalf("revoke: %d", st)
		}
		e.apiRefused(e.tokens[access.Officer], "token_revoked", "token "+id+" was revoked on ")
		_, page = admin.get("/users/officer/tokens?revoked=" + id)
		if !strings.Contains(page, "Token "+id+" is revoked") || !strings.Contains(page, "by hand") || strings.Contains(page, "/tokens/"+id+"/revoke") {
			t.Error("the token page does not show the revocation")
		}
		if !e.audited("token revoked", id) {
			t.Error("the revocation is not in the audit log")
		}

		// Users revoke their own.
		analystID := store.TokenID(e.tokens[access.Analyst])
		if st, _ := analyst.post("/account/tokens/"+analystID+"/revoke", url.Values{"csrf": {analyst.csrf("/account")}}); st != http.StatusSeeOther {
			t.Errorf("the analyst revokes their own token: %d", st)
		}
		e.apiRefused(e.tokens[access.Analyst], "token_revoked", analystID)

		// Disabling revokes.
		e.apiWorks(e.tokens[access.Viewer])
		if st, body := admin.post("/users/viewer", url.Values{"csrf": {admin.csrf("/users")}, "role": {"viewer"}, "disabled": {"on"}}); st != http.StatusSeeOther {
			t.Fatalf("disable: %d %s", st, body)
		}
		e.apiRefused(e.tokens[access.Viewer], "token_revoked", "(account disabled)")
		if st, _ := admin.post("/users/viewer", url.Values{"csrf": {admin.csrf("/users")}, "role": {"viewer"}}); st != http.StatusSeeOther {
			t.Fatalf("enable: %d", st)
		}
		e.apiRefused(e.tokens[access.Viewer], "token_revoked", "(account disabled)")
	})
}
