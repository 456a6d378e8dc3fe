package web

import (
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/coalition/pledger/internal/store"
	"github.com/coalition/pledger/internal/store/storetest"
)

// TestFormNotation: a form reads amounts and dates as its user writes them
// (Belgian in Dutch and French), and refuses an amount that reads two
// ways, naming both readings. The entries are made up for the test.
func TestFormNotation(t *testing.T) {
	storetest.Each(t, func(t *testing.T, engine store.Dialect) {
		e := newEnv(t, engine, Config{})
		b := e.browser()
		b.lang = "nl-BE,nl;q=0.9,en;q=0.5"
		b.login("officer")
		form := url.Values{"csrf": {b.csrf("/entries/new")}, "kind": {"disbursement"}, "ref": {"web-nl-1"}, "party": {"BEL"},
			"date": {"15/09/2021"}, "amount": {"1.250.000,50"}, "currency": {"EUR"}}
		if st, out := b.post("/entries", form); st != http.StatusSeeOther {
			t.Fatalf("nl form: %d %s", st, out)
		}
		got, err := e.st.Current(t.Context(), "web-nl-1")
		if err != nil {
			t.Fatal(err)
		}
		if f := got.Entry.Fields(); f["amount"] != "1250000.50" || f["date"] != "2021-09-15" {
			t.Errorf("recorded %s on %s, want 1250000.50 on 2021-09-15", f["amount"], f["date"])
		}
		form.Set("ref", "web-nl-2")
		form.Set("amount", "5.000")
		st, page := b.post("/entries", form)
		if st != http.StatusBadRequest || !strings.Contains(page, "reads two ways") || !strings.Contains(page, "5000") || !strings.Contains(page, "write 5)") {
			t.Errorf("5.000 in a form: %d, want it refused with both readings", st)
		}
		// In English, 1,250,000.50.
		en := e.browser()
		en.lang = "en-GB"
		en.login("officer")
		form = url.Values{"csrf": {en.csrf("/entries/new")}, "kind": {"pledge"}, "ref": {"web-en-1"}, "party": {"BEL"},
			"date": {"2021-09"}, "amount": {"1,250,000.50"}, "currency": {"EUR"}}
		if st, out := en.post("/entries", form); st != http.StatusSeeOther {
			t.Fatalf("en form: %d %s", st, out)
		}
		if got, err := e.st.Current(t.Context(), "web-en-1"); err != nil || got.Entry.Fields()["amount"] != "1250000.50" {
			t.Errorf("en form recorded %v %v", got.Entry.Fields()["amount"], err)
		}
	})
}
