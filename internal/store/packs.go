package store

import (
	"bytes"
	"context"
	"database/sql"
	"encoding/binary"
	"errors"
	"fmt"
	"slices"
)

// Packs. A report reads every current entry with an amount; at a million
// entries, stepping through a million rows of ten columns costs seconds on
// both engines (SQLite's per-column calls, PostgreSQL's text protocol).
// Revisions never change once recorded, so the revisions of a full block
// of seqs can be kept, once, as one compact value: the columns Amounts
// reads, with the short repetitive ones (kind, party, dates, currency,
// qualifier, sector and location lists) as indexes into the block's own
// dictionary. A report then reads a few packs and only the revisions after
// the last one as rows.
//
// Packs are derived data, never a source: a pack is made from the stored
// revisions (by a report or verify that finds a full block without one)
// and its bytes are a pure function of them (encodePack), so verify
// rebuilds each pack from the revisions it checks and compares the bytes.

// packBlock is how many seqs a pack covers: small enough that the rows
// after the last pack are read quickly, large enough that a ledger of
// millions has hundreds of packs, not millions of rows. A variable for
// tests, which make small ledgers with many packs.
var packBlock int64 = 1 << 14

// packVersion names the encoding; packs of another version are ignored
// (and rebuilt over by nobody: a new version starts again from seq 1 in a
// new table or after the old rows are removed by a migration).
const packVersion = 1

// packMagic starts every pack.
var packMagic = []byte("PLPK")

// packRow is one revision as a pack holds it: the stored columns Amounts
// reads or filters on (spanLast is end_last, or date_last without an end).
type packRow struct {
	seq                                            int64
	action, kind, party, date, dateFirst, spanLast string
	end, currency, qualifier, sector, location     string
	minor                                          int64
	illustrative                                   bool
	ref, toward, fulfils                           string
}

// packCols are the revisions' columns a packRow is read from, in scan order.
const packCols = `seq, action, kind, party, date, date_first, CASE WHEN end_last <> '' THEN end_last ELSE date_last END, end_date, currency, qualifier, sector, location, amount_minor, illustrative, ref, toward, fulfils`

// packRowOf is the packRow of a revision row read whole (verify).
func packRowOf(row *revRow) packRow {
	span := row.EndLast
	if span == "" {
		span = row.DateLast
	}
	return packRow{seq: row.Seq, action: row.Action, kind: row.Kind, party: row.Party, date: row.Date, dateFirst: row.DateFirst,
		spanLast: span, end: row.EndDate, currency: row.Currency, qualifier: row.Qualifier, sector: row.Sector,
		location: row.Location, minor: row.AmountMinor.Int64, illustrative: row.Illustrative != 0, ref: row.Ref,
		toward: row.Toward, fulfils: row.Fulfils}
}

// encodePack encodes the rows of block lo..hi (those with an amount, in seq
// order). Layout: magic, version, lo, hi, the row count, the dictionary
// (its strings in order of first use), then per row: the seq's distance
// from the previous one, a flag byte, eleven dictionary indexes, the amount
// (zigzag) and ref, toward and fulfils as length-prefixed text. Integers
// are varints.
func encodePack(lo, hi int64, rows []packRow) []byte {
	d := newPackDict()
	body := make([]byte, 0, len(rows)*48)
	prev := lo - 1
	for i := range rows {
		r := &rows[i]
		body = binary.AppendUvarint(body, uint64(r.seq-prev))
		prev = r.seq
		var flags byte
		if r.illustrative {
			flags |= 1
		}
		body = append(body, flags)
		for _, s := range [...]string{r.action, r.kind, r.party, r.date, r.dateFirst, r.spanLast, r.end, r.currency, r.qualifier, r.sector, r.location} {
			body = binary.AppendUvarint(body, d.index(s))
		}
		body = binary.AppendVarint(body, r.minor)
		for _, s := range [...]string{r.ref, r.toward, r.fulfils} {
			body = binary.AppendUvarint(body, uint64(len(s)))
			body = append(body, s...)
		}
	}
	out := append([]byte{}, packMagic...)
	out = binary.AppendUvarint(out, packVersion)
	out = binary.AppendVarint(out, lo)
	out = binary.AppendVarint(out, hi)
	out = binary.AppendUvarint(out, uint64(len(rows)))
	out = d.appendTo(out)
	return append(out, body...)
}

// packDict numbers the distinct short texts of a pack in order of first
// use ("" is 0), for both kinds of pack.
type packDict struct {
	ids   map[string]uint64
	words []string
}

func newPackDict() *packDict { return &packDict{ids: map[string]uint64{"": 0}, words: []string{""}} }

// index is s's number, given it on first use.
func (d *packDict) index(s string) uint64 {
	i, ok := d.ids[s]
	if !ok {
		i = uint64(len(d.words))
		d.ids[s] = i
		d.words = append(d.words, s)
	}
	return i
}

// appendTo writes the dictionary: its count, then each text
// length-prefixed.
func (d *packDict) appendTo(out []byte) []byte {
	out = binary.AppendUvarint(out, uint64(len(d.words)))
	for _, w := range d.words {
		out = binary.AppendUvarint(out, uint64(len(w)))
		out = append(out, w...)
	}
	return out
}

// readDict reads a dictionary written by appendTo: its texts as strings
// and as bytes of b.
func (r *packReader) readDict() (words []string, raw [][]byte) {
	n := r.uvarint()
	if r.err != nil || n == 0 || n > uint64(len(r.b)) {
		r.err = errPack
		return nil, nil
	}
	words, raw = make([]string, n), make([][]byte, n)
	for i := range words {
		raw[i] = r.bytes()
		words[i] = string(raw[i])
	}
	return words, raw
}

// pack is a decoded pack header: its rows are read by each.
type pack struct {
	lo, hi int64
	n      int
	words  []string // the dictionary
	raw    [][]byte // the same, as bytes (for sql.RawBytes fields)
	body   []byte
}

// errPack is a pack that cannot be read: verify reports it as tampering,
// a report as an error naming the block.
var errPack = errors.New("malformed pack")

// packReader reads varints and text from a pack, remembering the first
// error.
type packReader struct {
	b   []byte
	err error
}

func (r *packReader) uvarint() uint64 {
	if r.err != nil {
		return 0
	}
	v, n := binary.Uvarint(r.b)
	if n <= 0 {
		r.err = errPack
		return 0
	}
	r.b = r.b[n:]
	return v
}

func (r *packReader) varint() int64 {
	if r.err != nil {
		return 0
	}
	v, n := binary.Varint(r.b)
	if n <= 0 {
		r.err = errPack
		return 0
	}
	r.b = r.b[n:]
	return v
}

func (r *packReader) bytes() []byte {
	n := r.uvarint()
	if r.err != nil {
		return nil
	}
	if n > uint64(len(r.b)) {
		r.err = errPack
		return nil
	}
	v := r.b[:n:n]
	r.b = r.b[n:]
	return v
}

func (r *packReader) byte() byte {
	if r.err != nil {
		return 0
	}
	if len(r.b) == 0 {
		r.err = errPack
		return 0
	}
	v := r.b[0]
	r.b = r.b[1:]
	return v
}

// decodePack reads a pack's header and dictionary.
func decodePack(b []byte) (*pack, error) {
	if !bytes.HasPrefix(b, packMagic) {
		return nil, errPack
	}
	r := &packReader{b: b[len(packMagic):]}
	if v := r.uvarint(); r.err == nil && v != packVersion {
		return nil, fmt.Errorf("%w: version %d", errPack, v)
	}
	p := &pack{lo: r.varint(), hi: r.varint()}
	n := r.uvarint()
	if r.err != nil || n > uint64(p.hi-p.lo+1) {
		return nil, errPack
	}
	p.n = int(n)
	p.words, p.raw = r.readDict()
	if r.err != nil {
		return nil, r.err
	}
	p.body = r.b
	return p, nil
}

// packEntry is one row of a pack as each gives it: dictionary fields as
// indexes, text as bytes of the pack (valid while the pack is).
type packEntry struct {
	seq                                                                      int64
	illustrative                                                             bool
	action, kind, party, date, dateFirst, spanLast, end, currency, qualifier uint64
	sector, location                                                         uint64
	minor                                                                    int64
	ref, toward, fulfils                                                     []byte
}

// each calls fn with every row of the pack, in seq order.
func (p *pack) each(fn func(e *packEntry) error) error {
	r := &packReader{b: p.body}
	var e packEntry
	seq := p.lo - 1
	nw := uint64(len(p.words))
	for range p.n {
		seq += int64(r.uvarint())
		e.seq = seq
		e.illustrative = r.byte()&1 != 0
		for _, f := range [...]*uint64{&e.action, &e.kind, &e.party, &e.date, &e.dateFirst, &e.spanLast, &e.end, &e.currency, &e.qualifier, &e.sector, &e.location} {
			*f = r.uvarint()
			if *f >= nw {
				return errPack
			}
		}
		e.minor = r.varint()
		e.ref, e.toward, e.fulfils = r.bytes(), r.bytes(), r.bytes()
		if r.err != nil {
			return r.err
		}
		if seq > p.hi {
			return errPack
		}
		if err := fn(&e); err != nil {
			return err
		}
	}
	if len(r.b) != 0 {
		return errPack
	}
	return nil
}

// packRange is a stored pack's block.
type packRange struct {
	Lo int64 `db:"lo"`
	Hi int64 `db:"hi"`
}

// packs lists the stored packs a read at seq can use: those of the current
// version that run on from seq 1 without a gap and end at or before seq.
func (s *Store) packs(ctx context.Context, seq int64) ([]packRange, error) {
	var all []packRange
	err := s.db.SelectContext(ctx, &all, s.rebind(`SELECT lo, hi FROM amount_packs WHERE version = ? AND hi <= ? ORDER BY lo`), packVersion, seq)
	if err != nil {
		return nil, fmt.Errorf("store: packs: %w", err)
	}
	next := int64(1)
	for i, p := range all {
		if p.Lo != next || p.Hi < p.Lo {
			return all[:i], nil
		}
		next = p.Hi + 1
	}
	return all, nil
}

// insertPack stores a pack unless its block has one (made meanwhile by
// another report: the same bytes).
const insertPack = `INSERT INTO amount_packs (lo, hi, version, data) VALUES (?, ?, ?, ?) ON CONFLICT (lo) DO NOTHING`

// BuildPacks makes the packs of the full blocks up to seq (0: the head)
// that have none, each from the stored revisions; it returns how many it
// made. Reports call it (packsFor) so that the next report reads packs;
// verify checks what it made.
func (s *Store) BuildPacks(ctx context.Context, seq int64) (int, error) {
	if seq == 0 {
		h, err := s.Head(ctx)
		if err != nil {
			return 0, err
		}
		seq = h.Seq
	}
	have, err := s.packs(ctx, seq)
	if err != nil {
		return 0, err
	}
	next := int64(1)
	if len(have) > 0 {
		next = have[len(have)-1].Hi + 1
	}
	made := 0
	for ; next+packBlock-1 <= seq; next += packBlock {
		lo, hi := next, next+packBlock-1
		data, err := s.encodeBlock(ctx, lo, hi)
		if err != nil {
			return made, err
		}
		_, err = s.db.ExecContext(ctx, s.rebind(insertPack),
			lo, hi, packVersion, data)
		if err != nil {
			return made, fmt.Errorf("store: write pack %d–%d: %w", lo, hi, err)
		}
		made++
	}
	return made, nil
}

// encodeBlock reads the revisions of block lo..hi that carry an amount and
// encodes them.
func (s *Store) encodeBlock(ctx context.Context, lo, hi int64) ([]byte, error) {
	rows, err := s.db.QueryContext(ctx, s.rebind(`SELECT `+packCols+` FROM revisions WHERE seq >= ? AND seq <= ? AND amount_minor IS NOT NULL ORDER BY seq`), lo, hi)
	if err != nil {
		return nil, fmt.Errorf("store: read block %d–%d: %w", lo, hi, err)
	}
	defer rows.Close()
	var out []packRow
	for rows.Next() {
		var r packRow
		var ill int64
		if err := rows.Scan(&r.seq, &r.action, &r.kind, &r.party, &r.date, &r.dateFirst, &r.spanLast, &r.end, &r.currency,
			&r.qualifier, &r.sector, &r.location, &r.minor, &ill, &r.ref, &r.toward, &r.fulfils); err != nil {
			return nil, fmt.Errorf("store: read block %d–%d: %w", lo, hi, err)
		}
		r.illustrative = ill != 0
		out = append(out, r)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("store: read block %d–%d: %w", lo, hi, err)
	}
	return encodePack(lo, hi, out), nil
}

// packsFor returns the packs a scan at seq reads, first making those of
// the full blocks that have none when there are enough of them to be
// worth it. Making packs is an optimisation: when it fails (a read-only
// database, a writer holding SQLite's lock) the scan reads rows instead.
func (s *Store) packsFor(ctx context.Context, seq int64) ([]packRange, error) {
	have, err := s.packs(ctx, seq)
	if err != nil {
		return nil, err
	}
	covered := int64(0)
	if len(have) > 0 {
		covered = have[len(have)-1].Hi
	}
	// Below four blocks of rows after the last pack, reading them as rows
	// costs less than stopping to write packs.
	if seq-covered >= 4*packBlock {
		if _, err := s.BuildPacks(ctx, seq); err == nil {
			if have, err = s.packs(ctx, seq); err != nil {
				return nil, err
			}
		} else if ctx.Err() != nil {
			return nil, ctx.Err()
		}
	}
	return have, nil
}

// packable reports whether f's conditions can be applied to pack rows in
// Go (matchPack); the others (text search, a ref, paging, order) are left
// to SQL.
func (f *Filter) packable() bool {
	return f.Ref == "" && f.RefPrefix == "" && f.Fulfils == "" && f.SearchText == "" && !f.OrderBySeq && f.Limit == 0 && f.Skip == 0
}

// packFilter is a Filter's conditions resolved against one pack's
// dictionary: which words pass.
type packFilter struct {
	f       *Filter
	kinds   []bool // by word; nil: any
	parties []bool
}

func (f *Filter) forPack(p *pack) *packFilter {
	pf := &packFilter{f: f}
	words := func(want []string) []bool {
		if len(want) == 0 {
			return nil
		}
		ok := make([]bool, len(p.words))
		for i, w := range p.words {
			ok[i] = slices.Contains(want, w)
		}
		return ok
	}
	kinds := make([]string, len(f.Kinds))
	for i, k := range f.Kinds {
		kinds[i] = string(k)
	}
	pf.kinds, pf.parties = words(kinds), words(f.Parties)
	return pf
}

// match is Filter.addTo's conditions (and amount_minor IS NOT NULL, which
// every pack row meets) on a pack row, with the same text comparisons:
// the period's bounds are ISO dates, which compare alike bytewise and in
// any collation.
func (pf *packFilter) match(p *pack, e *packEntry) bool {
	f := pf.f
	if !f.WithVoided && p.words[e.action] == "void" {
		return false
	}
	if pf.kinds != nil && !pf.kinds[e.kind] {
		return false
	}
	if pf.parties != nil && !pf.parties[e.party] {
		return false
	}
	if f.From != "" || f.To != "" {
		first, last := p.words[e.dateFirst], p.words[e.spanLast]
		if !f.Straddling {
			if f.From != "" && first < f.From {
				return false
			}
			if f.To != "" && last > f.To {
				return false
			}
		} else {
			if f.From != "" && last < f.From {
				return false
			}
			if f.To != "" && first > f.To {
				return false
			}
			cross := (f.From != "" && first < f.From) || (f.To != "" && last > f.To)
			if !cross {
				return false
			}
		}
	}
	return f.matchLists(p.raw[e.sector], p.raw[e.location])
}

// scanPack calls fn with every row of the stored pack lo that f selects at
// f.Seq, as Amounts gives rows.
func (s *Store) scanPack(ctx context.Context, lo int64, superseded map[int64]bool, f *Filter, wide bool, read *readCounter, fn func(a *Amount) error) error {
	var data []byte
	if err := s.db.QueryRowContext(ctx, s.rebind(`SELECT data FROM amount_packs WHERE lo = ? AND version = ?`), lo, packVersion).Scan(&data); err != nil {
		if errors.Is(err, sql.ErrNoRows) {
			return fmt.Errorf("store.Amounts: the pack of seq %d is gone", lo)
		}
		return fmt.Errorf("store.Amounts: pack %d: %w", lo, err)
	}
	p, err := decodePack(data)
	if err != nil || p.lo != lo {
		return fmt.Errorf("store.Amounts: the pack of seq %d cannot be read (run pledger verify): %w", lo, errPack)
	}
	pf := f.forPack(p)
	var a Amount
	err = p.each(func(e *packEntry) error {
		read.row()
		if e.seq > f.Seq || superseded[e.seq] || !pf.match(p, e) {
			return nil
		}
		a.Kind, a.Party, a.Date, a.End, a.Currency, a.Qualifier = p.words[e.kind], p.words[e.party], p.words[e.date], p.words[e.end], p.words[e.currency], p.words[e.qualifier]
		a.Minor, a.Illustrative = e.minor, e.illustrative
		a.Ref = nil
		if wide || a.Qualifier != "exact" {
			a.Ref = e.ref
		}
		a.Sector, a.Location, a.Toward, a.Fulfils = nil, nil, nil, nil
		if wide {
			a.Sector, a.Location, a.Toward, a.Fulfils = p.raw[e.sector], p.raw[e.location], e.toward, e.fulfils
		}
		return fn(&a)
	})
	if err != nil && errors.Is(err, errPack) {
		return fmt.Errorf("store.Amounts: the pack of seq %d cannot be read (run pledger verify): %w", lo, err)
	}
	return err
}

// packCheck rebuilds the stored packs from the revisions verify reads, in
// seq order, and compares the bytes.
type packCheck struct {
	v     *verifier
	packs []packRange // still to check, by lo
	rows  []packRow   // of packs[0], so far
}

// packChecks lists the packs of the current version that verify's read of
// revisions start..head covers whole; a pack that overlaps another, or
// ends past the head, is tampering.
func (v *verifier) packChecks(start, head int64) (*packCheck, error) {
	var all []packRange
	err := v.db.SelectContext(v.ctx, &all, v.db.Rebind(`SELECT lo, hi FROM amount_packs WHERE version = ? ORDER BY lo`), packVersion)
	if err != nil {
		return nil, fmt.Errorf("store.Verify: packs: %w", err)
	}
	c := &packCheck{v: v}
	end := int64(0)
	for _, p := range all {
		if p.Lo <= end || p.Hi < p.Lo || p.Hi > head {
			return nil, tampered("the pack of revisions %d–%d does not fit the ledger (it overlaps another or ends past revision %d): it was made outside pledger", p.Lo, p.Hi, head)
		}
		end = p.Hi
		if p.Lo >= start {
			c.packs = append(c.packs, p)
		}
	}
	return c, nil
}

// row takes the next revision verify read (already checked); at the end of
// a pack's block it compares the pack with what the block's revisions give.
func (c *packCheck) row(r *revRow) error {
	if len(c.packs) == 0 || r.Seq < c.packs[0].Lo {
		return nil
	}
	p := c.packs[0]
	if r.AmountMinor.Valid {
		c.rows = append(c.rows, packRowOf(r))
	}
	if r.Seq < p.Hi {
		return nil
	}
	var stored []byte
	if err := c.v.db.GetContext(c.v.ctx, &stored, c.v.db.Rebind(`SELECT data FROM amount_packs WHERE lo = ?`), p.Lo); err != nil {
		return fmt.Errorf("store.Verify: pack %d: %w", p.Lo, err)
	}
	if !bytes.Equal(stored, encodePack(p.Lo, p.Hi, c.rows)) {
		return tampered("the pack of revisions %d–%d is not what those revisions give: it was changed outside pledger, and reports read it instead of them", p.Lo, p.Hi)
	}
	c.packs, c.rows = c.packs[1:], c.rows[:0]
	return nil
}

// importPacks makes, during an import, the packs of the blocks the import
// fills from their first seq to their last: the pack of a block is a pure
// function of its revisions (encodePack), and the import has each of them
// in hand as it inserts it, so the first report after a large import need
// not read them back (packsFor). A block the import starts inside of, or
// does not finish, is left to packsFor. The packs are written in the
// import's transaction (so they go with it, all or nothing) once the
// revisions before them are flushed (PostgreSQL's COPY holds the
// connection meanwhile); memory holds at most one block of rows and the
// packs of one chunk.
type importPacks struct {
	lo      int64     // the block being collected; 0: none (the import began inside it)
	rows    []packRow // its rows with an amount, so far
	pending []packData
}

type packData struct {
	lo, hi int64
	data   []byte
}

// revCol is the position of each column of revCols that a pack reads.
var revCol = func() (c struct {
	action, kind, party, date, dateFirst, dateLast, endDate, endLast, minor, currency, qualifier int
	sector, location, illustrative, ref, toward, fulfils                                         int
}) {
	at := func(name string) int { return slices.Index(revCols, name) }
	c.action, c.kind, c.party, c.date, c.dateFirst, c.dateLast = at("action"), at("kind"), at("party"), at("date"), at("date_first"), at("date_last")
	c.endDate, c.endLast, c.minor, c.currency, c.qualifier = at("end_date"), at("end_last"), at("amount_minor"), at("currency"), at("qualifier")
	c.sector, c.location, c.illustrative, c.ref, c.toward, c.fulfils = at("sector"), at("location"), at("illustrative"), at("ref"), at("toward"), at("fulfils")
	return c
}()

// add takes the revision of seq, as the column values it is inserted with
// (revValues).
func (ip *importPacks) add(seq int64, vals []any) {
	if (seq-1)%packBlock == 0 {
		ip.lo, ip.rows = seq, ip.rows[:0]
	}
	if ip.lo == 0 {
		return
	}
	c := &revCol
	if minor, ok := vals[c.minor].(int64); ok {
		// The row as a read of the revision gives it: one rule for both
		// (packRowOf).
		text := func(i int) string { return vals[i].(string) }
		ip.rows = append(ip.rows, packRowOf(&revRow{Seq: seq, Action: text(c.action), Kind: text(c.kind), Party: text(c.party),
			Date: text(c.date), DateFirst: text(c.dateFirst), DateLast: text(c.dateLast), EndDate: text(c.endDate), EndLast: text(c.endLast),
			Currency: text(c.currency), Qualifier: text(c.qualifier), Sector: text(c.sector), Location: text(c.location),
			AmountMinor: sql.NullInt64{Int64: minor, Valid: true}, Illustrative: int64(vals[c.illustrative].(int)),
			Ref: text(c.ref), Toward: text(c.toward), Fulfils: text(c.fulfils)}))
	}
	if hi := ip.lo + packBlock - 1; seq == hi {
		ip.pending = append(ip.pending, packData{ip.lo, hi, encodePack(ip.lo, hi, ip.rows)})
		ip.lo, ip.rows = 0, ip.rows[:0]
	}
}

// flush writes the packs made so far.
func (ip *importPacks) flush(ctx context.Context, tx *Tx) error {
	for _, p := range ip.pending {
		if _, err := tx.exec(ctx, insertPack,
			p.lo, p.hi, packVersion, p.data); err != nil {
			return fmt.Errorf("store: write pack %d–%d: %w", p.lo, p.hi, err)
		}
	}
	ip.pending = ip.pending[:0]
	return nil
}
