package report

import (
	"context"
	"fmt"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/coalition/pledger/internal/ledger"
	"github.com/coalition/pledger/internal/model"
	"github.com/coalition/pledger/internal/store"
)

// The period rule. An entry covers its dated span: "2021" the whole year,
// "2021-03" the month, and with an end, from the first day of its date to
// the last day of its end. A --from/--to period counts an entry only if its
// span lies inside the period (store.Filter); the entries it overlaps
// without holding them are named in a note, not added (periodNote). A
// timeline puts an entry in the bucket (year, quarter, month) that holds
// its span, and an entry whose span crosses buckets in one row labelled by
// its own span ("2021", "2016–2021"), never in each: for any partition of a
// period into buckets, the buckets plus the spanning rows add up to the
// whole period.

// spanSep joins the two ends of a span label: "2016–2021".
const spanSep = "–"

// bucketOf labels the year, quarter or month (by) that holds day t.
func bucketOf(t time.Time, by string) string {
	if i, ok := bucketIndex(t, by); ok {
		bucketOnce.Do(makeBucketLabels)
		return bucketLabels[i]
	}
	return formatBucket(t, by)
}

// Bucket labels of the years bucketFirst to bucketFirst+bucketYears-1 are
// made once: a breakdown labels every entry.
const (
	bucketFirst = 1900
	bucketYears = 301
)

var (
	bucketOnce   sync.Once
	bucketLabels []string // per year: the year, its quarters, its months
)

func makeBucketLabels() {
	bucketLabels = make([]string, bucketYears*17)
	for y := range bucketYears {
		year := time.Date(bucketFirst+y, 1, 1, 0, 0, 0, 0, time.UTC)
		bucketLabels[y*17] = formatBucket(year, "year")
		for q := range 4 {
			bucketLabels[y*17+1+q] = formatBucket(year.AddDate(0, 3*q, 0), "quarter")
		}
		for m := range 12 {
			bucketLabels[y*17+5+m] = formatBucket(year.AddDate(0, m, 0), "month")
		}
	}
}

// bucketIndex is where t's bucket label is in bucketLabels.
func bucketIndex(t time.Time, by string) (int, bool) {
	y := t.Year() - bucketFirst
	if y < 0 || y >= bucketYears {
		return 0, false
	}
	switch by {
	case "quarter":
		return y*17 + 1 + (int(t.Month())-1)/3, true
	case "month":
		return y*17 + 5 + int(t.Month()) - 1, true
	}
	return y * 17, true
}

func formatBucket(t time.Time, by string) string {
	switch by {
	case "quarter":
		return fmt.Sprintf("%04d-Q%d", t.Year(), (int(t.Month())-1)/3+1)
	case "month":
		return fmt.Sprintf("%04d-%02d", t.Year(), int(t.Month()))
	}
	return fmt.Sprintf("%04d", t.Year())
}

// periodOf labels an entry dated date (with end, as stated, or "") for a
// breakdown by year, quarter or month: the bucket that holds its whole
// span, or, when its span crosses buckets, the span itself ("2021" in a
// quarterly breakdown, "2016–2021", "2021-03–2021-05").
func periodOf(date ledger.Date, end, by string) (string, error) {
	last := date
	if end != "" {
		e, err := ledger.ParseDate(end)
		if err != nil {
			return "", err
		}
		last = e
	}
	first, lastDay := date.First(), last.Last()
	i, ok1 := bucketIndex(first, by)
	j, ok2 := bucketIndex(lastDay, by)
	if ok1 && ok2 {
		if i == j {
			return bucketOf(first, by), nil
		}
	} else if b := bucketOf(first, by); b == bucketOf(lastDay, by) {
		return b, nil
	}
	if end == "" || end == date.String() {
		return date.String(), nil
	}
	return date.String() + spanSep + end, nil
}

// labelSpan is the first and last day (YYYY-MM-DD) of a period label made
// by periodOf; ok is false for anything else.
func labelSpan(label string) (first, last string, ok bool) {
	a, b, isSpan := strings.Cut(label, spanSep)
	fa, la, ok := oneSpan(a)
	if !ok || !isSpan {
		return fa, la, ok
	}
	_, lb, ok := oneSpan(b)
	return fa, lb, ok
}

func oneSpan(s string) (first, last string, ok bool) {
	if y, q, isQ := strings.Cut(s, "-Q"); isQ {
		year, err1 := strconv.Atoi(y)
		n, err2 := strconv.Atoi(q)
		if err1 != nil || err2 != nil || n < 1 || n > 4 {
			return "", "", false
		}
		start := time.Date(year, time.Month(3*n-2), 1, 0, 0, 0, 0, time.UTC)
		return start.Format(time.DateOnly), start.AddDate(0, 3, -1).Format(time.DateOnly), true
	}
	d, err := ledger.ParseDate(s)
	if err != nil {
		return "", "", false
	}
	return d.First().Format(time.DateOnly), d.Last().Format(time.DateOnly), true
}

// comparePeriods orders period labels by the day they end, then the
// narrower first, then by text: each year after its quarters, a span after
// the buckets it ends in ("2021-Q4", "2021", "2016–2021", "2022-Q1"), so
// that a running total at a row holds everything that ended by then.
func comparePeriods(a, b string) int {
	return periodComparer(labelSpan)(a, b)
}

// periodComparer is comparePeriods with the spans of labels from span.
func periodComparer(span func(string) (string, string, bool)) func(a, b string) int {
	return func(a, b string) int {
		fa, la, oka := span(a)
		fb, lb, okb := span(b)
		return comparePeriodSpans(a, b, fa, la, fb, lb, oka, okb)
	}
}

// memoComparePeriods is comparePeriods that works out each label's span
// once: a sort of a large breakdown compares the same labels many times.
func memoComparePeriods() func(a, b string) int {
	type span struct {
		first, last string
		ok          bool
	}
	seen := map[string]span{}
	return periodComparer(func(label string) (string, string, bool) {
		sp, ok := seen[label]
		if !ok {
			sp.first, sp.last, sp.ok = labelSpan(label)
			seen[label] = sp
		}
		return sp.first, sp.last, sp.ok
	})
}

func comparePeriodSpans(a, b, fa, la, fb, lb string, oka, okb bool) int {
	switch {
	case !oka || !okb || a == b:
		return strings.Compare(a, b)
	case la != lb:
		return strings.Compare(la, lb)
	case fa != fb:
		return strings.Compare(fb, fa)
	}
	return strings.Compare(a, b)
}

// isBucket tells a bucket label of a breakdown by by from a span label.
func isBucket(label, by string) bool {
	if strings.Contains(label, spanSep) {
		return false
	}
	switch by {
	case "quarter":
		return strings.Contains(label, "-Q")
	case "month":
		return len(label) == len("2021-03")
	}
	return len(label) == len("2021")
}

// leftOut is what a period leaves out of one kind: the entries that
// overlap it without lying inside it.
type leftOut struct {
	refs  []string   // every one, sorted
	value model.Cell // the sum of their figures, one per entry
}

// leftOutOf finds, per kind, the entries (of those key keeps, when key is
// not nil) whose span overlaps f's period without lying inside it, valued
// like every counted entry, with the report's one converter. It is one
// more aggregation, with the straddling condition; without a period, none.
func leftOutOf(ctx context.Context, s *store.Store, st *State, opt Options, f store.Filter, key keyFunc) (map[string]*leftOut, rated, error) {
	out := map[string]*leftOut{}
	if f.From == "" && f.To == "" {
		return out, nil, nil
	}
	f.Straddling, f.Wide = true, true
	// Grouped by entry, so the value is the sum of one figure per entry,
	// whatever rounding the figures of the report follow.
	ag, err := aggregate(ctx, s, st, opt, f, func(a *store.Amount, d ledger.Date, pt portion) (groupKey, bool) {
		if key != nil {
			if _, ok := key(a, d, pt); !ok {
				return groupKey{}, false
			}
		}
		return groupKey{a.Kind, string(a.Ref)}, true
	})
	if err != nil {
		return nil, nil, err
	}
	cells := map[string][]model.Cell{}
	for _, k := range ag.sortedKeys() {
		lo := out[k[0]]
		if lo == nil {
			lo = &leftOut{}
			out[k[0]] = lo
		}
		lo.refs = append(lo.refs, k[1])
		cells[k[0]] = append(cells[k[0]], amountCell(ag.groups[k], opt.Currency))
	}
	for k, lo := range out {
		lo.value = model.SumCells(cells[k])
	}
	return out, ag.rated, nil
}

// periodNote says, per kind, what the period of f leaves out (leftOutOf):
// how many entries, their value and their first refs.
func periodNote(ctx context.Context, s *store.Store, st *State, opt Options, l *model.Lang, c *computed, f store.Filter, key keyFunc) error {
	out, r, err := leftOutOf(ctx, s, st, opt, f, key)
	if err != nil {
		return err
	}
	c.rated.merge(r) // their values are shown: the rates they used are named
	for _, kind := range ledger.Kinds {
		lo := out[string(kind)]
		if lo == nil {
			continue
		}
		n := len(lo.refs)
		c.notes = append(c.notes, l.T("note.straddling", l.N(n), l.Plural(n, "entry", "entries"), l.Kind(string(kind)),
			l.Amount(lo.value, opt.Currency.Code, opt.Currency.Units), joinRefs(lo.refs[:min(n, 3)], n)))
	}
	return nil
}
