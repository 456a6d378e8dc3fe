-- The language a user chose for the web app's pages (en, nl, fr); '' until
-- they choose, when the browser's Accept-Language decides.

-- +goose Up
ALTER TABLE users ADD COLUMN lang TEXT NOT NULL DEFAULT '';
