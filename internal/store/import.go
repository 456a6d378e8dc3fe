package store

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"sort"
	"time"

	"github.com/coalition/pledger/internal/ledger"
)

// Rows is a stream of input rows: CSV lines, a form's rows, an API batch.
// Next returns io.EOF at the end. An error of type *ledger.Problems is about
// that row only and reading goes on; any other error stops the import.
type Rows interface {
	Next() (line int, f ledger.Fields, err error)
}

// Source opens the input; Import reads it twice (check, then write), so it
// must give the same rows each time.
type Source struct {
	Name string
	Open func() (Rows, io.Closer, error)
}

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
}

// MaxProblems is how many problems an import reports before it stops
// listing them (it still counts them all).
const MaxProblems = 1000

// problemList collects at most MaxProblems problems, and counts the rest.
type problemList struct {
	file  string
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
	ps := &ledger.Problems{File: p.file, List: p.list}
	if p.extra > 0 {
		ps.List = append(ps.List, ledger.Problem{Field: "", Msg: fmt.Sprintf("... and %d more problems", p.extra)})
	}
	return ps
}

// importChunk is how many rows pass 2 holds in memory at once.
const importChunk = 5000

// Import records every row of src in one transaction, or nothing at all.
//
// Pass 1 validates each row (ledger.Parse) and stages its key facts in
// import_staging; set-based SQL then finds duplicate refs, broken links and
// conflicts with the ledger, for the whole file at once. Only if nothing is
// wrong, pass 2 reads the rows again, chunk by chunk, and appends their
// revisions with bulk inserts. Memory stays flat whatever the file's size:
// no per-row map is kept, and there is no query per row.
func (s *Store) Import(ctx context.Context, src Source, opt ImportOptions) (ImportResult, error) {
	var res ImportResult
	known, err := s.PartySet(ctx)
	if err != nil {
		return res, err
	}
	batchBytes := make([]byte, 8)
	rand.Read(batchBytes)
	batch := hex.EncodeToString(batchBytes)
	probs := &problemList{file: src.Name}

	err = s.InTx(ctx, func(tx *Tx) error {
		if err := tx.stage(ctx, src, batch, known, probs, &res); err != nil {
			return err
		}
		if err := tx.checkStaged(ctx, batch, opt, probs); err != nil {
			return err
		}
		if err := probs.err(); err != nil {
			return err
		}
		if err := tx.writeStaged(ctx, src, batch, known, opt, &res); err != nil {
			return err
		}
		if _, err := tx.exec(ctx, `DELETE FROM import_staging WHERE batch = ?`, batch); err != nil {
			return fmt.Errorf("store.Import: clear staging: %w", err)
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

var stagingCols = []string{"batch", "line", "ref", "kind", "party", "toward", "fulfils", "content_hash"}

// stage is pass 1.
func (tx *Tx) stage(ctx context.Context, src Source, batch string, known ledger.PartyLookup, probs *problemList, res *ImportResult) error {
	rows, closer, err := src.Open()
	if err != nil {
		return err
	}
	defer closer.Close()
	bulk, err := tx.newBulk(ctx, "import_staging", stagingCols)
	if err != nil {
		return err
	}
	for {
		line, f, err := rows.Next()
		if err == io.EOF {
			break
		}
		var ps *ledger.Problems
		if errors.As(err, &ps) {
			probs.add(ps.List...)
			if f == nil {
				continue
			}
		} else if err != nil {
			bulk.close()
			return err
		}
		res.Rows++
		e, bad := ledger.Parse(f, line, known)
		if len(bad) > 0 {
			probs.add(bad...)
			continue
		}
		if err := bulk.add(batch, line, e.Ref, string(e.Kind), e.Party, e.Toward, e.Fulfils, ledger.ContentHash(e)); err != nil {
			bulk.close()
			return fmt.Errorf("store.Import: stage line %d: %w", line, err)
		}
		if err := ctx.Err(); err != nil {
			bulk.close()
			return err
		}
	}
	if err := bulk.close(); err != nil {
		return fmt.Errorf("store.Import: stage: %w", err)
	}
	if res.Rows == 0 && len(probs.list) == 0 {
		probs.add(ledger.Problem{Msg: "no rows after the header: nothing to import"})
	}
	return nil
}

// latestJoin joins c, the latest revision (voids included) of the ref in
// the ON column, so that the engine looks it up by index rather than
// materialising every ref's latest revision.
func latestJoin(kind, on string) string {
	return kind + ` JOIN revisions c ON c.ref = ` + on + ` AND NOT EXISTS (SELECT 1 FROM revisions n WHERE n.supersedes = c.seq)`
}

// checkStaged runs the whole-file checks.
func (tx *Tx) checkStaged(ctx context.Context, batch string, opt ImportOptions, probs *problemList) error {
	// Duplicate refs within the file.
	dup := `SELECT s.line, s.ref, f.first FROM import_staging s JOIN
		(SELECT ref, min(line) AS first FROM import_staging WHERE batch = ? GROUP BY ref HAVING count(*) > 1) f
		ON s.ref = f.ref WHERE s.batch = ? AND s.line > f.first`
	if err := tx.each(ctx, dup, []any{batch, batch}, func(sc scanner) error {
		var line, first int
		var ref string
		if err := sc.Scan(&line, &ref, &first); err != nil {
			return err
		}
		probs.add(ledger.Problem{Line: line, Field: "ref", Msg: fmt.Sprintf("duplicate ref %q: already on line %d of this file", ref, first)})
		return nil
	}); err != nil {
		return fmt.Errorf("store.Import: duplicates: %w", err)
	}
	// Links: the target is in the file, or current (not voided) in the ledger.
	for _, field := range []string{"toward", "fulfils"} {
		q := `SELECT s.line, s.kind, s.party, s.` + field + `, t.kind, t.party, c.kind, c.party, c.action
			FROM import_staging s
			LEFT JOIN import_staging t ON t.batch = s.batch AND t.ref = s.` + field + `
			` + latestJoin("LEFT", "s."+field) + `
			WHERE s.batch = ? AND s.` + field + ` <> ''`
		if err := tx.each(ctx, q, []any{batch}, func(sc scanner) error {
			var line int
			var kind, party, target string
			var tk, tp, ck, cp, ca *string
			if err := sc.Scan(&line, &kind, &party, &target, &tk, &tp, &ck, &cp, &ca); err != nil {
				return err
			}
			toKind, toParty := tk, tp
			if toKind == nil && ck != nil && *ca != string(ledger.Void) {
				toKind, toParty = ck, cp
			}
			if toKind == nil {
				msg := fmt.Sprintf("no entry with ref %q in this file or in the ledger", target)
				if ck != nil {
					msg = fmt.Sprintf("%q was withdrawn (voided)", target)
				}
				probs.add(ledger.Problem{Line: line, Field: field, Msg: msg})
				return nil
			}
			if msg := ledger.CheckLink(field, ledger.Kind(kind), party, ledger.Kind(*toKind), *toParty); msg != "" {
				probs.add(ledger.Problem{Line: line, Field: field, Msg: fmt.Sprintf("%s: %s", target, msg)})
			}
			return nil
		}); err != nil {
			return fmt.Errorf("store.Import: %s links: %w", field, err)
		}
	}
	// Known refs: identical rows are skipped later; others are conflicts.
	q := `SELECT s.line, s.ref, s.kind, c.kind, c.action, c.rev FROM import_staging s ` + latestJoin("", "s.ref") + `
		WHERE s.batch = ? AND (c.action = 'void' OR s.content_hash <> c.content_hash)`
	return tx.each(ctx, q, []any{batch}, func(sc scanner) error {
		var line, rev int
		var ref, kind, ckind, action string
		if err := sc.Scan(&line, &ref, &kind, &ckind, &action, &rev); err != nil {
			return err
		}
		switch {
		case action == string(ledger.Void):
			probs.add(ledger.Problem{Line: line, Field: "ref", Msg: fmt.Sprintf("%q was withdrawn (voided, revision %d): use a new ref", ref, rev)})
		case kind != ckind:
			probs.add(ledger.Problem{Line: line, Field: "kind", Msg: fmt.Sprintf("%q is a %s in the ledger; a kind cannot change", ref, ckind)})
		case !opt.Amend:
			probs.add(ledger.Problem{Line: line, Field: "ref", Msg: fmt.Sprintf("%q is already in the ledger with different content: run `pledger import --amend` to record this row as a correction, or fix the row", ref)})
		}
		return nil
	})
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

// known is what pass 2 needs about a ref already in the ledger.
type knownRef struct {
	seq  int64
	rev  int
	same bool
}

// writeStaged is pass 2.
func (tx *Tx) writeStaged(ctx context.Context, src Source, batch string, known ledger.PartyLookup, opt ImportOptions, res *ImportResult) error {
	rows, closer, err := src.Open()
	if err != nil {
		return err
	}
	defer closer.Close()
	type pending struct {
		line int
		e    ledger.Entry
	}
	chunk := make([]pending, 0, importChunk)
	var at time.Time
	flush := func() error {
		if len(chunk) == 0 {
			return nil
		}
		// What the ledger already holds for this chunk's refs.
		prior := map[int]knownRef{}
		q := `SELECT s.line, c.seq, c.rev, c.content_hash, s.content_hash FROM import_staging s ` + latestJoin("", "s.ref") + `
			WHERE s.batch = ? AND s.line >= ? AND s.line <= ?`
		if err := tx.each(ctx, q, []any{batch, chunk[0].line, chunk[len(chunk)-1].line}, func(sc scanner) error {
			var line int
			var k knownRef
			var ch, sh string
			if err := sc.Scan(&line, &k.seq, &k.rev, &ch, &sh); err != nil {
				return err
			}
			k.same = ch == sh
			prior[line] = k
			return nil
		}); err != nil {
			return fmt.Errorf("store.Import: known refs: %w", err)
		}
		a, err := tx.newAppenderAt(ctx, at)
		if err != nil {
			return err
		}
		at = a.at
		for _, p := range chunk {
			r := ledger.Revision{Ref: p.e.Ref, Rev: 1, Action: ledger.Add, Entry: p.e, Author: opt.Author}
			if k, ok := prior[p.line]; ok {
				if k.same {
					res.Skipped++
					continue
				}
				r.Rev, r.Action, r.Supersedes, r.Reason = k.rev+1, ledger.Amend, k.seq, opt.Reason
				res.Amended++
			} else {
				res.Added++
			}
			if err := a.add(&r); err != nil {
				a.close(ctx)
				return err
			}
		}
		chunk = chunk[:0]
		return a.close(ctx)
	}
	for {
		line, f, err := rows.Next()
		if err == io.EOF {
			break
		}
		if err != nil {
			return fmt.Errorf("store.Import: second read of %s changed (line %d): %w", src.Name, line, err)
		}
		e, bad := ledger.Parse(f, line, known)
		if len(bad) > 0 {
			return fmt.Errorf("store.Import: second read of %s changed (line %d): %w", src.Name, line, &ledger.Problems{File: src.Name, List: bad})
		}
		chunk = append(chunk, pending{line, e})
		if len(chunk) == importChunk {
			if err := flush(); err != nil {
				return err
			}
		}
	}
	return flush()
}
