package main

// End-to-end tests of the command line: adding, amending and voiding entries (helpers in cli_test.go).

import (
	"regexp"
	"strings"
	"testing"

	"github.com/coalition/pledger/internal/store"
	"github.com/coalition/pledger/internal/store/storetest"
	// The "sqlite" (modernc.org/sqlite) and "postgres" (lib/pq) drivers used
	// by the tamper tests are registered by the store package.
)

func TestCLIAddBadInput(t *testing.T) {
	pledge := []string{"--party", "BEL", "--date", "2021", "--amount", "1000", "--currency", "EUR"}
	huge := strings.Repeat("x", 10<<20)
	cases := []struct {
		name  string
		args  []string
		field string
		also  []string
	}{
		{"unknown kind", append([]string{"add", "grant"}, pledge...), "kind", []string{`"grant"`}},
		{"unknown currency", []string{"add", "pledge", "--party", "BEL", "--date", "2021", "--amount", "1000", "--currency", "ABC"}, "currency", []string{`"ABC"`}},
		{"1.5 JPY", []string{"add", "pledge", "--party", "BEL", "--date", "2021", "--amount", "1.5", "--currency", "JPY"}, "amount", []string{"JPY"}},
		{"pledge without amount", []string{"add", "pledge", "--party", "BEL", "--date", "2021"}, "amount", nil},
		{"deployment without quantity", []string{"add", "deployment", "--party", "BEL", "--date", "2021", "--asset", "F-16"}, "quantity", nil},
		{"unknown party", []string{"add", "pledge", "--party", "ACME", "--date", "2021", "--amount", "1000", "--currency", "EUR"}, "party", []string{"ACME", "pledger party add"}},
		{"toward a pledge", append([]string{"add", "pledge", "--toward", "seed-pledge"}, pledge...), "toward", []string{"seed-pledge"}},
		{"toward a missing ref", append([]string{"add", "pledge", "--toward", "no-such-need"}, pledge...), "toward", []string{"no-such-need"}},
		{"impossible date", []string{"add", "pledge", "--party", "BEL", "--date", "2021-02-30", "--amount", "1000", "--currency", "EUR"}, "date", nil},
		{"ref in use", append([]string{"add", "pledge", "--ref", "seed-pledge"}, pledge...), "", []string{"seed-pledge"}},
		{"10 MB note", append([]string{"add", "pledge", "--note", huge}, pledge...), "note", nil},
		{"10 MB toward", append([]string{"add", "pledge", "--toward", huge}, pledge...), "toward", nil},
		{"10 MB quantity of zeros", []string{"add", "deployment", "--party", "BEL", "--date", "2021", "--asset", "F-16", "--quantity", strings.Repeat("0", 10<<20)}, "quantity", nil},
		// Without --ref, a toward named "pending" is a missing need, not the entry itself.
		{"toward a missing ref named pending", append([]string{"add", "pledge", "--toward", "pending"}, pledge...), "toward", []string{"no entry"}},
	}
	storetest.Each(t, func(t *testing.T, engine store.Dialect) {
		dsn := seedLedger(t, engine)
		before := snapshot(t, dsn)
		for _, c := range cases {
			t.Run(c.name, func(t *testing.T) {
				res := pledger(t, dsn, c.args...)
				want := 2
				if c.name == "ref in use" {
					want = 4
				}
				if res.code != want {
					t.Errorf("want exit %d, got %s", want, res)
				}
				if res.stdout != "" {
					t.Errorf("stdout should be empty, got %q", clip(res.stdout))
				}
				if c.field != "" && !strings.Contains(res.stderr, c.field+": ") {
					t.Errorf("stderr does not name the field %q:\n%s", c.field, clip(res.stderr))
				}
				for _, s := range c.also {
					if !strings.Contains(res.stderr, s) {
						t.Errorf("stderr lacks %q:\n%s", s, clip(res.stderr))
					}
				}
				if len(res.stderr) >= 4<<10 {
					t.Errorf("stderr is %d bytes: a bad value must be quoted clipped, not whole", len(res.stderr))
				}
				assertUnchanged(t, dsn, before)
			})
		}

		t.Run("same command twice", func(t *testing.T) {
			args := append([]string{"add", "pledge", "--sector", "demining"}, pledge...)
			first := pledger(t, dsn, args...)
			if first.code != 0 {
				t.Fatalf("first add: want exit 0, got %s", first)
			}
			m := regexp.MustCompile(`added (\S+) `).FindStringSubmatch(first.stdout)
			if m == nil {
				t.Fatalf("first add: no ref in %q", first.stdout)
			}
			mid := snapshot(t, dsn)
			second := pledger(t, dsn, args...)
			if second.code != 4 {
				t.Errorf("second add: want exit 4 (conflict), got %s", second)
			}
			if !strings.Contains(second.stderr, m[1]) {
				t.Errorf("second add: stderr does not name ref %s:\n%s", m[1], second.stderr)
			}
			assertUnchanged(t, dsn, mid)
			n := 0
			for _, e := range listJSON(t, dsn) {
				if e.Kind == "pledge" && e.Party == "BEL" && len(e.Sectors) == 1 && e.Sectors[0] == "demining" {
					n++
				}
			}
			if n != 1 {
				t.Errorf("want exactly one such pledge, got %d", n)
			}
		})
	})
}

// ---------------------------------------------------------------------------
// 3. good paths: add, amend, history, void, as-of

func TestCLILifecycle(t *testing.T) {
	storetest.Each(t, func(t *testing.T, engine store.Dialect) {
		dsn := storetest.DSN(t, engine)
		mustPledger(t, dsn, "init")
		out := mustPledger(t, dsn, "add", "need", "--ref", "n1", "--party", "COALITION", "--date", "2021",
			"--amount", "670000000", "--currency", "USD", "--sector", "stabilisation", "--location", "IRQ;SYR", "--as", "bob")
		if !strings.Contains(out, "added n1") {
			t.Errorf("add need: stdout %q", out)
		}
		mustPledger(t, dsn, "add", "pledge", "--ref", "p1", "--party", "BEL", "--date", "2021-03",
			"--amount", "5000000", "--currency", "EUR", "--toward", "n1", "--as", "bob")

		list := listJSON(t, dsn)
		if len(list) != 2 {
			t.Fatalf("list: want 2 entries, got %d: %v", len(list), list)
		}
		if p := list["p1"]; p.Toward != "n1" || p.Amount != "5000000.00" || p.Currency != "EUR" || p.Revision != 1 || p.Author != "bob" {
			t.Errorf("p1 as listed: %+v", p)
		}

		// amend without a reason is refused
		res := pledger(t, dsn, "amend", "p1", "--amount", "6000000", "--as", "alice")
		if res.code != 2 || !strings.Contains(res.stderr, "reason") {
			t.Errorf("amend without --reason: want exit 2 naming reason, got %s", res)
		}
		// amend without any field is refused
		if res := pledger(t, dsn, "amend", "p1", "--reason", "nothing"); res.code != 2 {
			t.Errorf("amend without a field: want exit 2, got %s", res)
		}
		// the kind cannot be changed by an amendment... there is no --kind flag at all
		if res := pledger(t, dsn, "amend", "p1", "--kind", "need", "--reason", "x"); res.code != 2 {
			t.Errorf("amend --kind: want exit 2, got %s", res)
		}
		// a bad amendment is refused as a whole
		if res := pledger(t, dsn, "amend", "p1", "--amount", "1.234", "--reason", "typo", "--as", "alice"); res.code != 2 || !strings.Contains(res.stderr, "amount: ") {
			t.Errorf("amend --amount 1.234 EUR: want exit 2 naming amount, got %s", res)
		}

		mustPledger(t, dsn, "amend", "p1", "--amount", "6000000", "--reason", "budget review", "--as", "alice")
		if p := listJSON(t, dsn)["p1"]; p.Amount != "6000000.00" || p.Revision != 2 || p.Author != "alice" {
			t.Errorf("p1 after amend: %+v", p)
		}
		revs := historyJSON(t, dsn, "p1")
		if len(revs) != 2 {
			t.Fatalf("history p1: want 2 revisions, got %+v", revs)
		}
		if r := revs[0]; r.Revision != 1 || r.Action != "add" || r.Author != "bob" {
			t.Errorf("history p1 revision 1: %+v", r)
		}
		if r := revs[1]; r.Revision != 2 || r.Action != "amend" || r.Author != "alice" || r.Reason != "budget review" ||
			r.Changes["amount"] != "6000000.00" || len(r.Changes) != 1 {
			t.Errorf("history p1 revision 2: %+v", r)
		}
		table := mustPledger(t, dsn, "history", "p1")
		for _, s := range []string{"revision 1 (add)", "by bob", "revision 2 (amend)", "by alice", "reason: budget review", "amount: 6000000.00"} {
			if !strings.Contains(table, s) {
				t.Errorf("history p1 table lacks %q:\n%s", s, table)
			}
		}

		beforeVoid := revs[1].RecordedAt
		if res := pledger(t, dsn, "void", "p1", "--as", "alice"); res.code != 2 || !strings.Contains(res.stderr, "reason") {
			t.Errorf("void without --reason: want exit 2, got %s", res)
		}
		mustPledger(t, dsn, "void", "p1", "--reason", "entered twice", "--as", "alice")
		if _, ok := listJSON(t, dsn)["p1"]; ok {
			t.Errorf("p1 still listed after void")
		}
		if strings.Contains(mustPledger(t, dsn, "export"), "\np1,") {
			t.Errorf("p1 still exported after void")
		}
		old := listJSON(t, dsn, "--as-of", beforeVoid)
		if p, ok := old["p1"]; !ok || p.Amount != "6000000.00" || p.Revision != 2 {
			t.Errorf("list --as-of %s: want p1 at revision 2, got %+v (ok=%v)", beforeVoid, p, ok)
		}
		first := listJSON(t, dsn, "--as-of", historyJSON(t, dsn, "n1")[0].RecordedAt)
		if _, ok := first["p1"]; ok || len(first) != 1 {
			t.Errorf("list --as-of the first revision: want n1 only, got %v", first)
		}
		if res := pledger(t, dsn, "list", "--as-of", "2000-01-01"); res.code != 2 {
			t.Errorf("list --as-of before the ledger: want exit 2, got %s", res)
		}
		if res := pledger(t, dsn, "list", "--as-of", "yesterday"); res.code != 2 {
			t.Errorf("list --as-of yesterday: want exit 2, got %s", res)
		}
		revs = historyJSON(t, dsn, "p1")
		if len(revs) != 3 || revs[2].Action != "void" || revs[2].Reason != "entered twice" {
			t.Errorf("history p1 after void: %+v", revs)
		}

		voided := writeFile(t, "voided.csv", header+"\n"+row(map[string]string{"ref": "p1", "kind": "pledge", "party": "BEL",
			"date": "2021-03", "amount": "6000000.00", "currency": "EUR", "toward": "n1"}))
		if res := pledger(t, dsn, "import", voided); res.code != 2 || !strings.Contains(res.stderr, voided+":2: ref: ") {
			t.Errorf("import of a voided ref: want exit 2 at %s:2: ref:, got %s", voided, res)
		}
		if res := pledger(t, dsn, "void", "p1", "--reason", "again"); res.code != 4 {
			t.Errorf("void twice: want exit 4, got %s", res)
		}
		if res := pledger(t, dsn, "amend", "p1", "--amount", "1", "--reason", "x"); res.code != 4 {
			t.Errorf("amend of a voided entry: want exit 4, got %s", res)
		}
		if res := pledger(t, dsn, "add", "pledge", "--ref", "p1", "--party", "BEL", "--date", "2021", "--amount", "1", "--currency", "EUR"); res.code != 4 {
			t.Errorf("add of a voided ref: want exit 4, got %s", res)
		}
		if res := pledger(t, dsn, "add", "pledge", "--ref", "p2", "--party", "BEL", "--date", "2021", "--amount", "1", "--currency", "EUR", "--toward", "p1"); res.code != 2 {
			t.Errorf("add toward a voided ref: want exit 2, got %s", res)
		}
		for _, args := range [][]string{
			{"amend", "nope", "--amount", "1", "--reason", "x"},
			{"void", "nope", "--reason", "x"},
			{"history", "nope"},
		} {
			if res := pledger(t, dsn, args...); res.code != 3 || !strings.Contains(res.stderr, "nope") {
				t.Errorf("%s: want exit 3 naming the ref, got %s", strings.Join(args, " "), res)
			}
		}
		if res := pledger(t, dsn, "verify"); res.code != 0 || !strings.Contains(res.stdout, "ok: 4 revisions") {
			t.Errorf("verify: %s", res)
		}

		// Links may point at rows later in the same file.
		links := writeFile(t, "links.csv", header+"\n"+
			row(map[string]string{"ref": "c2", "kind": "commitment", "party": "DEU", "date": "2021-05",
				"amount": "40000000", "currency": "EUR", "toward": "n1", "fulfils": "p2"})+
			row(map[string]string{"ref": "p2", "kind": "pledge", "party": "DEU", "date": "2021",
				"amount": "40000000", "currency": "EUR", "qualifier": "about", "toward": "n1"}))
		if out := mustPledger(t, dsn, "import", links); !strings.Contains(out, "2 rows, 2 added") {
			t.Errorf("import with in-file links: stdout %q", out)
		}
		if c := listJSON(t, dsn)["c2"]; c.Fulfils != "p2" || c.Toward != "n1" || c.Amount != "40000000.00" {
			t.Errorf("c2: %+v", c)
		}
	})
}

// ---------------------------------------------------------------------------
// 4. CSV as Belgian spreadsheets save it
