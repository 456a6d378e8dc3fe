package report

import (
	"context"
	"fmt"
	"sort"
	"strings"
	"sync"
	"time"

	"github.com/coalition/pledger/internal/model"

	"github.com/coalition/pledger/internal/ledger"
	"github.com/coalition/pledger/internal/store"
)

// computeParty is one member's profile (param "party"): money by year and
// sector, by kind, its deployments and its sources.
func computeParty(ctx context.Context, s *store.Store, st *State, opt Options, l *model.Lang) (*computed, error) {
	code := strings.ToUpper(opt.Params["party"])
	parties, err := s.Parties(ctx)
	if err != nil {
		return nil, err
	}
	var party *ledger.Party
	for i := range parties {
		if parties[i].Code == code {
			party = &parties[i]
		}
	}
	if party == nil {
		return nil, ledger.Fail(ledger.ErrInvalid, "no_such_party", "", code, "unknown party %q", code)
	}
	opt.Parties = []string{code}

	f := st.filter(opt)
	f.Wide = true
	var bad error // a stored end that does not parse; recorded ends always do
	var once sync.Once
	ag, err := aggregate(ctx, s, st, opt, f, func(a *store.Amount, d ledger.Date, pt portion) (groupKey, bool) {
		year, err := periodOf(d, a.End, "year")
		if err != nil {
			once.Do(func() { bad = fmt.Errorf("entry %s: end: %w", a.Ref, err) })
		}
		return groupKey{year, pt.sector, "", a.Kind}, true
	})
	if err == nil {
		err = bad
	}
	if err != nil {
		return nil, err
	}
	c := newComputed(ag)
	c.subtitle = l.PartyName(*party)
	fillPivot(c, c.section("by_year_sector"), ag, []string{"year", "sector"}, l, opt)
	spanNote(c, ag, []string{"year"}, "year", l)
	if err := periodNote(ctx, s, st, opt, l, c, f, nil); err != nil {
		return nil, err
	}

	// By kind: the scope's totals, each entry once however many rows hold
	// a part of it, and the exact sum of the rows.
	byKind := c.section("by_kind")
	for _, kind := range ledger.Kinds {
		k := string(kind)
		if ag.kinds[k] == nil {
			continue
		}
		t := amountCell(ag.kinds[k], opt.Currency)
		byKind.Rows = append(byKind.Rows, model.Row{"kind": {Text: k}, "amount": t, "entries": {Int: t.Int}})
	}

	ds, err := deploymentRows(ctx, s, st, st.filter(opt, ledger.Deployment), time.Time{}, l)
	if err != nil {
		return nil, err
	}
	ds.apply(c, "deployments", "deployment_assets", st, l)

	sources, err := s.SourceCounts(ctx, st.filter(opt))
	if err != nil {
		return nil, err
	}
	var keys []string
	for k := range sources {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	src := c.section("sources")
	for _, k := range keys {
		src.Rows = append(src.Rows, model.Row{"source": {Text: k}, "entries": {Int: int64(sources[k])}})
	}
	if err := chainNotes(ctx, s, st, opt, l, c, ag.conv); err != nil {
		return nil, err
	}
	return c, nil
}
