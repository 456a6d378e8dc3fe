package web

import (
	"errors"
	"maps"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/coalition/pledger/internal/ledger"
	"github.com/coalition/pledger/internal/money"
	"github.com/coalition/pledger/internal/report"
	"github.com/coalition/pledger/internal/store"
	"golang.org/x/text/language"
)

const pageSize = 50

type entriesData struct {
	pageData
	Q       url.Values
	Kinds   []ledger.Kind
	Entries []ledger.Revision
	Values  []string // each entry's value in ValueIn, as reports count it ("" when none asked for)
	ValueIn string
	Total   int
	Page    int
	Prev    string
	Next    string
	Problem string
}

// entryFilter reads the list filters from the query string.
func entryFilter(q url.Values) (store.Filter, error) {
	var f store.Filter
	if k := q.Get("kind"); k != "" {
		kind, err := ledger.ParseKind(k)
		if err != nil {
			return f, err
		}
		f.Kinds = []ledger.Kind{kind}
	}
	if p := strings.TrimSpace(q.Get("party")); p != "" {
		f.Parties = []string{strings.ToUpper(p)}
	}
	if v := strings.TrimSpace(q.Get("sector")); v != "" {
		f.Sectors = []string{v}
	}
	if v := strings.TrimSpace(q.Get("location")); strings.EqualFold(v, ledger.Multiple) {
		f.Locations = []string{ledger.Multiple}
	} else if v != "" {
		code, ok := ledger.ParseLocation(v)
		if !ok {
			return f, &ledger.Problems{List: []ledger.Problem{{Field: "location", Msg: "not an ISO 3166-1 country code"}}}
		}
		f.Locations = []string{code}
	}
	for _, k := range []string{"from", "to"} {
		if v := q.Get(k); v != "" {
			d, err := ledger.ParseDate(v)
			if err != nil {
				return f, &ledger.Problems{List: []ledger.Problem{{Field: k, Msg: err.Error()}}}
			}
			if k == "from" {
				f.From = d.First().Format(time.DateOnly)
			} else {
				f.To = d.Last().Format(time.DateOnly)
			}
		}
	}
	f.SearchText = strings.TrimSpace(q.Get("q"))
	return f, nil
}

func (s *Server) entriesList(w http.ResponseWriter, r *http.Request, p *principal) {
	q := r.URL.Query()
	d := &entriesData{pageData: pageData{Title: "Entries"}, Q: q, Kinds: ledger.Kinds}
	s.fill(&d.pageData, p)
	f, err := entryFilter(q)
	if err != nil {
		d.Problem = phraseError(err)
		s.render(w, r, http.StatusBadRequest, "entries", d)
		return
	}
	d.Page, _ = strconv.Atoi(q.Get("page"))
	if d.Page < 1 {
		d.Page = 1
	}
	if d.Total, err = s.st.CountEntries(r.Context(), f); err != nil {
		s.errorPage(w, r, p, err)
		return
	}
	f.Limit, f.Skip = pageSize, (d.Page-1)*pageSize
	var val *report.Valuer
	if cur := strings.TrimSpace(q.Get("currency")); cur != "" {
		req := reportRequest(q)
		opt, err := report.Request{Currency: req.Currency, Valuation: req.Valuation, MaxStale: req.MaxStale, RateSources: req.RateSources}.Options(r.Context(), s.st)
		// The value counts what a report with the list's sector and
		// location filters counts.
		opt.Sectors, opt.Locations = f.Sectors, f.Locations
		if err == nil {
			val, err = report.NewValuer(r.Context(), s.st, opt)
		}
		if err != nil {
			d.Problem = phraseError(err)
			s.render(w, r, http.StatusBadRequest, "entries", d)
			return
		}
		d.ValueIn = val.Currency().Code
	}
	err = s.st.Entries(r.Context(), f, func(rev ledger.Revision) error {
		d.Entries = append(d.Entries, rev)
		if val != nil {
			v, ok, err := val.Value(rev.Entry)
			if err != nil {
				return err
			}
			text := ""
			if ok {
				text = money.Fixed(v, val.Currency())
			}
			d.Values = append(d.Values, text)
		}
		return nil
	})
	if err != nil {
		s.errorPage(w, r, p, err)
		return
	}
	link := func(page int) string {
		v := url.Values{}
		for k, vs := range q {
			v[k] = vs
		}
		v.Set("page", strconv.Itoa(page))
		return "/entries?" + v.Encode()
	}
	if d.Page > 1 {
		d.Prev = link(d.Page - 1)
	}
	if d.Page*pageSize < d.Total {
		d.Next = link(d.Page + 1)
	}
	s.render(w, r, http.StatusOK, "entries", d)
}

type entryData struct {
	pageData
	Entry    ledger.Revision
	History  []historyRow
	Problem  map[string]string
	Reason   string
	Warnings []string // about the entry's place in its chain
}

type historyRow struct {
	Rev     ledger.Revision
	Changes [][2]string
}

func (s *Server) entryShow(w http.ResponseWriter, r *http.Request, p *principal) {
	s.showEntry(w, r, p, http.StatusOK, nil, "")
}

func (s *Server) showEntry(w http.ResponseWriter, r *http.Request, p *principal, status int, problems map[string]string, reason string) {
	ref := r.PathValue("ref")
	hist, err := s.st.History(r.Context(), ref)
	if err != nil {
		s.errorPage(w, r, p, err)
		return
	}
	d := &entryData{pageData: pageData{Title: "Entry " + ref}, Entry: hist[len(hist)-1], Problem: problems, Reason: reason}
	s.fill(&d.pageData, p)
	var prev ledger.Fields
	for _, rev := range hist {
		cur := rev.Entry.Fields()
		var ch [][2]string
		if rev.Action != ledger.Void {
			for _, c := range ledger.Columns {
				if (prev == nil && cur[c] != "") || (prev != nil && prev[c] != cur[c]) {
					ch = append(ch, [2]string{c, cur[c]})
				}
			}
		}
		prev = cur
		d.History = append(d.History, historyRow{Rev: rev, Changes: ch})
	}
	if d.Entry.Action != ledger.Void {
		ws, err := s.st.ChainWarnings(r.Context(), d.Entry.Entry)
		if err != nil {
			s.errorPage(w, r, p, err)
			return
		}
		for _, w := range ws {
			d.Warnings = append(d.Warnings, phraseProblem(w))
		}
	}
	s.render(w, r, status, "entry", d)
}

// formData is an entry form: what the user typed, and the problem of
// each field, from the same ledger.ParseEntry the CLI and CSV import use.
type formData struct {
	pageData
	Action  string // "add" or "amend"
	Ref     string
	Values  map[string]string
	Problem map[string]string
	Other   []string // problems not tied to a field
	Kinds   []ledger.Kind
	Fields  []string
}

var formFields = []string{"party", "date", "end", "amount", "currency", "qualifier", "quantity", "asset", "sector", "location", "toward", "fulfils", "source", "note"}

// postedFields are the fields a form posts: the text fields and the
// illustrative checkbox ("true" when ticked, absent, so "", when not).
var postedFields = append(slices.Clone(formFields), "illustrative")

func newFormData(p *principal, s *Server, action string) *formData {
	d := &formData{pageData: pageData{Title: "New entry"}, Action: action, Values: map[string]string{}, Problem: map[string]string{},
		Kinds: ledger.Kinds, Fields: formFields}
	s.fill(&d.pageData, p)
	return d
}

func (d *formData) problems(ps []ledger.Problem) {
	for _, pr := range ps {
		if pr.Field == "" {
			d.Other = append(d.Other, phraseProblem(pr))
			continue
		}
		if d.Problem[pr.Field] != "" {
			d.Problem[pr.Field] += "; "
		}
		d.Problem[pr.Field] += phraseProblem(pr)
	}
}

func (s *Server) entryNewForm(w http.ResponseWriter, r *http.Request, p *principal) {
	d := newFormData(p, s, "add")
	for _, k := range append([]string{"kind", "ref"}, postedFields...) {
		d.Values[k] = r.URL.Query().Get(k)
	}
	if v, ok := ledger.ParseFlag(d.Values["illustrative"]); ok && v {
		d.Values["illustrative"] = "true"
	}
	s.render(w, r, http.StatusOK, "form", d)
}

// formFieldsOf reads an entry's fields from a posted form.
// notationOf is how the person behind r writes amounts and dates: the
// Belgian way in Dutch and French (1.250.000,50 and 15/09/2021), by their
// browser's languages.
func notationOf(r *http.Request) ledger.Notation {
	tags, _, _ := language.ParseAcceptLanguage(r.Header.Get("Accept-Language"))
	_, i, _ := webLanguages.Match(tags...)
	return ledger.NotationOf([]string{"en", "nl", "fr"}[i])
}

var webLanguages = language.NewMatcher([]language.Tag{language.English, language.Dutch, language.French})

func formFieldsOf(r *http.Request, keys []string) ledger.Fields {
	f := ledger.Fields{}
	for _, k := range keys {
		f[k] = r.PostFormValue(k)
	}
	return f
}

func (s *Server) entryCreate(w http.ResponseWriter, r *http.Request, p *principal) {
	d := newFormData(p, s, "add")
	f := formFieldsOf(r, append([]string{"kind", "ref"}, postedFields...))
	maps.Copy(d.Values, f)
	known := s.st.PartyCheck(r.Context())
	// Amounts and dates as the person writes them in their language.
	f, ps := ledger.HumanFields(f, notationOf(r), 0)
	e, more := ledger.ParseEntry(f, 0, known.Known, ledger.RefOptional)
	ps = append(ps, more...)
	if err := known.Err(); err != nil {
		s.errorPage(w, r, p, err)
		return
	}
	if len(ps) == 0 {
		_, err := s.st.Add(r.Context(), e, p.user.Name)
		var pl *ledger.Problems
		var fl *ledger.Failure
		switch {
		case errors.As(err, &pl):
			ps = pl.List
		case errors.As(err, &fl):
			ps = []ledger.Problem{{Field: fl.Field, Code: fl.Code, Value: fl.Value, Msg: fl.Msg}}
		case err != nil:
			s.errorPage(w, r, p, err)
			return
		}
	}
	if len(ps) > 0 {
		d.problems(ps)
		s.render(w, r, http.StatusBadRequest, "form", d)
		return
	}
	s.audit(r.Context(), p, "add", "ref", e.Ref, "kind", e.Kind, "party", e.Party)
	http.Redirect(w, r, "/entries/"+url.PathEscape(e.Ref), http.StatusSeeOther)
}

func (s *Server) entryAmendForm(w http.ResponseWriter, r *http.Request, p *principal) {
	cur, err := s.st.Current(r.Context(), r.PathValue("ref"))
	if err != nil {
		s.errorPage(w, r, p, err)
		return
	}
	d := newFormData(p, s, "amend")
	d.Title, d.Ref = "Amend "+cur.Ref, cur.Ref
	maps.Copy(d.Values, cur.Entry.Fields())
	s.render(w, r, http.StatusOK, "form", d)
}

func (s *Server) entryAmend(w http.ResponseWriter, r *http.Request, p *principal) {
	ref := r.PathValue("ref")
	d := newFormData(p, s, "amend")
	d.Title, d.Ref = "Amend "+ref, ref
	cur, err := s.st.Current(r.Context(), ref)
	if err != nil {
		s.errorPage(w, r, p, err)
		return
	}
	curF := cur.Entry.Fields()
	posted := formFieldsOf(r, postedFields)
	changes := ledger.Fields{}
	for k, v := range posted {
		d.Values[k] = v
		if strings.TrimSpace(v) != curF[k] {
			changes[k] = v
		}
	}
	d.Values["kind"] = string(cur.Entry.Kind)
	d.Values["reason"] = r.PostFormValue("reason")
	// What was changed is read as the person writes amounts and dates.
	changes, ps := ledger.HumanFields(changes, notationOf(r), 0)
	if len(ps) > 0 {
		d.problems(ps)
		s.render(w, r, http.StatusBadRequest, "form", d)
		return
	}
	for k, v := range changes {
		if v == curF[k] {
			delete(changes, k)
		}
	}
	if len(changes) == 0 {
		d.Other = append(d.Other, "nothing changes: edit a field first")
		s.render(w, r, http.StatusBadRequest, "form", d)
		return
	}
	if _, err := s.st.Amend(r.Context(), ref, changes, r.PostFormValue("reason"), p.user.Name); err != nil {
		var pl *ledger.Problems
		if errors.As(err, &pl) {
			d.problems(pl.List)
			s.render(w, r, http.StatusBadRequest, "form", d)
			return
		}
		s.errorPage(w, r, p, err)
		return
	}
	s.audit(r.Context(), p, "amend", "ref", ref)
	http.Redirect(w, r, "/entries/"+url.PathEscape(ref), http.StatusSeeOther)
}

func (s *Server) entryVoid(w http.ResponseWriter, r *http.Request, p *principal) {
	ref := r.PathValue("ref")
	reason := r.PostFormValue("reason")
	if _, err := s.st.Void(r.Context(), ref, reason, p.user.Name); err != nil {
		var pl *ledger.Problems
		if errors.As(err, &pl) {
			problems := map[string]string{}
			for _, pr := range pl.List {
				problems[pr.Field] = phraseProblem(pr)
			}
			s.showEntry(w, r, p, http.StatusBadRequest, problems, reason)
			return
		}
		s.errorPage(w, r, p, err)
		return
	}
	s.audit(r.Context(), p, "void", "ref", ref)
	http.Redirect(w, r, "/entries/"+url.PathEscape(ref), http.StatusSeeOther)
}
