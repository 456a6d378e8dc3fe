// Package report turns the ledger into report models: tables of exact
// amounts in one currency, with notes and provenance. It reads the store
// and converts with the rates as they were recorded at the report's as-of
// moment, so the same ledger state and options always give the same model.
// Rendering (table, json, ...) draws the model and never recomputes.
package report

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/coalition/pledger/internal/ledger"
	"github.com/coalition/pledger/internal/money"
	"github.com/coalition/pledger/internal/store"
)

// Options are the options every report takes.
type Options struct {
	Currency  money.Currency
	Valuation Valuation
	AsOf      time.Time // zero: the latest recorded state
	From, To  string    // entry dates, YYYY-MM-DD, inclusive
	Parties   []string
}

// State is the ledger state a report was made from.
type State struct {
	Head  store.Head
	AsOf  time.Time // the moment of the latest revision or rate recorded by then
	Table *money.Table
}

// Open resolves the state for opt: the latest revision and rate recorded at
// or before opt.AsOf (or ever), and the rates in force then.
func Open(ctx context.Context, s *store.Store, opt Options) (*State, error) {
	head, err := s.AsOf(ctx, opt.AsOf)
	if err != nil {
		return nil, err
	}
	if head.Seq == 0 {
		return nil, fmt.Errorf("%w: the ledger is empty: add entries first (pledger add, pledger import, or pledger demo)", ledger.ErrInvalid)
	}
	at := head.RecordedAt
	lastRate, err := s.LastRateAt(ctx, opt.AsOf)
	if err != nil {
		return nil, err
	}
	if lastRate.After(at) {
		at = lastRate
	}
	table, err := s.RateTable(ctx, at)
	if err != nil {
		return nil, err
	}
	return &State{Head: head, AsOf: at, Table: table}, nil
}

// filter is the store filter for opt at st.
func (st *State) filter(opt Options, kinds ...ledger.Kind) store.Filter {
	return store.Filter{Seq: st.Head.Seq, Kinds: kinds, Parties: opt.Parties, From: opt.From, To: opt.To}
}

// TimeLayout is how report moments are written.
const TimeLayout = ledger.TimeLayout

// qualifierNote says what a qualifier means for a total containing it.
func qualifierNote(q string) string {
	switch ledger.Qualifier(q) {
	case ledger.AtLeast:
		return "a lower bound"
	case ledger.UpTo:
		return "an upper bound"
	case ledger.About:
		return "approximate"
	}
	return ""
}

func joinRefs(refs []string, n int) string {
	s := strings.Join(refs, ", ")
	if n > len(refs) {
		s += fmt.Sprintf(" and %d more", n-len(refs))
	}
	return s
}
