package main

// End-to-end tests of the text rules (ledger.CleanText) at every door of
// the command line, and of how stored text reaches the terminal: history,
// list and verify escape what the rules refuse, even in a ledger recorded
// before them (helpers in cli_test.go).

import (
	"context"
	"strings"
	"testing"

	"github.com/coalition/pledger/internal/ledger"
	"github.com/coalition/pledger/internal/store"
	"github.com/coalition/pledger/internal/store/storetest"
)

// rawControl tells whether s holds a character a terminal would act on:
// any control character but the line feeds that end lines, or a
// bidirectional control.
func rawControl(s string) bool {
	return strings.ContainsFunc(s, func(r rune) bool {
		return r != '\n' && (r < 0x20 || r >= 0x7f && r <= 0x9f || r >= 0x202a && r <= 0x202e || r >= 0x2066 && r <= 0x2069)
	})
}

// checkRefused checks that a command was refused for bad text: exit 2,
// the field named with the problem, nothing on stdout, no control
// character on the terminal, and the ledger as before.
func checkRefused(t *testing.T, dsn, before string, res result, want string) {
	t.Helper()
	if res.code != 2 || res.stdout != "" {
		t.Errorf("want exit 2 and no output, got %s", res)
	}
	if !strings.Contains(res.stderr, want) {
		t.Errorf("stderr lacks %q:\n%s", want, clip(res.stderr))
	}
	if rawControl(res.stderr) {
		t.Errorf("stderr holds a raw control character: %q", res.stderr)
	}
	assertUnchanged(t, dsn, before)
}

// TestCLITextRulesAdd: `pledger add` refuses a NUL, an escape sequence, a
// bidirectional override, an overlong value and a bad ref, naming the
// field, and writes nothing; NFC and a note's line breaks are kept.
func TestCLITextRulesAdd(t *testing.T) {
	pledge := []string{"add", "pledge", "--party", "BEL", "--date", "2021", "--amount", "1000", "--currency", "EUR"}
	dep := []string{"add", "deployment", "--party", "BEL", "--date", "2021", "--asset", "F-16", "--quantity", "4"}
	cases := []struct {
		name string
		args []string
		want string
	}{
		{"NUL in note", append(pledge, "--note", "a\x00b"), "note: a control character (U+0000) at character 2: remove it"},
		{"NUL in source", append(pledge, "--source", "https://example.org/\x00"), "source: a control character (U+0000) at character 21"},
		{"NUL in asset", []string{"add", "deployment", "--party", "BEL", "--date", "2021", "--quantity", "4", "--asset", "F-\x0016"}, "asset: a control character (U+0000) at character 3"},
		{"ESC in note", append(pledge, "--note", "ok\x1b[2J\x1b[31m"), "note: a control character (U+001B) at character 3"},
		{"bidi override in source", append(pledge, "--source", "report\u202efdp.exe"), "source: a bidirectional control character (U+202E) at character 7"},
		{"line break in source", append(pledge, "--source", "a\nb"), "source: a line break (U+000A) at character 2: write it on one line"},
		{"overlong source", append(pledge, "--source", strings.Repeat("s", 2001)), "source: too long (2000 characters at most)"},
		{"overlong ref", append(pledge, "--ref", strings.Repeat("r", 65)), "ref: too long (64 characters at most)"},
		{"ref .", append(pledge, "--ref", "."), `ref: ".": a ref starts with a letter or a digit`},
		{"ref ..", append(pledge, "--ref", ".."), `ref: "..": a ref starts with a letter or a digit`},
		{"ref with a slash", append(pledge, "--ref", "bel/2021"), `ref: "bel/2021": a ref starts with a letter or a digit`},
		{"toward ..", append(pledge, "--toward", ".."), `toward: "..": a ref starts`},
		{"quantity above the limit", append(dep[:len(dep)-1], "40000000000000"), "quantity: 40000000000000 is more than 1000000000000, the largest quantity"},
		{"ESC in --as", append(pledge, "--as", "admin\x1b[8m"), "--as: a control character (U+001B) at character 6"},
	}
	storetest.Each(t, func(t *testing.T, engine store.Dialect) {
		dsn := seedLedger(t, engine)
		before := snapshot(t, dsn)
		for _, c := range cases {
			t.Run(c.name, func(t *testing.T) {
				checkRefused(t, dsn, before, pledger(t, dsn, c.args...), c.want)
			})
		}
		// What the rules keep: NFC, and a note's line breaks (CRLF as LF).
		mustPledger(t, dsn, append(pledge, "--ref", "nfc-1", "--note", "line one\r\nMe\u0301daille", "--source", "Me\u0301daille", "--as", "Ame\u0301lie")...)
		e := listJSON(t, dsn)["nfc-1"]
		if e.Note != "line one\nMédaille" || e.Source != "Médaille" || e.Author != "Amélie" {
			t.Errorf("stored note %q, source %q, author %q", e.Note, e.Source, e.Author)
		}
	})
}

// TestCLITextRulesImport: a CSV file and an Excel workbook with one bad
// value are refused whole, naming the line (cell) and the field.
func TestCLITextRulesImport(t *testing.T) {
	cases := []struct {
		name, field, value, want string
	}{
		{"NUL in note", "note", "a\x00b", "note: a control character (U+0000) at character 2: remove it"},
		{"ESC in source", "source", "x\x1b]0;pwned\x07", "source: a control character (U+001B) at character 2"},
		{"bidi isolate in asset", "asset", "F-16\u2067", "asset: a bidirectional control character (U+2067) at character 5"},
		{"overlong note", "note", strings.Repeat("n", 10001), "note: too long (10000 characters at most)"},
		{"ref ..", "ref", "..", `ref: "..": a ref starts with a letter or a digit`},
		{"ref with a space", "ref", "a b", `ref: "a b": a ref starts`},
	}
	storetest.Each(t, func(t *testing.T, engine store.Dialect) {
		dsn := seedLedger(t, engine)
		before := snapshot(t, dsn)
		for _, c := range cases {
			t.Run("csv/"+c.name, func(t *testing.T) {
				good := with(goodPledge, "ref", "text-ok")
				bad := with(goodPledge, "ref", "text-bad", c.field, c.value)
				f := writeFile(t, "text.csv", header+"\n"+row(good)+row(bad))
				checkRefused(t, dsn, before, pledger(t, dsn, "import", f), "text.csv:3: "+c.want)
			})
		}
		// A workbook cannot hold NUL or ESC (Excel's XML refuses them), but
		// a bidirectional control, a line break, a long value or a bad ref.
		for _, c := range []struct{ name, col, value, want string }{
			{"bidi override", "toward", "\u202ecoal", "Blad1!H2: toward: a bidirectional control character (U+202E) at character 1"},
			{"line break in toward", "toward", "a\nb", "Blad1!H2: toward: a line break (U+000A) at character 2"},
			{"ref ..", "ref", "..", `Blad1!A2: ref: "..": a ref starts with a letter or a digit`},
			{"overlong ref", "ref", strings.Repeat("r", 65), "Blad1!A2: ref: too long (64 characters at most)"},
		} {
			t.Run("xlsx/"+c.name, func(t *testing.T) {
				r := []any{"xl-text", "pledge", "BEL", 2021, "", 1000, "EUR", ""}
				for i, h := range bookHeader {
					if h == c.col {
						r[i] = c.value
					}
				}
				book := saveBook(t, "text.xlsx", bookHeader, r)
				checkRefused(t, dsn, before, pledger(t, dsn, "import", book), "text.xlsx:"+c.want)
			})
		}
	})
}

// TestCLITextRulesReasonAndNames: amend's and void's reason, import
// --amend's reason, a party's and a sector's name, a rate's source and a
// token's label keep the text rules too, and nothing is written.
func TestCLITextRulesReasonAndNames(t *testing.T) {
	forged := "entered twice\nrevision 3 (void) at 2026-01-01T00:00:00Z by admin"
	storetest.Each(t, func(t *testing.T, engine store.Dialect) {
		dsn := seedLedger(t, engine)
		before := snapshot(t, dsn)
		corr := writeFile(t, "corr.csv", header+"\n"+row(map[string]string{"ref": "seed-pledge", "kind": "pledge", "party": "BEL",
			"date": "2021-03", "amount": "6000.00", "currency": "EUR", "toward": "seed-need"}))
		for _, c := range []struct {
			name string
			args []string
			want string
		}{
			{"void reason with a forged line", []string{"void", "seed-pledge", "--reason", forged}, "reason: a line break (U+000A) at character 14: write it on one line"},
			{"amend reason with ESC", []string{"amend", "seed-pledge", "--amount", "6000", "--reason", "fix\x1b[2J"}, "reason: a control character (U+001B) at character 4"},
			{"amend reason overlong", []string{"amend", "seed-pledge", "--amount", "6000", "--reason", strings.Repeat("r", 2001)}, "reason: too long (2000 characters at most)"},
			{"amend note with NUL", []string{"amend", "seed-pledge", "--note", "a\x00", "--reason", "r"}, "note: a control character (U+0000) at character 2"},
			{"import --amend reason", []string{"import", corr, "--amend", "--reason", "fix\u202e"}, "reason: a bidirectional control character (U+202E) at character 4"},
			{"party name", []string{"party", "add", "XYZ", "--name", "Xyz\x1b[2J"}, "name: a control character (U+001B) at character 4"},
			{"sector name", []string{"sector", "add", "health", "--name-en", "Health\u202e", "--name-nl", "Gezondheid", "--name-fr", "Santé"}, "name-en: a bidirectional control character (U+202E) at character 7"},
			{"rate source", []string{"rates", "set", "2021-01-04", "EUR", "USD", "1.2296", "--source", "ECB\x00"}, "source: a control character (U+0000) at character 4"},
			{"token label", []string{"token", "create", "bob", "--label", "sync\nsecond line"}, "--label: a line break (U+000A) at character 5"},
		} {
			t.Run(c.name, func(t *testing.T) {
				checkRefused(t, dsn, before, pledger(t, dsn, c.args...), c.want)
			})
		}
		rates := writeFile(t, "ecb.csv", "Date,USD,\n2021-01-04,1.2296,\n")
		t.Run("rates import --source", func(t *testing.T) {
			checkRefused(t, dsn, before, pledger(t, dsn, "rates", "import", rates, "--source", "ECB\nsecond line"), "source: a line break (U+000A) at character 4")
		})
		// A good reason is stored trimmed and in NFC.
		mustPledger(t, dsn, "amend", "seed-pledge", "--amount", "6000", "--reason", " re\u0301vision ")
		if h := historyJSON(t, dsn, "seed-pledge"); h[len(h)-1].Reason != "révision" {
			t.Errorf("reason stored as %q", h[len(h)-1].Reason)
		}
	})
}

// addOld records e with author as a ledger written before the text rules
// could: store.Add takes the entry as given (its doors validate).
func addOld(t *testing.T, dsn string, e ledger.Entry, author string) {
	t.Helper()
	s, err := store.Open(context.Background(), dsn)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	if _, err := s.Add(context.Background(), e, author); err != nil {
		t.Fatal(err)
	}
}

// oldEntry is a valid entry to fill with old text.
func oldEntry(t *testing.T, ref string) ledger.Entry {
	t.Helper()
	e, ps := ledger.ParseEntry(ledger.Fields{"ref": "placeholder", "kind": "deployment", "party": "BEL", "date": "2021", "quantity": "4", "asset": "F-16"},
		0, ledger.Known{}, ledger.RefRequired)
	if len(ps) > 0 {
		t.Fatal(ps)
	}
	e.Ref = ref
	return e
}

// TestCLIHistoryEscapes: a reason with a line break and escape sequences,
// written straight into the store, cannot forge a line of history or reach
// the terminal; neither can an author or a note recorded before the rules.
func TestCLIHistoryEscapes(t *testing.T) {
	storetest.Each(t, func(t *testing.T, engine store.Dialect) {
		dsn := seedLedger(t, engine)
		e := oldEntry(t, "old-1")
		e.Note = "first\nsecond\x1b[2J"
		e.Asset = "F-16\x1b[8m"
		addOld(t, dsn, e, "mallory\x1b[31m")
		// list's table escapes the stored asset.
		list := mustPledger(t, dsn, "list")
		if rawControl(list) || !strings.Contains(list, `F-16\x1b[8m`) {
			t.Errorf("list:\n%q", list)
		}
		mustPledger(t, dsn, "void", "old-1", "--reason", "entered twice")
		db := openRaw(t, engine, dsn)
		forged := "entered twice\nrevision 3 (void) at 2026-01-01T00:00:00Z by admin\n  reason: approved\x1b[2J\u202e"
		if _, err := db.Exec(`UPDATE revisions SET reason = '` + strings.ReplaceAll(forged, "'", "''") + `' WHERE ref = 'old-1' AND rev = 2`); err != nil {
			t.Fatal(err)
		}
		out := mustPledger(t, dsn, "history", "old-1")
		if rawControl(out) {
			t.Errorf("history sends control characters to the terminal:\n%q", out)
		}
		lines := strings.Split(strings.TrimSuffix(out, "\n"), "\n")
		var heads []string
		for _, l := range lines {
			if strings.HasPrefix(l, "revision ") {
				heads = append(heads, l)
			}
			if !strings.HasPrefix(l, "revision ") && !strings.HasPrefix(l, "  ") {
				t.Errorf("a line that is neither a revision nor indented: %q", l)
			}
		}
		if len(heads) != 2 {
			t.Errorf("want 2 revision lines, got %d (a forged one?):\n%s", len(heads), out)
		}
		for _, want := range []string{
			`by mallory\x1b[31m`,
			`  reason: entered twice\nrevision 3 (void) at 2026-01-01T00:00:00Z by admin\n  reason: approved\x1b[2J\u202e`,
			`  note: first\nsecond\x1b[2J`,
			`  asset: F-16\x1b[8m`,
		} {
			if !strings.Contains(out, want+"\n") {
				t.Errorf("history lacks %q:\n%s", want, out)
			}
		}
	})
}

// TestCLIVerifyTextNotes: a ledger holding text recorded before the rules
// verifies, and verify's note lists each value, escaped, with what to do.
func TestCLIVerifyTextNotes(t *testing.T) {
	storetest.Each(t, func(t *testing.T, engine store.Dialect) {
		dsn := seedLedger(t, engine)
		if out := mustPledger(t, dsn, "verify"); strings.Contains(out, "text rules") {
			t.Errorf("a clean ledger has text notes:\n%s", out)
		}
		e := oldEntry(t, "old/slash")
		e.Source = "src\u202eexe.pdf"
		addOld(t, dsn, e, "mallory\x1b[31m")
		e = oldEntry(t, "old-2")
		e.Note = "note\x1b[2J"
		addOld(t, dsn, e, "seeder")
		if engine == store.SQLite {
			// SQLite stores a NUL; PostgreSQL never could.
			e = oldEntry(t, "old-nul")
			e.Note = "a\x00b"
			addOld(t, dsn, e, "seeder")
		}
		res := pledger(t, dsn, "verify")
		if res.code != 0 {
			t.Fatalf("a ledger recorded before the rules must verify: %s", res)
		}
		if rawControl(res.stdout) {
			t.Errorf("verify sends control characters to the terminal:\n%q", res.stdout)
		}
		n := "4"
		want := []string{
			`ref old/slash (revision 1): ref: "old/slash": a ref starts with a letter or a digit`,
			`ref old/slash (revision 1): source: a bidirectional control character (U+202E) at character 4`,
			`ref old/slash (revision 1): author: a control character (U+001B) at character 8: remove it`,
			`ref old-2 (revision 1): note: a control character (U+001B) at character 5: remove it`,
		}
		if engine == store.SQLite {
			n = "5"
			want = append(want, `ref old-nul (revision 1): note: a control character (U+0000) at character 2: remove it`)
		}
		want = append(want, "note: "+n+" stored values break the text rules", "pledger amend REF")
		for _, w := range want {
			if !strings.Contains(res.stdout, w) {
				t.Errorf("verify lacks %q:\n%s", w, res.stdout)
			}
		}
		// The NUL entry cannot be amended as it is: the correction must fix it.
		if engine == store.SQLite {
			before := snapshot(t, dsn)
			checkRefused(t, dsn, before, pledger(t, dsn, "amend", "old-nul", "--quantity", "5", "--reason", "recount"),
				"note: a control character (U+0000) at character 2: remove it (recorded so before the text rules: correct this field too)")
			mustPledger(t, dsn, "amend", "old-nul", "--quantity", "5", "--note", "a b", "--reason", "recount")
		}
		// The old ref can still be corrected: a ref is kept as recorded.
		mustPledger(t, dsn, "amend", "old/slash", "--quantity", "5", "--source", "src", "--reason", "recount")
	})
}
