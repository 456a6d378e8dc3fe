package web

import (
	"net/http"
	"strings"

	"github.com/coalition/pledger/internal/access"
	"github.com/coalition/pledger/internal/ledger"
	"github.com/coalition/pledger/internal/store"
)

type usersData struct {
	pageData
	Users    []store.User
	Roles    []access.Role
	Problems []string
	Values   map[string]string
	Active   map[string]int // live API tokens by user
}

func (s *Server) usersList(w http.ResponseWriter, r *http.Request, p *principal) {
	s.showUsers(w, r, p, http.StatusOK, nil, nil)
}

func (s *Server) showUsers(w http.ResponseWriter, r *http.Request, p *principal, status int, problems []string, values map[string]string) {
	us, err := s.st.Users(r.Context())
	if err != nil {
		s.errorPage(w, r, p, err)
		return
	}
	ts, err := s.st.Tokens(r.Context(), "")
	if err != nil {
		s.errorPage(w, r, p, err)
		return
	}
	active := map[string]int{}
	for _, t := range ts {
		if s.st.TokenState(t) == store.TokenActive {
			active[t.User]++
		}
	}
	d := &usersData{pageData: pageData{Title: p.lang.T("ui.users.title")}, Users: us, Roles: access.Roles, Problems: problems, Values: values, Active: active}
	s.fill(&d.pageData, p)
	s.render(w, r, status, "users", d)
}

func (s *Server) userAdd(w http.ResponseWriter, r *http.Request, p *principal) {
	name, roleS, pw := strings.TrimSpace(r.PostFormValue("name")), r.PostFormValue("role"), r.PostFormValue("password")
	values := map[string]string{"name": name, "role": roleS}
	fail := func(err error) { s.showUsers(w, r, p, status(err), []string{phraseError(p.lang, err)}, values) }
	if err := access.CheckName(name); err != nil {
		fail(err)
		return
	}
	role, err := access.ParseRole(roleS)
	if err != nil {
		fail(err)
		return
	}
	hash, err := access.HashPassword(pw)
	if err != nil {
		fail(err)
		return
	}
	if err := s.st.AddUser(r.Context(), name, role, hash); err != nil {
		fail(err)
		return
	}
	s.audit(r.Context(), p, "user add", "name", name, "role", role)
	http.Redirect(w, r, "/users", http.StatusSeeOther)
}

func (s *Server) userSet(w http.ResponseWriter, r *http.Request, p *principal) {
	name := r.PathValue("name")
	role, err := access.ParseRole(r.PostFormValue("role"))
	if err != nil {
		s.showUsers(w, r, p, status(err), []string{phraseError(p.lang, err)}, nil)
		return
	}
	hash := ""
	if pw := r.PostFormValue("password"); pw != "" {
		if hash, err = access.HashPassword(pw); err != nil {
			s.showUsers(w, r, p, status(err), []string{phraseError(p.lang, err)}, nil)
			return
		}
	}
	disabled := r.PostFormValue("disabled") == "on"
	if name == p.user.Name && (disabled || role != access.Admin) {
		s.showUsers(w, r, p, http.StatusBadRequest, []string{p.lang.T("ui.users.self")}, nil)
		return
	}
	if err := s.st.SetUser(r.Context(), name, role, hash, disabled); err != nil {
		s.showUsers(w, r, p, status(err), []string{phraseError(p.lang, err)}, nil)
		return
	}
	s.audit(r.Context(), p, "user set", "name", name, "role", role, "disabled", disabled, "password_changed", hash != "")
	http.Redirect(w, r, "/users", http.StatusSeeOther)
}

type partiesData struct {
	pageData
	Parties  []ledger.Party
	Problems []string
	Values   map[string]string
}

func (s *Server) partiesList(w http.ResponseWriter, r *http.Request, p *principal) {
	s.showParties(w, r, p, http.StatusOK, nil, nil)
}

func (s *Server) showParties(w http.ResponseWriter, r *http.Request, p *principal, status int, problems []string, values map[string]string) {
	ps, err := s.st.Parties(r.Context())
	if err != nil {
		s.errorPage(w, r, p, err)
		return
	}
	d := &partiesData{pageData: pageData{Title: p.lang.T("ui.parties.title")}, Parties: ps, Problems: problems, Values: values}
	s.fill(&d.pageData, p)
	s.render(w, r, status, "parties", d)
}

func (s *Server) partyAdd(w http.ResponseWriter, r *http.Request, p *principal) {
	values := map[string]string{"code": r.PostFormValue("code"), "name": r.PostFormValue("name")}
	party, err := ledger.NewParty(values["code"], values["name"])
	if err == nil {
		err = s.st.AddParty(r.Context(), party, p.user.Name)
	}
	if err != nil {
		s.showParties(w, r, p, status(err), splitLines(phraseError(p.lang, err)), values)
		return
	}
	s.audit(r.Context(), p, "party add", "code", party.Code)
	http.Redirect(w, r, "/parties", http.StatusSeeOther)
}
