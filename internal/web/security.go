package web

import (
	"embed"
	"net/http"
	"strings"
	"sync"

	"github.com/coalition/pledger/internal/chart"
)

// This file is the web app's transport hardening, in one place: the
// headers every response carries and the scripts the pages may run
// (timeouts.go: how long a client may take).

//go:embed static/*.js
var staticFS embed.FS

// contentSecurityPolicy is the policy of every response. No inline script
// runs: the pages' own script is /static/app.js, served from the binary;
// a chart page's two inline scripts (ECharts and its drawing script, the
// same bytes on every page) are allowed by their hashes, and its data is a
// JSON block, which is never run. Styles may be inline (the pages' <style>
// and the sizes ECharts sets), which runs no code.
// It is worked out when first sent: hashing ECharts is no cost for a
// command that serves nothing.
var contentSecurityPolicy = sync.OnceValue(func() string {
	return "default-src 'self'; script-src 'self' " + strings.Join(chart.ScriptHashes(), " ") +
		"; style-src 'self' 'unsafe-inline'; img-src 'self' data:; object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'"
})

// secure sets the security headers of every response (pages, reports,
// charts, downloads, the API, errors).
func (s *Server) secure(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		h := w.Header()
		h.Set("Content-Security-Policy", contentSecurityPolicy())
		h.Set("X-Content-Type-Options", "nosniff")
		h.Set("X-Frame-Options", "DENY")
		h.Set("Referrer-Policy", "no-referrer")
		h.Set("Cross-Origin-Opener-Policy", "same-origin")
		if !strings.HasPrefix(r.URL.Path, "/static/") {
			// Pages show the ledger to the signed-in user and the API
			// answers for a token: nothing is kept by a browser or a proxy.
			h.Set("Cache-Control", "no-store")
		}
		if s.cfg.Secure || r.TLS != nil {
			h.Set("Strict-Transport-Security", "max-age=31536000")
		}
		next.ServeHTTP(w, r)
	})
}

// staticFile serves the pages' script from the binary.
func (s *Server) staticFile(w http.ResponseWriter, r *http.Request) {
	b, err := staticFS.ReadFile("static/" + r.PathValue("file"))
	if err != nil {
		http.NotFound(w, r)
		return
	}
	w.Header().Set("Content-Type", "text/javascript; charset=utf-8")
	w.Header().Set("Cache-Control", "public, max-age=3600")
	w.Write(b)
}
