-- Exchange rates: append-only like the ledger. A replaced rate stays, and
-- the replacement names it (supersedes). Rates are exact decimal text.

-- +goose Up
CREATE TABLE rates (
    id          INTEGER PRIMARY KEY,
    day         TEXT NOT NULL,
    base        TEXT NOT NULL,
    quote       TEXT NOT NULL,
    rate        TEXT NOT NULL,
    source      TEXT NOT NULL,
    supersedes  INTEGER,
    author      TEXT NOT NULL,
    recorded_at TEXT NOT NULL
);
CREATE INDEX rates_key ON rates (base, quote, day, source);
CREATE UNIQUE INDEX rates_supersedes ON rates (supersedes) WHERE supersedes IS NOT NULL;
