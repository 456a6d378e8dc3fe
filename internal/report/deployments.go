package report

import (
	"cmp"
	"context"
	"math"
	"math/bits"
	"slices"
	"sort"
	"strings"
	"time"

	"github.com/coalition/pledger/internal/model"

	"github.com/coalition/pledger/internal/ledger"
	"github.com/coalition/pledger/internal/store"
)

// Deployments count like with like: quantities and asset-months are added
// per asset (the asset catalog, reports/assets.json, says which spellings
// are one asset) and per category only within it (aircraft with aircraft);
// an F-16 is never added to a trainer. A quantity may be qualified ("about
// 250 trainers") and then every figure holding it says so. A deployment
// with an unknown start has no asset-months: none are invented.

// countAcc adds up the quantities and asset-months of the deployments of
// one asset or one category.
type countAcc struct {
	name       string // the asset or category, in the reader's language
	category   string // its category key
	entries    int
	qty        int64
	qtyQual    map[string]int // qualified quantities, by qualifier
	months     int64          // over the deployments with a known start
	monthsN    int            // how many deployments the months hold
	monthsQual map[string]int
	unknown    []string // refs of deployments with an unknown start
	refs       map[string][]string
}

func newCountAcc(name, category string) *countAcc {
	return &countAcc{name: name, category: category, qtyQual: map[string]int{}, monthsQual: map[string]int{}, refs: map[string][]string{}}
}

// add counts one deployment: its quantity, its qualifier ("" for exact),
// and its asset-months (known false for an unknown start).
func (a *countAcc) add(ref string, qty int64, qual string, months int64, known bool) error {
	var ok bool
	if a.qty, ok = addCount(a.qty, qty); !ok {
		return overflow(a.name, "quantities")
	}
	a.entries++
	if qual != "" {
		a.qtyQual[qual]++
		a.refs[qual] = keepFirst(a.refs[qual], ref, 3)
	}
	if !known {
		a.unknown = append(a.unknown, ref)
		return nil
	}
	if a.months, ok = addCount(a.months, months); !ok {
		return overflow(a.name, "asset-months")
	}
	a.monthsN++
	if qual != "" {
		a.monthsQual[qual]++
	}
	return nil
}

// merge adds o's counts to a (an asset's to its category's).
func (a *countAcc) merge(o *countAcc) error {
	var ok bool
	if a.qty, ok = addCount(a.qty, o.qty); !ok {
		return overflow(a.name, "quantities")
	}
	if a.months, ok = addCount(a.months, o.months); !ok {
		return overflow(a.name, "asset-months")
	}
	a.entries += o.entries
	a.monthsN += o.monthsN
	a.unknown = append(a.unknown, o.unknown...)
	for q, n := range o.qtyQual {
		a.qtyQual[q] += n
	}
	for q, n := range o.monthsQual {
		a.monthsQual[q] += n
	}
	return nil
}

// cells are the quantity and asset-months cells of a: qualified as its
// entries are, and asset-months empty when no deployment has a known start,
// or a lower bound when some have an unknown start.
func (a *countAcc) cells() (qty, months model.Cell) {
	qty = model.Cell{Int: a.qty}
	qty.Qualifier, qty.Bound = model.QualifierOf(a.qtyQual, a.entries)
	if a.monthsN == 0 {
		return qty, model.Cell{Empty: true}
	}
	mq := map[string]int{}
	for q, n := range a.monthsQual {
		mq[q] = n
	}
	if len(a.unknown) > 0 {
		mq[string(ledger.AtLeast)] += len(a.unknown)
	}
	months = model.Cell{Int: a.months}
	months.Qualifier, months.Bound = model.QualifierOf(mq, a.monthsN+len(a.unknown))
	return qty, months
}

// addCount adds two non-negative counts; false when the sum overflows.
func addCount(a, b int64) (int64, bool) {
	s := a + b
	return s, s >= a && b >= 0
}

// mulCount multiplies two non-negative counts; false when the product
// overflows.
func mulCount(a, b int64) (int64, bool) {
	hi, lo := bits.Mul64(uint64(a), uint64(b))
	return int64(lo), a >= 0 && b >= 0 && hi == 0 && lo <= math.MaxInt64
}

func overflow(asset, what string) error {
	return ledger.Fail(ledger.ErrInvalid, "count_overflow", "asset", asset,
		"the %s of %s add up to more than %d: too large to count", what, asset, int64(math.MaxInt64))
}

// deploymentSet is the deployments of a report: one row per deployment,
// one per asset, a total per category, and what the notes must say.
type deploymentSet struct {
	rows, assets, categories []model.Row
	entries                  int
	open                     bool
	unknown                  []string // refs with an unknown start
	notes                    []string
	illus                    int // how many are flagged illustrative
}

// deploymentRows lists the current deployments matching f: party, asset
// (in the reader's language), quantity (with its qualifier), locations,
// start and end as stated, and asset-months (quantity × the calendar months
// from the start's month to the end's, both included; an open end counts
// to the report's day; none for an unknown start). With activeOn set, only
// what was deployed on that day, and what may have been: a deployment with
// an unknown start that ended on or after it.
func deploymentRows(ctx context.Context, s *store.Store, st *State, f store.Filter, activeOn time.Time, l *model.Lang) (*deploymentSet, error) {
	ds := &deploymentSet{}
	day := reportDay(st)
	byAsset := map[string]*countAcc{}
	var mayHave []string
	cat := model.Assets()
	err := s.Entries(ctx, f, func(r ledger.Revision) error {
		e := r.Entry
		unknown := e.Date.IsUnknown()
		start := e.Date.First()
		end := day
		if !e.End.IsZero() {
			end = e.End.Last()
		}
		if !activeOn.IsZero() && ((!unknown && activeOn.Before(start)) || (!e.End.IsZero() && activeOn.After(end))) {
			return nil
		}
		if !activeOn.IsZero() && unknown {
			mayHave = append(mayHave, e.Ref)
		}
		qual := ""
		if !e.Amount.Valid && e.Qualifier != ledger.Exact && e.Qualifier != "" {
			qual = string(e.Qualifier) // the qualifier is the quantity's
		}
		asset, _ := cat.Lookup(e.Asset)
		name := l.AssetName(e.Asset)
		row := model.Row{"ref": {Text: e.Ref}, "party": {Text: e.Party}, "asset": {Text: name},
			"category": {Text: l.CategoryName(asset.Category)}, "quantity": {Int: e.Quantity, Qualifier: qual},
			"location": {Text: ledger.FormatSplit(e.Locations, e.LocationShares)}, "sector": {Text: ledger.FormatSplit(e.Sectors, e.SectorShares)},
			"start": {Text: e.Date.String()}, "end": {Text: e.End.String(), Empty: e.End.IsZero()},
			"asset_months": {Empty: true}}
		var m int64
		if !unknown {
			months := int64(0)
			if !end.Before(start) {
				months = int64((end.Year()-start.Year())*12+int(end.Month())-int(start.Month())) + 1
			}
			var ok bool
			if m, ok = mulCount(e.Quantity, months); !ok {
				return overflow(name, "asset-months")
			}
			row["asset_months"] = model.Cell{Int: m, Qualifier: qual}
		} else {
			ds.unknown = append(ds.unknown, e.Ref)
		}
		if e.End.IsZero() {
			ds.open = true
		}
		acc := byAsset[asset.Code]
		if acc == nil {
			acc = newCountAcc(name, asset.Category)
			byAsset[asset.Code] = acc
		}
		if err := acc.add(e.Ref, e.Quantity, qual, m, !unknown); err != nil {
			return err
		}
		ds.rows = append(ds.rows, row)
		if e.Illustrative {
			ds.illus++
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	ds.entries = len(ds.rows)
	// By party, then category, asset, start (unknown first), then ref:
	// the keys read once per row, not at every comparison.
	type sortKey struct {
		party, asset, start, ref string
		cat                      int
		row                      model.Row
	}
	catIndex := map[string]int{}
	for i, k := range model.Categories {
		if _, seen := catIndex[l.CategoryName(k)]; !seen {
			catIndex[l.CategoryName(k)] = i
		}
	}
	keys := make([]sortKey, len(ds.rows))
	for i, r := range ds.rows {
		cat, ok := catIndex[r["category"].Text]
		if !ok {
			cat = len(model.Categories)
		}
		start := r["start"].Text
		if start == ledger.Unknown {
			start = ""
		}
		keys[i] = sortKey{party: r["party"].Text, asset: r["asset"].Text, start: start, ref: r["ref"].Text, cat: cat, row: r}
	}
	slices.SortStableFunc(keys, func(a, b sortKey) int {
		return cmp.Or(strings.Compare(a.party, b.party), cmp.Compare(a.cat, b.cat), strings.Compare(a.asset, b.asset),
			strings.Compare(a.start, b.start), strings.Compare(a.ref, b.ref))
	})
	for i := range keys {
		ds.rows[i] = keys[i].row
	}
	if err := ds.totals(byAsset, l); err != nil {
		return nil, err
	}
	if len(ds.unknown) > 0 {
		sort.Strings(ds.unknown)
		ds.notes = append(ds.notes, l.T("note.start-unknown", joinRefs(ds.unknown, len(ds.unknown))))
	}
	if len(mayHave) > 0 {
		sort.Strings(mayHave)
		ds.notes = append(ds.notes, l.T("note.active-start-unknown", activeOn.Format("2006-01-02"), joinRefs(mayHave, len(mayHave))))
	}
	return ds, nil
}

// totals makes a row per asset (by category, then name) and a total per
// category, within it only: there is no total across categories. The
// category other holds assets the catalog does not know, which are not
// like one another, so it has no total either.
func (ds *deploymentSet) totals(byAsset map[string]*countAcc, l *model.Lang) error {
	accs := make([]*countAcc, 0, len(byAsset))
	for _, a := range byAsset {
		accs = append(accs, a)
	}
	sort.Slice(accs, func(i, j int) bool {
		ci, cj := slices.Index(model.Categories, accs[i].category), slices.Index(model.Categories, accs[j].category)
		if ci != cj {
			return ci < cj
		}
		return accs[i].name < accs[j].name
	})
	byCat := map[string]*countAcc{}
	for _, a := range accs {
		qty, months := a.cells()
		ds.assets = append(ds.assets, model.Row{"category": {Text: l.CategoryName(a.category)}, "asset": {Text: a.name},
			"quantity": qty, "asset_months": months, "entries": {Int: int64(a.entries)}})
		ds.qualifierNotes(l, a)
		if a.category == model.OtherCategory {
			continue
		}
		c := byCat[a.category]
		if c == nil {
			c = newCountAcc(l.CategoryName(a.category), a.category)
			byCat[a.category] = c
		}
		if err := c.merge(a); err != nil {
			return err
		}
	}
	for _, k := range model.Categories {
		c := byCat[k]
		if c == nil {
			continue
		}
		qty, months := c.cells()
		label := l.T("deploy.category-total", c.name)
		ds.categories = append(ds.categories, model.Row{"category": {Text: label}, "quantity": qty, "asset_months": months,
			"entries": {Int: int64(c.entries)}})
		if qty.Qualifier != "" || qty.Bound != "" {
			bound := qty.Bound
			if qty.Qualifier != "" {
				bound = model.BoundOf(qty.Qualifier)
			}
			ds.notes = append(ds.notes, l.T("note.total-bound-quantity", c.name, l.T("is."+bound)))
		}
	}
	return nil
}

// qualifierNotes says which deployments of an asset have qualified
// quantities, and what that makes its figures.
func (ds *deploymentSet) qualifierNotes(l *model.Lang, a *countAcc) {
	for _, q := range model.Qualifiers {
		if n := a.qtyQual[q]; n > 0 {
			ds.notes = append(ds.notes, l.T("note.qualified-quantity", a.name, l.N(n), l.Plural(n, "entry", "entries"), l.T("q."+q),
				joinRefs(a.refs[q], n), l.T("is."+model.BoundOf(q))))
		}
	}
}

// apply puts the deployments into c: the rows in section rows, the assets
// and category totals in section assets, and the notes.
func (ds *deploymentSet) apply(c *computed, rows, assets string, st *State, l *model.Lang) {
	c.entries += ds.entries
	c.illus += ds.illus
	c.section(rows).Rows = ds.rows
	sec := c.section(assets)
	sec.Rows, sec.Totals = ds.assets, ds.categories
	if len(ds.rows) > 0 {
		c.notes = append(c.notes, l.T("note.per-asset"))
	}
	if ds.open {
		c.notes = append(c.notes, l.T("note.open-ended", reportDay(st).Format("2006-01-02")))
	}
	c.notes = append(c.notes, ds.notes...)
}

// computeDeployments: every deployment (param "active-on": only those
// deployed on that day).
func computeDeployments(ctx context.Context, s *store.Store, st *State, opt Options, l *model.Lang) (*computed, error) {
	var activeOn time.Time
	if a := opt.Params["active-on"]; a != "" {
		d, err := ledger.ParseDate(a)
		if err != nil || d.Precision != ledger.Day {
			return nil, ledger.Fail(ledger.ErrInvalid, "bad_day", "active-on", a, "%q: give a day, YYYY-MM-DD", a)
		}
		activeOn = d.First()
	}
	ds, err := deploymentRows(ctx, s, st, st.filter(opt, ledger.Deployment), activeOn, l)
	if err != nil {
		return nil, err
	}
	c := newComputed(nil)
	ds.apply(c, "deployments", "assets", st, l)
	if err := deploymentsLeftOut(ctx, s, st, opt, l, c); err != nil {
		return nil, err
	}
	return c, nil
}

// deploymentsLeftOut notes the deployments a period leaves out: those
// whose span overlaps it without lying inside it (one more scan, with the
// straddling condition), how many and their first refs.
func deploymentsLeftOut(ctx context.Context, s *store.Store, st *State, opt Options, l *model.Lang, c *computed) error {
	f := st.filter(opt, ledger.Deployment)
	if f.From == "" && f.To == "" {
		return nil
	}
	f.Straddling = true
	var refs []string
	n := 0
	if err := s.Entries(ctx, f, func(r ledger.Revision) error {
		n++
		refs = keepFirst(refs, r.Ref, 3)
		return nil
	}); err != nil {
		return err
	}
	if n > 0 {
		c.notes = append(c.notes, l.T("note.straddling-deployments", l.N(n), l.Plural(n, "entry", "entries"), joinRefs(refs, n)))
	}
	return nil
}
