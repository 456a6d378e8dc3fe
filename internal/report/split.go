package report

import (
	"slices"
	"strings"

	"github.com/coalition/pledger/internal/ledger"
	"github.com/coalition/pledger/internal/model"
	"github.com/coalition/pledger/internal/money"
	"github.com/coalition/pledger/internal/store"
)

// The share rule in reports (see ledger/split.go). An entry's value is
// split first by its sector shares, then each sector's part by the
// location shares, each time by the largest-remainder method, so that
// every part is a whole number of minor units and the parts add up to the
// value. An entry with several sectors (or places) and no shares has one
// part, under ledger.Multiple. A report counts the parts its sector and
// location filters keep, and groups by a part's labels; so the parts of any
// partition (every sector plus "multiple", every place plus "multiple")
// add up to the whole, and an entry never counts in full under two rows.

// portion is one part of an entry: the sector and location it counts
// under, its share of the entry's value in the report currency, and of its
// amount as stated (minor units of its own currency).
type portion struct {
	sector, location string
	value, minor     int64
}

// splitter splits the entries of a scan into their portions and keeps
// those a report's sector and location filters select. One per part of a
// parallel scan.
type splitter struct {
	sectors, locations []string // the filters; empty: all
	cache              map[string][]ledger.Part
	shared             [2]map[string]*sharedOut // left out for being shared, by kind: [0] sectors, [1] locations
	quiet              bool                     // keep no notes of what is left out (a Valuer, one entry at a time)
}

// sharedOut is what a filter leaves out of one kind because it is shared:
// entries that name a filtered value among several, without shares.
type sharedOut struct {
	refs  []string
	sum   money.Total
	quals map[string]int
}

func newSplitter(f store.Filter) *splitter {
	return &splitter{sectors: f.Sectors, locations: f.Locations, cache: map[string][]ledger.Part{}}
}

func (sp *splitter) parts(field []byte) []ledger.Part {
	ps, ok := sp.cache[string(field)]
	if !ok {
		ps = ledger.Parts(string(field))
		sp.cache[string(field)] = ps
	}
	return ps
}

// portions appends to dst the portions of entry a (value v in the report
// currency) that the filters keep, and notes those they leave out because
// the entry is shared.
func (sp *splitter) portions(dst []portion, a *store.Amount, v int64) []portion {
	secs, locs := sp.parts(a.Sector), sp.parts(a.Location)
	if len(secs) == 1 && len(locs) == 1 {
		return sp.keep(dst, a, portion{secs[0].Label, locs[0].Label, v, a.Minor}, secs[0], locs[0])
	}
	sv, sm := money.Apportion(v, weights(secs)), money.Apportion(a.Minor, weights(secs))
	lw := weights(locs)
	for i, s := range secs {
		lv, lm := money.Apportion(sv[i], lw), money.Apportion(sm[i], lw)
		for j, l := range locs {
			dst = sp.keep(dst, a, portion{s.Label, l.Label, lv[j], lm[j]}, s, l)
		}
	}
	return dst
}

// keep appends p when the filters select it; a portion left out only for
// being shared is noted.
func (sp *splitter) keep(dst []portion, a *store.Amount, p portion, s, l ledger.Part) []portion {
	okS, okL := selects(sp.sectors, s.Label), selects(sp.locations, l.Label)
	switch {
	case okS && okL:
		return append(dst, p)
	case !okS && okL && s.Label == ledger.Multiple && overlaps(sp.sectors, s.Members):
		sp.leaveOut(0, a, p.value)
	case okS && !okL && l.Label == ledger.Multiple && overlaps(sp.locations, l.Members):
		sp.leaveOut(1, a, p.value)
	}
	return dst
}

func (sp *splitter) leaveOut(dim int, a *store.Amount, v int64) {
	if sp.quiet {
		return
	}
	if sp.shared[dim] == nil {
		sp.shared[dim] = map[string]*sharedOut{}
	}
	o := sp.shared[dim][a.Kind]
	if o == nil {
		o = &sharedOut{quals: map[string]int{}}
		sp.shared[dim][a.Kind] = o
	}
	if ref := string(a.Ref); len(o.refs) == 0 || o.refs[len(o.refs)-1] != ref {
		o.refs = append(o.refs, ref)
		o.quals[a.Qualifier]++
	}
	o.sum.Add(v)
}

// merge adds o's notes of what was left out to sp's.
func (sp *splitter) merge(o *splitter) {
	for dim := range sp.shared {
		for kind, x := range o.shared[dim] {
			if sp.shared[dim] == nil {
				sp.shared[dim] = map[string]*sharedOut{}
			}
			into := sp.shared[dim][kind]
			if into == nil {
				sp.shared[dim][kind] = x
				continue
			}
			into.refs = append(into.refs, x.refs...)
			into.sum.Merge(&x.sum)
			for q, n := range x.quals {
				into.quals[q] += n
			}
		}
	}
}

// notes say, per dimension and kind, which shared entries the filters left
// out, and what they add up to, not added.
func (sp *splitter) notes(l *model.Lang, cur money.Currency) []string {
	var out []string
	for dim, filter := range [2][]string{sp.sectors, sp.locations} {
		for _, kind := range ledger.Kinds {
			o := sp.shared[dim][string(kind)]
			if o == nil {
				continue
			}
			slices.Sort(o.refs)
			refs := slices.Compact(o.refs)
			n := len(refs)
			cell := model.Cell{Value: o.sum.Decimal(cur), Int: int64(n)}
			cell.Qualifier, cell.Bound = model.QualifierOf(qualifiedOnly(o.quals), n)
			key, values := "note.shared.sector", l.List("sector", strings.Join(filter, ";"))
			if dim == 1 {
				key, values = "note.shared.location", strings.Join(filter, ", ")
			}
			out = append(out, l.T(key, l.N(n), l.Plural(n, "entry", "entries"), l.Kind(string(kind)), values,
				l.Amount(cell, cur.Code, cur.Units), joinRefs(refs[:min(n, 3)], n)))
		}
	}
	return out
}

// qualifiedOnly drops the exact entries from a count by qualifier.
func qualifiedOnly(q map[string]int) map[string]int {
	out := map[string]int{}
	for k, n := range q {
		if k != "" && k != string(ledger.Exact) {
			out[k] = n
		}
	}
	return out
}

// selects tells whether a filter (empty: all) keeps a part labelled label.
func selects(filter []string, label string) bool {
	return len(filter) == 0 || slices.Contains(filter, label)
}

func overlaps(filter, members []string) bool {
	for _, m := range members {
		if slices.Contains(filter, m) {
			return true
		}
	}
	return false
}

func weights(ps []ledger.Part) []int64 {
	w := make([]int64, len(ps))
	for i, p := range ps {
		w[i] = p.Weight
	}
	return w
}
