package report

import (
	"context"
	"fmt"

	"github.com/coalition/pledger/internal/model"

	"github.com/coalition/pledger/internal/ledger"
	"github.com/coalition/pledger/internal/money"
	"github.com/coalition/pledger/internal/store"
	"github.com/shopspring/decimal"
)

// Summary is the summary report in the shape of the JSON the currency
// issue fixed: for each party and kind the total in one currency, and per
// kind the grand total. A row is the exact sum of its entries' values
// (each amount × rate rounded once, half to even), and so is a total, so
// every table adds up.
type Summary struct {
	Report    string         `json:"report"`
	Currency  string         `json:"currency"`
	Valuation string         `json:"valuation"`
	AsOf      string         `json:"as_of"`
	Rows      []SummaryRow   `json:"rows"`
	Totals    []SummaryTotal `json:"totals"`
	Notes     []string       `json:"notes"`
	// IllustrativeEntries counts the entries flagged illustrative among
	// those summed.
	IllustrativeEntries int `json:"illustrative_entries"`

	Model *model.Model `json:"-"`
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

// MakeSummary runs the catalog's summary report and returns it in the
// summary's own shape.
func MakeSummary(ctx context.Context, s *store.Store, opt Options) (*Summary, error) {
	m, err := Run(ctx, s, "summary", opt)
	if err != nil {
		return nil, err
	}
	sum := &Summary{Report: m.Report, Currency: m.Currency, Valuation: m.Valuation.String(), AsOf: m.AsOf.UTC().Format(TimeLayout),
		Rows: []SummaryRow{}, Totals: []SummaryTotal{}, Notes: m.Notes, IllustrativeEntries: m.Illustrative, Model: m}
	cur := opt.Currency
	sec := m.Sections[0]
	for _, r := range sec.Rows {
		sum.Rows = append(sum.Rows, SummaryRow{Party: r["party"].Text, Kind: r["kind"].Text, Amount: money.Fixed(r["amount"].Value, cur),
			Entries: int(r["entries"].Int), Value: r["amount"].Value})
	}
	for _, r := range sec.Totals {
		sum.Totals = append(sum.Totals, SummaryTotal{Kind: r["kind"].Text, Amount: money.Fixed(r["amount"].Value, cur),
			Entries: int(r["entries"].Int), Value: r["amount"].Value})
	}
	return sum, nil
}

// computeSummary: per party and kind, per kind, and each party's balance
// (pledged minus disbursed).
func computeSummary(ctx context.Context, s *store.Store, st *State, opt Options, l *model.Lang) (*computed, error) {
	ag, ch, err := aggregateChains(ctx, s, st, opt, st.filter(opt), st.filter(opt), func(a *store.Amount, d ledger.Date, pt portion) (groupKey, bool) {
		return groupKey{a.Party, a.Kind}, true
	}, false)
	if err != nil {
		return nil, err
	}
	c := newComputed(ag)
	cur := opt.Currency
	pledges := ch.pledgeChains()
	outstanding := map[string]*money.Total{}
	for _, p := range pledges {
		t := outstanding[p.pledge.party]
		if t == nil {
			t = &money.Total{}
			outstanding[p.pledge.party] = t
		}
		t.Add(p.outstanding())
	}
	main := c.section("summary")
	byKind := map[string][]model.Cell{}
	var kinds []string
	type bal struct{ pledged, disbursed []model.Cell }
	balances := map[string]*bal{}
	var parties []string
	for _, k := range ag.sortedKeys() {
		g := ag.groups[k]
		party, kind := k[0], k[1]
		cell := amountCell(g, cur)
		main.Rows = append(main.Rows, model.Row{"party": {Text: party}, "kind": {Text: kind}, "amount": cell, "entries": {Int: int64(g.entries)}})
		if byKind[kind] == nil {
			kinds = append(kinds, kind)
		}
		byKind[kind] = append(byKind[kind], cell)
		c.qualifierNotes(l, func() string { return party + " " + l.Kind(kind) }, g)
		b := balances[party]
		if b == nil {
			b = &bal{}
			balances[party] = b
			parties = append(parties, party)
		}
		switch ledger.Kind(kind) {
		case ledger.Pledge:
			b.pledged = append(b.pledged, cell)
		case ledger.Disbursement:
			b.disbursed = append(b.disbursed, cell)
		}
	}
	sortStrings(kinds)
	for _, k := range kinds {
		t := model.SumCells(byKind[k])
		main.Totals = append(main.Totals, model.Row{"kind": {Text: k}, "amount": t, "entries": {Int: t.Int}})
		c.totalNote(l, l.Kinds(k), t)
	}
	balance := c.section("balance")
	var tp, td, to []model.Cell
	for _, p := range parties {
		b := balances[p]
		pl := model.SumCells(b.pledged)
		di := model.SumCells(b.disbursed)
		// Outstanding is counted per chain: each pledge less the
		// disbursements along it, never below zero.
		out := model.Cell{Value: money.FromMinor(0, cur)}
		if t := outstanding[p]; t != nil {
			out.Value = t.Decimal(cur)
		}
		if pl.Qualifier != "" || pl.Bound != "" || di.Qualifier != "" || di.Bound != "" {
			out.Bound = "approximate"
		}
		balance.Rows = append(balance.Rows, model.Row{"party": {Text: p}, "pledged": pl, "disbursed": di, "outstanding": out})
		tp, td, to = append(tp, pl), append(td, di), append(to, out)
	}
	if len(parties) > 0 {
		balance.Totals = append(balance.Totals, model.Row{"party": {Text: l.T("total")}, "pledged": model.SumCells(tp),
			"disbursed": model.SumCells(td), "outstanding": model.SumCells(to)})
	}
	c.notes = append(c.notes, l.T("note.no-amount-deployments"), l.T("note.outstanding"))
	c.notes = append(c.notes, ch.anomalies(l, cur, pledges)...)
	if err := periodNote(ctx, s, st, opt, l, c, st.filter(opt), nil); err != nil {
		return nil, err
	}
	return c, nil
}

func ones(n int) []int {
	out := make([]int, n)
	for i := range out {
		out[i] = 1
	}
	return out
}

// joinRefs lists refs, saying how many more there are.
func joinRefs(refs []string, n int) string {
	s := ""
	for i, r := range refs {
		if i > 0 {
			s += ", "
		}
		s += r
	}
	if n > len(refs) {
		s += fmt.Sprintf(" (+%d)", n-len(refs))
	}
	return s
}
