package report

import (
	"context"
	"fmt"
	"runtime"
	"sort"

	"github.com/coalition/pledger/internal/ledger"
	"github.com/coalition/pledger/internal/money"
	"github.com/coalition/pledger/internal/store"
	"github.com/shopspring/decimal"
)

// Summary is, for each party and kind, the total in one currency, and per
// kind the grand total. A row is the exact sum of its entries, each
// amount × rate, rounded once, half to even; a total is the sum of its
// rounded rows, so every table adds up.
type Summary struct {
	Report    string         `json:"report"`
	Currency  string         `json:"currency"`
	Valuation string         `json:"valuation"`
	AsOf      string         `json:"as_of"`
	Rows      []SummaryRow   `json:"rows"`
	Totals    []SummaryTotal `json:"totals"`
	Notes     []string       `json:"notes"`

	State *State `json:"-"`
	// Qualified counts, per row and per total, the entries with a
	// qualifier other than exact, by qualifier.
	RowQualifiers   []map[string]int `json:"-"`
	TotalQualifiers []map[string]int `json:"-"`
}

// SummaryRow is one party's total for one kind.
type SummaryRow struct {
	Party   string `json:"party"`
	Kind    string `json:"kind"`
	Amount  string `json:"amount"`
	Entries int    `json:"entries"`

	Value decimal.Decimal `json:"-"`
}

// SummaryTotal is the grand total of one kind.
type SummaryTotal struct {
	Kind    string `json:"kind"`
	Amount  string `json:"amount"`
	Entries int    `json:"entries"`

	Value decimal.Decimal `json:"-"`
}

type rowKey struct{ party, kind string }

func (a *acc) merge(o *acc) {
	a.sum.Add(&o.sum)
	a.entries += o.entries
	for q, n := range o.qualified {
		if a.qualified == nil {
			a.qualified, a.refs = map[string]int{}, map[string][]string{}
		}
		a.qualified[q] += n
		for _, ref := range o.refs[q] {
			a.refs[q] = keepFirst(a.refs[q], ref, 3)
		}
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

type acc struct {
	sum       money.Sum // Σ amount × factor, exact
	entries   int
	qualified map[string]int
	refs      map[string][]string
}

// MakeSummary computes the summary report.
func MakeSummary(ctx context.Context, s *store.Store, opt Options) (*Summary, error) {
	st, err := Open(ctx, s, opt)
	if err != nil {
		return nil, err
	}
	// The scan runs in parts, one per core; each part has its own
	// accumulators, merged afterwards (sums are exact, so the merge order
	// cannot change a figure), and a local cache in front of the shared
	// converter.
	parts := runtime.GOMAXPROCS(0)
	conv := NewConverter(st.Table, opt.Currency, opt.Valuation)
	type part struct {
		factors    map[convKey]*money.Factor
		rows       map[rowKey]*acc
		dates      map[string]ledger.Date
		currencies map[string]money.Currency
	}
	ps := make([]*part, parts)
	for i := range ps {
		ps[i] = &part{factors: map[convKey]*money.Factor{}, rows: map[rowKey]*acc{},
			dates: map[string]ledger.Date{}, currencies: map[string]money.Currency{}}
	}
	f := st.filter(opt)
	err = s.Amounts(ctx, f, parts, func(i int, a *store.Amount) error {
		p := ps[i]
		k := rowKey{a.Party, a.Kind}
		r := p.rows[k]
		if r == nil {
			r = &acc{}
			p.rows[k] = r
		}
		r.entries++
		if a.Qualifier != string(ledger.Exact) {
			if r.qualified == nil {
				r.qualified, r.refs = map[string]int{}, map[string][]string{}
			}
			r.qualified[a.Qualifier]++
			r.refs[a.Qualifier] = keepFirst(r.refs[a.Qualifier], string(a.Ref), 3)
		}
		d, ok := p.dates[a.Date]
		if !ok {
			var err error
			if d, err = ledger.ParseDate(a.Date); err != nil {
				return fmt.Errorf("entry %s: %w", a.Ref, err)
			}
			p.dates[a.Date] = d
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
				return fmt.Errorf("%w (entry %s)", err, s.FirstRef(ctx, f, a.Currency, a.Date))
			}
			p.factors[convKey{a.Currency, d}] = factor
		}
		r.sum.AddMinor(a.Minor, cur.Units, factor)
		return nil
	})
	if err != nil {
		return nil, err
	}
	rows := ps[0].rows
	for _, p := range ps[1:] {
		for k, r := range p.rows {
			into := rows[k]
			if into == nil {
				rows[k] = r
				continue
			}
			into.merge(r)
		}
	}

	sum := &Summary{Report: "summary", Currency: opt.Currency.Code, Valuation: opt.Valuation.String(),
		AsOf: st.AsOf.Format(TimeLayout), State: st, Rows: []SummaryRow{}, Totals: []SummaryTotal{}}
	keys := make([]rowKey, 0, len(rows))
	for k := range rows {
		keys = append(keys, k)
	}
	sort.Slice(keys, func(i, j int) bool {
		if keys[i].party != keys[j].party {
			return keys[i].party < keys[j].party
		}
		return keys[i].kind < keys[j].kind
	})
	totals := map[string]*SummaryTotal{}
	totalQ := map[string]map[string]int{}
	var kindOrder []string
	for _, k := range keys {
		r := rows[k]
		v := r.sum.Rounded(opt.Currency)
		sum.Rows = append(sum.Rows, SummaryRow{Party: k.party, Kind: k.kind, Amount: money.Fixed(v, opt.Currency), Entries: r.entries, Value: v})
		sum.RowQualifiers = append(sum.RowQualifiers, r.qualified)
		t := totals[k.kind]
		if t == nil {
			t = &SummaryTotal{Kind: k.kind}
			totals[k.kind] = t
			totalQ[k.kind] = map[string]int{}
			kindOrder = append(kindOrder, k.kind)
		}
		t.Value = t.Value.Add(v)
		t.Entries += r.entries
		for q, n := range r.qualified {
			totalQ[k.kind][q] += n
		}
		for _, q := range []string{string(ledger.AtLeast), string(ledger.About), string(ledger.UpTo)} {
			if n := r.qualified[q]; n > 0 {
				sum.Notes = append(sum.Notes, fmt.Sprintf("%s %s includes %d %s %s (%s): the figure is %s.",
					k.party, k.kind, n, q, plural(n, "entry", "entries"), joinRefs(r.refs[q], n), qualifierNote(q)))
			}
		}
	}
	sort.Strings(kindOrder)
	for _, k := range kindOrder {
		t := totals[k]
		t.Amount = money.Fixed(t.Value, opt.Currency)
		sum.Totals = append(sum.Totals, *t)
		sum.TotalQualifiers = append(sum.TotalQualifiers, totalQ[k])
		for _, q := range []string{string(ledger.AtLeast), string(ledger.About), string(ledger.UpTo)} {
			if n := totalQ[k][q]; n > 0 {
				sum.Notes = append(sum.Notes, fmt.Sprintf("Total %s includes %d %s %s: it is %s.", k, n, q, plural(n, "entry", "entries"), qualifierNote(q)))
			}
		}
	}
	sum.Notes = append(sum.Notes,
		fmt.Sprintf("Amounts in %s; valuation %s.", opt.Currency.Code, opt.Valuation.Describe()),
		"Each row is the exact sum of its entries converted (amount × rate), rounded once, half to even, to the currency's minor units; totals are sums of rows.",
		"Deployments without an amount are not counted.")
	if srcs, first, last := conv.RatesUsed(); len(srcs) > 0 {
		sum.Notes = append(sum.Notes, fmt.Sprintf("Rates: %s, %s to %s.", joinRefs(srcs, len(srcs)), first.Format("2006-01-02"), last.Format("2006-01-02")))
	} else {
		sum.Notes = append(sum.Notes, "Rates: none needed.")
	}
	sum.Notes = append(sum.Notes, fmt.Sprintf("Ledger as of %s: revision %d, chain hash %s.", sum.AsOf, st.Head.Seq, st.Head.Hash))
	return sum, nil
}

func plural(n int, one, many string) string {
	if n == 1 {
		return one
	}
	return many
}
