// Package web is pledger's web app and JSON API: server-rendered pages
// (html/template, working without JavaScript) for finance officers,
// analysts and viewers, and /api/v1 for programs. Handlers only translate
// HTTP into the same domain and store calls the CLI makes: validation is
// ledger.ParseEntry, reports are report.Run, charts are internal/chart.
//
// Every route is registered in routes(); who may call it is said there.
package web

import (
	"context"
	"crypto/ed25519"
	"embed"
	"errors"
	"fmt"
	"html/template"
	"io/fs"
	"log/slog"
	"net/http"
	"path/filepath"
	"strings"
	"sync"
	"time"

	"github.com/coalition/pledger/internal/ledger"
	"github.com/coalition/pledger/internal/money"
	"github.com/coalition/pledger/internal/store"
)

//go:embed templates/*.html
var templateFS embed.FS

//go:embed openapi.json
var openAPI []byte

// Config configures a Server.
type Config struct {
	Store      *store.Store
	Log        *slog.Logger  // audit and errors; nil: discard
	MaxUpload  int64         // bytes; 0: 20 MB
	Secure     bool          // served over TLS: cookies are Secure
	SessionTTL time.Duration // 0: 12 hours
	// UploadDir is where import previews wait for their commit; "": a
	// directory of this server's own in the system's temp directory,
	// removed by Close (see uploads.go).
	UploadDir string
	Timeouts  Timeouts // see timeouts.go
	// VerifyEvery is how often the server verifies the whole ledger (and
	// once at start); 0: every 6 hours; negative: never.
	VerifyEvery time.Duration
	// SigningKey, when set, signs a checkpoint of the ledger's state each
	// time a dashboard is published.
	SigningKey ed25519.PrivateKey
	// CacheBytes bounds the cache of computed reports, charts and
	// dashboards (see reportcache.go); 0: DefaultCacheBytes; negative: no
	// cache.
	CacheBytes int64
}

// Server serves the web app and the API.
type Server struct {
	cfg     Config
	st      *store.Store
	log     *slog.Logger
	pages   map[string]*template.Template
	limiter *limiter
	mu      sync.Mutex // guards uploads
	uploads map[string]upload
	// ownUploadDir: the upload directory is the server's own, removed by
	// Close.
	ownUploadDir bool
	cache        *reportCache
}

// New checks the templates (a broken one stops start-up) and returns a
// server.
func New(cfg Config) (*Server, error) {
	if cfg.MaxUpload == 0 {
		cfg.MaxUpload = 20 << 20
	}
	if cfg.SessionTTL == 0 {
		cfg.SessionTTL = 12 * time.Hour
	}
	if cfg.Log == nil {
		cfg.Log = slog.New(slog.NewTextHandler(discard{}, nil))
	}
	s := &Server{cfg: cfg, st: cfg.Store, log: cfg.Log, limiter: newLimiter(defaultLimits), uploads: map[string]upload{}}
	s.cache = newReportCache(cacheSize(cfg.CacheBytes))
	if err := s.parseTemplates(); err != nil {
		return nil, err
	}
	if err := s.openUploads(); err != nil {
		return nil, fmt.Errorf("web.New: %w", err)
	}
	return s, nil
}

type discard struct{}

func (discard) Write(p []byte) (int, error) { return len(p), nil }

// parseTemplates parses every page with the layout, once.
func (s *Server) parseTemplates() error {
	names, err := fs.Glob(templateFS, "templates/*.html")
	if err != nil {
		return err
	}
	s.pages = map[string]*template.Template{}
	for _, n := range names {
		base := filepath.Base(n)
		if base == "layout.html" {
			continue
		}
		t, err := template.New("layout.html").Funcs(funcs).ParseFS(templateFS, "templates/layout.html", n)
		if err != nil {
			return fmt.Errorf("web: template %s: %w", base, err)
		}
		s.pages[strings.TrimSuffix(base, ".html")] = t
	}
	return nil
}

var funcs = template.FuncMap{
	"pathEscape": func(s string) string { return strings.ReplaceAll(template.URLQueryEscaper(s), "+", "%20") },
	"join":       strings.Join,
}

// Handler returns the server's routes.
func (s *Server) Handler() http.Handler { return s.routes() }

// ListenAndServe serves on addr until ctx ends, then shuts down
// gracefully: requests in flight finish (each write is one transaction,
// so nothing is left half-written), and the server closes (Close).
func (s *Server) ListenAndServe(ctx context.Context, addr, certFile, keyFile string) error {
	defer s.Close()
	srv := s.HTTPServer(addr)
	vctx, stopVerify := context.WithCancel(ctx)
	defer stopVerify()
	go s.verifyLoop(vctx)
	errc := make(chan error, 1)
	go func() {
		if certFile != "" {
			errc <- srv.ListenAndServeTLS(certFile, keyFile)
		} else {
			errc <- srv.ListenAndServe()
		}
	}()
	select {
	case err := <-errc:
		return err
	case <-ctx.Done():
	}
	s.log.Info("shutting down", "addr", addr)
	sctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	if err := srv.Shutdown(sctx); err != nil {
		return err
	}
	if err := <-errc; err != nil && !errors.Is(err, http.ErrServerClosed) {
		return err
	}
	return nil
}

// verifyLoop verifies the whole ledger at start and then every
// cfg.VerifyEvery, until ctx ends: a report checks only what was recorded
// since the last verified state, so a change behind pledger's back to an
// older fact is found here (and banners every page, and refuses reports).
func (s *Server) verifyLoop(ctx context.Context) {
	every := s.cfg.VerifyEvery
	if every < 0 {
		return
	}
	if every == 0 {
		every = 6 * time.Hour
	}
	for {
		res, err := s.st.Verify(ctx, store.VerifyOptions{})
		switch {
		case ctx.Err() != nil:
			return
		case err != nil:
			s.log.Error("verify", "err", err)
		default:
			s.log.Info("verify", "state", res.State, "revisions", res.Revisions, "rates", res.Rates, "checkpoints", res.Checkpoints)
		}
		select {
		case <-ctx.Done():
			return
		case <-time.After(every):
		}
	}
}

// status maps an error to an HTTP status, in one place.
func status(err error) int {
	var mbe *http.MaxBytesError
	switch {
	case errors.Is(err, ledger.ErrTampered):
		return http.StatusConflict
	case errors.Is(err, money.ErrNoRate):
		// The request is fine, but the ledger lacks a rate it needs:
		// recording the rate (or asking another valuation) fixes it.
		return http.StatusUnprocessableEntity
	case errors.As(err, &mbe):
		return http.StatusRequestEntityTooLarge
	case errors.Is(err, ledger.ErrInvalid):
		return http.StatusBadRequest
	case errors.Is(err, ledger.ErrNotFound):
		return http.StatusNotFound
	case errors.Is(err, ledger.ErrConflict):
		return http.StatusConflict
	case errors.Is(err, errForbidden):
		return http.StatusForbidden
	case errors.Is(err, errUnauthenticated):
		return http.StatusUnauthorized
	}
	return http.StatusInternalServerError
}

// code is the stable API error code of an error.
func code(err error) string {
	if errors.Is(err, ledger.ErrTampered) {
		return "ledger_tampered"
	}
	if errors.Is(err, money.ErrNoRate) {
		return "missing_rate"
	}
	switch status(err) {
	case http.StatusBadRequest:
		return "invalid"
	case http.StatusNotFound:
		return "not_found"
	case http.StatusConflict:
		return "conflict"
	case http.StatusForbidden:
		return "forbidden"
	case http.StatusUnauthorized:
		return "unauthenticated"
	case http.StatusRequestEntityTooLarge:
		return "too_large"
	}
	return "internal"
}

var (
	errForbidden       = errors.New("forbidden")
	errUnauthenticated = errors.New("not signed in")
)
