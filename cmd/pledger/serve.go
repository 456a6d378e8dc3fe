package main

import (
	"fmt"
	"log/slog"
	"os"
	"time"

	"github.com/coalition/pledger/internal/ledger"
	"github.com/coalition/pledger/internal/store"
	"github.com/coalition/pledger/internal/web"
	"github.com/spf13/cobra"
)

func (a *app) serveCmd() *cobra.Command {
	var addr, cert, key, signingKey string
	var maxUploadMB, cacheMB int64
	var verifyEvery time.Duration
	cmd := &cobra.Command{
		Use:   "serve",
		Short: "Serve the web app and the JSON API",
		Long: `Serve the web app (finance officers enter and correct entries, import CSV,
manage rates; analysts make reports and charts and publish dashboards; viewers see
published dashboards) and the JSON API under /api/v1 (OpenAPI at
/api/v1/openapi.json). Create the first account with pledger user add NAME --role admin.
SIGINT or SIGTERM shut it down gracefully: requests in flight finish, and import
previews waiting for their commit are removed. Logins, failed logins and every write
are logged as JSON on stderr. Failed sign-ins are limited per name and address, per
address and per name (an address the user signed in from is not locked out by failures
elsewhere); slow clients are cut off (10 s for headers); every page has a strict
Content-Security-Policy. The database's password is never printed.`,
		Example: `  pledger serve --db sqlite:pledger-demo/pledger.db
  pledger serve --db sqlite:pledger.db --cache 256
  pledger serve --addr 0.0.0.0:8443 --tls-cert cert.pem --tls-key key.pem --db "postgres://pledger@db.example/pledger?sslmode=disable"`,
		Args: noArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			ctx := cmd.Context()
			if (cert == "") != (key == "") {
				return usage("--tls-cert and --tls-key go together")
			}
			s, err := a.open(ctx)
			if err != nil {
				return err
			}
			defer s.Close()
			log := slog.New(slog.NewJSONHandler(os.Stderr, nil))
			every := verifyEvery
			if every == 0 {
				every = -1 // never
			}
			cfg := web.Config{Store: s, Log: log, MaxUpload: maxUploadMB << 20, Secure: cert != "", VerifyEvery: every, CacheBytes: cacheMB << 20}
			if cacheMB <= 0 {
				cfg.CacheBytes = -1 // no cache
			}
			if signingKey == "" {
				signingKey = os.Getenv(envSigningKey)
			}
			if signingKey != "" {
				if cfg.SigningKey, err = ledger.LoadSigningKey(signingKey); err != nil {
					return err
				}
			}
			srv, err := web.New(cfg)
			if err != nil {
				return err
			}
			scheme := "http"
			if cert != "" {
				scheme = "https"
			}
			fmt.Fprintf(a.out, "serving %s on %s://%s (Ctrl-C to stop)\n", store.RedactDSN(a.dbFlag), scheme, addr)
			return srv.ListenAndServe(ctx, addr, cert, key)
		},
	}
	cmd.Flags().StringVar(&addr, "addr", "127.0.0.1:8080", "address to listen on")
	cmd.Flags().StringVar(&cert, "tls-cert", "", "TLS certificate (PEM): serve HTTPS")
	cmd.Flags().StringVar(&key, "tls-key", "", "TLS private key (PEM)")
	cmd.Flags().Int64Var(&maxUploadMB, "max-upload", 20, "largest upload or request body accepted, in MB")
	cmd.Flags().StringVar(&signingKey, "signing-key", "", "sign a checkpoint of the ledger each time a dashboard is published (env "+envSigningKey+")")
	cmd.Flags().DurationVar(&verifyEvery, "verify-every", 6*time.Hour, "verify the whole ledger at start and this often (0: never)")
	cmd.Flags().Int64Var(&cacheMB, "cache", web.DefaultCacheBytes>>20, "memory kept for reports, charts and dashboards already made for the ledger's state, in MB (0: none)")
	return cmd
}
