package report

import (
	"context"
	"fmt"
	"sort"
	"strings"
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
	ag, err := aggregate(ctx, s, st, opt, f, func(a *store.Amount, d ledger.Date) (groupKey, bool) {
		return groupKey{fmt.Sprintf("%04d", d.Y), string(a.Sector), "", a.Kind}, true
	})
	if err != nil {
		return nil, err
	}
	c := newComputed(ag)
	c.subtitle = l.PartyName(*party)
	fillPivot(c, c.section("by_year_sector"), ag, []string{"year", "sector"}, l, opt)

	// By kind: the same groups, summed per kind (the sum of rounded rows,
	// as every total).
	byKind := c.section("by_kind")
	cells := map[string][]model.Cell{}
	for _, r := range c.sections["by_year_sector"].Rows {
		for _, kind := range ledger.Kinds {
			if cell := r[string(kind)]; !cell.Empty {
				cells[string(kind)] = append(cells[string(kind)], cell)
			}
		}
	}
	for _, kind := range ledger.Kinds {
		k := string(kind)
		if len(cells[k]) == 0 {
			continue
		}
		t := model.SumCells(cells[k])
		byKind.Rows = append(byKind.Rows, model.Row{"kind": {Text: k}, "amount": t, "entries": {Int: t.Int}})
	}

	d, err := deploymentRows(ctx, s, st, st.filter(opt, ledger.Deployment), time.Time{})
	if err != nil {
		return nil, err
	}
	dep := c.section("deployments")
	dep.Rows, dep.Totals = d.rows, d.totals
	for _, t := range dep.Totals {
		t["ref"] = model.Cell{Text: l.T("total")}
	}
	if d.open {
		c.notes = append(c.notes, l.T("note.open-ended", reportDay(st).Format("2006-01-02")))
	}
	c.entries += len(d.rows)
	c.illusNo += d.illus

	sources := map[string]int{}
	if err := s.Entries(ctx, st.filter(opt), func(r ledger.Revision) error {
		sources[r.Entry.Source]++
		return nil
	}); err != nil {
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
	return c, nil
}
