package report

import (
	"context"

	"github.com/coalition/pledger/internal/ledger"
	"github.com/coalition/pledger/internal/store"
)

// computeCoverage sets each need against the entries toward it: needed,
// pledged, committed, disbursed, the share covered (pledged ÷ needed) and
// the gap (needed − pledged), all in the report currency. A --party
// filter selects whose contributions count; the needs are all shown.
func computeCoverage(ctx context.Context, s *store.Store, st *State, opt Options, l *Lang) (*computed, error) {
	nf := st.filter(opt, ledger.Need)
	nf.Parties, nf.Wide = nil, true
	needs, err := aggregate(ctx, s, st, opt, nf, func(a *store.Amount, d ledger.Date) (groupKey, bool) {
		return groupKey{string(a.Ref), a.Party, a.Date, string(a.Sector)}, true
	})
	if err != nil {
		return nil, err
	}
	cf := st.filter(opt, ledger.Pledge, ledger.Commitment, ledger.Disbursement)
	cf.Wide = true
	contrib, err := aggregate(ctx, s, st, opt, cf, func(a *store.Amount, d ledger.Date) (groupKey, bool) {
		if len(a.Toward) == 0 {
			return groupKey{}, false
		}
		return groupKey{string(a.Toward), a.Kind}, true
	})
	if err != nil {
		return nil, err
	}
	c := newComputed(needs)
	c.entries += contrib.entries
	sec := c.section("coverage")
	var cols = map[string][]Cell{}
	for _, k := range needs.sortedKeys() {
		g := needs.groups[k]
		needed := amountCell(g, opt.Currency)
		r := Row{"need": {Text: k[0]}, "party": {Text: k[1]}, "date": {Text: k[2]}, "sector": {Text: k[3]}, "needed": needed}
		cols["needed"] = append(cols["needed"], needed)
		c.qualifierNotes(l, k[0]+" "+l.Kind("need"), g)
		for _, kind := range []string{"pledge", "commitment", "disbursement"} {
			cell := amountCell(contrib.groups[groupKey{k[0], kind}], opt.Currency)
			if cg := contrib.groups[groupKey{k[0], kind}]; cg != nil {
				c.qualifierNotes(l, k[0]+" "+l.Kind(kind), cg)
			}
			r[kind] = cell
			cols[kind] = append(cols[kind], cell)
		}
		r["covered"] = percent(r["pledge"].Value, needed.Value)
		gap := Cell{Value: needed.Value.Sub(r["pledge"].Value)}
		if needed.Qualifier != "" || needed.Bound != "" || r["pledge"].Qualifier != "" || r["pledge"].Bound != "" {
			gap.Bound = "approximate"
		}
		r["gap"] = gap
		cols["gap"] = append(cols["gap"], gap)
		sec.Rows = append(sec.Rows, r)
	}
	if len(sec.Rows) > 0 {
		t := Row{"need": {Text: l.T("total")}}
		for _, k := range []string{"needed", "pledge", "commitment", "disbursement", "gap"} {
			t[k] = sumCells(cols[k])
		}
		t["covered"] = percent(t["pledge"].Value, t["needed"].Value)
		sec.Totals = append(sec.Totals, t)
	}
	c.notes = append(c.notes, l.T("note.covered"))
	// The rates the contributions used count too.
	if c.conv != nil && contrib.conv != nil {
		c.conv.mergeUsed(contrib.conv)
	}
	return c, nil
}
