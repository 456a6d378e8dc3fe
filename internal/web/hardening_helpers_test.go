package web

import (
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
)

// Helpers of the tests of issue #15's hardening.

// peer is a client at a given address, talking to a server's handler
// directly (so that the address can be any), keeping its cookies.
type peer struct {
	t       *testing.T
	h       http.Handler
	addr    string
	cookies map[string]*http.Cookie
}

func newPeer(t *testing.T, h http.Handler, ip string) *peer {
	addr := net.JoinHostPort(ip, "40000")
	return &peer{t: t, h: h, addr: addr, cookies: map[string]*http.Cookie{}}
}

func (p *peer) do(method, path string, form url.Values) *httptest.ResponseRecorder {
	p.t.Helper()
	var body io.Reader
	if form != nil {
		body = strings.NewReader(form.Encode())
	}
	req := httptest.NewRequest(method, path, body)
	req.RemoteAddr = p.addr
	if form != nil {
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	}
	for _, c := range p.cookies {
		req.AddCookie(c)
	}
	w := httptest.NewRecorder()
	p.h.ServeHTTP(w, req)
	for _, c := range w.Result().Cookies() {
		if c.MaxAge < 0 {
			delete(p.cookies, c.Name)
		} else {
			p.cookies[c.Name] = c
		}
	}
	return w
}

// login signs in at the sign-in form, as a browser does, and returns the
// status of the answer.
func (p *peer) login(name, password string) int {
	p.t.Helper()
	page := p.do("GET", "/login", nil)
	m := csrfRE.FindStringSubmatch(page.Body.String())
	if m == nil {
		p.t.Fatalf("no token on the sign-in page: %d", page.Code)
	}
	return p.do("POST", "/login", url.Values{"csrf": {m[1]}, "name": {name}, "password": {password}}).Code
}

// server is a second server over e's store, for tests that need its
// handler or its http.Server.
func (e *env) server(t *testing.T, cfg Config) *Server {
	t.Helper()
	cfg.Store = e.st
	if cfg.UploadDir == "" {
		cfg.UploadDir = t.TempDir()
	}
	s, err := New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	return s
}
