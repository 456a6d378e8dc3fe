-- A need may carry a title (what reports show, with its ref in small
-- print): '' for every revision recorded before, and for every other kind.
-- Content hashes cover a title only when there is one, so those revisions
-- still verify.
--
-- The sector vocabulary ships with pledger (reports/sectors.json); the
-- sectors a ledger adds are kept here, each with its name in en, nl and fr
-- and its other spellings (';'-separated), and recorded in the chain like
-- parties: chain_seq is the seq of the link that added it, whose digest
-- covers these columns.

-- +goose Up
ALTER TABLE revisions ADD COLUMN title TEXT NOT NULL DEFAULT '';

CREATE TABLE sectors (
    code      TEXT PRIMARY KEY,
    name_en   TEXT NOT NULL,
    name_nl   TEXT NOT NULL,
    name_fr   TEXT NOT NULL,
    spellings TEXT NOT NULL,
    chain_seq BIGINT NOT NULL
);
