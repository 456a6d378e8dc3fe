package web

import (
	"context"
	"crypto/subtle"
	"errors"
	"math"
	"net"
	"net/http"
	"net/netip"
	"net/url"
	"strconv"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/coalition/pledger/internal/access"
	"github.com/coalition/pledger/internal/ledger"
	"github.com/coalition/pledger/internal/model"
	"github.com/coalition/pledger/internal/store"
)

const sessionCookie = "pledger_session"

// principal is who is making a request.
type principal struct {
	user    store.User
	csrf    string      // browser sessions only
	session string      // the session id (browser sessions only)
	lang    *model.Lang // the language of the pages and of the notation of forms
}

type handler func(w http.ResponseWriter, r *http.Request, p *principal)

// page guards a browser route: no session redirects to the login page, a
// role without perm gets 403, and every POST must carry the session's CSRF
// token.
func (s *Server) page(perm access.Permission, h handler) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		p, err := s.sessionPrincipal(r)
		if err != nil && !errors.Is(err, errUnauthenticated) {
			s.errorPage(w, r, nil, err)
			return
		}
		if err != nil {
			if r.Method == http.MethodGet {
				http.Redirect(w, r, "/login?next="+pathEscape(r.URL.RequestURI()), http.StatusSeeOther)
				return
			}
			s.errorPage(w, r, nil, errUnauthenticated)
			return
		}
		if !p.user.Role.Can(perm) {
			s.errorPage(w, r, p, errForbidden)
			return
		}
		if r.Method == http.MethodPost {
			r.Body = http.MaxBytesReader(w, r.Body, s.cfg.MaxUpload)
			if err := r.ParseMultipartForm(1 << 20); err != nil && !errors.Is(err, http.ErrNotMultipart) {
				s.errorPage(w, r, p, err)
				return
			}
			if subtle.ConstantTimeCompare([]byte(r.PostFormValue("csrf")), []byte(p.csrf)) != 1 {
				s.log.Warn("csrf rejected", "user", p.user.Name, "path", r.URL.Path)
				s.errorPage(w, r, p, errForbidden)
				return
			}
		}
		h(w, r.WithContext(store.WithActor(r.Context(), p.user.Name)), p)
	}
}

func (s *Server) sessionPrincipal(r *http.Request) (*principal, error) {
	c, err := r.Cookie(sessionCookie)
	if err != nil || c.Value == "" {
		return nil, errUnauthenticated
	}
	sess, err := s.st.SessionUser(r.Context(), c.Value)
	switch {
	case errors.Is(err, ledger.ErrNotFound):
		return nil, errUnauthenticated
	case err != nil: // a failing database is not a bad session
		return nil, err
	}
	return &principal{user: sess.User, csrf: sess.CSRF, session: c.Value, lang: langOf(r, sess.User.Lang)}, nil
}

// api guards an API route: a bearer token (pledger token create) or a
// browser session; 401 without either or with an expired or revoked token
// (tokens.go), 403 for a role without perm. Token requests need no CSRF
// token (a browser never sends the header on its own); session requests
// that write must carry X-CSRF-Token.
func (s *Server) api(perm access.Permission, h handler) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		var p *principal
		if auth := r.Header.Get("Authorization"); strings.HasPrefix(auth, "Bearer ") {
			u, err := s.tokenUser(r, strings.TrimPrefix(auth, "Bearer "))
			if err != nil { // unknown, expired or revoked: 401; a failing database is not a bad token
				s.tokenError(w, r, err)
				return
			}
			p = &principal{user: u, lang: langOf(r, u.Lang)}
		} else {
			sp, err := s.sessionPrincipal(r)
			if err != nil {
				s.apiError(w, r, err) // errUnauthenticated, or a failing database
				return
			}
			if r.Method != http.MethodGet && subtle.ConstantTimeCompare([]byte(r.Header.Get("X-CSRF-Token")), []byte(sp.csrf)) != 1 {
				s.apiError(w, r, errForbidden)
				return
			}
			p = sp
		}
		if !p.user.Role.Can(perm) {
			s.apiError(w, r, errForbidden)
			return
		}
		r.Body = http.MaxBytesReader(w, r.Body, s.cfg.MaxUpload)
		h(w, r.WithContext(store.WithActor(r.Context(), p.user.Name)), p)
	}
}

// clientIP is the address a request comes from, as the limiter counts it:
// the TCP peer (pledger serve faces the clients; behind a proxy, every
// client is the proxy), an IPv6 address by its /64 network (one client
// holds a whole /64).
func clientIP(r *http.Request) string {
	host, _, err := net.SplitHostPort(r.RemoteAddr)
	if err != nil {
		host = r.RemoteAddr
	}
	a, err := netip.ParseAddr(host)
	if err != nil {
		return host
	}
	a = a.Unmap()
	if a.Is6() {
		p, _ := a.Prefix(64)
		return p.String()
	}
	return a.String()
}

type loginData struct {
	pageData
	Name, Next, Error string
}

// loginCookie carries the sign-in form's CSRF token before there is a
// session (a double-submit cookie): a form posted from another site
// cannot know it, so nobody can sign a browser in to an account of their
// choosing.
const loginCookie = "pledger_login"

// loginToken returns the request's sign-in token, or a new one, and sets
// it in the cookie the form is checked against.
func (s *Server) loginToken(w http.ResponseWriter, r *http.Request) string {
	tok := ""
	if c, err := r.Cookie(loginCookie); err == nil && strings.HasPrefix(c.Value, "l_") && len(c.Value) < 100 {
		tok = c.Value
	} else {
		tok, _ = access.NewSecret("l_")
	}
	http.SetCookie(w, &http.Cookie{Name: loginCookie, Value: tok, Path: "/login", HttpOnly: true, Secure: s.cfg.Secure,
		SameSite: http.SameSiteStrictMode, MaxAge: int((24 * time.Hour).Seconds())})
	return tok
}

// loginTokenOK checks the posted sign-in token against the cookie's.
func loginTokenOK(r *http.Request) bool {
	c, err := r.Cookie(loginCookie)
	if err != nil || c.Value == "" {
		return false
	}
	return subtle.ConstantTimeCompare([]byte(r.PostFormValue("csrf")), []byte(c.Value)) == 1
}

// renderLogin shows the sign-in form, with a token.
func (s *Server) renderLogin(w http.ResponseWriter, r *http.Request, status int, d *loginData) {
	d.CSRF = s.loginToken(w, r)
	s.render(w, r, status, "login", d)
}

func (s *Server) loginPage(w http.ResponseWriter, r *http.Request) {
	l := langOf(r, "")
	s.renderLogin(w, r, http.StatusOK, &loginData{pageData: pageData{Title: l.T("ui.signin"), L: l}, Next: safeNext(r.URL.Query().Get("next"))})
}

// safeNext keeps a post-login redirect on this site: a local path (one
// "/", then not "/" or "\"), with no control character and no backslash,
// also once percent-decoded (and decoded again), and with neither scheme
// nor host as net/url reads it. Anything else goes to "/".
func safeNext(next string) string {
	if next == "" || len(next) > 4096 {
		return "/"
	}
	for s, i := next, 0; ; i++ {
		if !localPath(s) {
			return "/"
		}
		dec, err := url.PathUnescape(s)
		if err != nil || i == 4 {
			return "/" // not decodable, or encoded over and over
		}
		if dec == s {
			break
		}
		s = dec
	}
	u, err := url.Parse(next)
	if err != nil || u.Scheme != "" || u.Host != "" || u.User != nil || u.Opaque != "" || !localPath(u.Path) {
		return "/"
	}
	return next
}

// localPath reports whether s is a path on this site as a browser reads a
// Location: it starts with one "/" and holds no control character, no
// backslash and no space other than " " (browsers drop tabs and line
// breaks from a URL, and read "\" as "/").
func localPath(s string) bool {
	if len(s) == 0 || s[0] != '/' || len(s) > 1 && (s[1] == '/' || s[1] == '\\') {
		return false
	}
	for _, c := range s {
		if c == '\\' || c == utf8.RuneError || unicode.IsControl(c) || unicode.IsSpace(c) && c != ' ' || unicode.Is(unicode.Cf, c) {
			return false
		}
	}
	return true
}

// login checks the password and starts a new session (a new id at every
// login: a session id planted before login is never promoted). The form
// must carry the sign-in token (loginCookie). Attempts are limited per
// user and address, per address and per user (see limiter): an attempt
// is reserved before the password is checked, so parallel attempts count
// too.
func (s *Server) login(w http.ResponseWriter, r *http.Request) {
	r.Body = http.MaxBytesReader(w, r.Body, 64<<10)
	name, pw := strings.TrimSpace(r.PostFormValue("name")), r.PostFormValue("password")
	next := safeNext(r.PostFormValue("next"))
	now := time.Now()
	ip := clientIP(r)
	l := langOf(r, "")
	data := &loginData{pageData: pageData{Title: l.T("ui.signin"), L: l}, Name: name, Next: next}
	if !loginTokenOK(r) {
		s.log.Warn("login csrf rejected", "user", name, "ip", ip)
		data.Error = l.T("ui.login.expired")
		s.renderLogin(w, r, http.StatusForbidden, data)
		return
	}
	try, until, ok := s.limiter.begin(name, ip, now)
	if !ok {
		s.log.Warn("login locked out", "user", name, "ip", ip)
		w.Header().Set("Retry-After", strconv.Itoa(int(math.Ceil(until.Sub(now).Seconds()))))
		data.Error = l.T("ui.login.locked", until.UTC().Format("15:04")+" UTC")
		s.renderLogin(w, r, http.StatusTooManyRequests, data)
		return
	}
	u, err := s.st.User(r.Context(), name)
	ok = false
	switch {
	case err == nil && !u.Disabled:
		ok = access.CheckPassword(u.PasswordHash, pw)
	case err != nil && !errors.Is(err, ledger.ErrNotFound):
		// A failing database is not a wrong password.
		s.limiter.cancel(try)
		s.errorPage(w, r, nil, err)
		return
	default:
		access.CheckNoUser(pw)
	}
	if !ok {
		// The reserved attempt stays counted: a failure.
		s.log.Warn("login failed", "user", name, "ip", ip)
		data.Error = l.T("ui.login.wrong")
		s.renderLogin(w, r, http.StatusUnauthorized, data)
		return
	}
	s.limiter.succeeded(try, now)
	if old, err := r.Cookie(sessionCookie); err == nil {
		s.st.EndSession(r.Context(), old.Value)
	}
	id, _, err := s.st.NewSession(store.WithActor(r.Context(), u.Name), u.Name, s.cfg.SessionTTL)
	if err != nil {
		s.errorPage(w, r, nil, err)
		return
	}
	http.SetCookie(w, &http.Cookie{Name: sessionCookie, Value: id, Path: "/", HttpOnly: true, Secure: s.cfg.Secure,
		SameSite: http.SameSiteLaxMode, MaxAge: int(s.cfg.SessionTTL.Seconds())})
	http.SetCookie(w, &http.Cookie{Name: loginCookie, Value: "", Path: "/login", HttpOnly: true, Secure: s.cfg.Secure, SameSite: http.SameSiteStrictMode, MaxAge: -1})
	s.log.Info("login", "user", u.Name, "role", u.Role, "ip", ip)
	if u.Role == access.Viewer && !strings.HasPrefix(next, "/published") {
		next = "/published"
	}
	http.Redirect(w, r, next, http.StatusSeeOther)
}

func (s *Server) logout(w http.ResponseWriter, r *http.Request, p *principal) {
	s.st.EndSession(r.Context(), p.session)
	http.SetCookie(w, &http.Cookie{Name: sessionCookie, Value: "", Path: "/", HttpOnly: true, Secure: s.cfg.Secure, SameSite: http.SameSiteLaxMode, MaxAge: -1})
	s.log.Info("logout", "user", p.user.Name)
	http.Redirect(w, r, "/login", http.StatusSeeOther)
}

// audit logs a write.
func (s *Server) audit(ctx context.Context, p *principal, action string, args ...any) {
	s.log.InfoContext(ctx, "write", append([]any{"user", p.user.Name, "action", action}, args...)...)
}

var _ = ledger.ErrInvalid
