package web

import (
	"crypto/sha256"
	"encoding/base64"
	"io"
	"io/fs"
	"net/http"
	"net/http/httptest"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"github.com/coalition/pledger/internal/access"
	"github.com/coalition/pledger/internal/store"
	"github.com/coalition/pledger/internal/store/storetest"
)

// Tests of issue #15's finding 5: security headers and the policy.

// ---------------------------------------------------------------------------
// 5. Security headers and the Content-Security-Policy.

// Finding 5: every response (pages, reports, downloads, charts,
// dashboards, the API, errors, the script) carries the policy and the
// headers; signed-in pages and the API are not stored; HSTS over TLS.
func TestSecurityHeaders(t *testing.T) {
	storetest.Each(t, func(t *testing.T, engine store.Dialect) {
		e := newEnv(t, engine, Config{})
		ab := e.browser()
		ab.login("analyst")
		if st, _ := ab.post("/publish", url.Values{"csrf": {ab.csrf("/reports")}, "title": {"Briefing"}, "currency": {"EUR"}}); st != 303 {
			t.Fatalf("publish: %d", st)
		}
		snaps, err := e.st.Snapshots(t.Context())
		if err != nil || len(snaps) == 0 {
			t.Fatal(snaps, err)
		}
		check := func(what string, h http.Header, stored bool) {
			t.Helper()
			csp := h.Get("Content-Security-Policy")
			script := regexp.MustCompile(`script-src ([^;]*)`).FindStringSubmatch(csp)
			if script == nil || strings.Contains(script[1], "unsafe") || !strings.Contains(csp, "frame-ancestors 'none'") ||
				!strings.Contains(csp, "object-src 'none'") || !strings.Contains(csp, "base-uri 'none'") {
				t.Errorf("%s: Content-Security-Policy %q", what, csp)
			}
			for k, want := range map[string]string{"X-Content-Type-Options": "nosniff", "X-Frame-Options": "DENY", "Referrer-Policy": "no-referrer"} {
				if got := h.Get(k); got != want {
					t.Errorf("%s: %s %q, want %q", what, k, got, want)
				}
			}
			if cc := h.Get("Cache-Control"); !stored && cc != "no-store" {
				t.Errorf("%s: Cache-Control %q, want no-store", what, cc)
			}
			if hsts := h.Get("Strict-Transport-Security"); hsts != "" {
				t.Errorf("%s: HSTS %q over plain HTTP", what, hsts)
			}
		}
		for _, path := range []string{"/entries", "/entries/new", "/reports", "/reports/view?name=coverage&format=html",
			"/reports/view?name=coverage&format=csv", "/reports/view?name=coverage&format=xlsx", "/reports/view?name=summary&format=csv",
			"/charts/summary", "/charts/flows", "/dashboard", "/published", "/published/" + snaps[0].ID, "/entries/no-such-ref",
			"/reports/view?name=summary&currency=KWD", "/favicon.ico", "/no-such-page"} {
			req, _ := http.NewRequest("GET", e.srv.URL+path, nil)
			resp, err := ab.c.Do(req)
			if err != nil {
				t.Fatal(err)
			}
			io.Copy(io.Discard, resp.Body)
			resp.Body.Close()
			check(path, resp.Header, false)
		}
		for _, path := range []string{"/login", "/entries"} { // signed out: the sign-in page, a redirect
			resp, err := e.browser().c.Get(e.srv.URL + path)
			if err != nil {
				t.Fatal(err)
			}
			resp.Body.Close()
			check(path+" (signed out)", resp.Header, false)
		}
		for _, path := range []string{"/api/v1/entries", "/api/v1/reports/coverage", "/api/v1/charts/summary", "/api/v1/openapi.json",
			"/api/v1/entries/no-such-ref", "/api/v1/reports/summary?currency=KWD"} {
			_, _, h := e.api("GET", path, e.tokens[access.Analyst], "")
			check(path, h, false)
		}
		_, _, h := e.api("GET", "/api/v1/entries", "", "")
		check("/api/v1/entries (no token)", h, false)
		resp, err := http.Get(e.srv.URL + "/static/app.js")
		if err != nil {
			t.Fatal(err)
		}
		io.Copy(io.Discard, resp.Body)
		resp.Body.Close()
		if resp.StatusCode != 200 || !strings.HasPrefix(resp.Header.Get("Content-Type"), "text/javascript") {
			t.Errorf("/static/app.js: %d %s", resp.StatusCode, resp.Header.Get("Content-Type"))
		}
		check("/static/app.js", resp.Header, true)

		// Over TLS: HSTS.
		s := e.server(t, Config{Secure: true})
		tls := httptest.NewTLSServer(s.Handler())
		defer tls.Close()
		resp, err = tls.Client().Get(tls.URL + "/login")
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if hsts := resp.Header.Get("Strict-Transport-Security"); !strings.HasPrefix(hsts, "max-age=") {
			t.Errorf("over TLS: Strict-Transport-Security %q", hsts)
		}
	})
}

var inlineScriptRE = regexp.MustCompile(`(?s)<script([^>]*)>(.*?)</script>`)

// Finding 5: no page of the web app has an inline script, an event
// handler attribute or a javascript: URL; a chart page's and a
// dashboard's inline scripts are exactly those the policy allows by hash.
func TestCSPAllowsOnlyKnownScripts(t *testing.T) {
	err := fs.WalkDir(templateFS, "templates", func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		b, _ := templateFS.ReadFile(path)
		for _, m := range inlineScriptRE.FindAllStringSubmatch(string(b), -1) {
			if !strings.Contains(m[1], "src=") {
				t.Errorf("%s: an inline script: %.80s", path, m[2])
			}
		}
		if m := regexp.MustCompile(`(?i)\son[a-z]+=|javascript:`).FindString(string(b)); m != "" {
			t.Errorf("%s: %q runs script inline", path, m)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	e := newEnv(t, store.SQLite, Config{})
	b := e.browser()
	b.login("analyst")
	for _, path := range []string{"/charts/summary", "/charts/coverage", "/charts/deployments", "/charts/flows", "/charts/timeline", "/dashboard"} {
		req, _ := http.NewRequest("GET", e.srv.URL+path, nil)
		resp, err := b.c.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		body, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		csp := resp.Header.Get("Content-Security-Policy")
		n := 0
		for _, m := range inlineScriptRE.FindAllStringSubmatch(string(body), -1) {
			if strings.Contains(m[1], `type="application/json"`) {
				continue // data, never run
			}
			n++
			sum := sha256.Sum256([]byte(m[2]))
			if h := "'sha256-" + base64.StdEncoding.EncodeToString(sum[:]) + "'"; !strings.Contains(csp, h) {
				t.Errorf("%s: an inline script (%.60s...) whose hash %s the policy does not allow", path, m[2], h)
			}
		}
		if resp.StatusCode != 200 || n != 2 {
			t.Errorf("%s: %d, %d inline scripts, want ECharts and the drawing script", path, resp.StatusCode, n)
		}
	}
}
