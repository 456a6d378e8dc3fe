package web

import (
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/coalition/pledger/internal/access"
	"github.com/coalition/pledger/internal/store"
	"github.com/coalition/pledger/internal/store/storetest"
)

// TestIllustrativeFlag: the API takes "illustrative" as true or false on
// create and amend and always returns it; the forms have a checkbox, and
// the list and entry page show the mark.
func TestIllustrativeFlag(t *testing.T) {
	storetest.Each(t, func(t *testing.T, engine store.Dialect) {
		e := newEnv(t, engine, Config{})
		tok := e.tokens[access.Officer]
		body := `{"ref":"api-i1","kind":"pledge","party":"NLD","date":"2021","amount":"10.00","currency":"EUR","illustrative":true}`
		if st, out, _ := e.api("POST", "/api/v1/entries", tok, body); st != 201 || !strings.Contains(out, `"illustrative":true`) {
			t.Fatalf("create illustrative: %d %s", st, out)
		}
		if st, out, _ := e.api("POST", "/api/v1/entries/api-i1/amend", tok, `{"changes":{"illustrative":false},"reason":"published"}`); st != 200 || !strings.Contains(out, `"illustrative":false`) {
			t.Fatalf("amend to not illustrative: %d %s", st, out)
		}
		if st, out, _ := e.api("POST", "/api/v1/entries/api-i1/amend", tok, `{"changes":{"illustrative":"maybe"},"reason":"x"}`); st != 400 || !strings.Contains(out, "illustrative") {
			t.Fatalf("amend with a bad flag: %d %s", st, out)
		}

		b := e.browser()
		b.login("officer")
		if _, page := b.get("/entries/new"); !strings.Contains(page, `type="checkbox" name="illustrative"`) {
			t.Fatal("no illustrative checkbox on the new entry form")
		}
		form := url.Values{"csrf": {b.csrf("/entries/new")}, "kind": {"pledge"}, "ref": {"web-i1"}, "party": {"BEL"}, "date": {"2021"},
			"amount": {"5"}, "currency": {"EUR"}, "illustrative": {"true"}}
		if st, out := b.post("/entries", form); st != http.StatusSeeOther {
			t.Fatalf("form create: %d %s", st, out)
		}
		if _, page := b.get("/entries/web-i1"); !strings.Contains(page, "(illustrative: not a published statement)") {
			t.Error("the entry page does not mark an illustrative entry")
		}
		if _, page := b.get("/entries/web-i1/amend"); !strings.Contains(page, `value="true" checked`) {
			t.Error("the amend form does not show the box ticked")
		}
		// Unticking the box is a change like any other.
		form = url.Values{"csrf": {b.csrf("/entries/web-i1/amend")}, "party": {"BEL"}, "date": {"2021"}, "amount": {"5.00"},
			"currency": {"EUR"}, "reason": {"confirmed"}, "revision": {"1"}}
		if st, out := b.post("/entries/web-i1/amend", form); st != http.StatusSeeOther {
			t.Fatalf("form amend: %d %s", st, out)
		}
		if _, page := b.get("/entries/web-i1"); strings.Contains(page, "(illustrative: not a published statement)") {
			t.Error("still marked after unticking")
		}
		if _, page := b.get("/entries?party=NLD"); !strings.Contains(page, "(illustrative)") {
			t.Error("the list does not mark the demo's illustrative entries")
		}
	})
}
