package main

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"runtime/debug"
	"strings"
	"time"

	"github.com/coalition/pledger/internal/store"
	"github.com/spf13/cobra"
)

func (a *app) backupCmd() *cobra.Command {
	var out string
	var withAccounts bool
	cmd := &cobra.Command{
		Use:   "backup --out FILE",
		Short: "Write the whole ledger to one portable archive, while it keeps serving",
		Long: `Write the whole ledger to FILE, a portable archive (a zip of one JSON Lines file
per table and a manifest): every revision of every entry with its hashes, the
rates, parties, added sectors, the chain of states, the checkpoints, the published
dashboards, the audit log and the accounts. Everything is read in one snapshot,
so the archive is the ledger at one moment while the server and other commands
go on writing. Values are kept exactly as stored.

Accounts are archived without their passwords and API tokens unless
--with-accounts, which adds their hashes (keep such an archive as safely as the
database). Sessions are never archived.

pledger restore FILE rebuilds the ledger in an empty database of either engine:
this is also how a ledger moves from SQLite to PostgreSQL.`,
		Example: `  pledger backup --out ledger-2026-03-31.pledger.zip
  pledger backup --out ministry.pledger.zip --with-accounts --db "postgres://pledger@db.example/pledger?sslmode=disable"`,
		Args: noArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			if out == "" {
				return usage("give --out FILE: where to write the archive")
			}
			ctx := cmd.Context()
			s, err := a.open(ctx)
			if err != nil {
				return err
			}
			defer s.Close()
			start := time.Now()
			ctx, bar := a.readBar(ctx, "backup")
			defer bar.Done()
			// Write beside the target and rename, so that a failed backup
			// never leaves half an archive under the name asked for.
			tmp, err := os.CreateTemp(filepath.Dir(out), ".pledger-backup-*")
			if err != nil {
				return err
			}
			defer os.Remove(tmp.Name())
			m, err := s.Backup(ctx, tmp, store.BackupOptions{WithAccounts: withAccounts, Version: pledgerVersion()})
			if err == nil {
				err = tmp.Sync()
			}
			if cerr := tmp.Close(); err == nil {
				err = cerr
			}
			if err != nil {
				return err
			}
			if err := os.Rename(tmp.Name(), out); err != nil {
				return err
			}
			bar.Done()
			size := int64(0)
			if fi, err := os.Stat(out); err == nil {
				size = fi.Size()
			}
			fmt.Fprintf(a.out, "wrote %s (%s in %.1fs): %s\n", out, megabytes(size), time.Since(start).Seconds(), archiveCounts(m, func(table string) int64 {
				p, _ := m.Part(table)
				return p.Rows
			}))
			state := m.State
			if state == "" {
				state = "none (the ledger is empty)"
			}
			fmt.Fprintf(a.out, "state %s\n", state)
			return nil
		},
	}
	cmd.Flags().StringVar(&out, "out", "", "the archive to write (required)")
	cmd.Flags().BoolVar(&withAccounts, "with-accounts", false, "also archive the password hashes and the API tokens' hashes")
	return cmd
}

func (a *app) restoreCmd() *cobra.Command {
	cmd := &cobra.Command{
		Use:   "restore FILE",
		Short: "Rebuild a ledger from a backup archive, in an empty database",
		Long: `Rebuild the ledger of an archive written by pledger backup in the database named by
--db, which must be empty (a new file, or a new PostgreSQL database; either engine,
whichever the archive was read from). Every part of the archive is checked against
its manifest first; then everything is written in one transaction, verified in
full (the chain, every revision's columns and hashes, the checkpoints) and
committed only if it verifies and ends at the archive's state: all or nothing. A
damaged or cut-short archive is refused and nothing is written.

Accounts archived without --with-accounts come back without passwords: give each
one with pledger user password NAME.`,
		Example: `  pledger restore ledger-2026-03-31.pledger.zip --db sqlite:restored.db
  pledger restore officer.pledger.zip --db "postgres://pledger@db.example/pledger?sslmode=disable"`,
		Args: exactArgs(1, "the archive FILE to restore"),
		RunE: func(cmd *cobra.Command, args []string) (err error) {
			ctx := cmd.Context()
			name := args[0]
			f, err := os.Open(name)
			if err != nil {
				return err
			}
			defer f.Close()
			fi, err := f.Stat()
			if err != nil {
				return err
			}
			// A SQLite file this command creates is removed again if the
			// restore fails: nothing is left behind.
			if dialect, path, derr := store.ParseDSN(a.dbFlag); derr == nil && dialect == store.SQLite {
				if _, serr := os.Stat(path); errors.Is(serr, fs.ErrNotExist) {
					defer func() {
						if err != nil {
							for _, suffix := range []string{"", "-wal", "-shm"} {
								os.Remove(path + suffix)
							}
						}
					}()
				}
			}
			s, err := a.open(ctx)
			if err != nil {
				return err
			}
			defer s.Close()
			start := time.Now()
			ctx, bar := a.readBar(ctx, "restore")
			defer bar.Done()
			res, err := s.Restore(ctx, f, fi.Size(), name)
			if err != nil {
				return err
			}
			bar.Done()
			m := res.Manifest
			fmt.Fprintf(a.out, "restored %s (written by %s from %s at %s) in %.1fs: %s\n", name, m.Pledger, m.Engine, m.CreatedAt,
				time.Since(start).Seconds(), archiveCounts(&m, func(table string) int64 { return res.Rows[table] }))
			state := res.Verified.State
			if state == "" {
				state = "none (the ledger is empty)"
			}
			fmt.Fprintf(a.out, "verified: %d revisions, %d rates, %d parties in %d states; %d checkpoints\nstate %s\n",
				res.Verified.Revisions, res.Verified.Rates, res.Verified.Parties, res.Verified.Links, res.Verified.Checkpoints, state)
			if users := res.Rows["users"]; users > 0 && !m.WithAccounts {
				fmt.Fprintf(a.out, "note: %s came back without a password (the archive was written without --with-accounts): give each one with `pledger user password NAME`\n", plural(users, "account", "accounts"))
			}
			return nil
		},
	}
	return cmd
}

// archiveCounts says what an archive holds, table by table.
func archiveCounts(m *store.Manifest, rows func(table string) int64) string {
	var parts []string
	for _, c := range []struct{ table, one, many string }{
		{"revisions", "revision", "revisions"}, {"rates", "rate", "rates"}, {"parties", "party", "parties"},
		{"sectors", "added sector", "added sectors"}, {"chain", "state", "states"}, {"checkpoints", "checkpoint", "checkpoints"},
		{"users", "account", "accounts"}, {"api_tokens", "API token", "API tokens"},
		{"snapshots", "published dashboard", "published dashboards"}, {"audit_log", "audit log line", "audit log lines"},
	} {
		if _, ok := m.Part(c.table); ok {
			parts = append(parts, plural(rows(c.table), c.one, c.many))
		}
	}
	s := strings.Join(parts, ", ")
	if m.WithAccounts {
		return s + " (with the accounts' password and token hashes)"
	}
	return s + " (accounts without passwords or tokens)"
}

func plural(n int64, one, many string) string {
	if n == 1 {
		return "1 " + one
	}
	return fmt.Sprintf("%d %s", n, many)
}

func megabytes(n int64) string {
	return fmt.Sprintf("%.1f MB", float64(n)/(1<<20))
}

// pledgerVersion names this binary in an archive's manifest: its module
// version and, when the build recorded them, its commit.
func pledgerVersion() string {
	bi, ok := debug.ReadBuildInfo()
	if !ok {
		return "pledger"
	}
	v := "pledger " + bi.Main.Version
	for _, s := range bi.Settings {
		switch {
		case s.Key == "vcs.revision":
			v += " " + s.Value
		case s.Key == "vcs.modified" && s.Value == "true":
			v += "+modified"
		}
	}
	return v
}
