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
	"sync"
	"time"

	"github.com/coalition/pledger/internal/model"

	"github.com/coalition/pledger/internal/ledger"
	"github.com/coalition/pledger/internal/money"
	"github.com/coalition/pledger/internal/store"
)

// Options are the options every report takes.
type Options struct {
	Currency  money.Currency
	Valuation model.Valuation
	AsOf      time.Time // zero: the latest recorded state
	From, To  string    // entry dates, YYYY-MM-DD, inclusive
	Parties   []string
	Sectors   []string
	Locations []string
	Lang      *model.Lang       // nil: English
	Stamp     time.Time         // non-zero: print "generated at" (off by default, for reproducibility)
	Params    map[string]string // report parameters: by, active-on, party
	// AllowUnverified makes a report from a ledger that failed
	// verification, marked as such, instead of refusing (ErrTampered).
	AllowUnverified bool
	// Unit shows the amounts of tables and charts in thousands, millions
	// or billions ("" for one), rounded for display only.
	Unit string
	// RateSources is the order of preference among rate sources: for a
	// pair and day quoted by several, the rate of the first that has one
	// is used, and sources not named come after, by how many rates they
	// have (money.NewTable; names no rate has are skipped). Nil: by count.
	// Request.Options checks the names a request gives.
	RateSources []string
}

// State is the ledger state a report was made from.
type State struct {
	Head   store.Head
	Status store.Status // whether the ledger verified
	AsOf   time.Time    // the moment of the latest revision or rate recorded by then
	s      *store.Store
	prefer []string     // Options.RateSources
	table  *money.Table // loaded by Rates on first use
	err    error
	once   sync.Once
	conv   *Converter // made by converter on first use
}

// Rates returns the rates in force at the state's moment, loading them
// once, the first time a report needs to convert.
func (st *State) Rates(ctx context.Context) (*money.Table, error) {
	st.once.Do(func() { st.table, st.err = st.s.RateTable(ctx, st.AsOf, st.prefer...) })
	return st.table, st.err
}

// converter is the one converter of the state's report, made on first
// use: every figure of a report, noted ones included, is valued by it, and
// its provenance names the rates they all used.
func (st *State) converter(ctx context.Context, opt Options) (*Converter, error) {
	table, err := st.Rates(ctx)
	if err != nil {
		return nil, err
	}
	if st.conv == nil {
		st.conv = NewConverter(table, opt.Currency, opt.Valuation)
	}
	return st.conv, nil
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
	// Figures are never silently produced from a broken ledger: what was
	// recorded since the last verified state is checked now (a full
	// verification checks the rest), and a known failure refuses the
	// report unless it is allowed, and then marked.
	status, err := s.Checked(ctx)
	if err != nil {
		return nil, err
	}
	if !status.OK() && !opt.AllowUnverified {
		return nil, ledger.Fail(ledger.ErrTampered, "ledger_tampered", "", "",
			"the ledger failed verification, so no report is made from it: %s. Restore it from a backup and verify it again; {allow-unverified} makes a report anyway, marked as made from an unverified ledger",
			strings.TrimPrefix(status.Failure, ledger.ErrTampered.Error()+": "))
	}
	return &State{Head: head, Status: status, AsOf: at, s: s, prefer: opt.RateSources}, nil
}

// filter is the store filter for opt at st.
func (st *State) filter(opt Options, kinds ...ledger.Kind) store.Filter {
	return store.Filter{Seq: st.Head.Seq, Kinds: kinds, Parties: opt.Parties, From: opt.From, To: opt.To,
		Sectors: opt.Sectors, Locations: opt.Locations}
}

// TimeLayout is how report moments are written.
const TimeLayout = ledger.TimeLayout
