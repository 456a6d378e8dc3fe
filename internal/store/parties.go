package store

import (
	"context"
	"fmt"

	"github.com/coalition/pledger/internal/ledger"
	"github.com/jmoiron/sqlx"
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
	return s.Write(ctx, func(tx *Tx) error {
		h, err := tx.lockHead(ctx)
		if err != nil {
			return err
		}
		for _, p := range builtin {
			if _, err := tx.exec(ctx, `INSERT INTO parties (code, name, type, chain_seq) VALUES (?, ?, ?, ?) ON CONFLICT (code) DO NOTHING`,
				p.Code, p.Name, p.Type, h.ChainSeq+1); err != nil {
				return fmt.Errorf("store.seedParties: %w", err)
			}
		}
		return tx.linkParties(ctx, &h, "pledger (built-in parties)")
	})
}

// Parties lists every known party, by code.
func (s *Store) Parties(ctx context.Context) ([]ledger.Party, error) {
	return parties(ctx, s.db)
}

func parties(ctx context.Context, q sqlx.QueryerContext) ([]ledger.Party, error) {
	var ps []ledger.Party
	if err := sqlx.SelectContext(ctx, q, &ps, `SELECT code, name, type FROM parties ORDER BY code`); err != nil {
		return nil, fmt.Errorf("store.Parties: %w", err)
	}
	return ps, nil
}

// PartySet returns a lookup of the known party codes.
func (s *Store) PartySet(ctx context.Context) (ledger.PartyLookup, error) {
	return partySet(ctx, s.db)
}

// PartySet is Store.PartySet inside the transaction.
func (tx *Tx) PartySet(ctx context.Context) (ledger.PartyLookup, error) {
	return partySet(ctx, tx)
}

func partySet(ctx context.Context, q sqlx.QueryerContext) (ledger.PartyLookup, error) {
	ps, err := parties(ctx, q)
	if err != nil {
		return nil, err
	}
	set := make(map[string]bool, len(ps))
	for _, p := range ps {
		set[p.Code] = true
	}
	return func(code string) bool { return set[code] }, nil
}

// AddParty records a new party, by author, as a link of the chain. A known
// code is a conflict.
func (s *Store) AddParty(ctx context.Context, p ledger.Party, author string) error {
	return s.Write(ctx, func(tx *Tx) error {
		h, err := tx.lockHead(ctx)
		if err != nil {
			return err
		}
		var n int
		if err := tx.GetContext(ctx, &n, tx.Rebind(`SELECT count(*) FROM parties WHERE code = ?`), p.Code); err != nil {
			return fmt.Errorf("store.AddParty(%q): %w", p.Code, err)
		}
		if n > 0 {
			return fmt.Errorf("%w: party %s is already known", ledger.ErrConflict, p.Code)
		}
		if _, err := tx.exec(ctx, `INSERT INTO parties (code, name, type, chain_seq) VALUES (?, ?, ?, ?)`, p.Code, p.Name, p.Type, h.ChainSeq+1); err != nil {
			return fmt.Errorf("store.AddParty(%q): %w", p.Code, err)
		}
		return tx.linkParties(ctx, &h, author)
	})
}

// PartyCheck asks the database about party codes one at a time (one
// indexed query per distinct code, remembered): for writing one entry,
// where loading every party would cost more than the write. A failed
// look-up is not an unknown party: Known then answers true and Err
// returns the failure, which the caller reports instead of any problem.
type PartyCheck struct {
	ctx   context.Context
	q     sqlx.QueryerContext
	query string // rebound for q's engine
	seen  map[string]bool
	err   error
}

const partyQuery = `SELECT count(*) FROM parties WHERE code = ?`

// PartyCheck returns a party check reading the store.
func (s *Store) PartyCheck(ctx context.Context) *PartyCheck {
	return &PartyCheck{ctx: ctx, q: s.db, query: s.rebind(partyQuery), seen: map[string]bool{}}
}

// PartyCheck returns a party check reading inside the transaction.
func (tx *Tx) PartyCheck(ctx context.Context) *PartyCheck {
	if tx.parties == nil {
		tx.parties = map[string]bool{}
	}
	return &PartyCheck{ctx: ctx, q: tx, query: tx.Rebind(partyQuery), seen: tx.parties}
}

// Known reports whether code is a known party; it is a ledger.PartyLookup.
func (c *PartyCheck) Known(code string) bool {
	if known, ok := c.seen[code]; ok {
		return known
	}
	if c.err != nil {
		return true
	}
	var n int
	if err := sqlx.GetContext(c.ctx, c.q, &n, c.query, code); err != nil {
		c.err = fmt.Errorf("store: look up party %q: %w", code, err)
		return true
	}
	c.seen[code] = n > 0
	return n > 0
}

// Err returns the first look-up that failed, if any.
func (c *PartyCheck) Err() error { return c.err }
