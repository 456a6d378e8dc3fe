package report

import (
	"context"
	"fmt"
	"runtime"
	"sort"

	"github.com/coalition/pledger/internal/model"

	"github.com/coalition/pledger/internal/ledger"
	"github.com/coalition/pledger/internal/money"
	"github.com/coalition/pledger/internal/store"
)

// groupKey names one group of an aggregation (unused parts stay "").
type groupKey [4]string

// acc accumulates one group: the exact sum of amount × rate, the entries
// counted and their qualifiers.
type acc struct {
	sum       money.Sum
	entries   int
	qualified map[string]int
	refs      map[string][]string // the three smallest refs per qualifier
}

func (a *acc) merge(o *acc) {
	a.sum.Add(&o.sum)
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
	illus   acc // the illustrative entries among those counted, and their sum
	conv    *Converter
}

// keyFunc places an entry in a group; false leaves it out.
type keyFunc func(a *store.Amount, d ledger.Date) (groupKey, bool)

// aggregate scans the current entries with an amount matching f, in
// parallel parts, and sums each group exactly in the report currency.
func aggregate(ctx context.Context, s *store.Store, st *State, opt Options, f store.Filter, key keyFunc) (*aggregation, error) {
	parts := runtime.GOMAXPROCS(0)
	table, err := st.Rates(ctx)
	if err != nil {
		return nil, err
	}
	conv := NewConverter(table, opt.Currency, opt.Valuation)
	type part struct {
		factors    map[convKey]*money.Factor
		groups     map[groupKey]*acc
		dates      map[string]ledger.Date
		currencies map[string]money.Currency
		entries    int
		illus      acc
	}
	ps := make([]*part, parts)
	for i := range ps {
		ps[i] = &part{factors: map[convKey]*money.Factor{}, groups: map[groupKey]*acc{},
			dates: map[string]ledger.Date{}, currencies: map[string]money.Currency{}}
	}
	err = s.Amounts(ctx, f, parts, func(i int, a *store.Amount) error {
		p := ps[i]
		d, ok := p.dates[a.Date]
		if !ok {
			var err error
			if d, err = ledger.ParseDate(a.Date); err != nil {
				return fmt.Errorf("entry %s: %w", a.Ref, err)
			}
			p.dates[a.Date] = d
		}
		k, ok := key(a, d)
		if !ok {
			return nil
		}
		g := p.groups[k]
		if g == nil {
			g = &acc{}
			p.groups[k] = g
		}
		g.entries++
		p.entries++
		if a.Qualifier != string(ledger.Exact) {
			g.qualify(a.Qualifier, 1, string(a.Ref))
		}
		cur, ok := p.currencies[a.Currency]
		if !ok {
			var err error
			if cur, err = money.ParseCurrency(a.Currency); err != nil {
				return fmt.Errorf("entry %s: %w", a.Ref, err)
			}
			p.currencies[a.Currency] = cur
		}
		factor, ok := p.factors[convKey{a.Currency, d}]
		if !ok {
			var err error
			if factor, err = conv.ExactFactor(a.Currency, d); err != nil {
				ref := string(a.Ref)
				if ref == "" {
					ref = s.FirstRef(ctx, f, a.Currency, a.Date)
				}
				return fmt.Errorf("%w (entry %s)", err, ref)
			}
			p.factors[convKey{a.Currency, d}] = factor
		}
		g.sum.AddMinor(a.Minor, cur.Units, factor)
		if a.Illustrative {
			p.illus.entries++
			p.illus.sum.AddMinor(a.Minor, cur.Units, factor)
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	out := &aggregation{groups: ps[0].groups, entries: ps[0].entries, illus: ps[0].illus, conv: conv}
	for _, p := range ps[1:] {
		out.entries += p.entries
		out.illus.merge(&p.illus)
		for k, g := range p.groups {
			if into := out.groups[k]; into != nil {
				into.merge(g)
			} else {
				out.groups[k] = g
			}
		}
	}
	return out, nil
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

// amountCell is a group's figure, rounded once, with its qualifier when
// every entry in it shares one, or the kind of bound it is when only some
// are qualified.
func amountCell(a *acc, cur money.Currency) model.Cell {
	if a == nil {
		return model.Cell{Value: money.FromMinor(0, cur)}
	}
	c := model.Cell{Value: a.sum.Rounded(cur), Int: int64(a.entries)}
	c.Qualifier, c.Bound = model.QualifierOf(a.qualified, a.entries)
	return c
}
