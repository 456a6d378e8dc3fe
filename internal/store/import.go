package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"sort"
	"strings"
	"time"

	"github.com/coalition/pledger/internal/csvio"
	"github.com/coalition/pledger/internal/ledger"
	"github.com/coalition/pledger/internal/money"
	"github.com/shopspring/decimal"
)

// ImportOptions control an import.
type ImportOptions struct {
	// Amend makes a differing row for a known ref an amendment of the
	// columns the file has (ledger.Amended): a missing column leaves its
	// field as it is, an empty cell in a present column clears it.
	Amend  bool
	Author string // who records the revisions
	Reason string // the reason recorded on amendments: required with Amend
	DryRun bool   // check everything, write nothing
}

// RowAction says what an import does with one row.
type RowAction string

const (
	RowAdd       RowAction = "add"       // a new ref: the row is the entry
	RowAmend     RowAction = "amend"     // a known ref: the row's columns correct it
	RowUnchanged RowAction = "unchanged" // a known ref that the row leaves as it is
	RowRefused   RowAction = "refused"   // a row with problems: nothing is written
)

// RowOutcome is what an import does (or, dry, would do) with one row.
type RowOutcome struct {
	Line   int
	Ref    string
	Action RowAction
	// Changes are the fields an amendment changes, old and new; for a row
	// refused because it differs from its ref's entry without Amend, what
	// differs.
	Changes  []ledger.Change
	Problems []ledger.Problem // why the row is refused
}

// MaxListed is how many rows of each action an ImportResult lists; the
// rest are counted in Unlisted.
const MaxListed = 500

// ImportResult says what an import did (or, dry, would do).
type ImportResult struct {
	Rows    int
	Added   int
	Amended int
	Skipped int // identical to the ledger already
	Head    Head
	// Warnings say what is odd about the chains of the rows written (see
	// ledger.ChainWarnings): recorded as stated, but worth a second look.
	// Each names its row's ref in Value; at most MaxProblems.
	Warnings []ledger.Problem
	// Outcomes lists the rows by line, field by field: at most MaxListed
	// of each action (and every row with a listed problem), even when the
	// import is refused. Unlisted counts the rows left out.
	Outcomes []RowOutcome
	Unlisted int
}

// outcomes collects the listed rows.
type outcomes struct {
	list  []RowOutcome
	count map[RowAction]int
	extra int
}

func (o *outcomes) add(x RowOutcome) {
	if o.count == nil {
		o.count = map[RowAction]int{}
	}
	if o.count[x.Action] >= MaxListed {
		o.extra++
		return
	}
	o.count[x.Action]++
	o.list = append(o.list, x)
}

// refuse turns the listed rows with problems into refused ones (a row
// listed as added or amended may be refused at the end, by a link
// check), lists the others, and sorts by line.
func (o *outcomes) refuse(p *problemList) {
	byLine := map[int]int{}
	for i, x := range o.list {
		byLine[x.Line] = i
	}
	for _, pr := range p.list {
		if pr.Line == 0 {
			continue
		}
		i, ok := byLine[pr.Line]
		if !ok {
			o.list = append(o.list, RowOutcome{Line: pr.Line, Ref: p.refs[pr.Line], Action: RowRefused, Changes: p.diffs[pr.Line]})
			i = len(o.list) - 1
			byLine[pr.Line] = i
		} else if o.list[i].Action != RowRefused {
			o.count[o.list[i].Action]--
			o.list[i].Action = RowRefused
			if o.list[i].Changes == nil {
				o.list[i].Changes = p.diffs[pr.Line]
			}
		}
		o.list[i].Problems = append(o.list[i].Problems, pr)
	}
	sort.SliceStable(o.list, func(i, j int) bool { return o.list[i].Line < o.list[j].Line })
}

// MaxProblems is how many problems an import reports before it stops
// listing them (it still counts them all).
const MaxProblems = 1000

// problemList collects at most MaxProblems problems, and counts the rest.
// cell, if set, names the place of each problem (csvio.Source.Cell);
// refs and diffs keep, for the lines of the problems listed, the row's
// ref and what it would change, for the outcomes.
type problemList struct {
	file  string
	cell  func(line int, field string) string
	list  []ledger.Problem
	extra int
	refs  map[int]string
	diffs map[int][]ledger.Change
}

// addRow adds the problems of the row on line, with its ref and what it
// would change (nil: nothing known).
func (p *problemList) addRow(line int, ref string, diff []ledger.Change, ps ...ledger.Problem) {
	if len(p.list) < MaxProblems && line > 0 {
		if p.refs == nil {
			p.refs, p.diffs = map[int]string{}, map[int][]ledger.Change{}
		}
		p.refs[line] = ref
		if diff != nil {
			p.diffs[line] = diff
		}
	}
	for i := range ps {
		if ps[i].Line == 0 {
			ps[i].Line = line
		}
	}
	p.add(ps...)
}

func (p *problemList) add(ps ...ledger.Problem) {
	for _, x := range ps {
		if len(p.list) < MaxProblems {
			p.list = append(p.list, x)
		} else {
			p.extra++
		}
	}
}

func (p *problemList) err() error {
	if len(p.list) == 0 {
		return nil
	}
	sort.SliceStable(p.list, func(i, j int) bool { return p.list[i].Line < p.list[j].Line })
	if p.cell != nil {
		for i, x := range p.list {
			if x.Cell == "" && x.Line > 0 {
				p.list[i].Cell = p.cell(x.Line, x.Field)
			}
		}
	}
	ps := &ledger.Problems{File: p.file, List: p.list}
	if p.extra > 0 {
		ps.List = append(ps.List, ledger.MoreProblems(p.extra))
	}
	return ps
}

// importChunk is how many rows are classified against the ledger with one
// query and appended with one bulk insert.
const importChunk = 5000

// parsed is one input row: valid as a whole entry (bad is empty), or,
// in a file without every column, perhaps a correction of a known ref
// whose columns are checked against its entry (bad is what is wrong with
// the row as a whole entry, reported if its ref is new).
type parsed struct {
	line    int
	ref     string
	e       ledger.Entry
	content string
	fields  ledger.Fields // the columns the file has, and only those
	bad     []ledger.Problem
}

// chunk is what the reading goroutine hands to the writer.
type chunk struct {
	rows  []parsed
	bad   []parsed         // rows refused as they are read
	probs []ledger.Problem // problems of the input that are not a row's
	n     int              // input rows read, valid or not
	err   error
}

// Import records every row of src in one transaction, or nothing at all.
// A row for a new ref is the entry; a row for a known ref changes only the
// columns the file has (see ImportOptions.Amend), and one that changes
// nothing is skipped. The result lists what each row does (or would do),
// also when the import is refused.
//
// One goroutine reads and validates the rows (ledger.ParseEntry) while the
// other classifies them against the ledger, a chunk per query (new, an
// identical re-import to skip, a correction, or a conflict), and appends
// their revisions with bulk inserts. Links (toward, fulfils) are checked
// at the end with one set-based query over what the import wrote, since a
// row may point at one further down the file. If anything is wrong, the
// transaction is rolled back and every problem is reported. Memory stays
// flat whatever the size of the file: no per-row state outlives its chunk.
func (s *Store) Import(ctx context.Context, src csvio.Source, opt ImportOptions) (ImportResult, error) {
	var res ImportResult
	if opt.Amend {
		reason, ps := ledger.CleanReason(opt.Reason)
		if len(ps) > 0 {
			return res, &ledger.Problems{List: ps}
		}
		opt.Reason = reason
	}
	probs := &problemList{file: src.Name, cell: src.Cell}
	list := &outcomes{}
	err := s.Write(ctx, func(tx *Tx) error {
		parties, err := tx.PartySet(ctx)
		if err != nil {
			return err
		}
		sectors, err := tx.SectorVocab(ctx)
		if err != nil {
			return err
		}
		start, err := tx.importRows(ctx, src, ledger.Known{Party: parties, Sectors: sectors}, opt, probs, list, &res)
		if err != nil {
			return err
		}
		if len(probs.list) == 0 && res.Rows == 0 {
			probs.add(ledger.Problem{Msg: "no rows after the header: nothing to import"})
		}
		if err := tx.checkImportLinks(ctx, src, start, probs); err != nil {
			return err
		}
		if err := probs.err(); err != nil {
			return err
		}
		if res.Warnings, err = tx.importWarnings(ctx, start); err != nil {
			return err
		}
		if opt.DryRun {
			return errDryRun
		}
		return nil
	})
	if errors.Is(err, errDryRun) {
		err = nil
	}
	list.refuse(probs)
	res.Outcomes, res.Unlisted = list.list, list.extra
	if err != nil {
		return res, err
	}
	res.Head, err = s.Head(ctx)
	return res, err
}

var errDryRun = errors.New("dry run")

// readChunks reads and validates src, sending chunks of valid rows.
func readChunks(ctx context.Context, src csvio.Source, known ledger.Known, out chan<- chunk) {
	defer close(out)
	c := chunk{rows: make([]parsed, 0, importChunk)}
	for row, err := range src.Rows {
		var ps *ledger.Problems
		if errors.As(err, &ps) {
			c.probs = append(c.probs, ps.List...)
			if row.Fields == nil {
				continue
			}
		} else if err != nil {
			c.err = err
			break
		}
		c.n++
		e, bad := ledger.ParseEntry(row.Fields, row.Line, known, ledger.RefRequired)
		switch {
		case len(bad) == 0:
			c.rows = append(c.rows, parsed{line: row.Line, ref: e.Ref, e: e, content: ledger.ContentHash(e), fields: row.Fields})
		case (len(row.Fields) < len(ledger.Columns) || onlyCode(bad, ledger.CodeUnknownSector)) && e.Ref != "" && !refBad(bad):
			// Missing columns: the row may correct a known ref. So may a
			// row whose only fault is a sector outside the vocabulary: one
			// recorded before it, given back as it is, is kept.
			c.rows = append(c.rows, parsed{line: row.Line, ref: e.Ref, fields: row.Fields, bad: bad})
		default:
			c.bad = append(c.bad, parsed{line: row.Line, ref: strings.TrimSpace(row.Fields["ref"]), bad: bad})
		}
		if len(c.rows) == importChunk || len(c.probs)+len(c.bad) > MaxProblems {
			select {
			case out <- c:
			case <-ctx.Done():
				return
			}
			c = chunk{rows: make([]parsed, 0, importChunk)}
		}
	}
	select {
	case out <- c:
	case <-ctx.Done():
	}
}

// onlyCode reports whether every problem has code.
func onlyCode(ps []ledger.Problem, code string) bool {
	for _, p := range ps {
		if p.Code != code {
			return false
		}
	}
	return len(ps) > 0
}

// refBad reports whether problems include one with the ref.
func refBad(ps []ledger.Problem) bool {
	for _, p := range ps {
		if p.Field == "ref" {
			return true
		}
	}
	return false
}

// latest is what the ledger holds for a ref.
type latest struct {
	Ref     string `db:"ref"`
	Seq     int64  `db:"seq"`
	Rev     int    `db:"rev"`
	Kind    string `db:"kind"`
	Action  string `db:"action"`
	Content string `db:"content_hash"`
}

// importRows appends the valid rows and returns the seq the ledger had
// before the import.
func (tx *Tx) importRows(ctx context.Context, src csvio.Source, known ledger.Known, opt ImportOptions, probs *problemList, list *outcomes, res *ImportResult) (int64, error) {
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	chunks := make(chan chunk, 2)
	go readChunks(ctx, src, known, chunks)
	var start int64 = -1
	var at time.Time
	written, analyzeAt := 0, importChunk
	packs := &importPacks{}
	for c := range chunks {
		if written >= analyzeAt && tx.s.dialect == Postgres {
			// The planner's statistics predate this transaction: refresh them
			// as the table grows, or the per-chunk look-ups turn into scans.
			if _, err := tx.ExecContext(ctx, `ANALYZE revisions`); err != nil {
				return 0, fmt.Errorf("store.Import: analyze: %w", err)
			}
			analyzeAt *= 4
		}
		probs.add(c.probs...)
		for _, b := range c.bad {
			probs.addRow(b.line, b.ref, nil, b.bad...)
		}
		res.Rows += c.n
		if c.err != nil {
			return 0, c.err
		}
		if len(c.rows) == 0 {
			continue
		}
		// What the ledger holds for this chunk's refs: one query.
		refs := make([]any, 0, len(c.rows))
		firstLine := make(map[string]int, len(c.rows))
		for _, p := range c.rows {
			if l, dup := firstLine[p.ref]; dup {
				probs.addRow(p.line, p.ref, nil, ledger.Problem{Field: "ref", Msg: fmt.Sprintf("duplicate ref %q: already on line %d of this file", p.ref, l)})
				continue
			}
			firstLine[p.ref] = p.line
			refs = append(refs, p.ref)
		}
		prior := make(map[string]latest, 64)
		var found []latest
		q := `SELECT c.ref, c.seq, c.rev, c.kind, c.action, c.content_hash FROM revisions c WHERE c.ref IN (?` +
			strings.Repeat(", ?", len(refs)-1) + `) AND NOT EXISTS (SELECT 1 FROM revisions n WHERE n.supersedes = c.seq)`
		if err := tx.SelectContext(ctx, &found, tx.Rebind(q), refs...); err != nil {
			return 0, fmt.Errorf("store.Import: look up refs: %w", err)
		}
		for _, l := range found {
			prior[l.Ref] = l
		}
		// The current entries of the refs whose rows differ: one query
		// more, for the rows that correct (or would correct) an entry.
		cur, err := tx.currentOf(ctx, c.rows, prior, firstLine, start)
		if err != nil {
			return 0, err
		}
		a, err := tx.newAppenderAt(ctx, at)
		if err != nil {
			return 0, err
		}
		a.packs = packs
		if start < 0 {
			start = a.head.Seq
		}
		at = a.at
		for _, p := range c.rows {
			if firstLine[p.ref] != p.line {
				continue // a duplicate, reported above
			}
			r := ledger.Revision{Ref: p.ref, Rev: 1, Action: ledger.Add, Entry: p.e, Author: opt.Author, Content: p.content}
			k, ok := prior[p.ref]
			switch {
			case !ok && len(p.bad) > 0:
				probs.addRow(p.line, p.ref, nil, p.bad...)
				continue
			case !ok:
				res.Added++
				list.add(RowOutcome{Line: p.line, Ref: p.ref, Action: RowAdd})
			case k.Seq > start:
				probs.addRow(p.line, p.ref, nil, ledger.Problem{Field: "ref", Msg: fmt.Sprintf("duplicate ref %q: already earlier in this file", p.ref)})
				continue
			case k.Action == string(ledger.Void):
				probs.addRow(p.line, p.ref, nil, ledger.Problem{Field: "ref", Msg: fmt.Sprintf("%q was withdrawn (voided, revision %d): use a new ref", p.ref, k.Rev)})
				continue
			case len(p.bad) == 0 && k.Content == p.content:
				res.Skipped++
				list.add(RowOutcome{Line: p.line, Ref: p.ref, Action: RowUnchanged})
				continue
			case len(p.bad) == 0 && k.Kind != string(p.e.Kind):
				probs.addRow(p.line, p.ref, nil, ledger.Problem{Field: "kind", Msg: fmt.Sprintf("%q is a %s in the ledger; a kind cannot change", p.ref, k.Kind)})
				continue
			default:
				// Only the columns the file has change: a missing column
				// leaves its field as it is.
				was := cur[p.ref]
				e, bad := ledger.Amended(was, p.fields, known)
				if len(bad) == 1 && bad[0].Code == ledger.CodeUnchanged {
					res.Skipped++
					list.add(RowOutcome{Line: p.line, Ref: p.ref, Action: RowUnchanged})
					continue
				}
				if len(bad) > 0 {
					probs.addRow(p.line, p.ref, nil, bad...)
					continue
				}
				diff := ledger.Diff(was, e)
				if !opt.Amend {
					probs.addRow(p.line, p.ref, diff, ledger.Problem{Field: "ref", Code: "ref_differs", Value: p.ref,
						Msg: fmt.Sprintf("%q is already in the ledger with different content (%s)", p.ref, ledger.Clip(ledger.Changes(diff)))})
					continue
				}
				r.Entry, r.Content = e, ledger.ContentHash(e)
				r.Rev, r.Action, r.Supersedes, r.Reason = k.Rev+1, ledger.Amend, k.Seq, opt.Reason
				res.Amended++
				list.add(RowOutcome{Line: p.line, Ref: p.ref, Action: RowAmend, Changes: diff})
			}
			if err := a.add(&r); err != nil {
				a.close(ctx)
				return 0, err
			}
		}
		written += a.n
		if err := a.close(ctx); err != nil {
			return 0, err
		}
	}
	if err := ctx.Err(); err != nil {
		return 0, err
	}
	return start, nil
}

// currentOf reads the current entries of the refs whose rows may correct
// them: known refs (recorded before the import began at start; -1: not
// yet) that are not withdrawn and whose row differs from the entry or
// cannot be read as a whole entry.
func (tx *Tx) currentOf(ctx context.Context, rows []parsed, prior map[string]latest, firstLine map[string]int, start int64) (map[string]ledger.Entry, error) {
	var refs []any
	for _, p := range rows {
		k, ok := prior[p.ref]
		if !ok || firstLine[p.ref] != p.line || (start >= 0 && k.Seq > start) || k.Action == string(ledger.Void) {
			continue
		}
		if len(p.bad) > 0 || k.Content != p.content {
			refs = append(refs, p.ref)
		}
	}
	if len(refs) == 0 {
		return nil, nil
	}
	var found []revRow
	q := `SELECT ` + prefixed("r.", revCols) + ` FROM revisions r WHERE r.ref IN (?` + strings.Repeat(", ?", len(refs)-1) + `) AND ` + latestCond
	if err := tx.SelectContext(ctx, &found, tx.Rebind(q), refs...); err != nil {
		return nil, fmt.Errorf("store.Import: current entries: %w", err)
	}
	out := make(map[string]ledger.Entry, len(found))
	for _, row := range found {
		r, err := row.revision()
		if err != nil {
			return nil, fmt.Errorf("store.Import: %w", err)
		}
		out[r.Ref] = r.Entry
	}
	return out, nil
}

// checkImportLinks checks toward and fulfils of every revision the import
// wrote, against the ledger as it now stands (which includes the file).
func (tx *Tx) checkImportLinks(ctx context.Context, src csvio.Source, start int64, probs *problemList) error {
	if start < 0 {
		return nil
	}
	bad := map[string][]ledger.Problem{} // by ref; lines are found below
	nbad := 0
	for _, field := range []string{"toward", "fulfils"} {
		q := `SELECT r.ref, r.kind, r.party, r.` + field + `, c.kind, c.party, c.action FROM revisions r
			` + latestJoin("LEFT", "r."+field) + `
			WHERE r.seq > ? AND r.` + field + ` <> ''`
		err := tx.each(ctx, q, []any{start}, func(sc scanner) error {
			var ref, kind, party, target string
			var ck, cp, ca *string
			if err := sc.Scan(&ref, &kind, &party, &target, &ck, &cp, &ca); err != nil {
				return err
			}
			msg := ""
			switch {
			case ck == nil:
				msg = fmt.Sprintf("no entry with ref %q in this file or in the ledger", target)
			case *ca == string(ledger.Void):
				msg = fmt.Sprintf("%q was withdrawn (voided)", target)
			default:
				if m := ledger.CheckLink(field, ledger.Kind(kind), party, ledger.Kind(*ck), *cp); m != "" {
					msg = target + ": " + m
				}
			}
			if msg != "" && nbad < MaxProblems {
				bad[ref] = append(bad[ref], ledger.Problem{Field: field, Msg: msg})
				nbad++
			} else if msg != "" {
				probs.extra++
			}
			return nil
		})
		if err != nil {
			return fmt.Errorf("store.Import: %s links: %w", field, err)
		}
	}
	if len(bad) == 0 {
		return nil
	}
	// Read the input once more to put line numbers on those problems.
	for row, err := range src.Rows {
		var ps *ledger.Problems
		if err != nil && !errors.As(err, &ps) {
			return fmt.Errorf("store.Import: %s: %w", src.Name, err)
		}
		if len(bad) == 0 {
			break
		}
		if row.Fields == nil {
			continue
		}
		ref := strings.TrimSpace(row.Fields["ref"])
		if ps, ok := bad[ref]; ok {
			for _, p := range ps {
				p.Line = row.Line
				probs.add(p)
			}
			delete(bad, ref)
		}
	}
	for _, ps := range bad {
		probs.add(ps...)
	}
	return nil
}

// importWarnings finds what is odd about the chains of the rows written
// after seq start (ledger.ChainWarningsTaken): each written row that
// fulfils an entry, set against that entry and the sum of the current
// entries of its kind that fulfil it, in its currency. One streamed query,
// whatever the size of the import: the sums are the database's, and no
// row is held once it is checked.
func (tx *Tx) importWarnings(ctx context.Context, start int64) ([]ledger.Problem, error) {
	if start < 0 {
		return nil, nil
	}
	// t: per target, kind and currency, what the current entries that
	// fulfil it add up to (voids and entries without an amount aside).
	q := `SELECT r.ref, r.kind, r.date, r.currency, r.amount_minor, c.ref, c.kind, c.date, c.currency, c.amount_minor, t.taken
		FROM revisions r ` + latestJoin("", "r.fulfils") + `
		LEFT JOIN (SELECT r.fulfils, r.kind, r.currency, SUM(r.amount_minor) AS taken FROM revisions r
			WHERE r.fulfils <> '' AND r.action <> ? AND r.amount_minor IS NOT NULL AND ` + latestCond + `
			GROUP BY r.fulfils, r.kind, r.currency) t ON t.fulfils = c.ref AND t.kind = r.kind AND t.currency = c.currency
		WHERE r.seq > ? AND r.fulfils <> '' AND r.action <> ? AND c.action <> ?
		ORDER BY r.seq`
	var out []ledger.Problem
	err := tx.each(ctx, q, []any{string(ledger.Void), start, string(ledger.Void), string(ledger.Void)}, func(sc scanner) error {
		var ref, kind, date, cur, tref, tkind, tdate, tcur string
		var minor, tminor, taken sql.NullInt64
		if err := sc.Scan(&ref, &kind, &date, &cur, &minor, &tref, &tkind, &tdate, &tcur, &tminor, &taken); err != nil {
			return err
		}
		e := ledger.Entry{Ref: ref, Kind: ledger.Kind(kind), Fulfils: tref}
		t := ledger.Entry{Ref: tref, Kind: ledger.Kind(tkind)}
		var err error
		if e.Date, err = ledger.ParseDate(date); err != nil {
			return fmt.Errorf("entry %s: %w", ref, err)
		}
		if t.Date, err = ledger.ParseDate(tdate); err != nil {
			return fmt.Errorf("entry %s: %w", tref, err)
		}
		if e.Currency, err = money.ParseCurrency(cur); err == nil && minor.Valid {
			e.Amount = decimal.NullDecimal{Decimal: money.FromMinor(minor.Int64, e.Currency), Valid: true}
		}
		if t.Currency, err = money.ParseCurrency(tcur); err == nil && tminor.Valid {
			t.Amount = decimal.NullDecimal{Decimal: money.FromMinor(tminor.Int64, t.Currency), Valid: true}
		}
		sum := decimal.NullDecimal{}
		if e.Amount.Valid && e.Currency.Code == t.Currency.Code {
			// This row is among what it sums (it is current and not void).
			sum = decimal.NullDecimal{Decimal: money.FromMinor(taken.Int64, t.Currency), Valid: true}
		}
		for _, w := range ledger.ChainWarningsTaken(e, t, sum) {
			if len(out) < MaxProblems {
				w.Value = e.Ref
				out = append(out, w)
			}
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	sort.SliceStable(out, func(i, j int) bool { return out[i].Value < out[j].Value })
	return out, nil
}

// latestJoin joins c, the latest revision (voids included) of the ref in
// the ON column, so that the engine looks it up by index rather than
// materialising every ref's latest revision.
func latestJoin(kind, on string) string {
	return kind + ` JOIN revisions c ON c.ref = ` + on + ` AND NOT EXISTS (SELECT 1 FROM revisions n WHERE n.supersedes = c.seq)`
}

type scanner interface{ Scan(...any) error }

// each runs q and calls fn for every row, streaming.
func (tx *Tx) each(ctx context.Context, q string, args []any, fn func(scanner) error) error {
	rows, err := tx.QueryContext(ctx, tx.Rebind(q), args...)
	if err != nil {
		return err
	}
	defer rows.Close()
	for rows.Next() {
		if err := fn(rows); err != nil {
			return err
		}
	}
	return rows.Err()
}
