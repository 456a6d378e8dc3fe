package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"slices"

	"github.com/coalition/pledger/internal/ledger"
)

// Amount is the lean view of an entry with an amount, for aggregation.
// The short, repetitive fields are interned strings; the others are raw
// bytes, valid only during the callback.
type Amount struct {
	Kind, Party, Date, Currency, Qualifier string
	End                                    string       // as stated; "" without one
	Minor                                  int64        // the amount in minor units of Currency
	Illustrative                           bool         // the entry is flagged illustrative
	Ref                                    sql.RawBytes // empty for exact entries unless Filter.Wide (see FirstRef)
	Sector, Location, Toward, Fulfils      sql.RawBytes // only with Filter.Wide or a sector or location filter
}

// Amounts streams the current entries with an amount that match f, in no
// particular order, scanning only the columns aggregation needs. The scan
// is split into parts ranges of seq, read concurrently (each on its own
// connection; the ledger below f.Seq never changes, so the parts see one
// state); fn is called from part p's goroutine with p, and must not keep a.
//
// Instead of asking, for every row, whether a later revision supersedes it,
// Amounts first reads the (few) superseded revisions into a set and skips
// them while scanning.
func (s *Store) Amounts(ctx context.Context, f Filter, parts int, fn func(part int, a *Amount) error) error {
	if f.Seq == 0 {
		head, err := s.Head(ctx)
		if err != nil {
			return err
		}
		f.Seq = head.Seq
	}
	superseded, err := s.superseded(ctx, f.Seq)
	if err != nil {
		return fmt.Errorf("store.Amounts: superseded: %w", err)
	}
	wide := f.Wide || f.listFilters()
	cols := `r.seq, CASE WHEN r.qualifier = 'exact' THEN '' ELSE r.ref END, r.kind, r.party, r.date, r.end_date, r.currency, r.amount_minor, r.qualifier, r.illustrative`
	if wide {
		cols = `r.seq, r.ref, r.kind, r.party, r.date, r.end_date, r.currency, r.amount_minor, r.qualifier, r.illustrative, r.sector, r.location, r.toward, r.fulfils`
	}
	// The full blocks that have packs are read from them (packs.go), the
	// revisions after the last pack as rows.
	var packs []packRange
	if f.packable() {
		if packs, err = s.packsFor(ctx, f.Seq); err != nil {
			return err
		}
	}
	lo := int64(0)
	if len(packs) > 0 {
		lo = packs[len(packs)-1].Hi
	}
	if parts < 1 {
		parts = 1
	}
	rowParts := parts
	if f.Seq-lo < int64(parts)*1000 {
		rowParts = 1
	}
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	errs := make(chan error, parts)
	for p := range parts {
		var q string
		var args []any
		if p < rowParts {
			from, to := lo+(f.Seq-lo)*int64(p)/int64(rowParts), lo+(f.Seq-lo)*int64(p+1)/int64(rowParts)
			c := &conds{}
			c.add(`r.amount_minor IS NOT NULL`)
			c.add(`r.seq > ?`, from)
			c.add(`r.seq <= ?`, to)
			f.addTo(c)
			q, args = `SELECT `+cols+` FROM revisions r`+c.where(), c.args
		}
		go func() {
			each := func(a *Amount) error { return fn(p, a) }
			read := newReadCounter(ctx)
			defer read.done()
			var err error
			for i := p; i < len(packs) && err == nil; i += parts {
				err = s.scanPack(ctx, packs[i].Lo, superseded, &f, wide, read, each)
			}
			if err == nil && q != "" {
				err = s.scanAmounts(ctx, q, args, superseded, &f, wide, each)
			}
			if err != nil {
				cancel()
			}
			errs <- err
		}()
	}
	var first error
	for range parts {
		if err := <-errs; err != nil && (first == nil || errors.Is(first, context.Canceled)) {
			first = err
		}
	}
	return first
}

// superseded is the set of revisions superseded at seq.
func (s *Store) superseded(ctx context.Context, seq int64) (map[int64]bool, error) {
	set := map[int64]bool{}
	rows, err := s.db.QueryContext(ctx, s.rebind(`SELECT supersedes FROM revisions WHERE supersedes IS NOT NULL AND seq <= ?`), seq)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	for rows.Next() {
		var seq int64
		if err := rows.Scan(&seq); err != nil {
			return nil, err
		}
		set[seq] = true
	}
	return set, rows.Err()
}

func (s *Store) scanAmounts(ctx context.Context, q string, args []any, superseded map[int64]bool, f *Filter, wide bool, fn func(a *Amount) error) error {
	rows, err := s.db.QueryContext(ctx, s.rebind(q), args...)
	if err != nil {
		return fmt.Errorf("store.Amounts: %w", err)
	}
	defer rows.Close()
	var a Amount
	var seq, illustrative int64
	var kind, party, date, end, cur, qual sql.RawBytes
	intern := newInterner()
	read := newReadCounter(ctx)
	defer read.done()
	for rows.Next() {
		read.row()
		dest := []any{&seq, &a.Ref, &kind, &party, &date, &end, &cur, &a.Minor, &qual, &illustrative}
		if wide {
			dest = append(dest, &a.Sector, &a.Location, &a.Toward, &a.Fulfils)
		}
		if err := rows.Scan(dest...); err != nil {
			return fmt.Errorf("store.Amounts: %w", err)
		}
		if superseded[seq] || !f.matchLists(a.Sector, a.Location) {
			continue
		}
		a.Kind, a.Party, a.Date, a.End, a.Currency, a.Qualifier = intern(kind), intern(party), intern(date), intern(end), intern(cur), intern(qual)
		a.Illustrative = illustrative != 0
		if err := fn(&a); err != nil {
			return err
		}
	}
	if err := rows.Err(); err != nil {
		return fmt.Errorf("store.Amounts: %w", err)
	}
	return nil
}

// FirstRef names one current entry of the given currency and date (the
// first by ref), for messages about entries a scan did not name; "" if
// there is none or it cannot be read (the message then names no entry).
//
// Superseded revisions are excluded with one uncorrelated subquery (the
// engines build its set once) rather than a look-up per row.
func (s *Store) FirstRef(ctx context.Context, f Filter, currency, date string) string {
	c := &conds{}
	c.add(`r.amount_minor IS NOT NULL`)
	if f.Seq == 0 {
		c.add(`r.seq NOT IN (SELECT x.supersedes FROM revisions x WHERE x.supersedes IS NOT NULL)`)
	} else {
		c.add(`r.seq <= ?`, f.Seq)
		c.add(`r.seq NOT IN (SELECT x.supersedes FROM revisions x WHERE x.supersedes IS NOT NULL AND x.seq <= ?)`, f.Seq)
	}
	f.addTo(c)
	c.add(`r.currency = ?`, currency)
	c.add(`r.date = ?`, date)
	var ref sql.NullString
	s.db.GetContext(ctx, &ref, s.rebind(`SELECT min(r.ref) FROM revisions r`+c.where()), c.args...)
	return ref.String
}

// newInterner returns a function that turns bytes into a string, sharing
// one string per distinct value: columns such as kind, party and currency
// repeat on every row of a large scan.
func newInterner() func([]byte) string {
	seen := map[string]string{}
	return func(b []byte) string {
		if v, ok := seen[string(b)]; ok {
			return v
		}
		v := string(b)
		seen[v] = v
		return v
	}
}

// Sectors lists every sector any revision ever named, sorted: what a
// sector filter may ask for.
func (s *Store) Sectors(ctx context.Context) ([]string, error) {
	return s.listValues(ctx, "sector")
}

// Locations lists every location any revision ever named, sorted.
func (s *Store) Locations(ctx context.Context) ([]string, error) {
	return s.listValues(ctx, "location")
}

func (s *Store) listValues(ctx context.Context, col string) ([]string, error) {
	var lists []string
	if err := s.db.SelectContext(ctx, &lists, `SELECT DISTINCT `+col+` FROM revisions WHERE `+col+` <> ''`); err != nil {
		return nil, fmt.Errorf("store.listValues(%s): %w", col, err)
	}
	set := map[string]bool{}
	for _, l := range lists {
		for _, v := range ledger.ListValues(l) {
			set[v] = true
		}
	}
	out := make([]string, 0, len(set))
	for v := range set {
		out = append(out, v)
	}
	slices.Sort(out)
	return out, nil
}
