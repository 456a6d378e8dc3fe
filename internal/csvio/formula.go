package csvio

import "strings"

// Spreadsheets run a cell whose text starts with =, +, -, @, a tab or a
// carriage return as a formula (CSV injection). Every CSV pledger writes
// neutralises such text with a leading single quote, which a spreadsheet
// shows as text; and pledger's readers take the quote off again, so that
// export -> import -> export stays byte-identical:
//
//	Neutralise("=1+1") == "'=1+1"     Restore("'=1+1") == "=1+1"
//	Neutralise("'=1+1") == "''=1+1"   Restore("''=1+1") == "'=1+1"
//
// Text already made of quotes before such a character gets one more quote,
// so Restore(Neutralise(s)) == s for every s. Writers put figures (a
// negative amount of a report) in their cells themselves, not through
// Neutralise.

// formulaStart lists the characters a spreadsheet reads a formula from.
const formulaStart = "=+-@\t\r"

// Neutralise keeps s from being run as a formula by a spreadsheet: text
// that starts with =, +, -, @, a tab or a carriage return, after any
// single quotes, gets a single quote in front.
func Neutralise(s string) string {
	if !quotedFormula(s) {
		return s
	}
	return "'" + s
}

// Restore undoes Neutralise: text of one or more single quotes followed by
// =, +, -, @, a tab or a carriage return loses its first quote. Any other
// text is returned as it is.
func Restore(s string) string {
	if strings.HasPrefix(s, "'") && quotedFormula(s) {
		return s[1:]
	}
	return s
}

// quotedFormula tells whether s, after any leading single quotes, starts
// with a character a spreadsheet reads a formula from.
func quotedFormula(s string) bool {
	s = strings.TrimLeft(s, "'")
	return s != "" && strings.IndexByte(formulaStart, s[0]) >= 0
}
