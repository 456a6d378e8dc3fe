package report

import (
	"context"
	"fmt"
	"runtime"
	"slices"
	"sort"

	"github.com/coalition/pledger/internal/model"

	"github.com/coalition/pledger/internal/ledger"
	"github.com/coalition/pledger/internal/money"
	"github.com/coalition/pledger/internal/store"
)

// groupKey names one group of an aggregation (unused parts stay "").
type groupKey [4]string

// acc accumulates one group: the exact sum of its entries' values (each
// entry converted and rounded once), the entries counted and their
// qualifiers.
type acc struct {
	sum       money.Total
	entries   int
	qualified map[string]int
	refs      map[string][]string // the three smallest refs per qualifier
}

func (a *acc) merge(o *acc) {
	a.sum.Merge(&o.sum)
	a.entries += o.entries
	for q, n := range o.qualified {
		a.qualify(q, n, o.refs[q]...)
	}
}

func (a *acc) qualify(q string, n int, refs ...string) {
	if a.qualified == nil {
		a.qualified, a.refs = map[string]int{}, map[string][]string{}
	}
	a.qualified[q] += n
	for _, r := range refs {
		a.refs[q] = keepFirst(a.refs[q], r, 3)
	}
}

// keepFirst adds ref to refs, a sorted list of at most n refs, keeping
// the n smallest: the same refs whatever order they come in.
func keepFirst(refs []string, ref string, n int) []string {
	i := sort.SearchStrings(refs, ref)
	if i >= n || (i < len(refs) && refs[i] == ref) {
		return refs
	}
	refs = append(refs, "")
	copy(refs[i+1:], refs[i:])
	refs[i] = ref
	if len(refs) > n {
		refs = refs[:n]
	}
	return refs
}

// aggregation is the result of aggregate.
type aggregation struct {
	groups  map[groupKey]*acc
	entries int
	illus   int // how many of the entries counted are flagged illustrative
	conv    *Converter
	kinds   map[string]*acc // every entry placed in a group, by kind: the report's scope totals
	split   *splitter       // what the sector and location filters left out for being shared
	rated   rated           // the entries placed in a group, per conversion
}

// keyFunc places a portion of an entry (its whole value when it is not
// split: see split.go) in a group; false leaves the portion out.
type keyFunc func(a *store.Amount, d ledger.Date, pt portion) (groupKey, bool)

// aggregate scans the current entries with an amount matching f, in
// parallel parts, splits each entry's value into the portions f's sector
// and location filters keep (the share rule, split.go), and sums each
// group exactly in the report currency. An entry counts once in each group
// that holds a portion of it, and once in the scope's totals.
func aggregate(ctx context.Context, s *store.Store, st *State, opt Options, f store.Filter, key keyFunc) (*aggregation, error) {
	ag, _, err := aggregateAndChains(ctx, s, st, opt, f, key, false, false)
	return ag, err
}

// aggregateChains is aggregate, and the chains of the report's scope
// (loadChainsParts with chainF, st.filter(opt)). When f selects every
// current entry (no filter but kinds that include the contributions), the
// one scan that aggregates also reads the chains, which are then every
// contribution, each valued as aggregate values it; otherwise the chains
// are loaded by a scan of their own.
func aggregateChains(ctx context.Context, s *store.Store, st *State, opt Options, f, chainF store.Filter, key keyFunc, keepParts bool) (*aggregation, *chains, error) {
	if whole(st, f) && whole(st, chainF) {
		return aggregateAndChains(ctx, s, st, opt, f, key, true, keepParts)
	}
	ag, err := aggregate(ctx, s, st, opt, f, key)
	if err != nil {
		return nil, nil, err
	}
	ch, err := loadChainsParts(ctx, s, st, chainF, ag.conv, opt.Currency, keepParts)
	return ag, ch, err
}

// whole tells whether f selects every current entry of the state, of its
// kinds, and those include every kind of contribution.
func whole(st *State, f store.Filter) bool {
	if f.Seq != st.Head.Seq || len(f.Parties) > 0 || len(f.Sectors) > 0 || len(f.Locations) > 0 || f.From != "" || f.To != "" ||
		f.WithVoided || f.Straddling || f.Ref != "" || f.RefPrefix != "" || f.Fulfils != "" || f.SearchText != "" || f.Limit > 0 || f.Skip > 0 {
		return false
	}
	if len(f.Kinds) == 0 {
		return true
	}
	for _, k := range []ledger.Kind{ledger.Pledge, ledger.Commitment, ledger.Disbursement} {
		if !slices.Contains(f.Kinds, k) {
			return false
		}
	}
	return true
}

// aggregateAndChains is aggregate; withChains also makes a link of every
// contribution it reads (f must be whole), in scope with the value it
// counts, and returns the chains.
func aggregateAndChains(ctx context.Context, s *store.Store, st *State, opt Options, f store.Filter, key keyFunc, withChains, keepParts bool) (*aggregation, *chains, error) {
	parts := runtime.GOMAXPROCS(0)
	conv, err := st.converter(ctx, opt)
	if err != nil {
		return nil, nil, err
	}
	// The chains need every contribution's ref, need and what it fulfils;
	// the aggregation sees sectors and locations only as f asks.
	lists := f.Wide || len(f.Sectors) > 0 || len(f.Locations) > 0
	if withChains {
		f.Wide = true
	}
	type part struct {
		cache    *scanCache // dates, currencies, and the entries counted per conversion
		groups   map[groupKey]*acc
		kinds    map[string]*acc
		split    *splitter
		portions []portion
		touched  []*acc
		entries  int
		illus    int
		chain    *chainPart
	}
	ps := make([]*part, parts)
	for i := range ps {
		ps[i] = &part{cache: newScanCache(conv), groups: map[groupKey]*acc{}, kinds: map[string]*acc{}, split: newSplitter(f)}
		if withChains {
			ps[i].chain = newChainPart()
		}
	}
	err = s.Amounts(ctx, f, parts, func(i int, a *store.Amount) error {
		p := ps[i]
		d, cc, factor, err := p.cache.entry(a, func() string { return s.FirstRef(ctx, f, a.Currency, a.Date) })
		if err != nil {
			return err
		}
		cur := cc.cur
		v, err := entryValue(factor.conv.exact, a.Minor, cur.Units, opt.Currency, a.Ref)
		if err != nil {
			return err
		}
		var l *link
		if p.chain != nil && isContribution(a.Kind) {
			l = p.chain.add(a, d)
			if factor.chain == nil {
				factor.chain = &tally{conv: factor.conv}
			}
			if !keepParts {
				// Every portion is kept (f is whole): the link's value
				// is the entry's.
				l.scope(scoped{value: v, minor: a.Minor, cur: cur, tally: factor.chain})
			}
			if !lists {
				a.Sector, a.Location = nil, nil
			}
		}
		p.portions = p.split.portions(p.portions[:0], a, v)
		if l != nil && keepParts {
			sc := scoped{cur: cur, tally: factor.chain, parts: slices.Clone(p.portions)}
			for _, pt := range p.portions {
				sc.value += pt.value
				sc.minor += pt.minor
			}
			if len(p.portions) > 0 {
				l.scope(sc)
			}
		}
		p.touched = p.touched[:0]
		var inScope int64
		counted := false
		for _, pt := range p.portions {
			k, ok := key(a, d, pt)
			if !ok {
				continue
			}
			counted = true
			inScope += pt.value
			g := p.groups[k]
			if g == nil {
				g = &acc{}
				p.groups[k] = g
			}
			g.sum.Add(pt.value)
			if slices.Contains(p.touched, g) {
				continue
			}
			p.touched = append(p.touched, g)
			g.entries++
			if a.Qualifier != string(ledger.Exact) {
				g.qualify(a.Qualifier, 1, string(a.Ref))
			}
		}
		if !counted {
			return nil
		}
		kt := p.kinds[a.Kind]
		if kt == nil {
			kt = &acc{}
			p.kinds[a.Kind] = kt
		}
		kt.entries++
		kt.sum.Add(inScope)
		p.entries++
		factor.n++
		if a.Qualifier != string(ledger.Exact) {
			kt.qualify(a.Qualifier, 1, string(a.Ref))
		}
		if a.Illustrative {
			p.illus++
		}
		return nil
	})
	if err != nil {
		return nil, nil, err
	}
	out := &aggregation{groups: ps[0].groups, entries: ps[0].entries, conv: conv, kinds: ps[0].kinds, illus: ps[0].illus, split: ps[0].split,
		rated: rated{}}
	for _, p := range ps {
		p.cache.tallies(func(t *tally) { out.rated.add(t) })
	}
	for _, p := range ps[1:] {
		out.entries += p.entries
		out.illus += p.illus
		out.split.merge(p.split)
		for k, g := range p.kinds {
			if into := out.kinds[k]; into != nil {
				into.merge(g)
			} else {
				out.kinds[k] = g
			}
		}
		for k, g := range p.groups {
			if into := out.groups[k]; into != nil {
				into.merge(g)
			} else {
				out.groups[k] = g
			}
		}
	}
	for _, g := range out.groups {
		if _, ok := g.sum.Minor(); !ok {
			return nil, nil, fmt.Errorf("%w: a total in %s is too large to add up", ledger.ErrInvalid, opt.Currency.Code)
		}
	}
	if !withChains {
		return out, nil, nil
	}
	cps := make([]*chainPart, len(ps))
	var tallies []*tally
	for i, p := range ps {
		cps[i] = p.chain
		p.cache.tallies(func(t *tally) {
			if t.chain != nil {
				tallies = append(tallies, t.chain)
			}
		})
	}
	// The chains' own splitter: the aggregation's notes what f left out,
	// and f, being whole, leaves nothing out.
	return out, newChains(cps, nil, tallies, opt.Currency, newSplitter(f)), nil
}

// kindTotals are the scope totals of an aggregation: every entry it placed
// in a group, by kind, in kind order.
func (ag *aggregation) kindTotals(cur money.Currency) []model.KindTotal {
	out := []model.KindTotal{}
	kinds := make([]string, 0, len(ag.kinds))
	for k := range ag.kinds {
		kinds = append(kinds, k)
	}
	sort.Strings(kinds)
	for _, k := range kinds {
		out = append(out, model.KindTotal{Kind: k, Amount: amountCell(ag.kinds[k], cur)})
	}
	return out
}

// sortedKeys returns the groups' keys in bytewise order.
func (ag *aggregation) sortedKeys() []groupKey {
	keys := make([]groupKey, 0, len(ag.groups))
	for k := range ag.groups {
		keys = append(keys, k)
	}
	sort.Slice(keys, func(i, j int) bool {
		for n := range keys[i] {
			if keys[i][n] != keys[j][n] {
				return keys[i][n] < keys[j][n]
			}
		}
		return false
	})
	return keys
}

// amountCell is a group's figure, the exact sum of its entries' values,
// with its qualifier when every entry in it shares one, or the kind of
// bound it is when only some are qualified.
func amountCell(a *acc, cur money.Currency) model.Cell {
	if a == nil {
		return model.Cell{Value: money.FromMinor(0, cur)}
	}
	c := model.Cell{Value: a.sum.Decimal(cur), Int: int64(a.entries)}
	c.Qualifier, c.Bound = model.QualifierOf(a.qualified, a.entries)
	return c
}
