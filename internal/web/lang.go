package web

import (
	"net/http"
	"net/url"
	"slices"

	"github.com/coalition/pledger/internal/ledger"
	"github.com/coalition/pledger/internal/model"
	"golang.org/x/text/language"
)

// The pages' language. Every word of a page comes from the one catalog of
// internal/model (reports/ui.json, keys "ui.*"), in the language the
// signed-in user chose (the selector in every page's header, stored with
// the user), else the best match of the browser's Accept-Language, else
// English. The same choice decides how amounts and dates are read from a
// form and written on a page (ledger.NotationOf, model.Lang.Number), and
// the <html lang> attribute.

var webLanguages = language.NewMatcher([]language.Tag{language.English, language.Dutch, language.French})

// langOf is the language of the pages for user (may be nil) behind r.
func langOf(r *http.Request, userLang string) *model.Lang {
	if slices.Contains(model.Languages, userLang) {
		return model.MustLang(userLang)
	}
	tags, _, _ := language.ParseAcceptLanguage(r.Header.Get("Accept-Language"))
	if len(tags) == 0 {
		return model.MustLang("en")
	}
	_, i, conf := webLanguages.Match(tags...)
	if conf == language.No {
		return model.MustLang("en")
	}
	return model.MustLang(model.Languages[i])
}

// notation is how a reader of l writes amounts and dates: the Belgian way
// in Dutch and French (1.250.000,50 and 15/09/2021).
func notation(l *model.Lang) ledger.Notation { return ledger.NotationOf(l.Code) }

// languageNames are the selector's options, each in its own language.
var languageNames = []struct{ Code, Name string }{{"en", "English"}, {"nl", "Nederlands"}, {"fr", "Français"}}

// setLanguage records the language the signed-in user chose and goes back
// to the page they were on.
func (s *Server) setLanguage(w http.ResponseWriter, r *http.Request, p *principal) {
	lang := r.PostFormValue("lang")
	if lang != "" && !slices.Contains(model.Languages, lang) {
		s.errorPage(w, r, p, ledger.Fail(ledger.ErrInvalid, "bad_lang", "lang", lang, "%q: use en, nl or fr", lang))
		return
	}
	if err := s.st.SetUserLang(r.Context(), p.user.Name, lang); err != nil {
		s.errorPage(w, r, p, err)
		return
	}
	back := safeNext(r.PostFormValue("next"))
	if u, err := url.Parse(back); err != nil || u.Host != "" {
		back = "/"
	}
	http.Redirect(w, r, back, http.StatusSeeOther)
}
