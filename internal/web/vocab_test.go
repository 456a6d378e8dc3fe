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

// TestSectorsAndTitles: the form and the API take a need's title and read
// sectors as the other doors do (a name or a spelling is stored as the
// code); an unknown sector is said in the page's language with the close
// sectors by name; the picker offers the vocabulary by name.
func TestSectorsAndTitles(t *testing.T) {
	storetest.Each(t, func(t *testing.T, engine store.Dialect) {
		e := newEnv(t, engine, Config{})
		tok := e.tokens[access.Officer]
		body := `{"ref":"api-n1","kind":"need","party":"UN","date":"2024","amount":"10.00","currency":"USD","sector":"Déminage","title":"Clearance of Mosul"}`
		if st, out, _ := e.api("POST", "/api/v1/entries", tok, body); st != 201 || !strings.Contains(out, `"title":"Clearance of Mosul"`) ||
			!strings.Contains(out, `"sectors":["demining"]`) {
			t.Fatalf("create a titled need: %d %s", st, out)
		}
		if st, out, _ := e.api("POST", "/api/v1/entries/api-n1/amend", tok, `{"changes":{"title":"Clearance of West Mosul"},"reason":"precise"}`); st != 200 ||
			!strings.Contains(out, `"title":"Clearance of West Mosul"`) {
			t.Fatalf("amend the title: %d %s", st, out)
		}
		body = `{"kind":"pledge","party":"NLD","date":"2021","amount":"10.00","currency":"EUR","sector":"demning"}`
		if st, out, _ := e.api("POST", "/api/v1/entries", tok, body); st != 400 || !strings.Contains(out, `"code":"unknown_sector"`) ||
			!strings.Contains(out, `did you mean demining (Demining)?`) {
			t.Fatalf("an unknown sector through the API: %d %s", st, out)
		}

		b := e.browser()
		b.lang = "nl"
		b.login("officer")
		_, page := b.get("/entries/new")
		if !strings.Contains(page, `name="title"`) || !strings.Contains(page, `<option value="demining">Ontmijning</option>`) {
			t.Fatal("the new entry form has no title field, or no sectors by name")
		}
		form := url.Values{"csrf": {b.csrf("/entries/new")}, "kind": {"need"}, "ref": {"web-n1"}, "party": {"UN"}, "date": {"2024"},
			"amount": {"5"}, "currency": {"USD"}, "sector": {"Wederopbouw"}, "title": {"Wederopbouw van Mosul"}}
		if st, out := b.post("/entries", form); st != http.StatusSeeOther {
			t.Fatalf("form create: %d %s", st, out)
		}
		_, page = b.get("/entries/web-n1")
		if !strings.Contains(page, "Wederopbouw van Mosul") || !strings.Contains(page, "Wederopbouw · reconstruction") {
			t.Error("the entry page does not show the title, or the sector by name")
		}
		if _, page := b.get("/entries?kind=need"); !strings.Contains(page, `<small class="muted">Wederopbouw van Mosul</small>`) {
			t.Error("the list does not show the need's title")
		}
		form["ref"], form["sector"] = []string{"web-n2"}, []string{"ontmijnig"}
		st, out := b.post("/entries", form)
		if st != http.StatusBadRequest || !strings.Contains(out, "onbekende sector ‘ontmijnig’: bedoelt u Ontmijning (demining)? Of kies een sector uit de lijst") {
			t.Errorf("an unknown sector on a Dutch form: %d", st)
		}
		form["kind"], form["ref"], form["sector"] = []string{"pledge"}, []string{"web-p1"}, []string{"demining"}
		if st, out := b.post("/entries", form); st != http.StatusBadRequest || !strings.Contains(out, "only a need has a title") {
			t.Errorf("a pledge with a title: %d", st)
		}
	})
}
