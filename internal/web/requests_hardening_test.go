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

// ---------------------------------------------------------------------------
// 11. Paging and search parameters.

// Finding 11: a negative or non-numeric offset, limit or page, and a
// search longer than 200 characters, are bad requests naming the
// parameter, never 500.
func TestPagingValidated(t *testing.T) {
	storetest.Each(t, func(t *testing.T, engine store.Dialect) {
		e := newEnv(t, engine, Config{})
		tok := e.tokens[access.Analyst]
		long := strings.Repeat("x", 100<<10)
		for _, c := range []struct{ query, field string }{
			{"offset=-1", "offset"}, {"offset=abc", "offset"}, {"offset=99999999999999999999", "offset"}, {"offset=1000000001", "offset"},
			{"limit=-5", "limit"}, {"limit=0", "limit"}, {"limit=1001", "limit"}, {"limit=1e3", "limit"}, {"q=" + long, "q"},
			{"q=" + strings.Repeat("é", 201), "q"},
		} {
			st, body, _ := e.api("GET", "/api/v1/entries?"+c.query, tok, "")
			var got apiErrorBody
			json.Unmarshal([]byte(body), &got)
			if st != http.StatusBadRequest || got.Error.Field != c.field {
				t.Errorf("api %.40s: %d %.200s, want 400 on %s", c.query, st, body, c.field)
			}
		}
		for _, q := range []string{"offset=0&limit=1000", "offset=1000000000", "q=" + strings.Repeat("é", 200)} {
			if st, body, _ := e.api("GET", "/api/v1/entries?"+q, tok, ""); st != http.StatusOK {
				t.Errorf("api %.40s: %d %.200s", q, st, body)
			}
		}
		b := e.browser()
		b.login("analyst")
		for _, q := range []string{"page=-1", "page=0", "page=x", "page=99999999999999999999", "q=" + long} {
			if st, body := b.get("/entries?" + q); st != http.StatusBadRequest || strings.Contains(body, "Something went wrong") {
				t.Errorf("/entries?%.40s: %d", q, st)
			}
		}
		if st, _ := b.get("/entries?page=2&q=pledge"); st != http.StatusOK {
			t.Errorf("/entries?page=2: %d", st)
		}
	})
}
