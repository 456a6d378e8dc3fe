package report

import (
	"context"
	"errors"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/coalition/pledger/internal/model"

	"github.com/coalition/pledger/internal/ledger"
	"github.com/coalition/pledger/internal/money"
	"github.com/coalition/pledger/internal/store"
)

// Request is a report's options as a person typed them: CLI flags, a web
// form or API query parameters. Options turns it into report Options, the
// same way for all three.
type Request struct {
	Currency, Valuation, AsOf, From, To, Lang, By, ActiveOn string
	MaxStale                                                int
	Parties, Sectors, Locations                             []string
	Stamp                                                   bool
	// AllowUnverified makes a report from a ledger that failed
	// verification, marked as such, instead of refusing.
	AllowUnverified bool
	// Codes shows parties and places by their codes, not their names.
	Codes bool
	// Unit is the display unit of amounts: one, thousand, million, billion.
	Unit string
	// RateSources names rate sources in order of preference (each found
	// by money.MatchSource: "ECB" will do); nil: the default order
	// (money.EnvSources, then by how many rates each source has).
	RateSources []string
}

// DefaultRequest is a request that leaves every choice to the defaults
// (model.Defaults).
func DefaultRequest() Request {
	d := model.Defaults
	return Request{Currency: d.Currency, Valuation: d.Valuation, MaxStale: d.MaxStale, Lang: d.Lang}
}

// Options checks a request against the ledger and returns report
// options. A filter value the ledger does not know is an error, never an empty
// report that looks like zero.
func (f Request) Options(ctx context.Context, s *store.Store) (Options, error) {
	var o Options
	cur, err := money.ParseCurrency(f.Currency)
	if err != nil {
		return o, ledger.Fail(ledger.ErrInvalid, "bad_currency", "currency", f.Currency, "%v", err)
	}
	o.Currency = cur
	if o.Valuation, err = model.ParseValuation(f.Valuation, f.MaxStale); err != nil {
		return o, err
	}
	if o.Lang, err = model.ParseLang(f.Lang); err != nil {
		return o, err
	}
	o.Lang.Codes = f.Codes
	if o.Unit, err = model.ParseUnit(f.Unit); err != nil {
		return o, err
	}
	if f.AsOf != "" {
		if o.AsOf, err = ledger.ParseAsOf(f.AsOf); err != nil {
			return o, err
		}
	}
	if f.From != "" {
		d, err := ledger.ParseDate(f.From)
		if err != nil {
			return o, &ledger.Failure{Kind: ledger.ErrInvalid, Code: "bad_date", Field: "from", Value: f.From, Msg: err.Error(), Err: err}
		}
		o.From = d.First().Format("2006-01-02")
	}
	if f.To != "" {
		d, err := ledger.ParseDate(f.To)
		if err != nil {
			return o, &ledger.Failure{Kind: ledger.ErrInvalid, Code: "bad_date", Field: "to", Value: f.To, Msg: err.Error(), Err: err}
		}
		o.To = d.Last().Format("2006-01-02")
	}
	if o.From != "" && o.To != "" && o.From > o.To {
		return o, ledger.Fail(ledger.ErrInvalid, "from_after_to", "", f.From, "{from} %s is after {to} %s", f.From, f.To)
	}
	known, err := s.PartySet(ctx)
	if err != nil {
		return o, err
	}
	for _, p := range f.Parties {
		p = strings.ToUpper(strings.TrimSpace(p))
		if !known(p) {
			return o, ledger.Fail(ledger.ErrInvalid, "no_such_party", "party", p, "%s: unknown party", p)
		}
		o.Parties = append(o.Parties, p)
	}
	if len(f.Sectors) > 0 {
		all, err := s.Sectors(ctx)
		if err != nil {
			return o, err
		}
		vocab, err := s.SectorVocab(ctx)
		if err != nil {
			return o, err
		}
		for _, sec := range f.Sectors {
			// Asked for as entries are written: a code, a name or a known
			// spelling of the vocabulary is its code.
			if code, ok := vocab.Lookup(sec); ok && !slices.Contains(all, sec) {
				sec = code
			}
			if sec != ledger.Multiple && !slices.Contains(all, sec) {
				return o, ledger.Fail(ledger.ErrInvalid, "no_such_sector", "sector", sec, "%q: no entry has this sector; the sectors are %s (and %s, for entries shared between several)", sec, strings.Join(all, ", "), ledger.Multiple)
			}
			o.Sectors = append(o.Sectors, sec)
		}
	}
	if len(f.Locations) > 0 {
		all, err := s.Locations(ctx)
		if err != nil {
			return o, err
		}
		for _, loc := range f.Locations {
			if strings.EqualFold(loc, ledger.Multiple) {
				o.Locations = append(o.Locations, ledger.Multiple)
				continue
			}
			code, ok := ledger.ParseLocation(loc)
			if !ok {
				return o, ledger.Fail(ledger.ErrInvalid, "bad_location", "location", loc, "%q: not an ISO 3166-1 country code", loc)
			}
			if !slices.Contains(all, code) {
				return o, ledger.Fail(ledger.ErrInvalid, "no_such_location", "location", code, "%s: no entry is located there; the locations are %s", code, strings.Join(all, ", "))
			}
			o.Locations = append(o.Locations, code)
		}
	}
	if o.RateSources, err = rateSources(ctx, s, o.AsOf, f.RateSources); err != nil {
		return o, err
	}
	o.Params = map[string]string{"by": f.By, "active-on": f.ActiveOn}
	o.AllowUnverified = f.AllowUnverified
	if f.Stamp {
		o.Stamp = time.Now().UTC().Truncate(time.Second)
	}
	return o, nil
}

// rateSources is the order of preference among rate sources for a
// request: the sources it names, each checked against the sources of the
// rates in force at asOf (money.MatchSource: a name that matches none, or
// several, is an error) and written in full; else the names of
// money.EnvSources, as they are (the table skips those no rate has: the
// environment may name a source a ledger lacks). The table puts the
// sources not named after, by count.
func rateSources(ctx context.Context, s *store.Store, asOf time.Time, named []string) ([]string, error) {
	if len(named) == 0 {
		return money.EnvSources(), nil
	}
	known, err := s.RateSourceNames(ctx, asOf)
	if err != nil {
		return nil, err
	}
	var out []string
	for _, n := range named {
		src, ok, err := money.MatchSource(n, known)
		var amb *money.AmbiguousSourceError
		switch {
		case errors.As(err, &amb):
			return nil, ledger.Fail(ledger.ErrInvalid, "ambiguous_rate_source", "rate-source", amb.Name,
				"%q matches several rate sources: %s; name one in full", amb.Name, quoteAll(amb.Matches))
		case err != nil:
			return nil, err
		case !ok && len(known) == 0:
			return nil, ledger.Fail(ledger.ErrInvalid, "no_such_rate_source", "rate-source", n, "%q: the ledger has no rates", n)
		case !ok:
			return nil, ledger.Fail(ledger.ErrInvalid, "no_such_rate_source", "rate-source", n,
				"%q: no rate in force comes from this source; the sources are %s", n, quoteAll(known))
		}
		if !slices.Contains(out, src) {
			out = append(out, src)
		}
	}
	return out, nil
}

func quoteAll(names []string) string {
	q := make([]string, len(names))
	for i, n := range names {
		q[i] = strconv.Quote(n)
	}
	return strings.Join(q, ", ")
}
