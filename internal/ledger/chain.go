package ledger

import (
	"fmt"

	"github.com/shopspring/decimal"
)

// Chains: a pledge, the commitments that fulfil it and the disbursements
// that fulfil those (or the pledge itself). A fulfilment that runs against
// its chain is recorded (the ledger holds what was stated) but warned
// about, at every door, with these problems.

// Warning codes of a chain.
const (
	CodeChainOrder = "chain_order" // fulfils an entry of the same or a later stage
	CodeChainEarly = "chain_early" // dated before what it fulfils
	CodeChainOver  = "chain_over"  // takes what it fulfils beyond its amount
)

var chainStage = map[Kind]int{Pledge: 1, Commitment: 2, Disbursement: 3}

// ChainWarnings says what is odd about e fulfilling target, given the other
// current entries that fulfil target. Amounts are compared only in the
// target's currency (entries in other currencies are left out of the sum).
func ChainWarnings(e, target Entry, others []Entry) []Problem {
	taken := decimal.NullDecimal{}
	if target.Amount.Valid && e.Amount.Valid && e.Currency.Code == target.Currency.Code {
		sum := e.Amount.Decimal
		for _, o := range others {
			if o.Ref != e.Ref && o.Kind == e.Kind && o.Amount.Valid && o.Currency.Code == target.Currency.Code {
				sum = sum.Add(o.Amount.Decimal)
			}
		}
		taken = decimal.NullDecimal{Decimal: sum, Valid: true}
	}
	return ChainWarningsTaken(e, target, taken)
}

// ChainWarningsTaken is ChainWarnings given taken: the sum of the current
// entries of e's kind, e included, that fulfil target in its currency
// (not valid when it cannot be compared: no amount, another currency).
func ChainWarningsTaken(e, target Entry, taken decimal.NullDecimal) []Problem {
	var ps []Problem
	warn := func(code, format string, args ...any) {
		ps = append(ps, Problem{Field: "fulfils", Code: code, Value: target.Ref, Msg: fmt.Sprintf(format, args...)})
	}
	if chainStage[target.Kind] == 0 || chainStage[target.Kind] >= chainStage[e.Kind] {
		warn(CodeChainOrder, "a %s fulfils a %s (%s): the chain runs pledge, then commitment, then disbursement", e.Kind, target.Kind, target.Ref)
	}
	if e.Date.Last().Before(target.Date.First()) {
		warn(CodeChainEarly, "dated %s, before %s (%s) which it fulfils", e.Date, target.Ref, target.Date)
	}
	if taken.Valid && target.Amount.Valid {
		if over := taken.Decimal.Sub(target.Amount.Decimal); over.IsPositive() {
			warn(CodeChainOver, "%s is fulfilled beyond its amount by %s %s", target.Ref, over.StringFixed(target.Currency.Units), target.Currency.Code)
		}
	}
	return ps
}
