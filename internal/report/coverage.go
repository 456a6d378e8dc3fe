package report

import (
	"context"

	"github.com/coalition/pledger/internal/model"

	"github.com/coalition/pledger/internal/ledger"
	"github.com/coalition/pledger/internal/store"
)

// computeCoverage sets each need against the entries toward it: needed,
// pledged, committed, disbursed, the share covered (pledged ÷ needed) and
// the gap (needed − pledged), all in the report currency. A --party
// filter selects whose contributions count; the needs are all shown.
func computeCoverage(ctx context.Context, s *store.Store, st *State, opt Options, l *model.Lang) (*computed, error) {
	// One scan for needs and contributions: needs are all shown, the
	// contributions counted are those of the --party filter.
	f := st.filter(opt, ledger.Need, ledger.Pledge, ledger.Commitment, ledger.Disbursement)
	f.Parties, f.Wide = nil, true
	parties := map[string]bool{}
	for _, p := range opt.Parties {
		parties[p] = true
	}
	ag, err := aggregate(ctx, s, st, opt, f, func(a *store.Amount, d ledger.Date) (groupKey, bool) {
		if a.Kind == string(ledger.Need) {
			return groupKey{string(a.Ref), a.Party, a.Date, string(a.Sector)}, true
		}
		if len(a.Toward) == 0 || (len(parties) > 0 && !parties[a.Party]) {
			return groupKey{}, false
		}
		return groupKey{string(a.Toward), a.Kind, "", "\x00contribution"}, true
	})
	if err != nil {
		return nil, err
	}
	needs := &aggregation{groups: map[groupKey]*acc{}, entries: ag.entries, illus: ag.illus, conv: ag.conv}
	contrib := &aggregation{groups: map[groupKey]*acc{}}
	for k, g := range ag.groups {
		if k[3] == "\x00contribution" {
			contrib.groups[groupKey{k[0], k[1]}] = g
		} else {
			needs.groups[k] = g
		}
	}
	c := newComputed(needs)
	sec := c.section("coverage")
	var cols = map[string][]model.Cell{}
	for _, k := range needs.sortedKeys() {
		g := needs.groups[k]
		needed := amountCell(g, opt.Currency)
		r := model.Row{"need": {Text: k[0]}, "party": {Text: k[1]}, "date": {Text: k[2]}, "sector": {Text: k[3]}, "needed": needed}
		cols["needed"] = append(cols["needed"], needed)
		c.qualifierNotes(l, func() string { return k[0] + " " + l.Kind("need") }, g)
		for _, kind := range []string{"pledge", "commitment", "disbursement"} {
			cell := amountCell(contrib.groups[groupKey{k[0], kind}], opt.Currency)
			if cg := contrib.groups[groupKey{k[0], kind}]; cg != nil {
				c.qualifierNotes(l, func() string { return k[0] + " " + l.Kind(kind) }, cg)
			}
			r[kind] = cell
			cols[kind] = append(cols[kind], cell)
		}
		r["covered"] = percent(r["pledge"].Value, needed.Value)
		gap := model.Cell{Value: needed.Value.Sub(r["pledge"].Value)}
		if needed.Qualifier != "" || needed.Bound != "" || r["pledge"].Qualifier != "" || r["pledge"].Bound != "" {
			gap.Bound = "approximate"
		}
		r["gap"] = gap
		cols["gap"] = append(cols["gap"], gap)
		sec.Rows = append(sec.Rows, r)
	}
	if len(sec.Rows) > 0 {
		t := model.Row{"need": {Text: l.T("total")}}
		for _, k := range []string{"needed", "pledge", "commitment", "disbursement", "gap"} {
			t[k] = model.SumCells(cols[k])
		}
		t["covered"] = percent(t["pledge"].Value, t["needed"].Value)
		sec.Totals = append(sec.Totals, t)
	}
	c.notes = append(c.notes, l.T("note.covered"))
	return c, nil
}
