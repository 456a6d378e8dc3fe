package ledger

import (
	"fmt"
	"strings"
	"time"
)

// Lost updates. A correction is made from what its author saw: a form
// opened at revision 3, an API client that read revision 3. If a colleague
// recorded revision 4 in between, writing the correction as if nothing had
// happened would silently undo revision 4 under an unrelated reason. A
// door therefore names the revision its change is based on, the store
// checks it in the transaction that writes (under the ledger's head lock),
// and a stale base is refused with a StaleError saying what changed since.

// RevisionChange is one revision recorded after the one a change was based on:
// who, when, why, and what it changed (nothing for a void, which keeps
// the content).
type RevisionChange struct {
	Rev        int       `json:"revision"`
	Action     Action    `json:"action"`
	Author     string    `json:"recorded_by"`
	RecordedAt time.Time `json:"recorded_at"`
	Reason     string    `json:"reason,omitempty"`
	Fields     []Change  `json:"changes"`
}

// RevisionChanges describes the revisions of one ref after the first of hist,
// which must be consecutive revisions of that ref, oldest first.
func RevisionChanges(hist []Revision) []RevisionChange {
	var out []RevisionChange
	for i := 1; i < len(hist); i++ {
		c := RevisionChange{Rev: hist[i].Rev, Action: hist[i].Action, Author: hist[i].Author, RecordedAt: hist[i].RecordedAt,
			Reason: hist[i].Reason, Fields: []Change{}}
		if hist[i].Action != Void {
			c.Fields = Diff(hist[i-1].Entry, hist[i].Entry)
		}
		out = append(out, c)
	}
	return out
}

// StaleError refuses a change based on a revision that is no longer the
// current one. It matches ErrConflict. Since lists what was recorded after
// Based, oldest first; it is empty when Based is not a revision of Ref at
// all (a revision from the future).
type StaleError struct {
	Ref     string
	Based   int // the revision the change was based on
	Current int // the ref's current revision
	Since   []RevisionChange
}

func (e *StaleError) Error() string {
	if e.Based > e.Current || e.Based < 1 {
		return fmt.Sprintf("%s has no revision %d (its current revision is %d): reload it and make the change again", e.Ref, e.Based, e.Current)
	}
	var b strings.Builder
	fmt.Fprintf(&b, "%s changed since revision %d, which the change was based on (its current revision is %d):", e.Ref, e.Based, e.Current)
	for _, c := range e.Since {
		fmt.Fprintf(&b, " revision %d (%s by %s at %s", c.Rev, c.Action, c.Author, c.RecordedAt.UTC().Format(time.RFC3339))
		if c.Reason != "" {
			fmt.Fprintf(&b, ", %q", c.Reason)
		}
		b.WriteString(")")
		for i, f := range c.Fields {
			if i == 0 {
				b.WriteString(": ")
			} else {
				b.WriteString(", ")
			}
			fmt.Fprintf(&b, "%s %q -> %q", f.Field, f.Old, f.New)
		}
		b.WriteString(";")
	}
	return strings.TrimSuffix(b.String(), ";")
}

// Is matches ErrConflict.
func (e *StaleError) Is(target error) bool { return target == ErrConflict }
