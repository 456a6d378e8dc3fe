package store_test

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"testing"

	"github.com/coalition/pledger/internal/ledger"
	"github.com/coalition/pledger/internal/store"
	"github.com/coalition/pledger/internal/store/storetest"
)

// TestTextBreaks: text recorded before the text rules verifies and is
// listed, each ref and field once with its first revision, up to a limit
// with the count of all; a clean ledger lists nothing.
func TestTextBreaks(t *testing.T) {
	storetest.Each(t, func(t *testing.T, engine store.Dialect) {
		ctx := context.Background()
		s := storetest.Open(t, engine)
		if _, err := importString(t, s, "ok.csv", header+"ok,pledge,BEL,2021,,5,EUR,,,,,IRQ,,,src,\"two\nlines\"\n", store.ImportOptions{}); err != nil {
			t.Fatal(err)
		}
		if out, n, err := s.TextBreaks(ctx, 10); err != nil || n != 0 || len(out) != 0 {
			t.Fatalf("a clean ledger: %v %d %v", out, n, err)
		}
		// As an older pledger recorded them: store.Add and Amend take
		// the entry and the author as given.
		e := parse(t, s, ledger.Fields{"ref": "x", "kind": "pledge", "party": "BEL", "date": "2021", "amount": "5", "currency": "EUR"})
		e.Ref, e.Note = "old/1", "a\x1b[2Jb"
		if _, err := s.Add(ctx, e, "mallory\u202e"); err != nil {
			t.Fatal(err)
		}
		if _, err := s.Amend(ctx, "old/1", 0, ledger.Fields{"amount": "6", "note": "fixed"}, "recount", "officer"); err != nil {
			t.Fatalf("an old ref is amended as recorded: %v", err)
		}
		for i := range 3 {
			e.Ref, e.Note = fmt.Sprintf("long-%d-%s", i, strings.Repeat("r", 60)), ""
			if _, err := s.Add(ctx, e, "officer"); err != nil {
				t.Fatal(err)
			}
		}
		if _, err := s.Verify(ctx, store.VerifyOptions{}); err != nil {
			t.Fatalf("text recorded before the rules must verify: %v", err)
		}
		out, n, err := s.TextBreaks(ctx, 4)
		if err != nil || n != 6 || len(out) != 4 {
			t.Fatalf("%d breaks, %d listed, want 6 and 4: %+v %v", n, len(out), out, err)
		}
		got := []string{}
		for _, b := range out {
			got = append(got, fmt.Sprintf("%s %d/%d %s: %s", b.What, b.Rev, b.Revs, b.Field, b.Problem))
		}
		want := []string{
			`ref old/1 1/2 ref: "old/1": a ref starts with a letter or a digit, followed by letters, digits, '.', '_', ':' or '-' (no spaces or '/'), e.g. bel-pledge-2021`,
			"ref old/1 1/1 note: a control character (U+001B) at character 2: remove it",
			"ref old/1 1/1 author: a bidirectional control character (U+202E) at character 8, which changes the order in which text is shown: remove it",
			"ref long-0-" + strings.Repeat("r", 60) + " 1/1 ref: too long (64 characters at most)",
		}
		if strings.Join(got, "\n") != strings.Join(want, "\n") {
			t.Errorf("breaks:\n%s\nwant\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
		}
	})
}

// TestTextRulesStore: what reaches the store through its own checks (a
// reason) is refused with a problem naming the field, on both engines,
// never with the database's error, and a NUL never reaches PostgreSQL.
func TestTextRulesStore(t *testing.T) {
	storetest.Each(t, func(t *testing.T, engine store.Dialect) {
		ctx := context.Background()
		s := storetest.Open(t, engine)
		if _, err := importString(t, s, "ok.csv", header+"p1,pledge,BEL,2021,,5,EUR,,,,,IRQ,,,src,\n", store.ImportOptions{}); err != nil {
			t.Fatal(err)
		}
		for _, c := range []struct {
			name string
			do   func() error
			want string
		}{
			{"void reason with NUL", func() error { _, err := s.Void(ctx, "p1", 0, "dup\x00", "officer"); return err }, "reason: a control character (U+0000)"},
			{"amend reason forging a line", func() error {
				_, err := s.Amend(ctx, "p1", 0, ledger.Fields{"amount": "6"}, "ok\nrevision 3 (void) by admin", "officer")
				return err
			}, "reason: a line break (U+000A) at character 3"},
			{"amend note with NUL", func() error {
				_, err := s.Amend(ctx, "p1", 0, ledger.Fields{"note": "a\x00b"}, "r", "officer")
				return err
			}, "note: a control character (U+0000) at character 2"},
			{"import with NUL in source", func() error {
				_, err := importString(t, s, "nul.csv", header+"p2,pledge,BEL,2021,,5,EUR,,,,,IRQ,,,src\x00,\n", store.ImportOptions{})
				return err
			}, "nul.csv:2: source: a control character (U+0000) at character 4"},
			{"import --amend reason with ESC", func() error {
				_, err := importString(t, s, "a.csv", header+"p1,pledge,BEL,2021,,7,EUR,,,,,IRQ,,,src,\n", store.ImportOptions{Amend: true, Reason: "r\x1b[2J"})
				return err
			}, "reason: a control character (U+001B) at character 2"},
		} {
			err := c.do()
			if !errors.Is(err, ledger.ErrInvalid) || !strings.Contains(err.Error(), c.want) {
				t.Errorf("%s: %v, want %q", c.name, err, c.want)
			}
		}
		if h, err := s.History(ctx, "p1"); err != nil || len(h) != 1 {
			t.Errorf("the refused changes wrote: %d revisions, %v", len(h), err)
		}
		// A reason is recorded trimmed and in NFC.
		r, err := s.Amend(ctx, "p1", 0, ledger.Fields{"amount": "6"}, " re\u0301vision ", "officer")
		if err != nil || r.Reason != "révision" {
			t.Errorf("reason recorded as %q, %v", r.Reason, err)
		}
	})
}
