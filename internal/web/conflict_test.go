package web

import (
	"encoding/json"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"github.com/coalition/pledger/internal/store"
	"github.com/coalition/pledger/internal/store/storetest"
)

var (
	revisionRE = regexp.MustCompile(`name="revision" value="(\d+)"`)
	inputRE    = regexp.MustCompile(`name="([a-z]+)" value="([^"]*)"`)
)

// amendForm reads the amend form of ref as a browser would post it back:
// every field as pre-filled, the base revision and the token.
func amendForm(t *testing.T, b *browser, ref string) url.Values {
	t.Helper()
	st, page := b.get("/entries/" + ref + "/amend")
	if st != http.StatusOK {
		t.Fatalf("amend form: %d", st)
	}
	v := url.Values{}
	for _, m := range inputRE.FindAllStringSubmatch(page, -1) {
		if m[1] != "illustrative" && m[1] != "next" {
			v.Set(m[1], htmlUnescape(m[2]))
		}
	}
	if v.Get("revision") == "" {
		t.Fatal("the amend form carries no revision")
	}
	return v
}

func htmlUnescape(s string) string {
	return strings.NewReplacer("&#39;", "'", "&amp;", "&", "&lt;", "<", "&gt;", ">", "&#34;", `"`).Replace(s)
}

// Two officers open the amend form of the same entry; the first records a
// new amount, the second (a Dutch reader) a note: the second is refused
// with what changed, keeps the note, gets the first one's amount, and
// recording again keeps both changes.
func TestAmendFormConflict(t *testing.T) {
	storetest.Each(t, func(t *testing.T, engine store.Dialect) {
		e := newEnv(t, engine, Config{})
		a, b := e.browser(), e.browser()
		a.login("officer")
		b.login("admin")
		b.lang = "nl-BE"
		const ref = "bel-pledge-2021-stab"
		fa, fb := amendForm(t, a, ref), amendForm(t, b, ref)
		if fa.Get("amount") != "5,000,000.00" || fb.Get("amount") != "5.000.000,00" {
			t.Fatalf("amounts pre-filled as %q (en) and %q (nl)", fa.Get("amount"), fb.Get("amount"))
		}
		fa.Set("amount", "5,500,000.00")
		fa.Set("reason", "budget review")
		if st, out := a.post("/entries/"+ref+"/amend", fa); st != http.StatusSeeOther {
			t.Fatalf("first amend: %d %s", st, out)
		}
		fb.Set("note", "confirmed by letter")
		fb.Set("reason", "add the letter")
		st, page := b.post("/entries/"+ref+"/amend", fb)
		if st != http.StatusConflict {
			t.Fatalf("second, stale amend: %d, want 409", st)
		}
		for _, want := range []string{"niets opgeslagen", "versie 2", "door officer", "5.000.000,00", "5.500.000,00", "Bedrag",
			`name="note" value="confirmed by letter"`, `name="reason" value="add the letter"`, `name="amount" value="5.500.000,00"`,
			`name="revision" value="2"`} {
			if !strings.Contains(page, want) {
				t.Errorf("the conflict page lacks %q", want)
			}
		}
		if h, _ := e.st.History(t.Context(), ref); len(h) != 2 {
			t.Fatalf("the stale amend wrote: %d revisions", len(h))
		}
		again := amendFormFrom(page)
		if st, out := b.post("/entries/"+ref+"/amend", again); st != http.StatusSeeOther {
			t.Fatalf("sent again: %d %s", st, out)
		}
		cur, err := e.st.Current(t.Context(), ref)
		if err != nil || cur.Rev != 3 || cur.Entry.Note != "confirmed by letter" || cur.Entry.Amount.Decimal.String() != "5500000" {
			t.Fatalf("after both: rev %d note %q amount %s %v", cur.Rev, cur.Entry.Note, cur.Entry.Amount.Decimal, err)
		}

		// A field both changed is marked, and what was typed is what counts.
		fa, fb = amendForm(t, a, ref), amendForm(t, b, ref)
		fa.Set("note", "from the ministry")
		fa.Set("reason", "wording")
		if st, _ := a.post("/entries/"+ref+"/amend", fa); st != http.StatusSeeOther {
			t.Fatal("amend of the note")
		}
		fb.Set("note", "from the embassy")
		fb.Set("reason", "wording")
		st, page = b.post("/entries/"+ref+"/amend", fb)
		if st != http.StatusConflict || !strings.Contains(page, `name="note" value="from the embassy"`) || !strings.Contains(page, "Ook door een collega gewijzigd, naar from the ministry") {
			t.Fatalf("both changed the note: %d", st)
		}

		// A stale void is refused the same way, and keeps the reason.
		v := url.Values{"csrf": {b.csrf("/entries/" + ref)}, "revision": {"1"}, "reason": {"entered twice"}}
		st, page = b.post("/entries/"+ref+"/void", v)
		if st != http.StatusConflict || !strings.Contains(page, `value="entered twice"`) || !strings.Contains(page, `name="revision" value="4"`) {
			t.Fatalf("stale void: %d", st)
		}
		if cur, _ := e.st.Current(t.Context(), ref); cur.Rev != 4 {
			t.Fatalf("the stale void wrote")
		}
	})
}

// amendFormFrom reads the form of a page back, as a browser submits it.
func amendFormFrom(page string) url.Values {
	v := url.Values{}
	for _, m := range inputRE.FindAllStringSubmatch(page, -1) {
		if m[1] != "illustrative" && m[1] != "next" {
			v.Set(m[1], htmlUnescape(m[2]))
		}
	}
	return v
}

// The API serves the revision's ETag; amend and void take it in If-Match:
// a stale one is 412 with the changes since, nothing written; none applies
// the named changes to the current revision.
func TestAPIIfMatch(t *testing.T) {
	storetest.Each(t, func(t *testing.T, engine store.Dialect) {
		e := newEnv(t, engine, Config{})
		tok := e.tokens["officer"]
		const path = "/api/v1/entries/bel-pledge-2021-stab"
		st, _, h := e.api("GET", path, tok, "")
		if st != 200 || h.Get("ETag") != `"rev-1"` {
			t.Fatalf("GET: %d ETag %q", st, h.Get("ETag"))
		}
		st, body, h := e.api("POST", path+"/amend", tok, `{"changes":{"amount":"5500000.00"},"reason":"budget review"}`, "If-Match", `"rev-1"`)
		if st != 200 || h.Get("ETag") != `"rev-2"` {
			t.Fatalf("amend with the current ETag: %d %s %q", st, body, h.Get("ETag"))
		}
		st, body, h = e.api("POST", path+"/amend", tok, `{"changes":{"note":"x"},"reason":"note"}`, "If-Match", `"rev-1"`)
		var out apiErrorBody
		if err := json.Unmarshal([]byte(body), &out); err != nil {
			t.Fatal(err)
		}
		if st != http.StatusPreconditionFailed || out.Error.Code != "stale_revision" || h.Get("ETag") != `"rev-2"` ||
			out.Error.Current == nil || *out.Error.Current != 2 || len(out.Error.Since) != 1 ||
			out.Error.Since[0].Author != "officer" || out.Error.Since[0].Fields[0].Field != "amount" ||
			out.Error.Since[0].Fields[0].Old != "5000000.00" || out.Error.Since[0].Fields[0].New != "5500000.00" {
			t.Fatalf("stale amend: %d %s %q", st, body, h.Get("ETag"))
		}
		if st, body, _ := e.api("POST", path+"/void", tok, `{"reason":"twice"}`, "If-Match", `W/"rev-2"`); st != http.StatusPreconditionFailed {
			t.Fatalf("void with a weak tag: %d %s", st, body)
		}
		if st, body, _ := e.api("POST", path+"/void", tok, `{"reason":"twice"}`, "If-Match", `"rev-1", "rev-2"`); st != http.StatusBadRequest {
			t.Fatalf("void with two tags: %d %s", st, body)
		}
		if cur, _ := e.st.Current(t.Context(), "bel-pledge-2021-stab"); cur.Rev != 2 {
			t.Fatalf("a refused request wrote: revision %d", cur.Rev)
		}
		// Without If-Match: the named change on whatever is current.
		if st, body, h := e.api("POST", path+"/amend", tok, `{"changes":{"note":"y"},"reason":"note"}`); st != 200 || h.Get("ETag") != `"rev-3"` {
			t.Fatalf("amend without If-Match: %d %s", st, body)
		}
		if st, body, h := e.api("POST", path+"/void", tok, `{"reason":"twice"}`, "If-Match", `"rev-3"`); st != 200 || h.Get("ETag") != `"rev-4"` {
			t.Fatalf("void with the current ETag: %d %s", st, body)
		}
	})
}

// The pages speak the user's language: Accept-Language first, then the
// language the user chose in the header, which also decides how amounts
// are read and written, and the <html lang>.
func TestPageLanguage(t *testing.T) {
	storetest.Each(t, func(t *testing.T, engine store.Dialect) {
		e := newEnv(t, engine, Config{})
		b := e.browser()
		b.lang = "fr-BE,fr;q=0.9"
		if _, page := b.get("/login"); !strings.Contains(page, `<html lang="fr">`) || !strings.Contains(page, "Se connecter") {
			t.Fatal("login page not in French for a French browser")
		}
		b.login("officer")
		if _, page := b.get("/entries?party=BEL"); !strings.Contains(page, "Écritures") || !strings.Contains(page, "5 000 000,00 EUR") {
			t.Fatalf("entries in French: %s", page)
		}
		st, _ := b.post("/language", url.Values{"csrf": {b.csrf("/entries")}, "lang": {"nl"}, "next": {"/entries?party=BEL"}})
		if st != http.StatusSeeOther {
			t.Fatalf("choose Dutch: %d", st)
		}
		_, page := b.get("/entries?party=BEL")
		if !strings.Contains(page, `<html lang="nl">`) || !strings.Contains(page, "Boekingen") || !strings.Contains(page, "meer dan 18.000.000,00 EUR") {
			t.Fatalf("the chosen Dutch does not win over the browser's French")
		}
		// A Dutch officer types the Belgian way.
		form := url.Values{"csrf": {b.csrf("/entries/new")}, "kind": {"pledge"}, "ref": {"nl-typed"}, "party": {"NLD"}, "date": {"15/09/2021"},
			"amount": {"1.250.000,50"}, "currency": {"EUR"}}
		if st, out := b.post("/entries", form); st != http.StatusSeeOther {
			t.Fatalf("Dutch notation: %d %s", st, out)
		}
		if cur, _ := e.st.Current(t.Context(), "nl-typed"); cur.Entry.Amount.Decimal.String() != "1250000.5" || cur.Entry.Date.String() != "2021-09-15" {
			t.Fatalf("read as %s on %s", cur.Entry.Amount.Decimal, cur.Entry.Date)
		}
		// Errors name the field by its label, never by the column.
		form.Set("ref", "nl-typed-2")
		form.Set("toward", "no-such-need")
		_, page = b.post("/entries", form)
		if !strings.Contains(page, "Voor behoefte") || strings.Contains(page, "toward:") {
			t.Errorf("the toward problem is not phrased for the form")
		}
		if st, _ := b.post("/language", url.Values{"csrf": {b.csrf("/entries")}, "lang": {"de"}}); st != http.StatusBadRequest {
			t.Errorf("an unknown language: %d", st)
		}
	})
}
