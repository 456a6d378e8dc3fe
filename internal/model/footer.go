package model

import (
	"strconv"
	"strings"
	"time"

	"github.com/coalition/pledger/internal/ledger"
	"github.com/shopspring/decimal"
)

// Field is one line of a report's provenance as a reader reads it.
type Field struct {
	Key   string // valuation, rates, asof, revision, hash, entries, generated
	Label string // in the reader's language
	Value string
}

// Footer is the provenance of m as every format prints it: which valuation
// and rates, and which ledger state, produced the figures. Reports, charts
// and pages all print these fields, in this order.
func Footer(l *Lang, m *Model) []Field {
	p := m.Provenance
	fs := []Field{
		{"valuation", l.T("footer.valuation"), p.Valuation},
		{"rates", l.T("footer.rates"), RatesUsed(l, p)},
		{"asof", l.T("footer.asof"), p.AsOf.UTC().Format(ledger.TimeLayout)},
		{"revision", l.T("footer.revision"), strconv.FormatInt(p.Seq, 10)},
		{"state", l.T("footer.state"), p.State},
		{"verified", l.T("footer.verified"), Verified(l, p)},
		{"entries", l.T("footer.entries"), l.Number(decimal.NewFromInt(int64(p.Entries)), 0)},
	}
	if !m.GeneratedAt.IsZero() {
		fs = append(fs, Field{"generated", l.T("footer.generated"), m.GeneratedAt.UTC().Format(ledger.TimeLayout)})
	}
	return fs
}

// Verified says whether the ledger a report read verified.
func Verified(l *Lang, p Provenance) string {
	if p.Unverified != "" {
		return l.T("verified.no", p.Unverified)
	}
	return l.T("verified.yes")
}

// RatesUsed says which rates a report used: their sources, each with the
// number of entries valued with a rate from it ("ECB euro foreign exchange
// reference rates (62 entries), manual (1 entry)"), and the span of their
// days; or that none was needed.
func RatesUsed(l *Lang, p Provenance) string {
	if p.RateFirst.IsZero() {
		return l.T("footer.norates")
	}
	span := p.RateFirst.Format(time.DateOnly) + " – " + p.RateLast.Format(time.DateOnly)
	if len(p.RateSources) == 0 {
		return span
	}
	sources := make([]string, len(p.RateSources))
	for i, s := range p.RateSources {
		sources[i] = l.T("footer.rate-source", s.Source, l.N(s.Entries), l.Plural(s.Entries, "entry", "entries"))
	}
	return l.T("footer.rate-span", strings.Join(sources, ", "), span)
}
