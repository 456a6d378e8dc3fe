-- The web app: accounts, sessions, API tokens, idempotent API writes and
-- published dashboard snapshots. Secrets are stored only as hashes.

-- +goose Up
CREATE TABLE users (
    name          TEXT PRIMARY KEY,
    role          TEXT NOT NULL,
    password_hash TEXT NOT NULL,
    created_at    TEXT NOT NULL,
    disabled      INTEGER NOT NULL DEFAULT 0
);

CREATE TABLE sessions (
    id_hash    TEXT PRIMARY KEY,
    username   TEXT NOT NULL REFERENCES users (name),
    csrf       TEXT NOT NULL,
    created_at TEXT NOT NULL,
    expires_at TEXT NOT NULL
);
CREATE INDEX sessions_user ON sessions (username);

CREATE TABLE api_tokens (
    token_hash TEXT PRIMARY KEY,
    username   TEXT NOT NULL REFERENCES users (name),
    label      TEXT NOT NULL,
    created_at TEXT NOT NULL
);

-- A write with an Idempotency-Key is answered once; a retry gets the
-- stored answer. request_hash tells a retry from a different request that
-- reuses the key.
CREATE TABLE idempotency (
    username     TEXT NOT NULL,
    idem_key     TEXT NOT NULL,
    request_hash TEXT NOT NULL,
    status       INTEGER NOT NULL,
    body         TEXT NOT NULL,
    created_at   TEXT NOT NULL,
    PRIMARY KEY (username, idem_key)
);

-- A published dashboard: frozen at an as-of moment, so that what viewers
-- see does not move under them.
CREATE TABLE snapshots (
    id           TEXT PRIMARY KEY,
    title        TEXT NOT NULL,
    as_of        TEXT NOT NULL,
    options      TEXT NOT NULL,
    published_by TEXT NOT NULL,
    published_at TEXT NOT NULL
);
