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

// TestAPIRateIdempotency: POST /api/v1/rates honours Idempotency-Key as
// the entry writes do: the same request again gets the first answer
// (status, body, Idempotent-Replayed) and records nothing; the same key
// with another body is a conflict and records nothing either.
func TestAPIRateIdempotency(t *testing.T) {
	storetest.Each(t, func(t *testing.T, engine store.Dialect) {
		e := newEnv(t, engine, Config{})
		tok := e.tokens[access.Officer]
		ctx := context.Background()
		const body = `{"date":"2021-03-15","base":"USD","quote":"EUR","rate":"0.8385","source":"manual"}`
		st1, out1, h1 := e.api("POST", "/api/v1/rates", tok, body, "Idempotency-Key", "rate-k1")
		after1 := e.head()
		st2, out2, h2 := e.api("POST", "/api/v1/rates", tok, body, "Idempotency-Key", "rate-k1")
		if st1 != http.StatusCreated || st2 != st1 || out2 != out1 || h1.Get("Idempotent-Replayed") != "" || h2.Get("Idempotent-Replayed") != "true" {
			t.Errorf("first: %d %s %v\nretry: %d %s %v", st1, out1, h1, st2, out2, h2)
		}
		if !strings.Contains(out1, `"Added":1`) {
			t.Errorf("first answer %s", out1)
		}
		if after2 := e.head(); after2 != after1 {
			t.Errorf("the retry wrote: %+v -> %+v", after1, after2)
		}
		other := strings.Replace(body, "0.8385", "0.8390", 1)
		st3, out3, _ := e.api("POST", "/api/v1/rates", tok, other, "Idempotency-Key", "rate-k1")
		if st3 != http.StatusConflict || !strings.Contains(out3, `"conflict"`) || !strings.Contains(out3, "was used for a different request") {
			t.Errorf("same key, other rate: %d %s", st3, out3)
		}
		if after3 := e.head(); after3 != after1 {
			t.Errorf("the conflict wrote: %+v -> %+v", after1, after3)
		}
		rates, err := e.st.Rates(ctx, store.RateFilter{Currency: "USD", From: "2021-03-15", To: "2021-03-15"})
		if err != nil {
			t.Fatal(err)
		}
		var manual []string
		for _, r := range rates {
			if r.Source == "manual" {
				manual = append(manual, r.Base+"/"+r.Quote+" "+r.Rate)
			}
		}
		if len(manual) != 1 || manual[0] != "USD/EUR 0.8385" {
			t.Errorf("manual rates recorded: %v", manual)
		}
		// Without a key, the same rate again is recorded once and answered
		// 200 with Skipped: the key changes nothing else.
		if st, out, h := e.api("POST", "/api/v1/rates", tok, body); st != http.StatusOK || !strings.Contains(out, `"Skipped":1`) || h.Get("Idempotent-Replayed") != "" {
			t.Errorf("no key: %d %s", st, out)
		}
		// A key is the user's: another officer's request with the same
		// key is not a replay of this one.
		if err := e.st.AddUser(ctx, "officer2", access.Officer, "x"); err != nil {
			t.Fatal(err)
		}
		tok2, err := e.st.NewToken(ctx, "officer2", "test")
		if err != nil {
			t.Fatal(err)
		}
		if st, out, h := e.api("POST", "/api/v1/rates", tok2, other, "Idempotency-Key", "rate-k1"); st != http.StatusBadRequest || h.Get("Idempotent-Replayed") != "" ||
			!strings.Contains(out, "already recorded as 0.8385") {
			t.Errorf("another user, same key: %d %s", st, out)
		}
	})
}
