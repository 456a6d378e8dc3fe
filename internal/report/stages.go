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
// chain has taken up yet, and a commitment's part that no disbursement
// fulfilling it has paid.
//
// Every contribution of a chain is valued like the chain's head in scope
// (the pledge; else the commitment, when it heads its chain; else the
// contribution itself): in the head's currency, its amount in scope (the
// minor units of its portions in scope) times the head's conversion
// factor, rounded once per entry as everywhere (money.Factor.Value); in
// another currency (a chain that mixes currencies), its own value. The
// remainders are the differences of these values:
//
//	not yet committed = max(0, pledge − commitments on it − disbursements on it)
//	not yet disbursed = max(0, commitment − disbursements on it)
//
// So a pledge paid in full is never left outstanding by a move of the
// rates, and the stages add up exactly, in minor units: pledged is
// committed on a pledge, plus disbursed on a pledge, plus not yet
// committed; committed (on a pledge or not) is disbursed on a commitment
// plus not yet disbursed; unless a chain takes more than its head states
// (the report notes those; the remainder is then 0). A commitment's figure
// here may therefore differ from its figure in the flows section (valued at
// its own date's rate) by the move of the rate between its pledge and it:
// the stages show how much of each pledge has gone where.
//
// Each figure counts under its own contribution's party and the sectors
// of its portions (split.go), as every figure of the flows report does: a
// contribution's value, and a remainder, is split over its portions by
// their own values (money.Apportion), so the portions add up to it.

// stageCol is a column of the stages section: its index in stageColumns.
type stageCol int

const (
	colPledge stageCol = iota
	colUncommitted
	colCommittedOnPledge
	colCommittedAlone
	colUndisbursed
	colDisbursedOnCommitment
	colDisbursedOnPledge
	colDisbursedAlone
	stageCols
)

// stageState is what fillStages works out per link: its value as its
// chain's head values it, and, for a head, what the chain has taken up or
// paid of it and whether a qualified link did.
type stageState struct {
	value, taken, paid int64
	qualified          bool
}

// stageColumns are the amount columns of the stages section, in order.
var stageColumns = []string{
	"pledge", "uncommitted",
	"committed_on_pledge", "committed_alone", "undisbursed",
	"disbursed_on_commitment", "disbursed_on_pledge", "disbursed_alone",
}

type stageKey struct{ party, sector string }

// fillStages lays out the stages section from the chains in scope, loaded
// with their portions (loadChainsParts).
func fillStages(sec *model.Section, ch *chains, pledges pledgeStates, l *model.Lang, cur money.Currency) error {
	groups := map[stageKey]*[stageCols]*acc{}
	add := func(lk *link, col stageCol, values []int64, qualifier string) {
		for i, pt := range lk.parts {
			k := stageKey{lk.party, pt.sector}
			g := groups[k]
			if g == nil {
				g = &[stageCols]*acc{}
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

	// The head in scope of each contribution's chain, as the stages count
	// it: the pledge; else the commitment that heads its chain; else the
	// contribution itself.
	var headOf func(lk *link) *link
	headOf = func(lk *link) *link {
		switch lk.kind {
		case "commitment":
			if p := ch.pledgeOf(lk); pledges.of(p) != nil {
				return p
			}
		case "disbursement":
			if t := lk.next; t != nil && t.inScope {
				switch t.kind {
				case "pledge":
					return t
				case "commitment":
					return headOf(t)
				}
			}
		}
		return lk
	}
	// chainValue values a contribution in scope like its chain's head: in
	// the head's currency, its amount in scope by the head's factor,
	// rounded once; in another currency, its own value.
	chainValue := func(lk *link) (int64, error) {
		h := headOf(lk)
		if h.factor == nil || lk.cur.Code != h.cur.Code {
			return lk.value, nil
		}
		return entryValue(h.factor, lk.minor, lk.cur.Units, cur, lk.ref)
	}
	for _, lk := range ch.order {
		v, err := chainValue(lk)
		if err != nil {
			return err
		}
		lk.stage = stageState{value: v}
	}

	// What each pledge and commitment in scope has passed on, in chain
	// values, and which chains have a qualified link besides their head
	// (their remainders are then approximate).
	isQualified := func(lk *link) bool { return lk.qualifier != "" && lk.qualifier != string(ledger.Exact) }
	for _, lk := range ch.order {
		switch lk.kind {
		case "commitment":
			if p := ch.pledgeOf(lk); pledges.of(p) != nil {
				p.stage.taken += lk.stage.value
				if isQualified(lk) {
					p.stage.qualified = true
				}
			}
		case "disbursement":
			t := lk.next
			if t == nil || !t.inScope {
				continue
			}
			switch t.kind {
			case "pledge":
				t.stage.taken += lk.stage.value
			case "commitment":
				t.stage.paid += lk.stage.value
			default:
				continue
			}
			if isQualified(lk) {
				t.stage.qualified = true
			}
		}
	}
	remainderQualifier := func(head *link) string {
		if head.stage.qualified {
			return string(ledger.About)
		}
		return head.qualifier
	}

	for _, lk := range ch.order {
		if len(lk.parts) == 0 {
			continue
		}
		value := lk.stage.value
		v := spread(lk, value)
		switch lk.kind {
		case "pledge":
			add(lk, colPledge, v, lk.qualifier)
			add(lk, colUncommitted, spread(lk, max(0, value-lk.stage.taken)), remainderQualifier(lk))
		case "commitment":
			if p := ch.pledgeOf(lk); pledges.of(p) != nil {
				add(lk, colCommittedOnPledge, v, lk.qualifier)
			} else {
				add(lk, colCommittedAlone, v, lk.qualifier)
			}
			add(lk, colUndisbursed, spread(lk, max(0, value-lk.stage.paid)), remainderQualifier(lk))
		case "disbursement":
			t := lk.next
			switch {
			case t != nil && t.inScope && t.kind == "commitment":
				add(lk, colDisbursedOnCommitment, v, lk.qualifier)
			case t != nil && t.inScope && t.kind == "pledge":
				add(lk, colDisbursedOnPledge, v, lk.qualifier)
			default:
				add(lk, colDisbursedAlone, v, lk.qualifier)
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
		for i, col := range stageColumns {
			a := groups[k][i]
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
		return nil
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
	return nil
}
