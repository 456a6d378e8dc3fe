package store

import (
	"context"
	"fmt"
	"slices"

	"github.com/coalition/pledger/internal/ledger"
)

// Vocabulary is what the ledger already uses, for the pickers of a form:
// the sectors named by any revision (each value once, without shares), the
// currencies of entries and rates, and the assets of deployments.
type Vocabulary struct {
	Sectors    []string
	Currencies []string
	Assets     []string
}

// Vocabulary reads the values in use, sorted.
func (s *Store) Vocabulary(ctx context.Context) (Vocabulary, error) {
	var v Vocabulary
	var sectors []string
	if err := s.db.SelectContext(ctx, &sectors, `SELECT DISTINCT sector FROM revisions WHERE sector <> ''`); err != nil {
		return v, fmt.Errorf("store.Vocabulary: sectors: %w", err)
	}
	seen := map[string]bool{}
	for _, sec := range sectors {
		names, _ := ledger.ReadSplit(sec)
		for _, n := range names {
			if !seen[n] {
				seen[n] = true
				v.Sectors = append(v.Sectors, n)
			}
		}
	}
	slices.Sort(v.Sectors)
	if err := s.db.SelectContext(ctx, &v.Currencies, `SELECT currency FROM revisions WHERE currency <> ''
		UNION SELECT base FROM rates UNION SELECT quote FROM rates ORDER BY 1`); err != nil {
		return v, fmt.Errorf("store.Vocabulary: currencies: %w", err)
	}
	if err := s.db.SelectContext(ctx, &v.Assets, `SELECT DISTINCT asset FROM revisions WHERE asset <> '' ORDER BY asset`); err != nil {
		return v, fmt.Errorf("store.Vocabulary: assets: %w", err)
	}
	return v, nil
}
