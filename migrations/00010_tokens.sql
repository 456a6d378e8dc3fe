-- API tokens that can be listed, revoked and expire.
--
-- id is the token's public name (pledger token list, token revoke, the
-- admin pages, the audit log): the first 12 hex digits of its stored
-- SHA-256 hash, never the secret. expires_at is fixed-width UTC time text
-- like every other time; '' for a token made with --expires never. A token
-- made before this migration has NULL there: the store gives it an expiry
-- 90 days after the upgrade at its first Open (store/tokens.go, in Go
-- because the engines' date arithmetic differs), so that it keeps working
-- until then and no token lives forever unless someone asked for it.
-- revoked_at is '' until the token is revoked; revoked_by is who did it
-- and revoked_why why (revoked by hand, password changed, account
-- disabled).
-- last_used_at is written at most every ten minutes and last_refused_at
-- (with a line in the audit log) at most once an hour, so that a busy or
-- a broken client does not write on every request.

-- +goose Up
ALTER TABLE api_tokens ADD COLUMN id TEXT NOT NULL DEFAULT '';
UPDATE api_tokens SET id = substr(token_hash, 1, 12);
CREATE UNIQUE INDEX api_tokens_id ON api_tokens (id);
CREATE INDEX api_tokens_user ON api_tokens (username);

ALTER TABLE api_tokens ADD COLUMN expires_at TEXT;
ALTER TABLE api_tokens ADD COLUMN revoked_at TEXT NOT NULL DEFAULT '';
ALTER TABLE api_tokens ADD COLUMN revoked_by TEXT NOT NULL DEFAULT '';
ALTER TABLE api_tokens ADD COLUMN revoked_why TEXT NOT NULL DEFAULT '';
ALTER TABLE api_tokens ADD COLUMN last_used_at TEXT NOT NULL DEFAULT '';
ALTER TABLE api_tokens ADD COLUMN last_refused_at TEXT NOT NULL DEFAULT '';
