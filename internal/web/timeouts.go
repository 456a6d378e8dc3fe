package web

import (
	"net/http"
	"strings"
	"time"
)

// Timeouts bound how long a client may take; a zero field takes its
// default. Uploads and rendered reports (see longRoute) get Long for
// reading and writing instead of Read and Write.
type Timeouts struct {
	ReadHeader     time.Duration // the request line and headers: 10 s
	Read           time.Duration // the whole request: 1 minute
	Write          time.Duration // the whole response: 2 minutes
	Idle           time.Duration // a kept-alive connection between requests: 2 minutes
	Long           time.Duration // imports, reports, charts: 10 minutes
	MaxHeaderBytes int           // 64 kB
}

func orDefault[T time.Duration | int](v, def T) T {
	if v <= 0 {
		return def
	}
	return v
}

func (t Timeouts) long() time.Duration { return orDefault(t.Long, 10*time.Minute) }

// HTTPServer is the http.Server that ListenAndServe runs: the handler and
// the timeouts that cut off a client too slow to send its request (a
// slowloris) or to read its answer.
func (s *Server) HTTPServer(addr string) *http.Server {
	t := s.cfg.Timeouts
	return &http.Server{
		Addr:              addr,
		Handler:           s.Handler(),
		ReadHeaderTimeout: orDefault(t.ReadHeader, 10*time.Second),
		ReadTimeout:       orDefault(t.Read, time.Minute),
		WriteTimeout:      orDefault(t.Write, 2*time.Minute),
		IdleTimeout:       orDefault(t.Idle, 2*time.Minute),
		MaxHeaderBytes:    orDefault(t.MaxHeaderBytes, 64<<10),
	}
}

// deadlines gives the routes that upload or render large files (see
// longRoute) Timeouts.Long to read their request and write their answer.
func (s *Server) deadlines(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if longRoute(r) {
			d := time.Now().Add(s.cfg.Timeouts.long())
			rc := http.NewResponseController(w)
			rc.SetReadDeadline(d) // not every ResponseWriter can (tests' recorders)
			rc.SetWriteDeadline(d)
		}
		next.ServeHTTP(w, r)
	})
}

// longRoute tells the requests that may take longer than the server's
// read and write timeouts: uploads (imports) and rendered reports, charts
// and dashboards (a large ledger, a workbook to download).
func longRoute(r *http.Request) bool {
	p := r.URL.Path
	if r.Method == http.MethodPost {
		return p == "/import" || strings.HasPrefix(p, "/import/") || p == "/rates/import"
	}
	for _, prefix := range []string{"/reports/view", "/charts/", "/dashboard", "/published/", "/api/v1/reports/", "/api/v1/charts/"} {
		if strings.HasPrefix(p, prefix) {
			return true
		}
	}
	return false
}
