package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"slices"
	"time"

	"github.com/coalition/pledger/internal/csvio"
	"github.com/coalition/pledger/internal/ledger"
	"github.com/coalition/pledger/internal/money"
	"github.com/shopspring/decimal"
)

// RateRow is an exchange rate as recorded.
type RateRow struct {
	ID         int64     `json:"-"`
	Day        string    `json:"date"`
	Base       string    `json:"base"`
	Quote      string    `json:"quote"`
	Rate       string    `json:"rate"`
	Source     string    `json:"source"`
	Author     string    `json:"recorded_by"`
	RecordedAt time.Time `json:"recorded_at"`
}

// RateImportResult says what a rate import did.
type RateImportResult struct {
	Rows, Added, Replaced, Skipped int
	// Warnings are about rates recorded for a pair and day that another
	// source also quotes (ledger.CodeRateOtherSource): the first
	// MaxRateWarnings of them, and how many more there are.
	Warnings     []ledger.Problem `json:",omitempty"`
	MoreWarnings int              `json:",omitempty"`
}

// MaxRateWarnings caps the warnings of one rate import.
const MaxRateWarnings = 20

// RateImportOptions say how to record rates.
type RateImportOptions struct {
	// Replace records a different rate for a known day, pair and source
	// as superseding the old one (which stays).
	Replace bool
	// Force records rates the sanity bound refuses (ledger.RateIndex.Jump).
	Force  bool
	Author string
}

// ImportRates records rates in one transaction, all or nothing. The same
// rate again (equal in value, whatever its digits) is skipped; a different
// rate for the same day, pair and source is a problem unless opt.Replace,
// which records the new rate as superseding the old (the old one stays).
// A rate far from its pair's nearest rates (the rates in force, from any
// source, and the file's other rows) is a problem unless opt.Force. A rate
// is stored with the digits it was given (money.RateText). Rates recorded
// for a pair and day that another source also quotes are recorded, with a
// warning that names the other rates and the source reports prefer by
// default.
func (s *Store) ImportRates(ctx context.Context, src csvio.RateSource, opt RateImportOptions) (res RateImportResult, err error) {
	err = s.Write(ctx, func(tx *Tx) error {
		res, err = tx.ImportRates(ctx, src, opt)
		return err
	})
	if err != nil {
		res.Warnings, res.MoreWarnings = nil, 0
	}
	return res, err
}

// ImportRates is Store.ImportRates inside a transaction (an API write run
// once per Idempotency-Key, with the key's record in the same
// transaction).
func (tx *Tx) ImportRates(ctx context.Context, src csvio.RateSource, opt RateImportOptions) (RateImportResult, error) {
	var res RateImportResult
	probs := &problemList{file: src.Name}
	s := tx.s
	err := func() error {
		if s.dialect == Postgres {
			// One rate import at a time, so that each reads the rates in
			// force after the previous one committed (readers do not wait;
			// SQLite's immediate transactions already queue writers).
			if _, err := tx.ExecContext(ctx, `LOCK TABLE rates IN SHARE ROW EXCLUSIVE MODE`); err != nil {
				return fmt.Errorf("store.ImportRates: lock: %w", err)
			}
		}
		// Rates are facts of the chain: one link for what this import adds,
		// appended under the head's lock.
		h, err := tx.lockHead(ctx)
		if err != nil {
			return err
		}
		when := tx.writeTime(h)
		at := when.Format(ledger.TimeLayout)
		var before sql.NullInt64
		if err := tx.QueryRowContext(ctx, `SELECT max(id) FROM rates`).Scan(&before); err != nil {
			return fmt.Errorf("store.ImportRates: %w", err)
		}
		// Within one file, the same key twice must agree.
		seen := map[[4]string]struct {
			rate decimal.Decimal
			line int
		}{}
		// The rates in force, by key: a rate table is small enough to hold
		// (the whole ECB history is about 200,000 rates), and it spares a
		// query per line. They are also indexed by pair and day for the
		// sanity bound and the warnings, and counted per source.
		type cur struct {
			id   int64
			rate decimal.Decimal
		}
		current := map[[4]string]cur{}
		var index ledger.RateIndex
		counts := map[string]int{}
		err = tx.each(ctx, `SELECT r.id, r.day, r.base, r.quote, r.rate, r.source FROM rates r
			WHERE NOT EXISTS (SELECT 1 FROM rates n WHERE n.supersedes = r.id)`, nil, func(sc scanner) error {
			var c cur
			var k [4]string
			var rate string
			if err := sc.Scan(&c.id, &k[0], &k[1], &k[2], &rate, &k[3]); err != nil {
				return err
			}
			v, err := decimal.NewFromString(rate)
			if err != nil {
				return err
			}
			day, err := ledger.ParseDay(k[0])
			if err != nil {
				return err
			}
			c.rate = v
			current[k] = c
			index.Add(money.Rate{Day: day, Base: k[1], Quote: k[2], Rate: v, Source: k[3]}, 0)
			counts[k[3]]++
			return nil
		})
		if err != nil {
			return fmt.Errorf("store.ImportRates: %w", err)
		}
		// Read the whole input first: a row is checked against the rows
		// after it too.
		type row struct {
			in         csvio.RateInput
			text       string // the rate with the digits it was given
			supersedes any
		}
		var rows []row
		for in, err := range src.Rates {
			var ps *ledger.Problems
			if errors.As(err, &ps) {
				probs.add(ps.List...)
				continue
			}
			if err != nil {
				return err
			}
			res.Rows++
			r := in.Rate
			day := r.Day.Format(time.DateOnly)
			rate := money.RateText(r.Rate)
			key := [4]string{day, r.Base, r.Quote, r.Source}
			if prev, ok := seen[key]; ok {
				if !prev.rate.Equal(r.Rate) {
					probs.add(ledger.Problem{Line: in.Line, Field: in.Field, Msg: fmt.Sprintf("%s %s/%s is %s here but %s on line %d", day, r.Base, r.Quote, rate, money.RateText(prev.rate), prev.line)})
				}
				continue
			}
			seen[key] = struct {
				rate decimal.Decimal
				line int
			}{r.Rate, in.Line}
			var supersedes any
			if c, ok := current[key]; ok {
				if c.rate.Equal(r.Rate) {
					res.Skipped++
					continue
				}
				if !opt.Replace {
					probs.add(ledger.Problem{Line: in.Line, Field: in.Field, Code: "rate_recorded", Value: rate,
						Msg: fmt.Sprintf("%s %s/%s from %q is already recorded as %s, not %s", day, r.Base, r.Quote, r.Source, money.RateText(c.rate), rate)})
					continue
				}
				supersedes = c.id
				res.Replaced++
			} else {
				res.Added++
				counts[r.Source]++
			}
			rows = append(rows, row{in, rate, supersedes})
		}
		for _, w := range rows {
			index.Add(w.in.Rate, w.in.Line)
		}
		if !opt.Force {
			lines := make([]ledger.RateLine, len(rows))
			for i, w := range rows {
				lines[i] = ledger.RateLine{Rate: w.in.Rate, Line: w.in.Line, Field: w.in.Field}
			}
			probs.add(index.Jumps(lines)...)
		}
		if res.Rows == 0 && len(probs.list) == 0 {
			probs.add(ledger.Problem{Msg: "no rates in the file"})
		}
		if len(probs.list) > 0 {
			return probs.err()
		}
		var order []string // the default order of preference, once needed
		for _, w := range rows {
			others := index.OtherSources(w.in.Rate)
			if len(others) == 0 {
				continue
			}
			if len(res.Warnings) == MaxRateWarnings {
				res.MoreWarnings++
				continue
			}
			if order == nil {
				order, _, _ = money.OrderSources(money.EnvSources(), counts)
			}
			preferred := w.in.Rate.Source
			for _, src := range order {
				if src == preferred || slices.ContainsFunc(others, func(o money.Rate) bool { return o.Source == src }) {
					preferred = src
					break
				}
			}
			res.Warnings = append(res.Warnings, ledger.OtherSourceWarning(w.in.Rate, w.in.Line, others, preferred))
		}
		bulk, err := tx.newBulk(ctx, "rates", []string{"day", "base", "quote", "rate", "source", "supersedes", "author", "recorded_at"})
		if err != nil {
			return err
		}
		defer bulk.close()
		for _, w := range rows {
			r := w.in.Rate
			if err := bulk.add(r.Day.Format(time.DateOnly), r.Base, r.Quote, w.text, r.Source, w.supersedes, opt.Author, at); err != nil {
				return fmt.Errorf("store.ImportRates: line %d: %w", w.in.Line, err)
			}
		}
		if err := bulk.close(); err != nil {
			return fmt.Errorf("store.ImportRates: %w", err)
		}
		if len(rows) == 0 {
			return nil
		}
		var lo, hi sql.NullInt64
		if err := tx.QueryRowContext(ctx, tx.Rebind(`SELECT min(id), max(id) FROM rates WHERE id > ?`), before.Int64).Scan(&lo, &hi); err != nil {
			return fmt.Errorf("store.ImportRates: %w", err)
		}
		digest, n, err := tx.rateDigest(ctx, lo.Int64, hi.Int64)
		if err != nil {
			return fmt.Errorf("store.ImportRates: %w", err)
		}
		if n != len(rows) {
			return fmt.Errorf("store.ImportRates: wrote %d rates but reads back %d", len(rows), n)
		}
		return tx.appendLink(ctx, &h, &ledger.Link{What: ledger.LinkRates, First: lo.Int64, Last: hi.Int64, Digest: digest,
			Author: opt.Author, RecordedAt: when})
	}()
	if err != nil {
		res.Warnings, res.MoreWarnings = nil, 0
	}
	return res, err
}

// rateInForce adds the conditions for a rate r in force at asOf (zero:
// now): recorded by then and not replaced by then.
func rateInForce(c *conds, asOf time.Time) {
	if asOf.IsZero() {
		c.add(`NOT EXISTS (SELECT 1 FROM rates n WHERE n.supersedes = r.id)`)
		return
	}
	at := asOf.UTC().Format(ledger.TimeLayout)
	c.add(`r.recorded_at <= ?`, at)
	c.add(`NOT EXISTS (SELECT 1 FROM rates n WHERE n.supersedes = r.id AND n.recorded_at <= ?)`, at)
}

// RateFilter selects rates.
type RateFilter struct {
	Currency string    // base or quote
	From, To string    // days, inclusive
	AsOf     time.Time // zero: latest
}

// Rates returns the rates in force (as of f.AsOf), ordered by day, base,
// quote, source.
func (s *Store) Rates(ctx context.Context, f RateFilter) ([]RateRow, error) {
	var c conds
	rateInForce(&c, f.AsOf)
	if f.Currency != "" {
		c.add(`(r.base = ? OR r.quote = ?)`, f.Currency, f.Currency)
	}
	if f.From != "" {
		c.add(`r.day >= ?`, f.From)
	}
	if f.To != "" {
		c.add(`r.day <= ?`, f.To)
	}
	q := `SELECT r.id, r.day, r.base, r.quote, r.rate, r.source, r.author, r.recorded_at FROM rates r` + c.where() +
		` ORDER BY r.day, ` + s.byteOrder("r.base") + `, ` + s.byteOrder("r.quote") + `, ` + s.byteOrder("r.source") + `, r.id`
	args := c.args
	rows, err := s.db.QueryContext(ctx, s.rebind(q), args...)
	if err != nil {
		return nil, fmt.Errorf("store.Rates: %w", err)
	}
	defer rows.Close()
	var out []RateRow
	for rows.Next() {
		var r RateRow
		var at string
		if err := rows.Scan(&r.ID, &r.Day, &r.Base, &r.Quote, &r.Rate, &r.Source, &r.Author, &at); err != nil {
			return nil, fmt.Errorf("store.Rates: %w", err)
		}
		r.RecordedAt, _ = time.Parse(ledger.TimeLayout, at)
		out = append(out, r)
	}
	return out, rows.Err()
}

// RateTable loads the rates in force as of asOf (zero: latest) into a
// lookup table that prefers, for a pair and day quoted by several sources,
// the source that comes first in prefer, then the others by how many rates
// they have (money.NewTable). Rates are given in recording order.
func (s *Store) RateTable(ctx context.Context, asOf time.Time, prefer ...string) (*money.Table, error) {
	rows, err := s.ratePack(ctx)
	if err != nil {
		return nil, err
	}
	return rows.tableAt(asOf, prefer)
}

// RateSourceNames lists the sources of the rates in force as of asOf
// (zero: latest), sorted. A rate is only ever superseded by one of its
// own source, so these are the sources of the rates recorded by then: the
// query needs no look at what was superseded.
func (s *Store) RateSourceNames(ctx context.Context, asOf time.Time) ([]string, error) {
	var c conds
	if !asOf.IsZero() {
		c.add(`recorded_at <= ?`, asOf.UTC().Format(ledger.TimeLayout))
	}
	var out []string
	if err := s.db.SelectContext(ctx, &out, s.rebind(`SELECT DISTINCT source FROM rates`+c.where()), c.args...); err != nil {
		return nil, fmt.Errorf("store.RateSourceNames: %w", err)
	}
	slices.Sort(out)
	return out, nil
}

// LastRateAt is when the latest rate recorded at or before asOf (zero:
// ever) was recorded; zero if none.
func (s *Store) LastRateAt(ctx context.Context, asOf time.Time) (time.Time, error) {
	var at *string
	var c conds
	if !asOf.IsZero() {
		c.add(`recorded_at <= ?`, asOf.UTC().Format(ledger.TimeLayout))
	}
	// rates_recorded (migration 00009) makes this one index look-up.
	if err := s.db.GetContext(ctx, &at, s.rebind(`SELECT max(recorded_at) FROM rates`+c.where()), c.args...); err != nil {
		return time.Time{}, fmt.Errorf("store.LastRateAt: %w", err)
	}
	if at == nil {
		return time.Time{}, nil
	}
	return time.Parse(ledger.TimeLayout, *at)
}
