package ledger

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"hash"
	"strconv"
	"strings"
	"time"
)

// The chain of the ledger's state. Every write transaction appends one
// Link: what it wrote (revisions by seq, rates by id, parties and added
// sectors by the link's own seq), a digest of the canonical form of those
// items, who and when, and a hash over the previous link's hash and all of
// that. The head link names the ledger's state as SEQ:HASH; a report
// prints it, and verify confirms later that the ledger still holds exactly
// that state. Revisions keep their own chain (Revision.Hash); a revisions
// link's digest is the hash of the last revision it covers, which commits
// to every one before.

// What a link covers.
const (
	LinkRevisions = "revisions" // revisions First..Last (seq); digest: the hash of revision Last
	LinkRates     = "rates"     // rates First..Last (id); digest over each rate's stored columns
	LinkParties   = "parties"   // the parties whose chain_seq is the link's seq; digest over their columns
	LinkAssets    = "assets"    // the asset catalog in force from then on; digest of its file
	LinkSectors   = "sectors"   // the sectors whose chain_seq is the link's seq (added to the vocabulary); digest over their columns
)

// Link is one link of the chain.
type Link struct {
	Seq         int64
	What        string
	First, Last int64
	Digest      string
	Author      string
	RecordedAt  time.Time
	PrevHash    string
	Hash        string
}

// ChainHash computes the hash the link should carry, from its fields.
func (l *Link) ChainHash() string {
	buf := make([]byte, 0, 256)
	buf = append(buf, "pledger-link/1\n"...)
	buf = appendField(buf, l.PrevHash)
	buf = appendField(buf, strconv.FormatInt(l.Seq, 10))
	buf = appendField(buf, l.What)
	buf = appendField(buf, strconv.FormatInt(l.First, 10))
	buf = appendField(buf, strconv.FormatInt(l.Last, 10))
	buf = appendField(buf, l.Digest)
	buf = appendField(buf, l.Author)
	buf = appendField(buf, l.RecordedAt.UTC().Format(TimeLayout))
	sum := sha256.Sum256(buf)
	return hex.EncodeToString(sum[:])
}

// State names the ledger state this link ends: SEQ:HASH.
func (l *Link) State() string { return FormatState(l.Seq, l.Hash) }

// FormatState writes a state as SEQ:HASH.
func FormatState(seq int64, hash string) string { return strconv.FormatInt(seq, 10) + ":" + hash }

// ParseState reads SEQ:HASH, as a report's footer prints it.
func ParseState(s string) (int64, string, error) {
	a, b, ok := strings.Cut(strings.TrimSpace(s), ":")
	seq, err := strconv.ParseInt(a, 10, 64)
	if !ok || err != nil || seq < 0 || len(b) != 64 || strings.Trim(strings.ToLower(b), "0123456789abcdef") != "" {
		return 0, "", Fail(ErrInvalid, "bad_state", "head", s, "%q is not a ledger state: give it as a report's footer prints it, SEQ:HASH (a number, a colon and 64 hex digits)", Clip(s))
	}
	return seq, strings.ToLower(b), nil
}

// Digester computes a link's digest over the canonical rows of what it
// covers, in order.
type Digester struct {
	h   hash.Hash
	buf []byte
	n   int
}

// NewDigester starts the digest of a link covering what.
func NewDigester(what string) *Digester {
	d := &Digester{h: sha256.New()}
	d.h.Write([]byte("pledger-" + what + "/1\n"))
	return d
}

// Add adds one item, as its stored columns in text.
func (d *Digester) Add(fields ...string) {
	d.buf = d.buf[:0]
	for _, f := range fields {
		d.buf = appendField(d.buf, f)
	}
	d.buf = append(d.buf, '\n')
	d.h.Write(d.buf)
	d.n++
}

// Items is how many items were added.
func (d *Digester) Items() int { return d.n }

// Sum is the digest.
func (d *Digester) Sum() string { return hex.EncodeToString(d.h.Sum(nil)) }

// RateItem is a stored rate's columns as a digest covers them.
func RateItem(id int64, day, base, quote, rate, source string, supersedes int64, author, recordedAt string) []string {
	return []string{strconv.FormatInt(id, 10), day, base, quote, rate, source, strconv.FormatInt(supersedes, 10), author, recordedAt}
}

// PartyItem is a stored party's columns as a digest covers them.
func PartyItem(p Party) []string { return []string{p.Code, p.Name, p.Type} }

// SectorItem is a stored sector's columns as a digest covers them: its
// code, its names in en, nl and fr, and its other spellings.
func SectorItem(s Sector) []string {
	return []string{s.Code, s.Name["en"], s.Name["nl"], s.Name["fr"], strings.Join(s.Spellings, ";")}
}

// Verify checks a link against the previous link's hash.
func (l *Link) Verify(prevHash string) error {
	var why []string
	if l.PrevHash != prevHash {
		why = append(why, "it does not link to the previous one")
	}
	if h := l.ChainHash(); h != l.Hash {
		why = append(why, "its hash does not match its fields")
	}
	if len(why) == 0 {
		return nil
	}
	return fmt.Errorf("%w: %s: %s", ErrTampered, l.Describe(), strings.Join(why, "; "))
}

// Describe names a link for a reader: "state 12 (rates 10–20, recorded at
// ... by ...)".
func (l *Link) Describe() string {
	span := ""
	switch l.What {
	case LinkRevisions:
		span = fmt.Sprintf("revisions %d–%d", l.First, l.Last)
	case LinkRates:
		span = fmt.Sprintf("rates %d–%d", l.First, l.Last)
	case LinkParties:
		span = fmt.Sprintf("parties: %d", l.Last)
	case LinkAssets:
		span = "the asset catalog"
	case LinkSectors:
		span = fmt.Sprintf("sectors: %d", l.Last)
	default:
		span = l.What
	}
	return fmt.Sprintf("state %d (%s, recorded at %s by %s)", l.Seq, span, l.RecordedAt.UTC().Format(TimeLayout), l.Author)
}
