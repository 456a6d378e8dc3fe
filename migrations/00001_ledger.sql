-- The ledger: parties and the append-only revisions of entries.
-- Amounts are integer minor units beside their currency (exact in both
-- engines); dates are text as stated plus their first/last day (YYYY-MM-DD),
-- times are fixed-width UTC text, so text order is time order everywhere.
-- seq is INTEGER (SQLite's rowid, PostgreSQL's int4: two billion revisions),
-- and recorded_at never decreases with seq, so no index on it is needed.

-- +goose Up
CREATE TABLE parties (
    code TEXT PRIMARY KEY,
    name TEXT NOT NULL,
    type TEXT NOT NULL
);

CREATE TABLE revisions (
    seq          INTEGER PRIMARY KEY,
    ref          TEXT NOT NULL,
    rev          INTEGER NOT NULL,
    action       TEXT NOT NULL,
    supersedes   INTEGER,
    kind         TEXT NOT NULL,
    party        TEXT NOT NULL REFERENCES parties (code),
    date         TEXT NOT NULL,
    date_first   TEXT NOT NULL,
    date_last    TEXT NOT NULL,
    end_date     TEXT NOT NULL,
    end_last     TEXT NOT NULL,
    amount_minor BIGINT,
    currency     TEXT NOT NULL,
    qualifier    TEXT NOT NULL,
    quantity     BIGINT,
    asset        TEXT NOT NULL,
    sector       TEXT NOT NULL,
    location     TEXT NOT NULL,
    toward       TEXT NOT NULL,
    fulfils      TEXT NOT NULL,
    source       TEXT NOT NULL,
    note         TEXT NOT NULL,
    reason       TEXT NOT NULL,
    author       TEXT NOT NULL,
    recorded_at  TEXT NOT NULL,
    content_hash TEXT NOT NULL,
    prev_hash    TEXT NOT NULL,
    hash         TEXT NOT NULL,
    UNIQUE (ref, rev)
);
-- A revision is superseded at most once: history per ref is a line, never a fork.
CREATE UNIQUE INDEX revisions_supersedes ON revisions (supersedes) WHERE supersedes IS NOT NULL;

-- The head of the hash chain: one row, locked by every writer, so that
-- concurrent writers on PostgreSQL take turns.
CREATE TABLE ledger_head (
    id          INTEGER PRIMARY KEY,
    seq         BIGINT NOT NULL,
    hash        TEXT NOT NULL,
    recorded_at TEXT NOT NULL
);
INSERT INTO ledger_head (id, seq, hash, recorded_at) VALUES (1, 0, '', '');
