-- Packs: a compact, derived copy of the revisions that carry an amount,
-- one row per block of seqs (lo..hi), in the columns reports read
-- (store/packs.go). Revisions never change, so a full block's pack never
-- does either: a report reads a few packs instead of a million rows, and
-- the revisions after the last pack as rows. Packs are derived data:
-- pledger builds them when a report or verify finds a full block without
-- one, and verify checks each against the revisions it was made from.

-- +goose Up
CREATE TABLE amount_packs (
    lo      BIGINT PRIMARY KEY,
    hi      BIGINT NOT NULL,
    version INTEGER NOT NULL,
    data    BYTEA NOT NULL
);

-- The rates likewise: one pack of every rate recorded up to max_id (with
-- what it supersedes and when it was recorded, so that any as-of reads it),
-- replaced when rates are added. A report on a small ledger otherwise
-- spends most of its time reading twelve years of daily rates as rows.
CREATE TABLE rate_packs (
    max_id  BIGINT PRIMARY KEY,
    n       BIGINT NOT NULL,
    version INTEGER NOT NULL,
    data    BYTEA NOT NULL
);

-- Every report asks when the latest rate was recorded (as of its moment):
-- an index makes that one look-up instead of a scan of every rate.
CREATE INDEX rates_recorded ON rates (recorded_at);
