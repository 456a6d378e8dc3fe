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

// Version 2: packs are found by the highest rate id alone (rateStats);
// packs of version 1 were written before every rate write held the ledger
// head, when that did not name the rates, and are no longer read.
const ratePackVersion = 2

var ratePackMagic = []byte("PLRP")

// ratePackRow is one stored rate as the pack holds it.
type ratePackRow struct {
	id, supersedes                           int64 // supersedes: 0 for none
	day, base, quote, rate, source, recorded string
}

const ratePackCols = `id, day, base, quote, rate, source, COALESCE(supersedes, 0), recorded_at`

// encodeRatePack encodes rates (in id order): magic, version, the count,
// the latest recording time, the length of the rows part, the rows part,
// then the table those rates give to a report that asks for no source
// first, made at or after that time (money.Table.AppendBinary: such a
// report, the usual kind, reads it without indexing the rates). The rows
// part is the dictionary (days, currencies, sources, recording times:
// they repeat), then per rate its id's distance from the previous one,
// what it supersedes, five dictionary indexes and the rate's text.
func encodeRatePack(rows []ratePackRow) ([]byte, error) {
	d := newPackDict()
	body := make([]byte, 0, len(rows)*20)
	prev := int64(0)
	latest := ""
	for _, r := range rows {
		body = binary.AppendVarint(body, r.id-prev)
		prev = r.id
		body = binary.AppendVarint(body, r.supersedes)
		for _, s := range [...]string{r.day, r.base, r.quote, r.source, r.recorded} {
			body = binary.AppendUvarint(body, d.index(s))
		}
		body = binary.AppendUvarint(body, uint64(len(r.rate)))
		body = append(body, r.rate...)
		latest = max(latest, r.recorded)
	}
	part := d.appendTo(nil)
	part = append(part, body...)
	p := &rateRows{n: uint64(len(rows)), part: part}
	table, err := p.tableAt(time.Time{}, nil)
	if err != nil {
		return nil, err
	}
	out := append([]byte{}, ratePackMagic...)
	out = binary.AppendUvarint(out, ratePackVersion)
	out = binary.AppendUvarint(out, uint64(len(rows)))
	out = binary.AppendUvarint(out, uint64(len(latest)))
	out = append(out, latest...)
	out = binary.AppendUvarint(out, uint64(len(part)))
	out = append(out, part...)
	return table.AppendBinary(out), nil
}

// rateRows is a decoded rate pack. Its rows are decoded only for a report
// that needs other rates than the pack's table (an earlier moment, other
// sources first), and then kept compact: per rate, indexes into words and
// its text as a range of body, so that 75,000 rates are one slice the
// collector need not scan.
type rateRows struct {
	n      uint64 // rates
	latest string // the latest recording time of a rate
	part   []byte // the rows part, until decoded
	table  []byte // the table in force at latest, no source first

	rowsOnce sync.Once
	words    []string
	body     string
	rows     []rateRow
	rowsErr  error

	tableOnce sync.Once
	latestT   *money.Table
	tableErr  error
}

type rateRow struct {
	id, supersedes                     int64
	day, base, quote, source, recorded uint32 // indexes into words
	off, n                             uint32 // the rate's text: body[off:off+n]
}

func (p *rateRows) text(r *rateRow) string { return p.body[r.off : r.off+r.n] }

// decodeRatePack splits a pack into its parts; each is read when first
// needed (rateRows.decode, tableAt).
func decodeRatePack(b []byte) (*rateRows, error) {
	if !bytes.HasPrefix(b, ratePackMagic) {
		return nil, errPack
	}
	r := &packReader{b: b[len(ratePackMagic):]}
	if v := r.uvarint(); r.err == nil && v != ratePackVersion {
		return nil, fmt.Errorf("%w: version %d", errPack, v)
	}
	p := &rateRows{n: r.uvarint()}
	p.latest = string(r.bytes())
	p.part = r.bytes()
	p.table = r.b
	if r.err != nil || p.n > uint64(len(p.part)) {
		return nil, errPack
	}
	return p, nil
}

// decode reads the rows part, once.
func (p *rateRows) decode() error {
	p.rowsOnce.Do(func() { p.rowsErr = p.decodeRows() })
	return p.rowsErr
}

func (p *rateRows) decodeRows() error {
	r := &packReader{b: p.part}
	words, _ := r.readDict()
	if r.err != nil || len(words) > 1<<31 {
		return errPack
	}
	nw := uint64(len(words))
	p.words, p.body, p.rows = words, string(r.b), make([]rateRow, p.n)
	base := len(r.b)
	id := int64(0)
	for i := range p.rows {
		id += r.varint()
		row := rateRow{id: id, supersedes: r.varint()}
		for _, f := range [...]*uint32{&row.day, &row.base, &row.quote, &row.source, &row.recorded} {
			w := r.uvarint()
			if w >= nw {
				return errPack
			}
			*f = uint32(w)
		}
		text := r.bytes()
		if r.err != nil {
			return r.err
		}
		row.off, row.n = uint32(base-len(r.b)-len(text)), uint32(len(text))
		p.rows[i] = row
	}
	if len(r.b) != 0 {
		return errPack
	}
	return nil
}

// rateStats is what identifies the rates table's content for the pack: the
// highest id. Rates are only ever added, and every rate write holds the
// ledger head (Store.Write) from before its rates are numbered until it
// commits, so ids are given in commit order: no rate with a lower id can
// be committed after one with a higher id. (Counting the rates as well
// cost a scan of the table: 20 ms of a small report's 100.)
func (s *Store) rateStats(ctx context.Context) (maxID int64, err error) {
	var m sql.NullInt64
	if err := s.db.GetContext(ctx, &m, `SELECT max(id) FROM rates`); err != nil {
		return 0, fmt.Errorf("store: rates: %w", err)
	}
	return m.Int64, nil
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
func (s *Store) ratePack(ctx context.Context) (*rateRows, error) {
	maxID, err := s.rateStats(ctx)
	if err != nil {
		return nil, err
	}
	s.rates.mu.Lock()
	defer s.rates.mu.Unlock()
	if s.rates.rows != nil && s.rates.maxID == maxID {
		return s.rates.rows, nil
	}
	rows, err := s.loadRatePack(ctx, maxID)
	if err != nil {
		return nil, err
	}
	s.rates.maxID, s.rates.rows = maxID, rows
	return rows, nil
}

// rateCache keeps the rows of the last rate pack a store read, for the
// next report of the same process (a server's) while no rate is added.
// The rows are never changed once read.
type rateCache struct {
	mu    sync.Mutex
	maxID int64
	rows  *rateRows
}

// loadRatePack reads the pack of the rates up to maxID, or the rates
// themselves when it is missing.
func (s *Store) loadRatePack(ctx context.Context, maxID int64) (*rateRows, error) {
	var pk struct {
		N    int64  `db:"n"`
		Data []byte `db:"data"`
	}
	err := s.db.GetContext(ctx, &pk, s.rebind(`SELECT n, data FROM rate_packs WHERE max_id = ? AND version = ?`), maxID, ratePackVersion)
	switch {
	case err == nil:
		rows, derr := decodeRatePack(pk.Data)
		if derr != nil || int64(rows.n) != pk.N || pk.N == 0 {
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
	// stats: the pack is written only when the two agree. The rows are
	// read back as the pack is, one form for both.
	data, err := encodeRatePack(rows)
	if err != nil {
		return nil, err
	}
	if n := len(rows); n > 0 && rows[n-1].id == maxID {
		s.writeRatePack(ctx, maxID, int64(n), data)
	}
	return decodeRatePack(data)
}

// writeRatePack stores a pack in place of the older ones (and those of
// another version); best effort.
func (s *Store) writeRatePack(ctx context.Context, maxID, n int64, data []byte) {
	_ = s.InTx(ctx, func(tx *Tx) error {
		if _, err := tx.exec(ctx, `DELETE FROM rate_packs WHERE max_id <> ? OR version <> ?`, maxID, ratePackVersion); err != nil {
			return err
		}
		_, err := tx.exec(ctx, `INSERT INTO rate_packs (max_id, n, version, data) VALUES (?, ?, ?, ?) ON CONFLICT (max_id) DO NOTHING`,
			maxID, n, ratePackVersion, data)
		return err
	})
}

// tableAt is the table of the rates of p in force at asOf (zero: now),
// by the rule of rateInForce (recorded by then and not replaced by then),
// preferring the sources named in prefer. At or after the latest rate
// with no source first, it is the pack's own table, read once; otherwise
// it is built from the rows, their values kept as text until a lookup
// needs them (money.NewTableText).
func (p *rateRows) tableAt(asOf time.Time, prefer []string) (*money.Table, error) {
	at := ""
	if !asOf.IsZero() {
		at = asOf.UTC().Format(ledger.TimeLayout)
	}
	if len(prefer) == 0 && (at == "" || at >= p.latest) && p.table != nil {
		p.tableOnce.Do(func() {
			if p.latestT, p.tableErr = money.DecodeTable(p.table); p.tableErr != nil {
				p.tableErr = fmt.Errorf("store: the rate pack cannot be read (run pledger verify): %w: %w", errPack, p.tableErr)
			}
		})
		return p.latestT, p.tableErr
	}
	if err := p.decode(); err != nil {
		return nil, fmt.Errorf("store: the rate pack cannot be read (run pledger verify): %w", err)
	}
	// What each word is as a recording time (recorded by asOf?) and as a
	// day, found once per word.
	late := make([]bool, len(p.words))
	if at != "" {
		for i, w := range p.words {
			late[i] = w > at
		}
	}
	var replaced map[int64]bool
	for i := range p.rows {
		if r := &p.rows[i]; r.supersedes != 0 && !late[r.recorded] {
			if replaced == nil {
				replaced = map[int64]bool{}
			}
			replaced[r.supersedes] = true
		}
	}
	days := make([]int32, len(p.words))
	for i := range days {
		days[i] = -1 << 31
	}
	in := make([]int32, 0, len(p.rows)-len(replaced))
	for i := range p.rows {
		r := &p.rows[i]
		if late[r.recorded] || replaced[r.id] {
			continue
		}
		if days[r.day] == -1<<31 {
			d, err := ledger.ParseDate(p.words[r.day])
			if err != nil {
				return nil, fmt.Errorf("store.RateTable: rate day %q: %w", p.words[r.day], err)
			}
			if d.Precision != ledger.Day {
				return nil, fmt.Errorf("store.RateTable: rate day %q is not a day", p.words[r.day])
			}
			days[r.day] = money.DayNumber(d.First())
		}
		in = append(in, int32(i))
	}
	t, err := money.NewTableText(len(in), func(i int) money.TextRate {
		r := &p.rows[in[i]]
		return money.TextRate{Day: days[r.day], Base: p.words[r.base], Quote: p.words[r.quote], Source: p.words[r.source], Value: p.text(r)}
	}, prefer...)
	if err != nil {
		return nil, fmt.Errorf("store.RateTable: %w", err)
	}
	return t, nil
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
		want, err := encodeRatePack(upTo)
		if err != nil || int64(len(upTo)) != p.N || !bytes.Equal(want, p.Data) {
			return tampered("the rate pack of rates up to id %d is not what those rates give: it was changed outside pledger, and reports read it instead of them", p.MaxID)
		}
	}
	return nil
}
