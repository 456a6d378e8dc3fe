package web

import (
	"context"
	"net/http"
	"strings"
	"testing"

	"github.com/coalition/pledger/internal/access"
	"github.com/coalition/pledger/internal/store"
	"github.com/coalition/pledger/internal/store/storetest"
)

// TestTamperedLedger: once a verification found the ledger tampered with,
// every page carries a banner, the API refuses reports with the code
// ledger_tampered, and allow-unverified makes one anyway, marked.
func TestTamperedLedger(t *testing.T) {
	storetest.Each(t, func(t *testing.T, engine store.Dialect) {
		e := newEnv(t, engine, Config{})
		tok := e.tokens[access.Analyst]
		if st, body, _ := e.api("GET", "/api/v1/reports/summary?currency=EUR", tok, ""); st != http.StatusOK {
			t.Fatalf("report before: %d %s", st, body)
		}
		if _, err := e.st.DB().Exec(`UPDATE revisions SET date_first = '2030-01-01', date_last = '2030-12-31' WHERE ref = 'coal-need-2021-stab'`); err != nil {
			t.Fatal(err)
		}
		if _, err := e.st.Verify(context.Background(), store.VerifyOptions{}); err == nil {
			t.Fatal("verify passed a tampered ledger")
		}
		st, body, _ := e.api("GET", "/api/v1/reports/summary?currency=EUR", tok, "")
		if st != http.StatusConflict || !strings.Contains(body, `"code":"ledger_tampered"`) || !strings.Contains(body, "coal-need-2021-stab") {
			t.Errorf("API report after tampering: %d %s", st, body)
		}
		st, body, _ = e.api("GET", "/api/v1/reports/summary?currency=EUR&allow-unverified=1", tok, "")
		if st != http.StatusOK || !strings.Contains(body, `"verified": false`) && !strings.Contains(body, `"verified":false`) {
			t.Errorf("API report with allow-unverified: %d %s", st, body)
		}
		b := e.browser()
		b.login(string(access.Analyst))
		if _, page := b.get("/entries"); !strings.Contains(page, "This ledger failed verification") {
			t.Errorf("no banner on the entries page")
		}
		if st, page := b.get("/reports/view?name=summary&currency=EUR"); st != http.StatusConflict || !strings.Contains(page, "allow-unverified=1") {
			t.Errorf("report page after tampering: %d", st)
		}
	})
}
