package store

import (
	"bytes"
	"context"
	"database/sql"
	"encoding/binary"
	"errors"
	"fmt"
	"sync"
	"time"

	"github.com/coalition/pledger/internal/ledger"
	"github.com/coalition/pledger/internal/money"
	"github.com/shopspring/decimal"
)

// The rate pack. Every report loads the rates in force; a ledger with
// twelve years of daily rates in 25 currencies holds 75,000 of them, and
// reading them as rows took most of a small report's time. Rates are
// append-only like revisions (a replaced rate stays, its replacement names
// it), so every rate recorded up to an id is kept as one compact value,
// with what it supersedes and when it was recorded: RateTable applies the
// as-of rule (rateInForce) to it in Go. A pack is derived data: it is made
// from the rates table when it is missing or older than the newest rate,
// and verify rebuilds it and compares the bytes.

const ratePackVersion = 1

var ratePackMagic = []byte("PLRP")

// ratePackRow is one stored rate as the pack holds it.
type ratePackRow struct {
	id, supersedes                           int64 // supersedes: 0 for none
	day, base, quote, rate, source, recorded string
}

const ratePackCols = `id, day, base, quote, rate, source, COALESCE(supersedes, 0), recorded_at`

// encodeRatePack encodes rates (in id order): magic, version, the count,
// the dictionary (days, currencies, sources, recording times: they
// repeat), then per rate its id's distance from the previous one, what it
// supersedes, five dictionary indexes and the rate's text.
func encodeRatePack(rows []ratePackRow) []byte {
	d := newPackDict()
	body := make([]byte, 0, len(rows)*20)
	prev := int64(0)
	for _, r := range rows {
		body = binary.AppendVarint(body, r.id-prev)
		prev = r.id
		body = binary.AppendVarint(body, r.supersedes)
		for _, s := range [...]string{r.day, r.base, r.quote, r.source, r.recorded} {
			body = binary.AppendUvarint(body, d.index(s))
		}
		body = binary.AppendUvarint(body, uint64(len(r.rate)))
		body = append(body, r.rate...)
	}
	out := append([]byte{}, ratePackMagic...)
	out = binary.AppendUvarint(out, ratePackVersion)
	out = binary.AppendUvarint(out, uint64(len(rows)))
	out = d.appendTo(out)
	return append(out, body...)
}

// decodeRatePack gives the rows of a pack.
func decodeRatePack(b []byte) ([]ratePackRow, error) {
	if !bytes.HasPrefix(b, ratePackMagic) {
		return nil, errPack
	}
	r := &packReader{b: b[len(ratePackMagic):]}
	if v := r.uvarint(); r.err == nil && v != ratePackVersion {
		return nil, fmt.Errorf("%w: version %d", errPack, v)
	}
	n := r.uvarint()
	words, _ := r.readDict()
	if r.err != nil || n > uint64(len(r.b)) {
		return nil, errPack
	}
	nw := uint64(len(words))
	out := make([]ratePackRow, n)
	id := int64(0)
	for i := range out {
		id += r.varint()
		row := ratePackRow{id: id, supersedes: r.varint()}
		for _, f := range [...]*string{&row.day, &row.base, &row.quote, &row.source, &row.recorded} {
			w := r.uvarint()
			if w >= nw {
				return nil, errPack
			}
			*f = words[w]
		}
		row.rate = string(r.bytes())
		if r.err != nil {
			return nil, r.err
		}
		out[i] = row
	}
	if len(r.b) != 0 {
		return nil, errPack
	}
	return out, nil
}

// rateStats is what identifies the rates table's content for the pack: the
// highest id and how many rates there are (rates are only ever added).
func (s *Store) rateStats(ctx context.Context) (maxID, n int64, err error) {
	var row struct {
		Max sql.NullInt64 `db:"m"`
		N   int64         `db:"n"`
	}
	if err := s.db.GetContext(ctx, &row, `SELECT max(id) AS m, count(*) AS n FROM rates`); err != nil {
		return 0, 0, fmt.Errorf("store: rates: %w", err)
	}
	return row.Max.Int64, row.N, nil
}

// readRateRows reads every stored rate, in id order.
func readRateRows(ctx context.Context, q queryer) ([]ratePackRow, error) {
	rows, err := q.QueryContext(ctx, `SELECT `+ratePackCols+` FROM rates ORDER BY id`)
	if err != nil {
		return nil, fmt.Errorf("store: rates: %w", err)
	}
	defer rows.Close()
	var out []ratePackRow
	for rows.Next() {
		var r ratePackRow
		if err := rows.Scan(&r.id, &r.day, &r.base, &r.quote, &r.rate, &r.source, &r.supersedes, &r.recorded); err != nil {
			return nil, fmt.Errorf("store: rates: %w", err)
		}
		out = append(out, r)
	}
	return out, rows.Err()
}

// ratePack returns every stored rate, from the pack when it is current,
// else from the table (then writing the pack for the next report: when
// that fails, as on a read-only database, the rows serve all the same).
func (s *Store) ratePack(ctx context.Context) ([]ratePackRow, error) {
	maxID, n, err := s.rateStats(ctx)
	if err != nil {
		return nil, err
	}
	s.rates.mu.Lock()
	defer s.rates.mu.Unlock()
	if s.rates.rows != nil && s.rates.maxID == maxID && s.rates.n == n {
		return s.rates.rows, nil
	}
	rows, err := s.loadRatePack(ctx, maxID, n)
	if err != nil {
		return nil, err
	}
	s.rates.maxID, s.rates.n, s.rates.rows = maxID, n, rows
	return rows, nil
}

// rateCache keeps the rows of the last rate pack a store read, for the
// next report of the same process (a server's) while no rate is added.
// The rows are never changed once read.
type rateCache struct {
	mu       sync.Mutex
	maxID, n int64
	rows     []ratePackRow
}

// loadRatePack reads the pack of the rates up to maxID (n of them), or
// the rates themselves when it is missing.
func (s *Store) loadRatePack(ctx context.Context, maxID, n int64) ([]ratePackRow, error) {
	var data []byte
	err := s.db.QueryRowContext(ctx, s.rebind(`SELECT data FROM rate_packs WHERE max_id = ? AND n = ? AND version = ?`), maxID, n, ratePackVersion).Scan(&data)
	switch {
	case err == nil:
		rows, derr := decodeRatePack(data)
		if derr != nil || int64(len(rows)) != n || (n > 0 && rows[n-1].id != maxID) {
			return nil, fmt.Errorf("store: the rate pack cannot be read (run pledger verify): %w", errPack)
		}
		return rows, nil
	case !errors.Is(err, sql.ErrNoRows):
		return nil, fmt.Errorf("store: rate pack: %w", err)
	}
	rows, err := readRateRows(ctx, s.db)
	if err != nil {
		return nil, err
	}
	// Rates recorded while they were read are in the rows but not in the
	// stats: the pack is written only when the two agree.
	if int64(len(rows)) == n && (n == 0 || rows[n-1].id == maxID) && n > 0 {
		s.writeRatePack(ctx, maxID, n, encodeRatePack(rows))
	}
	return rows, nil
}

// writeRatePack stores a pack in place of the older ones; best effort.
func (s *Store) writeRatePack(ctx context.Context, maxID, n int64, data []byte) {
	_ = s.InTx(ctx, func(tx *Tx) error {
		if _, err := tx.exec(ctx, `DELETE FROM rate_packs WHERE max_id <> ?`, maxID); err != nil {
			return err
		}
		_, err := tx.exec(ctx, `INSERT INTO rate_packs (max_id, n, version, data) VALUES (?, ?, ?, ?) ON CONFLICT (max_id) DO NOTHING`,
			maxID, n, ratePackVersion, data)
		return err
	})
}

// ratesInForce are the rates of rows in force at asOf (zero: now), in id
// order, by the rule of rateInForce: recorded by then and not replaced by
// then.
func ratesInForce(rows []ratePackRow, asOf time.Time) ([]money.Rate, error) {
	at := ""
	if !asOf.IsZero() {
		at = asOf.UTC().Format(ledger.TimeLayout)
	}
	replaced := map[int64]bool{}
	for _, r := range rows {
		if r.supersedes != 0 && (at == "" || r.recorded <= at) {
			replaced[r.supersedes] = true
		}
	}
	days := map[string]time.Time{}
	out := make([]money.Rate, 0, len(rows)-len(replaced))
	for _, r := range rows {
		if replaced[r.id] || (at != "" && r.recorded > at) {
			continue
		}
		day, ok := days[r.day]
		if !ok {
			d, err := ledger.ParseDate(r.day)
			if err != nil {
				return nil, fmt.Errorf("store.RateTable: rate day %q: %w", r.day, err)
			}
			if d.Precision != ledger.Day {
				return nil, fmt.Errorf("store.RateTable: rate day %q is not a day", r.day)
			}
			day = d.First()
			days[r.day] = day
		}
		v, err := decimal.NewFromString(r.rate)
		if err != nil {
			return nil, fmt.Errorf("store.RateTable: rate %q: %w", r.rate, err)
		}
		out = append(out, money.Rate{Day: day, Base: r.base, Quote: r.quote, Rate: v, Source: r.source})
	}
	return out, nil
}

// checkRatePack is verify's check of the stored rate packs: each must be
// what the rates up to its max_id give.
func (v *verifier) checkRatePack() error {
	var packs []struct {
		MaxID int64  `db:"max_id"`
		N     int64  `db:"n"`
		Data  []byte `db:"data"`
	}
	if err := v.db.SelectContext(v.ctx, &packs, v.db.Rebind(`SELECT max_id, n, data FROM rate_packs WHERE version = ?`), ratePackVersion); err != nil {
		return fmt.Errorf("store.Verify: rate pack: %w", err)
	}
	if len(packs) == 0 {
		return nil
	}
	all, err := readRateRows(v.ctx, v.db)
	if err != nil {
		return fmt.Errorf("store.Verify: %w", err)
	}
	for _, p := range packs {
		var upTo []ratePackRow
		for _, r := range all {
			if r.id <= p.MaxID {
				upTo = append(upTo, r)
			}
		}
		if int64(len(upTo)) != p.N || !bytes.Equal(encodeRatePack(upTo), p.Data) {
			return tampered("the rate pack of rates up to id %d is not what those rates give: it was changed outside pledger, and reports read it instead of them", p.MaxID)
		}
	}
	return nil
}
