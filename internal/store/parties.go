package store

import (
	"context"
	"fmt"

	"github.com/coalition/pledger/internal/ledger"
)

// seedParties makes sure every built-in party is known. It adds missing ones
// only, so a name a user gave is kept.
func (s *Store) seedParties(ctx context.Context) error {
	var n int
	if err := s.db.GetContext(ctx, &n, `SELECT count(*) FROM parties`); err != nil {
		return fmt.Errorf("store.seedParties: %w", err)
	}
	builtin := ledger.BuiltinParties()
	if n >= len(builtin) {
		return nil
	}
	return s.InTx(ctx, func(tx *Tx) error {
		for _, p := range builtin {
			if _, err := tx.exec(ctx, `INSERT INTO parties (code, name, type) VALUES (?, ?, ?) ON CONFLICT (code) DO NOTHING`,
				p.Code, p.Name, p.Type); err != nil {
				return fmt.Errorf("store.seedParties: %w", err)
			}
		}
		return nil
	})
}

// Parties lists every known party, by code.
func (s *Store) Parties(ctx context.Context) ([]ledger.Party, error) {
	var ps []ledger.Party
	if err := s.db.SelectContext(ctx, &ps, `SELECT code, name, type FROM parties ORDER BY code`); err != nil {
		return nil, fmt.Errorf("store.Parties: %w", err)
	}
	return ps, nil
}

// PartySet returns a lookup of the known party codes.
func (s *Store) PartySet(ctx context.Context) (ledger.PartyLookup, error) {
	ps, err := s.Parties(ctx)
	if err != nil {
		return nil, err
	}
	set := make(map[string]bool, len(ps))
	for _, p := range ps {
		set[p.Code] = true
	}
	return func(code string) bool { return set[code] }, nil
}

// AddParty records a new party. A known code is a conflict.
func (s *Store) AddParty(ctx context.Context, p ledger.Party) error {
	return s.InTx(ctx, func(tx *Tx) error {
		var n int
		if err := tx.GetContext(ctx, &n, tx.Rebind(`SELECT count(*) FROM parties WHERE code = ?`), p.Code); err != nil {
			return fmt.Errorf("store.AddParty(%q): %w", p.Code, err)
		}
		if n > 0 {
			return fmt.Errorf("%w: party %s is already known", ledger.ErrConflict, p.Code)
		}
		if _, err := tx.exec(ctx, `INSERT INTO parties (code, name, type) VALUES (?, ?, ?)`, p.Code, p.Name, p.Type); err != nil {
			return fmt.Errorf("store.AddParty(%q): %w", p.Code, err)
		}
		return nil
	})
}

// PartyLookup returns a lookup that asks the database about each code (one
// indexed query per distinct code, remembered): for writing one entry,
// where loading every party would cost more than the write.
func (s *Store) PartyLookup(ctx context.Context) ledger.PartyLookup {
	seen := map[string]bool{}
	return func(code string) bool {
		if known, ok := seen[code]; ok {
			return known
		}
		var n int
		if err := s.db.GetContext(ctx, &n, s.rebind(`SELECT count(*) FROM parties WHERE code = ?`), code); err != nil {
			return false
		}
		seen[code] = n > 0
		return n > 0
	}
}
