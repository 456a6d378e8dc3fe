package report

import (
	"context"
	"sort"
	"strings"
	"time"

	"github.com/coalition/pledger/internal/model"

	"github.com/coalition/pledger/internal/ledger"
	"github.com/coalition/pledger/internal/store"
)

// deploymentRows lists the current deployments matching f: party, asset,
// quantity, locations, start and end as stated, and asset-months (quantity
// × the calendar months from the start's month to the end's, both
// included; an open end counts to the report's day). With activeOn set,
// only what was deployed on that day.
func deploymentRows(ctx context.Context, s *store.Store, st *State, f store.Filter, activeOn time.Time) (deployed, error) {
	var rows []model.Row
	var qty, months int64
	open, illus := false, 0
	day := reportDay(st)
	err := s.Entries(ctx, f, func(r ledger.Revision) error {
		e := r.Entry
		start := e.Date.First()
		end := day
		if !e.End.IsZero() {
			end = e.End.Last()
		}
		if !activeOn.IsZero() && (activeOn.Before(start) || (!e.End.IsZero() && activeOn.After(end))) {
			return nil
		}
		m := int64(0)
		if !end.Before(start) {
			m = int64((end.Year()-start.Year())*12+int(end.Month())-int(start.Month())) + 1
		}
		row := model.Row{"ref": {Text: e.Ref}, "party": {Text: e.Party}, "asset": {Text: e.Asset}, "quantity": {Int: e.Quantity},
			"location": {Text: strings.Join(e.Locations, ";")}, "sector": {Text: strings.Join(e.Sectors, ";")},
			"start": {Text: e.Date.String()}, "end": {Text: e.End.String(), Empty: e.End.IsZero()},
			"asset_months": {Int: e.Quantity * m}}
		if e.End.IsZero() {
			open = true
		}
		if e.Illustrative {
			illus++
		}
		qty += e.Quantity
		months += e.Quantity * m
		rows = append(rows, row)
		return nil
	})
	if err != nil {
		return deployed{}, err
	}
	// By party, then start, then ref: who deployed what, in order.
	sort.SliceStable(rows, func(i, j int) bool {
		a, b := rows[i], rows[j]
		if a["party"].Text != b["party"].Text {
			return a["party"].Text < b["party"].Text
		}
		if a["start"].Text != b["start"].Text {
			return a["start"].Text < b["start"].Text
		}
		return a["ref"].Text < b["ref"].Text
	})
	var totals []model.Row
	if len(rows) > 0 {
		totals = []model.Row{{"quantity": {Int: qty}, "asset_months": {Int: months}}}
	}
	return deployed{rows: rows, totals: totals, open: open, illus: illus}, nil
}

// deployed is what deploymentRows found: the rows and their totals,
// whether any is open-ended, and how many are illustrative.
type deployed struct {
	rows, totals []model.Row
	open         bool
	illus        int
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
	d, err := deploymentRows(ctx, s, st, st.filter(opt, ledger.Deployment), activeOn)
	if err != nil {
		return nil, err
	}
	c := newComputed(nil)
	c.entries, c.illusNo = len(d.rows), d.illus
	sec := c.section("deployments")
	sec.Rows, sec.Totals = d.rows, d.totals
	for _, t := range sec.Totals {
		t["ref"] = model.Cell{Text: l.T("total")}
	}
	if d.open {
		c.notes = append(c.notes, l.T("note.open-ended", reportDay(st).Format("2006-01-02")))
	}
	return c, nil
}
