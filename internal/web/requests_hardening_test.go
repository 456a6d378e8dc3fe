package web

import (
	"encoding/json"
	"net/http"
	"strings"
	"testing"

	"github.com/coalition/pledger/internal/access"
	"github.com/coalition/pledger/internal/store"
	"github.com/coalition/pledger/internal/store/storetest"
)

// Tests of issue #15's findings 10 and 11: answers to requests that cannot be served.

// ---------------------------------------------------------------------------
// 10. A missing exchange rate.

// Finding 10: a report that needs a rate the ledger lacks is 422 with the
// rate named, in the API and the web.
func TestMissingRateIs422(t *testing.T) {
	storetest.Each(t, func(t *testing.T, engine store.Dialect) {
		e := newEnv(t, engine, Config{})
		st, body, _ := e.api("GET", "/api/v1/reports/summary?currency=KWD", e.tokens[access.Analyst], "")
		var got apiErrorBody
		json.Unmarshal([]byte(body), &got)
		if st != http.StatusUnprocessableEntity || got.Error.Code != "missing_rate" || !strings.Contains(got.Error.Message, "missing exchange rate: no AUD/KWD rate") {
			t.Errorf("api: %d %s", st, body)
		}
		if st, body, _ := e.api("GET", "/api/v1/charts/summary?currency=KWD", e.tokens[access.Analyst], ""); st != http.StatusUnprocessableEntity {
			t.Errorf("api chart: %d %.200s", st, body)
		}
		b := e.browser()
		b.login("analyst")
		for _, path := range []string{"/reports/view?name=summary&currency=KWD", "/charts/summary?currency=KWD", "/dashboard?currency=KWD"} {
			st, body := b.get(path)
			if st != http.StatusUnprocessableEntity || !strings.Contains(body, "missing exchange rate: no AUD/KWD rate") ||
				strings.Contains(body, "Something went wrong") || !strings.Contains(body, "Rates page") {
				t.Errorf("%s: %d %.300s", path, st, body)
			}
		}
	})
}
