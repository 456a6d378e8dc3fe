package web

import (
	"context"
	"encoding/json"
	"net/http"
	"strings"
	"testing"

	"github.com/coalition/pledger/internal/access"
	"github.com/coalition/pledger/internal/store"
	"github.com/coalition/pledger/internal/store/storetest"
)

// head is the ledger's state, the last revision and the last link of the
// chain: any write (a revision, a rate) moves it.
func (e *env) head() [2]int64 {
	e.t.Helper()
	h, err := e.st.Head(context.Background())
	if err != nil {
		e.t.Fatal(err)
	}
	return [2]int64{h.Seq, h.State}
}

// TestAPIStrictJSON: every JSON endpoint refuses, with 400 (413 for the
// size) and an error naming the field and the byte offset, a body
// encoding/json alone would take: a key twice (the last would win), a
// case variant of a field (it would set the field), invalid UTF-8 or a
// lone surrogate (they would become U+FFFD), trailing data, and a body
// over 1 MB; and nothing is written.
func TestAPIStrictJSON(t *testing.T) {
	storetest.Each(t, func(t *testing.T, engine store.Dialect) {
		e := newEnv(t, engine, Config{})
		tok := e.tokens[access.Officer]
		const entry = `"kind":"pledge","party":"NLD","date":"2021-06-01","currency":"EUR","toward":"coal-need-2021-stab"`
		const amend = "/api/v1/entries/coal-need-2021-stab/amend"
		big := `{"ref":"big-1",` + entry + `,"amount":"1.00","note":"` + strings.Repeat("x", maxJSONBody) + `"}`
		for _, c := range []struct {
			name, path, body string
			status           int
			code, field, msg string
		}{
			{"duplicate key", "/api/v1/entries", `{"ref":"dup-1",` + entry + `,"amount":"1.00","amount":"999999.00"}`,
				400, "invalid", "amount", `the key \"amount\" appears twice in one object (first at byte 113)`},
			{"duplicate key, escaped", "/api/v1/entries", `{"ref":"dup-2",` + entry + `,"amount":"1.00","\u0061mount":"999999.00"}`,
				400, "invalid", "amount", "appears twice"},
			{"duplicate key, nested", amend, `{"changes":{"amount":"1","amount":"999999"},"reason":"typo"}`,
				400, "invalid", "changes.amount", "appears twice in one object (first at byte 12)"},
			{"case variant", "/api/v1/entries", `{"ref":"case-1",` + entry + `,"amount":"1.00","AMOUNT":"999999.00"}`,
				400, "invalid", "AMOUNT", `unknown field: field names are case-sensitive; did you mean \"amount\"? (at byte 130)`},
			{"case variant alone", "/api/v1/entries", `{"ref":"case-2",` + entry + `,"Amount":"999999.00"}`,
				400, "invalid", "Amount", "case-sensitive"},
			{"unknown field", "/api/v1/entries/coal-need-2021-stab/void", `{"reason":"x","colour":"red"}`,
				400, "invalid", "colour", "unknown field (at byte 14)"},
			{"invalid UTF-8 in a value", "/api/v1/entries", `{"ref":"utf-1",` + entry + `,"amount":"1.00","note":"Noordoost-Syri` + "\xeb" + `"}`,
				400, "invalid", "note", "the value is not valid UTF-8 at byte 151"},
			{"invalid UTF-8 in a key", "/api/v1/entries", `{"ref":"utf-2",` + entry + `,"amount":"1.00","no` + "\xff" + `te":"x"}`,
				400, "invalid", "no\ufffdte", "the key is not valid UTF-8 at byte 132"},
			{"invalid UTF-8 in a nested key", amend, "{\"changes\":{\"\xc3\":\"1\"},\"reason\":\"x\"}",
				400, "invalid", "changes.\ufffd", "not valid UTF-8 at byte 13"},
			{"lone surrogate", "/api/v1/entries", `{"ref":"sur-1",` + entry + `,"amount":"1.00","note":"\ud800"}`,
				400, "invalid", "note", `escapes half of a UTF-16 surrogate pair (\\ud800) at byte 137`},
			{"trailing garbage", "/api/v1/entries", `{"ref":"tail-1",` + entry + `,"amount":"1.00"}garbage`,
				400, "invalid", "(body)", "more follows it at byte 130"},
			{"trailing brace", "/api/v1/entries/coal-need-2021-stab/void", `{"reason":"x"}}`,
				400, "invalid", "(body)", "more follows it at byte 14"},
			{"not an object", "/api/v1/entries", `[{"ref":"arr-1"}]`,
				400, "invalid", "(body)", "one JSON object"},
			{"oversize", "/api/v1/entries", big,
				413, "too_large", "", "request body too large: 1048576 bytes at most"},
			{"rate, duplicate key", "/api/v1/rates", `{"date":"2021-03-15","base":"EUR","quote":"USD","rate":"1.1926","rate":"119.26","source":"manual"}`,
				400, "invalid", "rate", "appears twice"},
			{"rate, case variant", "/api/v1/rates", `{"date":"2021-03-15","base":"EUR","quote":"USD","rate":"1.1926","source":"manual","Force":true}`,
				400, "invalid", "Force", `did you mean \"force\"?`},
			{"rate, trailing data", "/api/v1/rates", `{"date":"2021-03-15","base":"EUR","quote":"USD","rate":"1.1926","source":"manual"}{}`,
				400, "invalid", "(body)", "more follows"},
			{"rate, invalid UTF-8", "/api/v1/rates", "{\"date\":\"2021-03-15\",\"base\":\"EUR\",\"quote\":\"USD\",\"rate\":\"1.1926\",\"source\":\"Banque de Fran\xe7e\"}",
				400, "invalid", "source", "not valid UTF-8"},
		} {
			t.Run(c.name, func(t *testing.T) {
				before := e.head()
				st, out, _ := e.api("POST", c.path, tok, c.body, "Idempotency-Key", "strict-"+c.name)
				var got apiErrorBody
				if err := json.Unmarshal([]byte(out), &got); err != nil {
					t.Fatalf("%d %s: %v", st, out, err)
				}
				if st != c.status || got.Error.Code != c.code || got.Error.Field != c.field || !strings.Contains(out, c.msg) {
					t.Errorf("%d %.300s\nwant %d %s field %q with %s", st, out, c.status, c.code, c.field, c.msg)
				}
				if after := e.head(); after != before {
					t.Errorf("the ledger moved from %+v to %+v", before, after)
				}
			})
		}
		// Nothing of any of them is in the ledger, and the amended need
		// and the rate are as they were.
		for _, ref := range []string{"dup-1", "dup-2", "case-1", "case-2", "utf-1", "utf-2", "sur-1", "tail-1", "arr-1", "big-1"} {
			if st, _, _ := e.api("GET", "/api/v1/entries/"+ref, tok, ""); st != http.StatusNotFound {
				t.Errorf("%s: %d, want 404", ref, st)
			}
		}
		if hist, err := e.st.History(context.Background(), "coal-need-2021-stab"); err != nil || len(hist) != 1 {
			t.Errorf("coal-need-2021-stab: %d revisions, %v", len(hist), err)
		}
		rates, err := e.st.Rates(context.Background(), store.RateFilter{Currency: "USD", From: "2021-03-15", To: "2021-03-15"})
		if err != nil {
			t.Fatal(err)
		}
		for _, r := range rates {
			if r.Source != "ECB euro foreign exchange reference rates" {
				t.Errorf("a rate was recorded: %+v", r)
			}
		}
		// A well-formed body still goes through, the same key in two
		// objects is no duplicate, and a body just under the cap is taken.
		note := strings.Repeat("x", 9000)
		if st, out, _ := e.api("POST", "/api/v1/entries", tok, `{"ref":"ok-1",`+entry+`,"amount":"1.00","note":"`+note+`"}`); st != http.StatusCreated {
			t.Errorf("well-formed: %d %s", st, out)
		}
		if st, out, _ := e.api("POST", amend, tok, `{"changes":{"note":"reason"},"reason":"note"}`); st != http.StatusOK {
			t.Errorf("well-formed amend: %d %s", st, out)
		}
	})
}
