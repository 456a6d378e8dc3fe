package store

import (
	"context"
	"fmt"

	"github.com/coalition/pledger/internal/ledger"
)

// TextBreak is stored text that breaks the text rules (ledger.CleanText):
// recorded before them (or behind pledger's back). It stays as recorded,
// since the hashes cover it; verify lists it.
type TextBreak struct {
	// What holds the text: "ref bel-1" (with Rev, the first revision of
	// the ref that holds it, and Revs, how many do), "party XYZ",
	// "sector health", "rates of source ..." .
	What    string
	Rev     int
	Revs    int
	Field   string
	Problem string // ledger.TextProblem's message
}

// revisionText are the revision columns that hold text, each checked
// against the rule of its field (reason and author are not entry fields).
var revisionText = []string{"ref", "asset", "sector", "location", "toward", "fulfils", "source", "note", "title", "reason", "author"}

// TextBreaks lists the stored text that breaks the text rules: in every
// revision (each ref and field once, with the first revision holding it),
// in the parties' names, in the added sectors' names and spellings, and in
// the rates' sources. At most limit are listed; n is how many there are.
func (s *Store) TextBreaks(ctx context.Context, limit int) (out []TextBreak, n int, err error) {
	defer func() {
		if err != nil {
			err = fmt.Errorf("store.TextBreaks: %w", err)
		}
	}()
	found := map[[2]string]int{} // ref, field -> index in all
	var all []TextBreak
	note := func(b TextBreak, key [2]string) {
		if i, ok := found[key]; ok {
			all[i].Revs++
			return
		}
		found[key] = len(all)
		all = append(all, b)
	}
	q := `SELECT ref, rev, ` + prefixed("", revisionText[1:]) + ` FROM revisions ORDER BY seq`
	rows, err := s.db.QueryContext(ctx, q)
	if err != nil {
		return nil, 0, err
	}
	defer rows.Close()
	vals := make([]string, len(revisionText))
	ptrs := make([]any, len(revisionText)+1)
	var rev int
	ptrs[0] = &vals[0]
	ptrs[1] = &rev
	for i := 1; i < len(revisionText); i++ {
		ptrs[i+1] = &vals[i]
	}
	for rows.Next() {
		if err := rows.Scan(ptrs...); err != nil {
			return nil, 0, err
		}
		for i, field := range revisionText {
			if msg := ledger.TextProblem(field, vals[i]); msg != "" {
				note(TextBreak{What: "ref " + vals[0], Rev: rev, Revs: 1, Field: field, Problem: msg}, [2]string{vals[0], field})
			}
		}
	}
	if err := rows.Err(); err != nil {
		return nil, 0, err
	}
	rows.Close()

	parties, err := parties(ctx, s.db)
	if err != nil {
		return nil, 0, err
	}
	for _, p := range parties {
		if msg := ledger.TextProblem("name", p.Name); msg != "" {
			all = append(all, TextBreak{What: "party " + p.Code, Field: "name", Problem: msg})
		}
	}
	sectors, err := addedSectors(ctx, s.db)
	if err != nil {
		return nil, 0, err
	}
	for _, sec := range sectors {
		for _, lang := range ledger.SectorLanguages {
			if msg := ledger.TextProblem("name-"+lang, sec.Name[lang]); msg != "" {
				all = append(all, TextBreak{What: "sector " + sec.Code, Field: "name-" + lang, Problem: msg})
			}
		}
		for _, sp := range sec.Spellings {
			if msg := ledger.TextProblem("spelling", sp); msg != "" {
				all = append(all, TextBreak{What: "sector " + sec.Code, Field: "spelling", Problem: msg})
			}
		}
	}
	var sources []string
	if err := s.db.SelectContext(ctx, &sources, `SELECT DISTINCT source FROM rates ORDER BY source`); err != nil {
		return nil, 0, err
	}
	for _, src := range sources {
		if msg := ledger.TextProblem("rate-source", src); msg != "" {
			all = append(all, TextBreak{What: fmt.Sprintf("rates of source %q", ledger.Clip(src)), Field: "source", Problem: msg})
		}
	}
	return all[:min(len(all), limit)], len(all), nil
}
