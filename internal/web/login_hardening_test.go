package web

import (
	"fmt"
	"io"
	"net/http"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/coalition/pledger/internal/store"
	"github.com/coalition/pledger/internal/store/storetest"
)

// Tests of issue #15's hardening of the sign-in (findings 1 to 4).

// ---------------------------------------------------------------------------
// 1. Open redirect after sign-in.

func TestSafeNext(t *testing.T) {
	for _, bad := range []string{"", "//evil.example", "/\\evil.example", "\\\\evil.example", "/%09/evil.example", "/\t/evil.example",
		"/%2F/evil.example", "/%2f/evil.example", "/%5C/evil.example", "/%5cevil.example", "https://evil.example", "http:/evil.example",
		"javascript:alert(1)", "JaVaScRiPt:alert(1)", "\t//evil.example", " //evil.example", "\n/entries", "/\n/evil.example",
		"/\r\n/evil.example", "/%0d%0a/evil.example", "/%00/evil", "/%252F/evil.example", "/%25252F/evil.example", "evil.example",
		"entries", "./entries", "/entries\\..\\..", "/\u00a0/evil.example", "/\u2028/evil.example", "/\u200b/evil", "/%E2%80%A8/evil",
		"/%ZZ", "data:text/html,x", "//", "///evil.example", "/\x7f/evil.example", "https:evil.example"} {
		if got := safeNext(bad); got != "/" {
			t.Errorf("safeNext(%q) = %q, want /", bad, got)
		}
	}
	for _, good := range []string{"/", "/entries", "/entries?party=BEL&q=caf%C3%A9", "/reports/view?name=coverage&currency=USD",
		"/published/abc", "/entries/bel-pledge-2021-stab", "/entries?q=a+b", "/entries?q=a%20b"} {
		if got := safeNext(good); got != good {
			t.Errorf("safeNext(%q) = %q, want it kept", good, got)
		}
	}
}

// Finding 1: after signing in, the redirect stays on the site, whatever
// next the sign-in page was given; a local next is kept.
func TestLoginRedirectStaysLocal(t *testing.T) {
	storetest.Each(t, func(t *testing.T, engine store.Dialect) {
		e := newEnv(t, engine, Config{})
		for _, next := range []string{"//evil.example", "/\\evil.example", "/%09/evil.example", "/\t/evil.example", "/%2F/evil.example",
			"https://evil.example", "javascript:alert(1)", "\t//evil.example", "/%0a/evil.example"} {
			b := e.browser()
			// The sign-in page a victim is sent to carries next on.
			_, page := b.get("/login?next=" + url.QueryEscape(next))
			if m := regexp.MustCompile(`name="next" value="([^"]*)"`).FindStringSubmatch(page); m == nil || m[1] != "/" {
				t.Errorf("next=%q: the sign-in form carries %v", next, m)
			}
			req, _ := http.NewRequest("POST", e.srv.URL+"/login", strings.NewReader(url.Values{"csrf": {b.csrf("/login")},
				"name": {"officer"}, "password": {testPassword}, "next": {next}}.Encode()))
			req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
			resp, err := b.c.Do(req)
			if err != nil {
				t.Fatal(err)
			}
			resp.Body.Close()
			if loc := resp.Header.Get("Location"); resp.StatusCode != http.StatusSeeOther || loc != "/" {
				t.Errorf("next=%q: %d Location %q, want 303 to /", next, resp.StatusCode, loc)
			}
		}
		b := e.browser()
		if st, _ := b.post("/login", url.Values{"csrf": {b.csrf("/login")}, "name": {"officer"}, "password": {testPassword},
			"next": {"/reports/view?name=coverage&currency=USD"}}); st != http.StatusSeeOther {
			t.Fatalf("sign in: %d", st)
		}
	})
}

// ---------------------------------------------------------------------------
// 2. The sign-in limit holds for parallel attempts.

// Finding 2: 40 wrong passwords sent at once are not all checked: at most
// the limit (5) are, the others are refused as too many.
func TestLoginLimitParallel(t *testing.T) {
	storetest.Each(t, func(t *testing.T, engine store.Dialect) {
		e := newEnv(t, engine, Config{})
		b := e.browser()
		tok := b.csrf("/login")
		const n = 40
		var wg sync.WaitGroup
		start := make(chan struct{})
		codes := make([]int, n)
		errs := make([]error, n)
		for i := range n {
			wg.Add(1)
			go func() {
				defer wg.Done()
				<-start
				req, _ := http.NewRequest("POST", e.srv.URL+"/login", strings.NewReader(url.Values{"csrf": {tok}, "name": {"admin"},
					"password": {fmt.Sprintf("wrong password %d", i)}}.Encode()))
				req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
				resp, err := b.c.Do(req)
				if err != nil {
					errs[i] = err
					return
				}
				io.Copy(io.Discard, resp.Body)
				resp.Body.Close()
				codes[i] = resp.StatusCode
			}()
		}
		close(start)
		wg.Wait()
		count := map[int]int{}
		for i, c := range codes {
			if errs[i] != nil {
				t.Fatal(errs[i])
			}
			count[c]++
		}
		if count[http.StatusUnauthorized] > defaultLimits.pair || count[http.StatusUnauthorized]+count[http.StatusTooManyRequests] != n {
			t.Errorf("%d parallel wrong passwords: %v; want at most %d checked (401), the rest 429", n, count, defaultLimits.pair)
		}
	})
}

// ---------------------------------------------------------------------------
// 3. The lockout policy.

// Finding 3: failures from elsewhere do not lock a user out of their own
// machine; the per-address and per-user limits still stop guessing; a
// wait is said in seconds.
func TestLoginLockoutPolicy(t *testing.T) {
	storetest.Each(t, func(t *testing.T, engine store.Dialect) {
		e := newEnv(t, engine, Config{})
		s := e.server(t, Config{})
		// The policy with small limits (each attempt checks a bcrypt hash).
		lim := defaultLimits
		lim.pair, lim.ip, lim.user = 3, 5, 9
		s.limiter = newLimiter(lim)
		h := s.Handler()
		home := newPeer(t, h, "192.0.2.10")
		if st := home.login("admin", testPassword); st != http.StatusSeeOther {
			t.Fatalf("the admin at home: %d", st)
		}
		// One attacker: the failures lock out that attacker, for admin.
		attacker := newPeer(t, h, "203.0.113.9")
		for i := range lim.pair {
			if st := attacker.login("admin", fmt.Sprint("guess number ", i)); st != http.StatusUnauthorized {
				t.Fatalf("guess %d: %d", i, st)
			}
		}
		page := attacker.do("GET", "/login", nil)
		tok := csrfRE.FindStringSubmatch(page.Body.String())[1]
		w := attacker.do("POST", "/login", url.Values{"csrf": {tok}, "name": {"admin"}, "password": {testPassword}})
		if w.Code != http.StatusTooManyRequests {
			t.Fatalf("the attacker's next try, with the right password: %d, want 429", w.Code)
		}
		if ra, err := strconv.Atoi(w.Header().Get("Retry-After")); err != nil || ra <= 0 || ra > int(lim.window.Seconds()) {
			t.Errorf("Retry-After %q: want seconds", w.Header().Get("Retry-After"))
		}
		// ... but not the admin at home, nor a colleague at the attacker's
		// address under another name.
		if st := newPeer(t, h, "192.0.2.10").login("admin", testPassword); st != http.StatusSeeOther {
			t.Errorf("the admin at home after an attack from elsewhere: %d, want 303", st)
		}
		// Many addresses (a botnet): the per-user limit stops guessing
		// from any new address, not from the admin's own.
		for i := 0; i < lim.user/lim.pair; i++ {
			bot := newPeer(t, h, fmt.Sprintf("198.51.100.%d", i+1))
			for j := range lim.pair {
				if st := bot.login("admin", fmt.Sprint("bot guess ", j)); st != http.StatusUnauthorized && st != http.StatusTooManyRequests {
					t.Fatalf("bot %d guess %d: %d", i, j, st)
				}
			}
		}
		if st := newPeer(t, h, "198.51.100.200").login("admin", testPassword); st != http.StatusTooManyRequests {
			t.Errorf("a new address after %d failures for admin: %d, want 429", lim.user, st)
		}
		if st := newPeer(t, h, "192.0.2.10").login("admin", testPassword); st != http.StatusSeeOther {
			t.Errorf("the admin at home during a distributed attack: %d, want 303", st)
		}
		if st := newPeer(t, h, "198.51.100.201").login("officer", testPassword); st != http.StatusSeeOther {
			t.Errorf("another user from a new address: %d, want 303", st)
		}
		// One address trying many names.
		sprayer := newPeer(t, h, "2001:db8:1:2::7")
		for i := range lim.ip {
			if st := sprayer.login(fmt.Sprint("user", i), "some password"); st != http.StatusUnauthorized {
				t.Fatalf("spray %d: %d", i, st)
			}
		}
		// The same /64: the same client.
		if st := newPeer(t, h, "2001:db8:1:2::99").login("officer", testPassword); st != http.StatusTooManyRequests {
			t.Errorf("after %d failures from one /64: %d, want 429", lim.ip, st)
		}
	})
}

// Finding 3: the limiter forgets failures that left the window and holds
// at most its cap of keys and known addresses.
func TestLimiterBounded(t *testing.T) {
	lim := defaultLimits
	lim.maxKeys, lim.maxKnown = 300, 50
	l := newLimiter(lim)
	now := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	for i := range 5000 {
		if _, _, ok := l.begin(fmt.Sprint("name", i), fmt.Sprintf("10.0.%d.%d", i/250, i%250), now); !ok {
			t.Fatalf("attempt %d refused", i)
		}
		if keys, _ := l.size(); keys > lim.maxKeys {
			t.Fatalf("after %d attempts: %d keys, cap %d", i+1, keys, lim.maxKeys)
		}
	}
	for i := range 200 {
		a, _, ok := l.begin("admin", fmt.Sprintf("10.1.0.%d", i), now)
		if !ok {
			t.Fatalf("sign-in %d refused", i)
		}
		l.succeeded(a, now)
		if _, known := l.size(); known > lim.maxKnown {
			t.Fatalf("%d known addresses, cap %d", known, lim.maxKnown)
		}
	}
	// Past the window, every failure is forgotten.
	later := now.Add(lim.window + time.Second)
	for i := range 256 {
		l.begin("someone", "10.9.9.9", later.Add(time.Duration(i)))
	}
	if keys, _ := l.size(); keys > 3 {
		t.Errorf("%d keys after the window, want only the last attempts' 3", keys)
	}
	// A lockout ends with its window.
	l = newLimiter(defaultLimits)
	for range defaultLimits.pair {
		l.begin("admin", "10.0.0.1", now)
	}
	if _, until, ok := l.begin("admin", "10.0.0.1", now.Add(time.Minute)); ok || !until.Equal(now.Add(defaultLimits.window)) {
		t.Errorf("sixth attempt: ok %v until %v", ok, until)
	}
	if _, _, ok := l.begin("admin", "10.0.0.1", now.Add(defaultLimits.window)); !ok {
		t.Error("still locked out after the window")
	}
}

// ---------------------------------------------------------------------------
// 4. CSRF on the sign-in form.

// Finding 4: a sign-in posted without the form's token (from another
// site) is refused and starts no session.
func TestLoginCSRF(t *testing.T) {
	storetest.Each(t, func(t *testing.T, engine store.Dialect) {
		e := newEnv(t, engine, Config{})
		form := url.Values{"name": {"officer"}, "password": {testPassword}}
		b := e.browser()
		if st, body := b.post("/login", form); st != http.StatusForbidden || !strings.Contains(body, "sign-in form expired") {
			t.Errorf("no token, no cookie: %d", st)
		}
		form.Set("csrf", "l_forged")
		b.csrf("/login") // the cookie, but another token
		if st, _ := b.post("/login", form); st != http.StatusForbidden {
			t.Errorf("wrong token: %d", st)
		}
		// A token without its cookie (another browser's).
		other := e.browser()
		form.Set("csrf", b.csrf("/login"))
		if st, _ := other.post("/login", form); st != http.StatusForbidden {
			t.Errorf("a token without its cookie: %d", st)
		}
		u, _ := url.Parse(e.srv.URL)
		for _, c := range other.c.Jar.Cookies(u) {
			if c.Name == sessionCookie {
				t.Error("a refused sign-in set a session cookie")
			}
		}
		if st, _ := b.post("/login", form); st != http.StatusSeeOther {
			t.Errorf("right token: %d", st)
		}
		// The token's cookie is for the sign-in page only, and not for
		// scripts.
		resp, err := http.Get(e.srv.URL + "/login")
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		var found bool
		for _, c := range resp.Cookies() {
			if c.Name == loginCookie {
				found = true
				if !c.HttpOnly || c.Path != "/login" || c.SameSite != http.SameSiteStrictMode {
					t.Errorf("sign-in cookie %+v", c)
				}
			}
		}
		if !found {
			t.Error("the sign-in page sets no token cookie")
		}
	})
}
