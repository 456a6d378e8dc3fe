package report

import (
	"context"
	"sort"

	"github.com/coalition/pledger/internal/model"

	"github.com/coalition/pledger/internal/store"
)

// computed is what a computation hands to Run: its sections (rows keyed by
// column key; the catalog entry decides which columns show and how they are
// labelled), notes, and what it counted.
type computed struct {
	sections map[string]*model.Section
	notes    []string
	entries  int
	conv     *Converter
	totals   []model.KindTotal
	subtitle string
	qnotes   int // qualifier notes written; past maxQualifierNotes they are only counted
	illus    int // how many of the entries counted are flagged illustrative
	// shared is what the sector and location filters left out of the
	// figures for being shared (split.go); Run notes it.
	shared *splitter
	// rated counts, per conversion, the entries whose values the report
	// shows (its figures and its notes'): the provenance names the rate
	// sources with these counts.
	rated rated
	// titles are the titles of the entries its ref columns name, by ref.
	titles map[string]string
}

// maxQualifierNotes caps the notes about qualified figures: a large report
// marks them in its tables and says how many more there are.
const maxQualifierNotes = 20

// maxOverNotes caps the notes naming over-funded needs likewise; the rest
// are counted and summed in one note.
const maxOverNotes = 20

func newComputed(ag *aggregation) *computed {
	c := &computed{sections: map[string]*model.Section{}, rated: rated{}}
	if ag != nil {
		c.entries, c.conv, c.illus, c.shared = ag.entries, ag.conv, ag.illus, ag.split
		c.rated.merge(ag.rated)
		if ag.kinds != nil {
			c.totals = ag.kindTotals(ag.conv.target)
		}
	}
	return c
}

func (c *computed) section(key string) *model.Section {
	s := c.sections[key]
	if s == nil {
		s = &model.Section{Key: key}
		c.sections[key] = s
	}
	return s
}

// computeFunc computes one kind of report.
type computeFunc func(ctx context.Context, s *store.Store, st *State, opt Options, l *model.Lang) (*computed, error)

// computes are the computations catalog entries can name.
var computes = map[string]computeFunc{
	"summary":     computeSummary,
	"breakdown":   computeBreakdown,
	"coverage":    computeCoverage,
	"deployments": computeDeployments,
	"party":       computeParty,
}

// qualifierNotes says, for a group that holds qualified entries, which
// and what that makes the figure.
func (c *computed) qualifierNotes(l *model.Lang, label func() string, g *acc) {
	if len(g.qualified) == 0 {
		return
	}
	for _, q := range model.Qualifiers {
		if n := g.qualified[q]; n > 0 {
			c.qnotes++
			if c.qnotes > maxQualifierNotes {
				continue
			}
			c.notes = append(c.notes, l.T("note.qualified", label(), l.N(n), l.Plural(n, "entry", "entries"), l.T("q."+q),
				joinRefs(g.refs[q], n), l.T("is."+model.BoundOf(q))))
		}
	}
}

// totalNote says what a total holding qualified figures is.
func (c *computed) totalNote(l *model.Lang, label string, t model.Cell) {
	bound := t.Bound
	if t.Qualifier != "" {
		bound = model.BoundOf(t.Qualifier)
	}
	if bound != "" {
		c.notes = append(c.notes, l.T("note.total-bound", label, l.T("is."+bound)))
	}
}

// illustrativeNote says how many of the entries counted are flagged
// illustrative; "" when none is.
func (c *computed) illustrativeNote(l *model.Lang) string {
	n := c.illus
	if n == 0 {
		return ""
	}
	// How many, not a sum: the entries may be of several kinds (needs and
	// pledges), and a sum across kinds would mean nothing.
	return l.T("note.illustrative-count", l.N(n), l.N(c.entries))
}

func sortStrings(s []string) { sort.Strings(s) }
