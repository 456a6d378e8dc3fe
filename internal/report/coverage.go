package report

import (
	"context"

	"github.com/coalition/pledger/internal/model"
	"github.com/coalition/pledger/internal/money"
	"github.com/shopspring/decimal"

	"github.com/coalition/pledger/internal/ledger"
	"github.com/coalition/pledger/internal/store"
)

// computeCoverage sets each need against the money along the chains
// toward it (see chains.go): needed, pledged, committed, disbursed, funded
// (committed plus disbursements that fulfil no commitment), the share
// covered (funded ÷ needed), the gap (needed − funded, never below zero: an
// over-funded need is noted) and what is pledged but not yet committed, all
// in the report currency. A --party filter selects whose contributions
// count; the needs are all shown.
func computeCoverage(ctx context.Context, s *store.Store, st *State, opt Options, l *model.Lang) (*computed, error) {
	f := st.filter(opt, ledger.Need)
	f.Parties, f.Wide = nil, true
	needsOnly := func(a *store.Amount, d ledger.Date, pt portion) (groupKey, bool) {
		return groupKey{string(a.Ref), a.Party, a.Date, string(a.Sector)}, true
	}
	ag, err := aggregate(ctx, s, st, opt, f, needsOnly)
	if err != nil {
		return nil, err
	}
	ch, err := loadChains(ctx, s, st, st.filter(opt), ag.conv, opt.Currency)
	if err != nil {
		return nil, err
	}
	pledges := ch.pledgeChains()
	type stages struct {
		pledge, commitment, disbursement, funded acc
		uncommitted                              money.Total
	}
	byNeed := map[string]*stages{}
	for k := range ag.groups {
		byNeed[k[0]] = &stages{}
	}
	counted, illus := 0, 0 // contributions counted, and how many of them are illustrative
	for _, link := range ch.order {
		sg := byNeed[ch.need(link)]
		if sg == nil {
			continue
		}
		counted++
		link.count()
		if link.illustrative {
			illus++
		}
		switch link.kind {
		case "pledge":
			sg.pledge.addLink(link)
			if p := pledges.of(link); p != nil {
				sg.uncommitted.Add(p.uncommitted())
			}
		case "commitment":
			sg.commitment.addLink(link)
			sg.funded.addLink(link)
		case "disbursement":
			sg.disbursement.addLink(link)
			if !ch.fulfilsCommitment(link) {
				sg.funded.addLink(link)
			}
		}
	}
	c := newComputed(ag)
	// The needs by their titles, as the ledger held them at the state.
	refs := make([]string, 0, len(ag.groups))
	for k := range ag.groups {
		refs = append(refs, k[0])
	}
	if c.titles, err = s.Titles(ctx, st.Head.Seq, refs); err != nil {
		return nil, err
	}
	needName := func(ref string) string { return l.RefLabel(ref, c.titles[ref]) }
	c.shared.merge(ch.split)
	c.entries += counted
	c.illus += illus
	c.rated.merge(ch.rated())
	sec := c.section("coverage")
	cols := map[string][]model.Cell{}
	var over []string
	// Past maxOverNotes needs, the over-funded ones are counted and summed
	// in one note (a ledger of 200,000 needs had 7,494 of them).
	moreOver, moreOverBy := 0, decimal.Zero
	for _, k := range ag.sortedKeys() {
		g := ag.groups[k]
		sg := byNeed[k[0]]
		needed := amountCell(g, opt.Currency)
		r := model.Row{"need": {Text: k[0]}, "party": {Text: k[1]}, "date": {Text: k[2]}, "sector": {Text: k[3]}, "needed": needed}
		c.qualifierNotes(l, func() string { return needName(k[0]) + " " + l.Kind("need") }, g)
		for _, x := range []struct {
			kind string
			a    *acc
		}{{"pledge", &sg.pledge}, {"commitment", &sg.commitment}, {"disbursement", &sg.disbursement}, {"funded", &sg.funded}} {
			r[x.kind] = amountCell(x.a, opt.Currency)
			if x.kind != "funded" {
				c.qualifierNotes(l, func() string { return needName(k[0]) + " " + l.Kind(x.kind) }, x.a)
			}
		}
		r["uncommitted"] = model.Cell{Value: sg.uncommitted.Decimal(opt.Currency)}
		funded := r["funded"]
		r["covered"] = percent(funded.Value, needed.Value)
		gap := model.Cell{Value: needed.Value.Sub(funded.Value)}
		if gap.Value.IsNegative() {
			if len(over) < maxOverNotes {
				over = append(over, l.T("note.over-funded", needName(k[0]), l.Number(gap.Value.Neg(), opt.Currency.Units)+" "+opt.Currency.Code))
			} else {
				moreOver++
				moreOverBy = moreOverBy.Add(gap.Value.Neg())
			}
			gap.Value = money.FromMinor(0, opt.Currency)
		}
		if needed.Qualifier != "" || needed.Bound != "" || funded.Qualifier != "" || funded.Bound != "" {
			gap.Bound = "approximate"
		}
		r["gap"] = gap
		for _, col := range []string{"needed", "pledge", "commitment", "disbursement", "funded", "gap", "uncommitted"} {
			cols[col] = append(cols[col], r[col])
		}
		sec.Rows = append(sec.Rows, r)
	}
	if len(sec.Rows) > 0 {
		t := model.Row{"need": {Text: l.T("total")}}
		for _, k := range []string{"needed", "pledge", "commitment", "disbursement", "funded", "gap", "uncommitted"} {
			t[k] = model.SumCells(cols[k])
		}
		t["covered"] = percent(t["funded"].Value, t["needed"].Value)
		sec.Totals = append(sec.Totals, t)
		// The scope of coverage is the needs shown and what goes toward
		// them: its totals by kind are the totals of its columns.
		for _, k := range []struct{ col, kind string }{{"commitment", "commitment"}, {"disbursement", "disbursement"}, {"needed", "need"}, {"pledge", "pledge"}} {
			if t[k.col].Int > 0 {
				c.totals = append(c.totals, model.KindTotal{Kind: k.kind, Amount: t[k.col]})
			}
		}
	}
	c.notes = append(c.notes, l.T("note.covered"))
	if moreOver > 0 {
		over = append(over, l.T("note.over-funded-more", l.N(moreOver), l.Number(moreOverBy, opt.Currency.Units)+" "+opt.Currency.Code))
	}
	c.notes = append(c.notes, over...)
	c.notes = append(c.notes, ch.anomalies(l, opt.Currency, pledges)...)
	// What the period leaves out: needs (all parties), and the contributions
	// of the report's parties.
	if err := periodNote(ctx, s, st, opt, l, c, f, needsOnly); err != nil {
		return nil, err
	}
	if err := periodNote(ctx, s, st, opt, l, c, st.filter(opt, ledger.Pledge, ledger.Commitment, ledger.Disbursement), nil); err != nil {
		return nil, err
	}
	return c, nil
}
