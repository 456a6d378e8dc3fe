package report

import (
	"context"
	"fmt"
	"strings"
	"time"

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
}

// Options checks a request against the ledger and returns report
// options. A filter value the ledger does not know is an error, never an empty
// report that looks like zero.
func (f Request) Options(ctx context.Context, s *store.Store) (Options, error) {
	var o Options
	cur, err := money.ParseCurrency(f.Currency)
	if err != nil {
		return o, fmt.Errorf("%w: --currency: %v", ledger.ErrInvalid, err)
	}
	o.Currency = cur
	if o.Valuation, err = ParseValuation(f.Valuation, f.MaxStale); err != nil {
		return o, err
	}
	if o.Lang, err = ParseLang(f.Lang); err != nil {
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
			return o, fmt.Errorf("--from: %w", err)
		}
		o.From = d.First().Format("2006-01-02")
	}
	if f.To != "" {
		d, err := ledger.ParseDate(f.To)
		if err != nil {
			return o, fmt.Errorf("--to: %w", err)
		}
		o.To = d.Last().Format("2006-01-02")
	}
	if o.From != "" && o.To != "" && o.From > o.To {
		return o, fmt.Errorf("%w: --from %s is after --to %s", ledger.ErrInvalid, f.From, f.To)
	}
	known, err := s.PartySet(ctx)
	if err != nil {
		return o, err
	}
	for _, p := range f.Parties {
		p = strings.ToUpper(strings.TrimSpace(p))
		if !known(p) {
			return o, fmt.Errorf("%w: --party %s: unknown party (pledger party list)", ledger.ErrInvalid, p)
		}
		o.Parties = append(o.Parties, p)
	}
	if len(f.Sectors) > 0 {
		all, err := s.Sectors(ctx)
		if err != nil {
			return o, err
		}
		for _, sec := range f.Sectors {
			if !containsString(all, sec) {
				return o, fmt.Errorf("%w: --sector %q: no entry has this sector; the sectors are %s", ledger.ErrInvalid, sec, strings.Join(all, ", "))
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
			code, ok := ledger.ParseLocation(loc)
			if !ok {
				return o, fmt.Errorf("%w: --location %q: not an ISO 3166-1 country code", ledger.ErrInvalid, loc)
			}
			if !containsString(all, code) {
				return o, fmt.Errorf("%w: --location %s: no entry is located there; the locations are %s", ledger.ErrInvalid, code, strings.Join(all, ", "))
			}
			o.Locations = append(o.Locations, code)
		}
	}
	o.Params = map[string]string{"by": f.By, "active-on": f.ActiveOn}
	if f.Stamp {
		o.Stamp = time.Now().UTC().Truncate(time.Second)
	}
	return o, nil
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

func containsString(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}
