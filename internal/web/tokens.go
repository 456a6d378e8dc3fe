package web

import (
	"errors"
	"net/http"
	"time"

	"github.com/coalition/pledger/internal/ledger"
	"github.com/coalition/pledger/internal/model"
	"github.com/coalition/pledger/internal/store"
)

// tokenUser is the account of the API token of a request. The refusal of
// an expired or revoked token is written to the audit log by the store,
// with the client's address for who; the token's last use is recorded
// (a failure to record it is logged, and does not fail the request).
func (s *Server) tokenUser(r *http.Request, secret string) (store.User, error) {
	u, t, err := s.st.UseToken(store.WithActor(r.Context(), "api client "+clientIP(r)), secret)
	if err != nil {
		return u, err
	}
	if err := s.st.TouchToken(r.Context(), t); err != nil {
		s.log.Warn("token use not recorded", "token", t.ID, "err", err)
	}
	return u, nil
}

// tokenError answers a request whose token was not accepted: 401 with
// token_expired or token_revoked and a message saying when, for a token
// that exists but may no longer be used; 401 unauthenticated for an
// unknown one; a failing database is a server error.
func (s *Server) tokenError(w http.ResponseWriter, r *http.Request, err error) {
	var refused *store.TokenRefused
	switch {
	case errors.As(err, &refused):
		s.log.Warn("api token refused", "token", refused.Token.ID, "user", refused.Token.User, "reason", refused.Reason, "ip", clientIP(r))
		var b apiErrorBody
		b.Error.Code, b.Error.Message = "token_"+refused.Reason, refused.Error()
		// RFC 6750, 3.1.
		w.Header().Set("WWW-Authenticate", `Bearer error="invalid_token", error_description="token `+refused.Reason+`"`)
		writeJSON(w, http.StatusUnauthorized, mustJSON(b))
	case errors.Is(err, ledger.ErrNotFound):
		s.apiError(w, r, errUnauthenticated)
	default:
		s.apiError(w, r, err)
	}
}

// tokenRow is a token as the pages show it.
type tokenRow struct {
	store.Token
	State                               string // active, expired, revoked
	Created, Expires, LastUsed, Revoked string // "" for none
	Why                                 string // why it was revoked, in the page's language
	Revoke                              string // where its revoke button posts; "" when not active
}

// whyKeys are the words for store.Token.RevokedWhy.
var whyKeys = map[string]string{
	store.RevokedByHand:   "ui.tokens.why.hand",
	store.RevokedPassword: "ui.tokens.why.password",
	store.RevokedDisabled: "ui.tokens.why.disabled",
}

// stamp writes a stored time for a page: to the minute, in UTC.
func stamp(stored string) string {
	t, err := time.Parse(ledger.TimeLayout, stored)
	if err != nil {
		return stored
	}
	return t.Format("2006-01-02 15:04") + " UTC"
}

func (s *Server) tokenRows(ts []store.Token, revokeBase string, l *model.Lang) []tokenRow {
	rows := make([]tokenRow, len(ts))
	for i, t := range ts {
		rows[i] = tokenRow{Token: t, State: s.st.TokenState(t), Created: stamp(t.CreatedAt)}
		if t.ExpiresAt != "" {
			rows[i].Expires = stamp(t.ExpiresAt)
		}
		if t.LastUsedAt != "" {
			rows[i].LastUsed = stamp(t.LastUsedAt)
		}
		if t.RevokedAt != "" {
			rows[i].Revoked, rows[i].Why = stamp(t.RevokedAt), t.RevokedWhy
			if k, ok := whyKeys[t.RevokedWhy]; ok {
				rows[i].Why = l.T(k)
			}
		}
		if rows[i].State == store.TokenActive {
			rows[i].Revoke = revokeBase + pathEscape(t.ID) + "/revoke"
		}
	}
	return rows
}

type tokensData struct {
	pageData
	Name   string
	Tokens []tokenRow
}

// userTokens lists an account's API tokens for an administrator, with a
// revoke button for each live one.
func (s *Server) userTokens(w http.ResponseWriter, r *http.Request, p *principal) {
	name := r.PathValue("name")
	ts, err := s.st.Tokens(r.Context(), name)
	if err != nil {
		s.errorPage(w, r, p, err)
		return
	}
	d := &tokensData{pageData: pageData{Title: p.lang.T("ui.tokens.of", name)}, Name: name,
		Tokens: s.tokenRows(ts, "/users/"+pathEscape(name)+"/tokens/", p.lang)}
	s.fill(&d.pageData, p)
	d.Flash = revokedFlash(r, p, ts)
	s.render(w, r, http.StatusOK, "tokens", d)
}

// userTokenRevoke revokes one of an account's tokens (an administrator).
func (s *Server) userTokenRevoke(w http.ResponseWriter, r *http.Request, p *principal) {
	name := r.PathValue("name")
	t, ok := s.revoke(w, r, p, name)
	if !ok {
		return
	}
	http.Redirect(w, r, "/users/"+pathEscape(name)+"/tokens?revoked="+pathEscape(t.ID), http.StatusSeeOther)
}

// revoke revokes the token of the request's path (of owner); false when
// it answered the request with an error page.
func (s *Server) revoke(w http.ResponseWriter, r *http.Request, p *principal, owner string) (store.Token, bool) {
	id, err := store.ParseTokenID(r.PathValue("id"))
	if err != nil {
		s.errorPage(w, r, p, err)
		return store.Token{}, false
	}
	t, revoked, err := s.st.RevokeToken(r.Context(), id, owner)
	if err != nil {
		s.errorPage(w, r, p, err)
		return store.Token{}, false
	}
	if revoked {
		s.audit(r.Context(), p, "token revoke", "token", t.ID, "owner", t.User)
	}
	return t, true
}

// revokedFlash is the message after a revocation (?revoked=ID), when ID
// is one of ts and revoked.
func revokedFlash(r *http.Request, p *principal, ts []store.Token) string {
	id := r.URL.Query().Get("revoked")
	for _, t := range ts {
		if id != "" && t.ID == id && t.RevokedAt != "" {
			return p.lang.T("ui.tokens.revoked", id)
		}
	}
	return ""
}
