package web

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"mime/multipart"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"github.com/coalition/pledger/internal/access"
	"github.com/coalition/pledger/internal/demo"
	"github.com/coalition/pledger/internal/ledger"
	"github.com/coalition/pledger/internal/store"
	"github.com/coalition/pledger/internal/store/storetest"
)

const testPassword = "correct horse battery"

// env is a server over a demo ledger with one account per role and API
// tokens for each.
type env struct {
	t      *testing.T
	st     *store.Store
	srv    *httptest.Server
	tokens map[access.Role]string
	s      *Server
}

func newEnv(t *testing.T, engine store.Dialect, cfg Config) *env {
	t.Helper()
	ctx := context.Background()
	st := storetest.Open(t, engine)
	if _, _, err := demo.Load(ctx, st); err != nil {
		t.Fatal(err)
	}
	hash, err := access.HashPassword(testPassword)
	if err != nil {
		t.Fatal(err)
	}
	e := &env{t: t, st: st, tokens: map[access.Role]string{}}
	for _, r := range access.Roles {
		if err := st.AddUser(ctx, string(r), r, hash); err != nil {
			t.Fatal(err)
		}
		if e.tokens[r], err = st.NewToken(ctx, string(r), "test"); err != nil {
			t.Fatal(err)
		}
	}
	cfg.Store = st
	cfg.UploadDir = t.TempDir()
	s, err := New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	e.s = s
	e.srv = httptest.NewServer(s.Handler())
	t.Cleanup(e.srv.Close)
	return e
}

// browser is a cookie-keeping client that does not follow redirects.
type browser struct {
	e    *env
	c    *http.Client
	lang string // Accept-Language, when set
}

func (e *env) browser() *browser {
	jar, _ := cookiejar.New(nil)
	return &browser{e: e, c: &http.Client{Jar: jar, CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}}
}

func (b *browser) get(path string) (int, string) {
	b.e.t.Helper()
	req, _ := http.NewRequest("GET", b.e.srv.URL+path, nil)
	if b.lang != "" {
		req.Header.Set("Accept-Language", b.lang)
	}
	resp, err := b.c.Do(req)
	if err != nil {
		b.e.t.Fatal(err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(body)
}

func (b *browser) post(path string, form url.Values) (int, string) {
	b.e.t.Helper()
	req, _ := http.NewRequest("POST", b.e.srv.URL+path, strings.NewReader(form.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	if b.lang != "" {
		req.Header.Set("Accept-Language", b.lang)
	}
	resp, err := b.c.Do(req)
	if err != nil {
		b.e.t.Fatal(err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(body)
}

func (b *browser) login(name string) {
	b.e.t.Helper()
	if st, body := b.post("/login", url.Values{"csrf": {b.csrf("/login")}, "name": {name}, "password": {testPassword}}); st != http.StatusSeeOther {
		b.e.t.Fatalf("login %s: %d %s", name, st, body)
	}
}

var csrfRE = regexp.MustCompile(`name="csrf" value="([^"]+)"`)

// csrf reads the form token from a page.
func (b *browser) csrf(path string) string {
	b.e.t.Helper()
	_, body := b.get(path)
	m := csrfRE.FindStringSubmatch(body)
	if m == nil {
		b.e.t.Fatalf("no csrf token on %s", path)
	}
	return m[1]
}

func (e *env) api(method, path, token string, body string, hdr ...string) (int, string, http.Header) {
	e.t.Helper()
	req, _ := http.NewRequest(method, e.srv.URL+path, strings.NewReader(body))
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	req.Header.Set("Content-Type", "application/json")
	for i := 0; i+1 < len(hdr); i += 2 {
		req.Header.Set(hdr[i], hdr[i+1])
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		e.t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(b), resp.Header
}

const pledgeJSON = `{"ref":"api-p1","kind":"pledge","party":"NLD","date":"2021-06-01","amount":"1500000.00","currency":"EUR","toward":"coal-need-2021-stab"}`

func TestSecurity(t *testing.T) {
	storetest.Each(t, func(t *testing.T, engine store.Dialect) {
		e := newEnv(t, engine, Config{MaxUpload: 64 << 10})

		t.Run("unauthenticated write is 401", func(t *testing.T) {
			if st, body, _ := e.api("POST", "/api/v1/entries", "", pledgeJSON); st != 401 || !strings.Contains(body, `"unauthenticated"`) {
				t.Errorf("api: %d %s", st, body)
			}
			if st, _ := e.browser().post("/entries", url.Values{"kind": {"pledge"}}); st != 401 {
				t.Errorf("form: %d", st)
			}
			if st, _, _ := e.api("POST", "/api/v1/entries", "plg_forged", pledgeJSON); st != 401 {
				t.Errorf("forged token: %d", st)
			}
		})
		t.Run("viewer and analyst writes are 403", func(t *testing.T) {
			for _, r := range []access.Role{access.Viewer, access.Analyst} {
				if st, body, _ := e.api("POST", "/api/v1/entries", e.tokens[r], pledgeJSON); st != 403 || !strings.Contains(body, `"forbidden"`) {
					t.Errorf("%s api write: %d %s", r, st, body)
				}
				b := e.browser()
				b.login(string(r))
				if st, _ := b.get("/entries/new"); st != 403 {
					t.Errorf("%s entry form: %d", r, st)
				}
			}
			b := e.browser()
			b.login("viewer")
			if st, _ := b.get("/entries"); st != 403 {
				t.Errorf("viewer reads entries: %d", st)
			}
			if st, _ := b.get("/published"); st != 200 {
				t.Errorf("viewer published list: %d", st)
			}
		})
		t.Run("missing or wrong CSRF token is 403", func(t *testing.T) {
			b := e.browser()
			b.login("officer")
			form := url.Values{"kind": {"pledge"}, "party": {"NLD"}, "date": {"2021"}, "amount": {"5"}, "currency": {"EUR"}}
			if st, _ := b.post("/entries", form); st != 403 {
				t.Errorf("no token: %d", st)
			}
			form.Set("csrf", "c_wrong")
			if st, _ := b.post("/entries", form); st != 403 {
				t.Errorf("wrong token: %d", st)
			}
			form.Set("csrf", b.csrf("/entries/new"))
			if st, body := b.post("/entries", form); st != http.StatusSeeOther {
				t.Errorf("right token: %d %s", st, body)
			}
		})
		t.Run("session fixation: a new session id at login", func(t *testing.T) {
			b := e.browser()
			u, _ := url.Parse(e.srv.URL)
			b.c.Jar.SetCookies(u, []*http.Cookie{{Name: sessionCookie, Value: "s_planted-by-attacker", Path: "/"}})
			b.login("officer")
			var got string
			for _, c := range b.c.Jar.Cookies(u) {
				if c.Name == sessionCookie {
					got = c.Value
				}
			}
			if got == "" || got == "s_planted-by-attacker" {
				t.Fatalf("session cookie after login: %q", got)
			}
			if _, err := e.st.SessionUser(context.Background(), "s_planted-by-attacker"); err == nil {
				t.Error("the planted id became a session")
			}
		})
		t.Run("ledger text is escaped everywhere", func(t *testing.T) {
			evil := `<img src=x onerror=alert(1)>`
			b := e.browser()
			b.login("admin")
			if st, body := b.post("/parties", url.Values{"csrf": {b.csrf("/parties")}, "code": {"EVIL"}, "name": {evil}}); st != http.StatusSeeOther {
				t.Fatalf("add party: %d %s", st, body)
			}
			_, body := b.get("/parties")
			if strings.Contains(body, evil) || !strings.Contains(body, "&lt;img src=x onerror=alert(1)&gt;") {
				t.Error("party name not escaped on /parties")
			}
			script := `</script><script>alert(1)</script>`
			form := url.Values{"csrf": {b.csrf("/entries/new")}, "kind": {"need"}, "ref": {"evil-1"}, "party": {"EVIL"}, "date": {"2021"},
				"amount": {"5"}, "currency": {"EUR"}, "note": {evil}, "sector": {script}}
			// A sector outside the vocabulary is refused, and the page that
			// says so quotes it escaped.
			if st, body := b.post("/entries", form); st != http.StatusBadRequest || strings.Contains(body, "</script><script>") {
				t.Fatalf("add with a script for a sector: %d", st)
			}
			form["csrf"], form["sector"], form["title"] = []string{b.csrf("/entries/new")}, []string{"demining"}, []string{script}
			if st, body := b.post("/entries", form); st != http.StatusSeeOther {
				t.Fatalf("add: %d %s", st, body)
			}
			// A sector recorded before the vocabulary is shown as recorded:
			// escaped.
			old, ps := ledger.ParseEntry(ledger.Fields{"ref": "evil-2", "kind": "pledge", "party": "EVIL", "date": "2021", "amount": "5", "currency": "EUR"},
				0, ledger.Known{}, ledger.RefRequired)
			if len(ps) > 0 {
				t.Fatal(ps)
			}
			old.Sectors = []string{script}
			if _, err := e.st.Add(context.Background(), old, "officer"); err != nil {
				t.Fatal(err)
			}
			for _, path := range []string{"/entries/evil-1", "/entries?q=evil", "/entries/evil-2"} {
				_, body := b.get(path)
				if strings.Contains(body, evil) || strings.Contains(body, "</script><script>") {
					t.Errorf("%s shows ledger text unescaped", path)
				}
			}
			_, body = b.get("/reports/view?name=coverage&format=html")
			if strings.Contains(body, "</script><script>alert") || !strings.Contains(body, "&lt;/script&gt;&lt;script&gt;alert(1)&lt;/script&gt;") {
				t.Error("report html shows a need's title unescaped, or not at all")
			}
			_, body = b.get("/reports/view?name=flows&format=html")
			if strings.Contains(body, "</script><script>alert") || !strings.Contains(body, "&lt;/script&gt;&lt;script&gt;alert(1)&lt;/script&gt;") {
				t.Error("report html shows the sector unescaped, or not at all")
			}
		})
		t.Run("SQL metacharacters are stored and shown literally", func(t *testing.T) {
			note := `Robert'); DROP TABLE revisions; -- " \ % _`
			body := `{"ref":"sql-1","kind":"pledge","party":"NLD","date":"2021","amount":"1","currency":"EUR","note":` + string(mustJSON(note)) + `}`
			if st, out, _ := e.api("POST", "/api/v1/entries", e.tokens[access.Officer], body); st != 201 {
				t.Fatalf("%d %s", st, out)
			}
			st, out, _ := e.api("GET", "/api/v1/entries/sql-1", e.tokens[access.Analyst], "")
			var got struct{ Current struct{ Note string } }
			json.Unmarshal([]byte(out), &got)
			if st != 200 || got.Current.Note != note {
				t.Errorf("%d note %q, want %q", st, got.Current.Note, note)
			}
		})
		t.Run("over-large upload is refused with a clear message", func(t *testing.T) {
			b := e.browser()
			b.login("officer")
			var buf bytes.Buffer
			mw := multipart.NewWriter(&buf)
			mw.WriteField("csrf", b.csrf("/import"))
			fw, _ := mw.CreateFormFile("file", "big.csv")
			fw.Write(bytes.Repeat([]byte("x"), 100<<10))
			mw.Close()
			resp, err := b.c.Post(e.srv.URL+"/import", mw.FormDataContentType(), &buf)
			if err != nil {
				t.Fatal(err)
			}
			out, _ := io.ReadAll(resp.Body)
			resp.Body.Close()
			if resp.StatusCode != 413 || !strings.Contains(string(out), "too large") {
				t.Errorf("%d %s", resp.StatusCode, out)
			}
			big := `{"note":"` + strings.Repeat("x", 100<<10) + `"}`
			if st, out, _ := e.api("POST", "/api/v1/entries", e.tokens[access.Officer], big); st != 413 || !strings.Contains(out, "too_large") {
				t.Errorf("api: %d %.200s", st, out)
			}
		})
		t.Run("bad API requests get 400 naming the field", func(t *testing.T) {
			for _, c := range []struct{ body, field string }{
				{`{"kind":"pledge",`, "(body)"},
				{`{"kind":"pledge","amount":1500000}`, "amount"},
				{`{"kind":"pledge","colour":"red"}`, "colour"},
				{`{"ref":"x1","kind":"pledge","party":"NLD","date":"2021","amount":"1","currency":"ABC"}`, "currency"},
				{``, "(body)"},
				{`{"ref":"x2"} {"ref":"x3"}`, "(body)"},
			} {
				st, out, _ := e.api("POST", "/api/v1/entries", e.tokens[access.Officer], c.body)
				var got apiErrorBody
				json.Unmarshal([]byte(out), &got)
				if st != 400 || got.Error.Code != "invalid" || got.Error.Field != c.field {
					t.Errorf("%s: %d %s, want field %q", c.body, st, out, c.field)
				}
			}
		})
		t.Run("idempotency keys", func(t *testing.T) {
			tok := e.tokens[access.Officer]
			body := strings.Replace(pledgeJSON, "api-p1", "idem-1", 1)
			st1, out1, _ := e.api("POST", "/api/v1/entries", tok, body, "Idempotency-Key", "k-1")
			st2, out2, h := e.api("POST", "/api/v1/entries", tok, body, "Idempotency-Key", "k-1")
			if st1 != 201 || st2 != 201 || out1 != out2 || h.Get("Idempotent-Replayed") != "true" {
				t.Errorf("retry: %d %s / %d %s %v", st1, out1, st2, out2, h)
			}
			hist, err := e.st.History(context.Background(), "idem-1")
			if err != nil || len(hist) != 1 {
				t.Errorf("history after retry: %d revisions, %v", len(hist), err)
			}
			other := strings.Replace(body, "1500000.00", "2", 1)
			if st, out, _ := e.api("POST", "/api/v1/entries", tok, other, "Idempotency-Key", "k-1"); st != 409 {
				t.Errorf("same key, other request: %d %s", st, out)
			}
		})
		t.Run("logout ends the session", func(t *testing.T) {
			b := e.browser()
			b.login("officer")
			if st, _ := b.post("/logout", url.Values{"csrf": {b.csrf("/entries")}}); st != http.StatusSeeOther {
				t.Fatalf("logout: %d", st)
			}
			if st, _ := b.get("/entries"); st != http.StatusSeeOther {
				t.Errorf("after logout /entries: %d, want a redirect to the login page", st)
			}
		})
		// Last: it locks this client address out.
		t.Run("login rate limiting", func(t *testing.T) {
			b := e.browser()
			for i := 0; i < 5; i++ {
				if st, _ := b.post("/login", url.Values{"csrf": {b.csrf("/login")}, "name": {"analyst"}, "password": {"wrong password " + fmt.Sprint(i)}}); st != 401 {
					t.Fatalf("failed login %d: %d", i, st)
				}
			}
			st, body := b.post("/login", url.Values{"csrf": {b.csrf("/login")}, "name": {"analyst"}, "password": {testPassword}})
			if st != http.StatusTooManyRequests || !strings.Contains(body, "Too many failed sign-ins") {
				t.Errorf("after 5 failures: %d", st)
			}
		})
	})
}
