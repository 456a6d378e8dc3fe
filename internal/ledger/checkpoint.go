package ledger

import (
	"bytes"
	"crypto/ed25519"
	"crypto/rand"
	"crypto/x509"
	"encoding/hex"
	"encoding/pem"
	"fmt"
	"os"
	"strconv"
	"strings"
	"time"
)

// Checkpoints. A checkpoint is the ledger's state (SEQ:HASH) at a moment,
// signed with an Ed25519 key kept outside the database. Whoever can write
// the database can rewrite, truncate or recompute the whole chain, but not
// sign: verify checks that the chain still passes through every
// checkpoint, with its signature, so all three are caught from the first
// checkpoint after the change on. A ministry also keeps the checkpoint's
// line (Line) elsewhere, where the database's writers cannot reach it.

// Checkpoint is a signed state.
type Checkpoint struct {
	Seq       int64
	Hash      string
	SignedAt  time.Time
	PublicKey ed25519.PublicKey
	Signature []byte
}

// message is what a checkpoint signs.
func (c *Checkpoint) message() []byte {
	buf := []byte("pledger-checkpoint/1\n")
	buf = appendField(buf, strconv.FormatInt(c.Seq, 10))
	buf = appendField(buf, c.Hash)
	buf = appendField(buf, c.SignedAt.UTC().Format(TimeLayout))
	return buf
}

// SignCheckpoint signs state seq:hash at moment at.
func SignCheckpoint(key ed25519.PrivateKey, seq int64, hash string, at time.Time) Checkpoint {
	c := Checkpoint{Seq: seq, Hash: hash, SignedAt: at.UTC().Truncate(time.Microsecond), PublicKey: key.Public().(ed25519.PublicKey)}
	c.Signature = ed25519.Sign(key, c.message())
	return c
}

// Valid tells whether the signature is the public key's over the state.
func (c *Checkpoint) Valid() bool {
	return len(c.PublicKey) == ed25519.PublicKeySize && ed25519.Verify(c.PublicKey, c.message(), c.Signature)
}

// Line is the checkpoint as one line of text, to keep outside the
// database: state, moment, public key and signature.
func (c *Checkpoint) Line() string {
	return fmt.Sprintf("%s %s %s %s", FormatState(c.Seq, c.Hash), c.SignedAt.UTC().Format(TimeLayout),
		hex.EncodeToString(c.PublicKey), hex.EncodeToString(c.Signature))
}

// KeyID is a public key's short name: its first 16 hex digits.
func KeyID(pub ed25519.PublicKey) string {
	s := hex.EncodeToString(pub)
	return s[:min(16, len(s))]
}

// NewSigningKey writes a new Ed25519 private key to path (PEM, PKCS #8,
// readable by its owner only); a file already there is never replaced.
func NewSigningKey(path string) (ed25519.PublicKey, error) {
	pub, priv, err := ed25519.GenerateKey(rand.Reader)
	if err != nil {
		return nil, err
	}
	der, err := x509.MarshalPKCS8PrivateKey(priv)
	if err != nil {
		return nil, err
	}
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
	if err != nil {
		if os.IsExist(err) {
			return nil, Fail(ErrConflict, "key_exists", "key", path, "%s already exists: a signing key is never overwritten", path)
		}
		return nil, err
	}
	if err := pem.Encode(f, &pem.Block{Type: "PRIVATE KEY", Bytes: der}); err != nil {
		f.Close()
		return nil, err
	}
	return pub, f.Close()
}

// LoadSigningKey reads an Ed25519 private key (PEM, PKCS #8) from path.
func LoadSigningKey(path string) (ed25519.PrivateKey, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, Fail(ErrInvalid, "key_unreadable", "key", path, "cannot read the signing key: %v", err)
	}
	block, _ := pem.Decode(b)
	if block == nil || block.Type != "PRIVATE KEY" {
		return nil, Fail(ErrInvalid, "key_format", "key", path, "%s is not a PEM private key (PKCS #8)", path)
	}
	k, err := x509.ParsePKCS8PrivateKey(block.Bytes)
	if err != nil {
		return nil, Fail(ErrInvalid, "key_format", "key", path, "%s: %v", path, err)
	}
	priv, ok := k.(ed25519.PrivateKey)
	if !ok {
		return nil, Fail(ErrInvalid, "key_format", "key", path, "%s is not an Ed25519 key", path)
	}
	return priv, nil
}

// ParsePublicKey reads a public key as a checkpoint line gives it (64 hex
// digits), or from a file holding that, a PEM public key, or a private key.
func ParsePublicKey(s string) (ed25519.PublicKey, error) {
	s = strings.TrimSpace(s)
	if b, err := hex.DecodeString(s); err == nil && len(b) == ed25519.PublicKeySize {
		return ed25519.PublicKey(b), nil
	}
	b, err := os.ReadFile(s)
	if err != nil {
		return nil, Fail(ErrInvalid, "bad_public_key", "public-key", s, "%q is neither a public key (64 hex digits) nor a readable key file", Clip(s))
	}
	if h, err := hex.DecodeString(string(bytes.TrimSpace(b))); err == nil && len(h) == ed25519.PublicKeySize {
		return ed25519.PublicKey(h), nil
	}
	block, _ := pem.Decode(b)
	if block != nil && block.Type == "PUBLIC KEY" {
		if k, err := x509.ParsePKIXPublicKey(block.Bytes); err == nil {
			if pub, ok := k.(ed25519.PublicKey); ok {
				return pub, nil
			}
		}
	}
	if priv, err := LoadSigningKey(s); err == nil {
		return priv.Public().(ed25519.PublicKey), nil
	}
	return nil, Fail(ErrInvalid, "bad_public_key", "public-key", s, "%s holds no Ed25519 key", s)
}
