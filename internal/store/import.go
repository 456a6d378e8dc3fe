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
	Amend  bool   // a differing row for a known ref becomes an amendment
	Author string // who records the revisions
	Reason string // the reason recorded on amendments
	DryRun bool   // check everything, write nothing
}

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
}

// MaxProblems is how many problems an import reports before it stops
// listing them (it still counts them all).
const MaxProblems = 1000

// problemList collects at most MaxProblems problems, and counts the rest.
// cell, if set, names the place of each problem (csvio.Source.Cell).
type problemList struct {
	file  string
	cell  func(line int, field string) string
	list  []ledger.Problem
	extra int
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
		ps.List = append(ps.List, ledger.Problem{Msg: fmt.Sprintf("... and %d more problems", p.extra)})
	}
	return ps
}

// importChunk is how many rows are classified against the ledger with one
// query and appended with one bulk insert.
const importChunk = 5000

// parsed is one valid input row.
type parsed struct {
	line    int
	e       ledger.Entry
	content string
}

// chunk is what the reading goroutine hands to the writer.
type chunk struct {
	rows  []parsed
	probs []ledger.Problem
	n     int // input rows read, valid or not
	err   error
}

// Import records every row of src in one transaction, or nothing at all.
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
	probs := &problemList{file: src.Name, cell: src.Cell}
	err := s.InTx(ctx, func(tx *Tx) error {
		known, err := tx.PartySet(ctx)
		if err != nil {
			return err
		}
		start, err := tx.importRows(ctx, src, known, opt, probs, &res)
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
	if err != nil {
		return res, err
	}
	res.Head, err = s.Head(ctx)
	return res, err
}

var errDryRun = errors.New("dry run")

// readChunks reads and validates src, sending chunks of valid rows.
func readChunks(ctx context.Context, src csvio.Source, known ledger.PartyLookup, out chan<- chunk) {
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
		if len(bad) > 0 {
			c.probs = append(c.probs, bad...)
		} else {
			c.rows = append(c.rows, parsed{row.Line, e, ledger.ContentHash(e)})
		}
		if len(c.rows) == importChunk || len(c.probs) > MaxProblems {
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
func (tx *Tx) importRows(ctx context.Context, src csvio.Source, known ledger.PartyLookup, opt ImportOptions, probs *problemList, res *ImportResult) (int64, error) {
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	chunks := make(chan chunk, 2)
	go readChunks(ctx, src, known, chunks)
	var start int64 = -1
	var at time.Time
	written, analyzeAt := 0, importChunk
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
			if l, dup := firstLine[p.e.Ref]; dup {
				probs.add(ledger.Problem{Line: p.line, Field: "ref", Msg: fmt.Sprintf("duplicate ref %q: already on line %d of this file", p.e.Ref, l)})
				continue
			}
			firstLine[p.e.Ref] = p.line
			refs = append(refs, p.e.Ref)
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
		a, err := tx.newAppenderAt(ctx, at)
		if err != nil {
			return 0, err
		}
		if start < 0 {
			start = a.head.Seq
		}
		at = a.at
		for _, p := range c.rows {
			if firstLine[p.e.Ref] != p.line {
				continue // a duplicate, reported above
			}
			r := ledger.Revision{Ref: p.e.Ref, Rev: 1, Action: ledger.Add, Entry: p.e, Author: opt.Author, Content: p.content}
			if k, ok := prior[p.e.Ref]; ok {
				switch {
				case k.Seq > start:
					probs.add(ledger.Problem{Line: p.line, Field: "ref", Msg: fmt.Sprintf("duplicate ref %q: already earlier in this file", p.e.Ref)})
					continue
				case k.Action == string(ledger.Void):
					probs.add(ledger.Problem{Line: p.line, Field: "ref", Msg: fmt.Sprintf("%q was withdrawn (voided, revision %d): use a new ref", p.e.Ref, k.Rev)})
					continue
				case k.Content == p.content:
					res.Skipped++
					continue
				case k.Kind != string(p.e.Kind):
					probs.add(ledger.Problem{Line: p.line, Field: "kind", Msg: fmt.Sprintf("%q is a %s in the ledger; a kind cannot change", p.e.Ref, k.Kind)})
					continue
				case !opt.Amend:
					probs.add(ledger.Problem{Line: p.line, Field: "ref", Code: "ref_differs", Value: p.e.Ref,
						Msg: fmt.Sprintf("%q is already in the ledger with different content", p.e.Ref)})
					continue
				}
				r.Rev, r.Action, r.Supersedes, r.Reason = k.Rev+1, ledger.Amend, k.Seq, opt.Reason
				res.Amended++
			} else {
				res.Added++
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
// entries of its kind that fulfil it, in its currency. Two scans, whatever
// the size of the import.
func (tx *Tx) importWarnings(ctx context.Context, start int64) ([]ledger.Problem, error) {
	if start < 0 {
		return nil, nil
	}
	type row struct {
		e, target ledger.Entry
		minor     int64
	}
	var rows []row
	q := `SELECT r.ref, r.kind, r.date, r.currency, r.amount_minor, c.ref, c.kind, c.date, c.currency, c.amount_minor
		FROM revisions r ` + latestJoin("", "r.fulfils") + `
		WHERE r.seq > ? AND r.fulfils <> '' AND r.action <> ? AND c.action <> ?`
	err := tx.each(ctx, q, []any{start, string(ledger.Void), string(ledger.Void)}, func(sc scanner) error {
		var ref, kind, date, cur, tref, tkind, tdate, tcur string
		var minor, tminor sql.NullInt64
		if err := sc.Scan(&ref, &kind, &date, &cur, &minor, &tref, &tkind, &tdate, &tcur, &tminor); err != nil {
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
		rows = append(rows, row{e: e, target: t, minor: minor.Int64})
		return nil
	})
	if err != nil || len(rows) == 0 {
		return nil, err
	}
	// What fulfils each target, by kind, in the target's currency.
	type key struct{ target, kind string }
	want := map[key]string{} // the target's currency
	for _, r := range rows {
		want[key{r.target.Ref, string(r.e.Kind)}] = r.target.Currency.Code
	}
	taken := map[key]int64{}
	q = `SELECT r.fulfils, r.kind, r.currency, r.amount_minor FROM revisions r
		WHERE r.fulfils <> '' AND r.action <> ? AND ` + latestCond
	err = tx.each(ctx, q, []any{string(ledger.Void)}, func(sc scanner) error {
		var target, kind, cur string
		var minor sql.NullInt64
		if err := sc.Scan(&target, &kind, &cur, &minor); err != nil {
			return err
		}
		k := key{target, kind}
		if c, ok := want[k]; ok && c == cur && minor.Valid {
			taken[k] += minor.Int64
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	var out []ledger.Problem
	for _, r := range rows {
		t := decimal.NullDecimal{}
		if r.e.Amount.Valid && r.e.Currency.Code == r.target.Currency.Code {
			t = decimal.NullDecimal{Decimal: money.FromMinor(taken[key{r.target.Ref, string(r.e.Kind)}], r.target.Currency), Valid: true}
		}
		for _, w := range ledger.ChainWarningsTaken(r.e, r.target, t) {
			if len(out) < MaxProblems {
				w.Value = r.e.Ref
				out = append(out, w)
			}
		}
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
