package report

import (
	"context"
	"slices"
	"strconv"

	"github.com/coalition/pledger/internal/ledger"
	"github.com/coalition/pledger/internal/model"
	"github.com/coalition/pledger/internal/money"
	"github.com/coalition/pledger/internal/store"
)

// Stages of money, without double counting. A chain is a pledge, the
// commitments that fulfil it and the disbursements that fulfil those (or
// the pledge itself). The stages of a need are counted along the chains:
// pledged (pledges toward it), committed (commitments toward it, directly
// or through the pledge they fulfil), disbursed (likewise), and funded:
// committed plus the disbursements that fulfil no commitment (as OCHA FTS
// counts commitments and paid contributions).

// link is one contribution: where it sits in its chain, and its value.
type link struct {
	ref, kind, party, toward, fulfils, qualifier string
	date                                         ledger.Date
	value                                        int64
	inScope                                      bool // counted by the report (its filters); the others only resolve chains
	illustrative                                 bool
}

// chains are the contributions of a ledger state, by ref.
type chains struct {
	links map[string]*link
	order []string // refs in scope, sorted
}

// stage order: what may fulfil what.
var stage = map[string]int{"pledge": 1, "commitment": 2, "disbursement": 3}

// loadChains reads every contribution at the state (to resolve chains) and
// values those in the report's scope (f) with conv, entry by entry, by the
// one rounding rule.
func loadChains(ctx context.Context, s *store.Store, st *State, f store.Filter, conv *Converter, cur money.Currency) (*chains, error) {
	ch := &chains{links: map[string]*link{}}
	kinds := []ledger.Kind{ledger.Pledge, ledger.Commitment, ledger.Disbursement}
	all := store.Filter{Seq: st.Head.Seq, Kinds: kinds}
	err := s.Entries(ctx, all, func(r ledger.Revision) error {
		e := r.Entry
		ch.links[e.Ref] = &link{ref: e.Ref, kind: string(e.Kind), party: e.Party, toward: e.Toward, fulfils: e.Fulfils,
			qualifier: string(e.Qualifier), date: e.Date, illustrative: e.Illustrative}
		return nil
	})
	if err != nil {
		return nil, err
	}
	f.Kinds = kinds
	val := &Valuer{conv: conv, cur: cur}
	err = s.Entries(ctx, f, func(r ledger.Revision) error {
		l := ch.links[r.Entry.Ref]
		if l == nil {
			return nil
		}
		v, ok, err := val.Value(r.Entry)
		if err != nil {
			return err
		}
		if ok {
			m, _ := money.ToMinor(v, cur)
			l.value, l.inScope = m, true
			ch.order = append(ch.order, l.ref)
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	slices.Sort(ch.order)
	return ch, nil
}

// need is the need a contribution goes toward: its own toward, or that of
// what it fulfils.
func (ch *chains) need(l *link) string {
	for range 3 {
		if l.toward != "" {
			return l.toward
		}
		next := ch.links[l.fulfils]
		if next == nil {
			return ""
		}
		l = next
	}
	return ""
}

// pledgeOf is the pledge at the head of a contribution's chain, or nil.
func (ch *chains) pledgeOf(l *link) *link {
	for range 3 {
		if l.kind == "pledge" {
			return l
		}
		next := ch.links[l.fulfils]
		if next == nil {
			return nil
		}
		l = next
	}
	return nil
}

// fulfilsCommitment tells whether a disbursement fulfils a commitment.
func (ch *chains) fulfilsCommitment(l *link) bool {
	t := ch.links[l.fulfils]
	return t != nil && t.kind == "commitment"
}

// addLink adds a contribution's value to a group, with its qualifier.
func (a *acc) addLink(l *link) {
	a.sum.Add(l.value)
	a.entries++
	if l.qualifier != "" && l.qualifier != string(ledger.Exact) {
		a.qualify(l.qualifier, 1, l.ref)
	}
}

// pledgeState is a pledge's chain: what fulfils it, in value.
type pledgeState struct {
	pledge               *link
	committed, disbursed int64 // in scope, along the chain
	direct               int64 // disbursements that fulfil the pledge itself, with no commitment
}

// takenUp is what the chain has committed or paid without a commitment.
func (p *pledgeState) takenUp() int64 { return p.committed + p.direct }

// pledgeChains follows every pledge in scope to what fulfils it.
func (ch *chains) pledgeChains() map[string]*pledgeState {
	out := map[string]*pledgeState{}
	for _, ref := range ch.order {
		l := ch.links[ref]
		if l.kind == "pledge" {
			out[ref] = &pledgeState{pledge: l}
		}
	}
	for _, ref := range ch.order {
		l := ch.links[ref]
		if l.kind == "pledge" {
			continue
		}
		p := ch.pledgeOf(l)
		if p == nil || out[p.ref] == nil {
			continue
		}
		switch l.kind {
		case "commitment":
			out[p.ref].committed += l.value
		case "disbursement":
			out[p.ref].disbursed += l.value
			if l.fulfils == p.ref {
				out[p.ref].direct += l.value
			}
		}
	}
	return out
}

// anomalies notes, for every contribution in scope, a fulfilment that
// does not fit its chain: over-fulfilled pledges, a fulfilment dated
// before what it fulfils, or one in another order than pledge, then
// commitment, then disbursement. These are also the warnings given when
// such an entry is recorded.
func (ch *chains) anomalies(l *model.Lang, cur money.Currency, pledges map[string]*pledgeState) []string {
	var notes []string
	for _, ref := range ch.order {
		c := ch.links[ref]
		t := ch.links[c.fulfils]
		if c.fulfils == "" || t == nil {
			continue
		}
		if stage[t.kind] >= stage[c.kind] {
			notes = append(notes, l.T("note.chain-order", c.ref, l.Kind(c.kind), t.ref, l.Kind(t.kind)))
		}
		if c.date.Last().Before(t.date.First()) {
			notes = append(notes, l.T("note.chain-early", c.ref, c.date.String(), t.ref, t.date.String()))
		}
	}
	for _, ref := range ch.order {
		p := pledges[ref]
		if p == nil {
			continue
		}
		if over := max(p.takenUp(), p.disbursed) - p.pledge.value; over > 0 {
			notes = append(notes, l.T("note.chain-over", p.pledge.ref, l.Number(money.FromMinor(over, cur), cur.Units)+" "+cur.Code))
		}
	}
	const most = 20
	if len(notes) > most {
		notes = append(notes[:most], l.T("note.chain-more", strconv.Itoa(len(notes)-most)))
	}
	return notes
}

// outstanding is what a pledge's chain has not yet paid: its value less
// the disbursements along it, never below zero.
func (p *pledgeState) outstanding() int64 { return max(0, p.pledge.value-p.disbursed) }

// uncommitted is what of a pledge no commitment or disbursement along its
// chain has taken up yet, never below zero.
func (p *pledgeState) uncommitted() int64 {
	return max(0, p.pledge.value-p.takenUp())
}
