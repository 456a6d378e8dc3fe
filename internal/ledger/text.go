package ledger

import (
	"fmt"
	"strings"
	"unicode/utf8"

	"golang.org/x/text/unicode/norm"
)

// The text rules. Every piece of text that enters the ledger (an entry's
// fields, the reason of a correction or a withdrawal, who records it, a
// party's or a sector's name, a rate's source, a token's label) passes
// CleanText, whatever the door (the command line, a CSV or Excel file, a
// form, the API), so that one rule decides what text may be stored:
//
//   - It must be valid UTF-8. Surrounding white space is trimmed.
//   - It is stored in Unicode NFC (composed: "é" is one character, however
//     it was typed), so that equal text is equal bytes.
//   - Control characters are refused: NUL and the other C0 controls, DEL,
//     the C1 controls (U+0080–U+009F), the bidirectional overrides and
//     isolates (U+202A–U+202E, U+2066–U+2069, which reorder how the text
//     around them is shown) and the line and paragraph separators
//     (U+2028, U+2029). A note alone may hold line breaks and tabs; a
//     CRLF line break is stored as LF.
//   - Each field has a length limit, in characters (TextRules).
//   - A ref (and toward and fulfils, which name one) follows RefGrammar.
//
// Text recorded before these rules is kept as it was recorded (its hashes
// cover it): verify lists what breaks them (TextProblems), and output
// meant for a terminal shows it with Printable.

// TextRule is what one text field may hold.
type TextRule struct {
	// Max is the length limit in characters (after NFC).
	Max int
	// Lines allows line breaks and tabs (a note).
	Lines bool
	// Ref makes the field a ref (RefGrammar).
	Ref bool
}

// Length limits, in characters.
const (
	MaxRef      = 64    // ref, toward, fulfils
	MaxCode     = 16    // an entry's party code
	maxCoded    = 100   // kind, date, end, amount, currency, qualifier, quantity, illustrative
	maxShort    = 200   // asset, title, one sector, a party's or a sector's name, a token's label
	maxList     = 2000  // the sector and location fields as given (several values with shares)
	maxSource   = 2000  // an entry's source
	maxNote     = 10000 // an entry's note
	maxReason   = 2000  // the reason of a correction or a withdrawal
	maxAuthor   = 64    // who records a change (as user names)
	maxRateFrom = 500   // a rate's source
)

// MaxQuantity is the largest quantity a deployment may state: far above
// any real count, and small enough that sums of quantities and
// asset-months over any ledger stay exact in 64 bits.
const MaxQuantity = 1_000_000_000_000

// TextRules are the rules of every text field, by field name: an entry's
// columns, and the other text the ledger records.
var TextRules = map[string]TextRule{
	"ref":          {Max: MaxRef, Ref: true},
	"kind":         {Max: maxCoded},
	"party":        {Max: MaxCode},
	"date":         {Max: maxCoded},
	"end":          {Max: maxCoded},
	"amount":       {Max: maxCoded},
	"currency":     {Max: maxCoded},
	"qualifier":    {Max: maxCoded},
	"quantity":     {Max: maxCoded},
	"asset":        {Max: maxShort},
	"sector":       {Max: maxList},
	"location":     {Max: maxList},
	"toward":       {Max: MaxRef, Ref: true},
	"fulfils":      {Max: MaxRef, Ref: true},
	"source":       {Max: maxSource},
	"note":         {Max: maxNote, Lines: true},
	"illustrative": {Max: maxCoded},
	"title":        {Max: maxShort},
	"reason":       {Max: maxReason},
	"author":       {Max: maxAuthor},
	"name":         {Max: maxShort}, // a party's name
	"name-en":      {Max: maxShort}, // a sector's names
	"name-nl":      {Max: maxShort},
	"name-fr":      {Max: maxShort},
	"spelling":     {Max: maxShort},
	"rate-source":  {Max: maxRateFrom},
	"label":        {Max: maxShort}, // an API token's label
}

// RefGrammar is the form of a ref, as a regular expression: a letter or a
// digit, then letters, digits, '.', '_', ':' and '-', at most MaxRef
// characters in all (so never "." or "..", a '/' or a space).
const RefGrammar = `^[A-Za-z0-9][A-Za-z0-9._:-]{0,63}$`

// CodeCharacter: text holds a character the text rules refuse (a control
// character, a bidirectional control, a line break outside a note) or is
// not valid UTF-8; Value is the character as U+XXXX ("" for invalid UTF-8).
const CodeCharacter = "bad_character"

// CleanText applies the text rule of field (TextRules; a field without one
// is held to the rule of a one-line text of maxShort characters) to s. It
// returns s trimmed and in NFC, or the problem: a Problem for field with
// no line, or nil.
func CleanText(field, s string) (string, *Problem) {
	rule, ok := TextRules[field]
	if !ok {
		rule = TextRule{Max: maxShort}
	}
	return rule.Clean(field, s)
}

// Clean is CleanText with rule, for a field named field.
func (rule TextRule) Clean(field, s string) (string, *Problem) {
	if t := strings.TrimSpace(s); plainASCII(t, rule.Lines) {
		// Most text: printable ASCII (a note's line feeds and tabs
		// included), which is in NFC and one character per byte.
		return rule.fits(field, t)
	}
	if !utf8.ValidString(s) {
		return "", &Problem{Field: field, Code: CodeCharacter, Msg: "not valid UTF-8: save the file as UTF-8"}
	}
	if rule.Lines && strings.Contains(s, "\r\n") {
		s = strings.ReplaceAll(s, "\r\n", "\n")
	}
	s = strings.TrimSpace(s)
	if msg, value := refusedIn(s, rule.Lines); msg != "" {
		return "", &Problem{Field: field, Code: CodeCharacter, Value: value, Msg: msg}
	}
	if !isASCII(s) {
		s = norm.NFC.String(s) // s itself when it is in NFC already
	}
	return rule.fits(field, s)
}

// fits checks the length of s, a clean text, and its form for a ref.
func (rule TextRule) fits(field, s string) (string, *Problem) {
	if len(s) > rule.Max && utf8.RuneCountInString(s) > rule.Max {
		return "", &Problem{Field: field, Msg: fmt.Sprintf("too long (%d characters at most)", rule.Max)}
	}
	if rule.Ref && s != "" {
		if msg := checkRef(s); msg != "" {
			return "", &Problem{Field: field, Msg: msg}
		}
	}
	return s, nil
}

// plainASCII tells whether s is printable ASCII, with line feeds and tabs
// when lines is set: text the rules keep as it is.
func plainASCII(s string, lines bool) bool {
	for i := 0; i < len(s); i++ {
		if c := s[i]; c < 0x20 || c >= 0x7f {
			if !lines || c != '\n' && c != '\t' {
				return false
			}
		}
	}
	return true
}

// refused tells whether the text rules refuse r anywhere: a control
// character (C0, DEL, C1), a bidirectional override or isolate, a line or
// paragraph separator. Tab and line feed are refused too, except in a
// note (see refusedIn).
func refused(r rune) bool {
	switch {
	case r < 0x20, r >= 0x7f && r <= 0x9f:
		return true
	case r >= 0x202a && r <= 0x202e, r >= 0x2066 && r <= 0x2069:
		return true
	case r == 0x2028, r == 0x2029:
		return true
	}
	return false
}

// refusedIn finds the first character of s the rules refuse and says what
// it is, where, and what to do: the message and the character as U+XXXX,
// or "" when there is none.
func refusedIn(s string, lines bool) (msg, value string) {
	n := 0
	for _, r := range s {
		n++
		if !refused(r) || lines && (r == '\n' || r == '\t') {
			continue
		}
		value = fmt.Sprintf("U+%04X", r)
		switch {
		case lines && r == '\r':
			return fmt.Sprintf("a carriage return (%s) without a line feed at character %d: end lines with a line feed", value, n), value
		case r == '\n' || r == '\r' || r == 0x2028 || r == 0x2029:
			return fmt.Sprintf("a line break (%s) at character %d: write it on one line (only a note may have line breaks)", value, n), value
		case r == '\t':
			return fmt.Sprintf("a tab at character %d: use a space (only a note may have tabs)", n), value
		case r >= 0x202a:
			return fmt.Sprintf("a bidirectional control character (%s) at character %d, which changes the order in which text is shown: remove it", value, n), value
		}
		return fmt.Sprintf("a control character (%s) at character %d: remove it", value, n), value
	}
	return "", ""
}

// checkRef checks the form of a ref (RefGrammar); "" when it is fine, or
// the problem.
func checkRef(s string) string {
	if utf8.RuneCountInString(s) > MaxRef {
		return fmt.Sprintf("too long (%d characters at most)", MaxRef)
	}
	for i, r := range s {
		alnum := r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9'
		if !alnum && (i == 0 || !strings.ContainsRune("._:-", r)) {
			return fmt.Sprintf("%q: a ref starts with a letter or a digit, followed by letters, digits, '.', '_', ':' or '-' (no spaces or '/'), e.g. bel-pledge-2021", Clip(s))
		}
	}
	return ""
}

// TextProblem tells what in s, recorded in field, breaks the text rules
// (see CleanText), without changing it: for verify, which lists what a
// ledger recorded before the rules holds. It returns "" when s keeps them
// (text not in NFC, or with surrounding spaces, keeps them: it is stored
// as recorded, and would be normalised if given again).
func TextProblem(field, s string) string {
	if s == "" {
		return ""
	}
	if _, p := CleanText(field, s); p != nil {
		return p.Msg
	}
	return ""
}

// Printable writes s for a terminal: every character the text rules
// refuse (see refused; a tab and a line break included), and every byte
// that is not valid UTF-8, is written as a visible escape (\t, \n, \r,
// \x1b, \u202e, \xff), so that stored text can neither move the cursor,
// colour or clear the screen, reorder what is shown, nor start a line of
// its own. Everything else, a backslash included, is unchanged.
func Printable(s string) string { return printable(s, false) }

// PrintableLines is Printable that keeps line feeds: for a message whose
// lines are its own (an error listing several problems).
func PrintableLines(s string) string { return printable(s, true) }

func printable(s string, keepLF bool) string {
	clean := true
	for i := 0; i < len(s); {
		r, size := utf8.DecodeRuneInString(s[i:])
		if r == utf8.RuneError && size <= 1 || refused(r) && !(keepLF && r == '\n') {
			clean = false
			break
		}
		i += size
	}
	if clean {
		return s
	}
	var b strings.Builder
	for i := 0; i < len(s); {
		r, size := utf8.DecodeRuneInString(s[i:])
		switch {
		case r == utf8.RuneError && size <= 1:
			fmt.Fprintf(&b, `\x%02x`, s[i])
		case keepLF && r == '\n', !refused(r):
			b.WriteRune(r)
		case r == '\t':
			b.WriteString(`\t`)
		case r == '\n':
			b.WriteString(`\n`)
		case r == '\r':
			b.WriteString(`\r`)
		case r < 0x100:
			fmt.Fprintf(&b, `\x%02x`, r)
		default:
			fmt.Fprintf(&b, `\u%04x`, r)
		}
		i += size
	}
	return b.String()
}
