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
}

func (d *pageData) base() *pageData { return d }

type page interface{ base() *pageData }

func (s *Server) fill(d *pageData, p *principal) {
	if p == nil {
		return
	}
	d.User, d.Role, d.CSRF = p.user.Name, string(p.user.Role), p.csrf
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
	w.Header().Set("Content-Security-Policy", "default-src 'self'; script-src 'self' 'unsafe-inline'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; frame-ancestors 'none'")
	w.Header().Set("X-Content-Type-Options", "nosniff")
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
	d := &errorData{pageData: pageData{Title: http.StatusText(st)}, Status: st}
	s.fill(&d.pageData, p)
	var ps *ledger.Problems
	var mbe *http.MaxBytesError
	switch {
	case errors.As(err, &mbe):
		d.Message = "The upload is too large: the limit is " + humanBytes(s.cfg.MaxUpload) + ". Split the file, or ask an administrator to raise the server's upload limit."
	case errors.As(err, &ps):
		d.Message = "The input has problems:"
		d.Lines = strings.Split(phraseError(ps), "\n")
	case st == http.StatusForbidden:
		d.Message = "Your role does not allow this, or the form expired: go back, reload the page and try again."
	case st == http.StatusUnauthorized:
		d.Message = "Sign in first."
	case st == http.StatusInternalServerError:
		s.log.Error("request failed", "path", r.URL.Path, "err", err)
		d.Message = "Something went wrong on the server; nothing was saved."
	default:
		d.Message = phraseError(err)
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
