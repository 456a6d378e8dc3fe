package web

import (
	"bytes"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strings"

	"github.com/coalition/pledger/internal/access"
	"github.com/coalition/pledger/internal/ledger"
	"github.com/coalition/pledger/internal/model"
)

// pageData is what every page's layout needs.
type pageData struct {
	Title string
	User  string
	Role  string
	CSRF  string
	Can   map[string]bool // write, read, publish, admin
	Flash string
	// Tampered is why the ledger failed verification, for the banner on
	// every page; "" when it verified.
	Tampered string
	// L is the language of the page (see lang.go); Here the page's address,
	// where the language selector comes back to.
	L     *model.Lang
	Here  string
	Langs []struct{ Code, Name string }
}

func (d *pageData) base() *pageData { return d }

type page interface{ base() *pageData }

func (s *Server) fill(d *pageData, p *principal) {
	if p == nil {
		return
	}
	d.User, d.Role, d.CSRF, d.L = p.user.Name, string(p.user.Role), p.csrf, p.lang
	d.Can = map[string]bool{
		"read":    p.user.Role.Can(access.ReadLedger),
		"write":   p.user.Role.Can(access.WriteLedger),
		"publish": p.user.Role.Can(access.Publish),
		"admin":   p.user.Role.Can(access.ManageUsers),
	}
}

// render writes a page, buffered so that a template error never leaves
// half a page.
func (s *Server) render(w http.ResponseWriter, r *http.Request, status int, name string, data page) {
	t := s.pages[name]
	if d := data.base(); d.L == nil {
		d.L = langOf(r, "")
	}
	data.base().Here, data.base().Langs = r.URL.RequestURI(), languageNames
	if r.Method != http.MethodGet {
		data.base().Here = r.URL.Path
	}
	if st, err := s.st.Status(r.Context()); err == nil && !st.OK() {
		data.base().Tampered = strings.TrimPrefix(st.Failure, ledger.ErrTampered.Error()+": ")
	}
	var buf bytes.Buffer
	if err := t.Execute(&buf, data); err != nil {
		s.log.Error("template", "page", name, "err", err)
		http.Error(w, "internal error", http.StatusInternalServerError)
		return
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.WriteHeader(status)
	w.Write(buf.Bytes())
}

type errorData struct {
	pageData
	Status  int
	Message string
	Lines   []string
}

// errorPage shows err with the status it maps to.
func (s *Server) errorPage(w http.ResponseWriter, r *http.Request, p *principal, err error) {
	st := status(err)
	l := langOf(r, "")
	if p != nil {
		l = p.lang
	}
	title := http.StatusText(st)
	if key := fmt.Sprintf("ui.status.%d", st); l.Has(key) {
		title = l.T(key)
	}
	d := &errorData{pageData: pageData{Title: title, L: l}, Status: st}
	s.fill(&d.pageData, p)
	var ps *ledger.Problems
	var mbe *http.MaxBytesError
	switch {
	case errors.As(err, &mbe):
		d.Message = l.T("ui.error.toolarge", humanBytes(s.cfg.MaxUpload))
	case errors.As(err, &ps):
		d.Message = l.T("ui.error.problems")
		d.Lines = strings.Split(phraseError(l, ps.Capped(maxPreviewProblems)), "\n")
	case st == http.StatusForbidden:
		d.Message = l.T("ui.error.forbidden")
	case st == http.StatusUnauthorized:
		d.Message = l.T("ui.error.signin")
	case st == http.StatusInternalServerError:
		s.log.Error("request failed", "path", r.URL.Path, "err", err)
		d.Message = l.T("ui.error.internal")
	default:
		d.Message = phraseError(l, err)
	}
	s.render(w, r, st, "error", d)
}

func humanBytes(n int64) string {
	if n%(1<<20) == 0 {
		return fmt.Sprintf("%d MB", n>>20)
	}
	return fmt.Sprintf("%d bytes", n)
}

func pathEscape(s string) string { return url.QueryEscape(s) }

type homeData struct{ pageData }

func (s *Server) home(w http.ResponseWriter, r *http.Request, p *principal) {
	if !p.user.Role.Can(access.ReadLedger) {
		http.Redirect(w, r, "/published", http.StatusSeeOther)
		return
	}
	http.Redirect(w, r, "/entries", http.StatusSeeOther)
}
