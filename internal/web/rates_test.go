package web

import (
	"context"
	"encoding/json"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/coalition/pledger/internal/access"
	"github.com/coalition/pledger/internal/csvio"
	"github.com/coalition/pledger/internal/ledger"
	"github.com/coalition/pledger/internal/money"
	"github.com/coalition/pledger/internal/store"
	"github.com/coalition/pledger/internal/store/storetest"
)

// TestRatesOtherSourceAndForce: the API and the rates form record a rate
// for a day the ECB quotes with a warning, refuse a typo unless forced,
// and the report endpoints take rate_source.
func TestRatesOtherSourceAndForce(t *testing.T) {
	storetest.Each(t, func(t *testing.T, engine store.Dialect) {
		e := newEnv(t, engine, Config{})
		tok := e.tokens[access.Officer]
		// A made-up manual rate for a day the demo's ECB rates quote
		// (the ECB's EUR/USD of 2021-03-15 is 1.192).
		st, body, _ := e.api("POST", "/api/v1/rates", tok, `{"date":"2021-03-15","base":"EUR","quote":"USD","rate":"1.2000","source":"manual"}`)
		var res struct {
			Added    int
			Warnings []ledger.Problem
		}
		if err := json.Unmarshal([]byte(body), &res); err != nil || st != http.StatusCreated || res.Added != 1 || len(res.Warnings) != 1 ||
			res.Warnings[0].Code != ledger.CodeRateOtherSource || res.Warnings[0].Value != csvio.ECBSource ||
			!strings.Contains(res.Warnings[0].Msg, "also has EUR/USD 1.192 from "+csvio.ECBSource) {
			t.Errorf("POST a rate over the ECB's: %d %s", st, body)
		}
		// A typo: 400 with the problem; "force": true records it.
		st, body, _ = e.api("POST", "/api/v1/rates", tok, `{"date":"2021-03-16","base":"EUR","quote":"USD","rate":"119.26","source":"manual"}`)
		if st != http.StatusBadRequest || !strings.Contains(body, `"code":"rate_jump"`) || !strings.Contains(body, "119.26 is more than 1.5 times") {
			t.Errorf("POST a typo: %d %s", st, body)
		}
		if st, body, _ = e.api("POST", "/api/v1/rates", tok, `{"date":"2021-03-16","base":"EUR","quote":"USD","rate":"119.26","source":"manual","force":true}`); st != http.StatusCreated {
			t.Errorf("POST a typo, forced: %d %s", st, body)
		}
		// The form: the same, phrased for the page.
		b := e.browser()
		b.login("officer")
		form := url.Values{"csrf": {b.csrf("/rates")}, "date": {"2021-03-17"}, "base": {"EUR"}, "quote": {"USD"}, "rate": {"11.907"}, "source": {"manual"}}
		st, page := b.post("/rates", form)
		if st != http.StatusBadRequest || !strings.Contains(page, "11.907 is more than 1.5 times") || !strings.Contains(page, "tick “force”") {
			t.Errorf("form, a typo: %d", st)
		}
		form.Set("rate", "1.1950")
		st, page = b.post("/rates", form)
		if st != http.StatusOK || !strings.Contains(page, "Recorded, but worth a second look") || !strings.Contains(page, "“Rate sources”") {
			t.Errorf("form, over the ECB's rate: %d", st)
		}
		form.Set("date", "2021-03-18")
		form.Set("rate", "11.912")
		form.Set("force", "on")
		if st, _ = b.post("/rates", form); st != http.StatusOK {
			t.Errorf("form, a typo forced: %d", st)
		}
		// Reports take rate_source; a source the ledger lacks is a 400
		// naming the field.
		st, body, _ = e.api("GET", "/api/v1/reports/summary?currency=EUR&rate_source=manual,ECB", e.tokens[access.Analyst], "")
		if st != http.StatusOK {
			t.Errorf("rate_source=manual,ECB: %d %s", st, body)
		}
		st, body, _ = e.api("GET", "/api/v1/reports/summary?currency=EUR&rate_source=IMF", e.tokens[access.Analyst], "")
		if st != http.StatusBadRequest || !strings.Contains(body, `"field":"rate-source"`) || !strings.Contains(body, "no rate in force comes from this source") {
			t.Errorf("rate_source=IMF: %d %s", st, body)
		}
		// A published dashboard pins the order in force when published,
		// whatever the environment says later.
		t.Setenv(money.EnvRateSources, "manual")
		ab := e.browser()
		ab.login("analyst")
		if st, _ := ab.post("/publish", url.Values{"csrf": {ab.csrf("/reports")}, "title": {"pinned"}, "currency": {"EUR"}}); st != http.StatusSeeOther {
			t.Fatalf("publish: %d", st)
		}
		sns, err := e.st.Snapshots(context.Background())
		if err != nil || len(sns) != 1 {
			t.Fatalf("snapshots %v, %v", sns, err)
		}
		q, _ := url.ParseQuery(sns[0].Options)
		if got := q.Get("rate_source"); got != "manual,"+csvio.ECBSource {
			t.Errorf("pinned rate_source %q, want manual first (the environment), then the ECB", got)
		}
	})
}
