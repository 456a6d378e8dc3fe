package web

import (
	"net/http"
	"strconv"
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
	// Checking the current password counts like a sign-in (the same
	// limits, under a name of its own): the attempt is a failure until the
	// password is right.
	now := time.Now()
	try, until, ok := s.limiter.begin("password:"+p.user.Name, clientIP(r), now)
	if !ok {
		w.Header().Set("Retry-After", strconv.Itoa(int(until.Sub(now).Seconds()+1)))
		fail(http.StatusTooManyRequests, p.lang.T("ui.account.locked", until.UTC().Format("15:04")+" UTC"))
		return
	}
	u, err := s.st.User(r.Context(), p.user.Name)
	if err != nil {
		s.limiter.cancel(try)
		s.errorPage(w, r, p, err)
		return
	}
	if !access.CheckPassword(u.PasswordHash, cur) {
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
	s.limiter.succeeded(try, now)
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
