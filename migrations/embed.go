// Package migrations holds pledger's SQL schema as numbered, up-only goose
// migrations, embedded into the binary. A landed migration is never edited:
// a change is a new file. The SQL is plain PostgreSQL that SQLite also runs,
// except in files named *.postgres.sql: changes only PostgreSQL needs
// (SQLite already behaves so), which the store runs on PostgreSQL and only
// records as applied on SQLite, so that both engines reach the same version.
package migrations

import "embed"

// PostgresOnly matches the names of the migrations that run on PostgreSQL
// only.
const PostgresOnly = "*.postgres.sql"

// FS holds the *.sql migration files.
//
//go:embed *.sql
var FS embed.FS
