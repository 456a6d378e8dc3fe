package web

import (
	"context"
	"strings"
	"testing"

	"github.com/chromedp/cdproto/network"
	"github.com/chromedp/chromedp"
	"github.com/coalition/pledger/internal/browsertest"
	"github.com/coalition/pledger/internal/ledger"
	"github.com/coalition/pledger/internal/store"
	"github.com/coalition/pledger/internal/store/storetest"
)

// axeCheck runs axe-core on the page in ctx and fails t on every serious
// or critical violation; it also checks that the page says its language.
func axeCheck(t *testing.T, ctx context.Context, lang, what string) {
	t.Helper()
	got, err := chromedp.Run(ctx, chromedp.Evaluate[string](`document.documentElement.lang`))
	if err != nil {
		t.Fatal(err)
	}
	if got != lang {
		t.Errorf("%s [%s]: <html lang=%q>", what, lang, got)
	}
	vs, err := browsertest.Axe(ctx)
	if err != nil {
		t.Fatalf("%s [%s]: %v", what, lang, err)
	}
	for _, v := range vs {
		t.Errorf("%s [%s]: %s", what, lang, v)
	}
}

// acceptLanguage makes the tab's browser ask for lang.
func acceptLanguage(t *testing.T, ctx context.Context, lang string) {
	t.Helper()
	if _, err := chromedp.Call(ctx, network.SetExtraHTTPHeaders, network.SetExtraHTTPHeadersParams{Headers: network.Headers{"Accept-Language": lang}}); err != nil {
		t.Fatal(err)
	}
}

// Every page of the web app, in English, Dutch and French, passes axe-core
// with no serious or critical violation; the language is the one the user
// chose in the header, and the sign-in page follows the browser's. The
// markup does not depend on the database engine, and axe costs about half a
// minute per language on this machine's two cores: the check runs on
// SQLite only (the other browser tests run on both engines).
func TestBrowserAccessibility(t *testing.T) {
	browser := browsertest.Start(t)
	t.Run("sqlite", func(t *testing.T) {
		engine := store.SQLite
		e := newEnv(t, engine, Config{})
		base := e.srv.URL
		// A chain warning for the entry page, and a published dashboard.
		if _, err := e.st.Amend(t.Context(), "bel-pledge-2021-stab", 0, ledger.Fields{"date": "2015"}, "test: a pledge dated before its need", "officer"); err != nil {
			t.Fatal(err)
		}
		ab := e.browser()
		ab.login("analyst")
		if st, _ := ab.post("/publish", map[string][]string{"csrf": {ab.csrf("/reports")}, "title": {"Briefing"}, "currency": {"EUR"}}); st != 303 {
			t.Fatalf("publish: %d", st)
		}
		pages := []string{"/entries", "/entries?party=BEL&currency=USD", "/entries/new", "/entries/coal-need-2021-stab",
			"/entries/bel-com-2016-stab", "/entries/bel-pledge-2021-stab/amend", "/import", "/rates", "/reports", "/published",
			"/parties", "/users", "/users/officer/tokens", "/account", "/entries/no-such-ref"}
		for _, lang := range []string{"en", "nl", "fr"} {
			// One person per language: a browser context of their own
			// (cookies), a tab for each page.
			person, cancel := chromedp.NewContext(browser, chromedp.WithNewBrowserContext())
			defer cancel()
			if err := chromedp.Do(person); err != nil {
				t.Fatal(err)
			}
			ctx := tab(t, person)
			acceptLanguage(t, ctx, lang)
			do(t, ctx, chromedp.Navigate(base+"/login"), chromedp.WaitVisible(chromedp.CSS(`input[name=name]`)))
			axeCheck(t, ctx, lang, "/login")
			// A wrong password: the page with its message.
			do(t, ctx, chromedp.SendKeys(chromedp.CSS(`input[name=name]`), "admin"),
				chromedp.SendKeys(chromedp.CSS(`input[name=password]`), "wrong password"),
				chromedp.Submit(chromedp.CSS(`input[name=password]`)), chromedp.WaitVisible(chromedp.CSS(`.problems`)))
			axeCheck(t, ctx, lang, "/login (failed)")
			// The browser says English from here on: the choice in the
			// header must win over it.
			ctx = tab(t, person)
			acceptLanguage(t, ctx, "en")
			signIn(t, ctx, base, "admin")
			do(t, ctx, chromedp.SetValue(chromedp.CSS(`#ui-lang`), lang),
				chromedp.Submit(chromedp.CSS(`#ui-lang`)), chromedp.WaitReady(chromedp.CSS(`html[lang=`+lang+`] main h1`)))
			for _, path := range pages {
				ctx := tab(t, person)
				acceptLanguage(t, ctx, "en")
				do(t, ctx, chromedp.Navigate(base+path), chromedp.WaitVisible(chromedp.CSS(`main h1`)))
				axeCheck(t, ctx, lang, path)
				if title, _ := chromedp.Run(ctx, chromedp.Title()); !strings.HasSuffix(title, "· pledger") || len(title) < 12 {
					t.Errorf("%s [%s]: page title %q", path, lang, title)
				}
			}
			// The entry form with problems shown next to its fields.
			ctx = tab(t, person)
			do(t, ctx, chromedp.Navigate(base+"/entries/new"),
				chromedp.SendKeys(chromedp.CSS(`input[name=amount]`), "5.000"),
				chromedp.SendKeys(chromedp.CSS(`input[name=toward]`), "no-such-need"),
				chromedp.Submit(chromedp.CSS(`input[name=amount]`)), chromedp.WaitVisible(chromedp.CSS(`.field-error`)))
			axeCheck(t, ctx, lang, "/entries (problems)")
			screenshot(t, ctx, "form-problems-"+lang+"-"+string(engine))
			// The void form's problem.
			ctx = tab(t, person)
			do(t, ctx, chromedp.Navigate(base+"/entries/coal-need-2021-stab"),
				chromedp.Submit(chromedp.CSS(`form[action$="/void"] input[name=reason]`)), chromedp.WaitVisible(chromedp.CSS(`.field-error`)))
			axeCheck(t, ctx, lang, "/entries/coal-need-2021-stab (void)")
		}
	})
}

// Two officers open the amend form of the same entry and both change it:
// the second is told, field by field, what the first changed, and loses
// nothing of what they typed; sending again records both changes.
func TestBrowserAmendConflict(t *testing.T) {
	browser := browsertest.Start(t)
	storetest.Each(t, func(t *testing.T, engine store.Dialect) {
		e := newEnv(t, engine, Config{})
		base := e.srv.URL
		const ref = "bel-pledge-2021-stab"
		// Two people: two browser contexts, each with its own cookies.
		first, second := tab(t, browser, chromedp.WithNewBrowserContext()), tab(t, browser, chromedp.WithNewBrowserContext())
		signIn(t, first, base, "officer")
		signIn(t, second, base, "admin")
		// The fulfils picker offers the pledges and commitments of the
		// party typed, and the toward picker the needs.
		do(t, first, chromedp.Navigate(base+"/entries/new"), chromedp.SendKeys(chromedp.CSS(`input[name=party]`), "bel"))
		picks, err := chromedp.Run(first, chromedp.Evaluate[[]string](`[...document.querySelectorAll('#dl-fulfils option')].map(o => o.dataset.party + ' ' + o.value)`))
		if err != nil || len(picks) == 0 {
			t.Fatalf("fulfils picker for BEL: %v %v", picks, err)
		}
		for _, p := range picks {
			if !strings.HasPrefix(p, "BEL ") {
				t.Errorf("the fulfils picker for BEL offers %s", p)
			}
		}
		if n, _ := chromedp.Run(first, chromedp.Evaluate[int](`document.querySelectorAll('#dl-toward option[value="coal-need-2021-stab"]').length`)); n != 1 {
			t.Errorf("the toward picker does not offer the 2021 need")
		}
		// The second officer reads Dutch.
		do(t, second, chromedp.SetValue(chromedp.CSS(`#ui-lang`), "nl"),
			chromedp.Submit(chromedp.CSS(`#ui-lang`)), chromedp.WaitReady(chromedp.CSS(`html[lang=nl] main h1`)))
		for _, ctx := range []context.Context{first, second} {
			do(t, ctx, chromedp.Navigate(base+"/entries/"+ref+"/amend"), chromedp.WaitVisible(chromedp.CSS(`input[name=amount]`)))
		}
		do(t, first,
			chromedp.SetValue(chromedp.CSS(`input[name=amount]`), "5,500,000.00"),
			chromedp.SetValue(chromedp.CSS(`select[name=qualifier]`), "at-least"),
			chromedp.SendKeys(chromedp.CSS(`input[name=reason]`), "budget review"),
			chromedp.Submit(chromedp.CSS(`input[name=reason]`)),
			chromedp.WaitVisible(chromedp.CSS(`dl.kv`)),
		)
		do(t, second,
			chromedp.SetValue(chromedp.CSS(`input[name=note]`), "bevestigd per brief"),
			chromedp.SetValue(chromedp.CSS(`input[name=source]`), "brief van 3 maart"),
			chromedp.SendKeys(chromedp.CSS(`input[name=reason]`), "brief toegevoegd"),
			chromedp.Submit(chromedp.CSS(`input[name=reason]`)),
		)
		do(t, second, chromedp.WaitVisible(chromedp.CSS(`.conflict`)))
		box := text(t, second, `.conflict`)
		for _, want := range []string{"versie 2", "officer", "budget review", "Bedrag", "5.000.000,00", "5.500.000,00", "precies → meer dan"} {
			if !strings.Contains(box, want) {
				t.Errorf("the conflict box lacks %q:\n%s", want, box)
			}
		}
		for field, want := range map[string]string{"note": "bevestigd per brief", "source": "brief van 3 maart", "reason": "brief toegevoegd", "amount": "5.500.000,00", "qualifier": "at-least"} {
			got, err := chromedp.Run(second, chromedp.Value(chromedp.CSS(`[name=`+field+`]`)))
			if err != nil || got != want {
				t.Errorf("after the conflict, %s is %q, want %q (%v)", field, got, want, err)
			}
		}
		if h, _ := e.st.History(t.Context(), ref); len(h) != 2 {
			t.Fatalf("the refused amendment wrote: %d revisions", len(h))
		}
		axeCheck(t, second, "nl", "amend conflict")
		screenshot(t, second, "amend-conflict-"+string(engine))
		do(t, second, chromedp.Submit(chromedp.CSS(`input[name=reason]`)), chromedp.WaitVisible(chromedp.CSS(`dl.kv`)))
		cur, err := e.st.Current(t.Context(), ref)
		if err != nil || cur.Rev != 3 || cur.Entry.Note != "bevestigd per brief" || cur.Entry.Source != "brief van 3 maart" ||
			cur.Entry.Amount.Decimal.String() != "5500000" || cur.Entry.Qualifier != ledger.AtLeast || cur.Author != "admin" {
			t.Fatalf("after sending again: %+v %v", cur, err)
		}
	})
}
