package store

import (
	"bytes"
	"context"
	"database/sql"
	"errors"
	"fmt"
	"sort"
	"strings"
	"time"

	"github.com/coalition/pledger/internal/ledger"
	"github.com/coalition/pledger/internal/money"
	"github.com/shopspring/decimal"
)

// revCols are the columns of revisions, in insert order.
var revCols = []string{"seq", "ref", "rev", "action", "supersedes", "kind", "party", "date", "date_first", "date_last",
	"end_date", "end_last", "amount_minor", "currency", "qualifier", "quantity", "asset", "sector", "location",
	"toward", "fulfils", "source", "note", "reason", "author", "recorded_at", "content_hash", "prev_hash", "hash"}

var revColList = strings.Join(revCols, ", ")

const dayLayout = "2006-01-02"

// revValues flattens r into the column values of revCols.
func revValues(r *ledger.Revision) ([]any, error) {
	e := r.Entry
	var amount, quantity, supersedes any
	if e.Amount.Valid {
		m, err := money.ToMinor(e.Amount.Decimal, e.Currency)
		if err != nil {
			return nil, err
		}
		amount = m
	}
	if e.Quantity > 0 {
		quantity = e.Quantity
	}
	if r.Supersedes > 0 {
		supersedes = r.Supersedes
	}
	endLast := ""
	if !e.End.IsZero() {
		endLast = e.End.Last().Format(dayLayout)
	}
	return []any{r.Seq, r.Ref, r.Rev, string(r.Action), supersedes, string(e.Kind), e.Party, e.Date.String(),
		e.Date.First().Format(dayLayout), e.Date.Last().Format(dayLayout), e.End.String(), endLast,
		amount, e.Currency.Code, string(e.Qualifier), quantity, e.Asset, strings.Join(e.Sectors, ";"),
		strings.Join(e.Locations, ";"), e.Toward, e.Fulfils, e.Source, e.Note, r.Reason, r.Author,
		r.RecordedAt.UTC().Format(ledger.TimeLayout), r.Content, r.PrevHash, r.Hash}, nil
}

// revRow is a scanned revisions row.
type revRow struct {
	Seq         int64         `db:"seq"`
	Ref         string        `db:"ref"`
	Rev         int           `db:"rev"`
	Action      string        `db:"action"`
	Supersedes  sql.NullInt64 `db:"supersedes"`
	Kind        string        `db:"kind"`
	Party       string        `db:"party"`
	Date        string        `db:"date"`
	DateFirst   string        `db:"date_first"`
	DateLast    string        `db:"date_last"`
	EndDate     string        `db:"end_date"`
	EndLast     string        `db:"end_last"`
	AmountMinor sql.NullInt64 `db:"amount_minor"`
	Currency    string        `db:"currency"`
	Qualifier   string        `db:"qualifier"`
	Quantity    sql.NullInt64 `db:"quantity"`
	Asset       string        `db:"asset"`
	Sector      string        `db:"sector"`
	Location    string        `db:"location"`
	Toward      string        `db:"toward"`
	Fulfils     string        `db:"fulfils"`
	Source      string        `db:"source"`
	Note        string        `db:"note"`
	Reason      string        `db:"reason"`
	Author      string        `db:"author"`
	RecordedAt  string        `db:"recorded_at"`
	ContentHash string        `db:"content_hash"`
	PrevHash    string        `db:"prev_hash"`
	Hash        string        `db:"hash"`
}

func splitNonEmpty(s string) []string {
	if s == "" {
		return nil
	}
	return strings.Split(s, ";")
}

// revision turns a row back into a Revision. It does not validate: what is
// in the table is what was recorded, and Verify says whether it still is.
func (row *revRow) revision() (ledger.Revision, error) {
	var e ledger.Entry
	var err error
	e.Ref, e.Kind, e.Party = row.Ref, ledger.Kind(row.Kind), row.Party
	if e.Date, err = ledger.ParseDate(row.Date); err != nil {
		return ledger.Revision{}, fmt.Errorf("revision %d: %w", row.Seq, err)
	}
	if row.EndDate != "" {
		if e.End, err = ledger.ParseDate(row.EndDate); err != nil {
			return ledger.Revision{}, fmt.Errorf("revision %d: %w", row.Seq, err)
		}
	}
	if row.Currency != "" {
		if e.Currency, err = money.ParseCurrency(row.Currency); err != nil {
			return ledger.Revision{}, fmt.Errorf("revision %d: %w", row.Seq, err)
		}
	}
	if row.AmountMinor.Valid {
		e.Amount = decimal.NullDecimal{Decimal: money.FromMinor(row.AmountMinor.Int64, e.Currency), Valid: true}
	}
	e.Qualifier = ledger.Qualifier(row.Qualifier)
	e.Quantity = row.Quantity.Int64
	e.Asset = row.Asset
	e.Sectors, e.Locations = splitNonEmpty(row.Sector), splitNonEmpty(row.Location)
	e.Toward, e.Fulfils, e.Source, e.Note = row.Toward, row.Fulfils, row.Source, row.Note
	at, err := time.Parse(ledger.TimeLayout, row.RecordedAt)
	if err != nil {
		return ledger.Revision{}, fmt.Errorf("revision %d: recorded_at %q: %w", row.Seq, row.RecordedAt, err)
	}
	return ledger.Revision{
		Seq: row.Seq, Ref: row.Ref, Rev: row.Rev, Action: ledger.Action(row.Action), Supersedes: row.Supersedes.Int64,
		Entry: e, Reason: row.Reason, Author: row.Author, RecordedAt: at,
		Content: row.ContentHash, PrevHash: row.PrevHash, Hash: row.Hash,
	}, nil
}

// Head is the state of the ledger at one moment: its last revision.
type Head struct {
	Seq        int64     // 0 for an empty ledger
	Hash       string    // chain hash of revision Seq
	RecordedAt time.Time // when revision Seq was recorded
}

// Head returns the latest state of the ledger.
func (s *Store) Head(ctx context.Context) (Head, error) {
	return s.AsOf(ctx, time.Time{})
}

// AsOf returns the ledger's state as recorded at t (the zero t: now). A
// moment before the first revision is an error, never an empty ledger
// that looks like zero.
func (s *Store) AsOf(ctx context.Context, t time.Time) (Head, error) {
	var row struct {
		Seq        int64  `db:"seq"`
		Hash       string `db:"hash"`
		RecordedAt string `db:"recorded_at"`
	}
	var err error
	if t.IsZero() {
		err = s.db.GetContext(ctx, &row, `SELECT seq, hash, recorded_at FROM ledger_head WHERE id = 1`)
	} else {
		err = s.db.GetContext(ctx, &row, s.rebind(`SELECT seq, hash, recorded_at FROM revisions WHERE recorded_at <= ? ORDER BY seq DESC LIMIT 1`),
			t.UTC().Format(ledger.TimeLayout))
		if err == sql.ErrNoRows {
			var first sql.NullString
			if err := s.db.GetContext(ctx, &first, `SELECT min(recorded_at) FROM revisions`); err != nil {
				return Head{}, fmt.Errorf("store.AsOf: %w", err)
			}
			if !first.Valid {
				return Head{}, fmt.Errorf("%w: --as-of %s: the ledger is empty", ledger.ErrInvalid, t.UTC().Format(time.RFC3339))
			}
			return Head{}, fmt.Errorf("%w: --as-of %s is before the ledger existed (its first revision was recorded at %s)",
				ledger.ErrInvalid, t.UTC().Format(time.RFC3339), first.String)
		}
	}
	if err != nil {
		return Head{}, fmt.Errorf("store.AsOf: %w", err)
	}
	h := Head{Seq: row.Seq, Hash: row.Hash}
	if row.RecordedAt != "" {
		if h.RecordedAt, err = time.Parse(ledger.TimeLayout, row.RecordedAt); err != nil {
			return Head{}, fmt.Errorf("store.AsOf: %w", err)
		}
	}
	return h, nil
}

// Filter selects current entries.
type Filter struct {
	Seq         int64 // the ledger as of this revision; 0: latest
	Kinds       []ledger.Kind
	Parties     []string
	Ref         string
	WithVoided  bool // include refs whose latest revision is a void
	From, To    string
	Sectors     []string // only entries with one of these sectors (matched exactly, in Go)
	Locations   []string // only entries with one of these locations
	Wide        bool     // Amounts: also read ref, sector, location and toward of every entry
	OrderBySeq  bool
	SearchText  string
	Limit, Skip int
}

// currentSQL selects the revisions that are current at seq ?: recorded by
// then and not superseded by then.
const currentSQL = `FROM revisions r WHERE r.seq <= ? AND NOT EXISTS (SELECT 1 FROM revisions n WHERE n.supersedes = r.seq AND n.seq <= ?)`

func (s *Store) where(f Filter) (string, []any, error) {
	seq := f.Seq
	if seq == 0 {
		seq = maxSeq
	}
	q := currentSQL
	args := []any{seq, seq}
	if !f.WithVoided {
		q += ` AND r.action <> 'void'`
	}
	if len(f.Kinds) > 0 {
		q += ` AND r.kind IN (?` + strings.Repeat(", ?", len(f.Kinds)-1) + `)`
		for _, k := range f.Kinds {
			args = append(args, string(k))
		}
	}
	if len(f.Parties) > 0 {
		q += ` AND r.party IN (?` + strings.Repeat(", ?", len(f.Parties)-1) + `)`
		for _, p := range f.Parties {
			args = append(args, p)
		}
	}
	if f.Ref != "" {
		q += ` AND r.ref = ?`
		args = append(args, f.Ref)
	}
	if f.From != "" {
		q += ` AND r.date_last >= ?`
		args = append(args, f.From)
	}
	if f.To != "" {
		q += ` AND r.date_first <= ?`
		args = append(args, f.To)
	}
	if f.SearchText != "" {
		q += ` AND (lower(r.ref) LIKE ? OR lower(r.source) LIKE ? OR lower(r.note) LIKE ? OR lower(r.asset) LIKE ? OR lower(r.sector) LIKE ?)`
		pat := "%" + strings.NewReplacer("%", "", "_", "").Replace(strings.ToLower(f.SearchText)) + "%"
		args = append(args, pat, pat, pat, pat, pat)
	}
	if f.OrderBySeq {
		q += ` ORDER BY r.seq`
	} else {
		q += ` ORDER BY ` + s.byteOrder("r.ref")
	}
	if f.Limit > 0 && !f.listFilters() {
		q += fmt.Sprintf(` LIMIT %d OFFSET %d`, f.Limit, f.Skip)
	}
	return q, args, nil
}

// Entries calls fn for each current revision matching f, in ref order,
// streaming (memory stays flat for any ledger size).
func (s *Store) Entries(ctx context.Context, f Filter, fn func(ledger.Revision) error) error {
	q, args, err := s.where(f)
	if err != nil {
		return err
	}
	rows, err := s.db.QueryxContext(ctx, s.rebind(`SELECT `+prefixed("r.", revCols)+` `+q), args...)
	if err != nil {
		return fmt.Errorf("store.Entries: %w", err)
	}
	defer rows.Close()
	matched := 0
	for rows.Next() {
		var row revRow
		if err := rows.StructScan(&row); err != nil {
			return fmt.Errorf("store.Entries: %w", err)
		}
		if !f.matchLists([]byte(row.Sector), []byte(row.Location)) {
			continue
		}
		if f.listFilters() && f.Limit > 0 {
			matched++
			if matched <= f.Skip {
				continue
			}
			if matched > f.Skip+f.Limit {
				break
			}
		}
		r, err := row.revision()
		if err != nil {
			return fmt.Errorf("store.Entries: %w", err)
		}
		if err := fn(r); err != nil {
			return err
		}
	}
	if err := rows.Err(); err != nil {
		return fmt.Errorf("store.Entries: %w", err)
	}
	return nil
}

// CountEntries counts the current revisions matching f (without Limit).
func (s *Store) CountEntries(ctx context.Context, f Filter) (int, error) {
	f.Limit = 0
	if f.listFilters() {
		n := 0
		err := s.Entries(ctx, f, func(ledger.Revision) error { n++; return nil })
		return n, err
	}
	q, args, err := s.where(f)
	if err != nil {
		return 0, err
	}
	q = q[:strings.LastIndex(q, " ORDER BY")]
	var n int
	if err := s.db.GetContext(ctx, &n, s.rebind(`SELECT count(*) `+q), args...); err != nil {
		return 0, fmt.Errorf("store.CountEntries: %w", err)
	}
	return n, nil
}

// byteOrder sorts a text column by its bytes on both engines, whatever
// collation the PostgreSQL database was created with, so that every listing
// and report is the same on SQLite and PostgreSQL.
func (s *Store) byteOrder(col string) string {
	if s.dialect == Postgres {
		return col + ` COLLATE "C"`
	}
	return col
}

func prefixed(p string, cols []string) string {
	out := make([]string, len(cols))
	for i, c := range cols {
		out[i] = p + c
	}
	return strings.Join(out, ", ")
}

// Current returns the current revision of ref (voided ones included), or
// ErrNotFound.
func (s *Store) Current(ctx context.Context, ref string) (ledger.Revision, error) {
	var found *ledger.Revision
	err := s.Entries(ctx, Filter{Ref: ref, WithVoided: true}, func(r ledger.Revision) error { found = &r; return nil })
	if err != nil {
		return ledger.Revision{}, err
	}
	if found == nil {
		return ledger.Revision{}, fmt.Errorf("%w: no entry with ref %q (see `pledger list`)", ledger.ErrNotFound, ref)
	}
	return *found, nil
}

// History returns every revision of ref, oldest first.
func (s *Store) History(ctx context.Context, ref string) ([]ledger.Revision, error) {
	var rows []revRow
	if err := s.db.SelectContext(ctx, &rows, s.rebind(`SELECT `+revColList+` FROM revisions WHERE ref = ? ORDER BY rev`), ref); err != nil {
		return nil, fmt.Errorf("store.History(%q): %w", ref, err)
	}
	if len(rows) == 0 {
		return nil, fmt.Errorf("%w: no entry with ref %q (see `pledger list`)", ledger.ErrNotFound, ref)
	}
	out := make([]ledger.Revision, len(rows))
	for i := range rows {
		r, err := rows[i].revision()
		if err != nil {
			return nil, fmt.Errorf("store.History(%q): %w", ref, err)
		}
		out[i] = r
	}
	return out, nil
}

// Verify recomputes the whole hash chain, streaming, and returns the first
// revision that does not match (an error matching ledger.ErrTampered), or
// the number of revisions checked.
func (s *Store) Verify(ctx context.Context) (int64, error) {
	rows, err := s.db.QueryxContext(ctx, `SELECT `+revColList+` FROM revisions ORDER BY seq`)
	if err != nil {
		return 0, fmt.Errorf("store.Verify: %w", err)
	}
	defer rows.Close()
	var n int64
	prev := ""
	for rows.Next() {
		var row revRow
		if err := rows.StructScan(&row); err != nil {
			return n, fmt.Errorf("store.Verify: %w", err)
		}
		n++
		if row.Seq != n {
			return n, fmt.Errorf("%w: revision %d is missing (found %d next)", ledger.ErrTampered, n, row.Seq)
		}
		r, err := row.revision()
		if err != nil {
			return n, fmt.Errorf("%w: revision %d (ref %s) cannot be read: %v", ledger.ErrTampered, row.Seq, row.Ref, err)
		}
		if err := r.Verify(prev); err != nil {
			return n, err
		}
		prev = r.Hash
	}
	if err := rows.Err(); err != nil {
		return n, fmt.Errorf("store.Verify: %w", err)
	}
	head, err := s.Head(ctx)
	if err != nil {
		return n, err
	}
	if head.Seq != n || head.Hash != prev {
		return n, fmt.Errorf("%w: the chain ends at revision %d but the ledger head says %d: revisions were removed", ledger.ErrTampered, n, head.Seq)
	}
	return n, nil
}

// Amount is the lean view of an entry with an amount, for aggregation.
// The short, repetitive fields are interned strings; the others are raw
// bytes, valid only during the callback.
type Amount struct {
	Kind, Party, Date, Currency, Qualifier string
	Minor                                  int64        // the amount in minor units of Currency
	Ref                                    sql.RawBytes // empty for exact entries unless Filter.Wide (see FirstRef)
	Sector, Location, Toward               sql.RawBytes // only with Filter.Wide or a sector or location filter
}

// listFilters reports whether f filters on sectors or locations, which are
// matched in Go (exactly, whatever the engine's LIKE and collation do), so
// that paging happens in Go too.
func (f *Filter) listFilters() bool { return len(f.Sectors) > 0 || len(f.Locations) > 0 }

// matchLists reports whether an entry's ';'-separated sector and location
// lists pass f's sector and location filters.
func (f *Filter) matchLists(sector, location []byte) bool {
	return matchList(f.Sectors, sector) && matchList(f.Locations, location)
}

func matchList(want []string, list []byte) bool {
	if len(want) == 0 {
		return true
	}
	for _, v := range bytes.Split(list, []byte{';'}) {
		for _, w := range want {
			if string(v) == w {
				return true
			}
		}
	}
	return false
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
	f.OrderBySeq = true
	if f.Seq == 0 {
		head, err := s.Head(ctx)
		if err != nil {
			return err
		}
		f.Seq = head.Seq
	}
	q, args, err := s.where(f)
	if err != nil {
		return err
	}
	superseded := map[int64]bool{}
	err = func() error {
		rows, err := s.db.QueryContext(ctx, s.rebind(`SELECT supersedes FROM revisions WHERE supersedes IS NOT NULL AND seq <= ?`), f.Seq)
		if err != nil {
			return err
		}
		defer rows.Close()
		for rows.Next() {
			var seq int64
			if err := rows.Scan(&seq); err != nil {
				return err
			}
			superseded[seq] = true
		}
		return rows.Err()
	}()
	if err != nil {
		return fmt.Errorf("store.Amounts: superseded: %w", err)
	}
	q = strings.Replace(q, currentSQL, `FROM revisions r WHERE r.amount_minor IS NOT NULL AND r.seq > ? AND r.seq <= ?`, 1)
	wide := f.Wide || len(f.Sectors) > 0 || len(f.Locations) > 0
	cols := `r.seq, CASE WHEN r.qualifier = 'exact' THEN '' ELSE r.ref END, r.kind, r.party, r.date, r.currency, r.amount_minor, r.qualifier`
	if wide {
		cols = `r.seq, r.ref, r.kind, r.party, r.date, r.currency, r.amount_minor, r.qualifier, r.sector, r.location, r.toward`
	}
	q = `SELECT ` + cols + ` ` + q[:strings.LastIndex(q, " ORDER BY")]
	rest := args[2:] // after currentSQL's two seqs
	if parts < 1 || f.Seq < int64(parts)*1000 {
		parts = 1
	}
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	errs := make(chan error, parts)
	for p := 0; p < parts; p++ {
		lo, hi := f.Seq*int64(p)/int64(parts), f.Seq*int64(p+1)/int64(parts)
		go func(p int) {
			err := s.scanAmounts(ctx, q, append([]any{lo, hi}, rest...), superseded, &f, wide, func(a *Amount) error { return fn(p, a) })
			if err != nil {
				cancel()
			}
			errs <- err
		}(p)
	}
	var first error
	for p := 0; p < parts; p++ {
		if err := <-errs; err != nil && (first == nil || errors.Is(first, context.Canceled)) {
			first = err
		}
	}
	return first
}

func (s *Store) scanAmounts(ctx context.Context, q string, args []any, superseded map[int64]bool, f *Filter, wide bool, fn func(a *Amount) error) error {
	rows, err := s.db.QueryContext(ctx, s.rebind(q), args...)
	if err != nil {
		return fmt.Errorf("store.Amounts: %w", err)
	}
	defer rows.Close()
	var a Amount
	var seq int64
	var kind, party, date, cur, qual sql.RawBytes
	intern := newInterner()
	for rows.Next() {
		dest := []any{&seq, &a.Ref, &kind, &party, &date, &cur, &a.Minor, &qual}
		if wide {
			dest = append(dest, &a.Sector, &a.Location, &a.Toward)
		}
		if err := rows.Scan(dest...); err != nil {
			return fmt.Errorf("store.Amounts: %w", err)
		}
		if superseded[seq] || !f.matchLists(a.Sector, a.Location) {
			continue
		}
		a.Kind, a.Party, a.Date, a.Currency, a.Qualifier = intern(kind), intern(party), intern(date), intern(cur), intern(qual)
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
// first by ref), for messages about entries a scan did not name.
func (s *Store) FirstRef(ctx context.Context, f Filter, currency, date string) string {
	q, args, err := s.amountsWhere(f, ` AND r.currency = ? AND r.date = ?`)
	if err != nil {
		return ""
	}
	var ref sql.NullString
	s.db.GetContext(ctx, &ref, s.rebind(`SELECT min(r.ref) `+q), append(args, currency, date)...)
	return ref.String
}

// amountsWhere is the FROM ... WHERE of the current entries with an
// amount matching f, plus extra conditions. Superseded revisions are
// excluded with one uncorrelated subquery (the engines build its set once)
// rather than a look-up per row.
func (s *Store) amountsWhere(f Filter, extra string) (string, []any, error) {
	f.OrderBySeq = true
	q, args, err := s.where(f)
	if err != nil {
		return "", nil, err
	}
	q = strings.Replace(q, currentSQL, `FROM revisions r WHERE r.amount_minor IS NOT NULL AND r.seq <= ?
		AND r.seq NOT IN (SELECT x.supersedes FROM revisions x WHERE x.supersedes IS NOT NULL AND x.seq <= ?)`, 1)
	q = q[:strings.LastIndex(q, " ORDER BY")]
	return q + extra, args, nil
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

// maxSeq stands for "the latest revision": seq is an INTEGER, which on
// PostgreSQL holds up to 2^31-1.
const maxSeq = 1<<31 - 1

// Sectors lists every sector any revision ever named, sorted: what a
// --sector filter may ask for.
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
		for _, v := range strings.Split(l, ";") {
			set[v] = true
		}
	}
	out := make([]string, 0, len(set))
	for v := range set {
		out = append(out, v)
	}
	sort.Strings(out)
	return out, nil
}
