package store

import (
	"context"
	"database/sql"
	"fmt"
	"io"
	"time"

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

// RateInput is one rate to record, with its input line for problems.
type RateInput struct {
	Line int
	Rate money.Rate
}

// RateRows is a stream of rates to import: io.EOF at the end; a
// *ledger.Problems error is about one line and reading goes on.
type RateRows interface {
	Next() (RateInput, error)
}

// RateSource opens a rate file.
type RateSource struct {
	Name string
	Open func() (RateRows, io.Closer, error)
}

// RatesOf is a rate source over rates given as values (validated by
// ledger.ParseRate): a rate set from a command line, a form or the API.
func RatesOf(name string, rates ...money.Rate) RateSource {
	return RateSource{Name: name, Open: func() (RateRows, io.Closer, error) {
		return &rateValues{rates}, io.NopCloser(nil), nil
	}}
}

type rateValues struct{ rates []money.Rate }

func (v *rateValues) Next() (RateInput, error) {
	if len(v.rates) == 0 {
		return RateInput{}, io.EOF
	}
	r := v.rates[0]
	v.rates = v.rates[1:]
	return RateInput{Rate: r}, nil
}

// RateImportResult says what a rate import did.
type RateImportResult struct {
	Rows, Added, Replaced, Skipped int
}

// ImportRates records rates in one transaction, all or nothing. The same
// rate again is skipped; a different rate for the same day, pair and
// source is a problem unless replace, which records the new rate as
// superseding the old (the old one stays).
func (s *Store) ImportRates(ctx context.Context, src RateSource, replace bool, author string) (RateImportResult, error) {
	var res RateImportResult
	probs := &problemList{file: src.Name}
	err := s.InTx(ctx, func(tx *Tx) error {
		rows, closer, err := src.Open()
		if err != nil {
			return err
		}
		defer closer.Close()
		at := s.now().UTC().Truncate(time.Microsecond).Format(ledger.TimeLayout)
		var nextID int64
		if err := tx.GetContext(ctx, &nextID, `SELECT COALESCE(max(id), 0) FROM rates`); err != nil {
			return fmt.Errorf("store.ImportRates: %w", err)
		}
		// Within one file, the same key twice must agree.
		seen := map[[4]string]struct {
			rate string
			line int
		}{}
		// The rates in force, by key: a rate table is small enough to hold
		// (the whole ECB history is about 200,000 rates), and it spares a
		// query per line.
		type cur struct {
			id   int64
			rate decimal.Decimal
		}
		current := map[[4]string]cur{}
		err = tx.each(ctx, `SELECT r.id, r.day, r.base, r.quote, r.rate, r.source FROM rates r
			WHERE NOT EXISTS (SELECT 1 FROM rates n WHERE n.supersedes = r.id)`, nil, func(sc scanner) error {
			var c cur
			var k [4]string
			var rate string
			if err := sc.Scan(&c.id, &k[0], &k[1], &k[2], &rate, &k[3]); err != nil {
				return err
			}
			c.rate, err = decimal.NewFromString(rate)
			current[k] = c
			return err
		})
		if err != nil {
			return fmt.Errorf("store.ImportRates: %w", err)
		}
		bulk, err := tx.newBulk(ctx, "rates", []string{"id", "day", "base", "quote", "rate", "source", "supersedes", "author", "recorded_at"})
		if err != nil {
			return err
		}
		defer bulk.close()
		for {
			in, err := rows.Next()
			if err == io.EOF {
				break
			}
			if ps, ok := err.(*ledger.Problems); ok {
				probs.add(ps.List...)
				continue
			}
			if err != nil {
				return err
			}
			res.Rows++
			r := in.Rate
			day := r.Day.Format("2006-01-02")
			rate := r.Rate.String()
			key := [4]string{day, r.Base, r.Quote, r.Source}
			if prev, ok := seen[key]; ok {
				if prev.rate != rate {
					probs.add(ledger.Problem{Line: in.Line, Field: r.Quote, Msg: fmt.Sprintf("%s %s/%s is %s here but %s on line %d", day, r.Base, r.Quote, rate, prev.rate, prev.line)})
				}
				continue
			}
			seen[key] = struct {
				rate string
				line int
			}{rate, in.Line}
			var supersedes any
			if c, ok := current[key]; ok {
				if c.rate.Equal(r.Rate) {
					res.Skipped++
					continue
				}
				if !replace {
					probs.add(ledger.Problem{Line: in.Line, Field: r.Quote, Msg: fmt.Sprintf("%s %s/%s from %q is already recorded as %s, not %s: use --replace to record the new rate (the old one is kept)", day, r.Base, r.Quote, r.Source, c.rate, rate)})
					continue
				}
				supersedes = c.id
				res.Replaced++
			} else {
				res.Added++
			}
			if len(probs.list) > 0 {
				continue // nothing will be written; keep checking
			}
			nextID++
			if err := bulk.add(nextID, day, r.Base, r.Quote, rate, r.Source, supersedes, author, at); err != nil {
				return fmt.Errorf("store.ImportRates: line %d: %w", in.Line, err)
			}
		}
		if err := bulk.close(); err != nil {
			return fmt.Errorf("store.ImportRates: %w", err)
		}
		if res.Rows == 0 && len(probs.list) == 0 {
			probs.add(ledger.Problem{Msg: "no rates in the file"})
		}
		return probs.err()
	})
	return res, err
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
	q := `SELECT r.id, r.day, r.base, r.quote, r.rate, r.source, r.author, r.recorded_at FROM rates r WHERE NOT EXISTS
		(SELECT 1 FROM rates n WHERE n.supersedes = r.id AND n.recorded_at <= ?)`
	asOf := "9999"
	if !f.AsOf.IsZero() {
		asOf = f.AsOf.UTC().Format(ledger.TimeLayout)
	}
	args := []any{asOf}
	q += ` AND r.recorded_at <= ?`
	args = append(args, asOf)
	if f.Currency != "" {
		q += ` AND (r.base = ? OR r.quote = ?)`
		args = append(args, f.Currency, f.Currency)
	}
	if f.From != "" {
		q += ` AND r.day >= ?`
		args = append(args, f.From)
	}
	if f.To != "" {
		q += ` AND r.day <= ?`
		args = append(args, f.To)
	}
	q += ` ORDER BY r.day, ` + s.byteOrder("r.base") + `, ` + s.byteOrder("r.quote") + `, ` + s.byteOrder("r.source") + `, r.id`
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
// lookup table, in recording order so that for a day and pair quoted by
// several sources the one recorded last wins.
func (s *Store) RateTable(ctx context.Context, asOf time.Time) (*money.Table, error) {
	limit := "9999"
	if !asOf.IsZero() {
		limit = asOf.UTC().Format(ledger.TimeLayout)
	}
	rows, err := s.db.QueryContext(ctx, s.rebind(`SELECT r.day, r.base, r.quote, r.rate, r.source FROM rates r
		WHERE r.recorded_at <= ? AND NOT EXISTS (SELECT 1 FROM rates n WHERE n.supersedes = r.id AND n.recorded_at <= ?)
		ORDER BY r.id`), limit, limit)
	if err != nil {
		return nil, fmt.Errorf("store.RateTable: %w", err)
	}
	defer rows.Close()
	var rates []money.Rate
	intern := newInterner()
	var day, base, quote, rate, source sql.RawBytes
	for rows.Next() {
		if err := rows.Scan(&day, &base, &quote, &rate, &source); err != nil {
			return nil, fmt.Errorf("store.RateTable: %w", err)
		}
		d, err := ledger.ParseDate(string(day))
		if err != nil || d.Precision != ledger.Day {
			return nil, fmt.Errorf("store.RateTable: rate day %q: %w", day, err)
		}
		v, err := decimal.NewFromString(string(rate))
		if err != nil {
			return nil, fmt.Errorf("store.RateTable: rate %q: %w", rate, err)
		}
		rates = append(rates, money.Rate{Day: d.First(), Base: intern(base), Quote: intern(quote), Rate: v, Source: intern(source)})
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("store.RateTable: %w", err)
	}
	return money.NewTable(rates), nil
}

// LastRateAt is when the latest rate recorded at or before asOf (zero:
// ever) was recorded; zero if none.
func (s *Store) LastRateAt(ctx context.Context, asOf time.Time) (time.Time, error) {
	var at *string
	limit := "9999"
	if !asOf.IsZero() {
		limit = asOf.UTC().Format(ledger.TimeLayout)
	}
	if err := s.db.GetContext(ctx, &at, s.rebind(`SELECT max(recorded_at) FROM rates WHERE recorded_at <= ?`), limit); err != nil {
		return time.Time{}, fmt.Errorf("store.LastRateAt: %w", err)
	}
	if at == nil {
		return time.Time{}, nil
	}
	return time.Parse(ledger.TimeLayout, *at)
}
