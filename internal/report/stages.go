package report

import (
	"sort"

	"github.com/coalition/pledger/internal/ledger"
	"github.com/coalition/pledger/internal/model"
	"github.com/coalition/pledger/internal/money"
)

// The stages of the money, per member and sector: the flows report's
// "stages" section, which the flows chart draws as a sankey diagram from
// member to sector to pledged, committed and disbursed.
//
// Every contribution in scope is counted once, where it enters its chain
// (chains.go): a pledge as pledged; a commitment as committed on a pledge
// (its chain has a pledge in scope) or without one; a disbursement as
// disbursed on a commitment, on a pledge (directly) or without either.
// What a chain has not yet done is counted on the contribution that waits
// for it: a pledge's part that no commitment or disbursement along its
// chain has taken up yet (as the coverage and summary reports count it),
// and a commitment's part that no disbursement fulfilling it has paid.
// So the stages add up: pledged is committed on a pledge, plus disbursed on
// a pledge, plus not yet committed; committed (on a pledge or not) is
// disbursed on a commitment plus not yet disbursed; unless a chain takes
// more than its head states (the report notes those).
//
// Each figure counts under its own contribution's party and the sectors
// of its portions (split.go), as every figure of the flows report does; a
// remainder is split over its contribution's portions by their values.

// stageColumns are the amount columns of the stages section, in order.
var stageColumns = []string{
	"pledge", "uncommitted",
	"committed_on_pledge", "committed_alone", "undisbursed",
	"disbursed_on_commitment", "disbursed_on_pledge", "disbursed_alone",
}

type stageKey struct{ party, sector string }

// fillStages lays out the stages section from the chains in scope, loaded
// with their portions (loadChainsParts).
func fillStages(sec *model.Section, ch *chains, pledges map[string]*pledgeState, l *model.Lang, cur money.Currency) {
	groups := map[stageKey]map[string]*acc{}
	add := func(lk *link, col string, values []int64, qualifier string) {
		for i, pt := range lk.parts {
			k := stageKey{lk.party, pt.sector}
			g := groups[k]
			if g == nil {
				g = map[string]*acc{}
				groups[k] = g
			}
			a := g[col]
			if a == nil {
				a = &acc{}
				g[col] = a
			}
			a.sum.Add(values[i])
			a.entries++
			if qualifier != "" && qualifier != string(ledger.Exact) {
				a.qualify(qualifier, 1, lk.ref)
			}
		}
	}
	own := func(lk *link) []int64 {
		v := make([]int64, len(lk.parts))
		for i, pt := range lk.parts {
			v[i] = pt.value
		}
		return v
	}
	// spread splits a remainder over a contribution's portions, by their
	// values.
	spread := func(lk *link, rem int64) []int64 {
		w := own(lk)
		var sum int64
		for _, x := range w {
			sum += x
		}
		if sum == 0 {
			for i := range w {
				w[i] = 1
			}
		}
		return money.Apportion(rem, w)
	}

	// What fulfils each commitment in scope, and which chains have a
	// qualified link besides their head (their remainders are then
	// approximate).
	commitments := map[string]*pledgeState{}
	qualified := map[string]bool{}
	for _, ref := range ch.order {
		lk := ch.links[ref]
		if lk.kind == "commitment" {
			commitments[ref] = &pledgeState{pledge: lk, target: ch.target}
		}
	}
	isQualified := func(lk *link) bool { return lk.qualifier != "" && lk.qualifier != string(ledger.Exact) }
	for _, ref := range ch.order {
		lk := ch.links[ref]
		if lk.kind != "disbursement" {
			if p := ch.pledgeOf(lk); lk.kind == "commitment" && p != nil && pledges[p.ref] != nil && isQualified(lk) {
				qualified[p.ref] = true
			}
			continue
		}
		if p := ch.pledgeOf(lk); p != nil && pledges[p.ref] != nil && lk.fulfils == p.ref && isQualified(lk) {
			qualified[p.ref] = true
		}
		cs := commitments[lk.fulfils]
		if cs == nil {
			continue
		}
		cs.mixed = cs.mixed || lk.cur.Code != cs.pledge.cur.Code
		cs.disbursed += lk.minor
		cs.vDisbursed += lk.value
		if isQualified(lk) {
			qualified[cs.pledge.ref] = true
		}
	}
	remainderQualifier := func(head *link) string {
		if qualified[head.ref] {
			return string(ledger.About)
		}
		return head.qualifier
	}

	for _, ref := range ch.order {
		lk := ch.links[ref]
		if len(lk.parts) == 0 {
			continue
		}
		switch lk.kind {
		case "pledge":
			add(lk, "pledge", own(lk), lk.qualifier)
			if ps := pledges[ref]; ps != nil {
				add(lk, "uncommitted", spread(lk, ps.uncommitted()), remainderQualifier(lk))
			}
		case "commitment":
			if p := ch.pledgeOf(lk); p != nil && pledges[p.ref] != nil {
				add(lk, "committed_on_pledge", own(lk), lk.qualifier)
			} else {
				add(lk, "committed_alone", own(lk), lk.qualifier)
			}
			cs := commitments[ref]
			add(lk, "undisbursed", spread(lk, cs.remaining(cs.disbursed, cs.vDisbursed)), remainderQualifier(lk))
		case "disbursement":
			t := ch.links[lk.fulfils]
			switch {
			case t != nil && t.inScope && t.kind == "commitment":
				add(lk, "disbursed_on_commitment", own(lk), lk.qualifier)
			case t != nil && t.inScope && t.kind == "pledge":
				add(lk, "disbursed_on_pledge", own(lk), lk.qualifier)
			default:
				add(lk, "disbursed_alone", own(lk), lk.qualifier)
			}
		}
	}

	keys := make([]stageKey, 0, len(groups))
	for k := range groups {
		keys = append(keys, k)
	}
	sort.Slice(keys, func(i, j int) bool {
		if keys[i].party != keys[j].party {
			return keys[i].party < keys[j].party
		}
		return keys[i].sector < keys[j].sector
	})
	cols := map[string][]model.Cell{}
	for _, k := range keys {
		r := model.Row{"party": {Text: k.party}, "sector": {Text: k.sector}}
		for _, col := range stageColumns {
			a := groups[k][col]
			if a == nil {
				r[col] = model.Cell{Empty: true}
				continue
			}
			r[col] = amountCell(a, cur)
			cols[col] = append(cols[col], r[col])
		}
		sec.Rows = append(sec.Rows, r)
	}
	if len(keys) == 0 {
		return
	}
	t := model.Row{"party": {Text: l.T("total")}, "sector": {}}
	for _, col := range stageColumns {
		if len(cols[col]) == 0 {
			t[col] = model.Cell{Empty: true}
			continue
		}
		t[col] = model.SumCells(cols[col])
	}
	sec.Totals = append(sec.Totals, t)
}
