package ledger

import (
	"fmt"
	"regexp"
	"strings"
	"testing"

	"github.com/coalition/pledger/internal/money"
	"github.com/shopspring/decimal"
)

// TestCleanText: the text rules, field by field.
func TestCleanText(t *testing.T) {
	for _, c := range []struct {
		field, in string
		want      string // the cleaned text, when fine
		problem   string // the problem, when refused
	}{
		{field: "source", in: "  https://example.org/a  ", want: "https://example.org/a"},
		{field: "note", in: "one\ntwo\tthree", want: "one\ntwo\tthree"},
		{field: "note", in: "one\r\ntwo\r\n", want: "one\ntwo"},
		{field: "note", in: "one\rtwo", problem: "a carriage return (U+000D) without a line feed at character 4: end lines with a line feed"},
		{field: "source", in: "one\ntwo", problem: "a line break (U+000A) at character 4: write it on one line (only a note may have line breaks)"},
		{field: "reason", in: "one\r\ntwo", problem: "a line break (U+000D) at character 4: write it on one line (only a note may have line breaks)"},
		{field: "asset", in: "F\t16", problem: "a tab at character 2: use a space (only a note may have tabs)"},
		{field: "note", in: "a\x00b", problem: "a control character (U+0000) at character 2: remove it"},
		{field: "note", in: "a\x1b[2Jb", problem: "a control character (U+001B) at character 2: remove it"},
		{field: "title", in: "a\x7fb", problem: "a control character (U+007F) at character 2: remove it"},
		{field: "title", in: "a\u0085b", problem: "a control character (U+0085) at character 2: remove it"},
		{field: "title", in: "a\u009bb", problem: "a control character (U+009B) at character 2: remove it"},
		{field: "note", in: "abc\u202edef", problem: "a bidirectional control character (U+202E) at character 4, which changes the order in which text is shown: remove it"},
		{field: "note", in: "\u202aa", problem: "a bidirectional control character (U+202A) at character 1"},
		{field: "note", in: "a\u2066b", problem: "a bidirectional control character (U+2066) at character 2"},
		{field: "note", in: "a\u2069b", problem: "a bidirectional control character (U+2069) at character 2"},
		{field: "note", in: "a\u2028b", problem: "a line break (U+2028) at character 2"},
		{field: "note", in: "a\u200fb", want: "a\u200fb"}, // a right-to-left mark is text
		{field: "note", in: "B\xffL", problem: "not valid UTF-8: save the file as UTF-8"},
		// NFC: "é" typed as e and a combining accent is stored as one
		// character, and counted as one.
		{field: "asset", in: "Me\u0301daille", want: "Médaille"},
		{field: "title", in: strings.Repeat("e\u0301", 200), want: strings.Repeat("é", 200)},
		{field: "title", in: strings.Repeat("é", 201), problem: "too long (200 characters at most)"},
		{field: "note", in: strings.Repeat("n", 10000), want: strings.Repeat("n", 10000)},
		{field: "note", in: strings.Repeat("n", 10001), problem: "too long (10000 characters at most)"},
		{field: "source", in: strings.Repeat("s", 2001), problem: "too long (2000 characters at most)"},
		{field: "reason", in: strings.Repeat("r", 2001), problem: "too long (2000 characters at most)"},
		{field: "rate-source", in: strings.Repeat("r", 501), problem: "too long (500 characters at most)"},
		{field: "author", in: strings.Repeat("a", 65), problem: "too long (64 characters at most)"},
		{field: "party", in: strings.Repeat("P", 17), problem: "too long (16 characters at most)"},
		{field: "ref", in: strings.Repeat("r", 65), problem: "too long (64 characters at most)"},
		{field: "ref", in: "..", problem: `"..": a ref starts with a letter or a digit`},
		{field: "toward", in: ".", problem: `".": a ref starts with a letter or a digit`},
		{field: "fulfils", in: "a/b", problem: `"a/b": a ref starts`},
		{field: "unknown-field", in: "a\nb", problem: "a line break"},
	} {
		got, p := CleanText(c.field, c.in)
		switch {
		case c.problem == "" && p != nil:
			t.Errorf("%s %q: refused: %s", c.field, c.in, p.Msg)
		case c.problem == "" && got != c.want:
			t.Errorf("%s %q: %q, want %q", c.field, c.in, got, c.want)
		case c.problem != "" && p == nil:
			t.Errorf("%s %q: accepted as %q, want %q", c.field, c.in, got, c.problem)
		case c.problem != "" && (!strings.HasPrefix(p.Msg, c.problem) || p.Field != c.field):
			t.Errorf("%s %q: %s: %s, want %s", c.field, c.in, p.Field, p.Msg, c.problem)
		}
	}
}

// TestRefGrammar: checkRef is RefGrammar, the regular expression the
// README gives, on every short string of the characters that matter.
func TestRefGrammar(t *testing.T) {
	re := regexp.MustCompile(RefGrammar)
	alphabet := []string{"a", "Z", "0", ".", "_", ":", "-", "/", " ", "é", "\x00"}
	var try func(s string, n int)
	try = func(s string, n int) {
		if s != "" {
			if ok := checkRef(s) == ""; ok != re.MatchString(s) {
				t.Errorf("%q: checkRef says %v, RefGrammar %v", s, ok, !ok)
			}
		}
		if n == 0 {
			return
		}
		for _, c := range alphabet {
			try(s+c, n-1)
		}
	}
	try("", 3)
	for _, s := range []string{strings.Repeat("a", MaxRef), strings.Repeat("a", MaxRef+1)} {
		if ok := checkRef(s) == ""; ok != re.MatchString(s) {
			t.Errorf("%d characters: checkRef says %v", len(s), ok)
		}
	}
}

// TestDefaultRefGrammar: a ref made for an entry given without one keeps
// the grammar, for the longest party code and every kind.
func TestDefaultRefGrammar(t *testing.T) {
	for _, k := range Kinds {
		d, _ := ParseDate("2021-10-31")
		e := Entry{Kind: k, Party: "A234567890123456", Date: d}
		if ref := defaultRef(e); checkRef(ref) != "" {
			t.Errorf("%s: %q: %s", k, ref, checkRef(ref))
		}
	}
	if _, err := NewParty("-X", "Dash"); err == nil {
		t.Error("a party code starting with '-' (a ref made from it would not keep the grammar)")
	}
}

// TestParseEntryText: the findings of issue #15 through ParseEntry, the
// one entry point: each bad field has one problem, naming it.
func TestParseEntryText(t *testing.T) {
	base := Fields{"ref": "r-1", "kind": "deployment", "party": "BEL", "date": "2021", "quantity": "4", "asset": "F-16", "source": "s", "note": "n"}
	for _, c := range []struct {
		field, value, want string
	}{
		{"note", "before\x00after", "note: a control character (U+0000) at character 7: remove it"},
		{"source", "src\x00", "source: a control character (U+0000) at character 4: remove it"},
		{"asset", "F-\x0016", "asset: a control character (U+0000) at character 3: remove it"},
		{"note", "ok\x1b]0;owned\x07", "note: a control character (U+001B) at character 3: remove it"},
		{"source", "\u202egnp.exe", "source: a bidirectional control character (U+202E) at character 1"},
		{"ref", ".", `ref: ".": a ref starts with a letter or a digit`},
		{"ref", "..", `ref: "..": a ref starts with a letter or a digit`},
		{"ref", "a/../b", `ref: "a/../b": a ref starts with a letter or a digit`},
		{"asset", strings.Repeat("x", 201), "asset: too long (200 characters at most)"},
		{"quantity", "9223372036854775807", "quantity: 9223372036854775807 is more than 1000000000000, the largest quantity"},
		{"kind", "deployment\x00", "kind: a control character (U+0000) at character 11: remove it"},
	} {
		f := Fields{}
		for k, v := range base {
			f[k] = v
		}
		f[c.field] = c.value
		_, ps := ParseEntry(f, 5, Known{}, RefRequired)
		if len(ps) != 1 || ps[0].Line != 5 || !strings.HasPrefix(ps[0].String(), "5: "+c.want) {
			t.Errorf("%s %q: %v, want one problem %q", c.field, c.value, ps, c.want)
		}
	}
	f := Fields{}
	for k, v := range base {
		f[k] = v
	}
	f["note"], f["asset"] = "Me\u0301daille\r\nline two", "Me\u0301daille"
	e, ps := ParseEntry(f, 0, Known{}, RefRequired)
	if len(ps) > 0 || e.Note != "Médaille\nline two" || e.Asset != "Médaille" {
		t.Errorf("NFC and CRLF: %q %q %v", e.Note, e.Asset, ps)
	}
	if f["asset"] != "Me\u0301daille" {
		t.Error("ParseEntry changed its caller's fields")
	}
}

// TestAmendedRecordedText: a field recorded before the text rules is kept
// as recorded when an amendment gives it back, unless it holds a refused
// character, which the amendment must then correct.
func TestAmendedRecordedText(t *testing.T) {
	long := strings.Repeat("r", 80) // a ref of an older, longer limit
	y, _ := ParseDate("2021")
	cur := Entry{Ref: long, Kind: Pledge, Party: "BEL", Date: y, Qualifier: Exact,
		Note: "Me\u0301daille", Toward: "old/need"}
	cur.Amount = decimal.NullDecimal{Decimal: decimal.NewFromInt(1), Valid: true}
	cur.Currency, _ = money.ParseCurrency("EUR")
	e, ps := Amended(cur, Fields{"amount": "2"}, Known{})
	if len(ps) > 0 || e.Ref != long || e.Note != "Me\u0301daille" || e.Toward != "old/need" {
		t.Errorf("recorded ref, toward and note not kept: %+v %v", e, ps)
	}
	if _, ps := Amended(cur, Fields{"toward": "other/need"}, Known{}); len(ps) != 1 || ps[0].Field != "toward" {
		t.Errorf("a changed toward must keep the grammar: %v", ps)
	}
	cur.Note = "a\x00b"
	_, ps = Amended(cur, Fields{"amount": "2"}, Known{})
	if len(ps) != 1 || ps[0].Field != "note" || ps[0].Code != CodeCharacter ||
		ps[0].Msg != "a control character (U+0000) at character 2: remove it (recorded so before the text rules: correct this field too)" {
		t.Errorf("a recorded NUL carried on: %v", ps)
	}
	e, ps = Amended(cur, Fields{"amount": "2", "note": "a b"}, Known{})
	if len(ps) > 0 || e.Note != "a b" {
		t.Errorf("correcting the note too: %q %v", e.Note, ps)
	}
}

// TestCheckReason: a reason is one line of text.
func TestCheckReason(t *testing.T) {
	for in, want := range map[string]string{
		"":                               "reason: required",
		"ok\nrevision 3 (void) by admin": "reason: a line break (U+000A) at character 3",
		"ok\x1b[31m":                     "reason: a control character (U+001B) at character 3",
		strings.Repeat("r", 2001):        "reason: too long (2000 characters at most)",
	} {
		ps := CheckReason(in)
		if len(ps) != 1 || !strings.HasPrefix(ps[0].String(), want) {
			t.Errorf("%q: %v, want %q", in, ps, want)
		}
	}
	if r, ps := CleanReason("  budget re\u0301view "); len(ps) > 0 || r != "budget réview" {
		t.Errorf("CleanReason: %q %v", r, ps)
	}
}

// TestTextProblem: what verify says of stored text.
func TestTextProblem(t *testing.T) {
	for _, c := range []struct{ field, in, want string }{
		{"note", "fine\nlines", ""},
		{"note", " spaced, not NFC: e\u0301 ", ""},
		{"reason", "a\nb", "a line break (U+000A) at character 2: write it on one line (only a note may have line breaks)"},
		{"ref", "a/b", `"a/b": a ref starts with a letter or a digit`},
		{"author", "x\x1b[2J", "a control character (U+001B) at character 2: remove it"},
	} {
		if got := TextProblem(c.field, c.in); !strings.HasPrefix(got, c.want) || (c.want == "") != (got == "") {
			t.Errorf("%s %q: %q, want %q", c.field, c.in, got, c.want)
		}
	}
}

// TestPrintable: nothing the rules refuse reaches a terminal as itself.
func TestPrintable(t *testing.T) {
	for in, want := range map[string]string{
		"plain, with a \\ backslash and é": "plain, with a \\ backslash and é",
		"a\nb\tc\rd":                       `a\nb\tc\rd`,
		"\x1b[2J\x00\x7f\u0085":            `\x1b[2J\x00\x7f\x85`,
		"x\u202ey\u2066z\u2028":            `x\u202ey\u2066z\u2028`,
		"B\xffL":                           `B\xffL`,
	} {
		if got := Printable(in); got != want {
			t.Errorf("Printable(%q) = %q, want %q", in, got, want)
		}
	}
	if got := PrintableLines("one\x1b\ntwo"); got != "one\\x1b\ntwo" {
		t.Errorf("PrintableLines: %q", got)
	}
	for r := rune(0); r < 0x3000; r++ {
		s := Printable(string(r))
		if refused(r) && s == string(r) {
			t.Errorf("U+%04X printed as itself", r)
		}
		if _, p := CleanText("note", fmt.Sprintf("a%cb", r)); p != nil && p.Code == CodeCharacter && s == string(r) {
			t.Errorf("U+%04X refused but printed as itself", r)
		}
	}
}

// BenchmarkParseEntry: one typical row through every check, the text rules
// included (an import's cost per row in the domain).
func BenchmarkParseEntry(b *testing.B) {
	f := Fields{"ref": "bel-com-2016-stab", "kind": "commitment", "party": "BEL", "date": "2016-03-15", "amount": "18000000",
		"currency": "EUR", "qualifier": "at-least", "sector": "reconstruction;demining;camps", "location": "IRQ;SYR",
		"source": "https://diplomatie.belgium.be/nl/newsroom/nieuws/2021/sophie_wilmes", "note": "Belgique – België, about 18 million"}
	known := Known{Party: func(string) bool { return true }}
	for b.Loop() {
		if _, ps := ParseEntry(f, 1, known, RefRequired); len(ps) > 0 {
			b.Fatal(ps)
		}
	}
}
