package store

import (
	"context"
	"errors"
	"fmt"
	"sort"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/coalition/pledger/internal/access"
	"github.com/coalition/pledger/internal/ledger"
)

// API tokens. A token is a secret shown once; the store keeps its SHA-256
// hash, and names it by a public id (the hash's first 12 hex digits) in
// lists, revocations and the audit log. A token expires (90 days unless
// its maker asked otherwise; never only on request) and is revoked by
// hand, when its user's password changes and when the account is
// disabled. Creations, revocations and refusals of expired or revoked
// tokens go to the audit log.

const (
	tokenIDLen = 12
	// TokenTouchEvery is how often a token's last use is written: at most
	// once in this time, so that a busy client does not write on every
	// request.
	TokenTouchEvery = 10 * time.Minute
	// TokenRefusalEvery is how often the refusal of one expired or revoked
	// token goes to the audit log: a client that retries without end
	// writes one line an hour, not one a request.
	TokenRefusalEvery = time.Hour
	maxTokenLabel     = 100
)

// Token is an API token as lists show it: never its secret or its hash.
type Token struct {
	ID            string `db:"id" json:"id"`
	User          string `db:"username" json:"user"`
	Label         string `db:"label" json:"label"`
	CreatedAt     string `db:"created_at" json:"created_at"`
	ExpiresAt     string `db:"expires_at" json:"expires_at"` // "" never
	RevokedAt     string `db:"revoked_at" json:"revoked_at,omitempty"`
	RevokedBy     string `db:"revoked_by" json:"revoked_by,omitempty"`
	RevokedWhy    string `db:"revoked_why" json:"revoked_why,omitempty"`
	LastUsedAt    string `db:"last_used_at" json:"last_used_at,omitempty"` // to within TokenTouchEvery
	LastRefusedAt string `db:"last_refused_at" json:"-"`
}

// The states of a token.
const (
	TokenActive  = "active"
	TokenExpired = "expired"
	TokenRevoked = "revoked"
)

// State says whether t may be used at now.
func (t Token) State(now time.Time) string {
	switch {
	case t.RevokedAt != "":
		return TokenRevoked
	case t.ExpiresAt != "" && t.ExpiresAt <= timeText(now):
		return TokenExpired
	}
	return TokenActive
}

// TokenState is t.State at the store's clock.
func (s *Store) TokenState(t Token) string { return t.State(s.now()) }

// Why a token was revoked (Token.RevokedWhy).
const (
	RevokedByHand   = "revoked"
	RevokedPassword = "password changed"
	RevokedDisabled = "account disabled"
)

// TokenRefused is an API token that exists but may not be used: expired,
// revoked, or of a disabled account. Its message is for the client.
type TokenRefused struct {
	Token  Token
	Reason string // TokenExpired or TokenRevoked
}

func (e *TokenRefused) Error() string {
	t := e.Token
	if e.Reason == TokenExpired {
		return fmt.Sprintf("token %s expired on %s; ask for a new one", t.ID, ShortTime(t.ExpiresAt))
	}
	if t.RevokedAt == "" {
		return fmt.Sprintf("token %s belongs to a disabled account", t.ID)
	}
	why := ""
	if t.RevokedWhy != "" && t.RevokedWhy != RevokedByHand {
		why = " (" + t.RevokedWhy + ")"
	}
	return fmt.Sprintf("token %s was revoked on %s%s; ask for a new one", t.ID, ShortTime(t.RevokedAt), why)
}

// ShortTime writes a stored time to the second, as RFC 3339 (UTC).
func ShortTime(stored string) string {
	t, err := time.Parse(ledger.TimeLayout, stored)
	if err != nil {
		return stored
	}
	return t.Format(time.RFC3339)
}

func timeText(t time.Time) string { return t.UTC().Format(ledger.TimeLayout) }

const tokenCols = `id, username, label, created_at, COALESCE(expires_at, '') AS expires_at, revoked_at, revoked_by, revoked_why, last_used_at, last_refused_at`

// TokenID is the public id of the token secret.
func TokenID(secret string) string { return access.HashSecret(secret)[:tokenIDLen] }

// checkLabel keeps a token's label to one short line of text.
func checkLabel(label string) error {
	if utf8.RuneCountInString(label) > maxTokenLabel {
		return fmt.Errorf("%w: a token's label has at most %d characters", ledger.ErrInvalid, maxTokenLabel)
	}
	for _, r := range label {
		if unicode.IsControl(r) {
			return fmt.Errorf("%w: token label %q: no tabs, line breaks or other control characters", ledger.ErrInvalid, ledger.Clip(label))
		}
	}
	return nil
}

// NewToken creates an API token for name that expires in
// access.DefaultTokenDays, and returns it (shown once).
func (s *Store) NewToken(ctx context.Context, name, label string) (string, error) {
	_, secret, err := s.CreateToken(ctx, name, label, s.now().UTC().AddDate(0, 0, access.DefaultTokenDays))
	return secret, err
}

// CreateToken creates an API token for name, expiring at expires (the zero
// time: never), and returns it with its secret (shown once).
func (s *Store) CreateToken(ctx context.Context, name, label string, expires time.Time) (Token, string, error) {
	if err := checkLabel(label); err != nil {
		return Token{}, "", err
	}
	u, err := s.User(ctx, name)
	if err != nil {
		return Token{}, "", err
	}
	if u.Disabled {
		return Token{}, "", fmt.Errorf("%w: user %s is disabled: enable the account first", ledger.ErrConflict, name)
	}
	now := s.now().UTC()
	t := Token{User: name, Label: label, CreatedAt: timeText(now)}
	if !expires.IsZero() {
		if !expires.After(now) {
			return Token{}, "", fmt.Errorf("%w: token expiry %s is not in the future", ledger.ErrInvalid, expires.UTC().Format(time.RFC3339))
		}
		t.ExpiresAt = timeText(expires)
	}
	var secret string
	err = s.InTx(ctx, func(tx *Tx) error {
		// Two tokens whose hashes start alike (one in 2^48) cannot share
		// an id: draw again.
		for try := 0; ; try++ {
			var h string
			secret, h = access.NewSecret("plg_")
			t.ID = h[:tokenIDLen]
			var n int
			if err := tx.GetContext(ctx, &n, tx.Rebind(`SELECT count(*) FROM api_tokens WHERE id = ?`), t.ID); err != nil {
				return err
			}
			if n == 0 {
				if _, err := tx.exec(ctx, `INSERT INTO api_tokens (token_hash, id, username, label, created_at, expires_at) VALUES (?, ?, ?, ?, ?, ?)`,
					h, t.ID, name, label, t.CreatedAt, t.ExpiresAt); err != nil {
					return err
				}
				break
			}
			if try == 5 {
				return errors.New("no free token id")
			}
		}
		exp := "never expires"
		if t.ExpiresAt != "" {
			exp = "expires " + t.ExpiresAt
		}
		return tx.audit(ctx, "token created", name, fmt.Sprintf("id %s, label %s, %s", t.ID, label, exp))
	})
	if err != nil {
		return Token{}, "", fmt.Errorf("store.CreateToken: %w", err)
	}
	return t, secret, nil
}

// Tokens lists the API tokens of user ("" for every user's), by user and
// age, revoked and expired ones included.
func (s *Store) Tokens(ctx context.Context, user string) ([]Token, error) {
	q, args := `SELECT `+tokenCols+` FROM api_tokens`, []any{}
	if user != "" {
		if _, err := s.User(ctx, user); err != nil {
			return nil, err
		}
		q, args = q+` WHERE username = ?`, append(args, user)
	}
	out := []Token{}
	if err := s.db.SelectContext(ctx, &out, s.rebind(q+` ORDER BY username, created_at, id`), args...); err != nil {
		return nil, fmt.Errorf("store.Tokens: %w", err)
	}
	return out, nil
}

// ParseTokenID reads a token's id as lists show it; a whole token (a
// secret that leaked, say) names its own id.
func ParseTokenID(s string) (string, error) {
	s = strings.TrimSpace(s)
	if strings.HasPrefix(s, "plg_") {
		return TokenID(s), nil
	}
	id := strings.ToLower(s)
	ok := len(id) == tokenIDLen
	for _, r := range id {
		ok = ok && strings.ContainsRune("0123456789abcdef", r)
	}
	if !ok {
		return "", fmt.Errorf("%w: token id %q: %d hex digits, as the list of tokens shows", ledger.ErrInvalid, ledger.Clip(s), tokenIDLen)
	}
	return id, nil
}

// RevokeToken revokes the token id (of user owner, unless owner is "") by
// hand; revoked says whether it was live until now (false: it had been
// revoked before, and nothing changed).
func (s *Store) RevokeToken(ctx context.Context, id, owner string) (t Token, revoked bool, err error) {
	err = s.InTx(ctx, func(tx *Tx) error {
		now := timeText(s.now())
		q, args := `UPDATE api_tokens SET revoked_at = ?, revoked_by = ?, revoked_why = ? WHERE id = ? AND revoked_at = ''`,
			[]any{now, actorOf(ctx), RevokedByHand, id}
		if owner != "" {
			q, args = q+` AND username = ?`, append(args, owner)
		}
		res, err := tx.exec(ctx, q, args...)
		if err != nil {
			return err
		}
		n, _ := res.RowsAffected()
		q, args = `SELECT `+tokenCols+` FROM api_tokens WHERE id = ?`, []any{id}
		if owner != "" {
			q, args = q+` AND username = ?`, append(args, owner)
		}
		if err := tx.GetContext(ctx, &t, tx.Rebind(q), args...); err != nil {
			what := "no token " + id
			if owner != "" {
				what += " of user " + owner
			}
			return notFound(err, what)
		}
		if revoked = n == 1; !revoked {
			return nil
		}
		return tx.audit(ctx, "token revoked", t.User, "id "+id+": "+RevokedByHand)
	})
	if err != nil && !errors.Is(err, ledger.ErrNotFound) {
		err = fmt.Errorf("store.RevokeToken: %w", err)
	}
	return t, revoked, err
}

// revokeTokens revokes name's live tokens (not those expired already),
// for why, and writes each to the audit log.
func (tx *Tx) revokeTokens(ctx context.Context, name, why string) (int, error) {
	now := timeText(tx.s.now())
	var ids []string
	err := tx.SelectContext(ctx, &ids, tx.Rebind(`UPDATE api_tokens SET revoked_at = ?, revoked_by = ?, revoked_why = ?
		WHERE username = ? AND revoked_at = '' AND (expires_at = '' OR expires_at > ?) RETURNING id`),
		now, actorOf(ctx), why, name, now)
	if err != nil {
		return 0, fmt.Errorf("revoke tokens of %s: %w", name, err)
	}
	sort.Strings(ids)
	for _, id := range ids {
		if err := tx.audit(ctx, "token revoked", name, "id "+id+": "+why); err != nil {
			return 0, err
		}
	}
	return len(ids), nil
}

// UseToken checks the API token secret of a request and returns its
// account. An unknown token is ErrNotFound; an expired or revoked one (or
// one of a disabled account) is a *TokenRefused, written to the audit log
// (at most once every TokenRefusalEvery per token). A failing database is
// neither: its error is returned as it is.
func (s *Store) UseToken(ctx context.Context, secret string) (User, Token, error) {
	var row struct {
		Token
		Role         string `db:"u_role"`
		PasswordHash string `db:"u_password_hash"`
		CreatedAt    string `db:"u_created_at"`
		Disabled     bool   `db:"u_disabled"`
		Lang         string `db:"u_lang"`
	}
	err := s.db.GetContext(ctx, &row, s.rebind(`SELECT t.id, t.username, t.label, t.created_at, COALESCE(t.expires_at, '') AS expires_at, t.revoked_at, t.revoked_by,
		t.revoked_why, t.last_used_at, t.last_refused_at, u.role AS u_role, u.password_hash AS u_password_hash, u.created_at AS u_created_at, u.disabled <> 0 AS u_disabled, u.lang AS u_lang
		FROM api_tokens t JOIN users u ON u.name = t.username WHERE t.token_hash = ?`), access.HashSecret(secret))
	if err != nil {
		return User{}, Token{}, notFound(err, "no such token")
	}
	t := row.Token
	u := User{Name: t.User, Role: access.Role(row.Role), PasswordHash: row.PasswordHash, CreatedAt: row.CreatedAt, Disabled: row.Disabled, Lang: row.Lang}
	var refused *TokenRefused
	switch st := t.State(s.now()); {
	case st != TokenActive:
		refused = &TokenRefused{Token: t, Reason: st}
	case u.Disabled:
		refused = &TokenRefused{Token: t, Reason: TokenRevoked}
	default:
		return u, t, nil
	}
	if err := s.recordRefusal(ctx, t, refused.Error()); err != nil {
		return User{}, Token{}, err
	}
	return User{}, t, refused
}

// recordRefusal writes the refusal of t to the audit log, unless one was
// written less than TokenRefusalEvery ago.
func (s *Store) recordRefusal(ctx context.Context, t Token, why string) error {
	now := s.now()
	if t.LastRefusedAt != "" && t.LastRefusedAt > timeText(now.Add(-TokenRefusalEvery)) {
		return nil
	}
	err := s.InTx(ctx, func(tx *Tx) error {
		// Compare and set: of concurrent refusals, one writes the line.
		res, err := tx.exec(ctx, `UPDATE api_tokens SET last_refused_at = ? WHERE id = ? AND last_refused_at = ?`, timeText(now), t.ID, t.LastRefusedAt)
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return nil
		}
		return tx.audit(ctx, "token refused", t.User, why)
	})
	if err != nil {
		return fmt.Errorf("store.UseToken: %w", err)
	}
	return nil
}

// TouchToken records that t was used now, unless that was recorded less
// than TokenTouchEvery ago (then it writes nothing). Of concurrent
// requests with one token, one writes: the others would only queue for
// SQLite's write lock behind the writes that matter.
func (s *Store) TouchToken(ctx context.Context, t Token) error {
	now := s.now()
	since := now.Add(-TokenTouchEvery)
	if t.LastUsedAt > timeText(since) {
		return nil
	}
	for {
		prev, loaded := s.touched.LoadOrStore(t.ID, now)
		if !loaded {
			break
		}
		if prev.(time.Time).After(since) {
			return nil
		}
		if s.touched.CompareAndSwap(t.ID, prev, now) {
			break
		}
	}
	_, err := s.db.ExecContext(ctx, s.rebind(`UPDATE api_tokens SET last_used_at = ? WHERE id = ? AND last_used_at < ?`),
		timeText(now), t.ID, timeText(now))
	if err != nil {
		return fmt.Errorf("store.TouchToken: %w", err)
	}
	return nil
}

// ChangePassword is a user changing their own password (checked by the
// caller): their other sessions end (all but keepSession, the id of the
// one they changed it in) and their tokens are revoked. It says how many
// of each.
func (s *Store) ChangePassword(ctx context.Context, name, passwordHash, keepSession string) (sessions, tokens int, err error) {
	err = s.InTx(ctx, func(tx *Tx) error {
		res, err := tx.exec(ctx, `UPDATE users SET password_hash = ? WHERE name = ? AND disabled = 0`, passwordHash, name)
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return fmt.Errorf("%w: no user %s", ledger.ErrNotFound, name)
		}
		res, err = tx.exec(ctx, `DELETE FROM sessions WHERE username = ? AND id_hash <> ?`, name, access.HashSecret(keepSession))
		if err != nil {
			return err
		}
		n, _ := res.RowsAffected()
		sessions = int(n)
		if tokens, err = tx.revokeTokens(ctx, name, RevokedPassword); err != nil {
			return err
		}
		return tx.audit(ctx, "password changed", name, fmt.Sprintf("%d other sessions ended, %d tokens revoked", sessions, tokens))
	})
	if err != nil && !errors.Is(err, ledger.ErrNotFound) {
		err = fmt.Errorf("store.ChangePassword: %w", err)
	}
	return sessions, tokens, err
}

// dateOldTokens gives the tokens made before tokens expired (expires_at
// NULL, migration 00010) an expiry access.DefaultTokenDays from now, at
// the first Open after the upgrade; those of accounts disabled before it
// are revoked, as disabling now does.
func (s *Store) dateOldTokens(ctx context.Context) error {
	var n int
	if err := s.db.GetContext(ctx, &n, `SELECT count(*) FROM api_tokens WHERE expires_at IS NULL`); err != nil {
		return fmt.Errorf("store.Open: tokens: %w", err)
	}
	if n == 0 {
		return nil
	}
	err := s.InTx(ctx, func(tx *Tx) error {
		exp := timeText(s.now().AddDate(0, 0, access.DefaultTokenDays))
		var rows []struct {
			ID   string `db:"id"`
			User string `db:"username"`
		}
		if err := tx.SelectContext(ctx, &rows, tx.Rebind(`UPDATE api_tokens SET expires_at = ? WHERE expires_at IS NULL RETURNING id, username`), exp); err != nil {
			return err
		}
		sort.Slice(rows, func(i, j int) bool { return rows[i].ID < rows[j].ID })
		for _, r := range rows {
			if err := tx.audit(ctx, "token expiry set", r.User, "id "+r.ID+": made before tokens expired; expires "+exp); err != nil {
				return err
			}
		}
		var disabled []string
		if err := tx.SelectContext(ctx, &disabled, `SELECT name FROM users WHERE disabled <> 0 ORDER BY name`); err != nil {
			return err
		}
		for _, name := range disabled {
			if _, err := tx.revokeTokens(ctx, name, RevokedDisabled); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return fmt.Errorf("store.Open: tokens: %w", err)
	}
	return nil
}
