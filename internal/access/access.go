// Package access knows who may do what in pledger's web app and API: the
// roles, their permissions, and how passwords and tokens are kept (bcrypt
// for passwords; API tokens and session ids are random and stored only as
// SHA-256 hashes). It does no I/O.
package access

import (
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"fmt"
	"strings"
	"sync"
	"unicode"
	"unicode/utf8"

	"github.com/coalition/pledger/internal/ledger"
	"golang.org/x/crypto/bcrypt"
)

// Role is what an account may do.
type Role string

const (
	Admin   Role = "admin"   // everything, and manages users
	Officer Role = "officer" // writes entries and rates; reads everything
	Analyst Role = "analyst" // reads everything; makes reports and charts
	Viewer  Role = "viewer"  // sees published dashboards only
)

// Roles lists the roles.
var Roles = []Role{Admin, Officer, Analyst, Viewer}

// ParseRole checks s.
func ParseRole(s string) (Role, error) {
	for _, r := range Roles {
		if string(r) == s {
			return r, nil
		}
	}
	return "", fmt.Errorf("%w: role %q: use admin, officer, analyst or viewer", ledger.ErrInvalid, s)
}

// Permission is one kind of action.
type Permission int

const (
	ViewPublished Permission = iota // published dashboards
	ReadLedger                      // entries, rates, history, reports, charts
	WriteLedger                     // add, amend, void, import, rates
	Publish                         // publish a dashboard snapshot
	ManageUsers                     // users and parties
)

// Can reports whether role r has permission p.
func (r Role) Can(p Permission) bool {
	switch r {
	case Admin:
		return true
	case Officer:
		return p != ManageUsers
	case Analyst:
		return p == ViewPublished || p == ReadLedger || p == Publish
	case Viewer:
		return p == ViewPublished
	}
	return false
}

// CheckName checks a user name.
func CheckName(name string) error {
	if name == "" || utf8.RuneCountInString(name) > 64 {
		return fmt.Errorf("%w: a user name has 1 to 64 characters", ledger.ErrInvalid)
	}
	for _, r := range name {
		if !(unicode.IsLetter(r) || unicode.IsDigit(r) || strings.ContainsRune("._-@", r)) {
			return fmt.Errorf("%w: user name %q: use letters, digits and . _ - @", ledger.ErrInvalid, ledger.Clip(name))
		}
	}
	return nil
}

// MinPassword is the shortest password accepted.
const MinPassword = 10

// HashPassword hashes a new password with bcrypt.
func HashPassword(pw string) (string, error) {
	if utf8.RuneCountInString(pw) < MinPassword {
		return "", fmt.Errorf("%w: a password has at least %d characters", ledger.ErrInvalid, MinPassword)
	}
	if len(pw) > 72 {
		return "", fmt.Errorf("%w: a password has at most 72 bytes (bcrypt's limit)", ledger.ErrInvalid)
	}
	h, err := bcrypt.GenerateFromPassword([]byte(pw), bcrypt.DefaultCost)
	if err != nil {
		return "", fmt.Errorf("access.HashPassword: %w", err)
	}
	return string(h), nil
}

// CheckPassword reports whether pw matches hash, in constant time.
func CheckPassword(hash, pw string) bool {
	return bcrypt.CompareHashAndPassword([]byte(hash), []byte(pw)) == nil
}

// dummyHash is compared against when a user does not exist, so that a
// login takes as long for an unknown name as for a wrong password. It is
// made on first use: hashing at start-up cost every command, even
// `pledger --help`, some 80 ms.
var dummyHash = sync.OnceValue(func() []byte {
	h, _ := bcrypt.GenerateFromPassword([]byte("pledger-no-such-user"), bcrypt.DefaultCost)
	return h
})

// CheckNoUser spends the time a password check takes.
func CheckNoUser(pw string) { bcrypt.CompareHashAndPassword(dummyHash(), []byte(pw)) }

// NewSecret returns a random secret (a session id, a CSRF token, an API
// token) and the hash under which it is stored.
func NewSecret(prefix string) (secret, hash string) {
	b := make([]byte, 32)
	if _, err := rand.Read(b); err != nil {
		panic(err)
	}
	secret = prefix + base64.RawURLEncoding.EncodeToString(b)
	return secret, HashSecret(secret)
}

// HashSecret is the stored form of a secret.
func HashSecret(secret string) string {
	sum := sha256.Sum256([]byte(secret))
	return hex.EncodeToString(sum[:])
}
