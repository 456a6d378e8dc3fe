package web

import (
	"errors"
	"net/url"
	"strings"
	"time"

	"github.com/coalition/pledger/internal/ledger"
	"github.com/coalition/pledger/internal/money"
)

// Hints belong to the door: the lower layers report problems as data (a
// field, a stable code, the value at fault) and name no command or flag.
// This file is where the web says what a person in a browser can do about
// each of them (a page to visit, a field to fill), never a CLI command.

// webHints maps a problem or failure code to the advice for a browser user;
// value is the value at fault.
var webHints = map[string]func(value string) string{
	"no_such_ref":   func(string) string { return "see the list of entries at /entries" },
	"ref_exists":    func(ref string) string { return "correct it from its page, /entries/" + url.PathEscape(ref) },
	"ref_differs":   func(string) string { return "tick “amend” to record this row as a correction, or fix the row" },
	"rate_recorded": func(string) string { return "tick “replace” to record the new rate (the old one is kept)" },
	ledger.CodeRateJump: func(string) string {
		return "if the rate is right, tick “force” to record it anyway (API: \"force\": true)"
	},
	ledger.CodeRateOtherSource: func(string) string {
		return "a report chooses between sources with “Rate sources” on the Reports page (rate_source=manual,ECB)"
	},
	ledger.CodeUnknownParty: func(code string) string {
		return "add " + code + " on the Parties page first"
	},
	ledger.CodeNoSource: func(string) string { return "add a source column to the file, or name the source in the form" },
	"ledger_tampered": func(string) string {
		return "an administrator restores the ledger and runs a full verification; to see a report anyway, marked as unverified, add allow-unverified=1 to its address"
	},
}

// missingRateHint is the web's advice for a missing exchange rate.
func missingRateHint(e *money.MissingRateError) string {
	if e.IsPeriod() {
		return "import the rates for that period on the Rates page"
	}
	base, quote := e.Quoted()
	return "add the " + base + "/" + quote + " rate for " + e.Day.Format(time.DateOnly) + " on the Rates page, or import the ECB file there"
}

func webHint(code, value string) string {
	if h := webHints[code]; h != nil {
		return h(value)
	}
	return ""
}

// phraseProblem is one problem's message with the web's advice.
func phraseProblem(p ledger.Problem) string {
	if h := webHint(p.Code, p.Value); h != "" {
		return p.Msg + ": " + h
	}
	return p.Msg
}

// phraseError writes err for a page: its own text, with the web's advice
// for every coded problem or failure in its chain.
func phraseError(err error) string {
	msg := ledger.Phrase(err, phraseProblem, func(f *ledger.Failure) string {
		if h := webHint(f.Code, f.Value); h != "" {
			return f.Error() + ": " + h
		}
		return f.Error()
	})
	var mr *money.MissingRateError
	if errors.As(err, &mr) {
		msg = strings.Replace(msg, mr.Error(), mr.Error()+": "+missingRateHint(mr), 1)
	}
	return msg
}
