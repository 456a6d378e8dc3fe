-- One chain over every fact a figure depends on. Each write transaction
-- (revisions, rates, parties, the asset catalog in force) appends one link
-- to the chain: what it wrote (the id range, or for parties the link's own
-- seq in parties.chain_seq), a digest of it, who and when, and a hash over
-- the previous link's hash and all of that. The ledger's state is the head
-- link, SEQ:HASH; revisions keep their own chain, which a revisions link
-- names by its last hash.
--
-- Checkpoints are signed heads (Ed25519, key outside the database): verify
-- checks that the chain still passes through each. verification records
-- the last verified state, so that a report checks only what came after it
-- and a ledger known to fail is never reported on silently.

-- +goose Up
CREATE TABLE chain (
    seq         BIGINT PRIMARY KEY,
    what        TEXT NOT NULL,
    first_id    BIGINT NOT NULL,
    last_id     BIGINT NOT NULL,
    digest      TEXT NOT NULL,
    author      TEXT NOT NULL,
    recorded_at TEXT NOT NULL,
    prev_hash   TEXT NOT NULL,
    hash        TEXT NOT NULL
);

ALTER TABLE ledger_head ADD COLUMN chain_seq BIGINT NOT NULL DEFAULT 0;
ALTER TABLE ledger_head ADD COLUMN chain_hash TEXT NOT NULL DEFAULT '';
ALTER TABLE ledger_head ADD COLUMN chain_at TEXT NOT NULL DEFAULT '';

ALTER TABLE parties ADD COLUMN chain_seq BIGINT NOT NULL DEFAULT 0;

CREATE TABLE checkpoints (
    id          BIGINT PRIMARY KEY,
    chain_seq   BIGINT NOT NULL,
    chain_hash  TEXT NOT NULL,
    signed_at   TEXT NOT NULL,
    public_key  TEXT NOT NULL,
    signature   TEXT NOT NULL
);

CREATE TABLE verification (
    id          INTEGER PRIMARY KEY,
    chain_seq   BIGINT NOT NULL,
    chain_hash  TEXT NOT NULL,
    full_at     TEXT NOT NULL,
    checked_at  TEXT NOT NULL,
    failure     TEXT NOT NULL
);
INSERT INTO verification (id, chain_seq, chain_hash, full_at, checked_at, failure) VALUES (1, 0, '', '', '', '');

-- Users, sessions and tokens are not figures: they are not in the chain,
-- but every change to them is written here (who, what, when).
CREATE TABLE audit_log (
    id      BIGINT PRIMARY KEY,
    at      TEXT NOT NULL,
    actor   TEXT NOT NULL,
    action  TEXT NOT NULL,
    subject TEXT NOT NULL,
    detail  TEXT NOT NULL
);
