package ledger

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"strconv"
	"strings"
	"time"
)

// Action is what a revision does to its ref.
type Action string

const (
	Add   Action = "add"   // the first revision of a ref
	Amend Action = "amend" // a correction: the new content replaces the old
	Void  Action = "void"  // a withdrawal: the ref no longer counts
)

// TimeLayout is how revision times are written and stored: UTC with
// microseconds, fixed width, so that text order is time order.
const TimeLayout = "2006-01-02T15:04:05.000000Z"

// Revision is one append-only record of the ledger. Seq numbers all
// revisions of the ledger in order; Rev numbers the revisions of one ref.
type Revision struct {
	Seq        int64
	Ref        string
	Rev        int
	Action     Action
	Supersedes int64 // Seq of the previous revision of Ref; 0 for the first
	Entry      Entry // the content from this revision on (for a void: the voided content)
	Reason     string
	Author     string
	RecordedAt time.Time
	Content    string // hex SHA-256 of the entry's canonical content
	PrevHash   string // Hash of revision Seq-1; "" for the first
	Hash       string // hex SHA-256 over PrevHash and this revision's canonical form
}

// ContentHash is the SHA-256 of an entry's canonical fields: equal entries
// have equal content hashes, which is how a re-imported row is recognised.
func ContentHash(e Entry) string {
	return ContentHashOf(e.Record())
}

// hashFields[v-1] is how many canonical fields version v of the content
// hash covers: version 1 every column before illustrative, version 2 up
// to illustrative, version 3 up to title. Each column that came later is
// covered only by the versions after it.
var hashFields = []int{16, 17, 18}

// ContentHashOf is ContentHash over an entry's canonical record (in the
// order of Columns). An entry hashes with the first version that covers
// every field it fills: one that is neither illustrative nor titled as it
// always has ("pledger-entry/1" over the first 16 fields), so every ledger
// recorded before those columns still verifies; an illustrative one
// without a title as "pledger-entry/2" over 17 fields, as since the flag;
// a titled need as "pledger-entry/3" over all 18.
func ContentHashOf(rec []string) string {
	v := 1
	for i := len(rec) - 1; i >= hashFields[0]; i-- {
		if rec[i] != "" {
			for v < len(hashFields) && hashFields[v-1] <= i {
				v++
			}
			break
		}
	}
	rec = rec[:min(len(rec), hashFields[v-1])]
	buf := make([]byte, 0, 256)
	buf = append(buf, "pledger-entry/"...)
	buf = strconv.AppendInt(buf, int64(v), 10)
	buf = append(buf, '\n')
	for _, f := range rec {
		buf = appendField(buf, f)
	}
	sum := sha256.Sum256(buf)
	return hex.EncodeToString(sum[:])
}

// appendField writes v as a netstring (length:value,), which no value can
// forge.
func appendField(buf []byte, v string) []byte {
	buf = strconv.AppendInt(buf, int64(len(v)), 10)
	buf = append(buf, ':')
	buf = append(buf, v...)
	return append(buf, ',')
}

// canonical is the text the chain hash covers.
func (r *Revision) canonical() []byte {
	buf := make([]byte, 0, 512)
	buf = append(buf, "pledger-revision/1\n"...)
	buf = appendField(buf, r.PrevHash)
	buf = appendField(buf, strconv.FormatInt(r.Seq, 10))
	buf = appendField(buf, r.Ref)
	buf = appendField(buf, strconv.Itoa(r.Rev))
	buf = appendField(buf, string(r.Action))
	buf = appendField(buf, strconv.FormatInt(r.Supersedes, 10))
	buf = appendField(buf, r.Content)
	buf = appendField(buf, r.Reason)
	buf = appendField(buf, r.Author)
	buf = appendField(buf, r.RecordedAt.UTC().Format(TimeLayout))
	return buf
}

// Seal fills in Content, PrevHash and Hash; the revision then follows prev
// in the chain.
func (r *Revision) Seal(prevHash string) {
	r.Content = ContentHash(r.Entry)
	r.PrevHash = prevHash
	r.Hash = r.ChainHash()
}

// ChainHash computes the hash the revision should carry, from its fields.
func (r *Revision) ChainHash() string {
	sum := sha256.Sum256(r.canonical())
	return hex.EncodeToString(sum[:])
}

// Verify checks one revision against the previous revision's hash: the
// content hash, the link and the chain hash must all match what its fields
// say. It names what does not.
func (r *Revision) Verify(prevHash string) error {
	var why []string
	if c := ContentHash(r.Entry); c != r.Content {
		why = append(why, "its content does not match its content hash")
	}
	if r.PrevHash != prevHash {
		why = append(why, "it does not link to the previous revision")
	}
	if h := r.ChainHash(); h != r.Hash {
		why = append(why, "its hash does not match its fields")
	}
	if len(why) == 0 {
		return nil
	}
	return fmt.Errorf("%w: revision %d (ref %s, revision %d, %s by %s at %s): %s",
		ErrTampered, r.Seq, r.Ref, r.Rev, r.Action, r.Author, r.RecordedAt.UTC().Format(TimeLayout), strings.Join(why, "; "))
}

// ParseAsOf reads a moment to look at the ledger as of: RFC 3339
// (2026-03-31T12:00:00Z) or a plain date, meaning the end of that day, UTC.
// The moment must fall within the years 0000 to 9999 in UTC, so that it
// is written (TimeLayout) with four digits and compares as text with the
// recorded_at of revisions: 9999-12-31T23:59:59-01:00 is in the year
// 10000 in UTC, which would sort before 2026.
func ParseAsOf(s string) (time.Time, error) {
	t, err := time.Parse(time.RFC3339Nano, s)
	if err == nil {
		t = t.UTC()
	} else if t, err = time.Parse(time.DateOnly, s); err == nil {
		t = t.Add(24*time.Hour - time.Microsecond).UTC()
	} else {
		return time.Time{}, fmt.Errorf("%w: as-of %q: use RFC 3339 such as 2026-03-31T12:00:00Z, or a date such as 2026-03-31 (end of that day, UTC)", ErrInvalid, Clip(s))
	}
	if t.Year() < 0 || t.Year() > 9999 {
		return time.Time{}, fmt.Errorf("%w: as-of %q is %s in UTC, outside the years 0000 to 9999", ErrInvalid, Clip(s), t.Format(time.RFC3339Nano))
	}
	return t, nil
}
