package web

import (
	"context"
	"crypto/subtle"
	"errors"
	"net"
	"net/http"
	"strings"
	"sync"
	"time"

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

// limiter counts failed logins per key (user name, client address) in a
// sliding window; past max, logins for that key wait out the window.
type limiter struct {
	mu     sync.Mutex
	max    int
	window time.Duration
	fails  map[string][]time.Time
}

func newLimiter(max int, window time.Duration) *limiter {
	return &limiter{max: max, window: window, fails: map[string][]time.Time{}}
}

// blocked reports whether key is locked out, and until when.
func (l *limiter) blocked(key string, now time.Time) (bool, time.Time) {
	l.mu.Lock()
	defer l.mu.Unlock()
	recent := l.fails[key][:0]
	for _, t := range l.fails[key] {
		if now.Sub(t) < l.window {
			recent = append(recent, t)
		}
	}
	l.fails[key] = recent
	if len(recent) >= l.max {
		return true, recent[0].Add(l.window)
	}
	return false, time.Time{}
}

func (l *limiter) fail(key string, now time.Time) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.fails[key] = append(l.fails[key], now)
}

func (l *limiter) reset(key string) {
	l.mu.Lock()
	defer l.mu.Unlock()
	delete(l.fails, key)
}

func clientIP(r *http.Request) string {
	host, _, err := net.SplitHostPort(r.RemoteAddr)
	if err != nil {
		return r.RemoteAddr
	}
	return host
}

type loginData struct {
	pageData
	Name, Next, Error string
}

func (s *Server) loginPage(w http.ResponseWriter, r *http.Request) {
	l := langOf(r, "")
	s.render(w, r, http.StatusOK, "login", &loginData{pageData: pageData{Title: l.T("ui.signin"), L: l}, Next: safeNext(r.URL.Query().Get("next"))})
}

// safeNext keeps a post-login redirect on this site.
func safeNext(next string) string {
	if !strings.HasPrefix(next, "/") || strings.HasPrefix(next, "//") || strings.Contains(next, "\\") {
		return "/"
	}
	return next
}

// login checks the password, rate-limited per user name and per client
// address, and starts a new session (a new id at every login: a session id
// planted before login is never promoted).
func (s *Server) login(w http.ResponseWriter, r *http.Request) {
	r.Body = http.MaxBytesReader(w, r.Body, 64<<10)
	name, pw := strings.TrimSpace(r.PostFormValue("name")), r.PostFormValue("password")
	next := safeNext(r.PostFormValue("next"))
	now := time.Now()
	ip := clientIP(r)
	l := langOf(r, "")
	data := &loginData{pageData: pageData{Title: l.T("ui.signin"), L: l}, Name: name, Next: next}
	for _, key := range []string{"user:" + name, "ip:" + ip} {
		if locked, until := s.limiter.blocked(key, now); locked {
			s.log.Warn("login locked out", "user", name, "ip", ip)
			w.Header().Set("Retry-After", until.Sub(now).Round(time.Second).String())
			data.Error = l.T("ui.login.locked", until.UTC().Format("15:04")+" UTC")
			s.render(w, r, http.StatusTooManyRequests, "login", data)
			return
		}
	}
	u, err := s.st.User(r.Context(), name)
	ok := false
	if err == nil && !u.Disabled {
		ok = access.CheckPassword(u.PasswordHash, pw)
	} else {
		access.CheckNoUser(pw)
	}
	if !ok {
		s.limiter.fail("user:"+name, now)
		s.limiter.fail("ip:"+ip, now)
		s.log.Warn("login failed", "user", name, "ip", ip)
		data.Error = l.T("ui.login.wrong")
		s.render(w, r, http.StatusUnauthorized, "login", data)
		return
	}
	s.limiter.reset("user:" + name)
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
