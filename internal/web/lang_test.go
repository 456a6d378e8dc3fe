package web

import (
	"html"
	"io/fs"
	"maps"
	"net/http"
	"net/url"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/coalition/pledger/internal/model"
	"github.com/coalition/pledger/internal/store"
	"github.com/coalition/pledger/internal/store/storetest"
)

// The UI catalog has every word in every language, with the same verbs,
// and every key a template names is in it.
func TestUICatalog(t *testing.T) {
	en := model.Words("en", "ui.")
	if len(en) < 100 {
		t.Fatalf("only %d ui words in English", len(en))
	}
	verbs := regexp.MustCompile(`%[a-z%]`)
	for _, lang := range []string{"nl", "fr"} {
		words := model.Words(lang, "ui.")
		for _, k := range slices.Sorted(maps.Keys(en)) {
			w, ok := words[k]
			if !ok {
				t.Errorf("%s: no %s", lang, k)
				continue
			}
			if a, b := verbs.FindAllString(en[k], -1), verbs.FindAllString(w, -1); !slices.Equal(a, b) {
				t.Errorf("%s %s: verbs %v, English has %v", lang, k, b, a)
			}
		}
		for k := range words {
			if _, ok := en[k]; !ok {
				t.Errorf("%s has %s, English has not", lang, k)
			}
		}
	}
	used := regexp.MustCompile(`T "(ui\.[a-z0-9_.-]+)"`)
	names, _ := fs.Glob(templateFS, "templates/*.html")
	for _, n := range names {
		b, _ := fs.ReadFile(templateFS, n)
		for _, m := range used.FindAllStringSubmatch(string(b), -1) {
			if _, ok := en[m[1]]; !ok {
				t.Errorf("%s uses %s, which the catalog lacks", n, m[1])
			}
		}
	}
}

// Every page renders in every language, in that language, with no English
// left on the Dutch and French pages' menus.
func TestPagesInEveryLanguage(t *testing.T) {
	storetest.Each(t, func(t *testing.T, engine store.Dialect) {
		e := newEnv(t, engine, Config{})
		b := e.browser()
		b.login("admin")
		pages := []string{"/entries", "/entries?party=BEL&currency=EUR", "/entries/new", "/entries/coal-need-2021-stab",
			"/entries/bel-pledge-2021-stab/amend", "/import", "/rates", "/reports", "/published", "/parties", "/users", "/users/officer/tokens", "/account", "/entries/nope"}
		for _, lang := range model.Languages {
			if st, _ := b.post("/language", url.Values{"csrf": {b.csrf("/entries")}, "lang": {lang}}); st != http.StatusSeeOther {
				t.Fatalf("choose %s: %d", lang, st)
			}
			menu := html.EscapeString(model.MustLang(lang).T("ui.nav.reports"))
			for _, p := range pages {
				st, page := b.get(p)
				if st != http.StatusOK && !(p == "/entries/nope" && st == http.StatusNotFound) {
					t.Errorf("%s [%s]: %d", p, lang, st)
					continue
				}
				if !strings.Contains(page, `<html lang="`+lang+`">`) || !strings.Contains(page, menu) {
					t.Errorf("%s [%s]: not in %s", p, lang, lang)
				}
				if lang != "en" && strings.Contains(page, "Sign out") {
					t.Errorf("%s [%s]: English left in the header", p, lang)
				}
			}
		}
	})
}
