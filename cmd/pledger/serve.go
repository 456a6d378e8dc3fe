package main

import (
	"fmt"
	"log/slog"
	"os"

	"github.com/coalition/pledger/internal/web"
	"github.com/spf13/cobra"
)

func (a *app) serveCmd() *cobra.Command {
	var addr, cert, key string
	var maxUploadMB int64
	cmd := &cobra.Command{
		Use:   "serve",
		Short: "Serve the web app and the JSON API",
		Long: `Serve the web app (finance officers enter and correct entries, import CSV,
manage rates; analysts make reports and charts and publish dashboards; viewers see
published dashboards) and the JSON API under /api/v1 (OpenAPI at
/api/v1/openapi.json). Create the first account with pledger user add NAME --role admin.
SIGINT or SIGTERM shut it down gracefully: requests in flight finish. Logins, failed
logins and every write are logged as JSON on stderr.`,
		Example: `  pledger serve --db sqlite:pledger-demo/pledger.db
  pledger serve --addr 0.0.0.0:8443 --tls-cert cert.pem --tls-key key.pem --db "$PLEDGER_DB"`,
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
			srv, err := web.New(web.Config{Store: s, Log: log, MaxUpload: maxUploadMB << 20, Secure: cert != ""})
			if err != nil {
				return err
			}
			scheme := "http"
			if cert != "" {
				scheme = "https"
			}
			fmt.Fprintf(a.out, "serving %s on %s://%s (Ctrl-C to stop)\n", a.dbFlag, scheme, addr)
			return srv.ListenAndServe(ctx, addr, cert, key)
		},
	}
	cmd.Flags().StringVar(&addr, "addr", "127.0.0.1:8080", "address to listen on")
	cmd.Flags().StringVar(&cert, "tls-cert", "", "TLS certificate (PEM): serve HTTPS")
	cmd.Flags().StringVar(&key, "tls-key", "", "TLS private key (PEM)")
	cmd.Flags().Int64Var(&maxUploadMB, "max-upload", 20, "largest upload or request body accepted, in MB")
	return cmd
}
