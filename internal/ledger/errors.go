// Package ledger is pledger's domain: entries and their kinds, the rules an
// entry must satisfy, parties, and revisions with their hash chain.
//
// It does no I/O. Every input path (CLI flags, CSV rows, web forms, the JSON
// API) turns its text into a Fields value and calls ParseEntry, so one set of rules
// decides what may enter the ledger. Nothing is ever changed in place: a
// correction or a withdrawal is a new Revision of the same ref, chained to the
// previous revision by SHA-256.
package ledger

import (
	"errors"
	"fmt"
	"regexp"
	"strconv"
	"strings"
)

// Error kinds, matched with errors.Is and mapped to exit codes and HTTP
// statuses in one place each.
var (
	ErrInvalid  = errors.New("invalid input")
	ErrNotFound = errors.New("not found")
	ErrConflict = errors.New("conflict")
	ErrTampered = errors.New("ledger tampered")
)

// Problem is one thing wrong with one field of one input line.
// Line is 0 when the input has no lines (a form, a command line). Cell,
// when set, names the place as the input's own readers know it, and is
// written instead of the line: a workbook's SHEET!CELL (Blad1!F7) for its
// row Line and the column of Field.
//
// Problems are data: Msg says what is wrong in words that fit any door
// (a command line, a form, an API answer), never naming a command or a
// flag. Code is a stable name for the kind of problem and Value the value
// at fault, so that each door can add its own hint (cmd/pledger: the
// command that fixes it; the web: a link).
type Problem struct {
	Line  int    `json:"line,omitempty"`
	Cell  string `json:"cell,omitempty"`
	Field string `json:"field"`
	Code  string `json:"code,omitempty"`
	Value string `json:"value,omitempty"`
	Msg   string `json:"problem"`
}

func (p Problem) String() string {
	var b strings.Builder
	switch {
	case p.Cell != "":
		b.WriteString(p.Cell + ": ")
	case p.Line > 0:
		fmt.Fprintf(&b, "%d: ", p.Line)
	}
	if p.Field != "" {
		b.WriteString(p.Field + ": ")
	}
	b.WriteString(p.Msg)
	return b.String()
}

// Codes of problems and failures: stable names a door matches to add its
// hint (cmd/pledger/hints.go, internal/web/hints.go).
const (
	// CodeUnknownParty: a party code not in the party list; Value is the
	// code, upper case.
	CodeUnknownParty = "unknown_party"
	// CodeRequired: a required field is empty.
	CodeRequired = "required"
	// CodeUnknown: a value not among those the field takes (a kind, a
	// currency, a qualifier); Value is the value.
	CodeUnknown = "unknown"
	// CodeEndBeforeDate: the end is before the date; Value is the end.
	CodeEndBeforeDate = "end_before_date"
	// CodeNeedTowardNeed: a need names another need as toward.
	CodeNeedTowardNeed = "need_toward_need"
	// CodeNoSuchLink: toward or fulfils names no entry; Value is the ref.
	CodeNoSuchLink = "no_such_link"
	// CodeUnchanged: an amendment that changes nothing.
	CodeUnchanged = "unchanged"
	// CodeMoreProblems: the last problem of a list cut short; Value is
	// how many more problems there are (see Problems.Capped).
	CodeMoreProblems = "more_problems"
)

// Problems is a list of validation problems; as an error it matches
// ErrInvalid. File names the input the lines belong to, if any.
type Problems struct {
	File string
	List []Problem
}

// Add appends a problem.
func (ps *Problems) Add(line int, field, format string, args ...any) {
	ps.List = append(ps.List, Problem{Line: line, Field: field, Msg: fmt.Sprintf(format, args...)})
}

// Err returns ps as an error, or nil when there is no problem.
func (ps *Problems) Err() error {
	if ps == nil || len(ps.List) == 0 {
		return nil
	}
	return ps
}

// Error writes one problem per line: FILE:LINE: field: problem, or
// FILE:SHEET!CELL: field: problem for a problem with a Cell.
func (ps *Problems) Error() string {
	var b strings.Builder
	for i, p := range ps.List {
		if i > 0 {
			b.WriteByte('\n')
		}
		if ps.File != "" {
			b.WriteString(ps.File + ":")
			if p.Line == 0 && p.Cell == "" {
				b.WriteString(" ")
			}
		}
		b.WriteString(p.String())
	}
	return b.String()
}

func (ps *Problems) Is(target error) bool { return target == ErrInvalid }

// MoreProblems is the problem that ends a list cut short: n more problems,
// not listed.
func MoreProblems(n int) Problem {
	return Problem{Code: CodeMoreProblems, Value: strconv.Itoa(n), Msg: fmt.Sprintf("... and %d more problems", n)}
}

// Capped returns ps with at most n problems listed, followed by one that
// counts the others (MoreProblems, adding up the count of one that ends
// ps already); ps itself when it lists no more than n. A door that shows
// problems to a person shows a list of a readable length, however bad
// the input.
func (ps *Problems) Capped(n int) *Problems {
	list, more := ps.List, 0
	if k := len(list); k > 0 && list[k-1].Code == CodeMoreProblems {
		m, err := strconv.Atoi(list[k-1].Value)
		if err == nil && m > 0 {
			list, more = list[:k-1], m
		}
	}
	if len(list) <= n {
		return ps // nothing to cut (a count that ends it stays)
	}
	more += len(list) - n
	list = list[:n]
	out := &Problems{File: ps.File, List: make([]Problem, len(list), len(list)+1)}
	copy(out.List, list)
	out.List = append(out.List, MoreProblems(more))
	return out
}

// Failure is an error that is not about a field of an input line but
// still has a kind (ErrInvalid, ErrNotFound, ErrConflict, ErrTampered), a
// stable Code and the Value at fault, so that each door can phrase a hint.
// It matches its Kind with errors.Is.
//
// Msg names no command or flag; where it must speak of another input it
// writes it as {name} (e.g. "{from} 2022 is after {to} 2021"), and each
// door writes the reference its own way (a flag, a form label); Error
// writes the bare name.
type Failure struct {
	Kind  error  // one of the Err* kinds above
	Code  string // stable, e.g. "no_such_ref"
	Field string // the input it is about, if any (ref, as-of, db, ...)
	Value string // the value at fault
	Msg   string // what is wrong, naming no command or flag
	Err   error  // the error underneath, if any
}

// Fail makes a Failure of kind with a message.
func Fail(kind error, code, field, value, format string, args ...any) *Failure {
	return &Failure{Kind: kind, Code: code, Field: field, Value: value, Msg: fmt.Sprintf(format, args...)}
}

func (f *Failure) Error() string {
	msg := FieldRefs(f.Msg, func(name string) string { return name })
	if f.Field != "" {
		return f.Field + ": " + msg
	}
	return msg
}

// Is matches the failure's kind.
func (f *Failure) Is(target error) bool { return target == f.Kind }

// Unwrap is the error underneath.
func (f *Failure) Unwrap() error { return f.Err }

var fieldRef = regexp.MustCompile(`\{([a-z][a-z0-9-]*)\}`)

// FieldRefs writes the {name} references of a message with name.
func FieldRefs(msg string, name func(field string) string) string {
	if !strings.Contains(msg, "{") {
		return msg
	}
	return fieldRef.ReplaceAllStringFunc(msg, func(m string) string { return name(m[1 : len(m)-1]) })
}

// maxProblemValue is how much of a bad value a message quotes.
const maxProblemValue = 40

// Clip shortens a value for an error message.
func Clip(s string) string {
	if len(s) <= maxProblemValue {
		return s
	}
	cut := maxProblemValue
	for cut > 0 && (s[cut]&0xC0) == 0x80 {
		cut--
	}
	return s[:cut] + fmt.Sprintf("... (%d bytes)", len(s))
}

// Phrase writes err for one door (the command line, a page): its text, with
// the message of every problem in it rewritten by problem and the failure
// in its chain by failure. The doors add their hints this way.
func Phrase(err error, problem func(Problem) string, failure func(*Failure) string) string {
	msg := err.Error()
	var ps *Problems
	if errors.As(err, &ps) {
		phrased := &Problems{File: ps.File, List: make([]Problem, len(ps.List))}
		for i, p := range ps.List {
			p.Msg = problem(p)
			phrased.List[i] = p
		}
		msg = strings.Replace(msg, ps.Error(), phrased.Error(), 1)
	}
	var f *Failure
	if errors.As(err, &f) {
		msg = strings.Replace(msg, f.Error(), failure(f), 1)
	}
	return msg
}
