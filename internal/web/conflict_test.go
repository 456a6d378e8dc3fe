package web

import (
	"fmt"
	"io"
	"net/http"
	"strings"
	"sync"
	"testing"

	"github.com/coalition/pledger/internal/access"
	"github.com/coalition/pledger/internal/store"
	"github.com/coalition/pledger/internal/store/storetest"
)

// TestAPIConcurrentWrites: API clients writing at the same moment, on
// both engines. New entries and amendments of different entries all
// succeed; one ref posted by many gives one 201 and, for every other
// client, 409 naming the ref, never a 500 with a driver's message.
func TestAPIConcurrentWrites(t *testing.T) {
	storetest.Each(t, func(t *testing.T, engine store.Dialect) {
		e := newEnv(t, engine, Config{})
		tok := e.tokens[access.Officer]
		const n = 12
		all := func(path func(i int) string, body func(i int) string) []struct {
			code int
			body string
		} {
			out := make([]struct {
				code int
				body string
			}, n)
			var wg sync.WaitGroup
			start := make(chan struct{})
			for i := range n {
				wg.Add(1)
				go func() {
					defer wg.Done()
					<-start
					req, _ := http.NewRequest("POST", e.srv.URL+path(i), strings.NewReader(body(i)))
					req.Header.Set("Authorization", "Bearer "+tok)
					req.Header.Set("Content-Type", "application/json")
					resp, err := http.DefaultClient.Do(req)
					if err != nil {
						out[i].body = err.Error()
						return
					}
					b, _ := io.ReadAll(resp.Body)
					resp.Body.Close()
					out[i].code, out[i].body = resp.StatusCode, string(b)
				}()
			}
			close(start)
			wg.Wait()
			return out
		}
		pledge := func(ref string, amount int) string {
			return fmt.Sprintf(`{"ref":%q,"kind":"pledge","party":"NLD","date":"2021-06-01","amount":"%d","currency":"EUR","toward":"coal-need-2021-stab"}`, ref, amount)
		}
		for i, r := range all(func(int) string { return "/api/v1/entries" }, func(i int) string { return pledge(fmt.Sprint("api-", i), 100+i) }) {
			if r.code != http.StatusCreated {
				t.Errorf("post api-%d: %d %s", i, r.code, r.body)
			}
		}
		for i, r := range all(func(i int) string { return fmt.Sprintf("/api/v1/entries/api-%d/amend", i) },
			func(i int) string { return fmt.Sprintf(`{"changes":{"amount":"%d"},"reason":"budget review"}`, 200+i) }) {
			if r.code != http.StatusOK {
				t.Errorf("amend api-%d: %d %s", i, r.code, r.body)
			}
		}
		created := 0
		for i, r := range all(func(int) string { return "/api/v1/entries" }, func(i int) string { return pledge("api-same", 300+i) }) {
			switch {
			case r.code == http.StatusCreated:
				created++
			case r.code != http.StatusConflict || !strings.Contains(r.body, "api-same"):
				t.Errorf("client %d posting a ref in use: %d %s, want 409 naming the ref", i, r.code, r.body)
			}
		}
		if created != 1 {
			t.Errorf("%d of %d posts of one ref were created, want 1", created, n)
		}
	})
}
