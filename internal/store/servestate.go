package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"

	"github.com/coalition/pledger/internal/ledger"
)

// ServeState is what a server needs to know, before it makes a report,
// to tell whether one it made earlier still holds: the state of the chain
// the report would read and whether the ledger's last check covers the
// head and passed. Every fact a figure depends on (revisions, rates,
// parties, sectors, the asset catalog) is a link of the chain, so the same
// state has the same facts.
type ServeState struct {
	// State is the chain's head, or its last link recorded at or before
	// the as-of moment asked for, as SEQ:HASH ("" when there is none).
	State string
	// Verified is true when the last check of the ledger passed and
	// covers its head: a report made now would not be refused or marked.
	Verified bool
}

// ServeState reads the state a report at asOf (zero: the latest) would
// read, and whether it verified, in one small query. It checks nothing
// (report.Open does); a state that is not Verified is to be made afresh.
func (s *Store) ServeState(ctx context.Context, asOf time.Time) (ServeState, error) {
	var row struct {
		Seq       int64  `db:"seq"`
		Hash      string `db:"hash"`
		HeadSeq   int64  `db:"head_seq"`
		HeadHash  string `db:"head_hash"`
		CheckSeq  int64  `db:"check_seq"`
		CheckHash string `db:"check_hash"`
		Failure   string `db:"failure"`
	}
	const cols = `h.chain_seq AS head_seq, h.chain_hash AS head_hash, v.chain_seq AS check_seq, v.chain_hash AS check_hash, v.failure`
	var err error
	if asOf.IsZero() {
		err = s.db.GetContext(ctx, &row, `SELECT h.chain_seq AS seq, h.chain_hash AS hash, `+cols+`
			FROM ledger_head h, verification v WHERE h.id = 1 AND v.id = 1`)
	} else {
		err = s.db.GetContext(ctx, &row, s.rebind(`SELECT c.seq, c.hash, `+cols+`
			FROM ledger_head h, verification v, chain c WHERE h.id = 1 AND v.id = 1 AND c.recorded_at <= ?
			ORDER BY c.seq DESC LIMIT 1`), asOf.UTC().Format(ledger.TimeLayout))
		if errors.Is(err, sql.ErrNoRows) {
			return ServeState{}, nil
		}
	}
	if err != nil {
		return ServeState{}, fmt.Errorf("store.ServeState: %w", err)
	}
	if row.Seq == 0 {
		return ServeState{}, nil
	}
	return ServeState{
		State:    ledger.FormatState(row.Seq, row.Hash),
		Verified: row.Failure == "" && row.CheckSeq == row.HeadSeq && row.CheckHash == row.HeadHash,
	}, nil
}
