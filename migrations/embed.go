// Package migrations holds pledger's SQL schema as numbered, up-only goose
// migrations, embedded into the binary. A landed migration is never edited:
// a change is a new file. The SQL is plain PostgreSQL that SQLite also runs.
package migrations

import "embed"

// FS holds the *.sql migration files.
//
//go:embed *.sql
var FS embed.FS
