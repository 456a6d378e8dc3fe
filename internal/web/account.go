package web

import (
	"net/http"
	"time"

	"github.com/coalition/pledger/internal/access"
)

// The account page: any signed-in user changes their own password there
// (their current one required) and sees and revokes their own API tokens.

type accountData struct {
	pageData
	Name     string
	Tokens   []tokenRow
	Problems []string
	Done     []string // what a password change did
}

func (s *Server) account(w http.ResponseWriter, r *http.Request, p *principal) {
	s.showAccount(w, r, p, http.StatusOK, nil, nil)
}

func (s *Server) showAccount(w http.ResponseWriter, r *http.Request, p *principal, status int, problems, done []string) {
	ts, err := s.st.Tokens(r.Context(), p.user.Name)
	if err != nil {
		s.errorPage(w, r, p, err)
		return
	}
	d := &accountData{pageData: pageData{Title: p.lang.T("ui.account.title")}, Name: p.user.Name,
		Tokens: s.tokenRows(ts, "/account/tokens/", p.lang), Problems: problems, Done: done}
	s.fill(&d.pageData, p)
	d.Flash = revokedFlash(r, p, ts)
	s.render(w, r, status, "account", d)
}

// accountPassword changes the signed-in user's password: the current one
// is checked (failures count toward a lockout, as sign-ins do), the new
// one typed twice; their other sessions end and their API tokens are
// revoked, and the page says how many.
func (s *Server) accountPassword(w http.ResponseWriter, r *http.Request, p *principal) {
	cur, pw, again := r.PostFormValue("current"), r.PostFormValue("password"), r.PostFormValue("again")
	fail := func(status int, msg string) { s.showAccount(w, r, p, status, []string{msg}, nil) }
	key, now := "password:"+p.user.Name, time.Now()
	if locked, until := s.limiter.blocked(key, now); locked {
		w.Header().Set("Retry-After", until.Sub(now).Round(time.Second).String())
		fail(http.StatusTooManyRequests, p.lang.T("ui.account.locked", until.UTC().Format("15:04")+" UTC"))
		return
	}
	u, err := s.st.User(r.Context(), p.user.Name)
	if err != nil {
		s.errorPage(w, r, p, err)
		return
	}
	if !access.CheckPassword(u.PasswordHash, cur) {
		s.limiter.fail(key, now)
		s.log.Warn("password change: wrong current password", "user", p.user.Name, "ip", clientIP(r))
		fail(http.StatusBadRequest, p.lang.T("ui.account.wrong"))
		return
	}
	switch {
	case pw != again:
		fail(http.StatusBadRequest, p.lang.T("ui.account.differ"))
		return
	case pw == cur:
		fail(http.StatusBadRequest, p.lang.T("ui.account.same"))
		return
	}
	hash, err := access.HashPassword(pw)
	if err != nil {
		fail(status(err), phraseError(p.lang, err))
		return
	}
	s.limiter.reset(key)
	sessions, tokens, err := s.st.ChangePassword(r.Context(), p.user.Name, hash, p.session)
	if err != nil {
		s.errorPage(w, r, p, err)
		return
	}
	s.audit(r.Context(), p, "password change", "sessions_ended", sessions, "tokens_revoked", tokens)
	s.showAccount(w, r, p, http.StatusOK, nil, []string{p.lang.T("ui.account.changed"),
		p.lang.T("ui.account.sessions", p.lang.N(sessions)), p.lang.T("ui.account.tokens", p.lang.N(tokens))})
}

// accountTokenRevoke revokes one of the signed-in user's own tokens.
func (s *Server) accountTokenRevoke(w http.ResponseWriter, r *http.Request, p *principal) {
	t, ok := s.revoke(w, r, p, p.user.Name)
	if !ok {
		return
	}
	http.Redirect(w, r, "/account?revoked="+pathEscape(t.ID), http.StatusSeeOther)
}
