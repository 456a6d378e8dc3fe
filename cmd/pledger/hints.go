package main

import (
	"errors"
	"strconv"
	"strings"
	"time"

	"github.com/coalition/pledger/internal/ledger"
	"github.com/coalition/pledger/internal/money"
	"github.com/coalition/pledger/internal/report"
)

// Hints belong to the door: the lower layers report problems as data (a
// field, a stable code, the value at fault) and name no command or flag.
// This file is where the command line says what to do about each of them.

// hints maps a problem or failure code to the advice a person at the
// command line needs; value is the value at fault.
var hints = map[string]func(value string) string{
	"no_such_party": func(string) string { return "the parties are listed by `pledger party list`" },
	"report_needs_arg": func(name string) string {
		d, err := report.Lookup(name)
		if err != nil || len(d.Args) == 0 {
			return ""
		}
		return "pledger report " + name + " " + strings.ToUpper(d.Args[0])
	},
	"unknown_report": func(string) string { return "see `pledger report list`" },
	"no_such_ref":    func(string) string { return "see `pledger list`" },
	"ref_exists":     func(ref string) string { return "use `pledger amend " + ref + "` to correct it" },
	"ref_differs": func(string) string {
		return "run `pledger import FILE --amend --reason \"...\"` to record this row as a correction, or fix the row"
	},
	"rate_recorded": func(string) string { return "use --replace to record the new rate (the old one is kept)" },
	ledger.CodeRateJump: func(string) string {
		return "if the rate is right, record it with --force"
	},
	ledger.CodeRateOtherSource: func(string) string {
		return "a report chooses with --rate-source (e.g. --rate-source manual,ECB), or by default with $" + money.EnvRateSources
	},
	"no_such_rate_source": func(string) string { return "see the sources with `pledger rates list`" },
	ledger.CodeUnknownParty: func(code string) string {
		return "add it first with `pledger party add " + code + " --name \"...\"`"
	},
	ledger.CodeNoSource: func(string) string { return "add a source column or give --source NAME" },
	ledger.CodeUnknownSector: func(string) string {
		return "the sectors are listed by `pledger sector list`; add one with `pledger sector add CODE --name-en \"...\" --name-nl \"...\" --name-fr \"...\"`"
	},
	"sector_exists": func(string) string { return "see `pledger sector list`" },
	"restore_not_empty": func(string) string {
		return "restore into a new ledger: --db sqlite:NEW-FILE.db, or an empty PostgreSQL database (createdb)"
	},
	"archive_damaged": func(string) string {
		return "use another copy, or write the archive again with `pledger backup --out FILE`"
	},
	"archive_newer":         func(string) string { return "restore it with the pledger that wrote it, or a newer one" },
	"sector_spelling_taken": func(string) string { return "see `pledger sector list`: choose another code, name or spelling" },
}

// missingRateHint is the command-line advice for a missing exchange rate:
// the command that records the rate, or the import of a period's rates.
func missingRateHint(e *money.MissingRateError) string {
	if e.IsPeriod() {
		return "import the rates for that period (`pledger rates import FILE`)"
	}
	base, quote := e.Quoted()
	d := e.Day.Format(time.DateOnly)
	return "add one with `pledger rates set " + d + " " + base + " " + quote + " RATE`, or import the ECB file with `pledger rates import eurofxref-hist.csv`"
}

// hintFor is the command-line advice for code, or "".
func hintFor(code, value string) string {
	if h := hints[code]; h != nil {
		return h(value)
	}
	return ""
}

// withHint appends a hint to a message.
func withHint(msg, hint string) string {
	if hint == "" {
		return msg
	}
	return msg + ": " + hint
}

// phrase writes err for the command line: its own text, with the advice
// for every coded problem or failure in its chain.
func phrase(err error) string {
	var ps *ledger.Problems
	if errors.As(err, &ps) {
		// The first problems and how many more: a file bad in every
		// cell must not print more than its own size.
		if c := ps.Capped(maxPrintedProblems); c != ps {
			return strings.Replace(err.Error(), ps.Error(), phrase(c), 1)
		}
	}
	msg := ledger.Phrase(err, func(p ledger.Problem) string { return withHint(p.Msg, hintFor(p.Code, p.Value)) },
		func(f *ledger.Failure) string { return withHint(flagged(f), hintFor(f.Code, f.Value)) })
	var mr *money.MissingRateError
	if errors.As(err, &mr) {
		msg = strings.Replace(msg, mr.Error(), withHint(mr.Error(), missingRateHint(mr)), 1)
	}
	return msg
}

// maxPrintedProblems is how many problems the command line prints before
// it counts the rest.
const maxPrintedProblems = 100

// flags are the inputs that the command line takes as flags: a failure
// about one of them names the flag, "--currency XYZ: ...".
var flags = map[string]bool{"currency": true, "valuation": true, "max-staleness": true, "lang": true, "as-of": true,
	"from": true, "to": true, "party": true, "sector": true, "location": true, "db": true, "by": true,
	"active-on": true, "top": true, "format": true, "source": true, "rate-source": true, "force": true,
	"allow-unverified": true, "head": true, "public-key": true, "key": true, "unit": true, "codes": true}

// flagged writes a failure as the command line says it: the inputs it is
// about as flags.
func flagged(f *ledger.Failure) string {
	msg := ledger.FieldRefs(f.Msg, func(name string) string {
		if flags[name] {
			return "--" + name
		}
		return name
	})
	switch {
	case f.Field == "":
		return msg
	case flags[f.Field] && (strings.HasPrefix(msg, f.Value) || strings.HasPrefix(msg, strconv.Quote(f.Value))):
		return "--" + f.Field + " " + msg // "--party XYZ: unknown party"
	case flags[f.Field]:
		return "--" + f.Field + ": " + msg
	}
	return f.Field + ": " + msg
}
