package web

import (
	"cmp"
	"context"
	"fmt"
	"strconv"

	"github.com/coalition/pledger/internal/ledger"
	"github.com/coalition/pledger/internal/model"
	"github.com/coalition/pledger/internal/store"
	"github.com/shopspring/decimal"
)

// What a page shows of an entry, in the reader's language and notation.

// displayFields is e's fields as the reader writes them: the amount grouped
// in thousands with the reader's separators (1.250.000,50 in Dutch), the
// rest as stored. ledger.HumanFields reads every one of them back to the
// same value (dates stay ISO, which every notation reads).
func displayFields(l *model.Lang, e ledger.Entry) ledger.Fields {
	f := e.Fields()
	if e.Amount.Valid {
		f["amount"] = l.Number(e.Amount.Decimal, e.Currency.Units)
	}
	if f["qualifier"] == "" {
		// What the form's qualifier list shows and posts for exact.
		f["qualifier"] = string(ledger.Exact)
	}
	return f
}

// qualifierWord is a qualifier in the reader's words ("" for exact).
func qualifierWord(l *model.Lang, q string) string {
	if q == "" || q == string(ledger.Exact) {
		return ""
	}
	return l.T("ui.qualifier." + q)
}

// amountText is an entry's amount for a list: "more than 18,000,000.00
// EUR", and for a deployment its quantity ("about 250 × trainers").
func amountText(l *model.Lang, e ledger.Entry) string {
	var s string
	if e.Amount.Valid {
		s = l.Number(e.Amount.Decimal, e.Currency.Units) + " " + e.Currency.Code
	}
	if e.Quantity > 0 {
		q := l.Number(decimalOf(e.Quantity), 0) + " × " + e.Asset
		if s != "" {
			s += " · "
		}
		s += q
	}
	if w := qualifierWord(l, string(e.Qualifier)); w != "" && s != "" {
		s = w + " " + s
	}
	return s
}

// conflict is what a page says when a change was refused because the
// entry changed since the revision it was based on.
type conflict struct {
	Headline string
	Changes  []conflictChange
	Advice   string
}

type conflictChange struct {
	Who    string // "revision 4: amend by bob, 2026-03-31 12:00 UTC (“budget review”)"
	Fields []conflictField
}

type conflictField struct{ Label, Old, New string }

// newConflict phrases a StaleError for a form; advice is the key of what
// to do (the amend and void forms differ).
func newConflict(l *model.Lang, e *ledger.StaleError, advice string) *conflict {
	c := &conflict{Advice: l.T(advice)}
	switch {
	case e.Based < 1:
		c.Headline = l.T("ui.conflict.nobase", fmt.Sprint(e.Current))
	case e.Based > e.Current:
		c.Headline = l.T("ui.conflict.future", fmt.Sprint(e.Based), fmt.Sprint(e.Current))
	default:
		c.Headline = l.T("ui.conflict.headline", fmt.Sprint(e.Based), fmt.Sprint(e.Current))
	}
	for _, ch := range e.Since {
		who := l.T("ui.conflict.who", strconv.Itoa(ch.Rev), l.T("ui.action."+string(ch.Action)), ch.Author,
			ch.RecordedAt.UTC().Format("2006-01-02 15:04")+" UTC")
		if ch.Reason != "" {
			who += " (" + l.T("ui.quote", ch.Reason) + ")"
		}
		cc := conflictChange{Who: who}
		for _, f := range ch.Fields {
			old, new := f.Old, f.New
			switch f.Field {
			case "amount":
				old, new = shownAmount(l, old), shownAmount(l, new)
			case "qualifier":
				old, new = l.T("ui.qualifier."+cmp.Or(old, "exact")), l.T("ui.qualifier."+cmp.Or(new, "exact"))
			}
			if old == "" {
				old = l.T("ui.empty")
			}
			if new == "" {
				new = l.T("ui.empty")
			}
			cc.Fields = append(cc.Fields, conflictField{Label: fieldLabel(l, f.Field), Old: old, New: new})
		}
		c.Changes = append(c.Changes, cc)
	}
	return c
}

// shownAmount writes a canonical amount ("1250000.50") as the reader does,
// with as many decimals as it has.
func shownAmount(l *model.Lang, canonical string) string {
	d, err := decimalParse(canonical)
	if err != nil {
		return canonical
	}
	return l.Number(d, -d.Exponent())
}

// pickers are the datalists of a page: parties by code and name, sectors
// by code and name (the entry form: the vocabulary; a filter: the sectors
// entries name), the currencies and assets in use, the open needs an entry
// may be toward, and the pledges and commitments it may fulfil.
type pickers struct {
	Parties    []pickParty
	Sectors    []pickParty
	Currencies []string
	Assets     []string
	Needs      []pickEntry
	Fulfils    []pickEntry
}

type pickParty struct{ Code, Name string }

type pickEntry struct{ Ref, Party, Label string }

// pickList says which pickers a page needs.
type pickList struct {
	form  bool   // the entry form: needs, pledges and commitments too
	party string // the entry's party, when known: its pledges and commitments only
	self  string // the entry's own ref, never offered
}

// maxPicks bounds the open needs and pledges a form lists.
const maxPicks = 500

func (s *Server) pickers(ctx context.Context, l *model.Lang, want pickList) (*pickers, error) {
	p := &pickers{}
	parties, err := s.st.Parties(ctx)
	if err != nil {
		return nil, err
	}
	for _, pa := range parties {
		p.Parties = append(p.Parties, pickParty{Code: pa.Code, Name: l.PartyName(pa)})
	}
	v, err := s.st.Vocabulary(ctx)
	if err != nil {
		return nil, err
	}
	p.Currencies, p.Assets = v.Currencies, v.Assets
	vocab, err := s.st.SectorVocab(ctx)
	if err != nil {
		return nil, err
	}
	names := map[string]map[string]string{}
	for _, sec := range vocab.List() {
		names[sec.Code] = sec.Name
	}
	sl := l.WithSectors(names)
	if !want.form {
		for _, sec := range v.Sectors {
			p.Sectors = append(p.Sectors, pickParty{Code: sec, Name: sl.SectorLabel(sec)})
		}
		return p, nil
	}
	for _, sec := range vocab.List() {
		p.Sectors = append(p.Sectors, pickParty{Code: sec.Code, Name: sl.SectorLabel(sec.Code)})
	}
	label := func(r ledger.Revision) string {
		e := r.Entry
		s := l.Kind(string(e.Kind)) + " · " + e.Party + " · " + e.Date.String()
		if e.Title != "" {
			s = e.Title + " · " + s
		}
		if a := amountText(l, e); a != "" {
			s += " · " + a
		}
		return s
	}
	err = s.st.Entries(ctx, store.Filter{Kinds: []ledger.Kind{ledger.Need}, Limit: maxPicks}, func(r ledger.Revision) error {
		if r.Ref != want.self {
			p.Needs = append(p.Needs, pickEntry{Ref: r.Ref, Label: label(r)})
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	f := store.Filter{Kinds: []ledger.Kind{ledger.Pledge, ledger.Commitment}, Limit: maxPicks}
	if want.party != "" {
		f.Parties = []string{want.party}
	}
	err = s.st.Entries(ctx, f, func(r ledger.Revision) error {
		if r.Ref != want.self {
			p.Fulfils = append(p.Fulfils, pickEntry{Ref: r.Ref, Party: r.Entry.Party, Label: label(r)})
		}
		return nil
	})
	return p, err
}

func decimalOf(n int64) decimal.Decimal { return decimal.NewFromInt(n) }

func decimalParse(s string) (decimal.Decimal, error) { return decimal.NewFromString(s) }
