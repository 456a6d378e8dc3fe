package web

import (
	"errors"
	"fmt"
	"net/url"
	"strings"
	"time"

	"github.com/coalition/pledger/internal/ledger"
	"github.com/coalition/pledger/internal/model"
	"github.com/coalition/pledger/internal/money"
)

// Hints belong to the door: the lower layers report problems as data (a
// field, a stable code, the value at fault) and name no command or flag.
// This file is where the web says what a person in a browser can do about
// each of them (a page to visit, a field to fill), never a CLI command, in
// the words of the page's language (reports/ui.json, "ui.hint.*"), and
// names every field by its form label, never by its column name.

// webHints maps a problem or failure code to the advice for a browser user;
// value is the value at fault.
var webHints = map[string]func(l *model.Lang, value string) string{
	"no_such_ref": func(l *model.Lang, _ string) string { return l.T("ui.hint.no_such_ref") },
	"ref_exists": func(l *model.Lang, ref string) string {
		return l.T("ui.hint.ref_exists", "/entries/"+url.PathEscape(ref))
	},
	"ref_differs":       func(l *model.Lang, _ string) string { return l.T("ui.hint.ref_differs") },
	"rate_recorded":     func(l *model.Lang, _ string) string { return l.T("ui.hint.rate_recorded") },
	ledger.CodeRateJump: func(l *model.Lang, _ string) string { return l.T("ui.hint.rate_jump") },
	ledger.CodeRateOtherSource: func(l *model.Lang, _ string) string {
		return l.T("ui.hint.rate_other_source")
	},
	ledger.CodeUnknownParty: func(l *model.Lang, code string) string {
		return l.T("ui.hint.unknown_party", code)
	},
	ledger.CodeNoSource:      func(l *model.Lang, _ string) string { return l.T("ui.hint.no_source") },
	ledger.CodeUnknownSector: unknownSectorHint,
	"ledger_tampered":        func(l *model.Lang, _ string) string { return l.T("ui.hint.ledger_tampered") },
}

// unknownSectorHint names, by their names in the page's language, the
// shipped sectors close to what was typed (the domain's message names
// those a ledger added too, in English: the API answers with it), and
// points at the picker.
func unknownSectorHint(l *model.Lang, value string) string {
	close := ledger.BuiltinSectors().Close(value)
	if len(close) == 0 {
		return l.T("ui.hint.unknown_sector")
	}
	names := make([]string, len(close))
	for i, c := range close {
		names[i] = l.SectorLabel(c) + " (" + c + ")"
	}
	return l.T("ui.hint.unknown_sector.close", strings.Join(names, ", "))
}

// missingRateHint is the web's advice for a missing exchange rate.
func missingRateHint(l *model.Lang, e *money.MissingRateError) string {
	if e.IsPeriod() {
		return l.T("ui.hint.rates_period")
	}
	base, quote := e.Quoted()
	return l.T("ui.hint.rate_missing", base+"/"+quote, e.Day.Format(time.DateOnly))
}

func webHint(l *model.Lang, code, value string) string {
	if h := webHints[code]; h != nil {
		return h(l, value)
	}
	return ""
}

// fieldLabel is how a form names a field: its label in l ("Toward need"
// for toward), or the name itself for one that has no label.
func fieldLabel(l *model.Lang, field string) string {
	if l.Has("ui.field." + field) {
		return l.T("ui.field." + field)
	}
	return field
}

// quoted is a label as a message quotes it.
func quoted(l *model.Lang, field string) string {
	return l.T("ui.quote", fieldLabel(l, field))
}

// problemWords are the problem codes a page says in its reader's words
// (reports/ui.json, "ui.problem.CODE.FIELD" or "ui.problem.CODE"), and
// whether the words quote the problem's value. A problem with another code,
// or none, is shown as the domain wrote it.
var problemWords = map[string]bool{
	ledger.CodeRequired: false, ledger.CodeUnknown: true, ledger.CodeEndBeforeDate: true, ledger.CodeNeedTowardNeed: false,
	ledger.CodeNoSuchLink: true, ledger.CodeUnchanged: false, ledger.CodeUnknownParty: true, ledger.CodeUnknownSector: true,
	ledger.CodeMoreProblems: true,
}

// problemMsg is a problem's message in l, when the catalog has its code.
func problemMsg(l *model.Lang, p ledger.Problem) string {
	quotes, ok := problemWords[p.Code]
	if !ok {
		return p.Msg
	}
	for _, key := range []string{"ui.problem." + p.Code + "." + p.Field, "ui.problem." + p.Code} {
		if !l.Has(key) {
			continue
		}
		if quotes {
			return l.T(key, p.Value)
		}
		return l.T(key)
	}
	return p.Msg
}

// phraseProblem is one problem's message with the web's advice, for the
// place next to its field: other fields it names are named by their label.
func phraseProblem(l *model.Lang, p ledger.Problem) string {
	msg := ledger.FieldRefs(problemMsg(l, p), func(f string) string { return quoted(l, f) })
	if h := webHint(l, p.Code, p.Value); h != "" {
		return msg + ": " + h
	}
	return msg
}

// phraseProblemLine is a problem on a line of its own: its line (of a
// file), its field's label, the message and the advice.
func phraseProblemLine(l *model.Lang, file string, p ledger.Problem) string {
	var b strings.Builder
	switch {
	case p.Cell != "":
		// A workbook's problem names its sheet and cell: FILE:SHEET!CELL.
		b.WriteString(file + ":" + p.Cell + ": ")
	case file != "":
		b.WriteString(file + ": ")
	}
	if p.Line > 0 && p.Cell == "" {
		b.WriteString(l.T("ui.line", fmt.Sprint(p.Line)) + ": ")
	}
	if p.Field != "" {
		b.WriteString(fieldLabel(l, p.Field) + ": ")
	}
	b.WriteString(phraseProblem(l, p))
	return b.String()
}

// phraseFailure writes a failure for a page: its field by its label, the
// inputs it names by theirs, and the advice.
func phraseFailure(l *model.Lang, f *ledger.Failure) string {
	msg := ledger.FieldRefs(f.Msg, func(name string) string { return quoted(l, name) })
	if f.Field != "" {
		msg = fieldLabel(l, f.Field) + ": " + msg
	}
	if h := webHint(l, f.Code, f.Value); h != "" {
		msg += ": " + h
	}
	return msg
}

// phraseError writes err for a page: its own text, with every problem and
// failure in its chain phrased for the browser (labels, advice).
func phraseError(l *model.Lang, err error) string {
	msg := err.Error()
	var ps *ledger.Problems
	if errors.As(err, &ps) {
		lines := make([]string, len(ps.List))
		for i, p := range ps.List {
			lines[i] = phraseProblemLine(l, ps.File, p)
		}
		msg = strings.Replace(msg, ps.Error(), strings.Join(lines, "\n"), 1)
	}
	var f *ledger.Failure
	if errors.As(err, &f) {
		msg = strings.Replace(msg, f.Error(), phraseFailure(l, f), 1)
	}
	var mr *money.MissingRateError
	if errors.As(err, &mr) {
		msg = strings.Replace(msg, mr.Error(), mr.Error()+": "+missingRateHint(l, mr), 1)
	}
	return msg
}
