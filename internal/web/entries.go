package web

import (
	"context"
	"errors"
	"fmt"
	"maps"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/coalition/pledger/internal/ledger"
	"github.com/coalition/pledger/internal/model"
	"github.com/coalition/pledger/internal/report"
	"github.com/coalition/pledger/internal/store"
	"github.com/shopspring/decimal"
)

const pageSize = 50

type entriesData struct {
	pageData
	Q       url.Values
	Kinds   []ledger.Kind
	Entries []ledger.Revision
	Amounts []string // each entry's amount (or quantity) as the reader writes it
	Values  []string // each entry's value in ValueIn, as reports count it ("" when none asked for)
	Pick    *pickers
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
	if n := utf8.RuneCountInString(f.SearchText); n > maxSearch {
		return f, &ledger.Problems{List: []ledger.Problem{{Field: "q", Msg: fmt.Sprintf("%d characters: a search is %d characters at most", n, maxSearch)}}}
	}
	return f, nil
}

// maxSearch is the longest text search of the entry list, in characters.
const maxSearch = 200

// maxOffset is the most rows a list may skip: past any ledger's size,
// within every engine's integers.
const maxOffset = 1_000_000_000

// pagingParam reads the whole number key of a list's query string, from
// min to max (def when absent); anything else is bad input naming key.
func pagingParam(q url.Values, key string, def, min, max int) (int, error) {
	v := strings.TrimSpace(q.Get(key))
	if v == "" {
		return def, nil
	}
	n, err := strconv.Atoi(v)
	if err != nil || n < min || n > max {
		return 0, &ledger.Problems{List: []ledger.Problem{{Field: key, Value: ledger.Clip(v),
			Msg: fmt.Sprintf("%q: give a whole number from %d to %d", ledger.Clip(v), min, max)}}}
	}
	return n, nil
}

func (s *Server) entriesList(w http.ResponseWriter, r *http.Request, p *principal) {
	q := r.URL.Query()
	l := p.lang
	d := &entriesData{pageData: pageData{Title: l.T("ui.entries.title")}, Q: q, Kinds: ledger.Kinds}
	s.fill(&d.pageData, p)
	var err error
	if d.Pick, err = s.pickers(r.Context(), l, pickList{}); err != nil {
		s.errorPage(w, r, p, err)
		return
	}
	f, err := entryFilter(q)
	if err != nil {
		d.Problem = phraseError(l, err)
		s.render(w, r, http.StatusBadRequest, "entries", d)
		return
	}
	if d.Page, err = pagingParam(q, "page", 1, 1, maxOffset/pageSize); err != nil {
		d.Problem = phraseError(l, err)
		s.render(w, r, http.StatusBadRequest, "entries", d)
		return
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
			d.Problem = phraseError(l, err)
			s.render(w, r, http.StatusBadRequest, "entries", d)
			return
		}
		d.ValueIn = val.Currency().Code
	}
	err = s.st.Entries(r.Context(), f, func(rev ledger.Revision) error {
		d.Entries = append(d.Entries, rev)
		d.Amounts = append(d.Amounts, amountText(l, rev.Entry))
		if val != nil {
			v, ok, err := val.Value(rev.Entry)
			if err != nil {
				return err
			}
			text := ""
			if ok {
				text = l.Number(v, val.Currency().Units)
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
	Shown    [][2]string // label, value: the entry's fields as the reader writes them
	History  []historyRow
	Problem  map[string]string
	Reason   string
	Base     int       // the revision the void form is based on
	Conflict *conflict // what changed since the revision a refused void was based on
	Warnings []string  // about the entry's place in its chain
}

type historyRow struct {
	Rev     ledger.Revision
	Changes [][2]string
}

func (s *Server) entryShow(w http.ResponseWriter, r *http.Request, p *principal) {
	s.showEntry(w, r, p, http.StatusOK, nil, "", nil)
}

func (s *Server) showEntry(w http.ResponseWriter, r *http.Request, p *principal, status int, problems map[string]string, reason string, stale *ledger.StaleError) {
	ref := r.PathValue("ref")
	l := p.lang
	hist, err := s.st.History(r.Context(), ref)
	if err != nil {
		s.errorPage(w, r, p, err)
		return
	}
	cur := hist[len(hist)-1]
	d := &entryData{pageData: pageData{Title: l.T("ui.entry.title", ref)}, Entry: cur, Problem: problems, Reason: reason, Base: cur.Rev}
	s.fill(&d.pageData, p)
	if stale != nil {
		d.Conflict = newConflict(l, stale, "ui.conflict.void")
	}
	shown := displayFields(l, cur.Entry)
	added, err := s.st.AddedSectors(r.Context())
	if err != nil {
		s.errorPage(w, r, p, err)
		return
	}
	names := map[string]map[string]string{}
	for _, sec := range added {
		names[sec.Code] = sec.Name
	}
	for _, c := range ledger.Columns {
		if v := shown[c]; v != "" && c != "ref" && c != "illustrative" { // the title says illustrative
			if c == "kind" {
				v = l.Kind(v)
			}
			if c == "sector" {
				// By their names, the codes after them: "Ontmijning
				// (40%), Kampen en ontheemden (60%) · demining:40;camps:60".
				if named := l.WithSectors(names).List("sector", v); named != v {
					v = named + " · " + v
				}
			}
			if c == "qualifier" {
				if v = qualifierWord(l, v); v == "" {
					continue
				}
			}
			d.Shown = append(d.Shown, [2]string{fieldLabel(l, c), v})
		}
	}
	var prev ledger.Fields
	for _, rev := range hist {
		cur, shown := rev.Entry.Fields(), displayFields(l, rev.Entry)
		var ch [][2]string
		if rev.Action != ledger.Void {
			for _, c := range ledger.Columns {
				if (prev == nil && cur[c] != "") || (prev != nil && prev[c] != cur[c]) {
					ch = append(ch, [2]string{fieldLabel(l, c), shown[c]})
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
			d.Warnings = append(d.Warnings, phraseProblemLine(l, "", w))
		}
	}
	s.render(w, r, status, "entry", d)
}

// formData is an entry form: what the user typed, and the problem of
// each field, from the same ledger.ParseEntry the CLI and CSV import use.
type formData struct {
	pageData
	Action     string // "add" or "amend"
	Ref        string
	Values     map[string]string
	Problem    map[string]string
	Other      []string // problems not tied to a field
	Kinds      []ledger.Kind
	Inputs     []formInput
	Qualifiers [][2]string // value, words
	Pick       *pickers
	// Base is the revision an amendment is made from (the hidden field
	// "revision"); Conflict what changed since, when that was refused.
	Base                       int
	Conflict                   *conflict
	AmountExample, DateExample string
}

// formInput is one text field of the entry form.
type formInput struct {
	Name, Label, Value, Problem, Hint, List string
	Numeric                                 bool
}

var formFields = []string{"party", "date", "end", "amount", "currency", "qualifier", "quantity", "asset", "sector", "location", "toward", "fulfils", "source", "note", "title"}

// postedFields are the fields a form posts: the text fields and the
// illustrative checkbox ("true" when ticked, absent, so "", when not).
var postedFields = append(slices.Clone(formFields), "illustrative")

// fieldLists are the pickers (datalists) of the form's fields.
var fieldLists = map[string]string{"party": "dl-party", "currency": "dl-currency", "asset": "dl-asset", "sector": "dl-sector",
	"toward": "dl-toward", "fulfils": "dl-fulfils"}

func newFormData(p *principal, s *Server, action string) *formData {
	l := p.lang
	d := &formData{pageData: pageData{Title: l.T("ui.new.title")}, Action: action, Values: map[string]string{}, Problem: map[string]string{},
		Kinds: ledger.Kinds}
	for _, q := range ledger.Qualifiers {
		d.Qualifiers = append(d.Qualifiers, [2]string{string(q), l.T("ui.qualifier." + string(q))})
	}
	d.AmountExample = l.Number(decimal.RequireFromString("1250000.50"), 2)
	d.DateExample = "2021, 2021-10, 2021-10-31"
	if notation(l).DayFirst {
		d.DateExample += ", 31/10/2021"
	}
	s.fill(&d.pageData, p)
	return d
}

// finish lays out the form's inputs with their values and problems, and
// reads the pickers (the fulfils list follows the party typed).
func (d *formData) finish(ctx context.Context, s *Server, l *model.Lang) error {
	d.Inputs = nil
	for _, f := range formFields {
		in := formInput{Name: f, Label: fieldLabel(l, f), Value: d.Values[f], Problem: d.Problem[f], List: fieldLists[f], Numeric: f == "amount"}
		if l.Has("ui.hint.field." + f) {
			in.Hint = l.T("ui.hint.field." + f)
		}
		d.Inputs = append(d.Inputs, in)
	}
	pick, err := s.pickers(ctx, l, pickList{form: true, party: strings.ToUpper(strings.TrimSpace(d.Values["party"])), self: d.Ref})
	d.Pick = pick
	return err
}

func (s *Server) renderForm(w http.ResponseWriter, r *http.Request, p *principal, status int, d *formData) {
	if err := d.finish(r.Context(), s, p.lang); err != nil {
		s.errorPage(w, r, p, err)
		return
	}
	s.render(w, r, status, "form", d)
}

func (d *formData) problems(l *model.Lang, ps []ledger.Problem) {
	for _, pr := range ps {
		if pr.Field == "" || !slices.Contains(postedFields, pr.Field) && pr.Field != "reason" && pr.Field != "kind" && pr.Field != "ref" {
			d.Other = append(d.Other, phraseProblemLine(l, "", pr))
			continue
		}
		if d.Problem[pr.Field] != "" {
			d.Problem[pr.Field] += "; "
		}
		d.Problem[pr.Field] += phraseProblem(l, pr)
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
	s.renderForm(w, r, p, http.StatusOK, d)
}

// formFieldsOf reads an entry's fields from a posted form.
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
	sectors, err := s.st.SectorVocab(r.Context())
	if err != nil {
		s.errorPage(w, r, p, err)
		return
	}
	// Amounts and dates as the person writes them in their language.
	f, ps := ledger.HumanFields(f, notation(p.lang), 0)
	e, more := ledger.ParseEntry(f, 0, ledger.Known{Party: known.Known, Sectors: sectors}, ledger.RefOptional)
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
		d.problems(p.lang, ps)
		s.renderForm(w, r, p, http.StatusBadRequest, d)
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
	d.Title, d.Ref, d.Base = p.lang.T("ui.amend.title", cur.Ref), cur.Ref, cur.Rev
	// Pre-filled as the person writes (1.250.000,00 in Dutch): a field
	// left as it is reads back as the same value.
	maps.Copy(d.Values, displayFields(p.lang, cur.Entry))
	s.renderForm(w, r, p, http.StatusOK, d)
}

// entryAmend records a correction from the amend form. The form posts
// every field, pre-filled from the revision it was opened at (the hidden
// field "revision"): the fields that differ from that revision are the
// correction. If another revision was recorded since, nothing is written
// (409): the form comes back with what changed since, field by field, who
// and when, every value the person typed kept, the fields they left alone
// brought up to date, and its base moved to the current revision, so that
// sending it again records exactly what they meant.
func (s *Server) entryAmend(w http.ResponseWriter, r *http.Request, p *principal) {
	ref := r.PathValue("ref")
	l := p.lang
	d := newFormData(p, s, "amend")
	d.Title, d.Ref = l.T("ui.amend.title", ref), ref
	hist, err := s.st.History(r.Context(), ref)
	if err != nil {
		s.errorPage(w, r, p, err)
		return
	}
	cur := hist[len(hist)-1]
	base, _ := strconv.Atoi(r.PostFormValue("revision"))
	if base < 1 || base > cur.Rev {
		// A form without its revision (or with one that does not exist)
		// cannot say what its author saw: it is based on nothing.
		base = 0
	}
	from := cur
	if base > 0 {
		from = hist[base-1]
	}
	d.Base = base
	posted := formFieldsOf(r, postedFields)
	maps.Copy(d.Values, posted)
	d.Values["kind"] = string(cur.Entry.Kind)
	d.Values["reason"] = r.PostFormValue("reason")
	changes, ps := formChanges(l, from.Entry, posted)
	if len(ps) > 0 {
		d.problems(l, ps)
		s.renderForm(w, r, p, http.StatusBadRequest, d)
		return
	}
	if len(changes) == 0 && base == cur.Rev {
		d.Other = append(d.Other, l.T("ui.amend.nothing"))
		s.renderForm(w, r, p, http.StatusBadRequest, d)
		return
	}
	if base == 0 {
		err = &ledger.StaleError{Ref: ref, Based: 0, Current: cur.Rev}
	} else {
		_, err = s.st.Amend(r.Context(), ref, base, changes, d.Values["reason"], p.user.Name)
	}
	var stale *ledger.StaleError
	var pl *ledger.Problems
	switch {
	case errors.As(err, &stale):
		s.amendConflict(w, r, p, d, stale, posted)
		return
	case errors.As(err, &pl):
		d.problems(l, pl.List)
		s.renderForm(w, r, p, http.StatusBadRequest, d)
		return
	case err != nil:
		s.errorPage(w, r, p, err)
		return
	}
	s.audit(r.Context(), p, "amend", "ref", ref, "revision", base+1)
	http.Redirect(w, r, "/entries/"+url.PathEscape(ref), http.StatusSeeOther)
}

// amendConflict shows the amend form again after a refused, stale
// submission: what the person changed is kept, what they left alone
// takes the current value, and a field both changed is marked.
func (s *Server) amendConflict(w http.ResponseWriter, r *http.Request, p *principal, d *formData, stale *ledger.StaleError, posted ledger.Fields) {
	l := p.lang
	hist, err := s.st.History(r.Context(), d.Ref)
	if err != nil {
		s.errorPage(w, r, p, err)
		return
	}
	cur := hist[len(hist)-1]
	if cur.Action == ledger.Void {
		d.Other = append(d.Other, l.T("ui.amend.voided", fmt.Sprint(cur.Rev)))
	}
	baseEntry := cur.Entry
	if stale.Based >= 1 && stale.Based <= len(hist) {
		baseEntry = hist[stale.Based-1].Entry
	}
	typed, _ := formChanges(l, baseEntry, posted) // what the person changed
	now := displayFields(l, cur.Entry)
	was := displayFields(l, baseEntry)
	for _, k := range postedFields {
		if _, changed := typed[k]; changed {
			if stale.Based >= 1 && now[k] != was[k] {
				d.Problem[k] = l.T("ui.conflict.both", now[k])
			}
			continue
		}
		d.Values[k] = now[k]
	}
	d.Base = cur.Rev
	d.Conflict = newConflict(l, stale, "ui.conflict.amend")
	s.renderForm(w, r, p, http.StatusConflict, d)
}

// formChanges is what a posted form changes from the entry it was made
// from: each field whose text differs from the entry's, as the person
// writes it (displayFields) and once read (ledger.HumanFields) also from
// its canonical value. A field left as it was pre-filled never counts,
// even where its text would read two ways on its own.
func formChanges(l *model.Lang, from ledger.Entry, posted ledger.Fields) (ledger.Fields, []ledger.Problem) {
	shown, canon := displayFields(l, from), from.Fields()
	changes := ledger.Fields{}
	for k, v := range posted {
		v = strings.TrimSpace(v)
		if v != shown[k] && v != canon[k] {
			changes[k] = v
		}
	}
	changes, ps := ledger.HumanFields(changes, notation(l), 0)
	for k, v := range changes {
		if v == canon[k] {
			delete(changes, k)
		}
	}
	return changes, ps
}

func (s *Server) entryVoid(w http.ResponseWriter, r *http.Request, p *principal) {
	ref := r.PathValue("ref")
	reason := r.PostFormValue("reason")
	base, _ := strconv.Atoi(r.PostFormValue("revision"))
	if base < 0 {
		base = 0
	}
	if _, err := s.st.Void(r.Context(), ref, base, reason, p.user.Name); err != nil {
		var pl *ledger.Problems
		var stale *ledger.StaleError
		switch {
		case errors.As(err, &stale):
			s.showEntry(w, r, p, http.StatusConflict, nil, reason, stale)
		case errors.As(err, &pl):
			problems := map[string]string{}
			for _, pr := range pl.List {
				problems[pr.Field] = phraseProblem(p.lang, pr)
			}
			s.showEntry(w, r, p, http.StatusBadRequest, problems, reason, nil)
		default:
			s.errorPage(w, r, p, err)
		}
		return
	}
	s.audit(r.Context(), p, "void", "ref", ref)
	http.Redirect(w, r, "/entries/"+url.PathEscape(ref), http.StatusSeeOther)
}
