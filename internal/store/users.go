package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"

	"github.com/coalition/pledger/internal/access"
	"github.com/coalition/pledger/internal/ledger"
)

// User is an account of the web app and API.
type User struct {
	Name         string      `db:"name" json:"name"`
	Role         access.Role `db:"role" json:"role"`
	PasswordHash string      `db:"password_hash" json:"-"`
	CreatedAt    string      `db:"created_at" json:"created_at"`
	Disabled     bool        `db:"disabled" json:"disabled"`
	Lang         string      `db:"lang" json:"lang,omitempty"` // the pages' language the user chose; "" for none
}

func (s *Store) stamp() string {
	return s.now().UTC().Truncate(time.Microsecond).Format(ledger.TimeLayout)
}

// AddUser records a new account. A taken name is a conflict.
func (s *Store) AddUser(ctx context.Context, name string, role access.Role, passwordHash string) error {
	return s.InTx(ctx, func(tx *Tx) error {
		var n int
		if err := tx.GetContext(ctx, &n, tx.Rebind(`SELECT count(*) FROM users WHERE name = ?`), name); err != nil {
			return fmt.Errorf("store.AddUser: %w", err)
		}
		if n > 0 {
			return fmt.Errorf("%w: user %s exists", ledger.ErrConflict, name)
		}
		_, err := tx.exec(ctx, `INSERT INTO users (name, role, password_hash, created_at, disabled) VALUES (?, ?, ?, ?, 0)`,
			name, string(role), passwordHash, s.stamp())
		if err != nil {
			return fmt.Errorf("store.AddUser: %w", err)
		}
		return tx.audit(ctx, "user added", name, "role "+string(role))
	})
}

// SetUser changes an account's role, password (if hash is not "") or
// disabled flag; a new password or disabling ends its sessions and
// revokes its API tokens.
func (s *Store) SetUser(ctx context.Context, name string, role access.Role, passwordHash string, disabled bool) error {
	return s.InTx(ctx, func(tx *Tx) error {
		res, err := tx.exec(ctx, `UPDATE users SET role = ?, disabled = ? WHERE name = ?`, string(role), boolInt(disabled), name)
		if err != nil {
			return fmt.Errorf("store.SetUser: %w", err)
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return fmt.Errorf("%w: no user %s", ledger.ErrNotFound, name)
		}
		if passwordHash != "" {
			if _, err := tx.exec(ctx, `UPDATE users SET password_hash = ? WHERE name = ?`, passwordHash, name); err != nil {
				return fmt.Errorf("store.SetUser: %w", err)
			}
		}
		if disabled || passwordHash != "" {
			if _, err := tx.exec(ctx, `DELETE FROM sessions WHERE username = ?`, name); err != nil {
				return fmt.Errorf("store.SetUser: %w", err)
			}
		}
		detail := fmt.Sprintf("role %s, disabled %v, password changed %v", role, disabled, passwordHash != "")
		if err := tx.audit(ctx, "user changed", name, detail); err != nil {
			return err
		}
		why := RevokedPassword
		if disabled {
			why = RevokedDisabled
		}
		if disabled || passwordHash != "" {
			if _, err := tx.revokeTokens(ctx, name, why); err != nil {
				return fmt.Errorf("store.SetUser: %w", err)
			}
		}
		return nil
	})
}

// SetUserLang records the language name chose for the web app's pages
// (en, nl, fr; "" to follow the browser).
func (s *Store) SetUserLang(ctx context.Context, name, lang string) error {
	return s.InTx(ctx, func(tx *Tx) error {
		res, err := tx.exec(ctx, `UPDATE users SET lang = ? WHERE name = ?`, lang, name)
		if err != nil {
			return fmt.Errorf("store.SetUserLang: %w", err)
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return fmt.Errorf("%w: no user %s", ledger.ErrNotFound, name)
		}
		return tx.audit(ctx, "user changed", name, "language "+lang)
	})
}

func boolInt(b bool) int {
	if b {
		return 1
	}
	return 0
}

// User finds an account.
func (s *Store) User(ctx context.Context, name string) (User, error) {
	var u User
	err := s.db.GetContext(ctx, &u, s.rebind(`SELECT name, role, password_hash, created_at, disabled <> 0 AS disabled, lang FROM users WHERE name = ?`), name)
	if err != nil {
		return u, notFound(err, "no user "+name)
	}
	return u, nil
}

// Users lists the accounts.
func (s *Store) Users(ctx context.Context) ([]User, error) {
	var us []User
	if err := s.db.SelectContext(ctx, &us, `SELECT name, role, password_hash, created_at, disabled <> 0 AS disabled, lang FROM users ORDER BY name`); err != nil {
		return nil, fmt.Errorf("store.Users: %w", err)
	}
	return us, nil
}

// Session is a signed-in browser.
type Session struct {
	User User
	CSRF string
}

// NewSession starts a session for name and returns its id (the cookie).
func (s *Store) NewSession(ctx context.Context, name string, ttl time.Duration) (id, csrf string, err error) {
	id, idHash := access.NewSecret("s_")
	csrf, _ = access.NewSecret("c_")
	now := s.now().UTC()
	// Sessions that have expired are of no use to anyone: drop them here.
	if _, err := s.db.ExecContext(ctx, s.rebind(`DELETE FROM sessions WHERE expires_at <= ?`), now.Format(ledger.TimeLayout)); err != nil {
		return "", "", fmt.Errorf("store.NewSession: %w", err)
	}
	err = s.InTx(ctx, func(tx *Tx) error {
		if _, err := tx.exec(ctx, `INSERT INTO sessions (id_hash, username, csrf, created_at, expires_at) VALUES (?, ?, ?, ?, ?)`,
			idHash, name, csrf, now.Format(ledger.TimeLayout), now.Add(ttl).Format(ledger.TimeLayout)); err != nil {
			return err
		}
		return tx.audit(ctx, "signed in", name, "session until "+now.Add(ttl).Format(ledger.TimeLayout))
	})
	if err != nil {
		return "", "", fmt.Errorf("store.NewSession: %w", err)
	}
	return id, csrf, nil
}

// SessionUser finds the live session with id, or ErrNotFound.
func (s *Store) SessionUser(ctx context.Context, id string) (Session, error) {
	var row struct {
		User
		CSRF string `db:"csrf"`
	}
	err := s.db.GetContext(ctx, &row, s.rebind(`SELECT u.name, u.role, u.password_hash, u.created_at, u.disabled <> 0 AS disabled, u.lang, s.csrf
		FROM sessions s JOIN users u ON u.name = s.username WHERE s.id_hash = ? AND s.expires_at > ? AND u.disabled = 0`),
		access.HashSecret(id), s.now().UTC().Format(ledger.TimeLayout))
	if err != nil {
		return Session{}, notFound(err, "no session")
	}
	return Session{User: row.User, CSRF: row.CSRF}, nil
}

// EndSession signs a session out.
func (s *Store) EndSession(ctx context.Context, id string) error {
	err := s.InTx(ctx, func(tx *Tx) error {
		var name string
		err := tx.GetContext(ctx, &name, tx.Rebind(`SELECT username FROM sessions WHERE id_hash = ?`), access.HashSecret(id))
		if errors.Is(err, sql.ErrNoRows) {
			return nil // no such session: nothing to end
		}
		if err != nil {
			return err
		}
		if _, err := tx.exec(ctx, `DELETE FROM sessions WHERE id_hash = ?`, access.HashSecret(id)); err != nil {
			return err
		}
		return tx.audit(ctx, "signed out", name, "")
	})
	if err != nil {
		return fmt.Errorf("store.EndSession: %w", err)
	}
	return nil
}

// Idempotent runs fn once per (user, key): the first call's status and
// body are stored in the same transaction as fn's writes, and a retry with
// the same key and request gets them back without running fn. The same key
// with a different request is a conflict. The key is claimed first, so a
// retry arriving while the first call is still running waits for it and
// then replays it, on either engine.
func (s *Store) Idempotent(ctx context.Context, user, key, requestHash string, fn func(tx *Tx) (int, string, error)) (status int, body string, replayed bool, err error) {
	err = s.Write(ctx, func(tx *Tx) error {
		res, e := tx.exec(ctx, `INSERT INTO idempotency (username, idem_key, request_hash, status, body, created_at) VALUES (?, ?, ?, 0, '', ?)
			ON CONFLICT (username, idem_key) DO NOTHING`, user, key, requestHash, s.stamp())
		if e != nil {
			return fmt.Errorf("store.Idempotent: %w", e)
		}
		if n, _ := res.RowsAffected(); n == 0 {
			var prev struct {
				RequestHash string `db:"request_hash"`
				Status      int    `db:"status"`
				Body        string `db:"body"`
			}
			if e := tx.GetContext(ctx, &prev, tx.Rebind(`SELECT request_hash, status, body FROM idempotency WHERE username = ? AND idem_key = ?`), user, key); e != nil {
				return fmt.Errorf("store.Idempotent: %w", e)
			}
			if prev.RequestHash != requestHash {
				return fmt.Errorf("%w: Idempotency-Key %q was used for a different request", ledger.ErrConflict, key)
			}
			status, body, replayed = prev.Status, prev.Body, true
			return nil
		}
		var ferr error
		if status, body, ferr = fn(tx); ferr != nil {
			return ferr
		}
		if _, e := tx.exec(ctx, `UPDATE idempotency SET status = ?, body = ? WHERE username = ? AND idem_key = ?`, status, body, user, key); e != nil {
			return fmt.Errorf("store.Idempotent: %w", e)
		}
		return nil
	})
	return status, body, replayed, err
}

// Snapshot is a published dashboard.
type Snapshot struct {
	ID          string `db:"id" json:"id"`
	Title       string `db:"title" json:"title"`
	AsOf        string `db:"as_of" json:"as_of"`
	Options     string `db:"options" json:"options"`
	PublishedBy string `db:"published_by" json:"published_by"`
	PublishedAt string `db:"published_at" json:"published_at"`
}

// Publish records a snapshot.
func (s *Store) Publish(ctx context.Context, sn Snapshot) (Snapshot, error) {
	id, _ := access.NewSecret("")
	sn.ID = id[:16]
	sn.PublishedAt = s.stamp()
	_, err := s.db.ExecContext(ctx, s.rebind(`INSERT INTO snapshots (id, title, as_of, options, published_by, published_at) VALUES (?, ?, ?, ?, ?, ?)`),
		sn.ID, sn.Title, sn.AsOf, sn.Options, sn.PublishedBy, sn.PublishedAt)
	if err != nil {
		return sn, fmt.Errorf("store.Publish: %w", err)
	}
	return sn, nil
}

// Snapshots lists the published dashboards, newest first.
func (s *Store) Snapshots(ctx context.Context) ([]Snapshot, error) {
	var out []Snapshot
	if err := s.db.SelectContext(ctx, &out, `SELECT id, title, as_of, options, published_by, published_at FROM snapshots ORDER BY published_at DESC, id`); err != nil {
		return nil, fmt.Errorf("store.Snapshots: %w", err)
	}
	return out, nil
}

// SnapshotByID finds a published dashboard.
func (s *Store) SnapshotByID(ctx context.Context, id string) (Snapshot, error) {
	var sn Snapshot
	err := s.db.GetContext(ctx, &sn, s.rebind(`SELECT id, title, as_of, options, published_by, published_at FROM snapshots WHERE id = ?`), id)
	return sn, notFound(err, "no published dashboard "+id)
}
