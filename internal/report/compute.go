package report

import (
	"context"
	"sort"
	"strconv"

	"github.com/coalition/pledger/internal/ledger"
	"github.com/coalition/pledger/internal/store"
)

// computed is what a computation hands to Run: its sections (rows keyed by
// column key; the catalog entry decides which columns show and how they are
// labelled), notes, and what it counted.
type computed struct {
	sections map[string]*Section
	notes    []string
	entries  int
	conv     *Converter
	subtitle string
	qnotes   int // qualifier notes written; past maxQualifierNotes they are only counted
}

// maxQualifierNotes caps the notes about qualified figures: a large report
// marks them in its tables and says how many more there are.
const maxQualifierNotes = 20

func newComputed(ag *aggregation) *computed {
	c := &computed{sections: map[string]*Section{}}
	if ag != nil {
		c.entries, c.conv = ag.entries, ag.conv
	}
	return c
}

func (c *computed) section(key string) *Section {
	s := c.sections[key]
	if s == nil {
		s = &Section{Key: key}
		c.sections[key] = s
	}
	return s
}

// computeFunc computes one kind of report.
type computeFunc func(ctx context.Context, s *store.Store, st *State, opt Options, l *Lang) (*computed, error)

// computes are the computations catalog entries can name.
var computes = map[string]computeFunc{
	"summary":     computeSummary,
	"breakdown":   computeBreakdown,
	"coverage":    computeCoverage,
	"deployments": computeDeployments,
	"party":       computeParty,
}

var qualifiers = []string{string(ledger.AtLeast), string(ledger.About), string(ledger.UpTo)}

func boundOf(q string) string {
	switch ledger.Qualifier(q) {
	case ledger.AtLeast:
		return "lower"
	case ledger.UpTo:
		return "upper"
	}
	return "approximate"
}

// qualifierNotes says, for a group that holds qualified entries, which
// and what that makes the figure.
func (c *computed) qualifierNotes(l *Lang, label func() string, g *acc) {
	if len(g.qualified) == 0 {
		return
	}
	for _, q := range qualifiers {
		if n := g.qualified[q]; n > 0 {
			c.qnotes++
			if c.qnotes > maxQualifierNotes {
				continue
			}
			c.notes = append(c.notes, l.T("note.qualified", label(), strconv.Itoa(n), l.T(entryWord(n)), l.T("q."+q),
				joinRefs(g.refs[q], n), l.T("is."+boundOf(q))))
		}
	}
}

// totalNote says what a total holding qualified figures is.
func (c *computed) totalNote(l *Lang, label string, t Cell) {
	bound := t.Bound
	if t.Qualifier != "" {
		bound = boundOf(t.Qualifier)
	}
	if bound != "" {
		c.notes = append(c.notes, l.T("note.total-bound", label, l.T("is."+bound)))
	}
}

func entryWord(n int) string {
	if n == 1 {
		return "entry"
	}
	return "entries"
}

func sortStrings(s []string) { sort.Strings(s) }
