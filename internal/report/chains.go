package report

import (
	"context"
	"fmt"
	"runtime"
	"slices"
	"strings"
	"sync"

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
	next                                         *link        // the contribution it fulfils, when the state holds it
	chain                                        *pledgeState // a pledge in scope: its chain (pledgeChains)
	date                                         ledger.Date
	value                                        int64
	inScope                                      bool // counted by the report (its filters); the others only resolve chains
	illustrative                                 bool
	cur                                          money.Currency // the amount as stated: minor units of cur
	minor                                        int64
	factor                                       *money.Factor // its conversion into the report currency
	// tally counts the entries valued with its conversion: a computation
	// that counts the link adds one (count), and rated collects them.
	tally *tally
	// parts are its portions in scope (split.go), kept only when the
	// chains are loaded for a computation that groups by them (stages).
	parts []portion
	stage stageState // fillStages's working figures
}

// count counts a link in scope among the entries whose values the report
// shows, under its conversion (for the provenance's rate sources).
func (l *link) count() {
	if l.tally != nil {
		l.tally.n++
	}
}

// chains are the contributions of a ledger state, by ref.
type chains struct {
	links map[string]*link
	order []*link // the links in scope, in no particular order

	target money.Currency // the report currency
	split  *splitter      // what the sector and location filters left out for being shared
	// tallies are the conversions of the links in scope, one per part and
	// conversion key; link.count adds to them.
	tallies []*tally
}

// rated is how many links were counted (link.count), per conversion.
func (ch *chains) rated() rated {
	r := rated{}
	r.add(ch.tallies...)
	return r
}

// isContribution tells whether an entry of kind k is part of a chain.
func isContribution(k string) bool {
	return k == string(ledger.Pledge) || k == string(ledger.Commitment) || k == string(ledger.Disbursement)
}

// stage order: what may fulfil what.
var stage = map[string]int{"pledge": 1, "commitment": 2, "disbursement": 3}

// loadChains reads every contribution at the state (to resolve chains) and
// values those in the report's scope (f) with conv, entry by entry, by the
// one rounding rule (money.Factor.Value), in two lean scans, each in
// parallel parts.
func loadChains(ctx context.Context, s *store.Store, st *State, f store.Filter, conv *Converter, cur money.Currency) (*chains, error) {
	return loadChainsParts(ctx, s, st, f, conv, cur, false)
}

// loadChainsParts is loadChains; with keepParts, each link in scope also
// keeps its portions (link.parts), for a computation that groups the chains
// by sector or location.
func loadChainsParts(ctx context.Context, s *store.Store, st *State, f store.Filter, conv *Converter, cur money.Currency, keepParts bool) (*chains, error) {
	kinds := []ledger.Kind{ledger.Pledge, ledger.Commitment, ledger.Disbursement}
	parts := runtime.GOMAXPROCS(0)
	type part struct {
		*chainPart
		cache    *scanCache
		values   map[string]scoped
		split    *splitter
		portions []portion
	}
	ps := make([]*part, parts)
	for i := range ps {
		ps[i] = &part{chainPart: newChainPart(), cache: newScanCache(conv), values: map[string]scoped{}, split: newSplitter(f)}
	}
	// value values a in scope: the portions the sector and location
	// filters keep (split.go), of its value and of its amount as stated;
	// ok is false when none is kept.
	value := func(p *part, a *store.Amount, c money.Currency, t *tally) (sc scoped, ok bool, err error) {
		v, err := entryValue(t.conv.exact, a.Minor, c.Units, cur, a.Ref)
		if err != nil {
			return sc, false, err
		}
		p.portions = p.split.portions(p.portions[:0], a, v)
		if len(p.portions) == 0 {
			return sc, false, nil
		}
		sc = scoped{cur: c, tally: t}
		for _, pt := range p.portions {
			sc.value += pt.value
			sc.minor += pt.minor
		}
		if keepParts {
			sc.parts = slices.Clone(p.portions)
		}
		return sc, true, nil
	}
	// Without a filter the report's scope is every contribution: one scan
	// reads the chains and values them, into the links themselves.
	filtered := len(f.Parties) > 0 || len(f.Sectors) > 0 || len(f.Locations) > 0 || f.From != "" || f.To != ""
	all := store.Filter{Seq: st.Head.Seq, Kinds: kinds, Wide: true}
	err := s.Amounts(ctx, all, parts, func(i int, a *store.Amount) error {
		p := ps[i]
		if filtered {
			d, _, err := p.cache.date(a.Date)
			if err != nil {
				return fmt.Errorf("entry %s: %w", a.Ref, err)
			}
			p.add(a, d)
			return nil
		}
		d, cc, t, err := p.cache.entry(a, nil)
		if err != nil {
			return err
		}
		l := p.add(a, d)
		sc, ok, err := value(p, a, cc.cur, t)
		if ok {
			l.scope(sc)
		}
		return err
	})
	if err == nil && filtered {
		f.Kinds, f.Wide = kinds, true
		err = s.Amounts(ctx, f, parts, func(i int, a *store.Amount) error {
			p := ps[i]
			_, cc, t, err := p.cache.entry(a, nil)
			if err != nil {
				return err
			}
			sc, ok, err := value(p, a, cc.cur, t)
			if ok {
				p.values[string(a.Ref)] = sc
			}
			return err
		})
	}
	if err != nil {
		return nil, err
	}
	cps, values := make([]*chainPart, len(ps)), make([]map[string]scoped, len(ps))
	var tallies []*tally
	for i, p := range ps {
		cps[i], values[i] = p.chainPart, p.values
		p.cache.tallies(func(t *tally) { tallies = append(tallies, t) })
		if i > 0 {
			ps[0].split.merge(p.split)
		}
	}
	return newChains(cps, values, tallies, cur, ps[0].split), nil
}

// chainPart collects the links one part of a scan reads.
type chainPart struct {
	links   []*link
	slab    []link            // where its links are allocated, a chunk at a time
	towards map[string]string // one string per need
}

func newChainPart() *chainPart { return &chainPart{towards: map[string]string{}} }

// add makes the link of contribution a, dated d (not yet in scope).
func (cp *chainPart) add(a *store.Amount, d ledger.Date) *link {
	// Many contributions go toward the same need: one string each.
	toward, ok := cp.towards[string(a.Toward)]
	if !ok {
		toward = string(a.Toward)
		cp.towards[toward] = toward
	}
	if len(cp.slab) == cap(cp.slab) {
		cp.slab = make([]link, 0, 4096)
	}
	cp.slab = append(cp.slab, link{ref: string(a.Ref), kind: a.Kind, party: a.Party, toward: toward, fulfils: string(a.Fulfils),
		qualifier: a.Qualifier, date: d, illustrative: a.Illustrative})
	l := &cp.slab[len(cp.slab)-1]
	cp.links = append(cp.links, l)
	return l
}

// newChains makes the chains of the links the parts read: one map of
// every link, made at its final size, and each link's pointer to what it
// fulfils (found in parallel, once, so that following a chain is no
// look-up); values (by ref, from a filtered scan) put links in scope;
// tallies are the conversions of the links in scope. The links in scope
// are in no particular order: every figure made from them is a sum, and
// what is listed (anomalies) is sorted itself.
func newChains(cps []*chainPart, values []map[string]scoped, tallies []*tally, cur money.Currency, split *splitter) *chains {
	n := 0
	for _, p := range cps {
		n += len(p.links)
	}
	ch := &chains{links: make(map[string]*link, n), target: cur, split: split, tallies: tallies}
	for _, p := range cps {
		for _, l := range p.links {
			ch.links[l.ref] = l
		}
	}
	var wg sync.WaitGroup
	for _, p := range cps {
		wg.Go(func() {
			for _, l := range p.links {
				if l.fulfils != "" {
					l.next = ch.links[l.fulfils]
				}
			}
		})
	}
	wg.Wait()
	for _, vs := range values {
		for ref, v := range vs {
			if l := ch.links[ref]; l != nil {
				l.scope(v)
			}
		}
	}
	for _, p := range cps {
		for _, l := range p.links {
			if l.inScope {
				ch.order = append(ch.order, l)
			}
		}
	}
	return ch
}

// scope puts the link in the report's scope with its value.
func (l *link) scope(v scoped) {
	l.value, l.minor, l.cur, l.factor, l.tally, l.inScope = v.value, v.minor, v.cur, v.tally.conv.exact, v.tally, true
	l.parts = v.parts
}

// scoped is a contribution's amount as stated and its value.
type scoped struct {
	value int64
	minor int64
	cur   money.Currency
	tally *tally    // its conversion
	parts []portion // with keepParts
}

// need is the need a contribution goes toward: its own toward, or that of
// what it fulfils.
func (ch *chains) need(l *link) string {
	for range 3 {
		if l.toward != "" {
			return l.toward
		}
		if l = l.next; l == nil {
			return ""
		}
	}
	return ""
}

// pledgeOf is the pledge at the head of a contribution's chain, or nil.
func (ch *chains) pledgeOf(l *link) *link {
	for range 3 {
		if l.kind == "pledge" {
			return l
		}
		if l = l.next; l == nil {
			return nil
		}
	}
	return nil
}

// fulfilsCommitment tells whether a disbursement fulfils a commitment.
func (ch *chains) fulfilsCommitment(l *link) bool {
	return l.next != nil && l.next.kind == "commitment"
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
	target               money.Currency
	committed, disbursed int64 // in scope, along the chain, as stated in the pledge's currency
	direct               int64 // disbursements that fulfil the pledge itself, with no commitment
	// mixed: some of the chain is in another currency than the pledge; its
	// figures are then compared in value (report currency) instead.
	mixed                           bool
	vCommitted, vDisbursed, vDirect int64
}

// takenUp is what the chain has committed or paid without a commitment,
// in the pledge's currency.
func (p *pledgeState) takenUp() int64 { return p.committed + p.direct }

// over is by how much the chain takes the pledge beyond its amount, in the
// pledge's currency; 0 when it does not, or when the chain mixes
// currencies (then rates, not payments, would make the difference).
func (p *pledgeState) over() int64 {
	if p.mixed {
		return 0
	}
	return max(0, max(p.takenUp(), p.disbursed)-p.pledge.minor)
}

// remaining values what of the pledge a part of its chain has not yet
// taken up: in the pledge's currency, valued like the pledge, so that a
// pledge paid in full is never left outstanding by a move of the rates.
func (p *pledgeState) remaining(taken, vTaken int64) int64 {
	if p.mixed || p.pledge.factor == nil {
		return max(0, p.pledge.value-vTaken)
	}
	v, _ := p.pledge.factor.Value(max(0, p.pledge.minor-taken), p.pledge.cur.Units, p.target)
	return v
}

// pledgeStates are the chains of the pledges in scope (pledgeChains), in
// no particular order; each pledge's link points at its own (link.chain).
type pledgeStates []*pledgeState

// of is the chain of pledge p when p is a pledge in scope, else nil.
func (pledgeStates) of(p *link) *pledgeState {
	if p == nil {
		return nil
	}
	return p.chain
}

// pledgeChains follows every pledge in scope to what fulfils it.
func (ch *chains) pledgeChains() pledgeStates {
	var out pledgeStates
	for _, l := range ch.order {
		l.chain = nil
		if l.kind == "pledge" {
			l.chain = &pledgeState{pledge: l, target: ch.target}
			out = append(out, l.chain)
		}
	}
	for _, l := range ch.order {
		if l.kind == "pledge" {
			continue
		}
		p := ch.pledgeOf(l)
		if p == nil || !p.inScope || p.chain == nil {
			continue
		}
		ps := p.chain
		ps.mixed = ps.mixed || l.cur.Code != p.cur.Code
		switch l.kind {
		case "commitment":
			ps.committed += l.minor
			ps.vCommitted += l.value
		case "disbursement":
			ps.disbursed += l.minor
			ps.vDisbursed += l.value
			if l.fulfils == p.ref {
				ps.direct += l.minor
				ps.vDirect += l.value
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
func (ch *chains) anomalies(l *model.Lang, cur money.Currency, pledges pledgeStates) []string {
	// The anomalies are found in any order and listed by kind (order and
	// early first, then over-fulfilled), then ref; only those shown are
	// worded.
	type anomaly struct {
		over bool   // an over-fulfilled pledge, listed after the others
		ref  string // the contribution's
		what int    // 0 order, 1 early
		c    *link
		p    *pledgeState
	}
	var found []anomaly
	for _, c := range ch.order {
		t := c.next
		if t == nil {
			continue
		}
		if stage[t.kind] >= stage[c.kind] {
			found = append(found, anomaly{ref: c.ref, what: 0, c: c})
		}
		if c.date.Last().Before(t.date.First()) {
			found = append(found, anomaly{ref: c.ref, what: 1, c: c})
		}
	}
	for _, p := range pledges {
		if p.over() > 0 {
			found = append(found, anomaly{over: true, ref: p.pledge.ref, p: p})
		}
	}
	slices.SortFunc(found, func(a, b anomaly) int {
		if a.over != b.over {
			if a.over {
				return 1
			}
			return -1
		}
		if c := strings.Compare(a.ref, b.ref); c != 0 {
			return c
		}
		return a.what - b.what
	})
	const most = 20
	var notes []string
	for _, a := range found[:min(len(found), most)] {
		switch {
		case a.over:
			c := a.p.pledge.cur
			notes = append(notes, l.T("note.chain-over", a.p.pledge.ref, l.Number(money.FromMinor(a.p.over(), c), c.Units)+" "+c.Code))
		case a.what == 0:
			c, t := a.c, a.c.next
			notes = append(notes, l.T("note.chain-order", c.ref, l.Kind(c.kind), t.ref, l.Kind(t.kind)))
		default:
			c, t := a.c, a.c.next
			notes = append(notes, l.T("note.chain-early", c.ref, c.date.String(), t.ref, t.date.String()))
		}
	}
	if len(found) > most {
		notes = append(notes, l.T("note.chain-more", l.N(len(found)-most)))
	}
	return notes
}

// outstanding is what a pledge's chain has not yet paid: its value less
// the disbursements along it, never below zero.
func (p *pledgeState) outstanding() int64 { return p.remaining(p.disbursed, p.vDisbursed) }

// uncommitted is what of a pledge no commitment or disbursement along its
// chain has taken up yet, never below zero.
func (p *pledgeState) uncommitted() int64 {
	return p.remaining(p.takenUp(), p.vCommitted+p.vDirect)
}

// chainNotes lists, in c's notes, the chains in the report's scope that run
// against their order (see anomalies): every report that counts
// contributions says so.
func chainNotes(ctx context.Context, s *store.Store, st *State, opt Options, l *model.Lang, c *computed, conv *Converter) error {
	ch, err := loadChains(ctx, s, st, st.filter(opt), conv, opt.Currency)
	if err != nil {
		return err
	}
	c.notes = append(c.notes, ch.anomalies(l, opt.Currency, ch.pledgeChains())...)
	return nil
}
