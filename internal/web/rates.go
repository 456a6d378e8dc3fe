package web

import (
	"errors"
	"fmt"
	"net/http"
	"strings"

	"github.com/coalition/pledger/internal/csvio"
	"github.com/coalition/pledger/internal/ledger"
	"github.com/coalition/pledger/internal/model"
	"github.com/coalition/pledger/internal/store"
)

type ratesData struct {
	pageData
	Rates    []store.RateRow
	Currency string
	From, To string
	Values   map[string]string
	Problems []string
	Result   *store.RateImportResult
	Warnings []string // the result's warnings, phrased for the page
	Pick     *pickers
}

func (s *Server) ratesList(w http.ResponseWriter, r *http.Request, p *principal) {
	s.showRates(w, r, p, http.StatusOK, &ratesData{Values: map[string]string{}})
}

func (s *Server) showRates(w http.ResponseWriter, r *http.Request, p *principal, status int, d *ratesData) {
	d.pageData.Title = p.lang.T("ui.rates.title")
	s.fill(&d.pageData, p)
	q := r.URL.Query()
	d.Currency, d.From, d.To = strings.ToUpper(q.Get("currency")), q.Get("from"), q.Get("to")
	if d.From == "" && d.To == "" && d.Currency == "" {
		d.From = "" // everything, but only the latest 200 are shown
	}
	rates, err := s.st.Rates(r.Context(), store.RateFilter{Currency: d.Currency, From: d.From, To: d.To})
	if err != nil {
		s.errorPage(w, r, p, err)
		return
	}
	if len(rates) > 200 {
		rates = rates[len(rates)-200:]
	}
	d.Rates = rates
	pick, err := s.pickers(r.Context(), p.lang, pickList{})
	if err != nil {
		s.errorPage(w, r, p, err)
		return
	}
	d.Pick = pick
	s.render(w, r, status, "rates", d)
}

// rateAdd records one rate, checked by the same rules and recorded by the
// same import as a file's.
func (s *Server) rateAdd(w http.ResponseWriter, r *http.Request, p *principal) {
	d := &ratesData{Values: map[string]string{}}
	for _, k := range []string{"date", "base", "quote", "rate", "source"} {
		d.Values[k] = r.PostFormValue(k)
	}
	f := ledger.RateFields{Date: d.Values["date"], Base: d.Values["base"], Quote: d.Values["quote"], Rate: d.Values["rate"], Source: d.Values["source"]}
	if f.Source == "" {
		f.Source = "manual"
	}
	var res store.RateImportResult
	rate, ps := ledger.ParseRate(f, 0)
	err := (&ledger.Problems{File: "form", List: ps}).Err()
	if err == nil {
		res, err = s.st.ImportRates(r.Context(), csvio.RatesOf("form", rate), importOptions(r, p))
	}
	if s.rateProblems(w, r, p, d, err) {
		return
	}
	s.audit(r.Context(), p, "rate", "date", d.Values["date"], "pair", d.Values["base"]+"/"+d.Values["quote"], "added", res.Added, "replaced", res.Replaced)
	d.setResult(p.lang, &res)
	d.Values = map[string]string{}
	s.showRates(w, r, p, http.StatusOK, d)
}

// rateImport imports an uploaded rate file (ECB or long layout).
func (s *Server) rateImport(w http.ResponseWriter, r *http.Request, p *principal) {
	d := &ratesData{Values: map[string]string{}}
	file, hdr, err := r.FormFile("file")
	if err != nil {
		d.Problems = []string{p.lang.T("ui.rates.nofile")}
		s.showRates(w, r, p, http.StatusBadRequest, d)
		return
	}
	defer file.Close()
	data, err := readAll(file, s.cfg.MaxUpload)
	if err != nil {
		s.errorPage(w, r, p, err)
		return
	}
	res, err := s.st.ImportRates(r.Context(), csvio.RateBytesSource(hdr.Filename, data, strings.TrimSpace(r.PostFormValue("source"))), importOptions(r, p))
	if s.rateProblems(w, r, p, d, err) {
		return
	}
	s.audit(r.Context(), p, "rates import", "file", hdr.Filename, "added", res.Added, "replaced", res.Replaced)
	d.setResult(p.lang, &res)
	s.showRates(w, r, p, http.StatusOK, d)
}

func (s *Server) rateProblems(w http.ResponseWriter, r *http.Request, p *principal, d *ratesData, err error) bool {
	var ps *ledger.Problems
	switch {
	case errors.As(err, &ps):
		d.Problems = splitLines(phraseError(p.lang, ps))
		s.showRates(w, r, p, http.StatusBadRequest, d)
		return true
	case err != nil:
		s.errorPage(w, r, p, err)
		return true
	}
	return false
}

func splitLines(s string) []string { return strings.Split(s, "\n") }

// importOptions are the form's choices: replace, force.
func importOptions(r *http.Request, p *principal) store.RateImportOptions {
	return store.RateImportOptions{Replace: r.PostFormValue("replace") == "on", Force: r.PostFormValue("force") == "on", Author: p.user.Name}
}

// setResult shows what an import did, with its warnings.
func (d *ratesData) setResult(l *model.Lang, res *store.RateImportResult) {
	d.Result = res
	for _, w := range res.Warnings {
		d.Warnings = append(d.Warnings, phraseProblem(l, w))
	}
	if res.MoreWarnings > 0 {
		d.Warnings = append(d.Warnings, fmt.Sprintf("%d more rates share their pair and day with another source", res.MoreWarnings))
	}
}
