package store

import (
	"bytes"
	"context"
	"fmt"
	"slices"
	"strings"

	"github.com/coalition/pledger/internal/ledger"
)

// conds is the WHERE clause of one query, composed from conditions and
// their arguments in the order their ? appear (as miniflux's entry query
// builder does): each query adds what selects its rows, then the filter's
// conditions, and writes its own SELECT, ORDER BY and LIMIT around them.
type conds struct {
	list []string
	args []any
}

// add appends a condition and the arguments of its placeholders.
func (c *conds) add(cond string, args ...any) {
	c.list = append(c.list, cond)
	c.args = append(c.args, args...)
}

// in appends "col IN (?, ...)" for vals; nothing when vals is empty.
func in[T ~string](c *conds, col string, vals []T) {
	if len(vals) == 0 {
		return
	}
	args := make([]any, len(vals))
	for i, v := range vals {
		args[i] = string(v)
	}
	c.add(col+` IN (?`+strings.Repeat(", ?", len(vals)-1)+`)`, args...)
}

// where is " WHERE cond AND cond ...", or "" without conditions.
func (c *conds) where() string {
	if len(c.list) == 0 {
		return ""
	}
	return " WHERE " + strings.Join(c.list, " AND ")
}

// likeEscape is the escape character of LIKE patterns (given in an ESCAPE
// clause: SQLite has no default one).
const likeEscape = `\`

// contains is a LIKE pattern matching text that contains s literally: its
// % and _ match themselves.
func containsPattern(s string) string {
	return "%" + likeLiteral(s) + "%"
}

// prefixPattern is a LIKE pattern matching text that starts with s
// literally.
func prefixPattern(s string) string {
	return likeLiteral(s) + "%"
}

// likeLiteral escapes s so that LIKE matches it literally.
func likeLiteral(s string) string {
	return strings.NewReplacer(likeEscape, likeEscape+likeEscape, "%", likeEscape+"%", "_", likeEscape+"_").Replace(s)
}

// latestCond holds for a revision r that no revision supersedes: the
// latest revision of its ref (voids included).
const latestCond = `NOT EXISTS (SELECT 1 FROM revisions n WHERE n.supersedes = r.seq)`

// currentAt adds the conditions for a revision r that is current at seq:
// recorded by then and not superseded by then (seq 0: the latest).
func currentAt(c *conds, seq int64) {
	if seq == 0 {
		c.add(latestCond)
		return
	}
	c.add(`r.seq <= ?`, seq)
	c.add(`NOT EXISTS (SELECT 1 FROM revisions n WHERE n.supersedes = r.seq AND n.seq <= ?)`, seq)
}

// Filter selects current entries.
type Filter struct {
	Seq         int64 // the ledger as of this revision; 0: latest
	Kinds       []ledger.Kind
	Parties     []string
	Ref         string
	RefPrefix   string   // only refs that start with this, taken literally (shell completion)
	Fulfils     string   // only entries that fulfil this ref
	WithVoided  bool     // include refs whose latest revision is a void
	From, To    string   // a period, YYYY-MM-DD, inclusive: entries whose span lies inside it (see addPeriod)
	Straddling  bool     // instead, the entries whose span overlaps From..To without lying inside it
	Sectors     []string // only entries with one of these sectors (matched exactly, in Go)
	Locations   []string // only entries with one of these locations
	Wide        bool     // Amounts: also read ref, sector, location and toward of every entry
	OrderBySeq  bool
	SearchText  string // in ref, source, note, asset, sector or title, case-insensitively, taken literally
	Limit, Skip int
}

// addTo adds f's conditions on a revision r (all but Seq, which says which
// revisions each query reads, and the lists, matched in Go).
func (f *Filter) addTo(c *conds) {
	if !f.WithVoided {
		c.add(`r.action <> 'void'`)
	}
	if len(f.Kinds) == 1 && slices.Contains(ledger.Kinds, f.Kinds[0]) {
		// One kind, a word of a fixed list, written as a literal: the
		// engines then use a partial index on it (00011, deployments).
		c.add(`r.kind = '` + string(f.Kinds[0]) + `'`)
	} else {
		in(c, "r.kind", f.Kinds)
	}
	in(c, "r.party", f.Parties)
	if f.Ref != "" {
		c.add(`r.ref = ?`, f.Ref)
	}
	if f.RefPrefix != "" {
		c.add(`r.ref LIKE ? ESCAPE '`+likeEscape+`'`, prefixPattern(f.RefPrefix))
	}
	if f.Fulfils != "" {
		c.add(`r.fulfils = ?`, f.Fulfils)
	}
	f.addPeriod(c)
	if f.SearchText != "" {
		like := `LIKE ? ESCAPE '` + likeEscape + `'`
		pat := containsPattern(strings.ToLower(f.SearchText))
		c.add(`(lower(r.ref) `+like+` OR lower(r.source) `+like+` OR lower(r.note) `+like+
			` OR lower(r.asset) `+like+` OR lower(r.sector) `+like+` OR lower(r.title) `+like+`)`, pat, pat, pat, pat, pat, pat)
	}
}

// spanLast is an entry's last day: its end's, or its date's without one.
const spanLast = `CASE WHEN r.end_last <> '' THEN r.end_last ELSE r.date_last END`

// addPeriod adds the conditions of f's period. An entry's span runs from
// the first day of its date to the last day of its end (of its date
// without one): "2021" is the whole year, 2016 to 2021 six years. It
// matches when its span lies inside the period; with Straddling, when its
// span overlaps the period and crosses one of its bounds, so that every
// entry overlapping a period is either counted or straddling, never both.
func (f *Filter) addPeriod(c *conds) {
	if f.From == "" && f.To == "" {
		return
	}
	if !f.Straddling {
		if f.From != "" {
			c.add(`r.date_first >= ?`, f.From)
		}
		if f.To != "" {
			c.add(spanLast+` <= ?`, f.To)
		}
		return
	}
	var cross []string
	var args []any
	if f.From != "" {
		c.add(spanLast+` >= ?`, f.From)
		cross, args = append(cross, `r.date_first < ?`), append(args, f.From)
	}
	if f.To != "" {
		c.add(`r.date_first <= ?`, f.To)
		cross, args = append(cross, spanLast+` > ?`), append(args, f.To)
	}
	c.add(`(`+strings.Join(cross, ` OR `)+`)`, args...)
}

// current is the conditions of the current revisions matching f.
func (f *Filter) current() *conds {
	c := &conds{}
	currentAt(c, f.Seq)
	f.addTo(c)
	return c
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

// matchList: an entry passes a sector (or location) filter when it names
// one of want, with or without a share, or, for ledger.Multiple, when it is
// shared (several values without shares). Which part of its value counts
// is the report's to say (the share rule in ledger/split.go): a shared
// entry passes so that a report can say it was left out.
func matchList(want []string, list []byte) bool {
	if len(want) == 0 {
		return true
	}
	n, shares := 0, false
	for v := range bytes.SplitSeq(list, []byte{';'}) {
		n++
		if i := bytes.IndexByte(v, ':'); i >= 0 {
			v, shares = v[:i], true
		}
		if slices.Contains(want, string(v)) {
			return true
		}
	}
	return n > 1 && !shares && slices.Contains(want, ledger.Multiple)
}

// Entries calls fn for each current revision matching f, in ref order,
// streaming (memory stays flat for any ledger size).
func (s *Store) Entries(ctx context.Context, f Filter, fn func(ledger.Revision) error) error {
	c := f.current()
	q := `SELECT ` + prefixed("r.", revCols) + ` FROM revisions r` + c.where()
	if f.OrderBySeq {
		q += ` ORDER BY r.seq`
	} else {
		q += ` ORDER BY ` + s.byteOrder("r.ref")
	}
	if f.Limit > 0 && !f.listFilters() {
		q += fmt.Sprintf(` LIMIT %d OFFSET %d`, f.Limit, f.Skip)
	}
	rows, err := s.db.QueryxContext(ctx, s.rebind(q), c.args...)
	if err != nil {
		return fmt.Errorf("store.Entries: %w", err)
	}
	defer rows.Close()
	matched := 0
	read := newReadCounter(ctx)
	defer read.done()
	for rows.Next() {
		read.row()
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

// SourceCounts counts the current revisions matching f (without Limit)
// by their source: one grouped query, not a read of every entry, unless f
// filters on sectors or locations (matched in Go).
func (s *Store) SourceCounts(ctx context.Context, f Filter) (map[string]int, error) {
	f.Limit = 0
	out := map[string]int{}
	if f.listFilters() {
		err := s.Entries(ctx, f, func(r ledger.Revision) error { out[r.Entry.Source]++; return nil })
		return out, err
	}
	c := f.current()
	var rows []struct {
		Source string `db:"source"`
		N      int    `db:"n"`
	}
	if err := s.db.SelectContext(ctx, &rows, s.rebind(`SELECT r.source AS source, count(*) AS n FROM revisions r`+c.where()+` GROUP BY r.source`), c.args...); err != nil {
		return nil, fmt.Errorf("store.SourceCounts: %w", err)
	}
	for _, r := range rows {
		out[r.Source] += r.N
	}
	return out, nil
}

// CountEntries counts the current revisions matching f (without Limit).
func (s *Store) CountEntries(ctx context.Context, f Filter) (int, error) {
	f.Limit = 0
	if f.listFilters() {
		n := 0
		err := s.Entries(ctx, f, func(ledger.Revision) error { n++; return nil })
		return n, err
	}
	c := f.current()
	var n int
	if err := s.db.GetContext(ctx, &n, s.rebind(`SELECT count(*) FROM revisions r`+c.where()), c.args...); err != nil {
		return 0, fmt.Errorf("store.CountEntries: %w", err)
	}
	return n, nil
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
		return ledger.Revision{}, noSuchRef(ref)
	}
	return *found, nil
}

// Titles returns the titles of those of refs that have one, as the
// ledger held them at revision seq (0: now), by ref.
func (s *Store) Titles(ctx context.Context, seq int64, refs []string) (map[string]string, error) {
	out := map[string]string{}
	const batch = 500
	for len(refs) > 0 {
		n := min(len(refs), batch)
		c := &conds{}
		currentAt(c, seq)
		c.add(`r.title <> ''`)
		in(c, "r.ref", refs[:n])
		refs = refs[n:]
		rows, err := s.db.QueryContext(ctx, s.rebind(`SELECT r.ref, r.title FROM revisions r`+c.where()), c.args...)
		if err != nil {
			return nil, fmt.Errorf("store.Titles: %w", err)
		}
		for rows.Next() {
			var ref, title string
			if err := rows.Scan(&ref, &title); err != nil {
				rows.Close()
				return nil, fmt.Errorf("store.Titles: %w", err)
			}
			out[ref] = title
		}
		err = rows.Err()
		rows.Close()
		if err != nil {
			return nil, fmt.Errorf("store.Titles: %w", err)
		}
	}
	return out, nil
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
