-- An entry can be flagged illustrative: not a published statement (an
-- example, a demonstration figure), which every report whose scope holds
-- one says. 0 or 1, like users.disabled: the same column on both engines.
-- Revisions recorded before have 0, and their hashes do not cover the flag,
-- so they still verify.

-- +goose Up
ALTER TABLE revisions ADD COLUMN illustrative INTEGER NOT NULL DEFAULT 0;
